"""Config in pyproject.toml [tool.gbm-check] or gbm-check.toml; command-line flags win."""
import datetime as _dt
import json

import pytest
from click.testing import CliRunner

from checker import config
from checker.cli import main


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_pyproject_table_sets_the_fail_level(in_tmp, report_bill):
    # the fixture bill has no restricted-only gate by default: banned lines fail, so use never to see the effect
    (in_tmp / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.gbm-check]\nfail-on = "never"\n',
                                           encoding="utf-8")
    assert invoke("check", report_bill).exit_code == 0
    assert invoke("check", report_bill, "--fail-on", "banned").exit_code == 1  # the flag wins


def test_pyproject_without_our_table_is_ignored(in_tmp, report_bill):
    (in_tmp / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert config.find(in_tmp) is None
    assert invoke("check", report_bill).exit_code == 1


def test_gbm_check_toml_wins_over_pyproject(in_tmp, report_bill):
    (in_tmp / "pyproject.toml").write_text('[tool.gbm-check]\nfail-on = "never"\n', encoding="utf-8")
    (in_tmp / "gbm-check.toml").write_text('fail-on = "banned"\n', encoding="utf-8")
    assert config.find(in_tmp).name == "gbm-check.toml"
    assert invoke("check", report_bill).exit_code == 1


def test_formats_catalogs_waivers_and_profile_from_config(in_tmp, report_bill):
    sub = in_tmp / "ci"
    sub.mkdir()
    (sub / "waivers.toml").write_text('[[waiver]]\nrule = "NPOL-01"\nitem = "010401003001"\nreason = "r"\n'
                                      'approver = "a"\nexpires = 2099-01-01\n', encoding="utf-8")
    (sub / "gbm-check.toml").write_text(
        'formats = { json = "out/r.json", html = "out/r.html" }\n'
        'waivers = "waivers.toml"\n'
        '[profile]\ncity = "济南"\nbid-date = 2026-01-15\nurban-area = false\ngovernment-invested = true\n',
        encoding="utf-8")
    result = invoke("check", report_bill, "--config", sub / "gbm-check.toml")
    assert result.stdout.startswith("gbm-check: 1 个文件") and result.stdout.count("\n") == 1  # reports went to files
    report = json.loads((sub / "out" / "r.json").read_text(encoding="utf-8"))  # relative to the config file
    assert (sub / "out" / "r.html").exists()
    assert report["profile"]["city"] == "济南" and report["profile"]["bid_date"] == "2026-01-15"
    assert report["profile"]["urban_area"] is False
    assert any(f["waived"] for i in report["items"] for f in i["findings"])
    # flags win: --city and --format replace the config's
    result = invoke("check", report_bill, "--config", sub / "gbm-check.toml", "--city", "聊城", "--format", "json")
    assert json.loads(result.stdout)["profile"]["city"] == "聊城"


def test_catalogs_from_config_are_loaded(in_tmp, report_bill):
    (in_tmp / "gbm-check.toml").write_text('catalogs = ["missing.json"]\n', encoding="utf-8")
    result = invoke("check", report_bill)
    assert result.exit_code == 2 and "missing.json" in result.stderr


@pytest.mark.parametrize("text, message", [
    ('fail_on = "sometimes"\n', "fail-on must be one of"),
    ('colour = true\n', "unknown key"),
    ('formats = { pdf = "r.pdf" }\n', "unknown format"),
    ('formats = ["json", "html"]\n', "at most one format"),
    ('[profile]\nurban-area = "yes"\n', "must be true, false or"),
    ('fail-on = \n', "not a TOML file"),
])
def test_bad_config_is_a_usage_error(in_tmp, report_bill, text, message):
    (in_tmp / "gbm-check.toml").write_text(text, encoding="utf-8")
    result = invoke("check", report_bill)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_parse_profile_and_formats_list(tmp_path):
    parsed = config.parse({"formats": ["sarif"], "profile": {"bid-date": "2026-03-01", "city": "聊城"}},
                          tmp_path / "gbm-check.toml", formats=("text", "sarif"))
    assert parsed.outputs == [("sarif", None)]
    assert parsed.profile == {"bid_date": _dt.date(2026, 3, 1), "city": "聊城"}
