"""Find every bill table in a grid of cells and assemble its line items.

A grid is what a sheet (or a PDF page run, or a CSV) looks like: rows of cell values plus merged ranges.
Paged exports repeat the title, the 工程名称/标段/第N页 row and the header on every page; they put 本页小计 /
合计 / 注 rows at the foot of each page, section rows (A.4 砌筑工程) between items, and sometimes spill an
item's features into rows below it.  ``extract_tables`` walks the grid once and handles all of that; rows
that plainly start an item take a fast path (big bills are mostly such rows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from ..model import LineItem, Provenance, TableInfo
from ..match.normalize import header_key
from .cells import cell_text, code_text, is_bill_code, seq_text, to_number
from .headers import (AMOUNT, BRAND, CODE, FEATURES, MAKER, NAME, PRICE, QTY, SEQ, SPEC, UNIT, Header,
                      MergedFill, build_header, is_header_word, looks_like_header)

_SUBTOTAL_RE = re.compile(r"^(本页|本表|分部|本章|累计|分项|单位工程|总)?(小计|合计|总计)")
_META_RE = re.compile(r"^(工程名称|项目名称:|标段|第\d+页|共\d+页|(招标|投标|编制|复核|审核)(人|单位|时间|日期)?:|工程项目名称)")
_PAGE_RE = re.compile(r"第\d+页|共\d+页")
_FORM_MARK_RE = re.compile(r"^表-?\d+(-\d+)*$")
_TITLE_WORDS = ("计价表", "清单", "一览表", "汇总表", "分析表", "明细表", "价格表", "品牌表", "主材表", "计算表")
_ANALYSIS_WORDS = ("综合单价分析", "清单综合单价组成明细", "单价分析表")
_MATERIAL_WORDS = ("材料", "主材", "设备", "人材机", "品牌")
_FURNITURE_PREFIXES = ("本页小计", "本页合计", "合计", "小计", "总计", "注：", "注:", "表－", "表-", "工程名称")


class _Pending:
    """An item being assembled: its first row and the text that continuation rows add."""

    __slots__ = ("first_row", "last_row", "fields", "names", "features")

    def __init__(self, row: int, fields: tuple, name: str, features: str):
        self.first_row = self.last_row = row
        self.fields = fields  # (seq, code, unit, quantity, unit_price, amount, spec, brand, manufacturer)
        self.names = [name] if name else []
        self.features = [features] if features else []


class _Columns:
    """A table's column indices (-1: absent) and the reads every row needs."""

    __slots__ = ("seq", "code", "name", "features", "unit", "qty", "price", "amount", "spec", "brand", "maker")

    def __init__(self, columns: dict[str, int]):
        get = lambda role: columns.get(role, -1)  # noqa: E731
        self.seq, self.code, self.name, self.features = get(SEQ), get(CODE), get(NAME), get(FEATURES)
        self.unit, self.qty, self.price, self.amount = get(UNIT), get(QTY), get(PRICE), get(AMOUNT)
        self.spec, self.brand, self.maker = get(SPEC), get(BRAND), get(MAKER)

    @staticmethod
    def cell(row: Sequence[object], col: int) -> object:
        return row[col] if 0 <= col < len(row) else None

    def text(self, row: Sequence[object], col: int) -> str:
        return cell_text(row[col]) if 0 <= col < len(row) else ""

    def number(self, row: Sequence[object], col: int) -> Optional[float]:
        return to_number(row[col]) if 0 <= col < len(row) else None

    def fields(self, row: Sequence[object], seq: str, code: str) -> tuple:
        return (seq, code, self.text(row, self.unit), self.number(row, self.qty), self.number(row, self.price),
                self.number(row, self.amount), self.text(row, self.spec), self.text(row, self.brand),
                self.text(row, self.maker))

    def has_numbers(self, row: Sequence[object]) -> bool:
        return any(self.number(row, c) is not None for c in (self.qty, self.price, self.amount))

    def fast_item(self, row: Sequence[object]) -> Optional[tuple[tuple, str, str]]:
        """(fields, name, features) when the row plainly starts an item: a valid item code, or a 序号 with
        a unit or quantity.  None sends the row down the careful path.  Hot: written for speed."""
        width = len(row)
        code_col, seq_col = self.code, self.seq
        code_raw = row[code_col] if 0 <= code_col < width else None
        seq_raw = row[seq_col] if 0 <= seq_col < width else None
        seq = seq_text(seq_raw) if seq_raw is not None and seq_raw != "" else ""
        if not is_bill_code(code_raw):
            if not seq or (code_raw is not None and code_raw != ""):
                return None
            if not self.text(row, self.unit) and self.number(row, self.qty) is None and \
                    self.number(row, self.amount) is None:
                return None  # "2.1.1 拆除工程": a numbered heading, decided on the careful path
        code = code_text(code_raw) if code_raw is not None and code_raw != "" else ""
        name_col, features_col = self.name, self.features
        name = cell_text(row[name_col]) if 0 <= name_col < width else ""
        features = cell_text(row[features_col]) if 0 <= features_col < width else ""
        if not (name or features or code):
            return None
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
    project: str = ""
    skipped_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr_pages: int = 0  # pages (or images) whose text came from OCR


def extract_tables(
    grid: Sequence[Sequence[object]],
    merged: Sequence = (),
    *,
    file: str,
    sheet: str,
    row_number: Optional[Callable[[int], int]] = None,
    page_of: Optional[Callable[[int], Optional[int]]] = None,
) -> GridResult:
    """Read all bill tables of one grid.  ``row_number`` maps a grid index to the printed row number."""
    return _GridReader(grid, merged, file, sheet, row_number, page_of).run()


class _GridReader:
    """One pass over a grid: header bands open tables, rows become items, sections or skipped rows."""

    def __init__(self, grid, merged, file: str, sheet: str, row_number, page_of):
        self.grid, self.fill, self.file, self.sheet = grid, MergedFill(merged), file, sheet
        self.row_number = row_number or (lambda r: r + 1)
        self.page_of = page_of or (lambda r: None)
        self.plain_rows = row_number is None and page_of is None  # sheet rows: number = index + 1, no page
        self.result = GridResult([], [])
        self.table: Optional[_Table] = None
        self.pending: Optional[_Pending] = None
        self.section = ""  # the section row above the rows being read
        self.pending_section = ""  # the section of the pending item
        self.title = ""
        self.analysis_sheet = any(w in sheet for w in _ANALYSIS_WORDS)

    def run(self) -> GridResult:
        grid, r, end = self.grid, 0, len(self.grid)
        while r < end:
            row = grid[r]
            table = self.table
            if table is not None and table.kind != "analysis":
                fast = table.columns.fast_item(row)
                if fast is not None:
                    if self.pending is not None:
                        self.flush()
                    self.pending_section = self.section
                    self.pending = _Pending(r, *fast)
                    r += 1
                    continue
            r = self.careful_row(r, row)
        self.close_table()
        return self.result

    # -- items and tables ---------------------------------------------------------------------------
    def start_item(self, r: int, fields: tuple, name: str, features: str) -> None:
        self.flush()
        self.pending_section = self.section
        self.pending = _Pending(r, fields, name, features)

    def flush(self) -> None:
        p, table = self.pending, self.table
        if p is None or table is None:
            self.pending = None
            return
        seq, code, unit, quantity, unit_price, amount, spec, brand, maker = p.fields
        features = "\n".join(p.features)
        if table.kind == "material" and not features:
            features = spec
        if self.plain_rows:
            where = Provenance(self.file, self.sheet, p.first_row + 1, p.last_row + 1, None)
        else:
            where = Provenance(self.file, self.sheet, self.row_number(p.first_row), self.row_number(p.last_row),
                               self.page_of(p.first_row))
        self.result.items.append(LineItem.build({
            "provenance": where,
            "table": table.kind, "seq": seq, "code": code, "name": "".join(p.names), "features": features,
            "unit": unit, "quantity": quantity, "unit_price": unit_price, "amount": amount,
            "section": self.pending_section, "spec": spec, "brand": brand, "manufacturer": maker,
            "amount_missing": False,
        }))
        table.items += 1
        self.pending = None

    def close_table(self) -> None:
        self.flush()
        table = self.table
        if table is not None:
            self.result.tables.append(TableInfo(
                sheet=self.sheet, kind=table.kind, header_row=self.row_number(table.header.first_row),
                columns=table.header.signature(), items=table.items, title=table.title))
        self.table = None

    def open_table(self, header: Header) -> None:
        self.close_table()
        kind = _table_kind(header, self.sheet + " " + self.title, self.analysis_sheet)
        self.table = _Table(header, kind, self.title.strip(), _Columns(header.columns))
        self.section = ""

    # -- the careful path -----------------------------------------------------------------------------
    def page_furniture(self, row: Sequence[object]) -> bool:
        """Rows every page repeats once a table is open: 本页小计 / 合计 / 注 at the foot, the 工程名称/标段/第N页
        row and the table's title at the head.  Recognised from their first text cell alone."""
        if self.table is None or _starts_with_item(row, self.table):
            return False
        if self.table.title and row and row[0] == self.table.title:
            return True
        for value in row:
            if value is None or value == "":
                continue
            if type(value) is not str:
                return False
            text = value.replace(" ", "").replace("\u3000", "")
            return text.startswith(_FURNITURE_PREFIXES)
        return False
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
            return r + band
        if self.page_furniture(row):
            self.flush()
            return r + 1
        if looks_like_header(row):
            header = build_header(self.grid, r, self.fill)
            if self.table is not None and self.table.header.signature() == header.signature():
                self.flush()  # the header repeated on a new page: same table
            else:
                self.open_table(header)
            return header.last_row + 1
        texts = [(c, cell_text(v)) for c, v in enumerate(row) if v is not None and v != ""]
        texts = [(c, t) for c, t in texts if t]
        if not texts:
            return r + 1
        keys = [header_key(t) for _, t in texts]
        table = self.table
        if any(w in k for k in keys for w in _ANALYSIS_WORDS):
            if table is not None and table.kind != "analysis":
                self.flush()
                table.kind = "analysis"
            self.title = texts[0][1]
            return r + 1
        if _is_meta(keys) and not _starts_with_item(row, table):
            for k, (_, t) in zip(keys, texts):
                if k.startswith("工程名称") and not self.result.project:
                    self.result.project = re.split(r"[:：]", t, maxsplit=1)[-1].strip()
            return r + 1
        if table is None or table.kind == "analysis":
            if len(texts) == 1:
                self.title = texts[0][1]
            return r + 1
        self.body_row(r, row, texts, keys, table)
        return r + 1

    def body_row(self, r: int, row: Sequence[object], texts: list, keys: list[str], table: _Table) -> None:
        cols = table.columns
        seq = seq_text(cols.cell(row, cols.seq))
        code_raw = cols.cell(row, cols.code)
        code = code_text(code_raw) if code_raw not in (None, "") else ""
        valid_code = is_bill_code(code_raw)
        name, features, unit = cols.text(row, cols.name), cols.text(row, cols.features), cols.text(row, cols.unit)
        has_numbers = cols.has_numbers(row)
        if _is_footer(keys, seq, code):
            self.flush()
            return
        if len(texts) == 1 and any(w in keys[0] for w in _TITLE_WORDS) and not seq and not valid_code:
            self.flush()
            self.title = texts[0][1]
            return
        if not has_numbers and all(is_header_word(t) for _, t in texts):
            return
        material_text = table.kind == "material" and any(
            cols.text(row, c) for c in (cols.spec, cols.brand, cols.maker) if c >= 0)
        if seq and not valid_code and not unit and not has_numbers and not features and not material_text:
            self.flush()  # "2.1.1 拆除工程": a numbered group heading, not an item
            self.section = " ".join(t for _, t in texts)
            return
        starts_item = valid_code or (seq and (name or features or code))
        if not starts_item and cols.seq < 0 and cols.code < 0 and name and (unit or has_numbers):
            starts_item = True
        if not starts_item and name and unit and has_numbers and not code:
            starts_item = True  # an unnumbered item in a numbered table
        if starts_item:
            self.start_item(r, cols.fields(row, seq, code), name, features)
            return
        if code and not valid_code and (unit or has_numbers):
            return  # a 定额 sub-row (C13-1-136 …) under an item: not an item of the bill
        if not seq and not unit and not has_numbers:
            pending = self.pending
            if features and pending is not None:
                pending.features.append(features)
                if name:
                    pending.names.append(name)
                pending.last_row = r
            elif name or code or seq:
                self.flush()
                self.section = " ".join(t for _, t in texts)
            return
        self.result.skipped_rows += 1


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


def _table_kind(header: Header, context: str, analysis_sheet: bool) -> str:
    """analysis (表-09, not counted), material (表-20/21/22, 主材表, 品牌表) or boq (表-08 and variants)."""
    if analysis_sheet or any(w in context for w in _ANALYSIS_WORDS):
        return "analysis"
    cols = header.columns
    if FEATURES in cols:
        return "boq"
    if header.material_like or any(w in context for w in _MATERIAL_WORDS):
        return "material"
    if CODE in cols:
        return "boq"
    if BRAND in cols or MAKER in cols:
        return "material"
    return "boq"
