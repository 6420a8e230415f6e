"""A batch's files digested by their workers (``checker.report.digest``): the same report, less work in the command."""
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
from checker.report.common import FLAGGED
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
    return _steady_json(writer.sink.stream.getvalue().decode("utf-8"))


def _steady_json(text: str) -> str:
    """The report without what differs from run to run (seconds spent)."""
    return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)


@pytest.mark.parametrize("fail_on", ["banned", "restricted"])
def test_digested_files_give_the_same_report_byte_for_byte(batch, fail_on):
    catalogs = load_catalogs(())
    settings = CheckSettings(catalogs, Profile())
    spec = DigestSpec(fail_kinds=FAIL_KINDS[fail_on], json_items=True, flagged=True)
    digested = list(check_files(batch, settings, jobs=2, digest=spec))
    assert all(r.digest is not None and r.items == () for r in digested)
    assert sum(r.digest.lines for r in digested) > 100
    direct = list(check_files(batch, settings, isolate=False))
    assert sum(len(r.items) for r in direct) == sum(r.digest.lines for r in digested)
    for report, plain in zip(digested, direct):
        assert report.digest.counts == summarise(plain, FAIL_KINDS[fail_on])[0]
        flagged = tuple(c for c in plain.items if any(f.kind in FLAGGED for f in c.findings))
        assert report.digest.flagged == flagged  # promoted-only lines stay in the worker
        assert report.digest.flagged_statuses == tuple(c.status for c in flagged)
    assert any(r.digest.flagged for r in digested)
    assert sum(map(len, (r.digest.flagged for r in digested))) < sum(
        1 for r in direct for c in r.items if c.findings)
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


def _steady(path: Path) -> str:
    """A report without what differs from run to run: seconds and times spent."""
    text = path.read_text(encoding="utf-8")
    for pattern in (r'"seconds": [0-9.e-]+', r'time="[0-9.]+"', r"[0-9.]+ 秒", r'"(started|generated|date)": "[^"]*"',
                    r"\d{4}-\d\d-\d\d \d\d:\d\d"):  # the HTML page's time of writing
        text = re.sub(pattern, "", text)
    return text


@pytest.mark.parametrize("formats, registry", [(("json",), False), (("text", "sarif", "junit"), False),
                                               (("json", "text", "sarif", "junit"), True), (("html",), True),
                                               (("html", "json"), False)])
def test_the_command_digests_a_batch_and_writes_what_it_writes_without(batch, tmp_path, monkeypatch, formats,
                                                                      registry):
    """Reports that read no line beyond those with findings get the same bytes from digests as from lines
    (the same run with --summary, which reads lines in the command, is the reference)."""
    asked = _spy(monkeypatch)
    folder = str(Path(batch[0]).parent)
    outputs = {name: [] for name in ("digested", "lines")}
    for name, extra in (("digested", []), ("lines", ["--summary", str(tmp_path / "summary.csv")])):
        args = ["check", folder, "-q", *extra]
        if registry:  # certification evidence on green lines: the text report counts what is uncertified
            args += ["--registry", str(SAMPLES / "example_certificate_registry.csv")]
        if "html" in formats:  # the item table of a batch: its rows from what the workers sent of the lines
            args.append("--item-table")
        for fmt in formats:
            out = tmp_path / f"{name}.{fmt}"
            args += ["-f", fmt, "-o", str(out)]
            outputs[name].append(out)
        assert CliRunner().invoke(main, args).exit_code == 2  # a banned line and a file not checked
    assert asked[0] is not None and asked[1] is None
    assert asked[0].json_items == ("json" in formats) and asked[0].html == ("html" in formats)
    assert asked[0].flagged == bool({"text", "sarif", "junit"} & set(formats))
    for digested, lines in zip(outputs["digested"], outputs["lines"]):
        assert _steady(digested) == _steady(lines), digested.name
    if "html" in formats:
        assert _steady(outputs["digested"][0]).count("010401003001") >= 2  # a flagged line and its item row
    text = next((p for p in outputs["digested"] if p.suffix == ".text"), None)
    if text is not None:  # the banned line is listed from the digest's flagged lines
        assert "NPOL-01" in text.read_text(encoding="utf-8")
        assert ("无认证" in text.read_text(encoding="utf-8")) == registry  # shown where evidence is


@pytest.mark.parametrize("extra", [[], ["--lang", "en", "--no-item-table"]])
def test_one_file_digested_writes_what_it_writes_without(tmp_path, monkeypatch, extra):
    """One file: its lines go ahead, the worker sends its digest (the JSON items' judged parts, the HTML part),
    and the reports are those of the same run with --summary (which reads lines in the command)."""
    asked = _spy(monkeypatch)
    bill = str(SAMPLES / "liaocheng_school_boq_paged.xlsx")
    written = {}
    for name, more in (("digested", []), ("lines", ["--summary", str(tmp_path / "summary.csv")])):
        written[name] = [tmp_path / f"{name}.json", tmp_path / f"{name}.html"]
        result = CliRunner().invoke(main, ["check", bill, "-q", *extra, *more, "-f", "json", "-o",
                                           str(written[name][0]), "-f", "html", "-o", str(written[name][1])])
        assert result.exit_code in (0, 1), result.output
    assert asked[0].lines_ahead and asked[0].html and asked[0].json_items and asked[1] is None
    assert asked[0].item_table == ("--no-item-table" not in extra) and asked[0].lang == (extra[1] if extra else "zh")
    for digested, lines in zip(written["digested"], written["lines"]):
        assert _steady(digested) == _steady(lines), digested.name


def test_reports_that_read_every_line_are_not_digested(batch, tmp_path, monkeypatch):
    """The annotated workbook marks every line of its copy: a run that writes one does not digest."""
    asked = _spy(monkeypatch)
    folder = str(Path(batch[0]).parent)
    CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(tmp_path / "r.json"),
                              "-f", "xlsx", "-o", str(tmp_path / "annotated")])
    assert asked == [None]


def test_one_file_digests_with_its_lines_ahead_and_no_run_that_marks_lines_digests(batch, tmp_path, monkeypatch):
    asked = _spy(monkeypatch)
    waivers = tmp_path / "waivers.toml"
    waivers.write_text('[[waiver]]\nrule = "NPOL-01"\nitem = "*"\nreason = "test"\napprover = "QA"\n'
                       'expires = 2999-01-01\n', encoding="utf-8")
    folder = str(Path(batch[0]).parent)
    CliRunner().invoke(main, ["check", batch[0], "-q", "-f", "json", "-o", str(tmp_path / "one.json")])
    CliRunner().invoke(main, ["check", batch[0], "-q", "-f", "sarif", "-o", str(tmp_path / "one.sarif")])
    CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(tmp_path / "w.json"),
                              "--waivers", str(waivers)])
    CliRunner().invoke(main, ["check", folder, "-q", "-f", "json", "-o", str(tmp_path / "s.json"),
                              "--summary", str(tmp_path / "s.csv")])
    assert [spec.lines_ahead for spec in asked[:2]] == [True, False]  # lines ahead only where JSON encodes them
    assert asked[2:] == [None, None]


def _one_file_json(path: str, catalogs, monkeypatch, jobs: int, lines_ahead: bool, prepare: bool) -> tuple:
    """(the JSON report of ``path`` digested by a worker, the digest, the lines the runner was told)."""
    told = []
    settings = CheckSettings(catalogs, Profile())
    spec = DigestSpec(FAIL_KINDS["banned"], json_items=True, lines_ahead=lines_ahead)
    report, = check_files([path], settings, jobs=jobs, on_lines=told.append, digest=spec)
    run = RunReport(catalogs=catalogs, profile=Profile(), fail_on="banned")
    writer = json_report.Writer(Sink(), ReportOptions(now=None))
    writer.begin(run)
    if prepare and told:
        writer.prepare(told[0])
    writer.add(report, run.add(report))
    writer.end(run)
    return _steady_json(writer.sink.stream.getvalue().decode("utf-8")), report, told


@pytest.mark.parametrize("jobs, prepare", [(1, True), (2, True), (2, False)])
def test_one_file_digested_with_its_lines_ahead_gives_the_same_json(monkeypatch, jobs, prepare):
    """One file: its lines go ahead (by a child of the worker with a spare core, else by the worker), the
    digest holds only each item's judged part, and the report is the one its lines and findings give."""
    catalogs = load_catalogs(())
    path = str(SAMPLES / "liaocheng_school_boq_paged.xlsx")
    text, report, told = _one_file_json(path, catalogs, monkeypatch, jobs, lines_ahead=True, prepare=prepare)
    digest = report.digest
    assert digest is not None and len(digest.json_tails) == digest.lines > 50 and digest.json_items == b""
    assert told and report.read.items is told[0] and report.items == () and digest.lines_ahead
    from checker.run import codec

    data = codec.encode_digested(report, digest)
    with pytest.raises(ValueError):  # a digest that needs its lines never comes without them
        codec.decode_result(data, None)
    assert codec.decode_result(data, told[0]).read.items is told[0]
    assert text == _json(list(check_files([path], CheckSettings(catalogs, Profile()), isolate=False)), catalogs,
                         "banned")


def test_lines_that_could_not_go_ahead_are_encoded_whole_in_the_digest(monkeypatch):
    """Lines the worker could not send (no plain LineItems, a child that failed) leave the digest whole."""
    from checker.run import codec, split

    catalogs = load_catalogs(())
    path = str(SAMPLES / "liaocheng_school_boq_paged.xlsx")
    reference = _json(list(check_files([path], CheckSettings(catalogs, Profile()), isolate=False)), catalogs,
                      "banned")
    monkeypatch.setattr(codec, "encode_lines", lambda read: None)
    monkeypatch.setattr(split, "send_lines_ahead", lambda *args: None)
    for jobs in (1, 2):
        text, report, told = _one_file_json(path, catalogs, monkeypatch, jobs, lines_ahead=True, prepare=True)
        assert told == [] and report.digest.json_tails == () and report.digest.json_items
        assert text == reference


def test_workers_started_afresh_digest_too(batch, monkeypatch):
    """Workers that are fresh interpreters (a threaded command) receive the digest spec with the settings."""
    monkeypatch.setattr(runner, "START", "exec")
    settings = CheckSettings(load_catalogs(()), Profile())
    reports = list(check_files(batch, settings, jobs=2, digest=DigestSpec(FAIL_KINDS["banned"], json_items=True)))
    assert [r.digest is not None for r in reports] == [True] * len(batch)
    assert sum(r.digest.counts["banned"] for r in reports) >= 1


def test_a_report_the_runner_cannot_decode_is_one_line_not_a_traceback(monkeypatch, tmp_path):
    """Lines and digest that do not fit (a bug, never the file's doing) leave the file not checked, named."""
    from checker.run import codec

    def broken(data, lines):
        raise ValueError("a digest without its lines")

    monkeypatch.setattr(codec, "decode_result", broken)
    settings = CheckSettings(load_catalogs(()), Profile())
    path = str(SAMPLES / "liaocheng_school_boq_paged.xlsx")
    report, = check_files([path], settings, jobs=1, digest=DigestSpec(FAIL_KINDS["banned"], json_items=True))
    assert not report.read.ok and "internal error" in report.read.error and "without its lines" in report.read.error
    assert report.read.path.endswith("liaocheng_school_boq_paged.xlsx")
