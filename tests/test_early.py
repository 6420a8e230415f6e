"""Pre-flight started with the command (``checker.early``): the answer pre-flight itself gives, taken by the worker
only for the same file under the same memory budget."""
from __future__ import annotations

import fcntl
import os
import time

import pytest

from checker import early
from checker.judge.rules import Profile
from checker.limits import MEMORY_BYTES
from checker.match.catalog import load_catalogs
from checker.read import preflight
from checker.read.sniff import InputRefused
from checker.run import CheckSettings, check_files
from tools import hostile


@pytest.fixture
def small_too(monkeypatch):
    """Nothing started before the test; workbooks of any size qualify (the fixtures are small)."""
    monkeypatch.setattr(early, "_started", {})
    monkeypatch.setattr(early, "MIN_BYTES", 0)


def _bill(tmp_path, name="bill.xlsx"):
    path = tmp_path / name
    path.write_bytes(hostile.xlsx_bill())
    return path


def test_the_early_answer_is_pre_flights_own_and_is_taken_once(tmp_path, small_too):
    bill = _bill(tmp_path)
    early.start(["check", str(bill), "-f", "json", "-o", str(tmp_path / "r.json")])
    assert len(early._started) == 1
    expected = preflight.preflight(str(bill), "xlsx", bill.stat().st_size, memory=MEMORY_BYTES)
    assert early.take(str(bill), MEMORY_BYTES) == ("work", "xlsx", expected)
    assert early.take(str(bill), MEMORY_BYTES) is None


def test_a_refused_workbook_gets_pre_flights_own_reason(tmp_path, small_too):
    far = tmp_path / "far.xlsx"
    far.write_bytes(hostile.xlsx_far_cell("ZZZZ1048576"))
    early.start(["check", str(far)])
    with pytest.raises(InputRefused) as refused:
        preflight.preflight(str(far), "xlsx", far.stat().st_size, memory=MEMORY_BYTES)
    assert early.take(str(far), MEMORY_BYTES) == ("refused", "xlsx", str(refused.value))


def test_no_early_answer_for_another_budget_a_changed_file_or_another_command_line(tmp_path, small_too):
    bill = _bill(tmp_path)
    early.start(["check", str(bill)])
    assert early.take(str(bill), 2 * MEMORY_BYTES) is None  # --memory-mb: measured again under that budget
    early.start(["check", str(bill)])
    os.utime(bill, ns=(1, 1))  # another file now, as far as anyone can tell
    assert early.take(str(bill), MEMORY_BYTES) is None
    early._started.clear()
    for argv in (["serve", str(bill)], ["check", str(bill), str(_bill(tmp_path, "other.xlsx"))],
                 ["check", str(tmp_path)], ["check", str(tmp_path / "missing.xlsx")], ["check"]):
        early.start(argv)
        assert early._started == {}, argv
    csv = tmp_path / "bill.csv"
    csv.write_text("序号,项目编码\n")
    early.start(["check", str(csv)])
    assert early._started == {}


def test_a_not_workbook_named_xlsx_is_left_to_the_worker(tmp_path, small_too):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    early.start(["check", str(fake)])
    assert early.take(str(fake), MEMORY_BYTES) is None


@pytest.mark.parametrize("start", ["fork", "exec"])
def test_a_forked_worker_takes_the_answer_and_every_worker_checks_as_it_would_alone(tmp_path, small_too,
                                                                                      monkeypatch, start):
    """A forked worker inherits the pipe and drains it; a worker started by exec has no early answer and
    measures itself; either way the report is the one of a run without an early answer."""
    from checker.run import pool

    monkeypatch.setattr(pool, "START", start)
    bill = _bill(tmp_path)
    settings = CheckSettings(load_catalogs(()), Profile())
    early.start(["check", str(bill)])
    answer_read = next(iter(early._started.values())).answer
    isolated = next(check_files([str(bill)], settings, jobs=1))
    early._started.clear()
    alone = next(check_files([str(bill)], settings, isolate=False))
    assert isolated.read.ok and isolated.items == alone.items and isolated.read == alone.read
    fcntl.fcntl(answer_read, fcntl.F_SETFL, os.O_NONBLOCK)
    try:
        left = os.read(answer_read, 1 << 16)
    except BlockingIOError:  # the child has not even finished: nobody took it
        left = None
    assert (left == b"") == (start == "fork")  # drained by the forked worker, else still there


def test_the_command_reads_pre_flights_refusal_on_its_own_pipe(tmp_path, small_too):
    """``refusal``: what the command asks once the worker that took the answer died; the worker's ``take``
    does not drain it."""
    far = tmp_path / "far.xlsx"
    far.write_bytes(hostile.xlsx_far_cell("ZZZZ1048576"))
    early.start(["check", str(far)])
    worker_side = dict(early._started)
    answer = early.take(str(far), MEMORY_BYTES)
    early._started.update(worker_side)  # the command's own copy, which the worker's take does not touch
    assert answer[0] == "refused"
    assert early.refusal(str(far), 2 * MEMORY_BYTES) is None  # measured under another budget: not this answer
    early.start(["check", str(far)])
    assert early.refusal(str(far), MEMORY_BYTES) == ("xlsx", answer[2])
    assert early.refusal(str(far), MEMORY_BYTES) is None  # asked once
    bill = _bill(tmp_path)
    early.start(["check", str(bill)])
    assert early.refusal(str(bill), MEMORY_BYTES) is None  # accepted: a crash is the crash's reason


def test_waiting_is_true_only_until_the_answer_is_written(tmp_path, small_too):
    bill = _bill(tmp_path)
    assert not early.waiting(str(bill), MEMORY_BYTES)  # nothing started
    early.start(["check", str(bill)])
    started = next(iter(early._started.values()))
    os.waitpid(started.pid, 0)  # the child has written its answer and ended
    assert not early.waiting(str(bill), MEMORY_BYTES)
    read_end, write_end = os.pipe()  # a child still measuring: nothing written yet
    early._started[next(iter(early._started))] = started._replace(answer=read_end)
    try:
        assert early.waiting(str(bill), MEMORY_BYTES)
        assert not early.waiting(str(bill), 2 * MEMORY_BYTES)
    finally:
        os.close(write_end)
        os.close(read_end)


def _parsed_ahead(monkeypatch):
    """Every workbook's first sheet parsed ahead, as when the answer is not in yet."""
    from checker.read import spreadsheet

    monkeypatch.setattr(early, "waiting", lambda path, memory: True)
    made = []
    original = spreadsheet.FirstSheet.__init__

    def counted(self, path):
        made.append(path)
        original(self, path)

    monkeypatch.setattr(spreadsheet.FirstSheet, "__init__", counted)
    return made


def test_a_sheet_parsed_ahead_gives_the_report_of_a_run_without(tmp_path, small_too, monkeypatch):
    from checker.read import read_path

    bill = tmp_path / "two.xlsx"
    bill.write_bytes(hostile.xlsx_bill())
    settings = CheckSettings(load_catalogs(()), Profile())
    alone = next(check_files([str(bill)], settings, isolate=False))
    made = _parsed_ahead(monkeypatch)
    early.start(["check", str(bill)])
    ahead = next(check_files([str(bill)], settings, isolate=False))
    assert made == [str(bill)]
    assert ahead.read.ok and ahead.read == alone.read and ahead.items == alone.items
    corrupt = tmp_path / "corrupt.xlsx"  # pre-flight passes it, calamine does not: its error, said the same way
    corrupt.write_bytes(_with_sheet(hostile.xlsx_bill(), lambda xml: xml.replace(b"</sheetData>", b"", 1)))
    early._started.clear()
    plain = read_path(str(corrupt))
    early.start(["check", str(corrupt)])
    assert read_path(str(corrupt)) == plain and made[-1] == str(corrupt)
    assert "cannot be read" in plain.error


def _with_sheet(workbook: bytes, change) -> bytes:
    """The workbook with its worksheets' XML changed."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if "worksheets/" in info.filename else data)
    return out.getvalue()


def test_a_worker_killed_by_a_parse_ahead_reports_pre_flights_reason(tmp_path, small_too, monkeypatch):
    """A refused file parsed ahead of its answer may end the worker (calamine aborts at the address-space
    limit): the report still says pre-flight's own reason, as without the parse."""
    import signal

    from checker.read import spreadsheet
    from checker.run import pool

    monkeypatch.setattr(pool, "START", "fork")
    far = tmp_path / "far.xlsx"
    far.write_bytes(hostile.xlsx_far_cell("ZZZZ1048576"))
    settings = CheckSettings(load_catalogs(()), Profile())
    alone = next(check_files([str(far)], settings, jobs=1))
    _parsed_ahead(monkeypatch)
    monkeypatch.setattr(spreadsheet.FirstSheet, "_parse", lambda self: os.kill(os.getpid(), signal.SIGABRT))
    monkeypatch.setattr(early, "take", lambda path, memory: time.sleep(5))  # the answer comes too late
    early.start(["check", str(far)])
    killed = next(check_files([str(far)], settings, jobs=1))
    assert not alone.read.ok and "spans" in alone.read.error
    assert (killed.read.error, killed.read.format, killed.read.sha256) == (
        alone.read.error, alone.read.format, alone.read.sha256)
    early.start(["check", str(far)])
    monkeypatch.setattr(early, "refusal", lambda path, memory: None)  # without it: the crash's own reason
    crashed = next(check_files([str(far)], settings, jobs=1))
    assert "crashed" in crashed.read.error and "SIGABRT" in crashed.read.error


def test_a_parse_ahead_is_not_used_when_the_answer_is_not_the_childs(tmp_path, small_too, monkeypatch):
    """The file changed or the child failed (``take`` gives nothing): pre-flight measures it again, and the
    sheet is parsed afresh after that, not taken from the parse started before."""
    from checker.read import read_path, spreadsheet

    bill = _bill(tmp_path)
    plain = read_path(str(bill))
    made = _parsed_ahead(monkeypatch)
    used = []
    monkeypatch.setattr(spreadsheet.FirstSheet, "result", lambda self: used.append(self))
    monkeypatch.setattr(early, "take", lambda path, memory: None)
    assert read_path(str(bill)) == plain and made == [str(bill)] and used == []


def test_an_answer_bigger_than_a_pipe_holds_arrives_whole(tmp_path, small_too):
    """Pre-flight's answer carries the rows of formulas saved without values: a tender bill's can be hundreds of
    KB, more than a pipe holds; the worker still takes it whole, and the command's pipe (refusals only) never
    makes the child wait."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="H{r}"><f>F{r}*G{r}</f></c></row>'
                   for r in range(1, 30_001))
    bill = tmp_path / "tender.xlsx"
    bill.write_bytes(hostile.xlsx(rows))
    expected = preflight.preflight(str(bill), "xlsx", bill.stat().st_size, memory=MEMORY_BYTES)
    assert len(expected.uncached_formulas[0][1]) == 30_000
    early.start(["check", str(bill)])
    command_side = dict(early._started)
    assert early.take(str(bill), MEMORY_BYTES) == ("work", "xlsx", expected)
    early._started.update(command_side)
    assert early.refusal(str(bill), MEMORY_BYTES, wait=30) is None
