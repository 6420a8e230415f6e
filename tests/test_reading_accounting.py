"""No silent loss: continuation clauses stay with their item whatever they name, and every other row is counted."""
from hypothesis import HealthCheck, given, settings, strategies as st

from checker.read.accounting import LOST, PAGE_FURNITURE, REPEATED_HEADER, SUBTOTAL, audit, reading_summary
from checker.read.headers import FEATURES, HEADER_VOCABULARY, role_of
from checker.read.kinds import total_scope
from checker.read.tables import extract_tables

HEADER = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]


def read(grid, sheet="表-08"):
    return extract_tables(grid, file="bill.xlsx", sheet=sheet, audit=True)


def test_issue_example_keeps_every_clause():
    # the issue's example in other words: clause 2 names 品种、规格, clause 3 a 机械 (both header words)
    grid = [["序号", "编码", "名称", "单位", "项目特征", "数量", "单价", "金额"],
            [3, "010401003001", "砌体墙", "m3", "1、部位：围墙", 8, 300, 2400],
            ["", "", "", "", "2、品种、规格：MU15烧结粘土实心砖", "", "", ""],
            ["", "", "", "", "3、垂直运输机械：井字架", "", "", ""]]
    assert read(grid).items[0].features.splitlines()[1:] == ["2、品种、规格：MU15烧结粘土实心砖", "3、垂直运输机械：井字架"]


WORDS = sorted(HEADER_VOCABULARY)
VALUES = st.text(alphabet="砖砂浆钢筋混凝土塑料管玻璃棉岩板MU1025C30Φ×mm ", min_size=1, max_size=12).map(str.strip).filter(bool)
FORMS = ["{n}、{word}：{value}", "{word}：{value}", "{word}:{value}", "（{n}）{word}：{value}", "{n}.{word}：{value}",
         "{word}"]


def _bare_ok(word: str) -> bool:
    """A bare word alone is ambiguous when it is the 项目特征 column's own label (a stray header piece) or a total
    word (an unpriced 合计): those are counted as header residue or subtotal, never lost — the test leaves them out."""
    return role_of(word) != FEATURES and not total_scope(word)


CLAUSE = st.tuples(st.sampled_from(FORMS), st.sampled_from(WORDS), VALUES).filter(
    lambda t: t[0] != "{word}" or _bare_ok(t[1]))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(items=st.lists(st.lists(CLAUSE, max_size=4), min_size=1, max_size=4), page_break=st.booleans())
def test_continuation_rows_naming_header_words_are_never_lost(items, page_break):
    grid = [["分部分项工程和单价措施项目清单与计价表"], HEADER]
    wanted = []
    for i, clauses in enumerate(items, 1):
        texts = [form.format(n=k + 2, word=word, value=value) for k, (form, word, value) in enumerate(clauses)]
        grid.append([i, f"0104010030{i:02d}", "实心砖墙", "1、部位：女儿墙", "m3", 12.5, 410, 5125])
        grid += [["", "", "", text, "", "", "", ""] for text in texts]
        wanted.append(["1、部位：女儿墙", *texts])
        if page_break and i == 1:
            grid += [["", "", "本页小计", "", "", "", "", 5125], ["工程名称：某中学", "", "", "", "", "第1页 共2页"], HEADER]
    result = read(grid)
    assert [item.features.splitlines() for item in result.items] == wanted
    fates, lost = audit(grid, result)
    assert fates[LOST] == 0, lost


def test_skipped_rows_are_counted_by_reason_with_examples_and_totals_kept():
    grid = [["分部分项工程和单价措施项目清单与计价表"], ["工程名称：某中学", "", "", "", "", "第1页 共2页"], HEADER,
            [1, "010401001001", "砖基础", "1.MU10", "m3", 2, 3, 6], ["", "", "本页小计", "", "", "", "", 6],
            ["工程名称：某中学", "", "", "", "", "第2页 共2页"], HEADER,
            [2, "010401003001", "实心砖墙", "1.页岩砖", "m3", 1, 4, 4], ["", "", "合    计", "", "", "", "", 10]]
    result = read(grid)
    counts = {s.reason: s.count for s in result.skipped.rows()}
    assert counts == {PAGE_FURNITURE: 1, REPEATED_HEADER: 1, SUBTOTAL: 2}
    assert [s.examples for s in result.skipped.rows() if s.reason == SUBTOTAL] == [
        ("表-08!5: 本页小计 | 6", "表-08!9: 合    计 | 10")]
    assert [(t.scope, t.label, t.amount, t.row) for t in result.totals] == [("page", "本页小计", 6, 5),
                                                                           ("sheet", "合 计", 10, 9)]
    assert audit(grid, result)[0][LOST] == 0


def test_fee_and_total_lines_inside_a_bill_are_not_items_but_measures_are():
    grid = [HEADER,
            [1, "011701001001", "综合脚手架", "1.钢管", "m2", 100, 20, 2000],
            [2, "", "垂直运输", "1.塔吊", "项", 1, 5000, 5000],
            [3, "", "安全文明施工费", "", "项", 1, 800, 800],
            [4, "", "税金（9%）", "", "", "", "", 700],
            [5, "", "含税合计", "", "", "", "", 8500],
            [6, "", "措施费", "1.含夜间施工、二次搬运；2.现场搅拌砂浆", "项", 1, 100, 100],
            ["七", "", "管理费", "0.03", "项", 1, 50, 50]]
    result = read(grid)
    assert [i.name for i in result.items] == ["综合脚手架", "垂直运输", "措施费"]  # a fee that says what it holds stays
    assert {s.reason: s.count for s in result.skipped.rows()} == {"fee row": 3, "subtotal": 1}
    assert [(t.scope, t.amount) for t in result.totals] == [("sheet", 8500)]


def test_fee_and_summary_tables_are_recognised_and_give_no_items():
    fee = [["规费、税金项目计价表"], ["序号", "项目名称", "计算基础", "计算基数", "费率(%)", "金额（元）"],
           [1, "规费", "定额人工费", "", "", 300], [2, "税金", "分部分项+措施+其他", 10000, 9, 900], ["", "合计", "", "", "", 1200]]
    result = read(fee, sheet="表-13")
    assert [t.kind for t in result.tables] == ["fee"] and result.items == []
    assert [(t.scope, t.amount) for t in result.totals] == [("sheet", 1200)]
    summary = [["单位工程投标报价汇总表"], ["序号", "汇总内容", "金额（元）", "其中：暂估价（元）"],
               [1, "分部分项工程", 50000, 0], [1.1, "土建", 30000, ""], [2, "措施项目", 2000, ""],
               ["", "投标报价合计=1+2", 52000, ""]]
    result = read(summary, sheet="表-04")
    assert [t.kind for t in result.tables] == ["summary"] and result.items == []
    assert [(t.scope, t.label) for t in result.totals] == [("unit", "分部分项工程"), ("unit", "土建"),
                                                          ("unit", "措施项目"), ("sheet", "投标报价合计=1+2")]
    assert audit(summary, result)[0][LOST] == 0


def test_measures_sheet_with_quantities_is_a_bill():
    grid = [["措施项目费"], ["序号", "材料名称", "", "计量单位", "工程量", "综合单价（不含税）", "合价"],
            [1, "安全文明施工费", "", "项", 1, 1000, 1000], [2, "吊篮", "", "项", 1, 8000, 8000],
            [3, "脚手架", "", "项", 1, 5000, 5000]]
    result = read(grid, sheet="措施费")
    assert [t.kind for t in result.tables] == ["boq"]
    assert [i.name for i in result.items] == ["吊篮", "脚手架"]


def test_section_heading_with_its_amount_is_a_section_and_a_declared_total():
    grid = [["序号", "项目名称", "项目特征", "单位", "工程量", "综合单价", "合价"],
            ["一", "装饰工程", "", "", "", "", 3000], ["（一）", "隔墙工程"],
            [1, "轻钢龙骨隔墙", "1.75系列", "m2", 10, 300, 3000], ["六", "放水费", "", "项", 1, 100, 100]]
    result = read(grid)
    assert [(i.seq, i.name, i.section) for i in result.items] == [("1", "轻钢龙骨隔墙", "（一） 隔墙工程"),
                                                                   ("六", "放水费", "（一） 隔墙工程")]
    assert [(t.scope, t.label, t.amount) for t in result.totals] == [("section", "装饰工程", 3000)]


def test_material_rows_whose_name_is_merged_from_above_are_still_items():
    grid = [["序号", "材料名称", "使用区域", "品牌", "规格"], [1.01, "门拉手", "入户", "甲牌", "长1200"],
            [1.02, "", "入户", "乙牌", "长1500\n不锈钢"]]
    items = read(grid, sheet="材料品牌表").items
    assert [(i.seq, i.brand, i.spec) for i in items] == [("1.01", "甲牌", "长1200"), ("1.02", "乙牌", "长1500\n不锈钢")]


def test_spec_that_spills_into_the_next_row_joins_the_material():
    grid = [["序号", "名称", "规格型号", "品牌", "单位", "数量"], [1, "水泥", "P.O", "某牌", "t", 2], ["", "", "42.5级", "", "", ""]]
    item = read(grid, sheet="主材表").items[0]
    assert item.spec == "P.O\n42.5级"


def test_reading_summary_line_in_chinese():
    from checker.model import FileRead, SheetRead, SkippedRows

    read_ = FileRead("b.xlsx", "xlsx", "", sheets=(
        SheetRead("封面", "", False, "no bill table"), SheetRead("表-08", "boq", True, "", 10),
        SheetRead("表-08(2)", "boq", True, "", 5), SheetRead("主材表", "material", True, "", 3),
        SheetRead("表-13", "fee", False, "fee")),
        skipped=(SkippedRows("page furniture", 30), SkippedRows("subtotal", 8), SkippedRows("定额 sub-row", 3)))
    assert reading_summary(read_) == ("读取 3 张表（清单 2、材料 1），未读 2 张（封面：无清单表、表-13：费用表）；"
                                      "跳过 41 行：页眉页脚 30、小计合计 8、定额子目 3")
    many = FileRead("b.xlsx", "xlsx", "", sheets=read_.sheets + tuple(
        SheetRead(f"表-1{n}", "fee", False, "fee") for n in range(3)))
    assert reading_summary(many) == "读取 3 张表（清单 2、材料 1），未读 5 张（费用表 4、无清单表 1）"


ANY_CELL = st.one_of(st.none(), st.just(""), st.integers(0, 50),
                     st.text(alphabet="砖墙砂浆钢管1、：:2.规格名称", max_size=8),
                     st.sampled_from(["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价",
                                      "合计", "本页小计", "010401001001", "03B001", "A.4 砌筑工程", "注：见图", "第1页", "一",
                                      "（二）", "2、砖品种、规格：MU10", "规费", "税金", "C13-1-1"]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(ANY_CELL, max_size=9), max_size=12))
def test_whatever_rows_follow_a_header_no_text_is_lost(rows):
    """Any row under a bill header: its text ends up in an item, in a counted skip, a section, or a header."""
    grid = [HEADER, *rows]
    result = read(grid)
    fates, lost = audit(grid, result)
    assert fates[LOST] == 0, lost
