"""This line ⇒ these findings, for each class of miss the independent audit found (issue 10, second round).

The audit lines are in tests/data/audit_lines.txt (scored by tools/score_audit.py); the one-line cases below are
written in yet other wording, one or more per class fixed.  Expected: "-" (no banned or restricted finding) or
"RULE:kind" of the decisive finding, as in tests/test_structural_rules.py.
"""
import importlib.util
import sys

import pytest

from checker.match.structure import default_reader
from checker.model import LineItem, Provenance
from tests.conftest import REPO
from tests.test_structural_rules import JUDGE, MATCHER, assert_outcome, check

READER = default_reader()


def _load_audit():
    spec = importlib.util.spec_from_file_location("score_audit", REPO / "tools" / "score_audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_audit", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- the audit set as a whole --------------------------------------------------------------------------------
def test_every_audit_line_gets_its_label():
    audit = _load_audit()
    outcomes = audit.run(audit.parse(audit.AUDIT_FILE.read_text(encoding="utf-8")))
    assert len(outcomes) >= 400
    misses = [(o.line.number, o.line.name, o.problems) for o in outcomes if o.problems]
    assert not misses


def test_the_audit_scorer_sees_a_clean_line_banned():
    audit = _load_audit()
    lines = audit.parse("## t\nC | 010401003001 | 砖墙 | 1.粘土实心砖\n")
    assert audit.run(lines)[0].problems == ["CLEAN LINE BANNED"]


# --- structure: a line break inside a clause -------------------------------------------------------------------
def test_a_clause_that_runs_on_after_a_line_break_keeps_its_attribute():
    s = READER.analyse("块料墙面", "1.墙面：外墙\n2.粘贴层：12厚1:2\n水泥砂浆\n3.面层：釉面砖")
    third = [c for c in s.clauses if c.field == "features"][2]
    assert (third.number, third.role) == (2, "bond")


def test_a_line_that_ends_on_a_word_starts_a_clause_of_its_own():
    s = READER.analyse("块料墙面", "1.部位：外墙\n水泥砂浆找平")
    assert [c.role for c in s.clauses if c.field == "features"] == ["location", "free"]


RUN_ON = [
    ("外墙贴砖", "1.部位：外立面\n2.结合层：8厚1:2.5\n水泥砂浆\n3.面层：通体砖", "011204003001", "N21-03:banned"),
    ("外墙贴砖", "1.部位：外立面\n2.找平：15厚1:3\n水泥砂浆\n3.面层：通体砖，瓷砖胶粘贴", "011204003001", "-"),
]


# --- bonding: where the bond is said ---------------------------------------------------------------------------
BOND = [
    # a verb right after the mortar in the 项目名称
    ("外墙釉面砖（1:2水泥砂浆镶贴）", "1.规格：200×100", "011204003001", "N21-03:banned"),
    ("外墙釉面砖（瓷砖胶镶贴）", "1.规格：200×100", "011204003001", "-"),
    # a mortar whose name holds a verb (抹灰砂浆, 砌筑砂浆) is still the bond of a 粘结层
    ("外墙块料", "1.面层：仿石砖\n2.粘结层：DP干混抹灰砂浆", "011204003001", "N21-03:banned"),
    ("外墙块料", "1.面层：仿石砖\n2.找平层：DP干混抹灰砂浆\n3.粘结层：瓷砖胶", "011204003001", "-"),
    # the tile is stuck (安装方式) and the only mortar is named in a 砂浆 clause: it is the bond
    ("外墙块料", "1.安装方式：镶贴\n2.面层：劈离砖\n3.砂浆配合比：1:1水泥砂浆\n4.部位：外墙", "011204003001",
     "N21-03:banned"),
    ("外墙块料", "1.面层：劈离砖\n2.砂浆配合比：1:3水泥砂浆\n3.部位：外墙", "011204003001", "-"),  # not said stuck
    # attribute names that say bonding
    ("内墙砖", "1.镶贴方式：1:2水泥砂浆\n2.面层：瓷片\n3.部位：厨房", "011204003001", "N21-03:manual"),
    ("块料踢脚线", "1.粘接层厚度、材料种类：1:2水泥砂浆\n2.面层：抛光砖", "011105003001", "N21-03:manual"),
    ("块料墙面", "1.部位：外墙\n2.湿贴：1:2水泥砂浆\n3.面层：外墙砖", "011204003001", "N21-03:banned"),
    # common misspellings of 砂浆, 瓷砖, 马赛克
    ("外墙面砖", "1.1:2水泥沙浆粘贴\n2.面层：外墙砖", "011204003001", "N21-03:banned"),
    ("外墙贴磁砖", "1.1:2水泥砂浆粘贴", "", "N21-03:banned"),
    ("外墙马塞克", "1.1:1水泥砂浆镶贴", "", "N21-03:banned"),
]


def test_a_mortar_name_with_a_verb_keeps_its_clause_role():
    s = READER.analyse("块料墙面", "1.粘结层：干混抹灰砂浆")
    mortar = next(m for m in s.mentions_of("cement_mortar"))
    assert s.role_at(mortar.field, mortar.start, mortar.end) == "bond"


# --- not supplied: the design's former choice, negation after the word -----------------------------------------
NOT_SUPPLIED = [
    ("砖墙", "1.原：实心粘土砖\n2.现：MU15混凝土多孔砖", "010401004001", "-"),
    ("砖墙", "1.变更前：红砖；变更后：蒸压灰砂砖", "010401003001", "-"),
    ("外墙面砖", "1.原为水泥砂浆粘贴，现改瓷砖胶粘贴\n2.面层：外墙砖", "011204003001", "-"),
    ("砌块墙", "1.MU10混凝土砌块，设计中的粘土空心砖已取消", "010402001001", "-"),
    ("墙体", "1.加气块墙，红砖不再使用", "010402001001", "-"),
    ("钢筋", "1.HRB400E Φ12（原HRB335）", "010515001001", "-"),
    # the old choice does not hide a new one that is banned
    ("砖墙", "1.原：加气块\n2.现：MU10红砖", "010401003001", "NPOL-01:banned"),
    ("钢筋", "1.HRB335 Φ12（原HRB400）", "010515001001", "NSTD-02:banned"),
]


DEMOLITION = [
    ("隔墙拆除恢复", "1.拆除原隔墙\n2.恢复：红机砖120墙", "010401003001", "NPOL-01:banned"),
    ("外墙砖拆除更换", "1.铲除空鼓面砖\n2.更换：1:2水泥砂浆粘贴外墙砖", "011204003001", "N21-03:banned"),
    ("隔墙拆除", "1.拆除原红机砖隔墙\n2.垃圾外运", "011604001001", "-"),
]


# --- alternatives --------------------------------------------------------------------------------------------
ALTERNATIVES = [
    ("外脚手架", "1.架体：可选用毛竹或钢管", "011701002001", "N21-07:banned+alt"),
    ("里脚手架", "1.投标人可采用竹木或钢管搭设", "011701003001", "N21-07:banned+alt"),
    ("外墙保温", "1.抹面层：抗裂砂浆压入玻纤网或耐碱网格布", "011001003001", "N24-09:manual+alt"),
    ("外墙保温", "1.抹面层：抗裂砂浆压入耐碱玻纤网格布或热镀锌钢丝网", "011001003001", "-"),
]


# --- a look-alike that begins in the clause number is no look-alike ----------------------------------------------
def test_a_clause_number_is_not_part_of_a_look_alike():
    assert_outcome("坐厕", "1.部位：卫生间\n2.9L连体坐便器", "031004006001", "N06-05:banned")
    assert_outcome("坐厕", "1.部位：卫生间\n2.3.9L双档连体坐便器", "031004006001", "-")  # 3.9 litres in clause 2


# --- stone hangers --------------------------------------------------------------------------------------------
STONE = [
    ("石材墙面", "1.挂件：蝶形铝合金挂件\n2.30厚花岗岩", "011204001001", "N24-02:banned"),
    ("石材墙面", "1.连接件：T字不锈钢挂码\n2.30厚花岗岩", "011204001001", "N24-02:banned"),
    ("石材墙面", "1.T形挂件改为背栓\n2.30厚花岗岩", "011204001001", "-"),
    ("干挂花岗岩", "1.连接方式：云石胶粘结\n2.骨架：镀锌角钢", "011204001001", "N24-02:banned"),
    ("干挂花岗岩", "1.石材背面胶粘耐碱玻纤网\n2.挂件：不锈钢挂件", "011204001001", "N24-02:manual"),
    ("干挂花岗岩", "1.石材背面胶粘耐碱玻纤网\n2.挂件：SE型", "011204001001", "-"),
    ("干挂大理石", "1.板背斜插槽口挑件连接", "011204001001", "N24-02:banned"),
    ("吊顶天棚", "1.T型龙骨，吊挂件\n2.矿棉板", "011302001001", "-"),
]


# --- brick-built wells, pits and inlets -------------------------------------------------------------------------
WELLS = [
    ("检查井", "1.井壁材料：MU10砖\n2.用途：污水", "040504001001", "N21-14:banned"),
    ("检查井", "1.井身：M7.5砂浆砌MU15砖\n2.井径700", "040504001001", "N21-14:manual"),  # medium not stated
    ("检查井", "1.雨水检查井\n2.井壁：MU10砖砌筑", "040504001001", "-"),
    ("化粪池", "1.池壁：MU10砖\n2.容积6m³", "040504008001", "N24-13:manual"),
    ("检查井", "1.C25钢筋混凝土井身\n2.污水", "040504001001", "-"),
]


def test_a_brick_named_by_its_grade_is_a_brick():
    s = READER.analyse("检查井", "1.井壁材料：MU7.5砖\n2.材质：砖")
    assert len(s.mentions_of("brick")) == 2


# --- site mixing, spacer blocks, scaffold poles, the 107 glue family -----------------------------------------------
SHORTHAND = [
    ("过梁", "1.拌制方式：人工\n2.C20", "010503005001", "NPOL-05:banned"),
    ("过梁", "1.拌制方式：搅拌站\n2.C20", "010503005001", "-"),
    ("钢筋保护层", "1.垫块：现场预制水泥砂浆垫块", "010515001001", "N21-01:banned"),
    # cast in place is the concrete's, not the spacer block's
    ("矩形梁", "1.混凝土：预拌C30，现场浇筑\n2.钢筋保护层：成品塑料垫块", "010503002001", "-"),
    ("现浇构件钢筋", "1.HRB400E\n2.保护层垫块：工厂成品\n3.构件为现场浇筑", "010515001001", "-"),
    ("外架", "1.立杆：杉杆\n2.双排", "011701002001", "N21-07:banned"),
    ("外架", "1.材质：竹木混合", "011701002001", "N21-07:banned"),
    ("墙面腻子", "1.腻子掺108胶", "011406001001", "N06-01:manual"),
]


OUTCOMES = {"run-on clause": RUN_ON, "bond": BOND, "not supplied": NOT_SUPPLIED, "demolish and rebuild": DEMOLITION,
            "alternative": ALTERNATIVES, "stone hanger": STONE, "well": WELLS, "shorthand": SHORTHAND}


@pytest.mark.parametrize("name, features, code, expected", [case for cases in OUTCOMES.values() for case in cases],
                         ids=[f"{kind}: {case[0]} {case[1][:14]}" for kind, cases in OUTCOMES.items() for case in cases])
def test_this_line_gets_these_findings(name, features, code, expected):
    assert_outcome(name, features, code, expected)


# --- green: the main category ---------------------------------------------------------------------------------
def greens(name, features="", code="", section="", sheet=None, table="boq"):
    item = LineItem(provenance=Provenance("t.xlsx", sheet), table=table, code=code, name=name, features=features,
                    section=section)
    return JUDGE.judge(item, MATCHER.match_item(item)).green_categories


@pytest.mark.parametrize("name, features, code", [
    ("墙面抹灰", "1.18厚WP M15抹灰砂浆", "011201001001"),
    ("找平层", "1.30厚DS-M20", "011101006001"),
    ("砌块墙", "1.砌筑砂浆：DMM7.5", ""),
])
def test_a_ready_mixed_mortar_grade_is_ready_mixed_mortar(name, features, code):
    assert "预拌砂浆" in greens(name, features, code)


@pytest.mark.parametrize("name, features", [
    ("PE排水管件", "dn160"),
    ("室外塑料雨水管", "De110"),
    ("PP-R冷水管材", "S5 dn32"),
    ("给水塑料管件（热熔）", "DN50"),
])
def test_plastic_pipe_rows_of_a_material_table(name, features):
    assert greens(name, features, table="material")[:1] == ("塑料管材管件",)


@pytest.mark.parametrize("name, features", [("PVC穿线管", "DN25"), ("PE保护膜", "0.05mm"), ("塑料管卡", "DN50"),
                                            ("保护层垫块", "1.塑料垫块直接绑在钢筋上")])  # 直接: "directly", no coupling
def test_conduits_films_and_clips_are_no_plastic_pipe(name, features):
    assert "塑料管材管件" not in greens(name, features, table="material")


@pytest.mark.parametrize("name, features, section, sheet", [
    ("3mm铝单板（氟碳喷涂）", "1.龙骨：热镀锌钢方通\n2.面板：3mm铝单板", "二 裙楼", "外装幕墙"),
    ("8+12A+8中空钢化玻璃", "1.明框\n2.硅酮结构胶", "玻璃幕墙工程", None),
    ("30厚芝麻白花岗岩", "1.背栓式干挂", "石材幕墙", None),
])
def test_a_curtain_wall_sheet_makes_its_panels_curtain_wall_lines(name, features, section, sheet):
    assert greens(name, features, section=section, sheet=sheet)[:1] == ("建筑幕墙",)


@pytest.mark.parametrize("name, features, section, sheet", [
    ("3mm铝单板（氟碳喷涂）", "1.面板：3mm铝单板", "外墙装饰", None),  # no curtain wall said
    ("热镀锌钢方通", "1.龙骨：120*60*4", "幕墙工程", None),  # a frame, not a panel
    ("铝合金窗", "1.断桥铝合金\n2.6+12A+6中空玻璃", "幕墙工程", None),  # its own work item: a window
])
def test_other_lines_keep_their_own_main_category(name, features, section, sheet):
    assert greens(name, features, section=section, sheet=sheet)[:1] != ("建筑幕墙",)


def test_the_line_own_curtain_wall_item_puts_curtain_wall_first():
    assert greens("铝板幕墙", "1.3mm铝单板，氟碳漆\n2.密封胶")[:1] == ("建筑幕墙",)


def test_checked_item_status_of_a_former_choice():
    assert check("砖墙", "1.原：红砖\n2.现：灰砂砖", "010401003001").status != "banned"
