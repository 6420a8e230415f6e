"""Pre-flight started with the command (``checker.early``): the answer pre-flight itself gives, taken by the worker
only for the same file under the same memory budget."""
from __future__ import annotations

import fcntl
import os

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
    (answer_read, _, _), = early._started.values()
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
