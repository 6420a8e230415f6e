"""Waivers: accepted exceptions stay in every report as waived, stop counting, and expire loudly."""
import datetime as _dt
import json

import pytest
from click.testing import CliRunner

from checker.gate import waivers
from checker.cli import main
from checker.gate.fingerprint import item_fingerprint
from checker.report import renderer

from .conftest import make_run

FUTURE, PAST = "2099-12-31", "2020-01-01"


def waiver_file(tmp_path, *entries, name="waivers.toml"):
    text = ""
    for entry in entries:
        text += "[[waiver]]\n" + "".join(f'{k} = {v if k == "expires" else json.dumps(v, ensure_ascii=False)}\n'
                                         for k, v in entry.items()) + "\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def entry(rule="NPOL-01", item="010401003001", expires=FUTURE, **extra):
    return {"rule": rule, "item": item, "reason": "设计变更：拆除旧墙利用", "approver": "张工", "expires": expires,
            **extra}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_parse_reads_every_field(tmp_path):
    [waiver] = waivers.load(waiver_file(tmp_path, entry(file="bill*.xlsx")))
    assert (waiver.rule, waiver.item, waiver.approver, waiver.file) == ("NPOL-01", "010401003001", "张工", "bill*.xlsx")
    assert waiver.expires == _dt.date(2099, 12, 31) and waiver.origin.endswith("waivers.toml#1")


@pytest.mark.parametrize("bad, message", [
    ({"rule": "NPOL-01", "item": "x", "reason": "r", "expires": FUTURE}, "missing approver"),
    ({**entry(), "expiry_date": FUTURE}, "unknown key"),
    ({**entry(), "expires": '"next year"'}, "expires must be a date"),
])
def test_bad_waivers_are_usage_errors(tmp_path, report_bill, bad, message):
    path = waiver_file(tmp_path, bad)
    with pytest.raises(waivers.WaiverError, match=message):
        waivers.load(path)
    result = invoke("check", report_bill, "--waivers", path)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_waived_findings_stay_in_the_report_and_stop_counting(tmp_path, report_bill):
    # both banned lines waived: the brick wall by code, the mixed-on-site concrete by text (two rules)
    path = waiver_file(tmp_path, entry(), entry(rule="NPOL-05", item="现场搅拌混凝土"),
                       entry(rule="SD-LC-01", item="现场搅拌混凝土"))
    out = tmp_path / "r.json"
    result = invoke("check", report_bill, "--waivers", path, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    brick = next(i for i in report["items"] if i["code"] == "010401003001")
    assert brick["status"] == "banned"  # still reported as what it is
    npol = next(f for f in brick["findings"] if f["rule"] == "NPOL-01")
    assert npol["waived"] is True and npol["waiver"]["reason"] == "设计变更：拆除旧墙利用"
    assert npol["waiver"]["approver"] == "张工" and npol["waiver"]["expires"] == FUTURE
    assert not next(f for f in brick["findings"] if f["rule"] == "N659-03")["waived"]  # other rules are not
    assert report["summary"]["waived_findings"] == 3 and report["summary"]["failing_findings"] == 0
    assert report["verdict"]["result"] == "review"  # the restricted lines still need a look
    # restricted findings are not waived, so a stricter gate still fails
    assert invoke("check", report_bill, "--waivers", path, "--fail-on", "restricted").exit_code == 1


def test_waived_finding_shows_in_text_html_sarif_junit_and_xlsx(tmp_path, report_bill):
    run = make_run([report_bill])
    waivers.apply(run, waivers.load(waiver_file(tmp_path, entry())))
    assert "已豁免：设计变更：拆除旧墙利用（批准：张工，有效期至 2099-12-31）" in renderer("text")(run)
    assert "waived: 设计变更：拆除旧墙利用 (approved by 张工, until 2099-12-31)" in renderer("text")(run, lang="en")
    html = renderer("html")(run)
    assert "设计变更：拆除旧墙利用（批准：张工，有效期至 2099-12-31）" in html
    sarif = json.loads(renderer("sarif")(run))
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["NPOL-01"]
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert "设计变更" in renderer("junit")(run)
    from openpyxl import load_workbook

    renderer("xlsx")(run, str(tmp_path / "w.xlsx"))
    sheet = load_workbook(tmp_path / "w.xlsx")["检查结果清单"]
    waived_rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 16).value == "是"]
    assert [sheet.cell(r, 8).value for r in waived_rows] == ["NPOL-01"]
    assert sheet.cell(waived_rows[0], 17).value == "设计变更：拆除旧墙利用"


def test_expired_waiver_stops_applying_and_is_reported(tmp_path, report_bill):
    path = waiver_file(tmp_path, entry(expires=PAST))
    out = tmp_path / "r.json"
    result = invoke("check", report_bill, "--waivers", path, "--format", "json", "-o", out)
    assert result.exit_code == 1
    assert "豁免已于 2020-01-01 过期" in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [w["rule"] for w in report["expired_waivers"]] == ["NPOL-01"]
    assert any("expired" in w for w in report["warnings"])
    assert not any(f["waived"] for i in report["items"] for f in i["findings"])
    text = invoke("check", report_bill, "--waivers", path).stdout
    assert "注意：豁免已于 2020-01-01 过期" in text
    assert "warning: waiver expired on 2020-01-01" in invoke("check", report_bill, "--waivers", path, "--lang", "en").stdout
    html = invoke("check", report_bill, "--waivers", path, "--format", "html").stdout
    assert "豁免已过期（有效期至 2020-01-01），不再适用：NPOL-01「010401003001」（批准：张工" in html


def test_waiver_matching_rule_file_and_fingerprint(tmp_path, report_bill):
    run = make_run([report_bill])
    finding = run.files[0].items[1].findings[0]
    checked = run.files[0].items[1]
    path = run.files[0].read.path
    make = lambda **kw: waivers.parse({"waiver": [entry(expires=_dt.date(2099, 1, 1), **kw)]})[0]
    assert waivers.covers(make(), path, checked, finding)
    assert not waivers.covers(make(rule="NPOL-05"), path, checked, finding)
    assert waivers.covers(make(item="实心黏土砖"), path, checked, finding)  # text, normalised (黏 = 粘)
    assert not waivers.covers(make(item="加气混凝土"), path, checked, finding)
    assert waivers.covers(make(item=item_fingerprint(checked.item, finding.rule)), path, checked, finding)
    assert not waivers.covers(make(file="other*.xlsx"), path, checked, finding)
    assert waivers.covers(make(file="bill.*"), path, checked, finding)
