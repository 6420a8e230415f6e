"""Prices (不平衡报价): each unit price against a reference, and the bid total against the control price.

The reference of a tender line is its unit price in the control price file (招标控制价) when one is given and
prices the line, else the median of the bids' unit prices for the line when at least ``min_median_bidders`` bids
price it.  A price beyond ±band of the reference is high or low — unless it is the reference × 10ⁿ (within the
band), which is a magnitude slip.  Zero and negative prices are arithmetic's, and a line whose unit the bid
changed is conformity's: neither is compared here.
"""
from __future__ import annotations

import math
from statistics import median
from typing import Optional, Sequence

from .lines import unit_key
from .model import CompareSettings, Deviation, Line, LineRef
from .pairing import Pairing

POWERS = (-4, -3, -2, -1, 1, 2, 3, 4)


def same_unit(tender: Line, bid: Line) -> bool:
    """A price per m is no price per m²: lines whose unit changed are not compared (conformity reports them)."""
    return unit_key(tender.item.unit) == unit_key(bid.item.unit)


def references(tender: Sequence[Line], control: Optional[tuple[Sequence[Line], Pairing]],
               bids: Sequence[tuple[Sequence[Line], Pairing]], settings: CompareSettings
               ) -> dict[int, tuple[float, str]]:
    """Tender line index → (reference unit price, "control" or "median")."""
    refs: dict[int, tuple[float, str]] = {}
    if control is not None:
        lines, pairing = control
        for t, c, _ in pairing.pairs:
            price = lines[c].item.unit_price
            if price is not None and price > 0 and same_unit(tender[t], lines[c]):
                refs[t] = (price, "control")
    prices: dict[int, list[float]] = {}
    for lines, pairing in bids:
        for t, b, _ in pairing.pairs:
            price = lines[b].item.unit_price
            if price is not None and price > 0 and same_unit(tender[t], lines[b]):
                prices.setdefault(t, []).append(price)
    for t, values in prices.items():
        if t not in refs and len(values) >= settings.min_median_bidders:
            refs[t] = (median(values), "median")
    return refs


def price_deviations(tender: Sequence[Line], bid: Sequence[Line], pairing: Pairing,
                     refs: dict[int, tuple[float, str]], settings: CompareSettings) -> list[Deviation]:
    found = []
    band = settings.band
    for t, b, _ in pairing.pairs:
        price = bid[b].item.unit_price
        if t not in refs or price is None or price <= 0 or not same_unit(tender[t], bid[b]):
            continue
        reference, source = refs[t]
        ratio = price / reference
        if 1 - band <= ratio <= 1 + band:
            continue
        t_ref, b_ref = LineRef.of(tender[t].item), LineRef.of(bid[b].item)
        power = round(math.log10(ratio))
        facts = (("source", source), ("band", band), ("ratio", ratio))
        if power in POWERS and abs(ratio / 10 ** power - 1) <= band:
            found.append(Deviation("magnitude", "error", t_ref, b_ref, "price_magnitude",
                                   facts + (("power", power),), expected=round(reference, 4), actual=price))
            continue
        kind = "price_high" if ratio > 1 else "price_low"
        found.append(Deviation(kind, "warning", t_ref, b_ref, kind, facts, expected=round(reference, 4),
                               actual=price))
    return found


def over_control(total: Optional[float], control_total: Optional[float], settings: CompareSettings
                 ) -> Optional[Deviation]:
    """The bid total above the control price (超最高限价): an error."""
    if total is None or not control_total or total <= control_total + settings.amount_tolerance:
        return None
    return Deviation("over_control_price", "error", None, None, "over_control_price",
                     (("difference", total - control_total), ("ratio", total / control_total)),
                     expected=round(control_total, 2), actual=round(total, 2))
