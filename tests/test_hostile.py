"""Issue 16: every failure class, reproduced with a file our own generator makes (tools/hostile.py), through
the real command.  A defined outcome: exit 0/1/2 within the limits, no traceback, a refused file named on
exactly one stderr line, a parseable JSON report whenever one was asked for, and the batch goes on."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.read import read_path
from tools import hostile
from tools.fuzz import MEMORY_BYTES, run_command

MAIN = [sys.executable, "-m", "checker", "check"]


def run(args: list[str], timeout: float = 90) -> tuple[int | None, str, str, float, int]:
    return run_command(MAIN + args, timeout)


def error_lines(stderr: str) -> list[str]:
    return hostile.file_lines(stderr)


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    path = folder / (os.fsdecode(name) if isinstance(name, bytes) else name)
    path.write_bytes(data)
    return path


def assert_refused_alone(path: Path, reason_part: str, seconds: float = 30) -> dict:
    """The file alone: exit 2, one stderr line naming it with the reason, a JSON report saying so."""
    report = path.parent / (path.name + ".report.json")
    code, _out, err, took, peak = run([str(path), "--format", "json", "-o", str(report), "--lang", "en"])
    lines = error_lines(err)
    assert code == 2, (code, err)
    assert len(lines) == 1 and lines[0].startswith(f"gbm-check: {path}: "), lines
    assert reason_part in lines[0], lines[0]
    assert "Traceback" not in err
    assert took < seconds and peak < MEMORY_BYTES, (took, peak)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["files"][0]["status"] == "error" and reason_part in data["files"][0]["error"]
    return data


# 1. PDF reference loops, page-tree cycles, deep nesting --------------------------------------------------


def test_pdf_reference_loop_is_refused_and_the_batch_goes_on(tmp_path):
    loop = write(tmp_path, "loop.pdf", hostile.pdf_reference_loop())
    assert len(loop.read_bytes()) < 300
    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    report = tmp_path / "r.json"
    code, _out, err, took, _peak = run([str(loop), str(bill), "--format", "json", "-o", str(report), "--lang", "en"])
    assert code == 2 and took < 30
    assert error_lines(err) == [f"gbm-check: {loop}: PDF object 2 refers to itself through a loop of references "
                                f"(2 0 R → 3 0 R → 2 0 R); malformed file, NOT checked"]
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert [f["status"] for f in files] == ["error", "ok"] and files[1]["item_count"] == 3


def test_pdf_deep_nesting_is_refused_at_once(tmp_path):
    assert_refused_alone(write(tmp_path, "deep.pdf", hostile.pdf_deep_nesting()), "nests arrays or dictionaries",
                         seconds=15)


def test_pdf_loop_past_pre_flight_is_killed_at_its_time_limit(tmp_path, monkeypatch):
    """Without the pre-flight check, pdfminer loops (and loops again in close()): the worker is killed at the
    file's limit, the file is reported in one line and the next file is still checked."""
    import checker.read.preflight as preflight
    from checker.run import pool

    monkeypatch.setattr(pool, "START", "fork")  # the workers must inherit the patches below
    monkeypatch.setattr(preflight, "_reference_loops", lambda data: None)
    monkeypatch.setattr(preflight, "_pdfium_pages", lambda path, ocr, data: preflight.Work(pages=1))
    loop = write(tmp_path, "loop.pdf", hostile.pdf_reference_loop())
    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    result = CliRunner().invoke(main, ["check", str(loop), str(bill), "--time-limit", "3",
                                                       "--format", "json", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert error_lines(result.stderr) == [f"gbm-check: {loop}: 未检查：超过每个文件 3 秒的时间上限（--time-limit）"]
    files = json.loads(result.stdout)["files"]
    assert files[0]["status"] == "error" and files[0]["seconds"] < 6
    assert files[1]["status"] == "ok"


def test_pdf_page_tree_cycle_is_one_line(tmp_path):
    assert_refused_alone(write(tmp_path, "cycle.pdf", hostile.pdf_page_tree_cycle()), "PDF")


# 2. native panics ------------------------------------------------------------------------------------------


def test_rust_panic_in_the_xls_reader_is_one_line(tmp_path):
    path = write(tmp_path, "panic.xls", hostile.xls_corrupt_sheet_offset())
    read = read_path(str(path))  # in this process: PanicException (a BaseException) is caught at the boundary
    assert read.error.startswith("could not be read (reader panic: range start index 65320")
    assert_refused_alone(path, "reader panic")


def test_truncated_encrypted_workbook_is_one_line(tmp_path):
    assert_refused_alone(write(tmp_path, "locked.xlsx", hostile.ole_encrypted_truncated()), "")


def test_generated_xls_bill_is_checked(tmp_path):
    read = read_path(str(write(tmp_path, "bill.xls", hostile.xls_bill())))
    assert read.ok and [i.code for i in read.items] == ["010401001001", "010401003001", "010502001001"]


# 3. the grid allocated before the cell limit ---------------------------------------------------------------


@pytest.mark.parametrize("ref", ["ZZZZ1048576", "AAA1048576", "ZZZY267"])
def test_one_far_cell_is_refused_before_any_allocation(tmp_path, ref):
    data = assert_refused_alone(write(tmp_path, f"far-{ref}.xlsx", hostile.xlsx_far_cell(ref)), "cells",
                                seconds=20)
    assert "over the limit" in data["files"][0]["error"]


def test_a_lying_shared_strings_count_is_refused_in_one_line_before_the_reader(tmp_path):
    data = assert_refused_alone(write(tmp_path, "sst.xlsx", hostile.xlsx_lying_string_count()), "claims", seconds=20)
    assert "4,000,000,000 strings and holds 1" in data["files"][0]["error"]
    honest = read_path(str(write(tmp_path, "honest.xlsx", hostile.xlsx_lying_string_count(claimed=1))))
    assert honest.ok and len(honest.items) == 3


@pytest.mark.parametrize("target", ["../../../etc/passwd", "/etc/passwd", "worksheets/missing.xml"])
def test_a_sheet_linked_outside_the_file_is_said_so(tmp_path, target):
    read = read_path(str(write(tmp_path, "link.xlsx", hostile.xlsx_sheet_link_outside(target))))
    assert read.error.endswith("its part is missing or its link points outside the file"), read.error


def test_a_pdf_without_pages_is_said_so(tmp_path):
    read = read_path(str(write(tmp_path, "empty.pdf", hostile.pdf_zero_pages())))
    assert read.error == "cannot read PDF: it has no readable page tree (no pages, or the file is damaged)"


def test_a_lying_dimension_does_not_refuse_a_small_bill(tmp_path):
    read = read_path(str(write(tmp_path, "dim.xlsx", hostile.xlsx_lying_dimension())))
    assert read.ok and len(read.items) == 3


def test_xls_dimensions_beyond_memory_are_one_line(tmp_path):
    assert_refused_alone(write(tmp_path, "dims.xls", hostile.xls_huge_dimensions()), "memory")


def test_ods_repeat_bomb_is_refused(tmp_path):
    assert_refused_alone(write(tmp_path, "repeat.ods", hostile.ods_repeat_bomb()), "repeated")


def test_pre_flight_cuts_chunks_after_the_last_end_tag_plain_or_prefixed():
    """Chunks end after the last complete cell, row or shared string, wherever it stands: far before a long tail
    of merged ranges (found from the back, not by walking every match), and a prefixed one after the last plain
    one."""
    from checker.read.preflight import _last_end

    cells = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    tail = b'<mergeCell ref="A1:B2"/>' * 5000  # > 64 KB without an end tag
    assert _last_end(cells + tail) == len(cells)
    assert _last_end(cells + b"<x:c><x:v>2</x:v></x:c>" + tail) == len(cells) + len(b"<x:c><x:v>2</x:v></x:c>")
    assert _last_end(b"<si><t>a</t></si><si><t>b") == len(b"<si><t>a</t></si>")
    assert _last_end(b"<x:row><x:c>") is None and _last_end(tail) is None and _last_end(b"") is None


def test_pre_flight_bounds_rows_and_columns_by_one_search_as_by_every_reference():
    """The quick pass bounds a chunk's cells by the references at its head and tail and one search for any
    reference outside them: the same bounds as reading every reference (the pattern's every branch: fewer or
    more letters and digits, leading zeros, lower case, malformed references, rows 0), or the same refusal."""
    import random
    import re

    from checker.read.preflight import _ANY_REF, _column_number, _letters, _outside, _quick_bounds, _ref_bounds

    assert all(_column_number(_letters(n)) == n for n in range(1, 20_000))
    for first, last in ((1, 1), (1, 9), (7, 7), (9, 10), (10, 99), (99, 100), (120, 4321), (1, 69036)):
        search = _outside((first, last, first, last)).search
        for number in range(0, 5000):
            for digits in (b"%d" % number, b"00%d" % number):
                assert (search(b'<c r="%s%s"' % (_letters(min(max(first, 1), last)), digits)) is not None) == \
                    (not first <= number <= last), (first, last, digits)
            if number:
                for letters in (_letters(number), _letters(number).lower()):
                    assert (search(b'<c r="%s%d"' % (letters, first)) is not None) == \
                        (not first <= number <= last), (first, last, letters)
    rng = random.Random(7)
    odd = [b"A", b"1A", b"AAAAAAAAAAAAA1", b"A1B", b"a01", b"A0", b"XFD1048576", b"A0000000000001"]
    for case in range(400):
        rows = sorted(rng.randrange(1, 70_000) for _ in range(rng.choice((1, 50, 4000))))
        cells = [b'<c r="%s%d" t="n"><v>1</v></c>' % (_letters(rng.randrange(1, 30)), row) for row in rows]
        for _ in range(rng.choice((0, 0, 1, 3))):  # a reference out of order, odd or far away
            ref = rng.choice(odd) if rng.random() < 0.5 else b"%s%d" % (
                _letters(rng.randrange(1, 20_000)).lower() if rng.random() < 0.3 else _letters(rng.randrange(1, 40)),
                rng.randrange(0, 2_000_000))
            cells.insert(rng.randrange(len(cells) + 1), b'<c r="%s"><v>2</v></c>' % ref)
        chunk = b"<row>" + b"".join(cells) + b"</row>"
        count = chunk.count(b"<c ")
        every = _ANY_REF.findall(chunk)
        assert _quick_bounds(chunk, count) == (_ref_bounds(every) if len(every) == count else False), case
    assert _quick_bounds(b"<row></row>", 0) is None
    assert re.fullmatch(rb"[A-Z]+", _letters(16384))  # XFD


# 4. shared-string amplification ----------------------------------------------------------------------------


def test_shared_string_amplification_is_refused_small(tmp_path):
    path = write(tmp_path, "amplified.xlsx", hostile.xlsx_shared_string_bomb())
    assert path.stat().st_size < 200_000
    data = assert_refused_alone(path, "would need about", seconds=20)
    assert "GB of memory" in data["files"][0]["error"]


# 5. library warnings on stderr -----------------------------------------------------------------------------


def test_pdfminer_complaints_stay_off_stderr(tmp_path):
    path = write(tmp_path, "noisy.pdf", hostile.pdf_noisy())
    code, _out, err, _took, _peak = run([str(path)])
    assert code == 2 and len(error_lines(err)) == 1, err


def test_library_log_records_and_warnings_become_file_warnings(tmp_path, monkeypatch, capfd):
    """What a reader's libraries log while a file is read ends in that file's warnings, not on stderr."""
    import logging
    import warnings

    import checker.engine as engine
    from checker.judge.rules import Judge, Profile
    from checker.match.catalog import load_catalogs
    from checker.match.matcher import Matcher

    real_read = engine.read_path

    def chatty_read(path, **options):
        for _ in range(3):
            logging.getLogger("pdfminer.pdfpage").warning("Invalid MediaBox in /Page, defaulting to US Letter")
        warnings.warn("Data-loss while decompressing corrupted data", UserWarning)
        return real_read(path, **options)

    monkeypatch.setattr(engine, "read_path", chatty_read)
    catalogs = load_catalogs()
    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    report = engine.check_file(str(bill), Matcher(catalogs), Judge(catalogs, Profile()))
    assert report.read.ok
    assert "pdfminer: Invalid MediaBox in /Page, defaulting to US Letter (3×)" in report.read.warnings
    assert any("Data-loss while decompressing" in w for w in report.read.warnings)
    assert capfd.readouterr().err == ""


# 6. file names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "html", "sarif", "junit", "xlsx"])
def test_undecodable_bytes_in_a_name_through_every_format(tmp_path, fmt):
    from .conftest import REPORT_BILL, write_bill

    source = tmp_path / "in"
    source.mkdir()
    bill = write_bill(source / os.fsdecode(b"bad\xff.xlsx"), REPORT_BILL)  # openpyxl-made: annotated copies work
    out = tmp_path / ("out" if fmt == "xlsx" else f"r.{fmt}")
    code, _stdout, err, _took, _peak = run([str(bill), "--format", fmt, "-o", str(out) + ("/" if fmt == "xlsx" else "")])
    assert code == 1, err
    assert "Traceback" not in err and error_lines(err) == []
    if fmt == "xlsx":
        assert os.listdir(out) == [os.fsdecode(b"bad\xff.checked.xlsx")]
    else:
        text = out.read_bytes().decode("utf-8")  # valid UTF-8
        if fmt in ("json", "sarif"):
            json.loads(text)
        assert ("bad\\udcff" in text or "bad%FF" in text or "bad\\xff" in text), text[:300]
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]
    if fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert os.fsencode(data["files"][0]["path"]).endswith(b"bad\xff.xlsx")  # surrogateescape out and in


@pytest.mark.parametrize("stem", [b"line\nbreak", b"esc\x1b[31mred", b"bidi\xe2\x80\xaeevil"])
def test_control_characters_in_a_name_stay_on_one_escaped_line(tmp_path, stem):
    bad = write(tmp_path, stem + b".csv", b"not,a,bill\n1,2,3\n")
    code, out, err, _took, _peak = run([str(bad), "--lang", "en"])
    assert code == 2
    lines = error_lines(err)
    assert len(lines) == 1 and "\x1b" not in err and "\u202e" not in err
    assert lines[0].startswith(f"gbm-check: {tmp_path}/") and "no bill table" in lines[0]
    assert "\x1b" not in out and "\u202e" not in out and ("\\n" in out or "\\x1b" in out or "\\u202e" in out)


def test_dot_named_bills_are_checked_when_a_folder_is_walked(tmp_path):
    write(tmp_path, "..xlsx", hostile.xlsx_bill())
    write(tmp_path, ".hidden.csv", (",".join(hostile.BILL_HEADER) + "\n1,010101001001,平整场地,,m2,1,1,1\n").encode())
    write(tmp_path, "~$bill.xlsx", b"owner file")
    write(tmp_path, "._bill.xlsx", b"resource fork")
    report = tmp_path / "out" / "r.json"
    code, _out, err, _took, _peak = run([str(tmp_path), "--format", "json", "-o", str(report)])
    assert code == 1, err
    paths = [Path(f["path"]).name for f in json.loads(report.read_text(encoding="utf-8"))["files"]]
    assert paths == ["..xlsx", ".hidden.csv"]


# 7. reports over inputs ------------------------------------------------------------------------------------


def test_workbook_reports_never_overwrite_inputs_of_the_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    a = write(folder, "a.xlsx", hostile.xlsx_bill())
    earlier = write(folder, "a.checked.xlsx", hostile.xlsx_bill())
    before = earlier.read_bytes()
    code, _out, err, _took, _peak = run([str(folder), "--format", "xlsx", "-o", str(folder) + "/"])
    assert code == 2 and "会覆盖" in err and str(earlier) in err
    assert earlier.read_bytes() == before and a.exists()
    assert sorted(os.listdir(folder)) == ["a.checked.xlsx", "a.xlsx"]


# 8. leftovers ----------------------------------------------------------------------------------------------


def test_output_naming_a_directory_leaves_nothing_behind(tmp_path):
    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    target = tmp_path / "reports"
    target.mkdir()
    code, _out, err, _took, _peak = run([str(bill), "--format", "json", "-o", str(target)])
    assert code == 2 and len(error_lines(err)) == 1 and "文件夹" in err
    assert sorted(os.listdir(tmp_path)) == ["bill.xlsx", "reports"] and os.listdir(target) == []


def test_a_terminated_workbook_save_leaves_no_temporary_file(tmp_path, monkeypatch):
    import signal

    from checker.report import xlsx_report

    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    add_sheets = xlsx_report._add_sheets

    def interrupted(*args, **kwargs):
        parts = add_sheets(*args, **kwargs)  # the temporary workbook is half written on disk …
        os.kill(os.getpid(), signal.SIGTERM)  # … when the job is cancelled
        return parts

    monkeypatch.setattr(xlsx_report, "_add_sheets", interrupted)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        result = CliRunner().invoke(main, ["check", str(bill), "--format", "xlsx",
                                                           "-o", str(tmp_path / "out.xlsx"), "--jobs", "1"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.exit_code == 128 + signal.SIGTERM
    assert sorted(os.listdir(tmp_path)) == ["bill.xlsx"]


# 10. surrogates in a user catalog --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "html", "junit"])
def test_lone_surrogates_in_a_user_catalog_do_not_crash_reports(tmp_path, fmt):
    shipped = json.loads((Path(__file__).parents[1] / "catalogs" / "national_tech.json").read_text(encoding="utf-8"))
    entry = next(e for e in shipped["entries"] if e["id"] == "NPOL-01")
    user = {key: value for key, value in shipped.items() if key != "entries"}
    user["id"] = "user-surrogates"
    user["entries"] = [dict(entry, name=entry["name"] + "\ud800", source=entry["source"] + "\udcff")]
    catalog = tmp_path / "user.json"
    catalog.write_text(json.dumps(user, ensure_ascii=True), encoding="utf-8")  # "\ud800" escapes in the file
    bill = write(tmp_path, "bill.xlsx", hostile.xlsx_bill())
    out = tmp_path / f"r.{fmt}"
    code, _stdout, err, _took, _peak = run([str(bill), "--catalog", str(catalog), "--format", fmt, "-o", str(out)])
    assert code == 1, err
    text = out.read_bytes().decode("utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]


# 9. size limits ---------------------------------------------------------------------------------------------


def test_a_workbook_over_the_cells_a_file_may_have_is_refused(tmp_path, monkeypatch):
    import checker.read.preflight as preflight

    monkeypatch.setattr(preflight, "MAX_CELLS_PER_FILE", 20)  # the bill has 4 rows × 8 columns
    read = read_path(str(write(tmp_path, "bill.xlsx", hostile.xlsx_bill())))
    assert read.error == ("too big to check: 32 cells, over the 20 a file may have (about 90,000 bill lines); "
                          "NOT checked — split the bill (see README: supported sizes)")


def test_a_csv_is_refused_by_the_cells_it_holds_not_by_its_size(tmp_path, monkeypatch):
    """Short rows pack more cells in a byte than pre-flight's estimate: the reader counts them (all of them, for
    the reason) and refuses the file before its memory limit; a CSV of few long cells is not refused for its size."""
    import checker.read.preflight as preflight

    monkeypatch.setattr(preflight, "MAX_CELLS_PER_FILE", 2000)
    short = tmp_path / "short.csv"
    short.write_text("序号,项目编码,项目名称,计量单位\n" + "1,010401001001,砖墙,m3\n" * 600, encoding="utf-8")
    assert preflight.preflight(str(short), "csv", short.stat().st_size).cells < 2000  # the estimate misses it
    assert read_path(str(short)).error.startswith("too big to check: 2,404 cells, over the 2,000")
    long = tmp_path / "long.csv"
    long.write_text("序号,项目编码,项目名称,项目特征描述,计量单位,工程量\n" + "".join(
        f'{n},010401003001,砖墙,"1.砖品种：灰砂砖{"（说明）" * 3000}",m3,1\n' for n in range(1, 11)), encoding="utf-8")
    read = read_path(str(long))
    assert long.stat().st_size // 12 > 2000 and read.error is None and len(read.items) == 10
