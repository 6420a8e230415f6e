"""One fixture run rendered through every format: what each format must hold, and bill text kept inert."""
import hashlib
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
from click.testing import CliRunner
from markupsafe import escape
from openpyxl import load_workbook

from checker.cli import main
from checker.gate.fingerprint import fingerprint, item_fingerprint
from checker.report import FILE_FORMATS, FORMATS, renderer
from checker.report.html_report import highlight
from checker.report.sarif_report import FINGERPRINT_KEY

from .conftest import REPORT_BILL, make_run, shared_path, write_bill

HOSTILE_NAME = REPORT_BILL[5][2]
FORMULA_NAME = REPORT_BILL[6][2]


@pytest.fixture
def run(report_bill):
    return make_run([report_bill])


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - FILE_FORMATS))
def test_every_format_renders_the_fixture_run(run, fmt):
    text = renderer(fmt)(run)
    assert text.strip()
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "junit":
        ET.fromstring(text.encode("utf-8"))
    assert "010401003001" in text  # the banned line is in every report


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_items_prepared_ahead_are_the_items_encoded_at_the_end(run, fmt):
    """Lines encoded while they are judged (``prepare``, called by the runner) give the same report, byte for
    byte, as lines encoded when the report comes; lines of another tuple (a file that failed) are not used."""
    import dataclasses
    import datetime
    import io

    from checker.report import writer as writer_of
    from checker.report.stream import ReportOptions, Sink

    def render(prepare):
        buffer = io.BytesIO()
        writer = writer_of(fmt)(Sink(stream=buffer), ReportOptions(now=datetime.datetime(2026, 12, 1, 9, 30)))
        writer.begin(run)
        for report, summary in zip(run.files, run.file_summaries()):
            prepare(writer, report)
            writer.add(report, summary)
        writer.end(run)
        return buffer.getvalue()

    plain = render(lambda writer, report: None)
    assert render(lambda writer, report: writer.prepare(report.read.items)) == plain
    stale = tuple(dataclasses.replace(item, name="ZZ-STALE-LINE") for item in run.files[0].read.items)
    assert render(lambda writer, report: writer.prepare(stale)) == plain
    assert b"ZZ-STALE-LINE" not in plain


def test_json_items_carry_the_re_measured_quantity_on_every_path(tmp_path, report_bill):
    """``rechecked_quantity`` (a 复核工程量 column) is in each item, null where the bill has no such column; the
    runner's path (one file: lines sent by the worker and encoded ahead) gives the same items as the run in
    process."""
    remeasured = write_bill(tmp_path / "remeasured.xlsx", [
        ["序号", "项目编码", "项目名称", "计量单位", "工程量", "综合单价", "合价", "复核工程量"],
        [1, "011302001001", "轻钢龙骨吊顶", "m2", 140.5, 100, 14050, 138.25],
        [2, "011102003001", "块料楼地面", "m2", 60, 120, 7200, None]])

    def items(path):
        result = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--jobs", "1", "--quiet"])
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)["items"]

    through_runner = items(remeasured)
    assert [(i["quantity"], i["rechecked_quantity"]) for i in through_runner] == [(140.5, 138.25), (60, None)]
    in_process = json.loads(renderer("json")(make_run([remeasured])))["items"]
    assert [{**i, "file": None} for i in through_runner] == [{**i, "file": None} for i in in_process]
    assert {i["rechecked_quantity"] for i in items(report_bill)} == {None}


def test_json_findings_carry_fingerprint_waiver_and_baseline_fields(run):
    report = json.loads(renderer("json")(run))
    finding = report["items"][1]["findings"][0]
    assert {"fingerprint", "waived", "waiver", "baseline"} <= set(finding)
    assert re.fullmatch(r"[0-9a-f]{64}", finding["fingerprint"])
    assert finding["waived"] is False and finding["waiver"] is None and finding["baseline"] is None
    assert report["verdict"] == {"result": "fail", "text": "不通过", "limits": ["未载入山东省目录", "1 项需人工复核"]}
    assert report["expired_waivers"] == [] and report["gate"]["fail_on"] == "banned"
    assert report["summary"]["failing_findings"] == 3  # NPOL-01, NPOL-05, SD-LC-01


# --- fingerprints -----------------------------------------------------------------------------------------

def test_fingerprints_survive_inserted_rows(tmp_path):
    before = make_run([write_bill(tmp_path / "bill.xlsx", REPORT_BILL)])
    moved = tmp_path / "moved"
    moved.mkdir()
    rows = REPORT_BILL[:2] + [[9, "010101002001", "挖一般土方", "1.土壤类别：三类土", "m3", 50, 20, 1000]] + REPORT_BILL[2:]
    after = make_run([write_bill(moved / "bill.xlsx", rows, above=3)])

    def prints(run):
        return {(c.item.code, f.rule): (item_fingerprint(c.item, f.rule), c.item.provenance.first_row)
                for c in run.files[0].items for f in c.findings}

    old, new = prints(before), prints(after)
    assert set(old) <= set(new)
    for key, (fp, row) in old.items():
        assert new[key][0] == fp and new[key][1] != row  # same fingerprint, other row


def test_fingerprint_uses_code_else_normalised_text_and_base_name():
    a = fingerprint("a/b/bill.xlsx", "010401003001", "实心砖墙", "x", "NPOL-01")
    assert a == fingerprint("c\\bill.xlsx", "010401003001", "other text", "y", "NPOL-01")
    assert a != fingerprint("bill.xlsx", "010401003001", "实心砖墙", "x", "NPOL-02")
    assert a != fingerprint("bill2.xlsx", "010401003001", "实心砖墙", "x", "NPOL-01")
    # no code: the text, normalised (full width, 黏/粘, spaces) identifies the line
    assert fingerprint("m.xlsx", "", "实心粘土砖", "MU10 240×115", "NPOL-01") == \
        fingerprint("m.xlsx", "", "实心黏土砖 ", "ＭＵ10  240×115", "NPOL-01")


# --- HTML -------------------------------------------------------------------------------------------------

def test_html_escapes_markup_from_the_bill(run):
    html = renderer("html")(run)
    assert "<script>alert" not in html and "<img src=x" not in html and "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;构造柱" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert html.count("<script>") == 1  # ours, allowed by hash in the CSP (the item rows are a JSON data block)
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split(
        "script-src")[1]


def test_html_is_self_contained(run):
    html = renderer("html")(run)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html
    assert "<svg" in html and 'lang="zh-CN"' in html and "@page { size: A4" in html


def test_html_header_verdict_catalogs_gaps_and_totals(run):
    html = renderer("html")(run)
    assert 'id="verdict">不通过<' in html
    for catalog in run.catalogs.catalogs:
        assert str(escape(catalog.edition)) in html
    assert "未载入山东省级目录" in html and "no provincial Shandong catalogue loaded" not in html
    assert str(run.files[0].read.path) in html


def test_html_lists_banned_lines_first_with_highlight_source_scope_and_replacement(run):
    html = renderer("html")(run)
    flagged = html[html.index('id="flagged"'):html.index('id="coverage"')]
    articles = re.findall(r'<article class="flag f-(\w+)', flagged)
    assert articles == ["banned", "banned", "restricted"]
    assert '<mark class="hl-banned" title="NPOL-01 实心粘土砖（禁实）">实心粘土砖</mark>' in flagged
    assert '<mark class="hl-banned" title="NPOL-05 城市城区现场搅拌混凝土">现场搅拌混凝土</mark>' in flagged
    assert "国办发〔2005〕33号" in flagged  # NPOL-01's source
    assert "截至2010年底" in flagged and "新型墙体材料" in flagged  # scope and replacement


def test_highlight_escapes_before_wrapping():
    marked = highlight("<b>实心粘土砖</b>&", [(3, 8, "hl-banned", 'NPOL-01 "x"')])
    assert str(marked) == ('&lt;b&gt;<mark class="hl-banned" title="NPOL-01 &#34;x&#34;">实心粘土砖</mark>'
                           "&lt;/b&gt;&amp;")
    assert str(highlight("<i>", [])) == "&lt;i&gt;"


def test_html_quantities_as_a_bill_prints_them():
    """At most four decimals, no trailing zeros, never an exponent: formula float noise and big quantities."""
    from checker.report.html_report import quantity

    assert [quantity(q) for q in (14947.0081095943, 1234567.0, 2000.0, 0.5, -0.00001, 12.30, None)] == \
        ["14947.0081", "1234567", "2000", "0.5", "0", "12.3", "—"]


def test_html_item_table_has_filter_data_for_every_line(run):
    html = renderer("html")(run)
    data = re.search(r'<script type="application/json" id="item-data">(.*?)</script>', html, re.DOTALL).group(1)
    rows = json.loads(data)  # [n, file, where, code, name, features, unit, quantity, amount, status, flags, cats …]
    assert len(rows) == len(run.files[0].items) == 6
    assert rows[0][9] == "clean" and rows[1][9] == "banned" and "flagged" in rows[1][10]
    assert rows[2][11] == "砌体材料"
    assert 'id="f-status"' in html and 'id="f-category"' in html and 'id="f-file"' in html


def test_html_green_coverage_by_amount_and_line(run):
    html = renderer("html")(run)
    coverage = html[html.index('id="coverage"'):html.index('id="items"')]
    # 砌体材料: 1 of 6 lines, 2,000 of 11,600 yuan; 预拌砂浆 on the brick wall: 5,000
    assert re.search(r"<td>砌体材料</td><td class=\"num\">1</td><td class=\"num\">16.7%</td>"
                     r"<td class=\"num\">2,000.00</td><td class=\"num\">17.2%</td>", coverage)
    assert "预拌砂浆" in coverage


# --- what every report says ----------------------------------------------------------------------------

def _report_text(run, fmt, tmp_path):
    """A report as text to search: JSON and SARIF decoded, a workbook's cells (every sheet) joined."""
    if fmt == "xlsx":
        written = renderer("xlsx")(run, str(tmp_path / "books"))
        return "\n".join(str(value) for path in written for sheet in load_workbook(path)
                         for row in sheet.iter_rows(values_only=True) for value in row if value is not None)
    text = renderer(fmt)(run)
    return json.dumps(json.loads(text), ensure_ascii=False) if fmt in ("json", "sarif") else text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_report_states_each_key_catalog_gap_in_full(run, fmt, tmp_path):
    """The missing provincial Shandong list and the 2024 restriction conditions (the catalogs' key gaps) are
    said in full in every format, not only counted."""
    from checker.report.i18n import texts

    key = run.catalogs.key_gaps
    assert any("山东" in g for g in key) and any("2024" in g for g in key)
    text = _report_text(run, fmt, tmp_path)
    for gap in key:
        assert texts("zh").msg(gap) in text or gap in text, (fmt, gap)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_report_states_a_files_warnings_and_marks_ocr_lines(run, fmt, tmp_path):
    """A file's warnings (pages read by OCR to verify against the paper …) reach every format; SARIF marks a
    flagged line read by OCR."""
    import dataclasses

    report = run.files[0]
    note = "第 1 页经文字识别读出（测试）"
    items = tuple(dataclasses.replace(c, item=dataclasses.replace(c.item, ocr_confidence=0.91)) for c in report.items)
    run.files[0] = dataclasses.replace(report, read=dataclasses.replace(report.read, warnings=(note,), ocr_pages=1),
                                       items=items)
    assert note in _report_text(run, fmt, tmp_path)
    if fmt == "sarif":
        results = json.loads(renderer(fmt)(run))["runs"][0]["results"]
        assert results and all(r["properties"]["ocr"] and "文字识别" in r["message"]["text"] for r in results)


def test_a_product_offered_as_one_option_is_said_so_in_every_report_and_counted_per_rule(tmp_path):
    """A banned product the bill offers beside another (商品/现场搅拌) is marked as an option wherever its
    finding is shown; the undecided-rules list says on how many of a rule's lines, not of the whole rule."""
    rows = [REPORT_BILL[0],
            [1, "010502002001", "构造柱", "1.混凝土种类：预拌混凝土/现场搅拌混凝土\n2.强度等级：C25", "m3", 3, 600, 1800],
            [2, "010503002001", "矩形梁", "1.混凝土种类：现场搅拌混凝土\n2.强度等级：C30", "m3", 4, 600, 2400]]
    run = make_run([write_bill(tmp_path / "options.xlsx", rows)])
    option = "可选方案之一"
    for fmt in sorted(set(FORMATS) - FILE_FORMATS):
        text = renderer(fmt)(run)
        if fmt == "json":  # the contract's field
            assert any(f["alternative"] for item in json.loads(text)["items"] for f in item["findings"])
            continue
        if fmt == "sarif":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        assert option in text, fmt
    undecided = {row["rule"]: row for row in run.undecided()}
    split = [row for row in undecided.values() if row["lines"] == 2]
    assert split and all(row["option_lines"] == 1 and option not in row["reason"] for row in split)
    assert "其中 1 行" in renderer("text")(run)


# --- SARIF and JUnit --------------------------------------------------------------------------------------

def test_sarif_locations_fingerprints_and_levels(run):
    sarif = json.loads(renderer("sarif")(run))
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning"}  # promoted lines are no problems
    brick = next(r for r in results if r["ruleId"] == "NPOL-01")
    location = brick["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("bill.xlsx")
    assert location["physicalLocation"]["region"]["startLine"] == 3
    assert location["logicalLocations"][0] == {"name": "表-08", "fullyQualifiedName": f"{run.files[0].read.path}!表-08",
                                               "kind": "sheet"}
    assert brick["partialFingerprints"][FINGERPRINT_KEY] == item_fingerprint(run.files[0].items[1].item, "NPOL-01")
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[brick["ruleIndex"]]["id"] == "NPOL-01"


def test_sarif_validates_against_the_2_1_0_schema(run):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("reference", "formats", "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(renderer("sarif")(run)), schema)


def test_junit_one_suite_per_file_failures_at_fail_level(run, tmp_path):
    root = ET.fromstring(renderer("junit")(run).encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    assert len(cases) == 3  # the flagged lines
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == 2 and suites[0].get("failures") == "2"
    assert "NPOL-01" in failed[0].find("failure").get("message")
    run.fail_on = "restricted"
    root = ET.fromstring(renderer("junit")(run).encode("utf-8"))
    assert root.get("failures") == "3"


# --- workbooks --------------------------------------------------------------------------------------------

def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_annotated_copy(run, report_bill, tmp_path):
    original = _sha(report_bill)
    out = tmp_path / "out" / "annotated.xlsx"
    assert renderer("xlsx")(run, str(out)) == [str(out)]
    assert _sha(report_bill) == original  # never the original
    book = load_workbook(out)
    sheet = book["表-08"]
    assert sheet.cell(1, 9).value == "检查结果"
    assert sheet.cell(3, 9).value == "禁用" and "NPOL-01" in sheet.cell(3, 10).value
    assert sheet.cell(3, 1).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(5, 9).value.startswith("限制") and sheet.cell(5, 1).fill.fgColor.rgb.endswith("FFEB9C")
    assert sheet.cell(2, 9).value == "—" and sheet.cell(2, 1).fill.fill_type is None
    findings = book["检查结果清单"]
    assert findings.cell(1, 1).value == "状态" and findings.cell(1, 23).value == "指纹"
    assert findings.column_dimensions["W"].hidden  # fingerprints last, hidden
    rules = [findings.cell(r, 8).value for r in range(2, findings.max_row + 1)]
    assert set(rules) >= {"NPOL-01", "NPOL-05", "N24-10"}
    statuses = [findings.cell(r, 1).value[:2] for r in range(2, findings.max_row + 1)]
    assert statuses == sorted(statuses, key=["禁用", "限制", "推广"].index)  # banned → restricted → promoted
    assert findings.cell(2, 22).value == "bill.xlsx" or not findings.cell(2, 22).value.startswith("/")
    assert book.sheetnames[0] == "检查摘要"


def test_xlsx_text_starting_with_formula_characters_stays_text(run, report_bill, tmp_path):
    out = tmp_path / "annotated.xlsx"
    renderer("xlsx")(run, str(out))
    book = load_workbook(out)
    cell = book["表-08"].cell(7, 3)
    assert cell.value == FORMULA_NAME and cell.data_type == "s"
    items = tmp_path / "items.xlsx"
    csv_run = make_run([_csv_bill(tmp_path)])
    renderer("xlsx")(csv_run, str(items))
    sheet = load_workbook(items)["清单项目"]
    names = {sheet.cell(r, 8).value: sheet.cell(r, 8).data_type for r in range(2, sheet.max_row + 1)}
    assert names[FORMULA_NAME] == "s"
    features = {sheet.cell(r, 9).value for r in range(2, sheet.max_row + 1)}
    assert REPORT_BILL[6][3] in features
    for path in (out, items):  # no formula element anywhere in the written sheets
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def _csv_bill(tmp_path):
    import csv

    path = tmp_path / "bill.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(REPORT_BILL)
    return path


def test_xlsx_findings_workbook_for_csv_and_folder_output(report_bill, tmp_path):
    csv_path = _csv_bill(tmp_path)
    run = make_run([report_bill, csv_path])
    written = renderer("xlsx")(run, str(tmp_path / "books"))
    assert sorted(p.rsplit("/", 1)[-1] for p in written) == ["bill.checked.xlsx", "bill.findings.xlsx"]
    book = load_workbook(tmp_path / "books" / "bill.findings.xlsx")
    assert book.sheetnames == ["检查摘要", "检查结果清单", "清单项目"]
    assert book["清单项目"].max_row == 7


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_annotated_copy(run, tmp_path):
    out = tmp_path / "annotated.xlsx"
    renderer("xlsx")(run, str(out))
    converted = tmp_path / "converted"
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                             "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,'
                             'false,-1', "--outdir", str(converted), str(out)], capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr
    summary = (converted / "annotated-检查摘要.csv").read_text(encoding="utf-8")  # every sheet, as LibreOffice read it
    assert "绿色建材检查摘要" in summary and "不通过" in summary and "审核人" in summary
    bill = (converted / "annotated-表-08.csv").read_text(encoding="utf-8")
    assert "检查结果" in bill and "禁用" in bill and "NPOL-01" in bill
    assert FORMULA_NAME.replace('"', '""') in bill  # shown as the text it is, not evaluated


# --- several formats in one run ---------------------------------------------------------------------------

def test_cli_writes_several_formats_in_one_run(report_bill, tmp_path):
    outs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "sarif", "junit")}
    args = ["check", str(report_bill)]
    for fmt, path in outs.items():
        args += ["--format", fmt, "-o", str(path)]
    args += ["--format", "xlsx", "-o", str(tmp_path / "r.xlsx"), "--format", "text"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "NPOL-01" in result.stdout  # text went to stdout
    assert json.loads(outs["json"].read_text(encoding="utf-8"))["schema"] == "gbm-check/report@2"
    assert outs["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(outs["sarif"].read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert outs["junit"].read_text(encoding="utf-8").startswith("<?xml")
    assert load_workbook(tmp_path / "r.xlsx")["检查结果清单"].max_row > 1


def test_cli_output_before_format_and_bad_pairings(report_bill, tmp_path):
    out = tmp_path / "r.json"
    assert CliRunner().invoke(main, ["check", str(report_bill), "-o", str(out), "--format", "json"]).exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["schema"]
    for bad in (["--format", "json", "--format", "html"], ["--format", "xlsx"],
                ["--format", "json", "-o", str(out), "-o", str(tmp_path / "x")],
                ["--format", "json", "-o", str(out), "--format", "html", "-o", str(out)]):
        result = CliRunner().invoke(main, ["check", str(report_bill), *bad])
        assert result.exit_code == 2 and "Traceback" not in result.output, bad


# --- the dev corpus ---------------------------------------------------------------------------------------

def test_dev_corpus_html_lists_every_banned_line_with_its_source():
    corpus = shared_path("dev-corpus")
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    files = sorted(p for p in corpus.iterdir() if p.name in labels)
    run = make_run(files)
    html = renderer("html")(run)
    flagged = html[html.index('id="flagged"'):html.index('id="coverage"')]
    articles = re.findall(r'<article class="flag f-banned.*?</article>', flagged, re.S)
    missing = []
    for report in run.files:
        name = report.read.path.replace("\\", "/").rsplit("/", 1)[-1]
        for checked in report.items:
            key = checked.item.code if checked.item.code else f"seq:{checked.item.seq}"
            if labels[name].get(key, {}).get("label") != "banned":
                continue
            # the decisive banned finding with its source; the rules that concur with it are named
            banned = [f for f in checked.findings if f.kind == "banned" and f.decisive]
            heading = f"{checked.item.code or checked.item.seq} "
            ok = banned and any(heading in a and str(escape(report.read.path)) in a
                                and str(escape(checked.item.name)) in a
                                and all(str(escape(f.source)) in a and all(r in a for r in f.also) for f in banned)
                                for a in articles)
            if not ok:
                missing.append((name, key))
    assert not missing


def test_xlsx_for_several_files_needs_a_folder(report_bill, tmp_path):
    csv_path = _csv_bill(tmp_path)
    result = CliRunner().invoke(main, ["check", str(report_bill), str(csv_path), "--format", "xlsx",
                                       "-o", str(tmp_path / "one.xlsx")])
    assert result.exit_code == 2 and "--format xlsx 指定一个文件夹" in result.stderr
    assert not (tmp_path / "one.xlsx").exists()


def test_batched_blocks_reach_their_target_in_order_and_its_errors_reach_the_caller():
    """``ooxml.Batched`` writes blocks on a thread of its own: same bytes in the same order, and a failing
    write is raised in the writer's thread (its thread stopped either way)."""
    import io
    import threading

    from checker.report import ooxml

    target = io.BytesIO()
    pieces = [f"<row r=\"{n}\">{'x' * (n % 700)}</row>".encode() for n in range(20_000)]
    with ooxml.Batched(target) as out:
        for piece in pieces:
            out.write(piece)
    assert target.getvalue() == b"".join(pieces)

    class Full(io.RawIOBase):
        def write(self, data):
            raise OSError(28, "No space left on device")

    before = threading.active_count()
    with pytest.raises(OSError, match="No space"):
        with ooxml.Batched(Full()) as out:
            for piece in pieces:
                out.write(piece)
    assert threading.active_count() == before


def test_a_line_of_an_electronic_bid_is_placed_by_its_source_lines_said_as_such():
    """An XML bid's rows are lines of its source, not rows of a sheet: 源文件第47–72行, not 第47–72行."""
    from checker.model import CheckedItem, LineItem, Provenance
    from checker.report.common import where
    from checker.report.i18n import texts

    def placed(location):
        where_read = Provenance("bid.xml", "单位工程", 47, 72, None)
        if location:
            where_read = Provenance("bid.xml", "单位工程", 47, 72, None, location)
        return where(CheckedItem(item=LineItem(provenance=where_read, table="boq")), texts("zh"))

    assert placed("/ConstructProject/Building[1]/BQItem[1]") == "源文件第47–72行"
    assert placed("") == "第47–72行"
