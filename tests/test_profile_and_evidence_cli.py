"""Issue 7 as a user meets it: profile flags, a certificate registry, adoption figures in every format."""
import json

from click.testing import CliRunner

from checker.cli import main

from .conftest import REPO

REGISTRY = str(REPO / "sample_bills" / "example_certificate_registry.csv")
MATERIALS = str(REPO / "sample_bills" / "liaocheng_brand_materials.csv")
HEADER = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_registry_gives_evidence_uncertified_findings_and_adoption_in_json(tmp_path):
    out = tmp_path / "r.json"
    result = run("check", MATERIALS, "--registry", REGISTRY, "--bid-date", "2026-11-24", "--format", "json", "-o", str(out))
    assert result.exit_code == 0  # uncertified is a warning by default; the gate is banned
    report = json.loads(out.read_text(encoding="utf-8"))
    by_seq = {i["seq"]: i for i in report["items"]}
    assert by_seq["1"]["certification"]["status"] == "certified"
    assert by_seq["1"]["certification"]["certificate"]["number"] == "EXAMPLE-0001"
    assert by_seq["2"]["certification"]["status"] == "expired"
    assert [f["kind"] for f in by_seq["6"]["findings"]] == ["uncertified"]
    assert "certification" not in by_seq["7"]  # HRB400E: not in a green category
    adoption = report["adoption"]
    assert (adoption["lines"], adoption["certified_lines"], adoption["amount"], adoption["certified_amount"]) == \
        (6, 2, 1772000, 1254000)
    assert sum(c["amount"] for c in adoption["categories"]) == adoption["amount"]
    assert report["registry"]["example_data"] is True
    assert report["summary"]["uncertified"] == 4 and report["summary"]["certified"] == 2
    assert any(r["rule"] == "GP-ADOPTION" for r in report["undecided_rules"])


def test_uncertified_as_error_fails_the_gate():
    assert run("check", MATERIALS, "--registry", REGISTRY, "--uncertified", "error").exit_code == 1
    assert run("check", MATERIALS, "--registry", REGISTRY, "--fail-on", "restricted").exit_code == 1
    assert run("check", MATERIALS, "--registry", REGISTRY, "--fail-on", "never", "--uncertified", "error").exit_code == 0


def test_not_government_invested_means_no_uncertified_findings():
    out = run("check", MATERIALS, "--registry", REGISTRY, "--government-invested", "no", "--format", "json").stdout
    report = json.loads(out)
    assert report["summary"]["uncertified"] == 0 and report["adoption"]["certified_lines"] == 2


def test_profile_flags_decide_scope_rules(make_xlsx):
    bill = make_xlsx({"s": [HEADER, [1, "010502001001", "矩形柱", "现场搅拌混凝土 C30", "m3", 1, 1, 1],
                            [2, "011703001001", "垂直运输", "龙门架物料提升机", "项", 1, 1, 1]]})
    rules = lambda args: {f["rule"]: f for i in json.loads(run("check", str(bill), "--format", "json", *args).stdout)["items"]
                          for f in i["findings"]}
    outside = rules(["--urban-area", "no", "--height", "18"])
    assert outside["NPOL-05"]["kind"] == "not_applicable" and outside["N21-10"]["kind"] == "not_applicable"
    tall = rules(["--height", "30"])
    assert tall["NPOL-05"]["kind"] == "banned" and tall["N21-10"]["severity"] == "error"
    unknown = json.loads(run("check", str(bill), "--format", "json", "--urban-area", "unknown").stdout)
    assert unknown["profile"]["urban_area"] is None
    assert any(r["rule"] == "NPOL-05" for r in unknown["undecided_rules"])


def test_text_report_shows_profile_adoption_and_undecided_rules():
    text = run("check", MATERIALS, "--registry", REGISTRY, "--project-type", "学校", "--district", "东昌府区",
               "--lang", "en").stdout
    assert "profile: 聊城 东昌府区" in text and "project type 学校" in text
    assert "certification: 2/6 green lines certified" in text and "2025 rule" in text
    assert "could not decide" in text and "uncertified" in text


def test_html_report_shows_adoption_and_undecided_rules(tmp_path):
    out = tmp_path / "r.html"
    run("check", MATERIALS, "--registry", REGISTRY, "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert 'id="certification"' in html and "1,772,000.00" in html and "示例数据" in html
    assert 'id="undecided"' in html and "GP-ADOPTION" in html


def test_without_registry_certification_is_reported_not_checked():
    text = run("check", MATERIALS, "--lang", "en").output
    assert "certification: not checked (no --registry)" in text


def test_bad_registry_is_a_usage_error(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("x,y\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", MATERIALS, "--registry", str(bad)])
    assert result.exit_code == 2 and "no header row" in result.stderr
