"""The reports as their readers get them: Chinese text, a workbook that prints its results, an HTML audit file,
and writers whose memory does not grow with the run."""
import json
import re
import shutil
import subprocess
import tracemalloc

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from checker.cli import main
from checker.engine import FileReport, RunReport
from checker.model import CheckedItem, FileRead, Finding, LineItem, Provenance, TableInfo
from checker.report import ooxml, renderer, writer
from checker.report.i18n import _tables, localize, message_id
from checker.report.stream import ReportOptions, Sink

from .cdp import Browser, find_chromium
from .conftest import REPORT_BILL, make_run, shared_path, write_bill

# words of the text report's own framework in English: none may appear in a Chinese report
ENGLISH_FRAMEWORK = re.compile(r"\b(ERROR|WARN|NOT CHECKED|needs manual check|could not decide|gap:|profile:|source:|"
                               r"certification:|catalogs:|warning:|file\(s\)|items|banned|restricted|promoted|verdict|"
                               r"waived|approved by|not checked|line\(s\)|more flagged)\b")
GD_SCHOOL = "real-bills/gd_school_zonghelou_settlement_audit.xlsx"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def bill(tmp_path):
    return write_bill(tmp_path / "bill.xlsx", REPORT_BILL)


# --- Chinese first --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["dev-corpus", "real-bills", "hostile"])
def test_text_report_of_every_shared_bill_has_no_english_framework(folder):
    path = shared_path(folder)
    if path is None:
        pytest.skip("../shared is not here")
    text = invoke("check", path).stdout
    assert "结论：" in text
    english = sorted({m.group(0) for m in ENGLISH_FRAMEWORK.finditer(text)})
    assert not english, english


def test_text_report_lists_every_flagged_line_by_sheet_banned_first(bill):
    text = invoke("check", bill).stdout
    assert "工作表「表-08」" in text
    lines = [line.split()[0] for line in text.splitlines() if line.startswith("    ") and not line.startswith("     ")]
    assert lines == ["禁用", "禁用", "限制"]  # every flagged line; banned first
    assert "[14:19]" not in text  # never character offsets
    assert "项目特征 第1条「砖品种」: 实心粘土砖" in text  # the clause, its attribute and the words
    assert text.splitlines()[-2].startswith("结论：不通过（未载入山东省目录；")
    limited = invoke("check", bill, "--max-lines", "1").stdout
    assert "另有 2 行被标记" in limited


def test_full_sheet_names_in_the_text_report():
    path = shared_path(GD_SCHOOL)
    if path is None:
        pytest.skip("../shared is not here")
    text = invoke("check", path).stdout
    assert "工作表「表-08 分部分项工程和单价措施项目清单-综合楼」" in text
    assert "工作表「表-08 分部分项工程和单价措施项目清单-教学楼」" in text


def test_decisive_findings_show_the_concurring_rules(bill):
    run = make_run([bill])
    text = renderer("text")(run)
    assert "NPOL-01 实心粘土砖（禁实） — 项目特征 第1条「砖品种」: 实心粘土砖" in text and "另见：N659-03、NPOL-02" in text
    assert "\n         N659-03" not in text  # a concurring finding is named, not shown again
    assert "另见：N659-03、NPOL-02" in renderer("html")(run)
    findings = json.loads(renderer("json")(run))["items"][1]["findings"]
    assert [f["decisive"] for f in findings if f["rule"] in ("NPOL-01", "N659-03")] == [True, False]  # JSON keeps all


def test_every_message_template_is_recognised_and_translated():
    _, messages = _tables()
    for message in messages:
        sample = re.sub(r"\{(\w+)(:number)?\}", lambda slot: "1" if slot.group(2) else "X", message.en)
        assert message_id(sample) is not None
        assert localize(sample) != sample or message.en == message.zh, message.id


def test_unreadable_files_are_explained_in_chinese():
    folder = shared_path("hostile")
    if folder is None:
        pytest.skip("../shared is not here")
    report = json.loads(invoke("check", folder, "-f", "json").stdout)
    reasons = [f["error"] for f in report["files"] if f["error"]]
    assert reasons
    for reason in reasons:
        assert message_id(reason), reason  # a message of the table, shown in Chinese
        assert localize(reason) != reason and re.search("[\u4e00-\u9fff]", localize(reason)), reason


# --- JSON @2 ---------------------------------------------------------------------------------------------------

def test_json_lists_each_rule_once_and_findings_refer_to_it(bill):
    report = json.loads(invoke("check", bill, "-f", "json").stdout)
    assert report["schema"] == "gbm-check/report@2"
    assert list(report).index("rules") < list(report).index("items")
    finding = report["items"][1]["findings"][0]
    assert not {"entry", "source", "scope", "replacement"} & set(finding)
    rule = report["rules"][finding["rule"]]
    assert rule["entry"] == "实心粘土砖（禁实）" and "国办发〔2005〕33号" in rule["source"] and rule["list"] == "banned"
    assert report["files"][0]["verdict"] == "fail" and report["verdict"]["limits"][0] == "未载入山东省目录"


# --- the annotated workbook -------------------------------------------------------------------------------------

def test_annotated_workbook_prints_its_results(bill, tmp_path):
    out = tmp_path / "out"
    result = invoke("check", bill, "-f", "xlsx", "-o", out)
    assert f"已写入 {out / 'bill.checked.xlsx'}" in result.stderr  # the user is told where it went
    book = load_workbook(out / "bill.checked.xlsx")
    assert book.sheetnames == ["检查摘要", "表-08", "检查结果清单"]
    sheet = book["表-08"]
    assert sheet.cell(1, 9).value == "检查结果" and sheet.cell(1, 10).value == "规则（gbm-check）"
    assert sheet.auto_filter.ref == "A1:J7" and sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    summary = book["检查摘要"]
    values = [c.value for row in summary.iter_rows() for c in row if c.value is not None]
    for wanted in ("结论", "审核人", "复核人", "日期", "意见", "已知缺口", "使用的目录"):
        assert wanted in values
    assert any(str(v).startswith("不通过（未载入山东省目录") for v in values)
    findings = book["检查结果清单"]
    assert findings.page_setup.orientation == "landscape" and findings.freeze_panes == "A2"
    assert findings.print_title_rows in ("1:1", "$1:$1") and findings.auto_filter.ref.startswith("A1:W")


def _visible_columns(sheet):
    """(letter, width) of the sheet's columns that print (openpyxl merges equal <col> runs: each one counts)."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    found = []
    for letter, dimension in sheet.column_dimensions.items():
        first, last = column_index_from_string(letter), dimension.max or column_index_from_string(letter)
        if not dimension.hidden and first <= sheet.max_column:
            found += [(get_column_letter(c), dimension.width) for c in range(first, min(last, sheet.max_column) + 1)]
    return found


def test_findings_list_prints_legibly_on_a3_landscape(bill, tmp_path):
    out = tmp_path / "out.xlsx"
    invoke("check", bill, "-f", "xlsx", "-o", out)
    findings = load_workbook(out)["检查结果清单"]
    setup = findings.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (8, "landscape", 1, 0)
    assert findings.sheet_properties.pageSetUpPr.fitToPage
    assert findings.print_title_rows in ("1:1", "$1:$1") and findings.freeze_panes == "A2"
    # fitted to the width, the print stays at MIN_SCALE or larger
    printed = sum(ooxml.column_points(width) for _, width in _visible_columns(findings))
    assert printed * ooxml.MIN_SCALE <= 1191 - 72
    # columns no finding fills (页: a workbook has no pages; the waiver columns) do not print; the fingerprint neither
    hidden = {letter for letter, d in findings.column_dimensions.items() if d.hidden}
    assert {"D", "P", "Q", "R", "S", "W"} <= hidden and not {"A", "F", "G", "H"} & hidden
    # long text wraps, and its row is as tall as the wrapped lines
    for row in findings.iter_rows(min_row=2):
        assert all(cell.alignment.wrap_text for cell in row if cell.value)
    features = next(r for r in range(2, findings.max_row + 1) if "\n" in (findings.cell(r, 7).value or ""))
    lines = findings.cell(features, 7).value.count("\n") + 1
    assert findings.row_dimensions[features].height >= ooxml.LINE_HEIGHT * lines
    assert findings.column_dimensions["G"].width >= 24  # 项目特征: a readable line


def test_an_empty_findings_list_prints_its_header_on_one_page(tmp_path):
    clean = write_bill(tmp_path / "clean.xlsx", REPORT_BILL[:2])
    invoke("check", clean, "-f", "xlsx", "-o", tmp_path / "clean.checked.xlsx")
    findings = load_workbook(tmp_path / "clean.checked.xlsx")["检查结果清单"]
    assert findings.max_row == 1 and findings.page_setup.fitToWidth == 1
    shown = {letter for letter, _ in _visible_columns(findings)}
    assert shown == set("ABCDEFGH")  # status … rule


def test_a_sheet_too_wide_to_fit_legibly_prints_pages_across_with_its_first_columns():
    wide = ooxml.SheetSpec(name="清单", rows=[[(f"列{c}", 0) for c in range(30)]], widths=dict.fromkeys(range(1, 31), 30),
                           freeze_rows=1, title_columns=3)
    assert wide.page_fit == ooxml.PageFit(paper=8, fit=False, one_page=False)
    xml = "".join(wide.xml())
    assert '<pageSetUpPr fitToPage="0"/>' in xml and 'paperSize="8"' in xml and 'scale="70"' in xml
    assert "fitToWidth" not in xml
    assert wide.print_titles() == "'清单'!$A:$C,'清单'!$1:$1"  # the first columns on every page across
    narrow = ooxml.SheetSpec(name="清单", rows=[[("状态", 0)] * 8], widths=dict.fromkeys(range(1, 9), 12), freeze_rows=1,
                             title_columns=3)
    assert narrow.page_fit == ooxml.PageFit(paper=9, fit=True, one_page=False)  # A4 is enough
    assert narrow.print_titles() == "'清单'!$1:$1"


def test_wrapped_rows_get_the_height_their_text_needs_merged_cells_their_merged_width():
    long = "甲" * 40  # 80 half-width characters
    spec = ooxml.SheetSpec(name="s", rows=[[(long, 0), ("", 0)], [(long, 0), ("", 0)], [("短", 0)]],
                           widths={1: 20, 2: 60}, merges=["A2:B2"], heights={3: 40}, wrap=True)
    heights = spec.row_heights
    alone, merged = ooxml.wrapped_lines(long, ooxml.line_room(20)), ooxml.wrapped_lines(long, ooxml.line_room(80))
    assert alone >= 4 and merged == 1
    assert heights[1] == ooxml.LINE_HEIGHT * alone + 2 and 2 not in heights  # one line in the merged width
    assert heights[3] == 40  # a height given stays (it is at least what the text needs)
    assert ooxml.wrapped_lines("一\n二\n三", 40) == 3


def test_summary_catalog_cells_wrap_and_their_rows_hold_them(bill, tmp_path):
    out = tmp_path / "out.xlsx"
    invoke("check", bill, "-f", "xlsx", "-o", out)
    summary = load_workbook(out)["检查摘要"]
    header = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "使用的目录")
    assert summary.cell(header, 3).value == "发布依据" and summary.column_dimensions["C"].width >= 40
    room = ooxml.line_room(summary.column_dimensions["C"].width)
    row = header + 1
    while summary.cell(row, 1).value:
        for column in (1, 2, 3):
            cell = summary.cell(row, column)
            assert cell.alignment.wrap_text
            width = ooxml.line_room(summary.column_dimensions[cell.column_letter].width)
            assert (summary.row_dimensions[row].height or ooxml.ROW_HEIGHT) >= \
                ooxml.LINE_HEIGHT * ooxml.wrapped_lines(cell.value, width if column != 3 else room)
        row += 1
    assert row > header + 2  # the catalogs were listed
    # when the summary takes more than a page, the sign-off block starts a page of its own
    signoff = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "审核意见与签字")
    if summary.page_setup.fitToHeight == 0:
        assert [b.id for b in summary.row_breaks.brk] == [signoff - 1]
    else:
        assert not summary.row_breaks.brk


def test_results_go_right_after_the_table_past_notes_in_its_rows_never_over_them(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "表-08"
    sheet["A1"] = "某某工程分部分项工程量清单"
    sheet["Z1"] = "打印说明"  # stray cells above the header and below the table do not move the results
    for r, row in enumerate(REPORT_BILL, 2):
        for c, value in enumerate(row, 1):
            sheet.cell(r, c, value).data_type = "s" if isinstance(value, str) else sheet.cell(r, c).data_type
    sheet["AD20"] = "审核备注"
    path = tmp_path / "stray.xlsx"
    workbook.save(path)
    invoke("check", path, "-f", "xlsx", "-o", tmp_path / "stray.checked.xlsx")
    copy = load_workbook(tmp_path / "stray.checked.xlsx")["表-08"]
    assert copy.cell(2, 9).value == "检查结果" and copy.cell(2, 10).value == "规则（gbm-check）"  # I, J: beside H
    assert copy["Z1"].value == "打印说明" and copy["AD20"].value == "审核备注"

    sheet["K4"] = "复核：加一道"  # a note in a bill line's row: the results go past it, the note stays
    workbook.save(path)
    invoke("check", path, "-f", "xlsx", "-o", tmp_path / "note.checked.xlsx")
    copy = load_workbook(tmp_path / "note.checked.xlsx")["表-08"]
    assert copy["K4"].value == "复核：加一道"
    assert copy.cell(2, 12).value == "检查结果" and copy.cell(4, 12).value == "禁用"


@pytest.fixture
def gd_school_copy(tmp_path):
    """The real gd_school settlement bill and its annotated copy (skipped without ../shared)."""
    path = shared_path(GD_SCHOOL)
    if path is None:
        pytest.skip("../shared is not here")
    out = tmp_path / "gd.xlsx"
    invoke("check", path, "-f", "xlsx", "-o", out)
    return path, out


def test_gd_school_results_inside_print_area_and_filter(gd_school_copy):
    path, out = gd_school_copy
    book = load_workbook(out)
    first = book["表-08 分部分项工程和单价措施项目清单-综合楼"]
    assert first.cell(3, 36).value == "检查结果"  # after every column the auditors wrote notes in (AA…AI)
    assert first.print_area == "'表-08 分部分项工程和单价措施项目清单-综合楼'!$A$1:$AK$263"  # was $A$1:$Z$263
    assert first.auto_filter.ref == "A5:AK263"  # was A5:AD263
    assert first.freeze_panes == "A6"
    second = book["表-08 分部分项工程和单价措施项目清单-教学楼"]
    header = next(c for c in range(1, 40) if second.cell(3, c).value == "检查结果")
    assert second.auto_filter.ref.startswith("A5:") and second.freeze_panes == "A6"
    assert second.cell(58, header).value == "限制（需人工复核）" and "N24-10" in second.cell(58, header + 1).value
    # values, formulas and cached results of the original stay as they were
    original = load_workbook(path, data_only=False)["表-08 分部分项工程和单价措施项目清单-综合楼"]
    for row in (7, 17, 100):
        for column in range(1, 27):
            assert first.cell(row, column).value == original.cell(row, column).value


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler is not installed")
def test_printed_gd_school_shows_results_beside_their_rows(gd_school_copy, tmp_path):
    _, out = gd_school_copy
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "gd.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "绿色建材检查摘要" in text and "审核人" in text
    # a restricted line and its result on one printed line: the result is beside its row
    beside = [line for line in text.splitlines() if "010516003001" in line and "限制" in line]
    assert beside, "no printed line holds both the item and its result"


# --- HTML ---------------------------------------------------------------------------------------------------------

def test_folder_report_has_a_verdict_per_file_and_no_item_table_unless_asked(bill, tmp_path):
    clean = write_bill(tmp_path / "clean.xlsx", REPORT_BILL[:2])
    html = invoke("check", bill, clean, "-f", "html").stdout
    verdicts = re.findall(r'<td class="file-verdict"><span class="badge s-v-(\w+)">', html)
    assert verdicts == ["fail", "pass"]
    assert 'id="no-item-table"' in html and 'id="item-data"' not in html
    assert html.count('<article class="flag') == 3  # flagged lines always
    full = invoke("check", bill, clean, "-f", "html", "--item-table").stdout
    assert 'id="item-data"' in full
    assert 'id="signoff"' in html and "审核人" in html and "复核人" in html and "意见" in html
    assert 'id="verdict-limits"' in html and "未载入山东省目录" in html


CHROMIUM = find_chromium()


@pytest.mark.skipif(CHROMIUM is None or shutil.which("pdftotext") is None,
                    reason="chromium or poppler is not installed")
def test_html_prints_with_page_numbers_running_header_and_every_row(bill, tmp_path):
    html = tmp_path / "r.html"
    html.write_text(renderer("html")(make_run([bill])), encoding="utf-8")
    with Browser(CHROMIUM, width=1280, height=1000, timeout=60) as browser:
        browser.open(html.as_uri())
        browser.send("Emulation.setEmulatedMedia", {"media": "print"})
        browser.send("Emulation.setDeviceMetricsOverride", {"width": 718, "height": 1000, "deviceScaleFactor": 1,
                                                            "mobile": False})
        overflow = browser.evaluate("""Array.from(document.querySelectorAll('#item-table .badge')).filter(function (b) {
            return b.getBoundingClientRect().right > b.closest('td').getBoundingClientRect().right + 0.5; }).length""")
        assert overflow == 0  # the 无发现 badge fits its column on A4
        browser.send("Emulation.setEmulatedMedia", {"media": ""})
        browser.print_pdf(str(tmp_path / "r.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"共 (\d+) 页", text).group(1))
    for page in range(1, pages + 1):
        assert f"第 {page} 页，共 {pages} 页" in text
    assert text.count("绿色建材检查报告") >= pages  # the running header on every page
    assert "010404001001" in text  # the last item row, drawn for print
    assert "审核意见与签字" in text


# --- streaming: memory does not grow with the run ----------------------------------------------------------------

def _reports(count: int, lines: int = 40):
    finding = Finding(rule="NPOL-01", kind="banned", severity="error", entry="实心粘土砖（禁实）", source="国办发",
                      evidence="项目特征[0:5]「实心粘土砖」", matched="实心粘土砖", field="features", start=0)
    for number in range(count):
        path = f"bills/bill{number}.xlsx"
        items = tuple(CheckedItem(item=LineItem(provenance=Provenance(path, "表-08", row, row), table="boq",
                                                code=f"0104010030{row:02d}", name="实心砖墙", features="实心粘土砖 MU10",
                                                amount=100.0),
                                  findings=(finding,) if row % 5 == 0 else (), green_categories=("砌体材料",))
                      for row in range(2, lines + 2))
        read = FileRead(path=path, format="xlsx", sha256="0" * 64, items=items,
                        tables=(TableInfo("表-08", "boq", 1, (("code", 1),), lines),))
        yield FileReport(read=read, items=items, seconds=0.01)


@pytest.mark.parametrize("fmt", ["json", "html", "text", "sarif", "junit"])
def test_writers_memory_stays_flat_whatever_the_run_size(fmt, tmp_path):
    def peak(count: int) -> int:
        run = RunReport()
        out = tmp_path / f"r{count}.{fmt}"
        report_writer = writer(fmt)(Sink(str(out)), ReportOptions(item_table=False))
        tracemalloc.start()
        report_writer.begin(run)
        for report in _reports(count):
            report_writer.add(report, run.add(report))
        report_writer.end(run)
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert out.stat().st_size > 0 and not run.files
        return size

    # tracemalloc also counts what other threads of the test process allocate meanwhile (a Dask or server test
    # may leave some running): the smaller of two measurements is the writer's own
    small, large = min(peak(100), peak(100)), min(peak(1000), peak(1000))
    per_file = (large - small) / 900  # a file brings 40 lines (≈ 40 kB of lines and findings)
    # only its summary stays (≈ 1 KB of a file's 40 kB of lines; the HTML also keeps the file's row of its files
    # table with the reading line, ≈ 3 KB): memory does not grow with a file's lines
    assert per_file < 4000, (small, large)
