"""Power-grid budget workbooks (电网工程预算) built from the published forms' column names, for tests and evaluation.

    python tools/make_power_budget.py OUT.xlsx [--variant line|substation]

No real power-industry budget is in ../shared, so the reader is measured on workbooks laid out like the forms
of the 电网工程建设预算编制与计算规定: 总预算表 (summary), 安装工程预算表 (表三: 序号 | 编制依据 | 项目名称及
规格 | 单位 | 数量 | 单价 and 合价 split into 装置性材料费 | 安装费 | 其中：人工费, with 设备费 first in a
substation budget), 其他费用预算表 (fees) and the material lists 安装乙供主材汇总表 / 装置性材料汇总表.  The lines
are invented (no text of any real budget); ``EXPECTED`` says what a reader must find in them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# (sheet name, rows, merged ranges)
_ESTIMATE_HEADER = [["序号", "编制依据", "项目名称及规格", "单位", "数量", "单价（元）", "", "", "合价（元）", "", ""],
                    ["", "", "", "", "", "装置性材料费", "安装费", "其中：人工费", "装置性材料费", "安装费", "其中：人工费"]]
_ESTIMATE_MERGED = ["A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:H4", "I4:K4"]
_SUBSTATION_HEADER = [["序号", "编制依据", "项目名称及规格", "单位", "数量", "单价（元）", "", "", "", "合价（元）", "", "",
                       ""],
                      ["", "", "", "", "", "设备费", "装置性材料费", "安装费", "其中：人工费", "设备费", "装置性材料费",
                       "安装费", "其中：人工费"]]
_SUBSTATION_MERGED = ["A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:I4", "J4:M4"]


def line_budget() -> dict[str, tuple[list[list[object]], list[str]]]:
    """A cable-line budget: 总预算表, 表三 安装工程预算表, 其他费用预算表, 安装乙供主材汇总表."""
    title = ["工程名称：示例110kV电缆线路工程", "", "", "", "", "", "", "", "", "金额单位：元"]
    estimate = [["表三丁"], ["电缆线路安装工程预算表"], title, *_ESTIMATE_HEADER,
                ["", "", "安装工程", "", "", "", "", "", 2404900, 221801.25, 76200.5],
                ["一", "", "电缆桥、支架制作安装"],
                ["1", "YL4-3", "电缆支架制作", "t", 2.5, "", 3200.5, 1200.2, "", 8001.25, 3000.5],
                ["", "主材", "镀锌角钢 ∠50×5", "t", 2.6, 4500, "", "", 11700, "", ""],
                ["", "", "小计", "", "", "", "", "", 11700, 8001.25, 3000.5],
                ["二", "", "电缆敷设"],
                ["2", "YL6-12", "电缆沟内敷设 截面800mm2以内", "100m", 12, "", 15000, 5000, "", 180000, 60000],
                ["", "", "电力电缆 YJLW03-64/110kV 1×800", "m", 1224, 1350, "", "", 1652400, "", ""],
                ["3", "YL7-5", "电缆终端头制作安装 户外", "套", 6, "", 5600, 2200, "", 33600, 13200],
                ["", "", "户外终端 110kV 1×800", "套", 6, 120000, "", "", 720000, "", ""],
                ["", "", "小计", "", "", "", "", "", 2372400, 213600, 73200],
                ["", "", "合计", "", "", "", "", "", 2384100, 221601.25, 76200.5]]
    summary = [["表一"], ["总预算表"], ["工程名称：示例110kV电缆线路工程"],
               ["序号", "工程或费用名称", "建筑工程费", "设备购置费", "安装工程费", "其他费用", "合计"],
               ["一", "电缆线路本体工程", "", "", 2605701.25, "", 2605701.25],
               ["二", "其他费用", "", "", "", 310000, 310000],
               ["", "工程静态投资", "", "", 2605701.25, 310000, 2915701.25]]
    fees = [["表四"], ["其他费用预算表"], ["工程名称：示例110kV电缆线路工程"],
            ["序号", "工程或费用项目名称", "编制依据及计算说明", "合价（元）"],
            ["1", "建设场地征用及清理费", "", 100000],
            ["2", "项目建设管理费", "安装工程费×3.2%", 83382.44],
            ["3", "项目建设技术服务费", "", 126617.56],
            ["", "合计", "", 310000]]
    materials = [["安装乙供主材汇总表"], ["工程名称：示例110kV电缆线路工程"],
                 ["序号", "物料编码", "材料名称", "规格型号", "单位", "数量", "单价（元）", "合价（元）", "备注"],
                 [1, "500012345", "电力电缆", "YJLW03-64/110kV 1×800", "m", 1224, 1350, 1652400, ""],
                 [2, "500054321", "户外终端", "110kV 1×800", "套", 6, 120000, 720000, ""],
                 [3, "500067890", "镀锌角钢", "∠50×5", "t", 2.6, 4500, 11700, "热浸镀锌"],
                 ["", "", "合计", "", "", "", "", 2384100, ""]]
    return {"总预算表": (summary, []), "表三丁 安装工程预算表": (estimate, _ESTIMATE_MERGED),
            "其他费用预算表": (fees, []), "安装乙供主材汇总表": (materials, [])}


def substation_budget() -> dict[str, tuple[list[list[object]], list[str]]]:
    """A substation budget: 安装工程预算表 with 设备费, and a 装置性材料汇总表 with weights."""
    estimate = [["表三甲"], ["安装工程预算表"], ["工程名称：示例110kV变电站工程"], *_SUBSTATION_HEADER,
                ["一", "", "主变压系统"],
                ["1", "YD1-12", "三相双绕组变压器安装 110kV 50MVA", "台", 1, 2600000, "", 38000, 12000, 2600000, "",
                 38000, 12000],
                ["", "主材", "软导线 JL/G1A-240/30", "m", 120, "", 28, "", "", "", 3360, "", ""],
                ["2", "YD4-7", "接地母线敷设", "m", 300, "", 35, 12, 4, "", 10500, 3600, 1200],
                ["", "", "小计", "", "", "", "", "", "", 2600000, 13860, 41600, 13200]]
    materials = [["装置性材料汇总表"], ["工程名称：示例110kV变电站工程"],
                 ["序号", "材料名称及规格", "单位", "数量", "单重（kg）", "总重（t）", "单价（元）", "合价（元）"],
                 [1, "软导线 JL/G1A-240/30", "m", 120, 0.92, 0.11, 28, 3360],
                 [2, "镀锌扁钢 -60×6", "m", 300, 2.83, 0.849, 35, 10500],
                 ["", "合计", "", "", "", "", "", 13860]]
    return {"表三甲 安装工程预算表": (estimate, _SUBSTATION_MERGED), "装置性材料汇总表": (materials, [])}


# What a reader must find: per variant, (sheet, kind, items) and the names of the estimate and material lines.
EXPECTED = {
    "line": {"sheets": {"总预算表": ("summary", 0), "表三丁 安装工程预算表": ("boq", 6), "其他费用预算表": ("fee", 0),
                        "安装乙供主材汇总表": ("material", 3)},
             "lines": ["电缆支架制作", "镀锌角钢 ∠50×5", "电缆沟内敷设 截面800mm2以内", "电力电缆 YJLW03-64/110kV 1×800",
                       "电缆终端头制作安装 户外", "户外终端 110kV 1×800", "电力电缆", "户外终端", "镀锌角钢"]},
    "substation": {"sheets": {"表三甲 安装工程预算表": ("boq", 3), "装置性材料汇总表": ("material", 2)},
                   "lines": ["三相双绕组变压器安装 110kV 50MVA", "软导线 JL/G1A-240/30", "接地母线敷设",
                             "软导线 JL/G1A-240/30", "镀锌扁钢 -60×6"]},
}
VARIANTS = {"line": line_budget, "substation": substation_budget}


def write(path: Path, variant: str = "line") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (rows, merged) in VARIANTS[variant]().items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in merged:
            sheet.merge_cells(ref)
    workbook.save(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="line")
    args = parser.parse_args()
    write(Path(args.out), args.variant)
    return 0


if __name__ == "__main__":
    sys.exit(main())
