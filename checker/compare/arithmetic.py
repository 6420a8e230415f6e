"""Arithmetic (计算性): each line's 工程量 × 综合单价 against its 合价, zero or negative prices, unit prices not in
whole 分 (a warning), 10ⁿ slips, and every total the bid states against the lines it covers.

Tolerance: a 合价 may differ from 工程量 × 综合单价 by one 分 (rounding of the amount) plus half a 分 per unit of
quantity (the unit price printed rounded to 分).  A line whose 合价 is the product times 10ⁿ (n = ±1…±4) is a
magnitude slip (元 / 万元), not an ordinary error.

A line whose "unit price" is a rate (a 税金 or 费 line: quantity 1, a price below 1 or a percentage) is right when
its amount is the rate times a base the bill states before it (a 小计) or the sum of the lines before it.

Stated totals (the reader's ``FileRead.totals``, and numbered 小计 / 合计 rows read as lines):

- one at a row of a sheet with lines (本页小计, 分部小计, 合计) is right when it equals the lines since an earlier
  total in the sheet (or since the sheet's start), or an earlier total plus the lines since it (a running 合计 =
  上页合计 + 本页小计), or — a section heading that states its amount — the lines below it up to a later total.  A
  合计 directly under other totals, with no line between, may add fees stated only as totals: it is not judged.
- one without a row covers the lines under its element (XML), else those of its sheet (a section: of its section),
  else (a bill total) every line.  A section total equals them; a 单位工程 or bill total may add fees and taxes, so
  it is wrong only below them, or 10ⁿ off.  Totals of a summary sheet without lines are not judged (what each
  row covers is not known); the largest of them that covers every line is the bill total.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from collections import defaultdict
from typing import Optional, Sequence

from ..model import DeclaredTotal
from .lines import text_key
from .model import CompareSettings, Deviation, Line, LineRef

ERROR = "error"
WARNING = "warning"
POWERS = (-4, -3, -2, -1, 1, 2, 3, 4)
_FEE_NAME = re.compile(r"(税|费|规费|保险|公积金)")


def line_tolerance(quantity: float, settings: CompareSettings) -> float:
    return settings.amount_tolerance + abs(quantity) * 0.005


def total_tolerance(lines: int, settings: CompareSettings) -> float:
    return settings.amount_tolerance * (1 + lines)


def magnitude(actual: float, expected: float, tolerance: float) -> Optional[int]:
    """n when ``actual`` is ``expected`` × 10ⁿ within the tolerance (scaled), else None."""
    if not expected or not actual or (actual > 0) != (expected > 0):
        return None
    power = round(math.log10(abs(actual / expected)))
    if power not in POWERS:
        return None
    scaled = expected * 10 ** power
    return power if abs(actual - scaled) <= max(tolerance * 10 ** max(power, 0), abs(scaled) * 1e-4) else None


def in_fen(price: float) -> bool:
    """A unit price in whole 分 (0.01 元), as bills print them; one with more decimals was computed (an amount
    divided by the quantity) or typed so, and its 合价 no longer follows from the printed price."""
    cents = price * 100
    return abs(cents - round(cents)) <= 1e-4  # a millionth of a 元: floating-point noise, not a decimal


def to_fen(price: float) -> float:
    """The price rounded half up to 分, as a person rounds it (47.845 → 47.85; float rounding would give 47.84)."""
    return float(Decimal(repr(price)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def exact(value: float) -> str:
    """A number with every decimal it has (up to 10), for a price whose decimals are the point."""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def is_rate_line(line: Line) -> bool:
    """A fee or tax line priced by a rate: quantity 1 (or none), a rate below 1 or given in %, a fee name."""
    item = line.item
    if item.unit_price is None or item.unit_price <= 0 or item.amount is None:
        return False
    if item.quantity not in (None, 1, 1.0):
        return False
    percent = item.unit.strip() in ("%", "％")
    return (item.unit_price < 1 or percent) and bool(_FEE_NAME.search(text_key(item.name)))


def check_lines(lines: Sequence[Line], totals: Sequence[DeclaredTotal], settings: CompareSettings
                ) -> list[Deviation]:
    """Per line: zero or negative prices, unpriced lines, 工程量 × 综合单价 vs 合价, rate lines."""
    found: list[Deviation] = []
    rate_lines = {line.index for line in lines if is_rate_line(line)}
    bases = _rate_bases(lines, totals) if rate_lines else {}
    unpriced_sheets = _unpriced_sheets(lines)
    for sheet, count in unpriced_sheets.items():
        found.append(Deviation("zero_or_negative_price", ERROR, None, LineRef.at(sheet or "", sheet, None),
                               "unpriced_sheet", (("sheet", sheet or ""), ("lines", count))))
    for line in lines:
        item = line.item
        price, quantity, amount = item.unit_price, item.quantity, item.amount
        if price is None and amount is None and not item.amount_missing and quantity:
            if item.provenance.sheet not in unpriced_sheets:
                found.append(Deviation("zero_or_negative_price", ERROR, None, LineRef.of(item), "unpriced"))
            continue
        if price is not None and price <= 0 and (quantity or 0) != 0:
            found.append(Deviation("zero_or_negative_price", ERROR, None, LineRef.of(item), "zero_price",
                                   actual=price))
        elif price is not None and line.index not in rate_lines and not in_fen(price):
            found.append(Deviation("unrounded_price", WARNING, None, LineRef.of(item), "unrounded_price",
                                   (("price", exact(price)),), expected=to_fen(price), actual=price))
        if price is None or quantity is None or amount is None:
            continue
        if line.index in rate_lines:
            deviation = _check_rate(line, bases.get(line.index, []), settings)
            if deviation:
                found.append(deviation)
            continue
        expected = quantity * price
        tolerance = line_tolerance(quantity, settings)
        if abs(amount - expected) <= tolerance:
            continue
        ref = LineRef.of(item)
        power = magnitude(amount, expected, tolerance)
        if power is not None:
            found.append(Deviation("magnitude", ERROR, None, ref, "magnitude", (("power", power),),
                                   expected=round(expected, 4), actual=amount))
        else:
            found.append(Deviation("arithmetic", ERROR, None, ref, "arithmetic",
                                   (("difference", amount - expected),), expected=round(expected, 4),
                                   actual=amount))
    return found


def _unpriced_sheets(lines: Sequence[Line]) -> dict[Optional[str], int]:
    """Sheets none of whose lines has a unit price or an amount: one deviation for the sheet, not one per line
    (a table left unpriced, or whose price columns were not recognised)."""
    seen: dict[Optional[str], list[int]] = defaultdict(lambda: [0, 0])  # sheet → [lines, priced lines]
    for line in lines:
        item = line.item
        counts = seen[item.provenance.sheet]
        counts[0] += 1
        counts[1] += item.unit_price is not None or item.amount is not None or item.amount_missing
    return {sheet: n for sheet, (n, priced) in seen.items() if n > 1 and not priced}


def _check_rate(line: Line, bases: list[float], settings: CompareSettings) -> Optional[Deviation]:
    item = line.item
    rates = [item.unit_price / 100] if item.unit.strip() in ("%", "％") else [item.unit_price, item.unit_price / 100]
    tolerance = settings.amount_tolerance * 2
    bases = [b for b in bases if b]
    if not bases:
        return None  # nothing priced before it: the rate cannot be checked
    for base in bases:
        for rate in rates:
            if abs(item.amount - rate * base) <= tolerance + abs(base) * 0.00005:
                return None
    base = bases[0]
    expected = rates[0] * base
    return Deviation("arithmetic", ERROR, None, LineRef.of(item), "rate_arithmetic",
                     (("rate", rates[0]), ("base", base), ("difference", item.amount - expected)),
                     expected=round(expected, 4), actual=item.amount)


def _rate_bases(lines: Sequence[Line], totals: Sequence[DeclaredTotal]) -> dict[int, list[float]]:
    """For each rate line: the stated totals before it in its sheet (nearest first), then the sum of the lines
    before it in its sheet."""
    bases: dict[int, list[float]] = {}
    for sheet, events in _sheet_events(lines, totals).items():
        running, stated = 0.0, []
        for _, kind, value in events:
            if kind == "line":
                line = value
                if is_rate_line(line):
                    bases[line.index] = list(reversed(stated)) + [running]
                running += line.item.amount or 0.0
            elif value.amount is not None:
                stated.append(value.amount)
    return bases


def _position(line: Line) -> int:
    p = line.item.provenance
    return p.first_row if p.first_row is not None else (p.page or 0)


def _sheet_events(lines: Sequence[Line], totals: Sequence[DeclaredTotal]) -> dict:
    """Per sheet that has lines: its lines and the totals stated at a row (or page), in order (a total after the
    lines of its own row)."""
    events: dict[Optional[str], list] = defaultdict(list)
    for line in lines:
        events[line.item.provenance.sheet].append(((_position(line), 0, line.index), "line", line))
    for n, total in enumerate(totals):
        if total.row is not None and total.sheet in events and total.scope in ROW_SCOPES:
            events[total.sheet].append(((total.row, 1, n), "total", total))
    for sheet in events:
        events[sheet].sort(key=lambda e: e[0])
    return events


ROW_SCOPES = ("page", "section", "sheet")  # totals of the lines above (or, for a section heading, below) them
WHOLE_SCOPES = ("unit", "bill")  # totals that may add fees and taxes the lines do not show


def check_totals(lines: Sequence[Line], totals: Sequence[DeclaredTotal], settings: CompareSettings
                 ) -> list[Deviation]:
    """Every stated total against the lines it covers (see the module doc for what 'covers' means)."""
    found: list[Deviation] = []
    if not totals:
        return found
    for events in _sheet_events(lines, totals).values():
        found.extend(_check_sheet(events, settings))
    for total in totals:
        if total.amount is None or (total.row is not None and total.scope in ROW_SCOPES):
            continue
        covered = _covered(total, lines)
        if covered is None:
            continue  # a summary row of a table without lines: what it covers is not known
        deviation = _judge_whole(total, sum(line.item.amount or 0.0 for line in covered), len(covered), settings)
        if deviation:
            found.append(deviation)
    return found


def _check_sheet(events: list, settings: CompareSettings) -> list[Deviation]:
    """The row-placed totals of one sheet."""
    found = []
    amounts = [value.item.amount or 0.0 if kind == "line" else 0.0 for _, kind, value in events]
    prefix = [0.0]
    for amount in amounts:
        prefix.append(prefix[-1] + amount)
    total_at = [n for n, (_, kind, _) in enumerate(events) if kind == "total"]
    for k, n in enumerate(total_at):
        total: DeclaredTotal = events[n][2]
        if total.amount is None:
            continue
        earlier = [-1] + total_at[:k]
        later = total_at[k + 1:] + [len(events)]
        candidates = []
        for m in earlier:  # the lines since an earlier total (or the sheet's start), alone or on top of it
            window, count = prefix[n] - prefix[m + 1], _lines_between(events, m, n)
            candidates.append((window, count))
            if m >= 0 and events[m][2].amount is not None:
                candidates.append((events[m][2].amount + window, count))
        if total.scope == "section":  # a section heading that states its amount: the lines below it
            for m in later:
                candidates.append((prefix[m] - prefix[n + 1], _lines_between(events, n, m)))
        chained = _lines_between(events, earlier[-1], n) == 0
        deviation = _judge_total(total, candidates, settings)
        if deviation and not (chained and total.scope == "sheet"):  # 合计 right under other totals: may add fees
            found.append(deviation)
    return found


def _lines_between(events: list, start: int, end: int) -> int:
    return sum(1 for _, kind, _ in events[start + 1:end] if kind == "line")


def _covered(total: DeclaredTotal, lines: Sequence[Line]) -> Optional[list[Line]]:
    """The lines a total without a row covers: those under its element (XML), else its sheet's, else (a bill
    total) all; None when that cannot be told."""
    if total.location:
        prefix = total.location.rstrip("/") + "/"
        covered = [line for line in lines if line.item.provenance.location.startswith(prefix)]
        if covered:
            return covered
    if total.sheet is not None:
        covered = [line for line in lines if line.item.provenance.sheet == total.sheet]
        if total.scope == "section":
            covered = [line for line in covered if line.item.section == total.label] or None
        if covered:
            return covered
    return list(lines) if total.scope == "bill" else None


def _judge_total(total: DeclaredTotal, candidates: list[tuple[float, int]], settings: CompareSettings
                 ) -> Optional[Deviation]:
    if not candidates or any(abs(total.amount - value) <= total_tolerance(n, settings) for value, n in candidates):
        return None
    ref = LineRef.at(total.label, total.sheet, total.row, total.amount)
    expected, _ = min(candidates, key=lambda c: (c[1] == 0, abs(total.amount - c[0])))
    for value, lines in candidates:
        power = magnitude(total.amount, value, total_tolerance(lines, settings))
        if power is not None:
            return Deviation("magnitude", ERROR, None, ref, "total_magnitude",
                             (("label", total.label), ("power", power)), expected=round(value, 2),
                             actual=total.amount)
    return Deviation("total_mismatch", ERROR, None, ref, "total_mismatch",
                     (("label", total.label), ("difference", total.amount - expected)), expected=round(expected, 2),
                     actual=total.amount)


def _judge_whole(total: DeclaredTotal, covered: float, lines: int, settings: CompareSettings
                 ) -> Optional[Deviation]:
    """A 单位工程 or bill total (or a section total stated without a row, XML): a section's equals its lines; a
    unit's or bill's may add fees, so it is only wrong below its lines, or 10ⁿ off."""
    ref = LineRef.at(total.label, total.sheet, total.row, total.amount)
    tolerance = total_tolerance(lines, settings)
    if abs(total.amount - covered) <= tolerance:
        return None
    power = magnitude(total.amount, covered, tolerance)
    if power is not None:
        return Deviation("magnitude", ERROR, None, ref, "total_magnitude", (("label", total.label), ("power", power)),
                         expected=round(covered, 2), actual=total.amount)
    if total.scope in WHOLE_SCOPES and total.amount >= covered:
        return None
    note = "total_mismatch" if total.scope not in WHOLE_SCOPES else "total_below_lines"
    return Deviation("total_mismatch", ERROR, None, ref, note,
                     (("label", total.label), ("difference", total.amount - covered)), expected=round(covered, 2),
                     actual=total.amount)


def bill_total(lines: Sequence[Line], totals: Sequence[DeclaredTotal], settings: CompareSettings
               ) -> tuple[Optional[float], str]:
    """What the bill adds up to, and how it was found ("stated" or "lines"): the largest bill total it states;
    else the largest total stated in a sheet without lines (a summary table) that covers all lines; else per sheet
    the largest total stated in it that covers its lines, or the sum of its lines."""
    if not lines and not totals:
        return None, "lines"
    everything = sum(line.item.amount or 0.0 for line in lines)
    tolerance = total_tolerance(len(lines), settings)
    bill = [t.amount for t in totals if t.scope == "bill" and t.amount is not None]
    if bill:
        return max(bill), "stated"
    per_sheet: dict[Optional[str], float] = defaultdict(float)
    for line in lines:
        per_sheet[line.item.provenance.sheet] += line.item.amount or 0.0
    summary = [t.amount for t in totals if t.amount is not None and t.sheet not in per_sheet]
    if summary and max(summary) >= everything - tolerance:
        return max(summary), "stated"
    stated: dict[Optional[str], float] = {}
    for total in totals:
        if total.amount is not None and total.sheet in per_sheet:
            stated[total.sheet] = max(stated.get(total.sheet, total.amount), total.amount)
    amount, sources = 0.0, set()
    for sheet, lines_sum in per_sheet.items():
        if sheet in stated and stated[sheet] >= lines_sum - tolerance:
            amount += stated[sheet]
            sources.add("stated")
        else:
            amount += lines_sum
            sources.add("lines")
    return amount, "stated" if sources == {"stated"} else "lines"
