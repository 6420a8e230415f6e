"""What a CI maintainer expects: a summary line, quiet and colourless runs, format aliases, warnings for stale
waivers and baselines, explain that forgives case, a pre-commit hook and a GitHub action."""
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.cli import main
from checker.cli.check import wants_color
from checker.report import renderer

from .conftest import REPORT_BILL, make_run, write_bill

REPO = Path(__file__).resolve().parents[1]


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture
def bill(tmp_path):
    return write_bill(tmp_path / "bill.xlsx", REPORT_BILL)


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


def test_summary_line_counts_files_failing_findings_and_exit_code(bill, broken):
    result = invoke("check", bill, broken)
    assert result.exit_code == 2
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last == "gbm-check: 2 个文件，1 个未检查，3 条未通过的发现（禁用 3），退出码 2"
    english = invoke("check", bill, broken, "--lang", "en").stdout.rstrip("\n").splitlines()[-1]
    assert english == "gbm-check: 2 files, 1 not checked, 3 failing findings (banned 3), exit 2"


def test_summary_goes_to_stderr_when_stdout_holds_a_machine_report(bill):
    result = invoke("check", bill, "-f", "json")
    json.loads(result.stdout)  # nothing but the JSON on stdout
    assert result.stderr.rstrip("\n").splitlines()[-1].startswith("gbm-check: 1 个文件")


def test_json_gate_tells_findings_from_unreadable_files(bill, broken, tmp_path):
    out = tmp_path / "r.json"
    invoke("check", bill, broken, "--format", "json", "-o", out)
    gate = json.loads(out.read_text(encoding="utf-8"))["gate"]
    assert gate["failing_findings"] == 3 and gate["failing_banned"] == 3
    assert gate["files_not_checked"] == 1 and gate["exit_code"] == 2


def test_quiet_prints_only_the_summary_and_unreadable_files(bill, broken, tmp_path):
    result = invoke("check", bill, broken, "-q", "--output-format", "json", "-o", tmp_path / "r.json")
    assert result.stdout.splitlines() == ["gbm-check: 2 个文件，1 个未检查，3 条未通过的发现（禁用 3），退出码 2"]
    assert result.stderr.count("\n") == 1 and "broken.xlsx" in result.stderr  # the file not checked, nothing else
    assert (tmp_path / "r.json").exists()
    bare = invoke("check", bill, "--quiet")
    assert bare.stdout.count("\n") == 1 and bare.exit_code == 1


def test_format_aliases(bill):
    for flag in ("-f", "--format", "--output-format"):
        assert json.loads(invoke("check", bill, flag, "json").stdout)["schema"] == "gbm-check/report@2"


def test_colour_only_on_a_terminal_without_no_color(bill):
    tty = type("TTY", (), {"isatty": lambda self: True})()
    assert wants_color(False, {}, tty)
    assert not wants_color(True, {}, tty)
    assert not wants_color(False, {"NO_COLOR": "1"}, tty)
    assert not wants_color(False, {}, io.StringIO())
    run = make_run([bill])
    assert "\x1b[" in renderer("text")(run, color=True) and "\x1b[" not in renderer("text")(run)
    assert "\x1b[" not in invoke("check", bill, env={"NO_COLOR": "1"}).stdout


def test_unused_waiver_and_foreign_baseline_are_warned(bill, tmp_path):
    waivers = tmp_path / "w.toml"
    waivers.write_text('[[waiver]]\nrule = "NPOL-01"\nitem = "999999999999"\nreason = "r"\napprover = "a"\n'
                       "expires = 2099-01-01\n", encoding="utf-8")
    result = invoke("check", bill, "--waivers", waivers)
    assert "豁免未匹配任何发现：NPOL-01「999999999999」" in result.stderr
    assert "注意：豁免未匹配任何发现" in result.stdout  # and in the report
    baseline = tmp_path / "base.json"
    invoke("check", bill, "-f", "json", "-o", baseline)
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(bill, renamed)
    result = invoke("check", renamed, "--baseline", baseline, "--lang", "en")
    assert "the baseline" in result.stderr and "has findings for bill.xlsx but none of the files" in result.stderr
    assert result.exit_code == 1  # nothing matched: every finding is new
    same = invoke("check", bill, "--baseline", baseline)
    assert "基线" not in same.stderr and same.exit_code == 0


def test_explain_any_case_by_name_and_with_suggestions():
    lower = invoke("explain", "npol-01")
    assert lower.exit_code == 0 and lower.stdout.startswith("NPOL-01  实心粘土砖")
    by_name = invoke("explain", "实心粘土砖")
    assert by_name.exit_code == 0 and "NPOL-01" in by_name.stdout
    typo = invoke("explain", "实心粘士砖")  # a look-alike character
    assert typo.exit_code == 2 and "did you mean" in typo.stderr and "NPOL-01" in typo.stderr


def test_github_action_installs_runs_and_uploads_sarif():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("pip install" in step.get("run", "") for step in steps)
    run = next(step for step in steps if "gbm-check check" in step.get("run", ""))
    assert "-f sarif" in run["run"] and "${{" not in run["run"]  # inputs reach the shell through env only
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "exit" in steps[-1]["run"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_hook_with_the_real_pre_commit(tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "gbm-check" and hooks[0]["entry"] == "gbm-check check"
    project = tmp_path / "project"
    project.mkdir()
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t", PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    git = ["git", "-C", str(project)]
    subprocess.run(git + ["init", "-q"], check=True, env=env)
    write_bill(project / "bill.xlsx", REPORT_BILL)
    clean = [REPORT_BILL[0], REPORT_BILL[1]]
    write_bill(project / "clean.xlsx", clean)
    subprocess.run(git + ["add", "."], check=True, env=env)

    def try_repo(*files):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "gbm-check", "--files",
                               *files], cwd=project, env=env, capture_output=True, text=True, timeout=900)

    failing = try_repo("bill.xlsx")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "NPOL-01" in failing.stdout and "gbm-check: 1 个文件" in failing.stdout
    passing = try_repo("clean.xlsx")
    assert passing.returncode == 0, passing.stdout + passing.stderr
