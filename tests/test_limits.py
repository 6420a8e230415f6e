import time

import pytest

from checker.match.catalog import load_catalogs
from checker.engine import check_file
from checker.judge.rules import Judge, Profile
from checker.limits import FileTimeLimit, time_limit
from checker.match.matcher import Matcher


def test_time_limit_interrupts_a_slow_block():
    started = time.perf_counter()
    with pytest.raises(FileTimeLimit):
        with time_limit(0.2):
            while True:
                time.sleep(0.01)
    assert time.perf_counter() - started < 2


def test_a_file_over_its_time_limit_is_reported_not_checked(make_xlsx, monkeypatch):
    import checker.engine as engine

    def slow_read(path, display_name=None, **options):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(engine, "read_path", slow_read)
    catalogs = load_catalogs()
    report = check_file(str(make_xlsx({"s": [["x"]]})), Matcher(catalogs), Judge(catalogs, Profile()), seconds=0.2)
    assert report.read.error.startswith("not checked: took longer than")
