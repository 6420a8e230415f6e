"""What reading left out, and why: skipped rows by reason, sheets not read, and the one-line summary per file.

Every non-empty row inside a recognised table becomes an item (or joins one as a continuation or section
row) or is counted here under a reason.  Nothing is dropped without a count: a row no rule claims is counted
as ``UNRECOGNISED`` with its text, so a reader gap shows up in every report instead of passing unseen.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Iterable, Optional, Sequence

from ..model import FileRead, SheetRead, SkippedRows, TableInfo
from .kinds import ANALYSIS, BOQ, FEE, ITEM_KINDS, MATERIAL, SUMMARY

# Reasons a row inside a table is not an item (stable ids: the JSON report's skipped_rows[].reason).
PAGE_FURNITURE = "page furniture"  # 工程名称/标段/第N页, the title repeated on each page, 注：…, 表-08
REPEATED_HEADER = "repeated header"  # the header printed again on a new page
SUBTOTAL = "subtotal"  # 本页小计 / 小计 / 合计 / 总计 (kept as declared totals)
QUOTA_ROW = "定额 sub-row"  # a 定额 line (C13-1-136 …) under a bill item
FEE_ROW = "fee row"  # a bill line named only by a fee (规费, 税金, 安全文明施工费 …)
ANALYSIS_ROW = "analysis table"  # 表-09: repeats the bill's items
FEE_TABLE = "fee table"  # 表-11/12/13 …: fees, not work
SUMMARY_TABLE = "summary table"  # 表-04 … 汇总表: amounts of other tables
OUTSIDE_COLUMNS = "text outside item columns"  # text only in a column no item field reads (备注 …)
NUMBERS_ONLY = "numbers without a line"  # amounts with no name, code or 序号 to hang them on
UNRECOGNISED = "unrecognised row"  # no rule claimed it: a reader gap, reported with its text

SKIP_REASONS = (PAGE_FURNITURE, REPEATED_HEADER, SUBTOTAL, QUOTA_ROW, FEE_ROW, ANALYSIS_ROW, FEE_TABLE, SUMMARY_TABLE,
                OUTSIDE_COLUMNS, NUMBERS_ONLY, UNRECOGNISED)  # their words: templates/messages.toml skip.*

# Why a sheet gave no items (SheetRead.reason).
EMPTY_SHEET = "empty sheet"
NO_TABLE = "no bill table"
NO_ITEMS = "table holds no items"
MAX_SHEETS_NAMED = 3  # more sheets not read are summarised by reason
MAX_EXAMPLES = 3
KIND_ORDER = (BOQ, MATERIAL, FEE, SUMMARY, ANALYSIS)


class SkipLedger:
    """Counts skipped rows by reason and keeps the first few of each as "SHEET!ROW: text"."""

    __slots__ = ("counts", "examples")

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.examples: dict[str, list[str]] = {}

    def add(self, reason: str, where: str, texts: Iterable[str]) -> None:
        self.counts[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < MAX_EXAMPLES:
            text = " | ".join(t for t in texts if t)
            kept.append(f"{where}: {text[:80]}")

    def merge(self, other: "SkipLedger") -> None:
        self.counts.update(other.counts)
        for reason, examples in other.examples.items():
            kept = self.examples.setdefault(reason, [])
            kept.extend(examples[:MAX_EXAMPLES - len(kept)])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> tuple[SkippedRows, ...]:
        """SkippedRows, the most frequent reason first."""
        return tuple(SkippedRows(reason, count, tuple(self.examples.get(reason, ())))
                     for reason, count in self.counts.most_common())


def sheet_read(sheet: str, tables: Sequence[TableInfo], empty: bool = False) -> SheetRead:
    """What one sheet was read as: the kind of its main table, whether its rows became items, and why not."""
    if not tables:
        return SheetRead(sheet, "", False, EMPTY_SHEET if empty else NO_TABLE)
    items = sum(t.items for t in tables)
    kinds = {t.kind for t in tables}
    kind = next(k for k in KIND_ORDER if k in kinds)
    if items:
        return SheetRead(sheet, kind, True, "", items)
    if kind in ITEM_KINDS:
        return SheetRead(sheet, kind, False, NO_ITEMS)
    return SheetRead(sheet, kind, False, kind)


def reading_summary(read: FileRead, lang: str = "zh") -> str:
    """One line: sheets read by kind, sheets not read and why, rows skipped by reason (in the reports' words:
    ``checker.report.common.reading_line``), e.g.
    读取 3 张表（清单 2、材料 1），未读 1 张（封面：无清单表）；跳过 41 行：页眉页脚 30、小计合计 8、定额子目 3"""
    from ..report.common import reading_line  # the words live with the reports' (templates/messages.toml)
    from ..report.i18n import texts

    return reading_line(read, texts(lang))


def where(sheet: str, row: Optional[int], page: Optional[int]) -> str:
    """A row's place as "SHEET!ROW" (or "p.PAGE" in a PDF)."""
    if page is not None:
        return f"p.{page}"
    return f"{sheet}!{row}" if sheet else f"row {row}"


# -- the audit: what became of every text cell ------------------------------------------------------------

LOST = "lost"  # text inside a table that no item holds and no skip counts: the invariant says never
_TEXT_ROLES = ("seq", "code", "name", "features", "unit", "spec", "brand", "manufacturer")


def audit(grid: Sequence[Sequence[object]], result) -> tuple[Counter, list[str]]:
    """Follow every non-empty, non-numeric cell of ``grid`` read with ``extract_tables(..., audit=True)``.

    Returns counts by fate — "item" (in its item's text), "unread column" (a column no item field reads,
    named in ``TableInfo.unread_columns``), "number column" (text in a quantity/price column), "section",
    "header", "outside" (before any table), a skip reason — and examples of LOST cells, which must not exist.
    """
    from .cells import cell_text, to_number  # local: accounting is imported by the readers

    fates: Counter = Counter()
    lost: list[str] = []
    dispositions = result.dispositions or {}
    for r, row in enumerate(grid):
        cells = [(c, cell_text(v)) for c, v in enumerate(row) if v is not None and v != ""]
        cells = [(c, t) for c, t in cells if t and to_number(t) is None]
        if not cells:
            continue
        what = dispositions.get(r)
        if what is None:
            fates[LOST] += len(cells)
            lost.extend(f"row {r + 1} (never read): {t[:40]}" for _, t in cells)
            continue
        if what[0] not in ("item", "continuation"):
            fates[what[0]] += len(cells)
            continue
        item, table = result.items[what[1]], result.tables[what[2]]
        roles = {col: role for role, col in table.columns}
        held = [_fold(field) for field in (item.seq, item.code, item.name, item.features, item.unit, item.spec,
                                           item.brand, item.manufacturer, item.section)]
        for c, text in cells:
            role = roles.get(c)
            if role is None:
                fates["unread column"] += 1
            elif role not in _TEXT_ROLES:
                fates["number column"] += 1
            elif any(_fold(text) in field for field in held):
                fates["item"] += 1
            else:
                fates[LOST] += 1
                lost.append(f"row {r + 1} col {c + 1}: {text[:40]}")
    return fates, lost


def _fold(text: str) -> str:
    """Text compared as an item keeps it: width-folded, upper case, no white space (项目编码 are kept so)."""
    return "".join(unicodedata.normalize("NFKC", text).upper().split())
