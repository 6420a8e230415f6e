"""The command line as a user runs it: exit codes, the JSON contract, bad inputs in a batch."""
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from checker.cli import main

BILL = [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"],
        [1, "010401003001", "实心砖墙", "1.砖品种：MU10实心粘土砖", "m3", 10, 500, 5000],
        [2, "010402001001", "砌块墙", "1.砌块品种：蒸压加气混凝土砌块\n2.注：严禁使用粘土砖", "m3", 5, 400, 2000],
        [3, "010516004001", "钢筋电渣压力焊接头", "1.规格：Φ18", "个", 20, 10, 200]]


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def bill(make_xlsx):
    return make_xlsx({"表-08": BILL})


def test_banned_line_fails_the_default_gate(bill):
    result = run("check", str(bill))
    assert result.exit_code == 1
    assert "NPOL-01" in result.output and "实心粘土砖" in result.output


def test_fail_on_never_and_restricted(bill):
    assert run("check", str(bill), "--fail-on", "never").exit_code == 0
    assert run("check", str(bill), "--fail-on", "restricted").exit_code == 1


def test_json_contract(bill, tmp_path):
    out = tmp_path / "report.json"
    result = run("check", str(bill), "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["schema"] == "gbm-check/report@2"
    assert set(report) >= {"schema", "tool", "catalogs", "files", "items", "summary"}
    assert {"id", "title", "edition", "source"} <= set(report["catalogs"][0])
    file = report["files"][0]
    assert {"path", "sha256", "format", "status", "error"} <= set(file) and file["status"] == "ok"
    item = report["items"][0]
    assert {"file", "sheet", "rows", "table", "seq", "code", "name", "features", "unit", "quantity", "unit_price",
            "amount", "green_categories", "findings"} <= set(item)
    assert item["rows"] == [2, 2] and item["code"] == "010401003001" and item["table"] == "boq"
    finding = next(f for f in item["findings"] if f["rule"] == "NPOL-01")
    assert {"rule", "kind", "severity", "evidence"} <= set(finding)
    assert {"entry", "source", "scope", "replacement"} <= set(report["rules"]["NPOL-01"])
    assert (finding["kind"], finding["severity"]) == ("banned", "error")
    negated = report["items"][1]
    assert not [f for f in negated["findings"] if f["kind"] in ("banned", "restricted")]
    assert negated["green_categories"][0] == "砌体材料"
    restricted = report["items"][2]["findings"][0]
    assert restricted["kind"] == "restricted" and restricted["needs_manual_check"]
    assert any("Shandong" in gap for gap in report["catalog_gaps"])


def test_a_bad_file_does_not_stop_the_batch(bill, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bill.read_bytes()[:300])
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["check", str(broken), str(bill), "--format", "json", "-o", str(out)])
    assert result.exit_code == 2
    report = json.loads(out.read_text(encoding="utf-8"))
    statuses = {f["path"].split("/")[-1]: f["status"] for f in report["files"]}
    assert statuses == {"broken.xlsx": "error", "bill.xlsx": "ok"}
    assert len(report["items"]) == 3
    assert "broken.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_report_is_never_written_over_an_input(bill):
    result = CliRunner().invoke(main, ["check", str(bill), "-o", str(bill)])
    assert result.exit_code == 2 and "拒绝写入" in result.stderr
    assert bill.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("command", [["check", "{bill}", "--format", "json"],
                                     ["compare", "{bill}", "{bill}", "--format", "json"],
                                     ["compare", "{bill}", "{bill}", "--format", "xlsx"]])
def test_a_report_that_cannot_be_written_is_said_in_the_report_language(bill, tmp_path, command):
    """The one line for a report that cannot be written speaks --lang, the operating system's reason too."""
    (tmp_path / "file").write_text("")
    target = str(tmp_path / "file" / "report")  # under a file: the operating system refuses
    args = [part.format(bill=bill) for part in command] + ["-o", target]
    chinese, english = (CliRunner().invoke(main, args + ["--lang", lang]) for lang in ("zh", "en"))
    assert chinese.exit_code == english.exit_code == 2
    assert chinese.stderr.startswith("gbm-check: 无法写入") and english.stderr.startswith("gbm-check: cannot write")
    assert not re.search("[A-Za-z]{4,}", chinese.stderr[len("gbm-check: "):].replace(target, "")), chinese.stderr


def test_directories_are_walked(bill, tmp_path):
    (tmp_path / "notes.md").write_text("not a bill")
    result = run("check", str(tmp_path), "--format", "json")
    report = json.loads(result.stdout)
    assert [f["path"].split("/")[-1] for f in report["files"]] == ["bill.xlsx"]


def test_python_dash_m_and_console_script_agree(bill):
    proc = subprocess.run([sys.executable, "-m", "checker", "check", str(bill), "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and json.loads(proc.stdout)["summary"]["banned"] == 1


def test_explain_and_catalog_commands():
    result = run("explain", "N24-09")
    assert result.exit_code == 0 and "source:" in result.output and "does not match" in result.output
    assert run("explain", "NOPE").exit_code == 2
    assert run("catalog", "validate").exit_code == 0
    listing = run("catalog", "list").output
    assert "national-tech" in listing and "green-national" in listing
    assert "N24-06" in run("catalog", "search", "纸胎油毡").output


def test_catalog_import_round_trip(tmp_path, make_xlsx):
    table = make_xlsx({"目录": [["山东省建设领域推广应用和限制、禁止使用技术产品目录"],
                                ["序号", "技术名称", "限制使用范围", "替代技术"],
                                ["一、限制使用类"], [1, "测试用限制产品甲", "不得用于高层建筑", "产品乙"],
                                ["二、禁止使用类"], [2, "测试用禁止产品丙", "", "产品丁"]]}, name="list.xlsx")
    out = tmp_path / "sd.json"
    result = run("catalog", "import", str(table), "-o", str(out), "--edition", "测试版", "--source", "测试文件")
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(e["list"], e["name"]) for e in doc["entries"]] == [("restricted", "测试用限制产品甲"),
                                                                ("banned", "测试用禁止产品丙")]
    assert doc["provincial"] is True
    bill = make_xlsx({"s": [BILL[0], [1, "010401001001", "砖基础", "采用测试用禁止产品丙", "m3", 1, 1, 1]]},
                     name="b.xlsx")
    checked = json.loads(run("check", str(bill), "--catalog", str(out), "--format", "json").stdout)
    assert checked["items"][0]["findings"][0]["rule"] == "SD-002"
    assert not any("Shandong" in gap for gap in checked["catalog_gaps"])


@pytest.mark.parametrize("code, status, stderr", [(None, 0, ""), (0, 0, ""), (3, 3, ""), ("没有可读的清单", 1, "没有可读的清单")])
def test_the_executable_leaves_as_sys_exit_would(code, status, stderr):
    """``launch.leave`` skips the interpreter's teardown, not what an exit owes: the status ``sys.exit`` would
    give, exit handlers run, buffered output flushed."""
    script = ("import atexit, sys\nfrom checker.launch import leave\n"
              "atexit.register(lambda: print('handler ran'))\n"
              f"print('buffered', end=' ')\nleave({code!r})\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == status
    assert proc.stdout == "buffered handler ran\n"
    assert proc.stderr.strip() == stderr


def test_the_executable_writes_its_report_whole_before_it_leaves(bill, tmp_path):
    """The command's report and summary line are complete when the process has left (``python -m checker``
    ends through ``launch.leave``)."""
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "checker", "check", str(bill), "-f", "json", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["banned"] >= 1
    assert "退出码 1" in proc.stdout.splitlines()[-1] and proc.stderr.startswith("gbm-check: 已写入")
