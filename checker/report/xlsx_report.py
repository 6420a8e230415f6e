"""Annotated workbooks for procurement officers.

For each input xlsx/xlsm that was checked: a copy (never the original) with two columns added to the right of
each bill table — 检查结果 (status) and 规则 (rule ids and names) — the flagged rows coloured (banned red,
restricted amber, waived grey) and a 检查结果清单 sheet listing every finding.  The copy is rewritten by openpyxl:
values, formulas, styles and merged cells are kept; macros are dropped (a copy of an untrusted bill should not
carry them) and drawings openpyxl cannot read are lost.

openpyxl cannot open xls, xlsb, ods, CSV or PDF, so for those inputs a findings workbook is written instead:
the same findings sheet plus a 清单项目 sheet with every line read and its status.

Every text cell written here is stored as a string, so bill text that starts with =, +, - or @ can never become
a formula; characters a workbook cannot hold (control characters) are dropped.

``-o`` is the output file when one file was checked, else a folder (created if needed) that receives
``<name>.checked.xlsx`` / ``<name>.findings.xlsx`` for each input.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..engine import FileReport, RunReport
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem
from .stream import KeepingWriter, ReportOutputError

COPYABLE = ("xlsx", "xlsm")
STATUS_TEXT = {"banned": "禁用", "restricted": "限制", "promoted": "推广", "clean": "—"}
FILLS = {
    "banned": PatternFill("solid", fgColor="FFC7CE"),
    "restricted": PatternFill("solid", fgColor="FFEB9C"),
    "waived": PatternFill("solid", fgColor="D9D9D9"),
    "promoted": PatternFill("solid", fgColor="C6EFCE"),
    "header": PatternFill("solid", fgColor="305496"),
}
FINDINGS_SHEET = "检查结果清单"
ITEMS_SHEET = "清单项目"
FINDING_COLUMNS = ("文件", "工作表", "行", "页", "项目编码", "项目名称", "项目特征", "状态", "规则", "条目",
                   "依据文件", "匹配文本", "适用范围", "替代", "需人工复核", "豁免", "豁免理由", "批准人", "豁免有效期",
                   "基线", "绿色建材类别", "指纹")
ITEM_COLUMNS = ("文件", "工作表", "行", "页", "表", "序号", "项目编码", "项目名称", "项目特征", "单位", "工程量",
                "综合单价", "合价", "状态", "规则", "绿色建材类别")


XlsxOutputError = ReportOutputError


def put(sheet, row: int, column: int, value):
    """Write one cell; text is always a string cell (never a formula), without characters xlsx forbids."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"  # "=…" would otherwise be stored as a formula
    else:
        cell.value = value
    return cell


def line_status(checked: CheckedItem) -> str:
    """The status shown in a workbook: 禁用 / 限制 (需人工复核) / 已豁免 / 推广 / —."""
    if checked.waived:
        return f"已豁免（{STATUS_TEXT[checked.status]}）"
    text = STATUS_TEXT[checked.status]
    if checked.status == "restricted" and any(f.needs_manual_check for f in checked.findings):
        text += "（需人工复核）"
    return text


def _rules(checked: CheckedItem) -> str:
    return "；".join(f"{f.rule} {f.entry}" + ("（已豁免）" if f.waived else "") for f in checked.findings
                    if f.kind in ("banned", "restricted")) or "；".join(f.rule for f in checked.findings)


def _where(checked: CheckedItem) -> tuple:
    p = checked.item.provenance
    rows = None if p.first_row is None else (
        p.first_row if p.first_row in (p.last_row, None) else f"{p.first_row}-{p.last_row}")
    return p.sheet or "", rows, p.page


def _findings_sheet(book: Workbook, reports: list[FileReport]) -> None:
    title = FINDINGS_SHEET
    while title in book.sheetnames:
        title += "_"
    sheet = book.create_sheet(title)
    _header(sheet, FINDING_COLUMNS)
    row = 2
    for report in reports:
        for checked in report.items:
            item = checked.item
            sheet_name, rows, page = _where(checked)
            for f in checked.findings:
                waiver = f.waiver
                values = (report.read.path, sheet_name, rows, page, item.code, item.name, item.features,
                          STATUS_TEXT.get(f.kind, f.kind), f.rule, f.entry, f.source, f.evidence, f.scope,
                          f.replacement, "是" if f.needs_manual_check else "", "是" if waiver else "",
                          waiver.reason if waiver else "", waiver.approver if waiver else "",
                          waiver.expires.isoformat() if waiver else "",
                          {"known": "已有", "new": "新增"}.get(f.baseline or "", ""),
                          "、".join(checked.green_categories), item_fingerprint(item, f.rule))
                for column, value in enumerate(values, 1):
                    put(sheet, row, column, "" if value is None else value)
                fill = FILLS["waived"] if waiver else FILLS.get(f.kind)
                if fill is not None and f.kind in ("banned", "restricted"):
                    for column in range(1, len(values) + 1):
                        sheet.cell(row=row, column=column).fill = fill
                row += 1
    _widths(sheet, {"A": 28, "B": 22, "E": 15, "F": 22, "G": 40, "J": 30, "K": 40, "L": 30, "M": 24, "N": 24,
                    "Q": 24, "U": 20, "V": 20})


def _header(sheet, columns) -> None:
    for column, name in enumerate(columns, 1):
        cell = put(sheet, 1, column, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = FILLS["header"]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def _widths(sheet, widths: dict) -> None:
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width


def _items_sheet(book: Workbook, report: FileReport) -> None:
    sheet = book.create_sheet(ITEMS_SHEET)
    _header(sheet, ITEM_COLUMNS)
    for row, checked in enumerate(report.items, 2):
        item = checked.item
        sheet_name, rows, page = _where(checked)
        values = (report.read.path, sheet_name, rows, page, item.table, item.seq, item.code, item.name, item.features,
                  item.unit, item.quantity, item.unit_price, item.amount, line_status(checked), _rules(checked),
                  "、".join(checked.green_categories))
        for column, value in enumerate(values, 1):
            put(sheet, row, column, "" if value is None else value)
        fill = _row_fill(checked)
        if fill is not None:
            for column in range(1, len(values) + 1):
                sheet.cell(row=row, column=column).fill = fill
    _widths(sheet, {"A": 28, "B": 22, "G": 15, "H": 22, "I": 40, "N": 14, "O": 36, "P": 20})


def _row_fill(checked: CheckedItem):
    if checked.waived:
        return FILLS["waived"]
    return FILLS.get(checked.status) if checked.status in ("banned", "restricted") else None


def annotate_copy(report: FileReport, source: str, target: Path) -> None:
    """Copy an xlsx/xlsm with status columns, row colours and a findings sheet (macros dropped)."""
    book = load_workbook(source, keep_vba=False, keep_links=False)
    by_sheet: dict[str, list[CheckedItem]] = {}
    for checked in report.items:
        by_sheet.setdefault(checked.item.provenance.sheet or "", []).append(checked)
    headers: dict[str, list[int]] = {}
    for table in report.read.tables:
        if table.kind != "analysis":
            headers.setdefault(table.sheet, []).append(table.header_row)
    for name, items in by_sheet.items():
        if name not in book.sheetnames:
            continue
        sheet = book[name]
        status_col = sheet.max_column + 1
        for header_row in headers.get(name, []):
            for offset, title in enumerate(("检查结果", "规则（gbm-check）")):
                cell = put(sheet, header_row, status_col + offset, title)
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        for checked in items:
            where = checked.item.provenance
            first, last = where.first_row, where.last_row or where.first_row
            if first is None:
                continue
            status = put(sheet, first, status_col, line_status(checked))
            put(sheet, first, status_col + 1, _rules(checked)).alignment = Alignment(wrap_text=True,
                                                                                     vertical="top")
            fill = _row_fill(checked)
            if fill is not None:
                for row in range(first, last + 1):
                    for column in range(1, status_col + 2):
                        sheet.cell(row=row, column=column).fill = fill
            elif checked.status == "promoted":
                status.fill = FILLS["promoted"]
        sheet.column_dimensions[get_column_letter(status_col)].width = 16
        sheet.column_dimensions[get_column_letter(status_col + 1)].width = 40
    _findings_sheet(book, [report])
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = False
    book.active = len(book.sheetnames) - 1
    book.active.sheet_view.tabSelected = True
    book.calculation.fullCalcOnLoad = True  # openpyxl drops cached formula results; recalculate on open
    _save(book, target)


def findings_workbook(report: FileReport, target: Path) -> None:
    """A workbook with the findings and every line read, for inputs that cannot be copied."""
    book = Workbook()
    book.remove(book.active)
    _findings_sheet(book, [report])
    _items_sheet(book, report)
    _save(book, target)


def _save(book: Workbook, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        book.save(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _copyable(report: FileReport) -> bool:
    if report.read.format not in COPYABLE:
        return False
    try:  # the sniffed format says xlsx; openpyxl also needs the workbook part where it expects it
        with zipfile.ZipFile(report.read.path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def targets(run: RunReport, output: str) -> list[tuple[FileReport, Path, bool]]:
    """(report, output path, copy?) for every checked file; -o is a file for one input, else a folder."""
    checked = [r for r in run.files if r.read.ok]
    out = Path(output)
    folder = out.is_dir() or output.endswith(("/", os.sep)) or not out.suffix
    if not folder and len(checked) > 1:
        raise XlsxOutputError(f"{len(checked)} files were checked: give --format xlsx a folder (-o {out.stem}/)")
    if not folder and out.suffix.lower() != ".xlsx":
        raise XlsxOutputError("--format xlsx writes .xlsx files: give -o a name ending in .xlsx or a folder")
    plan, taken = [], set()
    for report in checked:
        copy = _copyable(report)
        if folder:
            stem = Path(report.read.path).stem
            name = f"{stem}.{'checked' if copy else 'findings'}.xlsx"
            number = 2
            while name in taken:
                name = f"{stem}-{number}.{'checked' if copy else 'findings'}.xlsx"
                number += 1
            taken.add(name)
            target = out / name
        else:
            target = out
        if target.resolve() == Path(report.read.path).resolve():
            raise XlsxOutputError(f"refusing to write the annotated workbook over its input: {target}")
        plan.append((report, target, copy))
    return plan


def render(run: RunReport, output: str) -> list[str]:
    """Write the annotated copies / findings workbooks; return the paths written."""
    written = []
    for report, target, copy in targets(run, output):
        if copy:
            try:
                annotate_copy(report, report.read.path, target)
            except Exception as exc:  # openpyxl cannot take every workbook calamine reads: fall back
                run.warnings.append(f"{report.read.path}: cannot copy the workbook ({type(exc).__name__}: "
                                    f"{str(exc)[:120]}); wrote a findings workbook instead")
                findings_workbook(report, target.with_name(target.name.replace(".checked.", ".findings.")))
                written.append(str(target.with_name(target.name.replace(".checked.", ".findings."))))
                continue
        else:
            findings_workbook(report, target)
        written.append(str(target))
    return written


class Writer(KeepingWriter):
    def __init__(self, output: str, options=None):
        super().__init__(None)
        self.output = output

    def end(self, run: RunReport) -> list[str]:
        import dataclasses
        whole = dataclasses.replace(run, files=self.files)
        written = render(whole, self.output)
        run.warnings[:] = whole.warnings
        return written

    def abort(self) -> None:
        pass
