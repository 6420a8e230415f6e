"""Find every bill table in a grid of cells and assemble its line items.

A grid is what a sheet (or a PDF page run, or a CSV) looks like: rows of cell values plus merged ranges.
Paged exports repeat the title, the 工程名称/标段/第N页 row and the header on every page; they put 本页小计 /
合计 / 注 rows at the foot of each page, section rows (A.4 砌筑工程) between items, and sometimes spill an
item's features into rows below it.  ``extract_tables`` walks the grid once and handles all of that.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from ..model import LineItem, Provenance, TableInfo
from ..normalize import header_key
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


@dataclass
class _Pending:
    """An item being assembled: its first row and the text that continuation rows add."""

    first_row: int
    last_row: int
    fields: dict
    features: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)


@dataclass
class _Table:
    header: Header
    kind: str
    title: str
    items: int = 0


@dataclass
class GridResult:
    items: list[LineItem]
    tables: list[TableInfo]
    project: str = ""
    skipped_rows: int = 0


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
    row_number = row_number or (lambda r: r + 1)
    page_of = page_of or (lambda r: None)
    fill = MergedFill(merged)
    result = GridResult([], [])
    table: Optional[_Table] = None
    pending: Optional[_Pending] = None
    section = ""
    title = ""
    analysis_sheet = any(w in sheet for w in _ANALYSIS_WORDS)

    def flush() -> None:
        nonlocal pending
        if pending is not None and table is not None:
            result.items.append(_make_item(pending, table, section_at_start, file, sheet, row_number, page_of))
            table.items += 1
        pending = None

    def close_table() -> None:
        nonlocal table
        flush()
        if table is not None:
            result.tables.append(
                TableInfo(sheet=sheet, kind=table.kind, header_row=row_number(table.header.first_row),
                          columns=table.header.signature(), items=table.items, title=table.title)
            )
        table = None

    section_at_start = ""
    r = 0
    while r < len(grid):
        row = grid[r]
        if looks_like_header(row):
            header = build_header(grid, r, fill)
            if table is not None and table.header.signature() == header.signature():
                flush()
                r = header.last_row + 1
                continue
            close_table()
            kind = _table_kind(header, sheet + " " + title, analysis_sheet)
            table = _Table(header, kind, title.strip())
            section = ""
            r = header.last_row + 1
            continue

        texts = [(c, cell_text(v)) for c, v in enumerate(row) if cell_text(v)]
        if not texts:
            r += 1
            continue
        keys = [header_key(t) for _, t in texts]
        if any(w in k for k in keys for w in _ANALYSIS_WORDS):
            if table is not None and table.kind != "analysis":
                flush()
                table.kind = "analysis"
            title = texts[0][1]
            r += 1
            continue
        if _is_meta(keys) and not _starts_with_item(row, table):
            for k, (_, t) in zip(keys, texts):
                if k.startswith("工程名称") and not result.project:
                    result.project = re.split(r"[:：]", t, maxsplit=1)[-1].strip()
            r += 1
            continue
        if table is None or table.kind == "analysis":
            if len(texts) == 1:
                title = texts[0][1]
            r += 1
            continue
        cols = table.header.columns
        seq = seq_text(row[cols[SEQ]]) if SEQ in cols and cols[SEQ] < len(row) else ""
        code_raw = row[cols[CODE]] if CODE in cols and cols[CODE] < len(row) else None
        code = code_text(code_raw) if code_raw not in (None, "") else ""
        name = _text(row, cols.get(NAME))
        features = _text(row, cols.get(FEATURES))
        unit = _text(row, cols.get(UNIT))
        numbers = [to_number(row[cols[k]]) for k in (QTY, PRICE, AMOUNT) if k in cols and cols[k] < len(row)]
        has_numbers = any(n is not None for n in numbers)

        if _is_footer(keys, seq, code):
            flush()
            r += 1
            continue
        if len(texts) == 1 and any(w in keys[0] for w in _TITLE_WORDS) and not seq and not is_bill_code(code):
            flush()
            title = texts[0][1]
            r += 1
            continue
        if all(is_header_word(t) for _, t in texts) and not has_numbers:
            r += 1
            continue

        valid_code = is_bill_code(code_raw)
        if seq and not valid_code and not unit and not has_numbers and not features and table.kind == "boq":
            flush()  # "2.1.1 拆除工程": a numbered group heading, not an item
            section = " ".join(t for _, t in texts)
            r += 1
            continue
        starts_item = valid_code or (seq and (name or features or code))
        if not starts_item and SEQ not in cols and CODE not in cols and name and (unit or has_numbers):
            starts_item = True
        if not starts_item and name and unit and has_numbers and not code:
            starts_item = True  # an unnumbered item in a numbered table
        if starts_item:
            flush()
            section_at_start = section
            pending = _Pending(r, r, _row_fields(row, cols, seq, code))
            if name:
                pending.name.append(name)
            if features:
                pending.features.append(features)
            r += 1
            continue
        if code and not valid_code and (unit or has_numbers):
            r += 1  # a 定额 sub-row (C13-1-136 …) under an item: not an item of the bill
            continue
        if not seq and not unit and not has_numbers:
            if features and pending is not None:
                pending.features.append(features)
                if name:
                    pending.name.append(name)
                pending.last_row = r
            elif name or code or seq:
                flush()
                section = " ".join(t for _, t in texts)
            r += 1
            continue
        result.skipped_rows += 1
        r += 1
    close_table()
    return result


def _text(row: Sequence[object], col: Optional[int]) -> str:
    if col is None or col >= len(row):
        return ""
    return cell_text(row[col])


def _is_meta(keys: list[str]) -> bool:
    return any(_META_RE.match(k) or _PAGE_RE.search(k) or _FORM_MARK_RE.match(k) for k in keys) or (
        bool(keys) and (keys[0].startswith("注:") or keys[0] == "注" or keys[0].startswith("说明:"))
    )


def _starts_with_item(row: Sequence[object], table: Optional[_Table]) -> bool:
    """A row that carries a 序号 or an item code is data, whatever other text it holds."""
    if table is None:
        return False
    cols = table.header.columns
    seq_col, code_col = cols.get(SEQ), cols.get(CODE)
    return bool(
        (seq_col is not None and seq_col < len(row) and seq_text(row[seq_col]))
        or (code_col is not None and code_col < len(row) and is_bill_code(row[code_col]))
    )


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


def _row_fields(row: Sequence[object], cols: dict[str, int], seq: str, code: str) -> dict:
    def number(role: str) -> Optional[float]:
        return to_number(row[cols[role]]) if role in cols and cols[role] < len(row) else None

    return {
        "seq": seq,
        "code": code,
        "unit": _text(row, cols.get(UNIT)),
        "quantity": number(QTY),
        "unit_price": number(PRICE),
        "amount": number(AMOUNT),
        "spec": _text(row, cols.get(SPEC)),
        "brand": _text(row, cols.get(BRAND)),
        "manufacturer": _text(row, cols.get(MAKER)),
    }


def _make_item(p: _Pending, table: _Table, section: str, file: str, sheet: str,
               row_number: Callable[[int], int], page_of: Callable[[int], Optional[int]]) -> LineItem:
    fields = dict(p.fields)
    features = "\n".join(p.features)
    if table.kind == "material" and not features:
        features = fields["spec"]
    return LineItem(
        provenance=Provenance(file=file, sheet=sheet, first_row=row_number(p.first_row),
                              last_row=row_number(p.last_row), page=page_of(p.first_row)),
        table=table.kind,
        name="".join(p.name) if len(p.name) > 1 else (p.name[0] if p.name else ""),
        features=features,
        section=section,
        **fields,
    )
