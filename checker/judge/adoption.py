"""Green adoption figures: how much of a bill's green-category work is backed by certification evidence.

Counted by line and by amount (see ``line_amounts``: 合价, or 数量 × 单价 for a file of material rows alone),
per national green category and overall.  A line counts once, under
its first (most specific) category, so the per-category figures add up to the totals.  The 2025 procurement
rule (需求标准 2025年版: every 必选类 item compliant; 可选类 kinds covering ≥ 40% of the project's material
kinds) is checked only as far as the known facts allow: which categories are 必选类 was not retrieved, so that
half is reported as undecided, and the 40% share is computed over the green categories the bill involves.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..model import CheckedItem, Evidence

KIND_SHARE_2025 = 0.40


class _Shares:
    """Certified share by line and by amount (0 when there is nothing to share)."""

    lines: int
    certified_lines: int
    amount: float
    certified_amount: float

    @property
    def line_share(self) -> float:
        return self.certified_lines / self.lines if self.lines else 0.0

    @property
    def amount_share(self) -> float:
        return self.certified_amount / self.amount if self.amount else 0.0


@dataclass(frozen=True)
class CategoryAdoption(_Shares):
    category: str
    lines: int
    certified_lines: int
    amount: float
    certified_amount: float


@dataclass(frozen=True)
class Adoption(_Shares):
    categories: tuple[CategoryAdoption, ...]
    lines: int
    certified_lines: int
    amount: float
    certified_amount: float
    kinds: int  # green categories the bill involves
    certified_kinds: int  # of which at least one line is certified
    rule_2025: str  # "met", "not met" (the 40% share of kinds), or "not decidable"
    undecided: tuple[str, ...]


def line_amounts(lines: list[CheckedItem]) -> list[float]:
    """The amount each line of one file counts for.

    A material-table row's price is already inside the 综合单价 of the bill lines that use it, so where a file
    prints bill-line amounts (合价), material rows count by line only; a file of material rows alone counts
    their 数量 × 单价.  Lines with no amount count 0.
    """
    has_boq_amounts = any(c.item.table == "boq" and c.item.amount is not None for c in lines)
    amounts = []
    for checked in lines:
        item = checked.item
        if item.table == "material" and has_boq_amounts:
            amounts.append(0.0)
        elif item.amount is not None:
            amounts.append(item.amount)
        elif item.quantity is not None and item.unit_price is not None:
            amounts.append(item.quantity * item.unit_price)
        else:
            amounts.append(0.0)
    return amounts


def compute(lines: Iterable[tuple[CheckedItem, Optional[Evidence], float]], registry_loaded: bool) -> Adoption:
    """Adoption figures over (checked line, evidence, amount it counts for) triples (see line_amounts)."""
    green: dict[tuple[str, bool], list] = {}
    for checked, evidence, amount in lines:
        if checked.green_categories:
            row = green.setdefault((checked.green_categories[0], evidence is not None and evidence.status == "certified"),
                                   [0, 0.0])
            row[0] += 1
            row[1] += amount
    return from_counts(green, registry_loaded)


def from_counts(green: dict, registry_loaded: bool) -> Adoption:
    """Adoption figures from green lines counted by (first category, certified) → (lines, amount)."""
    table: dict[str, list] = {}
    for (category, certified), (count, amount) in green.items():
        row = table.setdefault(category, [0, 0, 0.0, 0.0])
        row[0] += count
        row[1] += count if certified else 0
        row[2] += amount
        row[3] += amount if certified else 0.0
    categories = tuple(CategoryAdoption(name, *values) for name, values in sorted(table.items(), key=lambda kv: -kv[1][2]))
    kinds = len(categories)
    certified_kinds = sum(c.certified_lines > 0 for c in categories)
    undecided = ["2025 rule, 必选类: which categories are 必选类 in 需求标准(2025年版) was not retrieved"]
    if not registry_loaded:
        rule = "not decidable"
        undecided.append("certification evidence: no certificate registry loaded (--registry)")
    elif not kinds:
        rule = "not decidable"
        undecided.append("2025 rule, 可选类: the bill has no line in a known green category")
    else:
        rule = "met" if certified_kinds / kinds >= KIND_SHARE_2025 else "not met"
    return Adoption(
        categories=categories, lines=sum(c.lines for c in categories),
        certified_lines=sum(c.certified_lines for c in categories), amount=sum(c.amount for c in categories),
        certified_amount=sum(c.certified_amount for c in categories), kinds=kinds, certified_kinds=certified_kinds,
        rule_2025=rule, undecided=tuple(undecided),
    )
