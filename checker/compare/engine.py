"""The bid review core: from checked files (tender, bids, control price) to a Comparison.  No user interface.

Every file has been read and judged by the same per-file check as ``gbm-check check`` (``engine.check_file``);
this module only pairs lines and compares what the check found.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ..engine import FileReport
from ..judge.rules import Profile
from ..match.catalog import CatalogSet
from . import arithmetic, prices, similarity
from .conformity import conformity
from .green import green_drift
from .lines import split
from .model import GROUPS, Bidder, CompareSettings, Comparison, Deviation, Line, LineRef, PricedFile
from .pairing import Pairing, keys, pair

_GROUP_ORDER = {group: n for n, group in enumerate(GROUPS)}


def compare(tender: FileReport, bids: Sequence[FileReport], control: Optional[FileReport] = None,
            settings: CompareSettings = CompareSettings(), *, profile: Optional[Profile] = None,
            catalogs: Optional[CatalogSet] = None) -> Comparison:
    """Review every bid against the tender (and the control price, when given)."""
    t_lines, _ = split(tender)
    tender_file = PricedFile(report=tender, lines=len(t_lines))
    control_file, control_pairing = None, None
    if control is not None:
        c_lines, c_totals = split(control)
        total, source = arithmetic.bill_total(c_lines, c_totals, settings) if control.read.ok else (None, "")
        control_file = PricedFile(report=control, lines=len(c_lines), total=total, total_source=source)
        if control.read.ok and tender.read.ok:
            control_pairing = (c_lines, pair(t_lines, c_lines, keys(t_lines)))

    parts = [split(b) for b in bids]
    usable = [b.read.ok and tender.read.ok for b in bids]
    t_keys = keys(t_lines)
    pairings: list[Optional[Pairing]] = [pair(t_lines, lines, t_keys) if ok else None
                                         for (lines, _), ok in zip(parts, usable)]
    priced = [(lines, p) for (lines, _), p in zip(parts, pairings) if p is not None]
    refs = prices.references(t_lines, control_pairing, priced, settings)
    control_total = control_file.total if control_file and control_file.report.read.ok else None

    own: list[list[Deviation]] = []
    totals: list[tuple[Optional[float], str]] = []
    for (lines, stated), pairing, report in zip(parts, pairings, bids):
        if pairing is None:
            own.append([])
            totals.append((None, ""))
            continue
        found = conformity(t_lines, lines, pairing, settings)
        found += _with_tender(arithmetic.check_lines(lines, stated, settings), t_lines, lines, pairing)
        found += arithmetic.check_totals(lines, stated, settings)
        found += _drift(t_lines, lines, pairing)
        found += prices.price_deviations(t_lines, lines, pairing, refs, settings)
        total, source = arithmetic.bill_total(lines, stated, settings)
        over = prices.over_control(total, control_total, settings)
        if over is not None:
            found.append(over)
        own.append(found)
        totals.append((total, source))

    files = [b.read.path for b in bids]
    indicators = similarity.shared_anomalies(files, own, t_lines)
    same_prices = similarity.same_prices(files, [(parts[n][0], p) if p is not None else ([], Pairing((), (), ()))
                                                 for n, p in enumerate(pairings)], settings)
    same_files = similarity.same_files(bids)
    bidders = []
    for n, report in enumerate(bids):
        found = own[n] + indicators[n] + same_prices[n] + same_files[n]
        found.sort(key=_order)
        pairing = pairings[n]
        bidders.append(Bidder(report=report, total=totals[n][0], total_source=totals[n][1], lines=len(parts[n][0]),
                              paired=len(pairing.pairs) if pairing else 0, deviations=tuple(found)))
    return Comparison(tender=tender_file, bidders=tuple(bidders), control=control_file, settings=settings,
                      profile=profile, catalogs=catalogs, warnings=_warnings(control_file, len(priced), settings))


def _warnings(control: Optional[PricedFile], priced: int, settings: CompareSettings) -> tuple[str, ...]:
    """What the reader of the review must know about what could not be compared."""
    notes = []
    if control is not None and not control.report.read.ok:
        notes.append("price_control_unread")
    if (control is None or not control.report.read.ok) and priced < settings.min_median_bidders:
        notes.append("price_no_reference")
    return tuple(notes)


def _with_tender(found: list[Deviation], tender: Sequence[Line], bid: Sequence[Line], pairing: Pairing
                 ) -> list[Deviation]:
    """Bid-line deviations (arithmetic, prices at zero) with the tender line the bid line prices, when paired."""
    if not found:
        return found
    tender_of = {}
    for t, b, _ in pairing.pairs:
        p = bid[b].item.provenance
        tender_of[(p.sheet, p.first_row)] = t
    out = []
    for d in found:
        if d.bid is not None and d.tender is None and d.bid.rows:
            t = tender_of.get((d.bid.sheet, d.bid.rows[0]))
            if t is not None:
                d = replace(d, tender=LineRef.of(tender[t].item))
        out.append(d)
    return out


def _drift(tender: Sequence[Line], bid: Sequence[Line], pairing: Pairing) -> list[Deviation]:
    found = []
    for t, b, _ in pairing.pairs:
        deviation = green_drift(tender[t], bid[b])
        if deviation is not None:
            found.append(deviation)
    return found


def _order(deviation: Deviation) -> int:
    """Deviations by check group; within a group they keep the order they were found in (the tender's)."""
    return _GROUP_ORDER[deviation.group]
