"""What a bid review produces: frozen dataclasses, no behaviour beyond small derived properties."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..engine import FileReport
from ..judge.rules import Profile
from ..match.catalog import CatalogSet
from ..model import CheckedItem, LineItem

# The deviation kinds of the JSON contract (schema gbm-check/compare@1), by check group.  Added since the contract
# was written (warnings, for the reviewer): quantity_rechecked — the bid's 复核工程量 differs from the tender's
# quantity; unrounded_price — a 综合单价 not in whole 分 (0.01 元).
GROUPS: dict[str, tuple[str, ...]] = {
    "conformity": ("missing", "extra", "code_changed", "name_changed", "features_changed", "unit_changed",
                   "quantity_changed", "quantity_rechecked"),
    "arithmetic": ("arithmetic", "total_mismatch", "zero_or_negative_price", "magnitude", "unrounded_price"),
    "green": ("green_drift",),
    "prices": ("price_high", "price_low", "over_control_price"),
    "similarity": ("shared_anomaly",),
}
GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
KINDS = tuple(GROUP_OF)
SEVERITIES = ("error", "warning")  # error: a deviation that fails the bid (exit 1); warning: for the reviewer


@dataclass(frozen=True)
class CompareSettings:
    """Tolerances and bands of a bid review (defaults as documented in the README)."""

    band: float = 0.15  # unit prices beyond ±band of the reference (control price or bidders' median)
    quantity_tolerance: float = 0.0005  # absolute: quantities printed to three decimals may round
    amount_tolerance: float = 0.01  # absolute, plus half a 分 of unit price per unit of quantity (see arithmetic)
    min_median_bidders: int = 3  # a median needs this many priced bids on the line
    same_price_share: float = 0.9  # two bids with at least this share of identical unit prices are similar
    min_same_price_lines: int = 5


@dataclass(frozen=True)
class LineRef:
    """Where a deviation sits in one file: the line as printed."""

    code: str
    name: str
    sheet: Optional[str]
    rows: Optional[tuple[int, int]]
    features: str = ""
    seq: str = ""
    section: str = ""
    unit: str = ""
    quantity: Optional[float] = None
    unit_price: Optional[float] = None
    amount: Optional[float] = None
    page: Optional[int] = None
    rechecked_quantity: Optional[float] = None  # the bill's own re-measured quantity column (核对工程量), if any

    @classmethod
    def of(cls, item: LineItem) -> "LineRef":
        p = item.provenance
        rows = (p.first_row, p.last_row if p.last_row is not None else p.first_row) if p.first_row else None
        return cls(code=item.code, name=item.name, sheet=p.sheet, rows=rows, features=item.features, seq=item.seq,
                   section=item.section, unit=item.unit, quantity=item.quantity, unit_price=item.unit_price,
                   amount=item.amount, page=p.page, rechecked_quantity=item.rechecked_quantity)

    @classmethod
    def at(cls, label: str, sheet: Optional[str], row: Optional[int], amount: Optional[float] = None) -> "LineRef":
        """A stated total (本页小计, 合计 …) as a place in the file."""
        return cls(code="", name=label, sheet=sheet, rows=(row, row) if row else None, amount=amount)


@dataclass(frozen=True)
class Deviation:
    """One thing a bid does not do as the tender (or the arithmetic, or the other bids) says.

    ``note`` names a message (checker.compare.messages) and ``facts`` fills it, so every report can say it in its
    own language; ``expected`` / ``actual`` are the two values compared (numbers or texts).
    """

    kind: str
    severity: str
    tender: Optional[LineRef]
    bid: Optional[LineRef]
    note: str
    facts: tuple[tuple[str, object], ...] = ()
    expected: object = None
    actual: object = None
    rule: str = ""
    others: tuple[str, ...] = ()  # shared anomalies: the other bids that share it (files)
    diff: tuple[tuple[str, str], ...] = ()  # text changes: (equal | delete | insert, text) segments

    @property
    def group(self) -> str:
        return GROUP_OF[self.kind]


@dataclass(frozen=True)
class Line:
    """A bill line taking part in the review: the checked item and its position among the file's lines."""

    index: int
    checked: CheckedItem

    @property
    def item(self) -> LineItem:
        return self.checked.item


@dataclass(frozen=True)
class Bidder:
    """One bid: its file as checked, what it adds up to and every deviation found."""

    report: FileReport
    total: Optional[float]
    total_source: str  # stated (a total the file states) or lines (the sum of its lines)
    lines: int
    paired: int
    deviations: tuple[Deviation, ...] = ()

    @property
    def file(self) -> str:
        return self.report.read.path

    @property
    def ok(self) -> bool:
        return self.report.read.ok

    @property
    def verdict(self) -> str:
        """fail: a deviation that fails the bid; review: one for the reviewer, or the file could not be read."""
        if any(d.severity == "error" for d in self.deviations):
            return "fail"
        if self.deviations or not self.ok:
            return "review"
        return "pass"

    def count(self, group: str) -> int:
        return sum(d.group == group for d in self.deviations)


@dataclass(frozen=True)
class PricedFile:
    """The tender or the control price file: the file as checked and its total."""

    report: FileReport
    lines: int
    total: Optional[float] = None
    total_source: str = ""

    @property
    def file(self) -> str:
        return self.report.read.path


@dataclass(frozen=True)
class Comparison:
    """A whole bid review: the tender, the control price (optional), every bid, and the settings used."""

    tender: PricedFile
    bidders: tuple[Bidder, ...]
    control: Optional[PricedFile] = None
    settings: CompareSettings = field(default_factory=CompareSettings)
    warnings: tuple[str, ...] = ()  # message names (checker.compare.messages.WARNINGS)
    profile: Optional[Profile] = None  # the project profile the files were judged under
    catalogs: Optional[CatalogSet] = None

    @property
    def verdict(self) -> str:
        verdicts = [b.verdict for b in self.bidders]
        if not self.tender.report.read.ok or "fail" in verdicts:
            return "fail" if "fail" in verdicts else "review"
        return "review" if "review" in verdicts or (self.control and not self.control.report.read.ok) else "pass"
