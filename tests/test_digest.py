"""A batch's files digested by their workers (``checker.report.digest``): the same report, less work in the command."""
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import check as check_command
from checker.cli import main
from checker.engine import FAIL_KINDS, RunReport, summarise
from checker.judge.rules import Profile
from checker.match.catalog import load_catalogs
from checker.report import json_report
from checker.report.digest import DigestSpec
from checker.report.stream import ReportOptions, Sink
from checker.run import CheckSettings, check_files
from checker.run import pool as runner
from tools import hostile

SAMPLES = Path(__file__).resolve().parent.parent / "sample_bills"


@pytest.fixture(autouse=True)
def forked_workers(monkeypatch):
    monkeypatch.setattr(runner, "START", "fork")


@pytest.fixture
def batch(tmp_path):
    """The shipped sample bills, a bill with a banned line, and a file that cannot be read."""
    folder = tmp_path / "bills"
    folder.mkdir()
    for path in SAMPLES.glob("liaocheng_*"):
        shutil.copy(path, folder / path.name)
    (folder / "banned.xlsx").write_bytes(hostile.xlsx_bill())
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return sorted(str(p) for p in folder.iterdir())


def _json(reports, catalogs, fail_on: str) -> str:
    run = RunReport(catalogs=catalogs, profile=Profile(), fail_on=fail_on)
    writer = json_report.Writer(Sink(), ReportOptions(now=None))
    writer.begin(run)
    for report in reports:
        writer.add(report, run.add(report))
    writer.end(run)
    return _steady(writer.sink.stream.getvalue().decode("utf-8"))


def _steady(text: str) -> str:
    """The report without what differs from run to run (seconds spent)."""
    return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)


@pytest.mark.parametrize("fail_on", ["banned", "restricted"])
def test_digested_files_give_the_same_report_byte_for_byte(batch, fail_on):
    catalogs = load_catalogs(())
    settings = CheckSettings(catalogs, Profile())
    spec = DigestSpec(fail_kinds=FAIL_KINDS[fail_on], json_items=True)
    digested = list(check_files(batch, settings, jobs=2, digest=spec))
    assert all(r.digest is not None and r.items == () for r in digested)
    assert sum(r.digest.lines for r in digested) > 100
    direct = list(check_files(batch, settings, isolate=False))
    assert sum(len(r.items) for r in direct) == sum(r.digest.lines for r in digested)
    for report, plain in zip(digested, direct):
        assert report.digest.counts == summarise(plain, FAIL_KINDS[fail_on])[0]
    assert _json(digested, catalogs, fail_on) == _json(direct, catalogs, fail_on)


def test_a_digest_without_json_items_still_counts(batch):
    settings = CheckSettings(load_catalogs(()), Profile())
    reports = list(check_files(batch, settings, jobs=2, digest=DigestSpec(FAIL_KINDS["banned"], json_items=False)))
    assert all(r.digest.json_items == b"" for r in reports)
    assert sum(r.digest.counts["banned"] for r in reports) >= 1


def _spy(monkeypatch) -> list:
    asked = []
    real = check_command.check_files

    def spy(*args, **kwargs):
        asked.append(kwargs.get("digest"))
        return real(*args, **kwargs)

    monkeypatch.setattr(check_command, "check_files", spy)
    return asked


def test_the_command_digests_a_json_batch_and_writes_what_it_writes_without(batch, tmp_path, monkeypatch):
    asked = _spy(monkeypatch)
    folder = str(Path(batch[0]).parent)
    alone, together = tmp_path / "alone.json", tmp_path / "together.json"
    first = CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(alone)])
    second = CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(together),
                                       "-f", "sarif", "-o", str(tmp_path / "r.sarif")])
    assert first.exit_code == second.exit_code == 2  # a banned line and a file not checked
    assert asked[0] is not None and asked[1] is None  # SARIF reads the lines: no digest
    steady = [re.sub(r'"(seconds|started|generated|date)": "?[^,\n]*', "", p.read_text(encoding="utf-8"))
              for p in (alone, together)]
    assert steady[0] == steady[1]
    assert json.loads(alone.read_text(encoding="utf-8"))["summary"]["files_error"] == 1


def test_no_digest_for_one_file_or_where_the_command_marks_lines(batch, tmp_path, monkeypatch):
    asked = _spy(monkeypatch)
    waivers = tmp_path / "waivers.toml"
    waivers.write_text('[[waiver]]\nrule = "NPOL-01"\nitem = "*"\nreason = "test"\napprover = "QA"\n'
                       'expires = 2999-01-01\n', encoding="utf-8")
    folder = str(Path(batch[0]).parent)
    CliRunner().invoke(main, ["check", batch[0], "-q", "-f", "json", "-o", str(tmp_path / "one.json")])
    CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(tmp_path / "w.json"),
                              "--waivers", str(waivers)])
    CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(tmp_path / "s.json"),
                              "--summary", str(tmp_path / "s.csv")])
    assert asked == [None, None, None]


def test_workers_started_afresh_digest_too(batch, monkeypatch):
    """Workers that are fresh interpreters (a threaded command) receive the digest spec with the settings."""
    monkeypatch.setattr(runner, "START", "exec")
    settings = CheckSettings(load_catalogs(()), Profile())
    reports = list(check_files(batch, settings, jobs=2, digest=DigestSpec(FAIL_KINDS["banned"], json_items=True)))
    assert [r.digest is not None for r in reports] == [True] * len(batch)
    assert sum(r.digest.counts["banned"] for r in reports) >= 1
