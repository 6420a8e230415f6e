"""Baselines: fail only on findings the baseline report does not hold, counted as a multiset."""
import json

from click.testing import CliRunner

from checker.cli import main

from .conftest import REPORT_BILL, write_bill


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def baseline_of(bill, tmp_path):
    out = tmp_path / "baseline.json"
    assert invoke("check", bill, "--format", "json", "-o", out).exit_code in (0, 1)
    return out


def test_same_bill_passes_against_its_own_baseline(tmp_path, report_bill):
    base = baseline_of(report_bill, tmp_path)
    out = tmp_path / "r.json"
    result = invoke("check", report_bill, "--baseline", base, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {f["baseline"] for i in report["items"] for f in i["findings"]} == {"known"}
    assert report["gate"]["baseline"] == str(base) and report["summary"]["failing_findings"] == 0
    assert report["verdict"]["result"] == "fail"  # the bill still has a banned line: the verdict says so


def test_inserted_rows_do_not_make_findings_new(tmp_path, report_bill):
    base = baseline_of(report_bill, tmp_path)
    moved = tmp_path / "v2"
    moved.mkdir()
    rows = REPORT_BILL[:2] + [[0, "010101002001", "挖一般土方", "三类土", "m3", 1, 1, 1]] + REPORT_BILL[2:]
    bill = write_bill(moved / "bill.xlsx", rows, above=2)
    assert invoke("check", bill, "--baseline", base).exit_code == 0


def test_a_new_identical_finding_still_counts(tmp_path, report_bill):
    base = baseline_of(report_bill, tmp_path)
    moved = tmp_path / "v2"
    moved.mkdir()
    bill = write_bill(moved / "bill.xlsx", REPORT_BILL + [REPORT_BILL[2]])  # the banned brick wall twice
    out = tmp_path / "r.json"
    result = invoke("check", bill, "--baseline", base, "--format", "json", "-o", out)
    assert result.exit_code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    states = [f["baseline"] for i in report["items"] if i["code"] == "010401003001" for f in i["findings"]
              if f["rule"] == "NPOL-01"]
    assert sorted(states) == ["known", "new"]
    assert report["summary"]["failing_findings"] == 1


def test_a_new_banned_line_fails(tmp_path, report_bill):
    clean = write_bill(tmp_path / "v1.xlsx", [REPORT_BILL[0], REPORT_BILL[1], REPORT_BILL[3]])
    base = baseline_of(clean, tmp_path)
    later = tmp_path / "v2"
    later.mkdir()
    bill = write_bill(later / "v1.xlsx", REPORT_BILL)
    assert invoke("check", bill, "--baseline", base).exit_code == 1


def test_baseline_without_fingerprints_is_recomputed_from_items(tmp_path, report_bill):
    base = baseline_of(report_bill, tmp_path)
    report = json.loads(base.read_text(encoding="utf-8"))
    for item in report["items"]:
        for finding in item["findings"]:
            del finding["fingerprint"]
    base.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    assert invoke("check", report_bill, "--baseline", base).exit_code == 0


def test_a_baseline_that_is_not_a_report_is_a_usage_error(tmp_path, report_bill):
    bad = tmp_path / "bad.json"
    bad.write_text('{"results": []}', encoding="utf-8")
    result = invoke("check", report_bill, "--baseline", bad)
    assert result.exit_code == 2 and "not a gbm-check JSON report" in result.stderr


def test_sarif_baseline_state(tmp_path, report_bill):
    base = baseline_of(report_bill, tmp_path)
    out = tmp_path / "r.sarif"
    invoke("check", report_bill, "--baseline", base, "--format", "sarif", "-o", out)
    results = json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {r["baselineState"] for r in results} == {"unchanged"}
