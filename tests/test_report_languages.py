"""Chinese first, English on request: every human-readable report (text, HTML, annotated and findings workbooks)
and every line on stderr speaks one language throughout.

One run — a bill with banned, restricted, promoted, waived and hostile lines, a CSV bill (a findings workbook),
an empty file (not checked), and waivers that apply, have expired and match nothing — is rendered in both
languages.  In English, every CJK run that is left must be a piece of catalog content or bill text (or of an
English message of another stage that quotes them); in Chinese, every Latin word must be bill text, catalog
content, or one of the few names that stay as they are (gbm-check, SHA-256, JSON, option names).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from checker.cli import main
from checker.report.i18n import _tables

from .cdp import Browser, find_chromium
from .conftest import REPORT_BILL, shared_path, write_bill

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z]+")
OPTION = re.compile(r"--[a-z][\w-]*(?: (?:banned|restricted|never)\b)?")  # an option as typed (--fail-on banned)
# names that stay as they are in a Chinese report: the tool, formats, hash, option names, units of the bill
KEPT_IN_CHINESE = {"gbm", "check", "SHA", "JSON", "PDF", "xlsx", "xlsm", "xls", "csv", "registry", "item", "table"}
BILL_COLUMNS = len(REPORT_BILL[0])
CSV_BILL = ("序号,项目编码,项目名称,项目特征描述,计量单位,工程量,综合单价,合价\n"
            "1,010401003001,实心砖墙,1.砖品种：MU10实心粘土砖,m3,10,500,5000\n")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _waivers(folder: Path) -> Path:
    entries = [("NPOL-05", "010502002001", "2099-12-31"),  # applies
               ("NPOL-01", "010401003001", "2020-01-01"),  # expired
               ("N24-10", "不存在的项目", "2099-12-31")]  # matches nothing
    path = folder / "waivers.toml"
    path.write_text("".join(f'[[waiver]]\nrule = "{rule}"\nitem = "{item}"\nreason = "设计变更：拆除旧墙利用"\n'
                            f'approver = "张工"\nexpires = {expires}\n\n' for rule, item, expires in entries),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same run in both languages: text, JSON, HTML, workbooks and stderr of each."""
    folder = tmp_path_factory.mktemp("languages")
    bill = write_bill(folder / "bill.xlsx", REPORT_BILL)
    csv_bill = folder / "other.csv"
    csv_bill.write_text(CSV_BILL, encoding="utf-8")
    empty = folder / "empty.xlsx"
    empty.write_bytes(b"")
    waivers = _waivers(folder)
    found = {}
    for lang in ("zh", "en"):
        out = folder / lang
        result = invoke("check", bill, csv_bill, empty, "--waivers", waivers, "--lang", lang,
                        "-f", "text", "-f", "json", "-o", out / "report.json", "-f", "html", "-o", out / "report.html", "--item-table",
                        "-f", "xlsx", "-o", f"{out}/books/", "-f", "sarif", "-o", out / "report.sarif",
                        "-f", "junit", "-o", out / "report.xml")
        assert result.exit_code == 2, result.output
        found[lang] = {"result": result, "folder": out, "text": result.stdout,
                       "json": json.loads((out / "report.json").read_text("utf-8")),
                       "html": (out / "report.html").read_text("utf-8")}
    found["paths"] = {"bill": bill, "csv": csv_bill, "empty": empty}
    return found


# --- what the checks may leave in the other language ----------------------------------------------------------

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def content(report: dict, messages: bool) -> str:
    """Bill text and catalog content of a JSON report (and, with ``messages``, the other stages' messages as they
    were written: evidence, judge notes, reasons, gaps, warnings), one string."""
    parts = [report["profile"], [{k: f[k] for k in ("path", "project", "sha256")} for f in report["files"]],
             list(report["rules"])]
    parts += [{k: c[k] for k in ("id", "title", "edition", "source")} for c in report["catalogs"]]
    parts += [{k: r[k] for k in ("entry", "source", "scope", "replacement", "edition")} for r in report["rules"].values()]
    parts += [report["catalog_gaps_text"]]
    for item in report["items"]:
        parts.append({k: v for k, v in item.items() if k not in ("findings", "status", "table")})
        for finding in item["findings"]:
            parts.append([finding.get("waiver") or {}, finding.get("fingerprint") or ""])
            if messages:
                parts.append({k: finding[k] for k in ("evidence", "message") if k in finding})
    parts += [{k: w[k] for k in ("rule", "item", "approver", "origin")} for w in report["expired_waivers"]]
    parts += [{k: u[k] for k in ("rule", "entry")} for u in report["undecided_rules"]]
    if messages:
        parts += [report["catalog_gaps"], report["warnings"], [f["error"] or "" for f in report["files"]],
                  [f["warnings"] for f in report["files"]], [u["reason"] for u in report["undecided_rules"]]]
    return "\n".join(_strings(parts))


def chinese_label_runs() -> set[str]:
    return {run for label in _tables()[0].values() for run in CJK.findall(label["zh"])}


def english_leftovers(texts: list[str], report: dict) -> list[str]:
    """CJK runs of an English report that are neither bill text nor catalog content nor part of a message."""
    allowed = content(report, messages=True)
    allowed_runs = set(CJK.findall(allowed))
    labels = chinese_label_runs()
    runs = {run for text in texts for run in CJK.findall(text)}
    return sorted(run for run in runs if run not in allowed or (run in labels and run not in allowed_runs))


def chinese_leftovers(texts: list[str], report: dict) -> list[str]:
    """Latin words of a Chinese report that are neither bill text nor catalog content nor names kept as they are."""
    allowed = content(report, messages=False)
    words = {word for text in texts for word in LATIN.findall(OPTION.sub(" ", text))}
    return sorted(word for word in words if word not in KEPT_IN_CHINESE and word not in allowed)


# --- the formats as a reader sees them ------------------------------------------------------------------------

class _Visible(HTMLParser):
    """The text a reader sees: element text (not style or script) and the placeholder/title/label attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("style", "script")
        self.parts += [value for key, value in attrs if key in ("title", "placeholder", "aria-label") and value]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_texts(page: str) -> list[str]:
    visible = _Visible()
    visible.feed(page)
    words = re.search(r"var L = (\{.*?\});\n", page)  # what the page's script writes (statuses, pager, places)
    assert words, "the script's words are missing"
    script_words = [re.sub(r"\{\w+\}", " ", text) for text in _strings(json.loads(words.group(1)))]  # no {slots}
    return visible.parts + script_words


def workbook_texts(folder: Path, bill_sheets: set[str]) -> list[str]:
    """Every text cell the checker wrote: its own sheets whole, and the result columns of the bill's sheets."""
    texts = []
    books = sorted(folder.glob("*.xlsx"))
    assert {p.name for p in books} == {"bill.checked.xlsx", "other.findings.xlsx"}
    for path in books:
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            first = BILL_COLUMNS + 1 if sheet.title in bill_sheets else 1
            texts += [cell for row in sheet.iter_rows(min_col=first, values_only=True) for cell in row
                      if isinstance(cell, str)]
            texts.append(sheet.title if sheet.title not in bill_sheets else "")
            texts.append(sheet.oddFooter.center.text or "")
    return texts


def sarif_texts(sarif: dict) -> list[str]:
    """The human text of a SARIF log: messages, rule descriptions and help, suppression justifications."""
    run = sarif["runs"][0]
    texts = [r["message"]["text"] for r in run["results"]]
    texts += [s["justification"] for r in run["results"] for s in r.get("suppressions", [])]
    texts += [rule[key]["text"] for rule in run["tool"]["driver"]["rules"]
              for key in ("shortDescription", "fullDescription", "help")]
    texts += [n["message"]["text"] for inv in run.get("invocations", [])
              for n in inv.get("toolExecutionNotifications", [])]
    texts += run["properties"]["catalogGapsText"]
    assert texts
    return texts


def junit_texts(path: Path) -> list[str]:
    """The human text of a JUnit file: testcase names, failure/skipped/error messages and their details."""
    import xml.etree.ElementTree as ET

    texts = []
    for element in ET.parse(path).iter():
        if element.tag == "testcase":
            texts.append(element.get("name", ""))
        if element.tag in ("failure", "skipped", "error", "system-out"):
            texts += [element.get("message", ""), element.text or ""]
    return texts


def _texts(runs, lang: str, fmt: str) -> list[str]:
    run = runs[lang]
    if fmt == "text":
        return [run["text"]]
    if fmt == "sarif":
        return sarif_texts(json.loads((run["folder"] / "report.sarif").read_text("utf-8")))
    if fmt == "junit":
        return junit_texts(run["folder"] / "report.xml")
    if fmt == "html":
        return html_texts(run["html"])
    return workbook_texts(run["folder"] / "books", {"表-08"})


@pytest.mark.parametrize("fmt", ["text", "html", "xlsx", "sarif", "junit"])
def test_english_report_has_no_chinese_framework_words(runs, fmt):
    texts = _texts(runs, "en", fmt)
    assert any(("source: " if fmt == "sarif" else "banned") in text for text in texts)
    assert english_leftovers(texts, runs["en"]["json"]) == []


@pytest.mark.parametrize("fmt", ["text", "html", "xlsx", "sarif", "junit"])
def test_chinese_report_has_no_english_framework_words(runs, fmt):
    texts = _texts(runs, "zh", fmt)
    assert any(("依据" if fmt == "sarif" else "禁用") in text for text in texts)
    assert chinese_leftovers(texts, runs["zh"]["json"]) == []


def test_the_checks_catch_a_word_of_the_other_language(runs):
    """The two checks above can fail: a label left in the other language is found."""
    assert english_leftovers(["banned 需人工复核", "禁用"], runs["en"]["json"]) == ["禁用", "需人工复核"]
    assert chinese_leftovers(["禁用 needs manual check"], runs["zh"]["json"]) == ["manual", "needs"]


def test_html_page_language_and_print_footer(runs):
    zh, en = runs["zh"]["html"], runs["en"]["html"]
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    assert 'content: "第 " counter(page) " 页，共 " counter(pages) " 页"' in zh
    assert 'content: "Page " counter(page) " of " counter(pages)' in en
    assert "<title>Green Building Materials Check</title>" in en and "<title>绿色建材检查报告</title>" in zh
    for page, words in ((zh, ("审核人", "复核人", "意见", "清除筛选", "已豁免")),
                        (en, ("Reviewed by", "Checked by", "Opinion", "Clear filters", "waived"))):
        assert all(word in page for word in words)


def test_workbook_sheets_are_named_in_the_report_language(runs):
    for lang, names, result in (("zh", ["检查摘要", "表-08", "检查结果清单"], "检查结果"),
                                ("en", ["Summary", "表-08", "Findings"], "Check result")):
        books = runs[lang]["folder"] / "books"
        checked = load_workbook(books / "bill.checked.xlsx")
        assert checked.sheetnames == names
        assert result in [cell.value for cell in checked["表-08"][1]]
        findings = load_workbook(books / "other.findings.xlsx")
        assert findings.sheetnames == [names[0], names[2], "清单项目" if lang == "zh" else "Line items"]


# --- stderr ---------------------------------------------------------------------------------------------------

def test_stderr_speaks_the_report_language_one_line_per_file(runs):
    empty = runs["paths"]["empty"]
    for lang, reason, warning in (("zh", "空文件（0 字节）", "gbm-check: 注意：豁免未匹配任何发现：N24-10"),
                                  ("en", "empty file (0 bytes)", "gbm-check: warning: waiver matches no finding: N24-10")):
        lines = runs[lang]["result"].stderr.splitlines()
        assert [line for line in lines if str(empty) in line] == [f"gbm-check: {empty}: {reason}"]
        assert any(line.startswith(warning) for line in lines)
        assert all(line.startswith("gbm-check: ") for line in lines), lines
    assert runs["zh"]["text"].splitlines()[-1].startswith("gbm-check: 3 个文件，1 个未检查")


def test_compare_names_an_unreadable_bid_in_the_chosen_language(runs, tmp_path):
    bill, empty = runs["paths"]["bill"], runs["paths"]["empty"]
    for lang, reason, gap in (("zh", "空文件（0 字节）", "目录缺口：未载入山东省级目录"),
                              ("en", "empty file (0 bytes)", "gap: no provincial Shandong catalogue loaded")):
        page, book = tmp_path / f"compare-{lang}.html", tmp_path / f"compare-{lang}.xlsx"
        result = invoke("compare", bill, empty, "--lang", lang, "--format", "text", "--format", "html", "-o", page,
                        "--format", "xlsx", "-o", book)
        assert result.exit_code == 2
        assert [line for line in result.stderr.splitlines() if str(empty) in line] == [
            f"gbm-check: {empty}: {reason}"]
        notes = [c for row in load_workbook(book).worksheets[0].iter_rows(values_only=True) for c in row
                 if isinstance(c, str)]
        for shown in (result.stdout, page.read_text("utf-8"), "\n".join(notes)):
            assert gap in shown
        for shown in (result.stdout, page.read_text("utf-8")):
            assert reason in shown


def test_json_gives_a_file_not_checked_in_the_chosen_language(runs):
    """``error`` stays as the reader wrote it (English, for scripts); ``error_text`` is the reason the text report
    and stderr give."""
    for lang, reason in (("zh", "空文件（0 字节）"), ("en", "empty file (0 bytes)")):
        [entry] = [f for f in runs[lang]["json"]["files"] if f["status"] == "error"]
        assert entry["error"] == "empty file (0 bytes)" and entry["error_text"] == reason
        assert reason in runs[lang]["text"]
    assert all(f["error_text"] is None for f in runs["zh"]["json"]["files"] if f["status"] == "ok")


def test_compare_json_gives_the_catalog_gaps_and_errors_in_the_chosen_language(runs):
    """``catalog_gaps`` and ``error`` stay as the catalogs and stages wrote them (as in the check's JSON);
    ``catalog_gaps_text`` and ``error_text`` speak the report's language."""
    bill, empty = runs["paths"]["bill"], runs["paths"]["empty"]
    for lang, gap, reason in (("zh", "未载入山东省级目录", "空文件（0 字节）"),
                              ("en", "no provincial Shandong catalogue loaded", "empty file (0 bytes)")):
        report = json.loads(invoke("compare", bill, bill, empty, "--lang", lang, "--format", "json").stdout)
        assert report["catalog_gaps"][0].startswith("no provincial Shandong catalogue loaded")
        assert report["catalog_gaps_text"][0].startswith(gap)
        assert len(report["catalog_gaps_text"]) == len(report["catalog_gaps"])
        assert [(b["error"], b["error_text"]) for b in report["bidders"]] == [
            (None, None), ("empty file (0 bytes)", reason)]


def test_a_multi_line_reason_stays_one_line():
    from checker.report.common import not_checked_line
    from checker.report.i18n import texts

    line = not_checked_line("a.xlsx", "cannot open workbook: first\nsecond\r\nthird", texts("zh"))
    assert line == "gbm-check: a.xlsx: 无法打开工作簿：first second third"


@pytest.mark.parametrize("hostile", ["billion_laughs", "external_entity", "deep_nesting", "huge_attribute",
                                     "truncated", "unknown_encoding", "unknown_root"])
def test_a_refused_xml_bill_is_explained_in_either_language(hostile, tmp_path):
    from checker.read import read_path
    from checker.report.i18n import localize, message_id
    from tools import make_xml_bills

    path = tmp_path / f"{hostile}.xml"
    path.write_bytes(getattr(make_xml_bills, hostile)())
    reason = read_path(str(path), path.name).error
    assert reason and message_id(reason), reason
    assert CJK.search(localize(reason, "zh")) and localize(reason, "en") == reason


def _refusal(kind: str, tmp_path) -> str:
    """The one-line reason a generated hostile input is refused with."""
    from checker.read import read_path
    from checker.read.preflight import preflight
    from checker.read.sniff import InputRefused
    from tools import hostile

    if kind == "text_memory":
        path = tmp_path / "bill.csv"
        path.write_text("序号,项目名称\n" * 1000, encoding="utf-8")
        with pytest.raises(InputRefused) as refused:
            preflight(str(path), "csv", 200 << 20, memory=100 << 20)
        return str(refused.value)
    if kind == "image_no_ocr":
        from PIL import Image

        path = tmp_path / "bill.png"
        Image.new("RGB", (40, 20), "white").save(path)
        return read_path(str(path), ocr=False).error
    data = {"far_cell": lambda: hostile.xlsx_far_cell("ZZZY267"), "lying_strings": hostile.xlsx_lying_string_count,
            "link_outside": hostile.xlsx_sheet_link_outside}.get(kind)
    path = tmp_path / (f"{kind}.xlsx" if data else "empty.pdf")
    path.write_bytes(data() if data else hostile.pdf_zero_pages())
    return read_path(str(path)).error


@pytest.mark.parametrize("kind", ["far_cell", "lying_strings", "link_outside", "zero_pages", "text_memory",
                                  "image_no_ocr"])
def test_a_refused_file_is_explained_in_either_language(kind, tmp_path):
    from checker.report.i18n import localize, message_id

    reason = _refusal(kind, tmp_path)
    assert reason and message_id(reason), reason
    chinese = localize(reason, "zh")
    assert CJK.search(chinese) and not re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", chinese), chinese  # no English phrase
    assert localize(reason, "en") == reason


def test_a_scanned_pdf_left_unread_is_explained_in_either_language():
    folder = shared_path("hostile")
    if folder is None:
        pytest.skip("../shared is not here")
    scanned = folder / "scanned.pdf"
    for lang, words in (("zh", "去掉 --no-ocr"), ("en", "run without --no-ocr")):
        lines = invoke("check", scanned, "--no-ocr", "--lang", lang, "-q").stderr.splitlines()
        assert [line for line in lines if str(scanned) in line and words in line], lines


def test_the_reading_line_of_an_xml_bill_names_its_skipped_rows_in_chinese(tmp_path):
    from tools import make_xml_bills

    bill = tmp_path / "bid.xml"
    bill.write_bytes(make_xml_bills.anhui_attributes())
    reading = [line for line in invoke("check", bill).stdout.splitlines() if "跳过" in line]
    assert reading and "（费用行）" in reading[0] and "rows)" not in reading[0] and "under a bill line" not in reading[0]
    english = [line for line in invoke("check", bill, "--lang", "en").stdout.splitlines() if "skipped" in line]
    assert english and "(fee rows)" in english[0]


# --- looked at: the pages in a browser and the workbook in LibreOffice -----------------------------------------

CHROMIUM = find_chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_page_the_browser_draws_is_in_one_language(runs, tmp_path):
    """The item table, pager and counts are drawn by the page's script: what the browser shows is checked too."""
    for lang in ("zh", "en"):
        page = runs[lang]["folder"] / "report.html"
        with Browser(CHROMIUM, width=1280, height=1000, timeout=60) as browser:
            browser.open(page.as_uri())
            shown = browser.evaluate("document.body.innerText")
            pager = browser.evaluate("document.getElementById('p-at').textContent")
            browser.element_screenshot(str(tmp_path / f"items-{lang}.png"), "#items")
        assert (tmp_path / f"items-{lang}.png").stat().st_size > 10_000
        if lang == "en":
            assert pager == "page 1 of 1" and "restricted" in shown and "row 3" in shown
            assert english_leftovers([shown], runs["en"]["json"]) == []
        else:
            assert pager == "第 1 / 1 页" and "第3行" in shown
            assert chinese_leftovers([shown], runs["zh"]["json"]) == []


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler is not installed")
def test_the_english_workbook_prints_in_english(runs, tmp_path):
    book = runs["en"]["folder"] / "books" / "bill.checked.xlsx"
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(book)], capture_output=True, timeout=240)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bill.checked.pdf"), "-"], capture_output=True,
                          text=True, timeout=60).stdout
    for words in ("Green building materials check: summary", "Reviewed by", "Known gaps", "Check result",
                  "restricted (needs manual check)", "Page 1 of"):
        assert words in text, words
