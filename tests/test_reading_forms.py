"""Column roles from more real header forms, and the power-grid budget forms (电网工程预算)."""
import json

import pytest

from checker.read import read_path
from checker.read.headers import (AMOUNT, CODE, NAME, PRICE, QTY, RECHECK, MergedFill, build_header, looks_like_header,
                                  role_of)
from checker.read.tables import extract_tables
from tools.make_power_budget import EXPECTED, write


@pytest.mark.parametrize("text, role", [
    ("暂估工程量", QTY), ("2023/24年暂估工程量", QTY), ("2026年度 工程量", QTY), ("暂估 总价", AMOUNT),
    ("24/25年暂估总价", AMOUNT), ("其中：暂估价", "ignore"), ("暂估单价", PRICE), ("工程 数量", QTY),
    ("复核工程量", RECHECK), ("复核 数量", RECHECK), ("含税单价", PRICE), ("不含税合价", AMOUNT), ("工程量计算规则", "ignore"),
    ("材料名称从", NAME), ("汇 总 内 容", NAME), ("内容", NAME), ("物料编码", "ignore"), ("清单编码", CODE),
    ("3、品牌、规格：甲牌", None), ("（2）单价：按实", None), ("施工机械：汽车吊", None),
])
def test_more_header_synonyms(text, role):
    assert role_of(text) == role


def test_a_re_measured_quantity_beside_the_quantity_is_its_own_field():
    both = [["序号", "名称", "单位", "数量", "综合单价", "合价", "复核数量"], [1, "吊顶", "m2", 140.5, 100, 14050, 138.25]]
    header = build_header(both, 0, MergedFill())
    assert (header.columns[QTY], header.columns[RECHECK]) == (3, 6)
    [item] = extract_tables(both, file="f.xlsx", sheet="s").items
    assert (item.quantity, item.rechecked_quantity) == (140.5, 138.25)
    alone = [["序号", "名称", "单位", "核对工程量", "综合单价", "合价"], [1, "吊顶", "m2", 138.25, 100, 13825]]
    header = build_header(alone, 0, MergedFill())
    assert header.columns[QTY] == 3 and RECHECK not in header.columns  # the only quantity the bill prints
    [item] = extract_tables(alone, file="f.xlsx", sheet="s").items
    assert (item.quantity, item.rechecked_quantity) == (138.25, None)


def test_tax_exclusive_pair_is_read_and_said_where_both_are_printed():
    grid = [["序号", "项目名称", "项目特征描述", "单位", "工程量", "含税控制价(元)", "", "不含税控制价(元)", "", "备注"],
            ["", "", "", "", "", "含税单价", "含税合价", "不含税单价", "不含税合价", ""]]
    header = build_header(grid, 0, MergedFill([((0, 5), (0, 6)), ((0, 7), (0, 8))]))
    assert (header.columns[PRICE], header.columns[AMOUNT], header.amount_basis) == (7, 8, "不含税")
    assert [text for _, text in header.unread] == ["含税控制价(元)/含税单价", "含税控制价(元)/含税合价", "备注"]


def test_header_continuation_may_hold_cost_analysis_labels():
    grid = [["序号", "项目名称", "单位", "工程量", "单价", "", "成本分析", "", ""],
            ["", "", "", "", "不含税单价", "不含税合价", "成本价", "主材损耗率", "辅材费"],
            [1, "铝单板", "m2", 10, 700, 7000, 500, 0.05, 20]]
    header = build_header(grid, 0, MergedFill())
    assert header.last_row == 1 and header.columns[AMOUNT] == 5


def test_price_index_material_form_is_a_header():
    # 表-22 承包人提供主要材料和工程设备一览表（适用于价格指数差额调整法）
    assert looks_like_header(["序号", "名称、规格、型号", "变值权重B", "基本价格指数F0", "现行价格指数F1", "备注"])


def test_quantity_and_amount_of_provisional_columns_are_read():
    grid = [["序号", "项目名称", "项目特征", "适用范围", "工程量计算规则", "单位", "24/25年暂估工程量", "综合单价",
             "人工费", "24/25年暂估总价", "备注"],
            ["2.1.1.01", "石膏板吊顶", "1.轻钢龙骨", "室内", "按面积", "m2", 120.5, 80, 20, 9640, ""]]
    result = extract_tables(grid, file="b", sheet="2.1")
    item = result.items[0]
    assert (item.quantity, item.unit_price, item.amount) == (120.5, 80, 9640)
    assert result.tables[0].unread_columns == ("适用范围", "工程量计算规则", "人工费", "备注")


@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_power_grid_budget_forms_give_estimate_and_material_lines(variant, tmp_path):
    read = read_path(str(write(tmp_path / f"{variant}.xlsx", variant)))
    expected = EXPECTED[variant]
    assert {s.sheet: (s.kind, s.items) for s in read.sheets} == expected["sheets"]
    assert sorted(i.name for i in read.items) == sorted(expected["lines"])
    assert all(i.quantity is not None and i.amount is not None for i in read.items)
    estimate = next(t for t in read.tables if t.kind == "boq")
    assert estimate.amount_basis.startswith("合价=") and "安装费" in estimate.amount_basis


def test_power_budget_line_amount_is_the_sum_of_its_parts(tmp_path):
    read = read_path(str(write(tmp_path / "line.xlsx", "line")))
    laying = next(i for i in read.items if i.name.startswith("电缆沟内敷设"))
    cable = next(i for i in read.items if i.name.startswith("电力电缆 YJLW03"))
    assert (laying.unit_price, laying.amount) == (15000, 180000)  # 安装费 only; 其中：人工费 is a share
    assert (cable.unit_price, cable.amount, cable.section) == (1350, 1652400, "二 电缆敷设")


def test_json_report_lists_sheets_skipped_rows_and_totals(tmp_path):
    from click.testing import CliRunner

    from checker.cli import main

    path = write(tmp_path / "line.xlsx", "line")
    out = tmp_path / "r.json"
    CliRunner().invoke(main, ["check", str(path), "--format", "json", "-o", str(out)])
    entry = json.loads(out.read_text(encoding="utf-8"))["files"][0]
    assert [(s["sheet"], s["kind"], s["read"], s["reason"]) for s in entry["sheets"]] == [
        ("总预算表", "summary", False, "summary"), ("表三丁 安装工程预算表", "boq", True, ""),
        ("其他费用预算表", "fee", False, "fee"), ("安装乙供主材汇总表", "material", True, "")]
    reasons = {s["reason"]: s["count"] for s in entry["skipped_rows"]}
    assert reasons == {"subtotal": 5, "summary table": 3, "fee table": 3}
    assert {"scope": "section", "label": "小计", "amount": 19701.25, "sheet": "表三丁 安装工程预算表", "row": 10,
            "location": ""} in entry["totals"]  # 装置性材料费 11700 + 安装费 8001.25
    assert entry["table_count"] == 2
    assert entry["reading"].startswith("读取 2 张表（清单 1、材料 1），未读 2 张")
    assert [t["amount_basis"] for t in entry["tables"] if t["kind"] == "boq"] == ["合价=装置性材料费+安装费"]


def test_workbook_with_only_fee_and_summary_tables_is_not_checked(make_xlsx):
    path = make_xlsx({"汇总": [["工程汇总表"], ["序号", "项目名称", "金额（元）", "备注"], [1, "1号楼", 1000, ""],
                               ["", "合计", 1000, ""]],
                      "表-13": [["规费、税金项目计价表"], ["序号", "项目名称", "计算基础", "费率(%)", "金额（元）"],
                               [1, "税金", "税前造价", 9, 90]]})
    read = read_path(str(path))
    assert read.error == ("no bill table found in sheets: 汇总, 表-13 (only fee table, summary table: not bill lines)")
    assert [(s.sheet, s.kind) for s in read.sheets] == [("汇总", "summary"), ("表-13", "fee")]
    assert [(t.scope, t.label, t.amount) for t in read.totals] == [("unit", "1号楼", 1000), ("sheet", "合计", 1000)]
