"""Annotated workbooks for procurement officers, written file by file as the run goes.

For each input xlsx/xlsm that was checked: a copy (never the original) in which

- each bill table gets two columns, 检查结果 (禁用 / 限制（需人工复核） / 推广 / 已豁免) and 规则, put to the right of
  everything the table's rows hold (right after the header's last column unless notes in the rows lie beyond it:
  no cell is ever written over), inside the print area and the auto-filter (both extended; an auto-filter is
  added where the sheet had none), with the header rows frozen and the sheet set to print landscape, one page wide;
- flagged rows are coloured (banned red, restricted amber, waived grey; promoted: its result cell green);
- a first sheet 检查摘要 gives the project, the verdict with its limits, the counts, the catalogs with their
  editions and gaps, and a sign-off block (审核人 / 复核人 / 日期 / 意见) that starts a page of its own when the
  summary does not fit on one;
- a last sheet 检查结果清单 lists every finding, banned → restricted → promoted, with relative file names and the
  fingerprints in a hidden last column; columns no finding fills are hidden too.  It prints landscape with its
  header repeated, one page wide on A4 or A3 where that keeps the text legible (``ooxml.MIN_SCALE``), else at that
  scale, pages across, with its first columns repeated.

The new sheets' text wraps, each row as tall as its wrapped text needs (estimated and written: LibreOffice
does not fit row heights when it opens a file), their column widths scaled to the workbook's default font.

The copy is a streaming rewrite of the package (``checker.report.ooxml``): values, shared strings, styles, merges,
formulas and their cached results, drawings stay byte for byte; macros are dropped.  For inputs that are not
xlsx/xlsm (xls, xlsb, ods, CSV, PDF), or a package the rewrite cannot take, a findings workbook (检查摘要 +
检查结果清单 + 清单项目) is written instead.  Every text cell written is an inline string: bill text that starts
with =, +, - or @ never becomes a formula.

``-o`` is the output file when one file is checked, else a folder (created if needed) that receives
``<name>.checked.xlsx`` / ``<name>.findings.xlsx`` for each input.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..engine import FileReport, FileSummary, RunReport
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem
from . import ooxml
from .common import (STATUS_ORDER, evidence_text, gaps, offered_as_option, rows_text, sheet_shown, shown_findings,
                     text_width, verdict_text)
from .i18n import Texts, texts
from .stream import ReportOptions, ReportOutputError, Writer as BaseWriter, statuses

COPYABLE = ("xlsx", "xlsm")
FINDINGS_SHEET, SUMMARY_SHEET, ITEMS_SHEET = "xlsx.sheet.findings", "xlsx.sheet.summary", "xlsx.sheet.items"  # labels
COLOURS = {"banned": "FFC7CE", "restricted": "FFEB9C", "waived": "D9D9D9", "promoted": "C6EFCE",
           "header": "305496", "fail": "F4B6B0", "review": "FCE4B0", "pass": "C6EFCE"}
KIND_ORDER = ("banned", "restricted", "uncertified", "promoted", "not_applicable")
FINDING_COLUMNS = ("status", "sheet", "row", "page", "code", "name", "features", "rule", "entry", "evidence",
                   "source", "scope", "replacement", "manual", "also", "waived", "waiver_reason", "approver",
                   "waiver_expires", "baseline", "category", "file", "fingerprint")  # labels field.*
FINDING_WIDTHS = {1: 11, 2: 14, 3: 6, 4: 5, 5: 13, 6: 16, 7: 30, 8: 9, 9: 18, 10: 26, 11: 24, 12: 16, 13: 14,
                  14: 7, 15: 12, 16: 6, 17: 16, 18: 8, 19: 11, 20: 8, 21: 12, 22: 14, 23: 20}  # printed, wrapped
FINDING_TITLE_COLUMNS = 3  # status, sheet, row: repeated on each page of a findings list printed pages across
FINDING_CORE_COLUMNS = 8  # status … rule: what an empty findings list shows
ITEM_COLUMNS = ("file", "sheet", "row", "page", "table", "seq", "code", "name", "features", "unit", "quantity",
                "unit_price", "amount", "status", "rules", "category")  # labels field.*
SUMMARY_WIDTHS = {1: 22, 2: 30, 3: 44, 4: 8}  # label | value over B:D; catalogs: title, edition, source, entries
STATUS_WIDTH = 14  # the 检查结果 column of an annotated sheet, at least
ITEM_WIDTHS = {1: 20, 2: 18, 7: 15, 8: 22, 9: 40, 14: 14, 15: 36, 16: 20}
XlsxOutputError = ReportOutputError


def status_word(status: str, t: Texts) -> str:
    """禁用 / 限制 / 推广 / 无认证 / 不适用, and — for a line without findings."""
    return "—" if status == "clean" else t(f"status.{status}")


def line_status(checked: CheckedItem, status: str, t: Texts) -> str:
    """The status shown in a workbook: 禁用 / 限制（需人工复核） / 已豁免（…） / 推广 / —."""
    if checked.waived:
        return t("xlsx.status_waived", status=status_word(status, t))
    text = status_word(status, t)
    if status == "restricted" and checked.needs_manual_check:
        text += t("manual.suffix")
    return text


def _rules(checked: CheckedItem, t: Texts) -> str:
    shown = shown_findings(checked, ("banned", "restricted", "uncertified"))
    if not shown:
        return t("sep.clause").join(f.rule for f in checked.findings)
    return t("sep.clause").join(
        f"{s.finding.rule} {s.finding.entry}" + (t("xlsx.rule_waived") if s.finding.waived else "")
        + (t("xlsx.rule_option") if offered_as_option(s.finding) else "")
        + (t("xlsx.rule_also", rules=t("sep.list").join(s.also)) if s.also else "") for s in shown)


def relative_name(path: str) -> str:
    """The path relative to the working directory when it lies below it, else its base name."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return os.path.basename(path)
    return relative if not relative.startswith("..") else os.path.basename(path)


class Palette:
    """The cell formats a workbook's new cells use, added to its styles part once."""

    def __init__(self, styles: ooxml.Styles):
        self.styles = styles
        self.width_scale = styles.width_scale()
        border = styles.border()
        fills = {key: styles.fill(rgb) for key, rgb in COLOURS.items()}
        self.fills = fills
        plain, bold = styles.font(size=10), styles.font(bold=True, size=10)
        white, title = styles.font(bold=True, color="FFFFFF", size=10), styles.font(bold=True, size=14)
        self.text = styles.xf(font=plain, border=border)
        self.label = styles.xf(font=bold, border=border)
        self.header = styles.xf(font=white, fill=fills["header"], border=border, horizontal="center",
                                vertical="center")
        self.title = styles.xf(font=title, wrap=False, vertical="center")
        self.by_status = {key: styles.xf(font=bold if key in ("banned", "restricted") else plain,
                                         fill=fills[key], border=border)
                          for key in ("banned", "restricted", "waived", "promoted", "fail", "review", "pass")}
        self.result_header = styles.xf(font=bold, border=border, horizontal="center", vertical="center")

    def status(self, key: str) -> int:
        return self.by_status.get(key, self.text)


def _row_key(checked: CheckedItem, status: str) -> str | None:
    if checked.waived:
        return "waived"
    return status if status in ("banned", "restricted") else None


# --- the sheets every workbook gets ---------------------------------------------------------------------------

def summary_sheet(report: FileReport, summary: FileSummary, run: RunReport, p: Palette, t: Texts,
                  now: _dt.datetime) -> ooxml.SheetSpec:
    """检查摘要: project, verdict with its limits, counts, catalogs and gaps, and a sign-off block."""
    counts = dict(summary.counts, files_error=0)
    rows: list[list[tuple[object, int]]] = [[(t("xlsx.title"), p.title)], []]
    merges: list[str] = ["A1:D1"]
    heights: dict[int, float] = {1: 24}
    read = report.read

    def pair(label: str, value, style=None, height=None):
        rows.append([(label, p.label), (value, style or p.text), ("", p.text), ("", p.text)])
        merges.append(f"B{len(rows)}:D{len(rows)}")
        if height:
            heights[len(rows)] = height

    def banner(title: str):
        rows.append([(title, p.header), ("", p.header), ("", p.header), ("", p.header)])
        merges.append(f"A{len(rows)}:D{len(rows)}")

    pair(t("xlsx.project"), read.project or t("no_project"))
    pair(t("field.file"), relative_name(read.path))
    pair("SHA-256", read.sha256)
    pair(t("xlsx.checked_at"), f"{now:%Y-%m-%d %H:%M} · gbm-check {run.tool_version}")
    verdict = summary.verdict
    verdict_line = verdict_text(verdict, counts, run.catalogs, t)
    pair(t("xlsx.verdict"), verdict_line[:1].upper() + verdict_line[1:], p.status(verdict), height=30)
    for warning in read.warnings:  # pages read by OCR, to verify against the paper first
        pair(t("xlsx.warning"), t.msg(warning), p.status("restricted"))
    pair(t("count.lines"), sum(counts[s] for s in STATUS_ORDER))
    for key, label in (("banned", "status.banned"), ("restricted", "status.restricted"),
                       ("promoted", "status.promoted"), ("clean", "status.clean"),
                       ("needs_manual_check", "count.manual"), ("waived_findings", "count.waived"),
                       ("green_items", "count.green")):
        pair(t.cap(label), counts[key])
    profile = run.profile
    pair(t("xlsx.conditions"), t("xlsx.conditions_value", city=profile.city,
                                 district=" " + profile.district if profile.district else "",
                                 date=profile.bid_date.isoformat(), gov=_yes_no(profile.government_invested, t),
                                 urban=_yes_no(profile.urban_area, t)))
    rows.append([])
    rows.append([(t("xlsx.catalogs"), p.header), (t("field.edition"), p.header), (t("field.issued_by"), p.header),
                 (t("field.entries"), p.header)])
    for catalog in run.catalogs.catalogs:
        rows.append([(catalog.title, p.text), (catalog.edition, p.text), (catalog.source, p.text),
                     (len(catalog.entries), p.text)])
    if t("quoted.note"):  # an English workbook says that the catalog text is quoted in Chinese
        rows.append([(t("quoted.note"), p.text), ("", p.text), ("", p.text), ("", p.text)])
        merges.append(f"A{len(rows)}:D{len(rows)}")
    rows.append([])
    banner(t("gaps.title"))
    for gap in gaps(run.catalogs, t):
        rows.append([(gap, p.text), ("", p.text), ("", p.text), ("", p.text)])
        merges.append(f"A{len(rows)}:D{len(rows)}")
    rows.append([])
    signoff = len(rows) + 1
    banner(t("signoff.title"))
    for key in ("signoff.reviewer", "signoff.checker", "signoff.date", "signoff.opinion"):
        pair(t(key), "", height=80 if key == "signoff.opinion" else 30)
    return ooxml.SheetSpec(name=t(SUMMARY_SHEET), rows=rows, widths=SUMMARY_WIDTHS, merges=merges, landscape=False,
                           heights=heights, one_page=True, footer=page_footer(t), wrap=True,
                           width_scale=p.width_scale, page_break=signoff)


def _yes_no(value, t: Texts) -> str:
    return t({True: "yes", False: "no"}.get(value, "unknown"))


def page_footer(t: Texts) -> str:
    """The printed footer, centred: 第 &P 页，共 &N 页 (Excel's page number codes in the label's slots)."""
    return "&C" + t("print.pages", page="&P", pages="&N")


def findings_sheet(report: FileReport, p: Palette, t: Texts, name: str | None = None) -> ooxml.SheetSpec:
    """检查结果清单: every finding shown (decisive, with the concurring rules), banned → restricted → promoted."""
    entries = []
    file_name = relative_name(report.read.path)
    for checked in report.items:
        where = checked.item.provenance
        for shown in shown_findings(checked, KIND_ORDER):
            rank = KIND_ORDER.index(shown.finding.kind)
            entries.append(((rank, where.page or 0, where.first_row or 0), checked, shown))
    entries.sort(key=lambda entry: entry[0])
    rows = [[(t(f"field.{key}"), p.header) for key in FINDING_COLUMNS]]
    yes = t("xlsx.yes")
    for _, checked, shown in entries:
        f, item, where = shown.finding, checked.item, checked.item.provenance
        waiver = f.waiver
        style = p.status("waived" if waiver else f.kind) if f.kind in ("banned", "restricted", "promoted") \
            else p.text
        values = (status_word(f.kind, t) + (t("manual.suffix") if f.needs_manual_check else ""),
                  sheet_shown(checked), rows_text(checked), where.page, item.code, item.name, item.features, f.rule,
                  f.entry, evidence_text(f, t), f.source, f.scope, f.replacement,
                  yes if f.needs_manual_check else "", t("sep.list").join(shown.also), yes if waiver else "",
                  waiver.reason if waiver else "", waiver.approver if waiver else "",
                  waiver.expires.isoformat() if waiver else "", t(f"baseline.{f.baseline}") if f.baseline else "",
                  t("sep.list").join(checked.green_categories), file_name, item_fingerprint(item, f.rule))
        rows.append([(value, style if column == 0 else p.text) for column, value in enumerate(values)])
    return ooxml.SheetSpec(name=name or t(FINDINGS_SHEET), rows=rows, widths=FINDING_WIDTHS,
                           hidden=_empty_columns(rows) + (len(FINDING_COLUMNS),), freeze_rows=1, filter_header=1,
                           plain=p.text, footer=page_footer(t), wrap=True, title_columns=FINDING_TITLE_COLUMNS,
                           width_scale=p.width_scale)


def _empty_columns(rows: list[list[tuple[object, int]]]) -> tuple[int, ...]:
    """The columns (1-based) no finding fills, hidden so that the print keeps to what was found; without findings
    the columns after the first FINDING_CORE_COLUMNS (the header alone still prints on one page)."""
    found = rows[1:]
    return tuple(column for column in range(1, len(rows[0]) + 1)
                 if all(row[column - 1][0] in (None, "") for row in found) and (found or column > FINDING_CORE_COLUMNS))


def items_sheet(report: FileReport, p: Palette, t: Texts) -> ooxml.SheetSpec:
    """清单项目 (findings workbooks only): every line read, with its status."""
    rows = [[(t(f"field.{key}"), p.header) for key in ITEM_COLUMNS]]
    name = relative_name(report.read.path)
    for checked in report.items:
        item, where, status = checked.item, checked.item.provenance, checked.status
        key = _row_key(checked, status)
        style = p.status(key) if key else p.text
        values = (name, sheet_shown(checked), rows_text(checked), where.page, t.get(f"table.{item.table}", item.table),
                  item.seq, item.code, item.name, item.features, item.unit, item.quantity, item.unit_price, item.amount,
                  line_status(checked, status, t), _rules(checked, t), t("sep.list").join(checked.green_categories))
        rows.append([(value, style) for value in values])
    return ooxml.SheetSpec(name=t(ITEMS_SHEET), rows=rows, widths=ITEM_WIDTHS, freeze_rows=1, filter_header=1,
                           plain=p.text, footer=page_footer(t), wrap=True, width_scale=p.width_scale)



# --- the annotated copy -----------------------------------------------------------------------------------------

@dataclass
class SheetPlan:
    """What one bill sheet gets: per row its result (status text, rules text, colour), the header rows, and where
    the result columns go."""

    results: dict[int, tuple[str, str, str | None]]  # first row → (status text, rules, colour key)
    spans: dict[int, int]  # first row → last row of a line
    header_row: int
    table_last_column: int
    first_row: int
    last_row: int


def _plans(report: FileReport, line_statuses, t: Texts) -> dict[str, SheetPlan]:
    headers: dict[str, tuple[int, int]] = {}
    for table in report.read.tables:
        if table.kind == "analysis":
            continue
        last = max((index for _, index in table.columns), default=0) + 1
        known = headers.get(table.sheet)
        if known is None or table.header_row < known[0]:
            headers[table.sheet] = (table.header_row, max(last, known[1] if known else 0))
    plans: dict[str, SheetPlan] = {}
    for checked, status in zip(report.items, line_statuses):
        where = checked.item.provenance
        if where.first_row is None or where.sheet not in headers:
            continue
        plan = plans.get(where.sheet)
        if plan is None:
            header, width = headers[where.sheet]
            plan = plans[where.sheet] = SheetPlan({}, {}, header, width, header, header)
        first, last = where.first_row, where.last_row or where.first_row
        plan.results[first] = (line_status(checked, status, t), _rules(checked, t) if checked.findings else "",
                               _row_key(checked, status) or ("promoted" if status == "promoted" else None))
        plan.spans[first] = last
        plan.last_row = max(plan.last_row, last)
    return plans


def annotate_copy(report: FileReport, summary: FileSummary, run: RunReport, target: Path,
                  options: ReportOptions) -> None:
    """Write the annotated copy of an xlsx/xlsm bill (see the module's docstring)."""
    t = texts(options.lang)
    with zipfile.ZipFile(report.read.path) as source:
        names = source.namelist()
        workbook_xml = source.read("xl/workbook.xml").decode("utf-8")
        rels_xml = source.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        types_xml = source.read("[Content_Types].xml").decode("utf-8")
        styles_name = _styles_part(rels_xml)
        styles = ooxml.Styles(source.read(styles_name).decode("utf-8") if styles_name in names
                              else ooxml.MINIMAL_STYLES)
        palette = Palette(styles)
        parts = _sheet_parts(workbook_xml, rels_xml)  # sheet name → (part name, index in <sheets>)
        plans = _plans(report, statuses(report, summary), t)
        defined = _defined_names(workbook_xml)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        target.parent.mkdir(parents=True, exist_ok=True)
        extents: dict[str, tuple[int, int, int, int]] = {}  # sheet → (header, status column, last column, last row)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                for name in names:
                    if name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", styles_name) \
                            or name.endswith("vbaProject.bin"):
                        continue
                    sheet = next((s for s, (part, _) in parts.items() if part == name), None)
                    if sheet is None:
                        with source.open(name) as src, out.open(_info(name), "w") as dst:
                            shutil.copyfileobj(src, dst, ooxml.CHUNK)
                        continue
                    plan = plans.get(sheet)
                    with out.open(_info(name), "w") as dst:
                        extents_of = _rewrite_sheet(source, name, plan, palette, dst, defined.get(parts[sheet][1], {}),
                                                    t)
                    if extents_of is not None:
                        extents[sheet] = extents_of
                new_sheets = [summary_sheet(report, summary, run, palette, t, options.now or _dt.datetime.now()),
                              findings_sheet(report, palette, t, _unique(t(FINDINGS_SHEET), parts))]
                new_parts = _add_sheets(out, new_sheets, names)
                out.writestr(_info(styles_name), styles.render())
                workbook_xml, rels_xml, types_xml = _register(workbook_xml, rels_xml, types_xml, new_sheets,
                                                              new_parts, parts, extents)
                out.writestr(_info("xl/workbook.xml"), workbook_xml)
                out.writestr(_info("xl/_rels/workbook.xml.rels"), rels_xml)
                out.writestr(_info("[Content_Types].xml"), types_xml)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _unique(name: str, taken) -> str:
    while name in taken:
        name += "_"
    return name


def _styles_part(rels_xml: str) -> str:
    match = re.search(r'<Relationship\b[^>]*Type="[^"]*/styles"[^>]*>', rels_xml)
    target = ooxml.attribute(match.group(0), "Target") if match else "styles.xml"
    return _part_name(target)


def _part_name(target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = []
    for piece in ("xl/" + target).split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _sheet_parts(workbook_xml: str, rels_xml: str) -> dict[str, tuple[str, int]]:
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels_xml):
        if (ooxml.attribute(rel, "Type") or "").endswith("/worksheet"):
            targets[ooxml.attribute(rel, "Id")] = _part_name(ooxml.attribute(rel, "Target") or "")
    found = {}
    for index, sheet in enumerate(re.findall(r"<sheet\b[^>]*>", workbook_xml)):
        rid = re.search(r'\sr:id="([^"]*)"', sheet) or re.search(r'\s\w+:id="([^"]*)"', sheet)
        name = _unescape(ooxml.attribute(sheet, "name") or "")
        if rid and rid.group(1) in targets:
            found[name] = (targets[rid.group(1)], index)
    return found


def _unescape(value: str) -> str:
    from xml.sax.saxutils import unescape

    return unescape(value, {"&quot;": '"', "&apos;": "'"})


def _defined_names(workbook_xml: str) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for match in re.finditer(r"<definedName\b([^>]*)>(.*?)</definedName>", workbook_xml, re.DOTALL):
        local = ooxml.attribute(match.group(0), "localSheetId")
        if local is not None:
            found.setdefault(int(local), {})[ooxml.attribute(match.group(0), "name") or ""] = match.group(2)
    return found


def _rewrite_sheet(source: zipfile.ZipFile, name: str, plan: SheetPlan | None, palette: Palette, dst,
                   names: dict, t: Texts) -> tuple[int, int, int, int] | None:
    """Stream one worksheet into ``dst``: unselected; with a plan, annotated.  Returns the annotated extent."""
    if plan is None:
        with source.open(name) as src, ooxml.Batched(dst) as out:
            head, rest = ooxml.split_sheet(ooxml.stream_member(src))
            head = re.sub(r'\stabSelected="1"', "", head)
            out.write(head.encode("utf-8", "backslashreplace"))
            for block in rest:
                out.write(block)
        return None
    with source.open(name) as src:
        highest, tail_bytes = ooxml.scan_sheet(ooxml.stream_member(src), (plan.header_row, plan.last_row),
                                               plan.table_last_column)
    tail_parts = ooxml.elements(tail_bytes.decode("utf-8").replace("</worksheet>", ""))
    header_end = _header_end(tail_parts, plan.header_row)
    status_col = max(highest, plan.table_last_column, _merged_right(tail_parts, plan.header_row, header_end)) + 1
    last_col = status_col + 1
    with source.open(name) as src, ooxml.Batched(dst) as dst:
        head, rest = ooxml.split_sheet(ooxml.stream_member(src))
        dst.write(_annotated_head(head, plan, status_col, last_col, header_end).encode("utf-8", "backslashreplace"))
        fills = palette.fills
        styles = palette.styles
        result_style = {key: palette.status(key) for key in ("banned", "restricted", "waived", "promoted")}
        colour_of_row: dict[int, str] = {}
        for first, (_, _, key) in plan.results.items():
            if key in ("banned", "restricted", "waived"):
                for row in range(first, plan.spans[first] + 1):
                    colour_of_row[row] = key
        number = 0
        tail_text = b""
        in_tail = False
        for row, between in ooxml.rows_of(rest):
            if row is None:
                if in_tail:
                    tail_text += between
                    continue
                at = between.find(b"</sheetData>")
                if at >= 0:
                    dst.write(between[:at + len(b"</sheetData>")])
                    tail_text = between[at + len(b"</sheetData>"):]
                    in_tail = True
                else:
                    dst.write(between)
                continue
            number = ooxml.row_number(row, number)
            result = plan.results.get(number)
            colour = colour_of_row.get(number)
            if number == plan.header_row:
                extra = {column: ooxml.inline_cell(f"{ooxml.column_letters(column)}{number}", t(label),
                                                   palette.result_header)
                         for column, label in ((status_col, "xlsx.result"), (last_col, "xlsx.result_rules"))}
                dst.write(ooxml.rewrite_row(row.decode("utf-8"), number, 0, None, extra).encode("utf-8", "backslashreplace"))
                continue
            if result is None and colour is None:
                dst.write(row)
                continue
            extra = {}
            if result is not None:
                text, rules, key = result
                style = result_style.get(key, palette.text)
                extra = {status_col: ooxml.inline_cell(f"{ooxml.column_letters(status_col)}{number}", text, style),
                         last_col: ooxml.inline_cell(f"{ooxml.column_letters(last_col)}{number}", rules, style)}
            if colour is not None:
                fill = fills[colour]
                dst.write(ooxml.rewrite_row(row.decode("utf-8"), number, status_col - 1,
                                            lambda old: styles.with_fill(old, fill), extra).encode("utf-8", "backslashreplace"))
            else:
                dst.write(ooxml.rewrite_row(row.decode("utf-8"), number, 0, None, extra).encode("utf-8", "backslashreplace"))
        dst.write(_annotated_tail(tail_text.decode("utf-8"), plan, status_col, last_col, header_end,
                                  names).encode("utf-8", "backslashreplace"))
    return plan.header_row, status_col, last_col, plan.last_row


def _header_end(tail_parts, header_row: int) -> int:
    """The last header row: the bottom of the merges that start on the header row (at most 3 rows down)."""
    merges = ooxml.get_element(tail_parts, "mergeCells") or ""
    end = header_row
    for ref in re.findall(r'ref="([A-Z]+\d+):([A-Z]+\d+)"', merges):
        top, bottom = ooxml.split_ref(ref[0])[1], ooxml.split_ref(ref[1])[1]
        if top == header_row and bottom <= header_row + 3:
            end = max(end, bottom)
    return end


def _merged_right(tail_parts, first: int, last: int) -> int:
    """The rightmost column of a merge that reaches into rows first..last (new cells must not overlap one)."""
    merges = ooxml.get_element(tail_parts, "mergeCells") or ""
    right = 0
    for ref in re.findall(r'ref="([A-Z]+\d+):([A-Z]+\d+)"', merges):
        (_, top), (column, bottom) = ooxml.split_ref(ref[0]), ooxml.split_ref(ref[1])
        if top <= last and bottom >= first:
            right = max(right, column)
    return right


def _annotated_head(head: str, plan: SheetPlan, status_col: int, last_col: int, header_end: int) -> str:
    start = head.find("<worksheet")
    start = head.find(">", start) + 1
    prolog, body = head[:start], head[start:]
    parts = ooxml.elements(body)
    sheet_pr = ooxml.get_element(parts, "sheetPr")
    if sheet_pr is None or sheet_pr.endswith("/>") and "<" not in sheet_pr[1:]:
        attrs = sheet_pr[len("<sheetPr"):-2] if sheet_pr else ""
        sheet_pr = f"<sheetPr{attrs}><pageSetUpPr fitToPage=\"1\"/></sheetPr>"
    elif "<pageSetUpPr" in sheet_pr:
        sheet_pr = re.sub(r"<pageSetUpPr\b[^>]*?/>", lambda m: ooxml.set_attribute(m.group(0), "fitToPage", "1"),
                          sheet_pr)
    else:
        sheet_pr = sheet_pr.replace("</sheetPr>", '<pageSetUpPr fitToPage="1"/></sheetPr>')
    ooxml.put_element(parts, "sheetPr", sheet_pr)
    dimension = ooxml.get_element(parts, "dimension")
    top_left, bottom_right = "A1", f"{ooxml.column_letters(last_col)}{plan.last_row}"
    if dimension is not None:
        ref = ooxml.attribute(dimension, "ref") or "A1"
        corners = ref.split(":")
        top_left = corners[0]
        if len(corners) > 1:
            col, row = ooxml.split_ref(corners[1])
            bottom_right = f"{ooxml.column_letters(max(col, last_col))}{max(row, plan.last_row)}"
    ooxml.put_element(parts, "dimension", f'<dimension ref="{top_left}:{bottom_right}"/>')
    views = ooxml.get_element(parts, "sheetViews") or '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    views = re.sub(r'\stabSelected="1"', "", views)
    if "<pane" not in views:
        pane = (f'<pane ySplit="{header_end}" topLeftCell="A{header_end + 1}" activePane="bottomLeft" '
                f'state="frozen"/>')
        views = re.sub(r"<sheetView\b([^>]*?)/>", r"<sheetView\1></sheetView>", views, count=1)
        views = re.sub(r"(<sheetView\b[^>]*>)", lambda m: m.group(1) + pane, views, count=1)
        views = re.sub(r"<selection\b(?![^>]*\bpane=)", '<selection pane="bottomLeft"', views)
    ooxml.put_element(parts, "sheetViews", views)
    cols = ooxml.get_element(parts, "cols") or "<cols></cols>"
    status_width = max([STATUS_WIDTH] + [text_width(text) + 2 for text, _, _ in plan.results.values()])
    ooxml.put_element(parts, "cols", _cols_with(cols, {status_col: min(status_width, 32), last_col: 40}))
    return prolog + "".join(xml for _, xml in parts)


def _cols_with(cols: str, widths: dict[int, float]) -> str:
    """The <cols> element with these columns set to these widths (ranges that cover them are split)."""
    entries = []
    for match in re.finditer(r"<col\b[^>]*?/>", cols):
        tag = match.group(0)
        low, high = int(ooxml.attribute(tag, "min") or 0), int(ooxml.attribute(tag, "max") or 0)
        for column in sorted(widths):
            if low <= column <= high:
                if low < column:
                    entries.append((low, ooxml.set_attribute(ooxml.set_attribute(tag, "min", str(low)), "max",
                                                             str(column - 1))))
                low = column + 1
        if low <= high:
            entries.append((low, ooxml.set_attribute(ooxml.set_attribute(tag, "min", str(low)), "max", str(high))))
    for column, width in widths.items():
        entries.append((column, f'<col min="{column}" max="{column}" width="{width}" customWidth="1"/>'))
    return "<cols>" + "".join(tag for _, tag in sorted(entries, key=lambda e: e[0])) + "</cols>"


def _annotated_tail(tail: str, plan: SheetPlan, status_col: int, last_col: int, header_end: int,
                    names: dict) -> str:
    closing = tail.rfind("</worksheet>")
    parts = ooxml.elements(tail[:closing] if closing >= 0 else tail)
    letters = ooxml.column_letters(last_col)
    auto = ooxml.get_element(parts, "autoFilter")
    if auto is not None:
        ref = (ooxml.attribute(auto, "ref") or f"A{header_end}:A{plan.last_row}").split(":")
        col, row = ooxml.split_ref(ref[-1])
        ref = f"{ref[0]}:{ooxml.column_letters(max(col, last_col))}{max(row, plan.last_row)}"
        ooxml.put_element(parts, "autoFilter", ooxml.set_attribute(auto, "ref", ref))
    else:
        ooxml.put_element(parts, "autoFilter", f'<autoFilter ref="A{header_end}:{letters}{plan.last_row}"/>')
    if header_end > plan.header_row:
        merges = ooxml.get_element(parts, "mergeCells") or '<mergeCells count="0"></mergeCells>'
        merges = merges.replace("<mergeCells count=\"0\"/>", '<mergeCells count="0"></mergeCells>')
        added = "".join(f'<mergeCell ref="{ooxml.column_letters(c)}{plan.header_row}:{ooxml.column_letters(c)}'
                        f'{header_end}"/>' for c in (status_col, last_col))
        count = len(re.findall(r"<mergeCell\b", merges)) + 2
        merges = ooxml.set_attribute(merges.replace("</mergeCells>", added + "</mergeCells>"), "count", str(count))
        ooxml.put_element(parts, "mergeCells", merges)
    if ooxml.get_element(parts, "pageMargins") is None:
        ooxml.put_element(parts, "pageMargins", '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" '
                                                'header="0.3" footer="0.3"/>')
    setup = ooxml.get_element(parts, "pageSetup") or '<pageSetup paperSize="9"/>'
    for key, value in (("orientation", "landscape"), ("fitToWidth", "1"), ("fitToHeight", "0"), ("scale", None)):
        setup = ooxml.set_attribute(setup, key, value)
    ooxml.put_element(parts, "pageSetup", setup)
    return "".join(xml for _, xml in parts) + "</worksheet>"


def _add_sheets(out: zipfile.ZipFile, sheets: list[ooxml.SheetSpec], names: list[str]) -> list[str]:
    parts = []
    number = 1
    for sheet in sheets:
        while f"xl/worksheets/sheet{number}.xml" in names or f"xl/worksheets/sheet{number}.xml" in parts:
            number += 1
        part = f"xl/worksheets/sheet{number}.xml"
        with out.open(_info(part), "w") as member, ooxml.Batched(member) as dst:
            for piece in sheet.xml():
                dst.write(piece.encode("utf-8", "backslashreplace"))
        parts.append(part)
    return parts


def _quote(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _register(workbook_xml: str, rels_xml: str, types_xml: str, sheets: list[ooxml.SheetSpec], parts: list[str],
              existing: dict[str, tuple[str, int]], extents: dict[str, tuple[int, int, int, int]]
              ) -> tuple[str, str, str]:
    """The workbook, its relationships and the content types with the new sheets (the summary first, the
    findings last), print areas and filter ranges extended, macros gone."""
    ids = set(re.findall(r'Id="([^"]*)"', rels_xml))
    rel_ids = []
    for number, part in enumerate(parts, 1):
        rid = f"rIdGbm{number}"
        while rid in ids:
            rid += "x"
        rel_ids.append(rid)
        target = str(PurePosixPath(part).relative_to("xl"))
        rels_xml = rels_xml.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{ooxml.WORKSHEET_REL}" '
                                                        f'Target="{target}"/></Relationships>')
    rels_xml = re.sub(r'<Relationship\b[^>]*vbaProject[^>]*/>', "", rels_xml)
    sheet_ids = [int(x) for x in re.findall(r'<sheet\b[^>]*\ssheetId="(\d+)"', workbook_xml)] or [0]
    entries = [f'<sheet name="{ooxml.text(s.name)}" sheetId="{max(sheet_ids) + n}" r:id="{rid}"/>'
               for n, (s, rid) in enumerate(zip(sheets, rel_ids), 1)]
    if 'xmlns:r="' not in workbook_xml[:workbook_xml.find(">", workbook_xml.find("<workbook"))]:
        workbook_xml = workbook_xml.replace("<workbook ", f'<workbook xmlns:r="{ooxml.REL_NS}" ', 1)
    workbook_xml = re.sub(r"(<sheets\b[^>]*>)", lambda m: m.group(1) + entries[0], workbook_xml, count=1)
    workbook_xml = workbook_xml.replace("</sheets>", "".join(entries[1:]) + "</sheets>", 1)
    # the summary is sheet 0 now: every sheet-local name moves one place; the summary is the active tab
    workbook_xml = re.sub(r'localSheetId="(\d+)"', lambda m: f'localSheetId="{int(m.group(1)) + 1}"', workbook_xml)
    workbook_xml = re.sub(r"<workbookView\b[^>]*?/?>",
                          lambda m: ooxml.set_attribute(ooxml.set_attribute(m.group(0), "activeTab", "0"),
                                                        "firstSheet", None), workbook_xml)
    names = []
    for sheet_name, (header, status_col, last_col, last_row) in extents.items():
        index = existing[sheet_name][1] + 1
        workbook_xml = _extend_names(workbook_xml, index, last_col, last_row)
        if f'name="_xlnm._FilterDatabase" localSheetId="{index}"' not in workbook_xml:
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                         f"{ooxml.text(_quote(sheet_name))}!$A${header}:${ooxml.column_letters(last_col)}${last_row}"
                         "</definedName>")
    findings_index = len(existing) + 1
    findings = sheets[-1]
    names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{findings_index}">'
                 f"{ooxml.text(findings.print_titles())}</definedName>")
    if "<definedNames" in workbook_xml:
        workbook_xml = re.sub(r"<definedNames\s*/>", "<definedNames></definedNames>", workbook_xml)
        workbook_xml = workbook_xml.replace("</definedNames>", "".join(names) + "</definedNames>", 1)
    else:
        after = re.search(r"</sheets>", workbook_xml)
        workbook_xml = workbook_xml[:after.end()] + "<definedNames>" + "".join(names) + "</definedNames>" \
            + workbook_xml[after.end():]
    types_xml = types_xml.replace(ooxml.MACRO_WORKBOOK_TYPE, ooxml.WORKBOOK_TYPE)
    types_xml = re.sub(r'<Override\b[^>]*vbaProject[^>]*/>', "", types_xml)
    types_xml = types_xml.replace("</Types>", "".join(
        f'<Override PartName="/{part}" ContentType="{ooxml.SHEET_TYPE}"/>' for part in parts) + "</Types>")
    return workbook_xml, rels_xml, types_xml


def _extend_names(workbook_xml: str, index: int, last_col: int, last_row: int) -> str:
    """Print area and filter range of sheet ``index``: their first range reaches the result columns."""
    def extend(match: re.Match) -> str:
        tag, value = match.group(1), match.group(2)
        if ooxml.attribute(tag, "localSheetId") != str(index) or \
                ooxml.attribute(tag, "name") not in ("_xlnm.Print_Area", "_xlnm._FilterDatabase"):
            return match.group(0)
        first, _, rest = value.partition(",")

        def corner(ref: re.Match) -> str:
            col, row = ooxml.column_number(ref.group(1)), int(ref.group(2))
            return f"${ooxml.column_letters(max(col, last_col))}${max(row, last_row)}"

        first = re.sub(r"(?<=:)\$?([A-Z]{1,3})\$?(\d+)$", corner, first)
        return f"{tag}{first}{',' + rest if rest else ''}</definedName>"

    return re.sub(r"(<definedName\b[^>]*>)(.*?)</definedName>", extend, workbook_xml, flags=re.DOTALL)


# --- findings workbooks (inputs that cannot be copied) -------------------------------------------------------

def findings_workbook(report: FileReport, summary: FileSummary, run: RunReport, target: Path,
                      options: ReportOptions) -> None:
    """A new workbook: 检查摘要, 检查结果清单 and 清单项目 (every line read)."""
    t = texts(options.lang)
    styles = ooxml.Styles(ooxml.MINIMAL_STYLES)
    palette = Palette(styles)
    sheets = [summary_sheet(report, summary, run, palette, t, options.now or _dt.datetime.now()),
              findings_sheet(report, palette, t), items_sheet(report, palette, t)]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            parts = _add_sheets(out, sheets, [])
            out.writestr(_info("xl/styles.xml"), styles.render())
            out.writestr(_info("_rels/.rels"), '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
            rels = "".join(f'<Relationship Id="rId{n}" Type="{ooxml.WORKSHEET_REL}" Target="worksheets/'
                           f'{PurePosixPath(p).name}"/>' for n, p in enumerate(parts, 1))
            rels += (f'<Relationship Id="rId{len(parts) + 1}" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/styles" Target="styles.xml"/>')
            out.writestr(_info("xl/_rels/workbook.xml.rels"), '<?xml version="1.0" encoding="UTF-8" '
                         'standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'relationships">{rels}</Relationships>')
            entries = "".join(f'<sheet name="{ooxml.text(s.name)}" sheetId="{n}" r:id="rId{n}"/>'
                              for n, s in enumerate(sheets, 1))
            titles = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
                             f"{ooxml.text(s.print_titles())}</definedName>"
                             for n, s in enumerate(sheets) if s.print_titles())
            out.writestr(_info("xl/workbook.xml"), f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         f'<workbook xmlns="{ooxml.MAIN_NS}" xmlns:r="{ooxml.REL_NS}"><bookViews><workbookView '
                         f'activeTab="0"/></bookViews><sheets>{entries}</sheets><definedNames>{titles}</definedNames>'
                         '</workbook>')
            overrides = "".join(f'<Override PartName="/{p}" ContentType="{ooxml.SHEET_TYPE}"/>' for p in parts)
            out.writestr(_info("[Content_Types].xml"), '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                         f'<Override PartName="/xl/workbook.xml" ContentType="{ooxml.WORKBOOK_TYPE}"/>'
                         '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                         f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>')
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# --- the writer ------------------------------------------------------------------------------------------------

def _copyable(report: FileReport) -> bool:
    if report.read.format not in COPYABLE:
        return False
    try:  # the sniffed format says xlsx; the rewrite also needs the workbook part where it expects it
        with zipfile.ZipFile(report.read.path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def is_folder(output: str) -> bool:
    out = Path(output)
    return out.is_dir() or output.endswith(("/", os.sep)) or not out.suffix


def check_output(output: str, inputs: int) -> None:
    """-o for workbooks: a .xlsx file for one input, a folder for several (raises ReportOutputError)."""
    if is_folder(output):
        return
    if inputs > 1:
        raise ReportOutputError(f"{inputs} files are checked: give --format xlsx a folder (-o {Path(output).stem}/)")
    if Path(output).suffix.lower() != ".xlsx":
        raise ReportOutputError("--format xlsx writes .xlsx files: give -o a name ending in .xlsx or a folder")


class Writer(BaseWriter):
    """Writes each file's workbook as soon as the file is checked; returns the paths written."""

    def __init__(self, output: str, options: ReportOptions = ReportOptions()):
        super().__init__(None, options)  # type: ignore[arg-type]
        self.output = output
        self.folder = is_folder(output)
        self.written: list[str] = []
        self.taken: set[str] = set()
        self.run: RunReport | None = None

    def begin(self, run: RunReport) -> None:
        self.run = run

    def _target(self, report: FileReport, copy: bool) -> Path:
        out = Path(self.output)
        if not self.folder:
            if self.written:
                raise ReportOutputError("several files were checked: give --format xlsx a folder "
                                        f"(-o {out.stem}/)")
            check_output(self.output, 1)
            target = out
        else:
            stem, kind = Path(report.read.path).stem, "checked" if copy else "findings"
            name, number = f"{stem}.{kind}.xlsx", 2
            while name in self.taken:
                name = f"{stem}-{number}.{kind}.xlsx"
                number += 1
            self.taken.add(name)
            target = out / name
        if target.resolve() == Path(report.read.path).resolve():
            raise ReportOutputError(f"refusing to write the annotated workbook over its input: {target}")
        return target

    def add(self, report: FileReport, summary: FileSummary) -> None:
        if not report.read.ok:
            return
        copy = _copyable(report)
        target = self._target(report, copy)
        if copy:
            try:
                annotate_copy(report, summary, self.run, target, self.options)
                self.written.append(str(target))
                return
            except (ValueError, KeyError, IndexError, AttributeError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
                fallback = target.with_name(target.name.replace(".checked.", ".findings."))
                self.run.warnings.append(f"{report.read.path}: cannot copy the workbook ({type(exc).__name__}: "
                                         f"{str(exc)[:120]}); wrote a findings workbook instead")
                target = fallback
        findings_workbook(report, summary, self.run, target, self.options)
        self.written.append(str(target))

    def end(self, run: RunReport) -> list[str]:
        return list(self.written)

    def abort(self) -> None:
        pass


def render(run: RunReport, output: str, **options) -> list[str]:
    """Write the annotated copies / findings workbooks of a whole run; return the paths written."""
    check_output(output, sum(s.ok for s in run.file_summaries()))
    writer = Writer(output, ReportOptions(**options))
    writer.begin(run)
    for report, summary in zip(run.files, run.file_summaries()):
        writer.add(report, summary)
    return writer.end(run)
