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


@pytest.mark.parametrize("unit", ["钢筋闪光对焊 ", "采用钢筋闪光对焊工艺 ", "不得使用钢筋闪光对焊 "])
def test_a_line_that_runs_on_for_pages_is_judged_in_linear_time(unit):
    """A clause is found by bisection in the text's break positions, not by a walk from every hit: a cell of
    thousands of hits and no full stop (a mutated or pasted bill) once took minutes."""
    from checker.model import LineItem, Provenance

    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile())

    def seconds_for(repeats: int) -> tuple[float, object]:
        item = LineItem.build({"provenance": Provenance("f", "s", 1, 1, None), "table": "boq", "seq": "1",
                               "code": "010515001001", "name": "现浇构件钢筋", "features": unit * repeats,
                               "unit": "t", "quantity": 1.0, "unit_price": None, "amount": None})
        started = time.perf_counter()
        checked = judge.judge(item, matcher.match_item(item))
        return time.perf_counter() - started, checked

    small, checked = seconds_for(400)
    big, long_checked = seconds_for(4000)  # ten times the text: a walk per hit made it about 100 times slower
    assert big < 4.0 and big < 30 * max(small, 0.02)
    assert {f.entry for f in checked.findings} == {f.entry for f in long_checked.findings}
