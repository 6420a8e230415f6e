"""Find every bill table in a grid of cells and assemble its line items, accounting for every other row.

A grid is what a sheet (or a PDF page run, or a CSV) looks like: rows of cell values plus merged ranges.
Paged exports repeat the title, the 工程名称/标段/第N页 row and the header on every page; they put 本页小计 /
合计 / 注 rows at the foot of each page, section rows (A.4 砌筑工程) between items, and sometimes spill an
item's features into rows below it.  ``extract_tables`` walks the grid once and handles all of that; rows
that plainly start an item take a fast path (big bills are mostly such rows).

No silent loss: every non-empty row inside a table becomes an item, joins one (continuation), heads a
section, or is counted in the result's ``skipped`` ledger under a reason (``accounting``).  Totals the file
states (本页小计, 小计, 合计, 总价, the lines of a 汇总表) are kept as ``DeclaredTotal``s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from ..match.normalize import header_key
from ..model import DeclaredTotal, LineItem, Provenance, SheetRead, TableInfo
from . import accounting as acc
from .cells import cell_text, code_text, is_bill_code, seq_text, to_number
from .headers import (AMOUNT, BRAND, CODE, FEATURES, MAKER, NAME, PRICE, QTY, RECHECK, SEQ, SPEC, UNIT, Header,
                      MergedFill, build_header, is_clause, is_header_word, looks_like_header, role_of)
from .kinds import (ANALYSIS, ANALYSIS_WORDS, BOQ, FEE, ITEM_KINDS, SUMMARY, is_fee_line, money_label, table_kind,
                    total_scope)

_SUBTOTAL_RE = re.compile(r"^(本页|本表|分部|本章|累计|分项|单位工程|总)?(小计|合计|总计)")
_META_RE = re.compile(r"^(工程名称|项目名称:|标段|第\d+页|共\d+页|(招标|投标|编制|复核|审核)(人|单位|时间|日期)?(:|$)|工程项目名称|证号)")
_PAGE_RE = re.compile(r"第\d+页|共\d+页")
_FORM_MARK_RE = re.compile(r"^表-?\d+(-\d+)*$")
_TITLE_WORDS = ("计价表", "清单", "一览表", "汇总表", "分析表", "明细表", "价格表", "品牌表", "主材表", "计算表",
                "预算表", "概算表", "费用表")
_TOTAL_PREFIXES = ("本页小计", "本页合计", "合计", "小计", "总计")
# a bill's own title: the project's name, then one of these words (longest first)
_BILL_TITLE_RE = re.compile(r"(工程量清单与计价表|工程量清单计价表|清单与计价表|清单计价表|工程量清单|报价清单|清单报价|"
                            r"预算书|结算书|概算书|报价书|报价单|报价表|预算表|清单)$")
_PROJECT_END_RE = re.compile(r"(工程|项目|改造|装修|装饰|修缮|维修|安装|扩建|建设)$")
_NOTE_RE = re.compile(r"^(注|说明|备注|本工程|本项目|本清单)|[，。；;：:、！？]")  # a note that ends in 清单, not a title
# what every bill's titles say: left out, a project's own name must remain (two characters at least)
_GENERIC_RE = re.compile(r"分部分项|单价措施|总价措施|措施|单价|总价|其他|单位|单项|工程|项目|建设|建筑|装饰|装修|安装|土建|市政|"
                         r"园林|绿化|给排水|电气|暖通|消防|弱电|智能化|幕墙|钢结构|土石方|招标|投标|施工|材料|设备|主要|"
                         r"暂估|计日工|总承包服务费|规费|税金|[和与及]|[\W\d_]")
_FURNITURE_PREFIXES = ("注：", "注:", "表－", "表-", "工程名称")


class _Pending:
    """An item being assembled: its first row and the text that continuation rows add."""

    __slots__ = ("first_row", "last_row", "fields", "names", "features", "extras")

    def __init__(self, row: int, fields: tuple, name: str, features: str):
        self.first_row = self.last_row = row
        self.fields = fields  # (seq, code, unit, quantity, unit_price, amount, spec, brand, manufacturer, rechecked)
        self.names = [name] if name else []
        self.features = [features] if features else []
        self.extras: Optional[list[tuple[int, str]]] = None  # (field index, text) of spec/brand/maker spills


class _Columns:
    """A table's column indices (-1: absent) and the reads every row needs."""

    __slots__ = ("seq", "code", "name", "features", "unit", "qty", "price", "amount", "spec", "brand", "maker",
                 "price_parts", "amount_parts", "parts", "text_cols", "spill_cols", "recheck")

    def __init__(self, header: Header):
        get = lambda role: header.columns.get(role, -1)  # noqa: E731
        self.seq, self.code, self.name, self.features = get(SEQ), get(CODE), get(NAME), get(FEATURES)
        self.unit, self.qty, self.price, self.amount = get(UNIT), get(QTY), get(PRICE), get(AMOUNT)
        self.spec, self.brand, self.maker = get(SPEC), get(BRAND), get(MAKER)
        self.recheck = get(RECHECK)
        self.price_parts, self.amount_parts = header.price_parts, header.amount_parts
        self.parts = bool(self.price_parts or self.amount_parts)
        # columns whose text an item keeps, and those a continuation row may spill into (with the field index)
        self.text_cols = frozenset(c for c in (self.name, self.features, self.spec, self.brand, self.maker) if c >= 0)
        self.spill_cols = {c: i for c, i in ((self.spec, 6), (self.brand, 7), (self.maker, 8)) if c >= 0}

    def text_only_in_spill_columns(self, row: Sequence[object]) -> bool:
        """No non-empty cell outside the 项目特征 / 规格 / 品牌 / 厂家 columns (a cheap test before reading texts)."""
        allowed = self.spill_cols if self.features < 0 else (self.features, *self.spill_cols)
        for col, value in enumerate(row):
            if value is not None and value != "" and col not in allowed:
                return False
        return True

    @staticmethod
    def cell(row: Sequence[object], col: int) -> object:
        return row[col] if 0 <= col < len(row) else None

    def text(self, row: Sequence[object], col: int) -> str:
        return cell_text(row[col]) if 0 <= col < len(row) else ""

    def number(self, row: Sequence[object], col: int) -> Optional[float]:
        return to_number(row[col]) if 0 <= col < len(row) else None

    def summed(self, row: Sequence[object], cols: tuple[int, ...]) -> Optional[float]:
        """The sum of a price or amount printed in parts; None when no part holds a number."""
        values = [v for v in (self.number(row, c) for c in cols) if v is not None]
        return sum(values) if values else None

    def price_of(self, row: Sequence[object]) -> Optional[float]:
        return self.summed(row, self.price_parts) if self.price_parts else self.number(row, self.price)

    def amount_of(self, row: Sequence[object]) -> Optional[float]:
        return self.summed(row, self.amount_parts) if self.amount_parts else self.number(row, self.amount)

    def fields(self, row: Sequence[object], seq: str, code: str) -> tuple:
        return (seq, code, self.text(row, self.unit), self.number(row, self.qty), self.price_of(row),
                self.amount_of(row), self.text(row, self.spec), self.text(row, self.brand),
                self.text(row, self.maker), self.number(row, self.recheck) if self.recheck >= 0 else None)

    def has_numbers(self, row: Sequence[object]) -> bool:
        return any(self.number(row, c) is not None for c in (self.qty, self.price, self.amount)) or (
            self.parts and (self.summed(row, self.price_parts) is not None
                            or self.summed(row, self.amount_parts) is not None))

    def fast_item(self, row: Sequence[object]) -> Optional[tuple[tuple, str, str]]:
        """(fields, name, features) when the row plainly starts an item: a valid item code, or a 序号 with
        a unit or quantity.  None sends the row down the careful path.  Hot: written for speed."""
        width = len(row)
        code_col, seq_col = self.code, self.seq
        code_raw = row[code_col] if 0 <= code_col < width else None
        seq_raw = row[seq_col] if 0 <= seq_col < width else None
        seq = seq_text(seq_raw) if seq_raw is not None and seq_raw != "" else ""
        valid = is_bill_code(code_raw)
        if not valid:
            if not seq or (code_raw is not None and code_raw != ""):
                return None
            if not self.text(row, self.unit) and self.number(row, self.qty) is None and \
                    self.number(row, self.amount) is None:
                return None  # "2.1.1 拆除工程": a numbered heading, decided on the careful path
        code = code_text(code_raw) if code_raw is not None and code_raw != "" else ""
        if not seq and seq_raw is not None and seq_raw != "":
            seq = cell_text(seq_raw)  # a coded line numbered "一" or "A1": keep the 序号 as printed
        name_col, features_col = self.name, self.features
        name = cell_text(row[name_col]) if 0 <= name_col < width else ""
        features = cell_text(row[features_col]) if 0 <= features_col < width else ""
        if not (name or features or code):
            return None
        if not valid and name and money_label(name):
            return None  # 税金 / 不含税小计 with a 序号: decided on the careful path
        if self.parts:
            return self.fields(row, seq, code), name, features
        qty, price, amount = self.qty, self.price, self.amount
        unit_col = self.unit
        fields = (
            seq, code, cell_text(row[unit_col]) if 0 <= unit_col < width else "",
            to_number(row[qty]) if 0 <= qty < width else None,
            to_number(row[price]) if 0 <= price < width else None,
            to_number(row[amount]) if 0 <= amount < width else None,
            self.text(row, self.spec) if self.spec >= 0 else "",
            self.text(row, self.brand) if self.brand >= 0 else "",
            self.text(row, self.maker) if self.maker >= 0 else "",
            self.number(row, self.recheck) if self.recheck >= 0 else None,
        )
        return fields, name, features


@dataclass
class _Table:
    header: Header
    kind: str
    title: str
    columns: _Columns
    items: int = 0


@dataclass
class GridResult:
    items: list[LineItem]
    tables: list[TableInfo]
    project: str = ""  # from a 工程名称 row
    title_project: str = ""  # from a title row that names it (``project_from_title``)
    warnings: list[str] = field(default_factory=list)
    skipped: acc.SkipLedger = field(default_factory=acc.SkipLedger)
    totals: list[DeclaredTotal] = field(default_factory=list)
    sheets: list[SheetRead] = field(default_factory=list)
    # audit=True only: grid row → what became of it ("item"/"continuation" with (item, table) indices,
    # "header", "section", "title", "outside", or a skip reason)
    dispositions: Optional[dict[int, tuple]] = None
    ocr_pages: int = 0  # pages (or images) whose text came from OCR

    @property
    def skipped_rows(self) -> int:
        return self.skipped.total

    @property
    def project_name(self) -> str:
        """The project: a 工程名称 row's, else the one a title row names."""
        return self.project or self.title_project


def extract_tables(
    grid: Sequence[Sequence[object]],
    merged: Sequence = (),
    *,
    file: str,
    sheet: str,
    row_number: Optional[Callable[[int], int]] = None,
    page_of: Optional[Callable[[int], Optional[int]]] = None,
    audit: bool = False,
) -> GridResult:
    """Read all bill tables of one grid.  ``row_number`` maps a grid index to the printed row number.

    ``audit``: also record what became of every row (``GridResult.dispositions``; see ``accounting.audit``)."""
    return _GridReader(grid, merged, file, sheet, row_number, page_of, audit).run()


class _GridReader:
    """One pass over a grid: header bands open tables, rows become items, sections or counted skips."""

    def __init__(self, grid, merged, file: str, sheet: str, row_number, page_of, audit: bool):
        self.grid, self.fill, self.file, self.sheet = grid, MergedFill(merged), file, sheet
        self.row_number = row_number or (lambda r: r + 1)
        self.page_of = page_of or (lambda r: None)
        self.plain_rows = row_number is None and page_of is None  # sheet rows: number = index + 1, no page
        self.result = GridResult([], [])
        self.table: Optional[_Table] = None
        self.pending: Optional[_Pending] = None
        self.section = ""  # the section row above the rows being read
        self.pending_section = ""  # the section of the pending item
        self.title = ""  # the last title row seen (分部分项工程和单价措施项目清单与计价表 …)
        self.title_fresh = False  # seen since the last table opened: it names the next table, not an earlier one
        self.analysis_sheet = any(w in sheet for w in ANALYSIS_WORDS)
        self.audit: Optional[dict[int, tuple]] = {} if audit else None
        if audit:
            self.result.dispositions = self.audit

    def run(self) -> GridResult:
        grid, r, end = self.grid, 0, len(self.grid)
        audit = self.audit
        while r < end:
            row = grid[r]
            table = self.table
            if table is not None and table.kind in ITEM_KINDS:
                fast = table.columns.fast_item(row)
                if fast is not None:
                    if self.pending is not None:
                        self.flush()
                    self.pending_section = self.section
                    self.pending = _Pending(r, *fast)
                    if audit is not None:
                        audit[r] = ("item", len(self.result.items), len(self.result.tables))
                    r += 1
                    continue
            r = self.careful_row(r, row)
        self.close_table()
        return self.result

    # -- bookkeeping ----------------------------------------------------------------------------------
    def mark(self, r: int, what: str) -> None:
        if self.audit is not None:
            self.audit[r] = (what,)

    def skip(self, r: int, reason: str, row: Sequence[object], texts: Optional[list] = None) -> None:
        """Count row r as not an item, under ``reason`` (its text is read only when kept as an example)."""
        ledger = self.result.skipped
        if len(ledger.examples.get(reason, ())) < acc.MAX_EXAMPLES:
            ledger.add(reason, self.where(r), (t for _, t in (texts if texts is not None else _texts(row))))
        else:
            ledger.counts[reason] += 1
        if self.audit is not None:
            self.audit[r] = (reason,)

    def where(self, r: int) -> str:
        return acc.where(self.sheet, self.row_number(r), None if self.plain_rows else self.page_of(r))

    def declare(self, r: int, row: Sequence[object], scope: str, label: str) -> None:
        """Keep a total the file states: its label, amount (the amount column, else the row's last number)."""
        amount = self.table.columns.amount_of(row) if self.table is not None else None
        if amount is None:
            numbers = [n for n in (to_number(v) for v in row) if n is not None]
            amount = numbers[-1] if numbers else None
        page = None if self.plain_rows else self.page_of(r)
        self.result.totals.append(DeclaredTotal(scope, " ".join(label.split()), amount, self.sheet or None,
                                                page if page is not None else self.row_number(r)))

    def set_title(self, text: str) -> None:
        self.title, self.title_fresh = text, True

    # -- items and tables ---------------------------------------------------------------------------
    def start_item(self, r: int, fields: tuple, name: str, features: str) -> None:
        self.flush()
        self.pending_section = self.section
        self.pending = _Pending(r, fields, name, features)
        if self.audit is not None:
            self.audit[r] = ("item", len(self.result.items), len(self.result.tables))

    def join(self, r: int, name: str, features: str, spills: Sequence[tuple[int, str]] = ()) -> None:
        """Add a continuation row's text to the pending item."""
        pending = self.pending
        if features:
            pending.features.append(features)
        if name:
            pending.names.append(name)
        if spills:
            pending.extras = (pending.extras or []) + list(spills)
        pending.last_row = r
        if self.audit is not None:
            self.audit[r] = ("continuation", len(self.result.items), len(self.result.tables))

    def flush(self) -> None:
        p, table = self.pending, self.table
        if p is None or table is None:
            self.pending = None
            return
        seq, code, unit, quantity, unit_price, amount, spec, brand, maker, rechecked = p.fields
        if p.extras:
            more = {6: [spec], 7: [brand], 8: [maker]}
            for index, text in p.extras:
                more[index].append(text)
            spec, brand, maker = ("\n".join(t for t in more[i] if t) for i in (6, 7, 8))
        features = "\n".join(p.features)
        if table.kind == "material" and not features:
            features = spec
        if self.plain_rows:
            where = Provenance.build(self.file, self.sheet, p.first_row + 1, p.last_row + 1, None)
        else:
            where = Provenance.build(self.file, self.sheet, self.row_number(p.first_row),
                                     self.row_number(p.last_row), self.page_of(p.first_row))
        self.result.items.append(LineItem.build({
            "provenance": where,
            "table": table.kind, "seq": seq, "code": code, "name": "".join(p.names), "features": features,
            "unit": unit, "quantity": quantity, "unit_price": unit_price, "amount": amount,
            "section": self.pending_section, "spec": spec, "brand": brand, "manufacturer": maker,
            "amount_missing": False, "rechecked_quantity": rechecked,
        }))
        table.items += 1
        self.pending = None

    def close_table(self) -> None:
        self.flush()
        table = self.table
        if table is not None:
            header = table.header
            self.result.tables.append(TableInfo(
                sheet=self.sheet, kind=table.kind, header_row=self.row_number(header.first_row),
                columns=header.signature(), items=table.items, title=table.title,
                amount_basis=header.amount_basis, unread_columns=tuple(text for _, text in header.unread)))
        self.table = None

    def open_table(self, header: Header) -> None:
        self.close_table()
        title = self.title.strip() if self.title_fresh else ""
        self.title_fresh = False
        kind = table_kind(header, self.sheet + " " + title, self.analysis_sheet)
        self.table = _Table(header, kind, title, _Columns(header))
        self.section = ""
        for r in range(header.first_row, header.last_row + 1):
            self.mark(r, "header")

    # -- the careful path -----------------------------------------------------------------------------
    def furniture(self, row: Sequence[object]) -> Optional[str]:
        """SUBTOTAL or PAGE_FURNITURE for rows every page repeats once a table is open: 本页小计 / 合计 / 注 at
        the foot, the 工程名称/标段/第N页 row and the table's title at the head.  Decided by the first text cell."""
        if self.table is None or _starts_with_item(row, self.table):
            return None
        if self.table.title and row and row[0] == self.table.title:
            return acc.PAGE_FURNITURE
        for value in row:
            if value is None or value == "":
                continue
            if type(value) is not str:
                return None
            text = value.replace(" ", "").replace("\u3000", "")
            if text.startswith(_TOTAL_PREFIXES):
                return acc.SUBTOTAL
            return acc.PAGE_FURNITURE if text.startswith(_FURNITURE_PREFIXES) else None
        return None

    def repeated_header(self, r: int) -> int:
        """The header band's height when rows r… repeat the current table's header exactly, else 0."""
        table = self.table
        if table is None:
            return 0
        first, last = table.header.first_row, table.header.last_row
        grid = self.grid
        if r + (last - first) >= len(grid) or r == first:
            return 0
        for offset in range(last - first + 1):
            if grid[r + offset] != grid[first + offset]:
                return 0
        return last - first + 1

    def careful_row(self, r: int, row: Sequence[object]) -> int:
        """Classify a row that is not plainly an item; return the index of the next row to read."""
        band = self.repeated_header(r)
        if band:
            self.flush()  # the header repeated on a new page, cell for cell: same table
            for offset in range(band):
                self.skip(r + offset, acc.REPEATED_HEADER, self.grid[r + offset])
            return r + band
        table = self.table
        if table is not None and table.kind in ITEM_KINDS and self.pending is not None and \
                table.columns.text_only_in_spill_columns(row):
            texts = _texts(row)
            if texts and self.spill(r, row, texts):
                return r + 1
        furniture = self.furniture(row)
        if furniture is not None:
            self.flush()
            if furniture == acc.SUBTOTAL:
                label = next(v for v in row if v is not None and v != "")  # furniture(): the first cell, a str
                self.declare(r, row, total_scope(label) or "section", label)
            self.skip(r, furniture, row)
            return r + 1
        if looks_like_header(row):
            header = build_header(self.grid, r, self.fill)
            if table is not None and table.header.signature() == header.signature():
                self.flush()  # the header repeated on a new page: same table
                for h in range(header.first_row, header.last_row + 1):
                    self.skip(h, acc.REPEATED_HEADER, self.grid[h])
            else:
                self.open_table(header)
            return header.last_row + 1
        texts = _texts(row)
        if not texts:
            return r + 1
        keys = [header_key(t) for _, t in texts]
        if any(w in k for k in keys for w in ANALYSIS_WORDS):
            if table is not None and table.kind != ANALYSIS:
                self.flush()
                table.kind = ANALYSIS
            self.set_title(texts[0][1])
            self.note_outside_or_skip(r, acc.ANALYSIS_ROW, row, texts)
            return r + 1
        if _is_meta(keys) and not _starts_with_item(row, table):
            for k, (_, t) in zip(keys, texts):
                if k.startswith("工程名称") and not self.result.project:
                    self.result.project = re.split(r"[:：]", t, maxsplit=1)[-1].strip()
            self.note_outside_or_skip(r, acc.PAGE_FURNITURE, row, texts)
            return r + 1
        if table is None or table.kind == ANALYSIS:
            if len(texts) == 1:
                self.set_title(texts[0][1])
            if not self.result.title_project:
                words = [t for _, t in texts if to_number(t) is None]
                if len(words) == 1:  # a title, perhaps beside a total
                    self.result.title_project = project_from_title(words[0])
            self.note_outside_or_skip(r, acc.ANALYSIS_ROW, row, texts)
            return r + 1
        if table.kind in (FEE, SUMMARY):
            self.money_row(r, row, texts, keys, table)
        else:
            self.body_row(r, row, texts, keys, table)
        return r + 1

    def note_outside_or_skip(self, r: int, reason: str, row: Sequence[object], texts: list) -> None:
        """Inside a table: a counted skip; before any table: outside, not counted."""
        if self.table is None:
            self.mark(r, "outside")
        else:
            self.skip(r, reason, row, texts)

    def spill(self, r: int, row: Sequence[object], texts: list) -> bool:
        """Join row r to the pending item when it only continues its text: no 序号, code, unit or number, and
        text only in the 项目特征 / 规格 / 品牌 / 厂家 columns — whatever that text says ("2、砖品种、规格：…",
        "注：…", a bare header word): a clause that names an attribute is still the item's text."""
        cols = self.table.columns
        if cols.features < 0 and not cols.spill_cols:
            return False
        spills, features = [], ""
        for col, text in texts:
            if col == cols.features:
                features = text
            elif col in cols.spill_cols:
                spills.append((cols.spill_cols[col], text))
            else:
                return False
        first = texts[0][1]
        if not is_clause(header_key(first)) and (total_scope(first) or _header_label(row, cols) or _page_mark(first)):
            return False  # a bare label: an unpriced 本页小计, the column's own header label, or a page marker
        if seq_text(cols.cell(row, cols.seq)) or is_bill_code(cols.cell(row, cols.code)) or cols.has_numbers(row):
            return False
        self.join(r, "", features, spills)
        return True

    def money_row(self, r: int, row: Sequence[object], texts: list, keys: list[str], table: _Table) -> None:
        """A row of a fee or summary table: never an item.  A summary's lines and every table's totals are kept
        as declared totals (a summary line: scope "unit", the amount of a 单位工程 or part of the bill)."""
        cols = table.columns
        if len(texts) == 1 and any(w in keys[0] for w in _TITLE_WORDS):
            self.set_title(texts[0][1])
            self.skip(r, acc.PAGE_FURNITURE, row, texts)
            return
        if _header_residue(texts, cols):
            self.skip(r, acc.REPEATED_HEADER, row, texts)
            return
        label = cols.text(row, cols.name) or next((t for _, t in texts if to_number(t) is None), "")
        scope = total_scope(label) if label else None
        if scope or any(_SUBTOTAL_RE.match(k) for k in keys):
            self.declare(r, row, scope or "sheet", label)
            self.skip(r, acc.SUBTOTAL, row, texts)
            return
        if table.kind == SUMMARY and label and cols.amount_of(row) is not None:
            self.declare(r, row, "unit", label)
        self.skip(r, acc.SUMMARY_TABLE if table.kind == SUMMARY else acc.FEE_TABLE, row, texts)

    def body_row(self, r: int, row: Sequence[object], texts: list, keys: list[str], table: _Table) -> None:
        cols = table.columns
        seq = seq_text(cols.cell(row, cols.seq))
        code_raw = cols.cell(row, cols.code)
        code = code_text(code_raw) if code_raw not in (None, "") else ""
        valid_code = is_bill_code(code_raw)
        name, features, unit = cols.text(row, cols.name), cols.text(row, cols.features), cols.text(row, cols.unit)
        has_numbers = cols.has_numbers(row)
        label = name or texts[0][1]
        if not valid_code:
            scope = total_scope(label)
            if scope or _is_footer(keys, seq, code):
                self.flush()
                self.declare(r, row, scope or total_scope(keys[0]) or "section", label)
                self.skip(r, acc.SUBTOTAL, row, texts)
                return
        if len(texts) == 1 and any(w in keys[0] for w in _TITLE_WORDS) and not seq and not valid_code:
            self.flush()
            self.set_title(texts[0][1])
            self.skip(r, acc.PAGE_FURNITURE, row, texts)
            return
        if not has_numbers and _header_residue(texts, cols):
            self.skip(r, acc.REPEATED_HEADER, row, texts)
            return
        if not valid_code and table.kind == BOQ and is_fee_line(label, features):
            self.flush()  # 税金, 安全文明施工费 with an amount (a fee line that describes its content stays a line)
            self.skip(r, acc.FEE_ROW, row, texts)
            return
        material_text = table.kind == "material" and any(
            cols.text(row, c) for c in (cols.spec, cols.brand, cols.maker) if c >= 0)
        if seq and not valid_code and not unit and not has_numbers and not features and not material_text:
            self.flush()  # "2.1.1 拆除工程": a numbered group heading, not an item
            self.section = " ".join(t for _, t in texts)
            self.mark(r, "section")
            return
        starts_item = valid_code or (seq and (name or features or code or material_text))
        if not starts_item and cols.seq < 0 and cols.code < 0 and name and (unit or has_numbers):
            starts_item = True
        if not starts_item and name and unit and has_numbers and not code:
            starts_item = True  # an unnumbered item in a numbered table
        if starts_item:
            self.start_item(r, cols.fields(row, seq or cols.text(row, cols.seq), code), name, features)
            return
        if code and not valid_code and (unit or has_numbers):
            self.skip(r, acc.QUOTA_ROW, row, texts)  # a 定额 sub-row (C13-1-136 …) under an item
            return
        words = [(c, t) for c, t in texts if to_number(t) is None]
        if not words:
            self.skip(r, acc.NUMBERS_ONLY, row, texts)  # amounts with nothing to hang them on
            return
        if not seq and not unit and not has_numbers:
            spills = [(cols.spill_cols[c], t) for c, t in texts if c in cols.spill_cols]
            if (features or spills) and self.pending is not None and not code and not cols.text(row, cols.seq):
                self.join(r, name, features, spills)
            elif name or code or seq or cols.text(row, cols.seq) or texts[0][0] < min(cols.text_cols, default=0):
                self.flush()  # a heading: in the name column, or marked in the 序号 column (一, (二), A.4)
                self.section = " ".join(t for _, t in texts)
                self.mark(r, "section")
            elif any(c in cols.text_cols for c, _ in texts):
                self.skip(r, acc.UNRECOGNISED, row, texts)
            else:
                self.skip(r, acc.OUTSIDE_COLUMNS, row, texts)
            return
        if has_numbers and not unit and not code and not cols.number(row, cols.qty) and not cols.price_of(row):
            self.flush()  # "一 | 装饰工程 | … | 1241384.24": a section heading that states its amount; "补充项 | 0"
            heading = " ".join(t for _, t in words)
            self.section = heading
            if cols.amount_of(row):
                self.declare(r, row, "section", name or heading)
            self.mark(r, "section")
            return
        self.skip(r, acc.UNRECOGNISED, row, texts)


def project_from_title(title: str) -> str:
    """The project a bill's title names: 某中心装修改造工程报价清单 → 某中心装修改造工程, 某楼工程量清单 → 某楼工程;
    "" for a generic title (分部分项工程和单价措施项目清单与计价表), a note, or a name that is no project's."""
    text = " ".join(title.split())
    match = _BILL_TITLE_RE.search(text)
    if match is None:
        return ""
    name = text[:match.start()].rstrip(" :：-—_")
    if match.group(1).startswith("工程量") and not name.endswith(("工程", "项目")):
        name += "工程"  # 某楼装修工程量清单: 某楼装修工程 + 量清单
    if not _PROJECT_END_RE.search(name) or len(name) > 60 or _NOTE_RE.search(name):
        return ""
    return name if len(_GENERIC_RE.sub("", name)) >= 2 else ""


def _texts(row: Sequence[object]) -> list[tuple[int, str]]:
    """(column, text) of the row's non-empty cells."""
    out = []
    for c, v in enumerate(row):
        if v is not None and v != "":
            t = cell_text(v)
            if t:
                out.append((c, t))
    return out


def _page_mark(text: str) -> bool:
    """第2页 共5页, 表-08, 工程名称：… / 标段：…: furniture wherever the layout put it."""
    key = header_key(text)
    return bool(_PAGE_RE.search(key) or _FORM_MARK_RE.match(key) or key.startswith(("工程名称", "标段")))


def _header_label(row: Sequence[object], cols: _Columns) -> bool:
    """The row repeats a header label in the column it names (项目特征 in the 项目特征 column)."""
    for role, col in ((FEATURES, cols.features), (SPEC, cols.spec), (BRAND, cols.brand), (MAKER, cols.maker)):
        if 0 <= col < len(row) and isinstance(row[col], str) and row[col] and role_of(row[col]) == role:
            return True
    return False


def _header_residue(texts: list, cols: _Columns) -> bool:
    """A stray piece of a header band: every cell a header word, and the text columns hold their own label
    (a clause that names an attribute — "砖品种、规格：MU10" in 项目特征 — is data, never header residue)."""
    roles = {cols.name: NAME, cols.features: FEATURES, cols.spec: SPEC, cols.brand: BRAND, cols.maker: MAKER}
    for col, text in texts:
        if not is_header_word(text):
            return False
        role = roles.get(col)
        if role is not None and role_of(text) != role:
            return False
    return True


def _is_meta(keys: list[str]) -> bool:
    return any(_META_RE.match(k) or _PAGE_RE.search(k) or _FORM_MARK_RE.match(k) for k in keys) or (
        bool(keys) and (keys[0].startswith("注:") or keys[0] == "注" or keys[0].startswith("说明:"))
    )


def _starts_with_item(row: Sequence[object], table: Optional[_Table]) -> bool:
    """A row that carries a 序号 or an item code is data, whatever other text it holds."""
    if table is None:
        return False
    cols = table.columns
    return bool(seq_text(cols.cell(row, cols.seq)) or is_bill_code(cols.cell(row, cols.code)))


def _is_footer(keys: list[str], seq: str, code: str) -> bool:
    return not seq and not is_bill_code(code) and any(_SUBTOTAL_RE.match(k) for k in keys)
