"""The bid review as a workbook: a summary sheet (bidders × checks), then one sheet per check with one row per
deviation.  Every text cell is written as a string (bill text starting with = never becomes a formula)."""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ...report.i18n import texts
from ..messages import (COLUMNS, GROUP_TEXT, KIND_TEXT, LABELS, SEVERITY_TEXT, SOURCE_TEXT, VERDICT_TEXT, WARNINGS,
                        detail)
from ..model import GROUPS, Comparison
from .text import where

HEADER_FILL = PatternFill("solid", fgColor="305496")
FILLS = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
COLUMN_NAMES = ("bidder", "bid_file", "kind", "severity", "tender_at", "tender_code", "tender_name", "bid_at",
                "bid_code", "bid_name", "detail", "expected", "actual", "rule", "others")  # labels compare.column.*
WIDTHS = (8, 28, 14, 8, 16, 15, 22, 16, 15, 22, 60, 30, 30, 12, 28)


def put(sheet, row: int, column: int, value):
    """One cell; text always a string cell (never a formula), without the control characters xlsx forbids."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _header(sheet, names) -> None:
    for column, name in enumerate(names, 1):
        cell = put(sheet, 1, column, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"


def render(comparison: Comparison, output: str, lang: str = "zh") -> list[str]:
    """Write the workbook to ``output`` (through a temporary file); return [output]."""
    words = LABELS[lang]
    book = Workbook()
    summary = book.active
    summary.title = words["sheet_summary"]
    names = [words["bidder"], words["file"], words["total"], words["source"], words["verdict"],
             *(GROUP_TEXT[lang][g] for g in GROUPS)]
    _header(summary, names)
    for n, bidder in enumerate(comparison.bidders, 1):
        values = [n, bidder.file, bidder.total, SOURCE_TEXT[lang].get(bidder.total_source, ""),
                  VERDICT_TEXT[lang][bidder.verdict], *(bidder.count(g) for g in GROUPS)]
        for column, value in enumerate(values, 1):
            put(summary, n + 1, column, value)
    row = len(comparison.bidders) + 3
    notes = ([words["indicator"]] + [WARNINGS[lang][w] for w in comparison.warnings]
             + [texts(lang)("gap", text=texts(lang).msg(gap))
                for gap in (comparison.catalogs.gaps if comparison.catalogs else [])])
    for note in notes:
        put(summary, row, 1, note)
        row += 1
    for column, width in enumerate((8, 40, 16, 14, 12, 10, 10, 14, 12, 10), 1):
        summary.column_dimensions[get_column_letter(column)].width = width
    for group in GROUPS:
        sheet = book.create_sheet(GROUP_TEXT[lang][group][:31])
        _header(sheet, [COLUMNS[lang][name] for name in COLUMN_NAMES])
        row = 2
        for n, bidder in enumerate(comparison.bidders, 1):
            for d in bidder.deviations:
                if d.group != group:
                    continue
                t, b = d.tender, d.bid
                values = (n, bidder.file, KIND_TEXT[lang][d.kind], SEVERITY_TEXT[lang][d.severity], where(t),
                          t.code if t else "", t.name if t else "", where(b), b.code if b else "",
                          b.name if b else "", detail(d, lang), _cell(d.expected), _cell(d.actual), d.rule,
                          "、".join(d.others))
                for column, value in enumerate(values, 1):
                    cell = put(sheet, row, column, value)
                    if column == 4:
                        cell.fill = FILLS[d.severity]
                row += 1
        for column, width in enumerate(WIDTHS, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{output}.tmp-{os.getpid()}"
    try:
        book.save(tmp)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return [output]


def _cell(value):
    return value if isinstance(value, (int, float)) or value is None else str(value)
