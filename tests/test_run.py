"""The batch runner (checker.run): worker processes with hard limits, results in input order."""
from __future__ import annotations

import os
import threading
import time

import pytest

from checker.engine import FileReport
from checker.limits import Limits, Work
from checker.match.catalog import load_catalogs
from checker.judge.rules import Profile
from checker.model import FileRead
from checker.run import CheckSettings, check_files
from checker.run import pool as runner
from checker.run.settings import Checker
from tools import hostile


@pytest.fixture(autouse=True)
def forked_workers(monkeypatch):
    """Scripted checkers reach the workers by fork (threads other tests left behind would choose exec)."""
    monkeypatch.setattr(runner, "START", "fork")


@pytest.fixture(scope="module")
def settings():
    return CheckSettings(load_catalogs(()), Profile(), limits=Limits(seconds=2))


class Scripted(Checker):
    """A checker whose behaviour a file's name chooses: sleep, hang, crash, allocate, print."""

    def check(self, path, on_budget=None, on_read=None, spare_core=False):
        name = os.path.basename(path)
        if name.startswith("sleep"):
            time.sleep(float(name.split("-")[1]))
        elif name.startswith("hang"):
            while True:  # ignores the polite timer, like a loop re-entered in a finally block
                try:
                    time.sleep(60)
                except BaseException:
                    pass
        elif name.startswith("abort"):
            os.write(2, b"memory allocation of 17592186044416 bytes failed\n")
            os.abort()
        elif name.startswith("segv"):
            import ctypes

            ctypes.string_at(0)
        elif name.startswith("hog"):
            blocks = [bytearray(64 << 20) for _ in range(64)]  # 4 GB against a 1 GB limit
            return FileReport(FileRead(path, "x", "", error=f"allocated {len(blocks)}"), (), 0.0)
        elif name.startswith("alloc"):
            block = bytearray(int(name.split("-")[1]) << 20)
            return FileReport(FileRead(path, "x", "", error=None if block else "empty"), (), 0.0)
        elif name.startswith("print"):
            print("a library printing to stdout")
            os.write(2, b"and one writing to fd 2\n")
        return FileReport(FileRead(path, "test", "", error=None), (), 0.0)


def run(paths, settings, jobs=2, **options):
    return list(check_files(paths, settings, jobs=jobs, checker=Scripted(settings), **options))


def test_results_come_in_input_order_whatever_finishes_first(settings):
    paths = ["sleep-0.6", "sleep-0.0", "sleep-0.3", "sleep-0.0", "sleep-0.1"]
    assert [r.read.path for r in run(paths, settings)] == paths


def test_a_hang_is_killed_at_its_limit_and_the_batch_goes_on(settings):
    started = time.monotonic()
    reports = run(["hang-a", "sleep-0", "hang-b", "sleep-0"], settings)
    assert time.monotonic() - started < 8  # two 2 s budgets on two workers, with start-up
    assert [r.read.error for r in reports] == [
        "not checked: took longer than the 2 s limit per file (--time-limit)", None,
        "not checked: took longer than the 2 s limit per file (--time-limit)", None]


def test_native_crashes_are_one_line_reasons(settings):
    reports = run(["abort", "segv", "sleep-0"], settings)
    assert reports[0].read.error.startswith("needs more memory than the 1.0 GB limit per file (a reader asked "
                                            "for 16.0 TB at once)")
    assert reports[1].read.error == "the reader crashed (SIGSEGV); NOT checked"
    assert reports[2].read.ok


def test_memory_is_limited_per_worker():
    settings = CheckSettings(load_catalogs(()), Profile(), limits=Limits(seconds=30))  # zero-filling takes time
    report, after = run(["hog", "sleep-0"], settings, jobs=1)
    assert report.read.error.startswith("ran out of memory (limit 1.0 GB per file)")
    assert after.read.ok  # a fresh worker took the next file


def test_a_worker_forked_from_a_big_process_gets_its_memory_beyond_what_it_inherits():
    """A server or a test process may already map more than the per-file limit: its forked worker must still
    have the whole limit for the file (the limit counts from the worker's start, not from zero)."""
    import mmap

    settings = CheckSettings(load_catalogs(()), Profile(), limits=Limits(seconds=30, memory=512 << 20))
    reserved = mmap.mmap(-1, 1 << 30)  # 1 GB of address space in this process, never touched (no memory used)
    try:
        report, = run(["alloc-200"], settings, jobs=1)
        hog, = run(["hog"], settings, jobs=1)
    finally:
        reserved.close()
    assert report.read.ok, report.read.error
    assert hog.read.error.startswith("ran out of memory (limit 0.5 GB per file)")


def test_worker_output_never_reaches_the_terminal(settings, capfd):
    assert run(["print", "print"], settings)[0].read.ok
    captured = capfd.readouterr()
    assert "library printing" not in captured.out + captured.err and "fd 2" not in captured.err


def test_workers_start_without_fork_in_a_threaded_process(tmp_path, monkeypatch):
    """With other threads running, workers are fresh interpreters that receive the settings."""
    monkeypatch.setattr(runner, "START", "auto")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        bills = []
        for number in range(3):
            bill = tmp_path / f"bill{number}.xlsx"
            bill.write_bytes(hostile.xlsx_bill())
            bills.append(str(bill))
        settings = CheckSettings(load_catalogs(()), Profile())
        reports = list(check_files(bills, settings, jobs=2))
    finally:
        stop.set()
        thread.join()
    assert [len(r.items) for r in reports] == [3, 3, 3]
    assert [r.read.path for r in reports] == bills


def test_isolated_and_in_process_runs_find_the_same(tmp_path):
    bills = []
    for name, data in (("a.xlsx", hostile.xlsx_bill()), ("b.xls", hostile.xls_bill()),
                       ("c.pdf", hostile.pdf_reference_loop())):
        (tmp_path / name).write_bytes(data)
        bills.append(str(tmp_path / name))
    settings = CheckSettings(load_catalogs(()), Profile())
    isolated = list(check_files(bills, settings, jobs=2))
    direct = list(check_files(bills, settings, isolate=False))
    assert [(r.read.path, r.read.error, r.items) for r in isolated] == \
        [(r.read.path, r.read.error, r.items) for r in direct]


def test_a_single_small_csv_takes_the_fast_path(tmp_path, monkeypatch):
    bill = tmp_path / "bill.csv"
    bill.write_text("\n".join(",".join(str(v).replace("\n", " ") for v in row)
                              for row in [hostile.BILL_HEADER] + hostile.BILL_LINES), encoding="utf-8")
    monkeypatch.setattr(runner, "_Pool", None)  # no worker may start
    settings = CheckSettings(load_catalogs(()), Profile())
    [report] = check_files([str(bill)], settings)
    assert len(report.items) == 3
    xlsx = tmp_path / "bill.xlsx"
    xlsx.write_bytes(hostile.xlsx_bill())
    with pytest.raises(TypeError):  # a workbook never does
        list(check_files([str(xlsx)], settings))


def test_finished_reports_wait_in_a_bounded_buffer(settings, monkeypatch):
    """A slow first file: the others finish, but no more than ``window`` are handed out ahead of it."""
    seen = []
    assign = runner._Pool._assign

    def spy(self, worker, index, path, **options):
        seen.append((index, len(self.done)))
        assign(self, worker, index, path, **options)

    monkeypatch.setattr(runner._Pool, "_assign", spy)
    paths = ["sleep-1.0"] + ["sleep-0"] * 30
    reports = run(paths, settings, window=5)
    assert len(reports) == 31
    assert max(held for _, held in seen) <= 5


def test_the_time_budget_grows_with_the_work_and_says_so():
    from checker.limits import FILE_SECONDS, Work

    limits = Limits()
    small, big = limits.seconds_for(Work(cells=5_000)), limits.seconds_for(Work(cells=1_200_000))
    pdf, scanned = limits.seconds_for(Work(pages=500)), limits.seconds_for(Work(pages=10, scanned_pages=10), ocr=True)
    assert FILE_SECONDS <= small < big and FILE_SECONDS < pdf and scanned > limits.seconds_for(Work(pages=10))
    assert limits.explain(big, Work(cells=1_200_000)) == (
        f"not checked: took longer than the {big:.0f} s limit for this file (60 s + time for 1.2 million cells); "
        "give it more time with --time-limit SECONDS")
    assert Limits(seconds=30).seconds_for(Work(cells=9_000_000)) == 30
    assert Limits(seconds=0).seconds_for(Work(pages=100)) == 0  # --time-limit 0: none
    busy = Limits(slowdown=3.0)  # a shared machine three times as loaded as it has cores: three times the time
    assert busy.seconds_for(Work(cells=1_200_000)) == 3 * big
    assert busy.explain(3 * big, Work(cells=1_200_000)).endswith(
        "(60 s + time for 1.2 million cells, ×3.0 for the machine's load); give it more time with --time-limit SECONDS")
    assert Limits(seconds=30, slowdown=3.0).seconds_for(Work(cells=9_000_000)) == 30  # a fixed limit is the user's
    from checker.report.i18n import message_id

    for reason in (limits.explain(big, Work(cells=1_200_000)), busy.explain(180, None), limits.explain(60, None),
                   Limits(seconds=30).explain(30, None)):
        assert message_id(reason), reason  # in the message table: shown in the report's language


@pytest.mark.parametrize("work, english, chinese", [
    (Work(cells=1_200_000), "1.2 million cells", "120 万个单元格"),
    (Work(cells=250_000), "0.2 million cells", "20 万个单元格"),
    (Work(cells=80_000), "80000 cells", "80000 个单元格"),
    (Work(pages=584), "584 pages", "584 页"),
    (Work(pages=1), "1 page", "1 页"),
    (Work(pages=2, scanned_pages=2), "2 scanned pages", "2 页扫描件"),
    (Work(pages=501, scanned_pages=40), "501 pages (40 scanned)", "501 页（其中 40 页扫描件）"),
])
def test_the_work_a_time_budget_grew_with_is_said_in_the_report_language(work, english, chinese):
    from checker.report.i18n import texts

    limits, busy = Limits(), Limits(slowdown=2.0)
    reason = limits.explain(limits.seconds_for(work) + 60, work)  # over the base: the work is named
    assert f"(60 s + time for {english});" in reason
    assert texts("en").msg(reason) == reason
    assert f"（60 秒 + {chinese} 所需时间）" in texts("zh").msg(reason)
    loaded = busy.explain(busy.seconds_for(work) + 60, work)
    assert f"（60 秒 + {chinese} 所需时间，因机器负载 ×2.0）" in texts("zh").msg(loaded)


def test_a_number_slot_takes_numbers_only():
    """"{n:number} pages" makes "584 pages" Chinese but leaves other English text that ends in "pages" alone."""
    from checker.report.i18n import localize

    assert localize("584 pages") == "584 页" and localize("1,200 cells") == "1,200 个单元格"
    assert localize("could not read the pages") == "could not read the pages"
    assert localize("some scanned pages") == "some scanned pages"


def test_the_machine_load_stretches_the_default_budget_within_bounds(monkeypatch):
    from checker import limits

    monkeypatch.setattr(limits.os, "getloadavg", lambda: (7.0, 5.0, 4.0))
    assert limits.slowdown(cores=2) == 3.5
    assert limits.slowdown(cores=1) == limits.MAX_SLOWDOWN
    assert limits.slowdown(cores=16) == 1.0


def test_lines_travel_column_by_column_unchanged():
    """The codec's columns keep every value and its type: texts that repeat go once, numbers never merge with
    equal numbers of another type (1, 1.0, True), odd text (lone surrogates, empty) survives."""
    from checker.engine import FileReport
    from checker.model import CheckedItem, Finding, LineItem, Provenance
    from checker.run import codec

    units = ["m3", "m2", "t", "\udcff", ""]
    odd = [1, 1.0, True, "1", None]  # values a careless reader could put in a text field
    items = tuple(LineItem(provenance=Provenance("b.xlsx", "表-08", row, row + (row % 3 == 0), None),
                           table="boq" if row % 7 else "material", seq=str(row), code=f"0104010{row:05d}",
                           name="砖基础" if row % 2 else "砌块墙", features=f"MU{row % 5}", unit=units[row % 5],
                           quantity=row * 1.5 if row % 4 else None, unit_price=odd[row % 5] if row < 200 else 2.5,
                           section=odd[row % 5] if row < 100 else "A.4", amount_missing=bool(row % 11 == 0),
                           ocr_confidence=0.5 if row % 13 == 0 else None)
                  for row in range(1, 400))
    read = FileRead(path="b.xlsx", format="xlsx", sha256="", items=items)
    finding = Finding(rule="R1", kind="banned", severity="error", entry="e", source="s", evidence="v")
    report = FileReport(read=read, items=tuple(CheckedItem(item, findings=(finding,) if item.seq == "2" else ())
                                               for item in items), seconds=0.5)
    back = codec.decode(codec.encode(report))
    assert back == report
    assert [list(map(type, vars(item).values())) for item in back.read.items] == \
        [list(map(type, vars(item).values())) for item in items]
    assert codec.decode_lines(codec.encode_lines(FileRead(path="e", format="csv", sha256=""))) == ()
    lazy = codec.ColumnLines(codec.encode_lines(read))  # the same lines, made only when asked for
    assert len(lazy) == len(items) and lazy[0] == items[0] and lazy[-1] == items[-1] and lazy[5:9] == items[5:9]
    assert [type(value) for value in vars(lazy[3]).values()] == [type(value) for value in vars(items[3]).values()]
    rows = [dict(zip(lazy.fields, row)) for row in lazy.field_rows()]
    assert rows == [{**vars(item.provenance), **{k: v for k, v in vars(item).items() if k != "provenance"}}
                    for item in items]
    assert tuple(lazy) == items and lazy.items() is lazy.items() and lazy[10] is lazy.items()[10]
    assert len(codec.ColumnLines(codec.encode_lines(FileRead(path="e", format="csv", sha256="")))) == 0


def test_a_run_keeps_each_files_outcome_not_what_reading_found(tmp_path):
    """Memory flat in the number of files: the writers get the whole read with each file, the run keeps its
    outcome and counts only (no tables, sheets, skipped rows or totals), and the JSON report still lists them."""
    import json

    from checker.engine import RunReport
    from checker.report.json_report import render

    (tmp_path / "a.xlsx").write_bytes(hostile.xlsx_bill())
    settings = CheckSettings(load_catalogs(()), Profile())
    report = next(check_files([str(tmp_path / "a.xlsx")], settings, isolate=False))
    assert report.read.tables and report.read.sheets
    run = RunReport(catalogs=settings.catalogs, profile=settings.profile)
    given = run.add(report)
    assert given.read.tables == report.read.tables and given.read.sheets == report.read.sheets
    kept = run.summaries[0].read
    assert (kept.tables, kept.sheets, kept.skipped, kept.totals, kept.items) == ((), (), (), (), ())
    assert kept.path == report.read.path and run.summaries[0].counts == given.counts
    entry = json.loads(render(RunReport(files=[report], catalogs=settings.catalogs, profile=settings.profile)))
    assert entry["files"][0]["tables"] and entry["files"][0]["sheets"]


def _sample_lines():
    from pathlib import Path

    from checker.read import read_path

    root = Path(__file__).resolve().parents[1] / "sample_bills"
    lines = tuple(item for name in ("liaocheng_school_boq_paged.xlsx", "liaocheng_office_boq.csv",
                                    "liaocheng_bid_workbook.xlsx")
                  for item in read_path(str(root / name)).items)
    assert len(lines) > 40
    return lines


def test_lines_judged_on_two_cores_as_in_turn(settings, tmp_path, monkeypatch):
    """A forked child judges the second half: the same findings in the same order as judging in turn, and a
    child that fails leaves the worker to judge its half (sharing a core never fails a file)."""
    from checker.engine import judge_in_turn, line_judge
    from checker.run import split
    from checker.run.split import judge_on_two_cores

    checker = settings.checker()
    one = line_judge(checker.matcher, checker.judge)
    lines = _sample_lines()
    in_turn = judge_in_turn(lines, one)
    assert any(c.findings for c in in_turn) and any(c.green_categories for c in in_turn)
    monkeypatch.setattr(split, "_may_fork", lambda: True)  # this test process may have threads; a worker has not

    def recorded(item):
        (tmp_path / str(os.getpid())).touch()
        return one(item)

    shared = judge_on_two_cores(lines, recorded, min_lines=2)
    assert shared == in_turn and all(a.item is b for a, b in zip(shared, lines))
    assert len(list(tmp_path.iterdir())) == 2  # judged in this process and in a child
    worker = os.getpid()

    def failing_child(item):
        if os.getpid() != worker:
            os._exit(3)
        return one(item)

    assert judge_on_two_cores(lines, failing_child, min_lines=2) == in_turn
    assert judge_on_two_cores(lines[:3], one) == judge_in_turn(lines[:3], one)  # few lines: no child
    for mark in tmp_path.iterdir():
        mark.unlink()
    repeated = lines + lines  # the second half is the first again: the memo answers it, a child would not pay
    assert judge_on_two_cores(repeated, recorded, min_lines=2) == in_turn + in_turn
    assert [p.name for p in tmp_path.iterdir()] == [str(worker)]
    (tmp_path / str(worker)).unlink()
    monkeypatch.setattr(split, "_room_for_a_child", lambda: False)  # a worker past half its memory limit
    assert judge_on_two_cores(lines, recorded, min_lines=2) == in_turn
    assert [p.name for p in tmp_path.iterdir()] == [str(worker)]


def test_a_worker_forks_a_judging_child_only_within_half_its_memory_limit(monkeypatch):
    import resource

    from checker.run.split import _room_for_a_child

    with open("/proc/self/statm") as statm:
        resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    for limit, room in ((resident + (1 << 20), False), (3 * resident, True), (resource.RLIM_INFINITY, True)):
        monkeypatch.setattr(resource, "getrlimit", lambda which, limit=limit: (limit, resource.RLIM_INFINITY))
        assert _room_for_a_child() is room


def test_a_child_sends_the_lines_ahead_and_the_worker_knows_what_arrived(monkeypatch):
    """With a spare core, a child writes the LINES message while the worker judges: the runner decodes the same
    lines; lines the columns cannot carry are not sent (the report then goes whole); a child that may have
    written part of a message ends the worker, never leaving a garbled pipe to be read as a report."""
    from checker.model import FileRead
    from checker.run import codec, split
    from checker.run.worker import LINES, read_message

    monkeypatch.setattr(split, "_may_fork", lambda: True)  # this test process may have threads; a worker has not
    lines = _sample_lines()
    read = FileRead(path="b.xlsx", format="xlsx", sha256="", items=lines)
    pipe_read, pipe_write = os.pipe()
    try:
        child = split.send_lines_ahead(pipe_write, 7, read, min_lines=2)
        assert child is not None
        tag, index, payload = read_message(pipe_read)
        assert (tag, index) == (LINES, 7) and codec.decode_lines(payload) == lines
        assert split.lines_sent(child) is True
        assert split.send_lines_ahead(pipe_write, 8, read) is None  # few lines: the worker sends them itself

        class Odd(type(lines[0])):
            pass

        odd = FileRead(path="b.xlsx", format="xlsx", sha256="", items=(Odd(**lines[0].__dict__),) * 3)
        assert split.lines_sent(split.send_lines_ahead(pipe_write, 9, odd, min_lines=2)) is False
    finally:
        os.close(pipe_read)
        os.close(pipe_write)
    worker = os.fork()
    if worker == 0:  # a worker whose child died while writing
        code = 1
        try:
            child = os.fork()
            if child == 0:
                os._exit(split.PART_SENT)
            split.lines_sent(child)
        finally:
            os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(worker, 0)[1]) == 70


def test_a_second_half_is_new_when_enough_of_its_texts_are():
    """The worker forks a child only for text the first half has not seen: distinct new texts, not new lines
    that repeat one text."""
    from checker.model import LineItem, Provenance
    from checker.run.split import NEW_SHARE, _second_half_is_new

    def line(name, features="", code="010401001001"):
        return LineItem(provenance=Provenance("b.xlsx", "表-08", 1, 1, None), table="boq", code=code, name=name,
                        features=features, unit="m2", quantity=1.0)

    first = tuple(line("墙体", f"规格{i}") for i in range(100))
    assert not _second_half_is_new(first, first)
    assert not _second_half_is_new(first, tuple(line("墙体", "新的一种") for _ in range(100)))
    assert _second_half_is_new(first, tuple(line("墙体", f"另一种{i}") for i in range(100)))
    some_new = int(100 * NEW_SHARE) + 1
    assert _second_half_is_new(first, first[:100 - some_new] + tuple(line("门窗", str(i)) for i in range(some_new)))
    assert not _second_half_is_new(first, first[:95] + tuple(line("门窗", str(i)) for i in range(5)))
    assert _second_half_is_new(first, tuple(line("墙体", f"规格{i}", code="011101001001") for i in range(100)))


def test_a_single_file_run_lends_the_spare_core_to_its_worker(tmp_path, monkeypatch):
    """One file on two cores: its worker may judge on both; a batch's files each get one."""
    from checker.run import split

    marks = tmp_path / "marks"
    marks.mkdir()
    real = split.judge_on_two_cores

    def marked(lines, judge_one, min_lines=None):
        (marks / str(os.getpid())).write_text(str(len(lines)))
        return real(lines, judge_one, min_lines=2)

    monkeypatch.setattr(split, "judge_on_two_cores", marked)
    monkeypatch.setattr(split, "SPLIT_LINES", 2)  # its lines sent ahead by a child too (``send_lines_ahead``)
    bill = os.path.join(os.path.dirname(__file__), "..", "sample_bills", "liaocheng_school_boq_paged.xlsx")
    plain = CheckSettings(load_catalogs(()), Profile())
    alone = next(check_files([bill], plain, jobs=2))
    assert len(list(marks.iterdir())) == 1
    in_process = next(check_files([bill], plain, isolate=False))
    assert alone.items == in_process.items and alone.items
    for mark in marks.iterdir():
        mark.unlink()
    batch = list(check_files([bill, bill, bill], plain, jobs=2))
    assert [r.items for r in batch] == [in_process.items] * 3
    assert len(list(marks.iterdir())) <= 1  # only a last file may get the spare core, when the other is idle
