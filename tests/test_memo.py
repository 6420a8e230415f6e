"""The per-line memo keeps a result once its line comes round again (checker/match/memo.py)."""
from checker.match.memo import RepeatMemo
from tests.test_structural_rules import MATCHER


def test_a_result_is_kept_from_the_second_sighting_on():
    memo = RepeatMemo(10)
    memo.put("a", 1)
    assert memo.get("a") is None  # seen once: only its hash is remembered
    memo.put("a", 2)
    assert memo.get("a") == 2 and len(memo) == 1


def test_the_memo_stays_within_its_size():
    memo = RepeatMemo(3)
    for round_ in range(2):
        for key in range(10):
            memo.put(key, key)
    assert len(memo) <= 3


def test_a_repeated_line_is_matched_once_more_then_remembered():
    text = ("外墙面砖", "1.部位：外墙\n2.粘结层：1:2水泥砂浆\n3.面层：劈开砖（记忆测试）", "011204003001")
    first, second, third = (MATCHER.match_text(*text) for _ in range(3))
    assert third is MATCHER.match_text(*text)  # kept since the second sighting
    assert [h.entry.id for h in first.hits] == [h.entry.id for h in third.hits]


def test_checked_item_and_provenance_build_are_the_dataclasses_made_faster():
    """``CheckedItem.build`` (the judge's per-line constructor) gives the object the dataclass would: equal, same
    hash, same defaults, still frozen."""
    import dataclasses

    import pytest

    from checker.model import CheckedItem, Finding, LineItem, Provenance

    item = LineItem(provenance=Provenance("b.xlsx", "表-08", 3, 4, None), table="boq", code="010401003001",
                    name="实心砖墙", features="MU10 实心粘土砖")
    finding = Finding(rule="r1", kind="banned", severity="error", entry="e", evidence="实心粘土砖",
                      clause="", matched="实心粘土砖", field="features", start=5, source="s", scope="",
                      replacement="", message="m")
    built = CheckedItem.build(item, ("墙体材料",), (finding,))
    made = CheckedItem(item=item, green_categories=("墙体材料",), findings=(finding,))
    assert built == made and hash(built) == hash(made) and built.certification is None
    assert built.status == "banned"
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.findings = ()
    where = Provenance.build("b.xlsx", "表-08", 3, 4, 2)
    assert where == Provenance("b.xlsx", "表-08", 3, 4, 2) and hash(where) == hash(Provenance("b.xlsx", "表-08", 3, 4, 2))
    assert where.location == ""


def test_a_line_the_judge_remembers_is_not_matched_again():
    """``Judge.judge_line`` matches only on a memo miss, and judges as ``judge(item, match)`` does."""
    from checker.judge.rules import Judge, Profile
    from checker.model import LineItem, Provenance
    from tests.test_structural_rules import CATALOGS

    judge, calls = Judge(CATALOGS, Profile()), []

    def match_item(line):
        calls.append(line)
        return MATCHER.match_item(line)

    item = LineItem(provenance=Provenance("b.xlsx", "表-08", 3, 3, None), table="boq", code="010401003001",
                    name="砖墙（判定记忆测试）", features="MU10 实心粘土砖")
    judged = [judge.judge_line(item, match_item) for _ in range(3)]
    assert len(calls) == 2  # the second sighting keeps the judgement; the third takes it without matching
    expected = Judge(CATALOGS, Profile()).judge(item, MATCHER.match_item(item))
    assert all(j == expected for j in judged) and any(f.kind == "banned" for f in expected.findings)


def test_segments_seen_once_are_not_kept():
    """A bill of distinct lines leaves no segment evaluations behind (each was 8–15 KB when a 100,000-line
    bill of distinct banned lines kept them all, and the file ran out of memory); a repeated one is kept."""
    from checker.match.matcher import Matcher
    from tests.test_structural_rules import CATALOGS

    matcher = Matcher(CATALOGS)
    for n in range(50):
        matcher.match_text(f"砖基础{n}号", f"1.品种：烧结粘土实心砖（批次{n}）")
    assert len(matcher._segments) == 0
    for _ in range(2):
        matcher.match_text("砖基础", "1.品种：烧结粘土实心砖（同一批）\n2.砂浆：M5")
    assert len(matcher._segments) > 0
