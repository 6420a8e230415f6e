"""Line structure (checker/match/structure.py): clauses, roles, options, context, work item, location, product.

Wording written for these tests, not taken from the shared bills.
"""
import copy

import pytest

from checker.match.structure import StructureError, StructureReader, default_reader, load_vocabulary, \
    validate_vocabulary

READER = default_reader()


def analyse(name, features="", code=""):
    return READER.analyse(name, features, code)


def words(s, kind):
    return [s.fields[m.field][m.start:m.end] for m in s.mentions_of(kind)]


def mention(s, kind, text):
    return next(m for m in s.mentions_of(kind) if s.fields[m.field][m.start:m.end] == text)


def role_of(s, kind, text):
    m = mention(s, kind, text)
    return s.role_at(m.field, m.start, m.end)


# --- clauses -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("features, numbers", [
    ("1.面层：釉面砖\n2.粘贴层：水泥砂浆", [1, 2]),
    ("1、面层：釉面砖\n2、粘贴层：水泥砂浆", [1, 2]),
    ("(1)面层：釉面砖\n(2)粘贴层：水泥砂浆", [1, 2]),
    ("1)面层：釉面砖\n2)粘贴层：水泥砂浆", [1, 2]),
    ("1、1.面层：釉面砖\n2、2.粘贴层：水泥砂浆", [1, 2]),
    ("1.面层：釉面砖 2.粘贴层：水泥砂浆", [1, 2]),  # one printed line, numbered after a space
    ("1.面层：釉面砖\n2.部位：外墙\n3.15厚水泥砂浆", [1, 2, 3]),
    ("1.面层：釉面砖\n2.部位：外墙\n3.10厚水泥砂浆", [1, 2, 3]),  # 3.10厚 after clause 2 is clause 3
    ("1.5厚聚合物砂浆", [None]),  # a lone 1.5厚 is a thickness, not clause 1
    ("釉面砖，水泥砂浆粘贴", [None]),
])
def test_clauses_are_numbered_as_printed(features, numbers):
    s = analyse("墙面", features)
    assert [c.number for c in s.clauses if c.field == "features"] == numbers


@pytest.mark.parametrize("label, role", [
    ("砖品种、规格、强度等级", "brick"),
    ("砂浆强度等级、配合比", "mortar"),
    ("粘贴层", "bond"),
    ("结合层厚度、砂浆配合比", "bond"),
    ("找平层厚度", "leveling"),
    ("面层材料品种、规格、颜色", "finish"),
    ("骨架材料种类、规格、中距", "frame"),
    ("面层固定方式", "method"),
    ("安装部位", "location"),
    ("零星砌砖名称、部位", "location"),  # name and place in one attribute: the place decides
    ("混凝土种类", "concrete"),
    ("嵌缝材料种类", "grout"),
    ("搭设高度", "size"),
    ("随便写的", "free"),
])
def test_attribute_names_have_roles(label, role):
    assert READER.label_role(label) == role


def test_a_clause_knows_its_label_and_value():
    s = analyse("墙面", "1.面层：釉面砖\n2.粘贴层：20厚1:3水泥砂浆")
    second = s.clauses[2]
    assert (second.number, second.label, second.role) == (2, "粘贴层", "bond")
    assert s.fields["features"][second.value_start:second.end] == "20厚1:3水泥砂浆"


def test_a_ratio_is_no_label_separator():
    s = analyse("地面", "1:2.5水泥砂浆找平")
    assert s.clauses[1].label == "" and s.clauses[1].role == "free"


# --- the role of a word: the clause's, refined by the verb after it -------------------------------------------
@pytest.mark.parametrize("features, role", [
    ("粘贴层：20厚1:2水泥砂浆", "bond"),
    ("做法：1:2水泥砂浆镶贴", "bond"),
    ("基层：1:3水泥砂浆找平层", "leveling"),
    ("粘贴层：1:3水泥砂浆找平", "leveling"),  # the verb says more than the label
    ("15厚1:3水泥砂浆抹灰", "leveling"),
    ("白水泥浆擦缝", "grout"),
    ("M7.5水泥砂浆砌筑", "leveling"),
    ("20厚干硬性水泥砂浆结合层", "bond"),
    ("1:2水泥砂浆", "free"),
])
def test_a_mortar_takes_the_role_of_its_verb(features, role):
    s = analyse("墙面", features)
    m = s.mentions_of("cement_mortar")[0]
    assert s.role_at(m.field, m.start, m.end) == role


def test_a_base_coat_is_the_bond_when_the_clause_sets_the_facing_without_naming_its_mortar():
    promoted = analyse("内墙", "10厚1:3水泥砂浆打底，上贴釉面砖")
    assert promoted.role_at("features", *_span(promoted, "cement_mortar")) == "bond"
    kept = analyse("内墙", "10厚1:3水泥砂浆打底，瓷砖胶粘贴釉面砖")
    assert kept.role_at("features", *_span(kept, "cement_mortar")) == "base"


def _span(s, kind):
    m = s.mentions_of(kind)[0]
    return m.start, m.end


def test_words_inside_a_longer_word_of_their_group_do_not_count():
    s = analyse("墙面", "粘结材料：瓷砖粘结砂浆")
    assert words(s, "adhesive") == ["瓷砖粘结砂浆"] and words(s, "cement_mortar") == [] and words(s, "tile") == []


def test_a_mortar_grade_code_is_a_mortar_and_shows_with_its_grade():
    s = analyse("墙面", "结合层：DS M15\n找平层：WP M10水泥砂浆")
    assert words(s, "cement_mortar") == ["DSM15", "WPM10水泥砂浆"]


# --- options offered to the bidder --------------------------------------------------------------------------
@pytest.mark.parametrize("features, word, offered", [
    ("材质：钢管或竹木", "竹木", True),
    ("材质：钢管或者竹木", "竹木", True),
    ("拌制：预拌/现场拌制", "现场拌制", True),
    ("材质：钢管、竹木综合考虑", "竹木", True),
    ("材质：钢管、竹木均可", "竹木", True),
    ("材质：钢管、扣件、竹木", "竹木", False),  # a list: every part is supplied
    ("规格：1/2", "1", False),
])
def test_options_offered_to_the_bidder(features, word, offered):
    s = analyse("脚手架", features)
    at = s.fields["features"].index(word, s.clauses[1].value_start)
    assert (s.option_at("features", at) is not None) == offered


def test_an_options_value_is_read_without_the_bidders_words():
    s = analyse("脚手架", "材质：钢管或竹木综合考虑")
    assert s.option_text("features", s.fields["features"].index("竹木")) == "竹木"


# --- mentioned but not supplied -------------------------------------------------------------------------------
@pytest.mark.parametrize("features, word, reason", [
    ("说明：严禁采用实心粘土砖", "实心粘土砖", "negated"),
    ("非粘土烧结砖", "粘土", "negated"),
    ("原设计为粘土砖，现调整为加气块", "粘土砖", "former choice"),
    ("由实心粘土砖改为混凝土砖", "实心粘土砖", "former choice"),
    ("保留原粘土砖墙，只做抹灰", "粘土砖", "existing"),
    ("既有红砖围墙清理", "红砖", "existing"),
    ("拆除红砖隔墙，外运", "红砖", "demolished"),
])
def test_mentioned_but_not_supplied(features, word, reason):
    s = analyse("墙体", features)
    assert reason in s.not_supplied("features", s.fields["features"].index(word))


@pytest.mark.parametrize("features, word", [
    ("原有砖墙上新贴釉面砖", "釉面砖"),  # the new facing on the old wall is supplied
    ("原设计为粘土砖，现调整为加气块", "加气块"),
    ("砖品种：灰砂砖；说明：不得用粘土砖", "灰砂砖"),
])
def test_what_the_line_does_supply_stays_supplied(features, word):
    s = analyse("墙体", features)
    assert s.not_supplied("features", s.fields["features"].index(word)) == ""


# --- work item, location, product -----------------------------------------------------------------------------
@pytest.mark.parametrize("name, code, work_item", [
    ("块料踢脚线", "011105003001", "skirting"),
    ("石材墙面", "011204001002", "stone_wall"),
    ("块料墙面", "011204003005", "wall_finish"),
    ("截(凿)桩头", "010301004001", "pile_head"),
    ("预制管桩", "010301002001", "precast_pile"),
    ("电梯井脚手架", "粤011701015001", "scaffold"),  # a provincial prefix before the code
    ("外墙面砖", "", "wall_finish"),  # without a code: from the 项目名称
    ("大理石门槛石", "", "floor_finish"),
    ("花岗岩洗手台", "", "counter"),
    ("灰土垫层", "", "cushion"),
    ("随便什么", "", ""),
])
def test_the_work_item_comes_from_the_code_or_the_name(name, code, work_item):
    assert analyse(name, "", code).work_item == work_item


@pytest.mark.parametrize("name, features, code, location", [
    ("墙面砖", "部位：外墙", "", "exterior"),
    ("外立面饰面砖", "", "", "exterior"),
    ("墙面砖", "部位：外墙内侧", "", ""),
    ("墙面砖", "部位：卫生间", "", "interior"),
    ("块料楼地面", "部位：室外平台", "011102003001", "floor"),  # a floor stays a floor outside
    ("块料踢脚线", "", "011105003001", "interior"),
    ("墙面砖", "", "", ""),
])
def test_location(name, features, code, location):
    assert analyse(name, features, code).location == location


@pytest.mark.parametrize("name, features, code, products", [
    ("大理石门槛石", "1.地面瓷砖铺贴做法\n2.水泥砂浆结合层", "", {"stone"}),  # the name decides
    ("墙面", "1.面层：仿古砖\n2.部位：石材墙面旁", "", {"tile"}),
    ("块料墙面", "粘贴：水泥砂浆", "011204003001", {"tile"}),  # by the work item
    ("石材墙面", "", "011204001001", {"stone"}),
    ("铝板墙面", "干挂", "", {"metal_panel"}),
])
def test_the_product_the_line_supplies(name, features, code, products):
    assert analyse(name, features, code).products == products


def test_the_clause_is_described_with_its_printed_attribute_name():
    s = analyse("墙面", "1.面层：釉面砖\n2.粘贴 层 ：20厚水泥砂浆")
    at = s.fields["features"].index("水泥砂浆")
    assert s.describe("features", at) == "项目特征 第2条「粘贴 层」"
    assert s.describe("name", 0) == "项目名称"


# --- the vocabulary is validated data ---------------------------------------------------------------------------
def test_the_shipped_vocabulary_is_valid():
    assert validate_vocabulary(load_vocabulary()) == []


@pytest.mark.parametrize("change, problem", [
    (lambda v: v.update(schema="x"), "schema"),
    (lambda v: v.pop("roles"), "roles"),
    (lambda v: v["classes"].update(tile="面砖"), "classes.tile"),
    (lambda v: v["work_items"]["skirting"].update(codes=["01A"]), "digits"),
    (lambda v: v["work_items"]["skirting"].update(location="roof"), "location"),
    (lambda v: v.update(mortar_grades="("), "mortar_grades"),
])
def test_a_bad_vocabulary_is_refused(change, problem):
    vocabulary = copy.deepcopy(load_vocabulary())
    change(vocabulary)
    assert any(problem in p for p in validate_vocabulary(vocabulary))
    with pytest.raises(StructureError):
        StructureReader(vocabulary)
