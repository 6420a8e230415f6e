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


def test_a_line_too_long_to_be_a_bill_line_is_judged_on_its_beginning_and_said(make_xlsx):
    """A cell of hundreds of thousands of characters (a pasted document, a damaged file) is judged on its first
    MAX_TEXT_CHARS, in bounded time and memory, and the file says so in the report's language."""
    from checker.match.matcher import MAX_TEXT_CHARS
    from checker.report.i18n import message_id, texts

    catalogs = load_catalogs()
    header = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量"]
    long_text = "1.砖品种：实心粘土砖；" + "墙体砌筑说明" * (MAX_TEXT_CHARS // 5)  # an xlsx cell holds 32,767
    path = make_xlsx({"表-08": [header, [1, "010401003001", "实心砖墙", long_text, "m3", 10],
                                 [2, "010401003002", "实心砖墙", "砖品种：蒸压灰砂砖", "m3", 5]]})
    started = time.perf_counter()
    report = check_file(str(path), Matcher(catalogs), Judge(catalogs, Profile()))
    assert time.perf_counter() - started < 20
    first, second = report.items
    assert first.findings and first.item.features == long_text  # read whole, judged on its beginning
    notes = [w for w in report.read.warnings if "characters of name or features" in w]
    assert len(notes) == 1 and f"holds {len(long_text)}" in notes[0] and "!2" in notes[0]
    assert message_id(notes[0]) == "read.long_lines" and "字符" in texts("zh").msg(notes[0])
