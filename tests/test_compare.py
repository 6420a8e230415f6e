"""`gbm-check compare` (bid review): the generated tender + three bids, the real xinghe pair, and each check alone."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.compare.conformity import changes
from checker.compare.engine import compare
from checker.compare.messages import detail
from checker.compare.model import CompareSettings
from checker.engine import FileReport
from checker.model import CheckedItem, DeclaredTotal, FileRead, Finding, LineItem, Provenance

from tools import make_compare_bills as bills

from .conftest import REPO, shared_path, write_bill


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return bills.write(tmp_path_factory.mktemp("compare"))


@pytest.fixture(scope="module")
def review(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "compare.json"
    result = run("compare", generated["tender"], generated["bid1"], generated["bid2"], generated["bid3"],
                 "--control-price", generated["control"], "--bid-date", "2026-11-24", "--format", "json", "-o", out)
    return result, json.loads(out.read_text(encoding="utf-8"))


def anchor(deviation: dict) -> str:
    ref = deviation["tender"] or deviation["bid"]
    return ref["name"] if ref else ""


def test_every_planted_deviation_is_found_once_and_nothing_else(review):
    result, report = review
    found = Counter((b["n"], d["kind"], anchor(d)) for b in report["bidders"] for d in b["deviations"])
    assert found == Counter(bills.EXPECTED)
    assert result.exit_code == 1
    kinds = {kind for _, kind, _ in bills.EXPECTED}
    assert kinds == set(report["summary"]["deviations"]), "the generator plants every kind of the contract"


def test_green_drift_carries_both_texts_and_the_rule(review):
    _, report = review
    drifts = {(b["n"], anchor(d)): d for b in report["bidders"] for d in b["deviations"] if d["kind"] == "green_drift"}
    for key, rule in bills.DRIFT_RULES.items():
        assert drifts[key]["rule"].startswith(rule)
    banned = drifts[(2, "屋面卷材防水")]
    assert banned["severity"] == "error" and "SBS" in banned["expected"] and "纸胎油毡" in banned["actual"]
    for key, category in bills.DRIFT_LOST.items():
        assert category in drifts[key]["facts"]["lost"] and drifts[key]["severity"] == "warning"


def test_json_contract(review):
    _, report = review
    assert report["schema"] == "gbm-check/compare@1"
    assert {"file", "sha256", "items"} <= set(report["tender"])
    assert report["control_price"].endswith("control.xlsx")
    bidder = report["bidders"][0]
    assert {"file", "sha256", "total", "items", "verdict", "deviations"} <= set(bidder)
    assert [b["verdict"] for b in report["bidders"]] == ["fail", "fail", "fail"]
    for b in report["bidders"]:
        for d in b["deviations"]:
            assert {"kind", "severity", "tender", "bid", "detail", "expected", "actual", "rule"} <= set(d)
            for side in ("tender", "bid"):
                assert d[side] is None or {"code", "name", "sheet", "rows"} <= set(d[side])
    over = [d for d in report["bidders"][1]["deviations"] if d["kind"] == "over_control_price"][0]
    assert over["actual"] > over["expected"] == report["control"]["total"]


def test_text_report_in_chinese_and_english(generated):
    args = ["compare", generated["tender"], generated["bid1"], "--control-price", generated["control"],
            "--bid-date", "2026-11-24"]
    zh = run(*args)
    assert zh.exit_code == 1 and "清标比对报告" in zh.output and "缺项" in zh.output and "平整场地" in zh.output
    en = run(*args, "--lang", "en")
    assert "Bid review" in en.output and "missing line" in en.output and "缺项" not in en.output
    assert "  错误  缺项" in zh.output and "ERROR" not in zh.output and "WARN" not in zh.output  # marks too
    assert "  ERROR missing line" in en.output
    assert "山东" in zh.output and "2024年第186号" in zh.output  # every key catalog gap, in full


def test_the_review_says_its_words_through_the_reports_message_table():
    """compare's kinds, checks, verdicts, severities, warnings and notes are labels of templates/messages.toml
    (``compare.*``), in both languages with the same slots — one word table for every report."""
    import re

    from checker.compare import messages
    from checker.compare.model import GROUPS, KINDS, SEVERITIES
    from checker.report.i18n import texts

    zh, en = texts("zh"), texts("en")
    for prefix, names in (("compare.kind", KINDS), ("compare.group", GROUPS), ("compare.severity", SEVERITIES),
                          ("compare.verdict", ("fail", "review", "pass")),
                          ("compare.warning", ("price_control_unread", "price_no_reference"))):
        assert set(zh.section(prefix)) == set(en.section(prefix)) == set(names), prefix
    notes = zh.section("compare.note")
    assert notes and set(notes) == set(en.section("compare.note"))
    slots = re.compile(r"\{(\w+)\}")
    for name, text in notes.items():
        assert set(slots.findall(text)) == set(slots.findall(en.section("compare.note")[name])), name
    assert messages.KIND_TEXT["en"]["magnitude"] == en("compare.kind.magnitude") == "10ⁿ slip"
    assert messages.NOTES["zh"] == notes and messages.LABELS["zh"]["title"] == "清标比对报告"


def test_fail_on_levels(generated):
    tender, bid3 = generated["tender"], generated["bid3"]
    assert run("compare", tender, bid3, "--fail-on", "never").exit_code == 0
    # without a control price bid 3 has only text changes, all of them errors
    assert run("compare", tender, bid3).exit_code == 1


def test_a_bid_that_cannot_be_read_is_reported_and_the_others_compared(generated, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp_path / "r.json"
    result = run("compare", generated["tender"], broken, generated["bid1"], "--format", "json", "-o", out)
    assert result.exit_code == 2
    assert "broken.xlsx" in result.stderr if hasattr(result, "stderr") else True
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["bidders"][0]["status"] == "error" and report["bidders"][0]["verdict"] == "review"
    assert report["bidders"][1]["status"] == "ok" and report["bidders"][1]["deviations"]


def test_html_and_xlsx_reports(generated, tmp_path):
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    result = run("compare", generated["tender"], generated["bid1"], generated["bid2"], "--control-price",
                 generated["control"], "--format", "html", "-o", html, "--format", "xlsx", "-o", xlsx)
    assert result.exit_code == 1
    page = html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'href="#b1-conformity"' in page and 'id="b1-conformity"' in page
    assert "纸胎油毡" in page and "<del" in page and "<ins" in page
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames[0] == "汇总" and {"符合性", "计算性", "绿色建材偏离", "不平衡报价", "雷同性"} <= set(book.sheetnames)
    rows = list(book["符合性"].iter_rows(values_only=True))
    assert len(rows) - 1 == sum(1 for n, kind, _ in bills.EXPECTED if n in (1, 2) and kind in (
        "missing", "extra", "code_changed", "name_changed", "features_changed", "unit_changed", "quantity_changed"))


def test_real_xinghe_pair():
    tender = shared_path("real-bills", "xinghe_mall_2f_renovation_boq.xlsx")
    bid = shared_path("real-bills", "xinghe_mall_2f_renovation_bid_priced.xlsx")
    result = run("compare", tender, bid, "--format", "json", "--bid-date", "2026-11-24")
    report = json.loads(result.output)
    bidder = report["bidders"][0]
    assert bidder["paired"] == bidder["lines"] == report["tender"]["lines"] > 70
    assert bidder["total"] == pytest.approx(467536.81, abs=0.01)
    # the priced copy prices the owner's list as printed; only the tax rate cell is filled in (not a change),
    # and 税金 = 9 % × 不含税小计, 含税合计 = 不含税小计 + 税金 hold.  What a reviewer is told (warnings, checked by
    # hand against the workbook): the 12 lines whose 复核工程量 differs from the quantity priced, and the 13 unit
    # prices with more than two decimals (556.020491803279 …: computed back from an amount).
    found = Counter(d["kind"] for d in bidder["deviations"])
    assert found == {"quantity_rechecked": 12, "unrounded_price": 13} and result.exit_code == 0
    assert {d["severity"] for d in bidder["deviations"]} == {"warning"} and bidder["verdict"] == "review"
    rechecked = {d["bid"]["rows"][0]: (d["expected"], d["actual"]) for d in bidder["deviations"]
                 if d["kind"] == "quantity_rechecked"}
    assert sorted(rechecked) == [14, 16, 17, 20, 21, 22, 23, 24, 25, 27, 28, 34]
    assert rechecked[14] == (67.84, 32.59) and rechecked[34] == (266.195, 311.6125)
    unrounded = {d["bid"]["rows"][0]: (d["actual"], d["expected"]) for d in bidder["deviations"]
                 if d["kind"] == "unrounded_price"}
    assert sorted(unrounded) == [15, 20, 22, 23, 24, 32, 34, 35, 40, 51, 52, 53, 64]
    assert unrounded[24] == (47.845, 47.85) and unrounded[23][1] == 556.02
    assert report["tender"]["findings"]["banned"] == 2  # the owner's own 商品混凝土/现场拌制 lines


# --- each check alone, on bills built in memory ------------------------------------------------------------------

def line(row, name, features="", unit="m2", quantity=10.0, price=None, amount=None, code="", sheet="表-08",
         section="", findings=(), categories=()):
    item = LineItem(provenance=Provenance(file="x", sheet=sheet, first_row=row, last_row=row), table="boq",
                    seq=str(row), code=code, name=name, features=features, unit=unit, quantity=quantity,
                    unit_price=price, amount=amount, section=section)
    return CheckedItem(item=item, findings=tuple(findings), green_categories=tuple(categories))


def report(path, items, totals=(), meta=(), sha="", error=None):
    read = FileRead(path=path, format="xlsx", sha256=sha or path, items=tuple(c.item for c in items),
                    totals=tuple(totals), meta=tuple(meta), error=error)
    return FileReport(read=read, items=tuple(items), seconds=0.0)


def kinds(comparison, n=0):
    return [(d.kind, (d.tender or d.bid).name if (d.tender or d.bid) else "") for d in
            comparison.bidders[n].deviations]


def test_duplicate_codes_pair_in_file_order_and_moved_lines_pair_by_text():
    tender = report("t", [line(1, "砌块墙", "100厚", code="010402001001"), line(2, "砌块墙", "200厚",
                                                                          code="010402001001"),
                          line(3, "平整场地", "三类土"), line(4, "挖土方", "二类土")])
    bid = report("b", [line(1, "挖土方", "二类土", price=5, amount=50), line(2, "砌块墙", "100厚",
                                                                          code="010402001001", price=5, amount=50),
                       line(3, "砌块墙", "200厚", code="010402001001", price=5, amount=50),
                       line(4, "平整场地", "三类土", price=5, amount=50)])
    assert kinds(compare(tender, [bid])) == []


def test_repeated_identical_lines_pair_k_th_with_k_th():
    tender = report("t", [line(1, "插座", "五孔"), line(2, "插座", "五孔"), line(3, "插座", "五孔")])
    bid = report("b", [line(1, "插座", "五孔", price=5, amount=50), line(2, "插座", "五孔", price=5, amount=50)])
    assert kinds(compare(tender, [bid])) == [("missing", "插座")]
    missing = compare(tender, [bid]).bidders[0].deviations[0]
    assert missing.tender.rows == (3, 3)  # the surplus is the last one


def test_retyped_text_is_not_a_change_but_a_new_word_is():
    tender = report("t", [line(1, "砖基础", "1.砂浆：M10\n2.砖：MU20", unit="m³"), line(2, "墙", "1.材质：砼砌块")])
    bid = report("b", [line(1, "砖 基础", "1.砂浆：Ｍ10；2.砖：MU20", unit="m3", price=1, amount=10),
                       line(2, "墙", "1.材质：混凝土实心砖", price=1, amount=10)])
    deviations = compare(tender, [bid]).bidders[0].deviations
    assert [(d.kind, d.tender.name) for d in deviations] == [("features_changed", "墙")]
    assert changes(deviations[0].expected, deviations[0].actual) == [("1.材质：砼砌块", "1.材质：混凝土实心砖")]
    assert deviations[0].diff == (("equal", "1.材质："), ("delete", "砼砌块"), ("insert", "混凝土实心砖"))


def test_a_number_the_bidder_fills_in_is_not_a_change():
    tender = report("t", [line(1, "税金", "0", unit="项", quantity=1)])
    bid = report("b", [line(1, "税金", "0.09", unit="项", quantity=1, price=0.09, amount=0.09)])
    assert kinds(compare(tender, [bid])) == []


def test_rate_lines_and_running_totals():
    items = [line(1, "墙", price=10, amount=100), line(2, "地面", price=20, amount=200),
             line(3, "不含税小计", unit="", quantity=None, amount=300),
             line(4, "税金", unit="项", quantity=1, price=0.09, amount=27),
             line(5, "含税合计", unit="", quantity=None, amount=327)]
    tender = report("t", [line(1, "墙"), line(2, "地面"), line(4, "税金", unit="项", quantity=1)])
    good = compare(tender, [report("b", items)])
    assert kinds(good) == [] and good.bidders[0].total == 327
    wrong_tax = items[:3] + [line(4, "税金", unit="项", quantity=1, price=0.09, amount=30),
                             line(5, "含税合计", unit="", quantity=None, amount=330)]
    assert kinds(compare(tender, [report("b", wrong_tax)])) == [("arithmetic", "税金")]


def test_totals_the_reader_states():
    tender = report("t", [line(1, "墙"), line(2, "地面")])
    items = [line(1, "墙", price=10, amount=100), line(2, "地面", price=20, amount=200)]
    page = DeclaredTotal(scope="page", label="本页小计", amount=300, sheet="表-08", row=3)
    bill_ok = DeclaredTotal(scope="bill", label="投标报价合计", amount=350)  # adds fees the lines do not show
    assert kinds(compare(tender, [report("b", items, [page, bill_ok])])) == []
    assert compare(tender, [report("b", items, [page, bill_ok])]).bidders[0].total == 350
    wrong = DeclaredTotal(scope="page", label="本页小计", amount=310, sheet="表-08", row=3)
    below = DeclaredTotal(scope="bill", label="投标报价合计", amount=250)
    slipped = DeclaredTotal(scope="bill", label="投标总价（万元）", amount=0.03)
    found = compare(tender, [report("b", items, [wrong, below, slipped])]).bidders[0].deviations
    assert [(d.kind, d.note) for d in found] == [("total_mismatch", "total_mismatch"),
                                                 ("total_mismatch", "total_below_lines"),
                                                 ("magnitude", "total_magnitude")]


def test_zero_negative_unpriced_and_magnitude_lines():
    tender = report("t", [line(n, f"项{n}") for n in range(1, 6)])
    bid = report("b", [line(1, "项1", price=0, amount=0), line(2, "项2", price=-5, amount=-50),
                       line(3, "项3"), line(4, "项4", price=12.5, amount=1250), line(5, "项5", price=12.5, amount=125)])
    assert kinds(compare(tender, [bid])) == [("zero_or_negative_price", "项1"), ("zero_or_negative_price", "项2"),
                                             ("zero_or_negative_price", "项3"), ("magnitude", "项4")]


def test_prices_against_the_median_of_three_or_more_bids():
    tender = report("t", [line(1, "墙"), line(2, "地面")])
    bids = [report(f"b{n}", [line(1, "墙", price=p, amount=p * 10), line(2, "地面", price=50 + n, amount=(50 + n) * 10)])
            for n, p in enumerate((100, 104, 95, 160, 1000))]
    found = compare(tender, bids)
    assert [kinds(found, n) for n in range(5)] == [[], [], [], [("price_high", "墙")], [("magnitude", "墙")]]
    two = compare(tender, bids[3:])
    assert kinds(two, 0) == [] and kinds(two, 1) == []  # no median from two bids
    narrow = compare(tender, bids[:3], settings=CompareSettings(band=0.03))
    assert kinds(narrow, 1) == [("price_high", "墙")] and kinds(narrow, 2) == [("price_low", "墙")]


def test_green_drift_needs_a_worse_finding_or_a_lost_category():
    banned = Finding(rule="NPOL-01", kind="banned", severity="error", entry="实心粘土砖", source="s", evidence="e")
    restricted = Finding(rule="NPOL-01", kind="restricted", severity="warning", entry="实心粘土砖", source="s",
                         evidence="e")
    tender = report("t", [line(1, "墙", "砖", findings=[restricted]), line(2, "墙2", "砌块", categories=["砌体材料"])])
    same = report("b", [line(1, "墙", "砖", findings=[restricted], price=1, amount=10),
                        line(2, "墙2", "砌块", categories=["砌体材料"], price=1, amount=10)])
    assert kinds(compare(tender, [same])) == []
    worse = report("b", [line(1, "墙", "砖", findings=[banned], price=1, amount=10),
                         line(2, "墙2", "砌块", price=1, amount=10)])
    drift = compare(tender, [worse]).bidders[0].deviations
    assert [(d.kind, d.severity, d.rule) for d in drift] == [("green_drift", "error", "NPOL-01"),
                                                            ("green_drift", "warning", "")]


def test_identical_file_facts_are_an_indicator_but_the_same_software_alone_is_not():
    tender = report("t", [line(1, "墙")])
    bids = [report(f"b{n}", [line(1, "墙", price=10 + n, amount=(10 + n) * 10)], meta=meta) for n, meta in enumerate((
        (("software", "某计价软件"), ("software_version", "9.1"), ("dongle", "LOCK-123")),
        (("software", "某计价软件"), ("software_version", "9.1"), ("dongle", "LOCK-123")),
        (("software", "某计价软件"), ("software_version", "9.1"), ("dongle", "LOCK-999"))))]
    found = compare(tender, bids)
    assert [kinds(found, n) for n in range(3)] == [[("shared_anomaly", "")], [("shared_anomaly", "")], []]
    assert "dongle=LOCK-123" in dict(found.bidders[0].deviations[0].facts)["meta"]
    same_file = compare(tender, [bids[2], report("b-copy", bids[2].items, sha=bids[2].read.sha256)])
    assert [d.note for d in same_file.bidders[0].deviations] == ["same_file"]


def test_bidder_files_not_read_and_a_tender_not_read():
    tender = report("t", [line(1, "墙")])
    bad = report("bad", [], error="not a bill")
    result = compare(tender, [bad, report("b", [line(1, "墙", price=1, amount=10)])])
    assert result.bidders[0].verdict == "review" and result.bidders[1].verdict == "pass"
    unread = compare(report("t", [], error="encrypted"), [report("b", [line(1, "墙", price=1, amount=10)])])
    assert unread.bidders[0].deviations == () and unread.verdict == "review"


def test_generator_is_deterministic(tmp_path):
    a = {role: bill.prices for role, bill in bills.bills().items()}
    b = {role: bill.prices for role, bill in bills.bills().items()}
    assert a == b
    big = bills.bills(lines=600)["tender"]
    assert 580 <= sum(len(items) for _, items in big.coded + big.plain) <= 640
    assert Path(REPO / "tools" / "make_compare_bills.py").is_file()


def test_a_tender_that_cannot_be_read_exits_2(generated, tmp_path):
    broken = tmp_path / "tender.xlsx"
    broken.write_bytes(b"\x00" * 64)
    result = run("compare", broken, generated["bid1"])
    assert result.exit_code == 2 and "招标清单无法读取" in result.output


def test_bill_text_is_escaped_in_html_and_never_a_formula_in_xlsx(tmp_path):
    header = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]
    tender = write_bill(tmp_path / "t.xlsx", [header, [1, "010101001001", "平整场地", "三类土", "m2", 10, None, None]])
    bid = write_bill(tmp_path / "b.xlsx", [header, [1, "010101001001", "平整场地",
                                                    "<script>alert(1)</script>=HYPERLINK(\"x\")", "m2", 10, 2, 20]])
    html, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    run("compare", tender, bid, "--format", "html", "-o", html, "--format", "xlsx", "-o", xlsx)
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(xlsx)["符合性"].iter_rows() for c in row]
    assert any("HYPERLINK" in str(c.value) for c in cells) and all(c.data_type != "f" for c in cells)


def test_output_usage_errors(generated, tmp_path):
    tender, bid = generated["tender"], generated["bid1"]
    assert run("compare", tender, bid, "--format", "xlsx").exit_code == 2
    assert run("compare", tender, bid, "--format", "json", "--format", "text").exit_code == 2
    assert run("compare", tender, bid, "--format", "json", "-o", bid).exit_code == 2
    assert bid.stat().st_size > 0


def test_a_sheet_without_any_price_is_one_deviation():
    tender = report("t", [line(n, f"项{n}") for n in range(1, 5)])
    bid = report("b", [line(n, f"项{n}") for n in range(1, 5)])
    found = compare(tender, [bid]).bidders[0].deviations
    assert [(d.kind, d.note, dict(d.facts)["lines"]) for d in found] == [
        ("zero_or_negative_price", "unpriced_sheet", 4)]


def test_clause_numbering_is_formatting_not_a_change():
    tender = report("t", [line(1, "砖基础", "1.砖品种：MU20\n2.砂浆：M10\n3.厚度1.5mm")])
    bid = report("b", [line(1, "砖基础", "1、1.砖品种：MU20 (2)砂浆：M10；3、厚度1.5mm", price=1, amount=10)])
    assert kinds(compare(tender, [bid])) == []
    changed = report("b", [line(1, "砖基础", "1.砖品种：MU20\n2.砂浆：M10\n3.厚度2.5mm", price=1, amount=10)])
    assert kinds(compare(tender, [changed])) == [("features_changed", "砖基础")]


def xml_line(n, name, price, amount, unit_path, sheet):
    checked = line(n, name, price=price, amount=amount, sheet=sheet)
    item = checked.item
    where = Provenance(file="x.xml", sheet=sheet, first_row=n * 10, last_row=n * 10 + 5,
                       location=f"{unit_path}/BQTable[1]/BQTitle[1]/BQItem[{n}]")
    return CheckedItem(item=LineItem.build({**item.__dict__, "provenance": where}))


def test_totals_without_rows_cover_the_lines_under_their_element():
    unit = "/Project/Building[1]/JobList[1]"
    lines_ = [xml_line(1, "墙", 10, 100, unit, "土建"), xml_line(2, "地面", 20, 200, unit, "土建")]
    tender = report("t", [line(1, "墙"), line(2, "地面")])
    good = [DeclaredTotal("section", "分部分项清单", 300, "土建", None, unit + "/BQTable[1]/BQTitle[1]"),
            DeclaredTotal("unit", "土建", 420, "土建", None, unit),  # adds measures, fees and tax
            DeclaredTotal("bill", "投标总价", 420, None, None, "/Project/TenderInfo[1]")]
    result = compare(tender, [report("b", lines_, good)])
    assert kinds(result) == [] and result.bidders[0].total == 420
    bad = [DeclaredTotal("section", "分部分项清单", 290, "土建", None, unit + "/BQTable[1]/BQTitle[1]"),
           DeclaredTotal("unit", "土建", 280, "土建", None, unit)]
    found = compare(tender, [report("b", lines_, bad)]).bidders[0].deviations
    assert [(d.kind, d.note) for d in found] == [("total_mismatch", "total_mismatch"),
                                                 ("total_mismatch", "total_below_lines")]


def test_a_summary_sheet_is_not_judged_but_gives_the_bill_total():
    tender = report("t", [line(1, "墙"), line(2, "地面")])
    items = [line(1, "墙", price=10, amount=100), line(2, "地面", price=20, amount=200)]
    summary = [DeclaredTotal("unit", "分部分项工程", 300, "汇总表", 4), DeclaredTotal("unit", "规费", 12, "汇总表", 5),
               DeclaredTotal("unit", "税金", 28, "汇总表", 6), DeclaredTotal("sheet", "合计", 340, "汇总表", 7)]
    result = compare(tender, [report("b", items, summary)])
    assert kinds(result) == [] and result.bidders[0].total == 340


def test_a_section_heading_that_states_its_amount_and_totals_under_totals():
    tender = report("t", [line(n, f"项{n}") for n in (2, 3, 5, 6)])
    items = [line(2, "项2", price=10, amount=100), line(3, "项3", price=10, amount=100),
             line(5, "项5", price=5, amount=50), line(6, "项6", price=5, amount=50)]
    totals = [DeclaredTotal("section", "一、土建", 200, "表-08", 1), DeclaredTotal("section", "二、安装", 100, "表-08", 4),
              DeclaredTotal("section", "分部分项合计小计", 300, "表-08", 7),
              DeclaredTotal("sheet", "含规费合计", 330, "表-08", 8)]  # right under another total: may add fees
    assert kinds(compare(tender, [report("b", items, totals)])) == []
    wrong = totals[:1] + [DeclaredTotal("section", "二、安装", 90, "表-08", 4)] + totals[2:]
    assert [d.note for d in compare(tender, [report("b", items, wrong)]).bidders[0].deviations] == ["total_mismatch"]


def test_a_line_whose_unit_changed_is_not_price_compared():
    tender = report("t", [line(1, "墙", unit="m2")])
    control = report("c", [line(1, "墙", unit="m2", price=100, amount=1000)])
    bid = report("b", [line(1, "墙", unit="m", price=30, amount=300)])
    assert kinds(compare(tender, [bid], control)) == [("unit_changed", "墙")]


def test_what_could_not_be_compared_is_said():
    tender = report("t", [line(1, "墙")])
    bids = [report("b", [line(1, "墙", price=1, amount=10)])]
    assert compare(tender, bids).warnings == ("price_no_reference",)
    unread = report("c", [], error="encrypted")
    assert compare(tender, bids, unread).warnings == ("price_control_unread", "price_no_reference")
    assert compare(tender, bids * 3).warnings == ()


# ---- the per-file check through the batch runner, and the config file ----

def test_a_bid_that_hangs_its_check_is_one_line_and_the_others_are_compared(generated, tmp_path, monkeypatch):
    """Every file is checked in a worker process with the CLI's time limit: a check that ignores its polite timer
    (a reader looping in native code) is killed at the limit, and the review goes on."""
    import time as clock

    import checker.engine
    from checker.run import pool as runner

    real = checker.engine.check_file

    def stuck_on_hang(path, *args, **kwargs):
        if "hang" in path:
            deadline = clock.monotonic() + 30
            while clock.monotonic() < deadline:  # swallows FileTimeLimit, as a stuck native reader would
                try:
                    clock.sleep(0.05)
                except BaseException:
                    pass
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checker.engine, "check_file", stuck_on_hang)
    monkeypatch.setattr(runner, "START", "fork")  # the workers inherit the patched check
    hang = tmp_path / "hang.xlsx"
    hang.write_bytes(Path(generated["bid2"]).read_bytes())
    out = tmp_path / "r.json"
    started = clock.monotonic()
    result = run("compare", generated["tender"], hang, generated["bid1"], "--time-limit", "4", "--jobs", "2",
                 "--format", "json", "-o", out)
    assert clock.monotonic() - started < 25
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("gbm-check: ")]
    assert lines == [f"gbm-check: {hang}: 未检查：超过每个文件 4 秒的时间上限（--time-limit）"]  # Chinese by default
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [b["status"] for b in report["bidders"]] == ["error", "ok"] and report["bidders"][1]["deviations"]


def test_compare_takes_fail_on_formats_and_band_from_the_config(generated, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gbm-check.toml").write_text(
        '[compare]\nfail-on = "never"\nband = 50\nformats = { json = "reports/review.json", text = "-" }\n'
        '[profile]\nbid-date = 2026-11-24\n', encoding="utf-8")
    args = ["compare", generated["tender"], generated["bid1"], "--control-price", generated["control"]]
    result = run(*args)
    assert result.exit_code == 0 and "清标比对报告" in result.stdout
    report = json.loads((tmp_path / "reports" / "review.json").read_text(encoding="utf-8"))
    assert not [d for d in report["bidders"][0]["deviations"] if d["kind"] in ("price_high", "price_low")]
    assert run(*args, "--fail-on", "error").exit_code == 1  # the command line wins
    (tmp_path / "gbm-check.toml").write_text('[compare]\nformats = ["sarif"]\n', encoding="utf-8")
    refused = run(*args)
    assert refused.exit_code == 2 and "unknown [compare] format 'sarif'" in refused.stderr
    (tmp_path / "gbm-check.toml").write_text('[compare]\nfail-on = "banned"\n', encoding="utf-8")
    assert "compare fail-on must be one of error, warning, never" in run(*args).stderr


def test_re_measured_quantities_and_prices_beyond_fen_are_warnings():
    def remeasured(row, name, quantity, rechecked, price=10.0):
        checked = line(row, name, quantity=quantity, price=price, amount=round(quantity * price, 2))
        item = checked.item.__class__.build({**checked.item.__dict__, "rechecked_quantity": rechecked})
        return CheckedItem(item=item, findings=(), green_categories=())

    tender = report("t", [line(1, "吊顶", quantity=140.5), line(2, "墙面", quantity=88.0), line(3, "地面", quantity=12.0),
                          line(4, "税金", unit="项", quantity=1)])
    bid = report("b", [remeasured(1, "吊顶", 140.5, 138.25), remeasured(2, "墙面", 88.0, 88.0004),
                       remeasured(3, "地面", 12.0, None, price=33.3333),
                       line(4, "税金", unit="项", quantity=1, price=0.0348,  # a rate: its decimals are right
                            amount=round(0.0348 * (1405 + 880 + round(12 * 33.3333, 2)), 2))])
    found = compare(tender, [bid]).bidders[0]
    assert kinds(compare(tender, [bid])) == [("quantity_rechecked", "吊顶"), ("unrounded_price", "地面")]
    rechecked, unrounded = found.deviations
    assert (rechecked.severity, rechecked.expected, rechecked.actual) == ("warning", 140.5, 138.25)
    assert (unrounded.severity, unrounded.expected, unrounded.actual) == ("warning", 33.33, 33.3333)
    assert found.verdict == "review"
    from checker.compare.render.json_report import deviation_dict  # the JSON lines carry the re-measured figure

    assert deviation_dict(rechecked, "zh")["bid"]["rechecked_quantity"] == 138.25
    facts = deviation_dict(rechecked, "zh")["facts"]  # less than the tender's: both negative, in every format
    assert facts["difference"] == pytest.approx(-2.25) and facts["share"] == pytest.approx(-2.25 / 140.5)
    assert all("-1.6%" in detail(rechecked, lang) for lang in ("zh", "en"))
    assert deviation_dict(unrounded, "en")["bid"]["rechecked_quantity"] is None
