"""Similarity (雷同性): what two or more bids have in common that independent bidders rarely would.

Indicators, never proof — each one asks a reviewer to look:

- the same anomaly on the same tender line (the same wrong 合价 for the same price, the same rewritten 项目特征,
  the same extra line, the same line left out or priced at zero …);
- identical unit prices on at least ``same_price_share`` of the lines both price (and ≥ ``min_same_price_lines``);
- identical file facts the readers report (``FileRead.meta``): the same pricing software build, lock / dongle or
  MAC address;
- the same file (sha256) handed in twice.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Sequence

from ..engine import FileReport
from .lines import text_key
from .model import CompareSettings, Deviation, Line
from .pairing import Pairing

WARNING = "warning"
SHARED_KINDS = ("missing", "extra", "code_changed", "name_changed", "features_changed", "unit_changed",
                "quantity_changed", "arithmetic", "magnitude", "zero_or_negative_price", "total_mismatch")
IDENTITY_META = ("dongle", "mac", "machine", "machine_key", "lock", "cpu", "disk")
SOFTWARE_META = ("software", "software_version")


def _value(value: object) -> object:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str):
        return text_key(value)
    return value


def signature(deviation: Deviation, tender_index: dict[tuple, int]) -> tuple | None:
    """What makes two bidders' deviations 'the same': kind, tender line (or, for extra lines, the bid line's
    text), and the values compared."""
    if deviation.kind not in SHARED_KINDS:
        return None
    if deviation.tender is not None:
        where: object = tender_index.get((deviation.tender.sheet, deviation.tender.rows))
    elif deviation.bid is not None:
        where = ("bid", text_key(deviation.bid.name), text_key(deviation.bid.features),
                 deviation.bid.name if deviation.kind in ("total_mismatch", "magnitude") else "")
    else:
        where = None
    return (deviation.kind, deviation.note, where, _value(deviation.expected), _value(deviation.actual))


def shared_anomalies(files: Sequence[str], deviations: Sequence[Sequence[Deviation]],
                     tender: Sequence[Line]) -> list[list[Deviation]]:
    """Per bidder, one indicator for each anomaly another bidder shares."""
    tender_index = {(line.item.provenance.sheet, (line.item.provenance.first_row, line.item.provenance.last_row)):
                    line.index for line in tender}
    holders: dict[tuple, list[tuple[int, Deviation]]] = defaultdict(list)
    for n, found in enumerate(deviations):
        seen = set()
        for deviation in found:
            key = signature(deviation, tender_index)
            if key is not None and key not in seen:
                seen.add(key)
                holders[key].append((n, deviation))
    out: list[list[Deviation]] = [[] for _ in files]
    for key, held in holders.items():
        if len(held) < 2:
            continue
        for n, deviation in held:
            others = tuple(files[m] for m, _ in held if m != n)
            out[n].append(Deviation("shared_anomaly", WARNING, deviation.tender, deviation.bid, "shared",
                                    deviation.facts + (("shared_kind", deviation.kind),
                                                       ("shared_note", deviation.note)),
                                    expected=deviation.expected, actual=deviation.actual, rule=deviation.rule,
                                    others=others, diff=deviation.diff))
    return out


def same_prices(files: Sequence[str], bids: Sequence[tuple[Sequence[Line], Pairing]], settings: CompareSettings
                ) -> list[list[Deviation]]:
    """Pairs of bids whose unit prices are identical on (almost) every line both price."""
    prices = []
    for lines, pairing in bids:
        prices.append({t: lines[b].item.unit_price for t, b, _ in pairing.pairs
                       if lines[b].item.unit_price is not None and lines[b].item.unit_price > 0})
    out: list[list[Deviation]] = [[] for _ in files]
    for a, b in combinations(range(len(files)), 2):
        common = prices[a].keys() & prices[b].keys()
        if len(common) < settings.min_same_price_lines:
            continue
        same = sum(abs(prices[a][t] - prices[b][t]) < 0.005 for t in common)
        share = same / len(common)
        if share >= settings.same_price_share:
            facts = (("share", share), ("same", same), ("lines", len(common)))
            out[a].append(Deviation("shared_anomaly", WARNING, None, None, "same_prices", facts, others=(files[b],)))
            out[b].append(Deviation("shared_anomaly", WARNING, None, None, "same_prices", facts, others=(files[a],)))
    return out


def same_files(reports: Sequence[FileReport]) -> list[list[Deviation]]:
    """Identical file facts (meta) and identical files, per pair of bids."""
    out: list[list[Deviation]] = [[] for _ in reports]
    for a, b in combinations(range(len(reports)), 2):
        ra, rb = reports[a].read, reports[b].read
        if not ra.ok or not rb.ok:
            continue
        files = (ra.path, rb.path)
        if ra.sha256 and ra.sha256 == rb.sha256:
            for n, other in ((a, files[1]), (b, files[0])):
                out[n].append(Deviation("shared_anomaly", WARNING, None, None, "same_file",
                                        (("sha256", ra.sha256),), others=(other,)))
            continue
        meta_a, meta_b = dict(ra.meta), dict(rb.meta)
        same = [(k, meta_a[k]) for k in IDENTITY_META if meta_a.get(k) and meta_a.get(k) == meta_b.get(k)]
        if all(meta_a.get(k) and meta_a.get(k) == meta_b.get(k) for k in SOFTWARE_META):
            same += [(k, meta_a[k]) for k in SOFTWARE_META]
        if any(k in IDENTITY_META for k, _ in same):
            facts = (("meta", tuple(f"{k}={v}" for k, v in same)),)
            for n, other in ((a, files[1]), (b, files[0])):
                out[n].append(Deviation("shared_anomaly", WARNING, None, None, "same_meta", facts, others=(other,)))
    return out
