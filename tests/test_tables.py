"""Grid-level reading: pages, sections, footers, continuation rows, table kinds."""
import pytest

from checker.read.tables import extract_tables, project_from_title

HEADER = ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]


def page(number: int, rows: list[list[object]]) -> list[list[object]]:
    return [["分部分项工程和单价措施项目清单与计价表"], ["工程名称：聊城市某中学", "", "", "", "", f"第{number}页 共2页"],
            HEADER, *rows, ["", "", "本页小计", "", "", "", "", 10], ["", "", "合    计", "", "", "", "", 10],
            ["注：为计取规费等的使用，可在表中增设其中：“定额人工费”。"], ["表－08"]]


def read(grid, sheet="表-08"):
    return extract_tables(grid, file="bill.xlsx", sheet=sheet)


def test_paged_table_is_one_table_and_sections_carry_over():
    grid = page(1, [["", "", "A.4 砌筑工程"], [1, "010401001001", "砖基础", "1.MU10", "m3", 2, 3, 6]]) + page(
        2, [[2, "010401003001", "实心砖墙", "1.页岩砖", "m3", 1, 4, 4]])
    result = read(grid)
    assert [t.kind for t in result.tables] == ["boq"]
    assert [i.code for i in result.items] == ["010401001001", "010401003001"]
    assert result.items[0].section == "A.4 砌筑工程"
    assert result.items[1].section == "A.4 砌筑工程"
    assert result.project == "聊城市某中学"
    first = result.items[0]
    assert (first.provenance.first_row, first.quantity, first.unit_price, first.amount) == (5, 2, 3, 6)


def test_continuation_rows_join_the_item_above():
    grid = [HEADER, ["1", "010401001001", "砖基础", "1、砖品种：MU10", "m3", 1, 1, 1], ["", "", "", "2、基础类型：带形"],
            ["", "", "", "3、砂浆：M10"], ["2", "010402001001", "砌块墙", "1、加气块", "m3", 1, 1, 1]]
    items = read(grid).items
    assert items[0].features == "1、砖品种：MU10\n2、基础类型：带形\n3、砂浆：M10"
    assert (items[0].provenance.first_row, items[0].provenance.last_row) == (2, 4)
    assert len(items) == 2


def test_table_may_start_anywhere_and_columns_may_be_reordered():
    grid = [[], ["", "", "编码", "名称", "单位", "项目特征", "数量"], ["", "", "010501001001", "垫层", "m3", "C15", 3]]
    item = read(grid).items[0]
    assert (item.code, item.name, item.unit, item.features, item.quantity) == ("010501001001", "垫层", "m3", "C15", 3)


def test_fitout_table_without_codes_reads_numbered_items_and_group_headings():
    grid = [["序号", "项目名称", "项目特征", "单位", "数量", "单价"], ["2.1.1", "拆除工程"],
            ["2.1.1.01", "原有天花拆除", "1.拆除原有天花", "m2", 5, 10]]
    items = read(grid).items
    assert [(i.seq, i.name, i.section) for i in items] == [("2.1.1.01", "原有天花拆除", "2.1.1 拆除工程")]


def test_material_table_kind_and_fields():
    grid = [["承包人提供主要材料和工程设备一览表"], ["序号", "名称、规格、型号", "单位", "数量", "风险系数（%）", "基准单价（元）"],
            [1, "粘土实心砖 MU10", "千块", 20, 5, 441.1]]
    result = read(grid, sheet="表-21")
    assert result.tables[0].kind == "material"
    item = result.items[0]
    assert (item.table, item.seq, item.name, item.quantity, item.unit_price) == ("material", "1", "粘土实心砖 MU10", 20, 441.1)


def test_analysis_sheet_items_are_not_counted():
    grid = [["综合单价分析表"], ["项目编码", "010401001001", "项目名称", "砖基础", "计量单位", "m3", "工程量", 1],
            ["清单综合单价组成明细"], ["主要材料名称、规格、型号", "单位", "数量", "单价", "合价"], ["标准砖", "千块", 1, 2, 2]]
    result = read(grid, sheet="综合单价分析表(表-09)")
    assert result.items == []
    assert all(t.kind == "analysis" for t in result.tables)


def test_quota_sub_rows_are_not_items():
    grid = [HEADER, [1, "030411001001", "配管", "SC20", "m", 10, 5, 50], ["", "C13-1-136", "钢管敷设", "", "100m", 0.1, 1, 1]]
    assert [i.code for i in read(grid).items] == ["030411001001"]


def test_a_row_with_an_item_is_data_even_when_it_mentions_review_words():
    grid = [HEADER + ["备注"], [1, "011406001002", "墙面喷刷涂料", "1.腻子", "m2", 1, 1, 1, "复核首层是否计算"]]
    assert [i.code for i in read(grid).items] == ["011406001002"]


def test_fast_built_items_equal_normally_built_ones():
    from dataclasses import fields

    from checker.model import LINE_ITEM_FIELDS, LineItem

    item = read([HEADER, [1, "010401001001", "砖基础", "MU10", "m3", 2, 3, 6]]).items[0]
    assert set(LINE_ITEM_FIELDS) == {f.name for f in fields(LineItem)}
    assert item == LineItem(**{name: getattr(item, name) for name in LINE_ITEM_FIELDS})
    assert hash(item) == hash(LineItem(**{name: getattr(item, name) for name in LINE_ITEM_FIELDS}))


# --- the project named by a title row ----------------------------------------------------------------------

@pytest.mark.parametrize("title, project", [
    ("某某科技园3号楼精装修改造工程报价清单", "某某科技园3号楼精装修改造工程"),
    ("滨江某某花园二期景观提升项目工程量清单", "滨江某某花园二期景观提升项目"),
    ("某某大厦外立面装饰工程清单与计价表", "某某大厦外立面装饰工程"),
    ("某某县人民医院门诊楼维修工程预算书", "某某县人民医院门诊楼维修工程"),
    ("某某实验小学风雨操场工程量清单", "某某实验小学风雨操场工程"),  # 某…操场工程 + 量清单
    ("某某咖啡旗舰店装修工程量清单", "某某咖啡旗舰店装修工程"),
    ("  某某产业园  食堂改造项目 工程量清单 ", "某某产业园 食堂改造项目"),
    ("分部分项工程和单价措施项目清单与计价表", ""),  # generic: nothing of a project remains
    ("总价措施项目清单与计价表", ""),
    ("建筑安装工程工程量清单", ""),
    ("工程量清单", ""),
    ("主要材料设备品牌清单", ""),
    ("其他项目清单与计价汇总表", ""),  # not a bill's title word at the end
    ("注：本工程按工程量清单", ""),  # a note
    ("本项目报价须按招标文件提供的工程量清单", ""),
    ("某某商场三楼报价清单", ""),  # a place, but no project word
])
def test_project_from_a_title(title, project):
    assert project_from_title(title) == project


def test_a_title_row_names_the_project_when_no_project_row_does():
    rows = [[1, "010401003001", "实心砖墙", "1.页岩砖", "m3", 1, 4, 4]]
    assert read([["某某科技园3号楼精装修改造工程报价清单"], HEADER, *rows]).project_name == "某某科技园3号楼精装修改造工程"
    # beside the bill's total (a priced copy): still the title
    priced = [["某某科技园3号楼精装修改造工程报价清单", "", "", "", "", "", "", 123456.5], HEADER, *rows]
    assert read(priced).project_name == "某某科技园3号楼精装修改造工程"
    # a 工程名称 row wins, wherever it is; a generic title names nothing
    named = [["某某科技园3号楼精装修改造工程报价清单"], ["工程名称：某某科技园3号楼"], HEADER, *rows]
    assert read(named).project_name == "某某科技园3号楼"
    assert read(page(1, rows)).project_name == "聊城市某中学"
    assert read([["分部分项工程和单价措施项目清单与计价表"], HEADER, *rows]).project_name == ""


def test_a_project_row_on_a_later_sheet_wins_over_a_title_on_an_earlier_one(make_xlsx):
    from checker.read import read_path

    rows = [[1, "010401003001", "实心砖墙", "1.页岩砖", "m3", 1, 4, 4]]
    titled = make_xlsx({"装修": [["某某广场装修工程工程量清单"], HEADER, *rows],
                        "安装": [["工程名称：某某广场二期"], HEADER, *rows]})
    assert read_path(str(titled)).project == "某某广场二期"
    only_title = make_xlsx({"装修": [["某某广场装修工程工程量清单"], HEADER, *rows]}, name="titled.xlsx")
    assert read_path(str(only_title)).project == "某某广场装修工程"
