#!/usr/bin/env python3
"""Write the sample bills in ``sample_bills/`` (deterministic test material for gbm-check).

Usage::

    python tools/make_sample_bills.py [--out DIR] [--list-intentional]

Without arguments the three files are (re)written into the repository's ``sample_bills/``.
The content is fixed: every item is written out by hand below (no random draws at all), and the
xlsx files are saved with fixed zip timestamps and document dates, so two runs give byte-identical
files.  ``--list-intentional`` prints the intentional lines below as JSON
(the same data as the module-level ``INTENTIONAL`` dict, which tests may import).

All project names are invented ("聊城市某某中学教学楼", "聊城市某某局办公楼"); nothing was copied
from a real bill.  Layouts follow the GB 50500-2013 forms as a real export prints them.

README
======

1. ``liaocheng_school_boq_paged.xlsx`` — one sheet ``分部分项工程和单价措施项目清单与计价表(表-08)``.
   Project 聊城市某某中学教学楼 (government-invested school), 64 items on 4 printed pages.
   Every page block: title row (A:I merged) / meta row ``工程名称：…`` (A:D) ``标段：01`` (E:G)
   ``第N页 共4页`` (H:I) / three header rows (A–F merged vertically; G:I ``金额（元）``; G4:G5
   ``综合\\n单价``; H4:H5 ``合价``; I4 ``其中``; I5 ``暂估价``) / body / ``本页小计`` (A:G merged, sums in
   H and I) / ``合    计`` (running total) / 注 row with ``表－08`` in H.  Section rows carry only
   column C (C:D merged): A.16 拆除工程, A.4 砌筑工程, A.5 混凝土及钢筋混凝土工程, A.8 门窗工程,
   A.9 屋面及防水工程, A.10 保温、隔热、防腐工程, A.11 楼地面装饰工程, A.12 墙、柱面装饰与隔断、幕墙工程,
   A.14 油漆、涂料、裱糊工程, 电气照明工程, 给排水工程, 措施项目.  序号 runs 1…64 across pages; codes
   are text cells; 工程量 / 综合单价 / 合价 / 暂估价 are numbers.  One supplementary code: 01B001.
   Item 010807001001 (断桥铝合金窗) carries a 暂估价 amount; all others have an empty 暂估价 cell.

   Intentionally banned (8):
     010401003001 实心砖墙          实心粘土砖 240×115×53 MU10 (女儿墙)
     010502002001 构造柱            混凝土种类:现场搅拌混凝土 C25
     010515001003 现浇构件钢筋      HRB335 Φ12-Φ18
     010807001002 金属（塑钢、断桥）窗  32系列实腹钢窗
     010902001002 屋面卷材防水      350号石油沥青纸胎油毡, 二毡三油
     011001003002 保温隔热墙面      中碱玻纤网格布（非耐碱型）
     011201001002 墙面一般抹灰      素水泥浆一道（内掺107胶）
     031004006001 大便器            9L坐便器（普通连体）
   Intentionally restricted (3):
     01B001       砖砌化粪池        (supplementary code)
     010516003002 钢筋接头（电渣压力焊）   竖向钢筋电渣压力焊 Φ16-Φ20
     031001001001 镀锌钢管          冷镀锌钢管 DN50
   Traps that must NOT be reported as banned/restricted:
     010402001001 砌块墙   features contain the negation "2.说明：严禁使用实心粘土砖"
     011601001001 砖砌体拆除   demolition of "原有粘土砖墙" (removing banned material is not using it)
     010401001001 砖基础   "MU20混凝土实心砖" (concrete solid brick, not clay)
     010515001001 现浇构件钢筋   HPB300 (the current grade; HPB235 is the banned one)
     011001003001 保温隔热墙面   "耐碱玻纤网格布" (alkali-resistant mesh is the replacement)
     010902001001 屋面卷材防水   SBS改性沥青防水卷材, 冷粘法 (not hot-melt)
     031001006001 塑料管   PPR "热熔连接" (pipe fusion, not hot-melt membrane laying)

2. ``liaocheng_bid_workbook.xlsx`` — a whole bid workbook for the same school, sheets in order:
   ``封面`` (投标总价 in figures and in 大写), ``总说明`` (prose; it says 严禁使用实心粘土砖 — prose, not a bill line),
   ``单位工程投标报价汇总表(表-04)`` (1 分部分项 with 1.1… per 分部 of both 表-08 sheets, 2 措施项目,
   2.1 安全文明施工费, 3 其他项目 3.1–3.4, 4 规费, 5 税金, 投标报价合计 — figures consistent with the
   表-08 sheets), ``建筑-分部分项工程和单价措施项目清单与计价表(表-08)`` (the building items of file 1,
   i.e. all sections except 电气照明工程 / 给排水工程, 3 pages), ``安装-分部分项工程和单价措施项目清单与计价表(表-08)``
   (27 installation items with 03 codes, 2 pages, supplementary code 03B001), ``综合单价分析表(表-09)``
   (3 page blocks for 010402001001, 010515001002, 010515001003 — these codes repeat lines of the building
   表-08 and must not be counted twice; each block has a 材料费明细 sub-table; the HRB335 material line
   repeats the banned rebar) and ``承包人提供材料和工程设备一览表(表-21)`` (title 承包人提供主要材料和工程设备一览表,
   15 material rows, quantities with 4 decimals).
   Banned / restricted lines: the building 表-08 sheet has the building ones of file 1
   (banned: 010401003001, 010502002001, 010515001003, 010807001002, 010902001002, 011001003002,
   011201001002; restricted: 01B001, 010516003002) plus
     安装 表-08, restricted: 031001001002 镀锌钢管 — 冷镀锌钢管 DN32
     安装 表-08, banned:     031004014002 给、排水附(配)件 — 螺旋升降式铸铁水嘴
     表-21, banned: row 3 "实心粘土砖 240×115×53 MU10", row 13 "107胶"
   Traps: the building traps of file 1 (except the 给排水 one), and in 安装 表-08 031001001001 热镀锌钢管
   (hot-dip is fine), 031001006001 PPR "热熔连接" (pipe fusion is not hot-melt membrane laying),
   031004014003 地漏 "水封高度≥50mm", 031004006002 坐便器 "6L/3L"; 表-21 row 11 "耐碱玻纤网格布".
   In 表-09 the 3 repeated items (one banned) must not add findings or items (``T09_REPEATED_CODES``).

3. ``liaocheng_office_boq.csv`` — 表-08 as CSV, encoded GB18030 (no BOM, CRLF line ends), header
   ``序号,项目编码,项目名称,项目特征描述,计量单位,工程量,综合单价,合价``; 30 items, 9 section rows
   (only 项目名称 filled) and a final ``合计`` row (only 项目名称 and 合价 filled).  Features contain embedded
   newlines (quoted fields).  Some features contain "m²" (U+00B2), which GBK cannot encode: a reader that
   decodes as GBK instead of GB18030 fails.
   Intentionally banned (6):
     010401003001 实心砖墙          机制红砖（烧结粘土实心砖）
     010401004001 多孔砖墙          砂浆:现场搅拌砂浆 M5.0混合砂浆  (聊城 禁现; the brick itself is 页岩多孔砖)
     010515001001 现浇构件钢筋      HPB235 Φ6.5-Φ10
     010904001001 楼（地）面卷材防水  聚乙烯丙纶复合防水卷材
     011204003001 块料墙面          外墙面砖 1:2水泥砂浆粘贴
     011407001001 墙面喷刷涂料      106内墙涂料
   Intentionally restricted (3):
     010902001001 屋面卷材防水      SBS改性沥青防水卷材 热熔法施工
     010516003001 钢筋接头（闪光对焊）   钢筋闪光对焊 Φ22-Φ25
     011702001001 满堂支撑架        门式钢管支撑架 (满堂承重)
   Traps: 011204003002 块料墙面 (内墙, 瓷砖胶; features say "严禁采用水泥砂浆粘贴面砖"),
          011001003001 保温隔热墙面 ("耐碱玻纤网格布").

Amounts everywhere: 合价 = round(工程量 × 综合单价, 2) with no rounding ties (so half-up and
half-even rounding agree), 本页小计 = sum of the page's 合价, 合计 = running total (last page = bill total).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sample_bills"

SCHOOL_FILE = "liaocheng_school_boq_paged.xlsx"
WORKBOOK_FILE = "liaocheng_bid_workbook.xlsx"
OFFICE_FILE = "liaocheng_office_boq.csv"

SCHOOL = "聊城市某某中学教学楼"
OFFICE = "聊城市某某局办公楼"
LOT = "01"

T08_TITLE = "分部分项工程和单价措施项目清单与计价表"
T08_SHEET = "分部分项工程和单价措施项目清单与计价表(表-08)"
T08_NOTE = "注：为计取规费等的使用，可在表中增设其中：“定额人工费”。"
T09_NOTE = ("注：1.如不使用省级或行业建设主管部门发布的计价依据，可不填定额编号、名称等。"
            "2.招标文件提供了暂估单价的材料，按暂估的单价填入表内“暂估单价”栏及“暂估合价”栏。")
T21_NOTE = ("注：1.此表由招标人填写除“投标单价”栏的内容，投标人在投标时自主确定投标单价。\n"
            "2.招标人应优先采用工程造价管理机构发布的单价作为基准单价，未发布的，通过市场调查确定其基准单价。")

FIXED_DATE = (2024, 6, 11, 9, 0, 0)


# --------------------------------------------------------------------------------------------
# data

@dataclass
class Item:
    code: str
    name: str
    features: str
    unit: str
    qty: float
    price: float
    est_unit: float = 0.0   # 暂估单价 included in 综合单价 (→ 其中：暂估价 = qty × est_unit)
    flag: str = ""          # "banned:<ref>" / "restricted:<ref>" / "trap:<why>"
    why: str = ""           # the words that make it banned / restricted / a trap

    seq: int = 0

    @property
    def amount(self) -> Decimal:
        return money(Decimal(str(self.qty)) * Decimal(str(self.price)))

    @property
    def est(self) -> Decimal:
        return money(Decimal(str(self.qty)) * Decimal(str(self.est_unit))) if self.est_unit else Decimal(0)


@dataclass
class Section:
    title: str


def money(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _no_tie(item: Item) -> Item:
    """Nudge 工程量 until qty × price has no rounding tie (exactly x.xx5), so half-up == half-even."""
    for _ in range(20):
        milli = Decimal(str(item.qty)) * Decimal(str(item.price)) * 1000
        if not (milli == milli.to_integral_value() and milli % 10 == 5):
            return item
        item.qty = round(item.qty + 0.01, 3)
    raise AssertionError(item)


def I(code, name, features, unit, qty, price, est_unit=0.0, flag="", why=""):  # noqa: E743 - short on purpose
    return _no_tie(Item(code, name, features, unit, qty, price, est_unit, flag, why))


S = Section

BUILDING = [
    S("A.16 拆除工程"),
    I("011601001001", "砖砌体拆除",
      "1.砌体名称:原有粘土砖墙（传达室旧围墙）\n2.砌体材质:粘土砖\n3.拆除高度:3.6m以内\n"
      "4.拆除砌体的截面尺寸:240厚\n5.砌体表面的附着物种类:抹灰层\n6.建筑垃圾运至指定消纳场，再生利用",
      "m3", 46.8, 86.5, flag="trap:demolition", why="原有粘土砖墙 (拆除)"),
    S("A.4 砌筑工程"),
    I("010401001001", "砖基础",
      "1.砖品种、规格、强度等级:MU20混凝土实心砖 240×115×53\n2.基础类型:条形基础\n"
      "3.砂浆强度等级:预拌砌筑砂浆DM M10\n4.防潮层材料种类:20厚1:2防水砂浆（掺5%防水剂）",
      "m3", 38.62, 528.4, flag="trap:concrete-solid-brick", why="MU20混凝土实心砖"),
    I("010402001001", "砌块墙",
      "1.砌块品种、规格、强度等级:蒸压加气混凝土砌块 600×240×200 A5.0 B06\n2.说明：严禁使用实心粘土砖\n"
      "3.墙体类型:外墙 200厚\n4.砂浆强度等级:预拌砌筑砂浆DM M7.5\n5.其他：详见图纸说明",
      "m3", 612.45, 486.3, flag="trap:negation", why="2.说明：严禁使用实心粘土砖"),
    I("010402001002", "砌块墙",
      "1.砌块品种、规格、强度等级:蒸压加气混凝土砌块 600×240×100 A3.5 B05\n2.墙体类型:内隔墙 100厚\n"
      "3.砂浆强度等级:预拌砌筑砂浆DM M5.0",
      "m3", 148.9, 503.75),
    I("010402001003", "砌块墙",
      "1.砌块品种、规格、强度等级:混凝土空心砌块 390×190×190 MU7.5\n2.墙体类型:卫生间隔墙 200厚\n"
      "3.砂浆强度等级:预拌砌筑砂浆DM M7.5\n4.芯柱:C20细石预拌混凝土灌孔",
      "m3", 56.3, 468.2),
    I("010401004001", "多孔砖墙",
      "1.砖品种、规格、强度等级:烧结页岩多孔砖 240×115×90 MU10\n2.墙体类型:外墙 240厚\n"
      "3.砂浆强度等级、配合比:预拌砌筑砂浆DM M7.5",
      "m3", 84.16, 545.6),
    I("010401003001", "实心砖墙",
      "1.砖品种、规格、强度等级:实心粘土砖 240×115×53 MU10\n2.墙体类型:女儿墙 240厚\n"
      "3.砂浆强度等级、配合比:预拌砌筑砂浆DM M5.0",
      "m3", 27.34, 566.8, flag="banned:NPOL-01/N659-03", why="实心粘土砖"),
    I("01B001", "砖砌化粪池",
      "1.名称:砖砌化粪池 2号 有效容积9m3\n2.砌体材料:MU10混凝土实心砖，预拌砌筑砂浆DM M10\n"
      "3.垫层、底板、顶板:C25预拌混凝土\n4.内外壁:20厚预拌防水砂浆抹面\n5.做法详见设计图纸",
      "座", 1, 18650.0, flag="restricted:N24-13", why="砖砌化粪池"),
    S("A.5 混凝土及钢筋混凝土工程"),
    I("010501001001", "垫层", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C15", "m3", 86.42, 562.3),
    I("010501003001", "独立基础", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C30", "m3", 318.76, 642.15),
    I("010502001001", "矩形柱", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C35", "m3", 142.38, 718.6),
    I("010502002001", "构造柱",
      "1.混凝土种类:现场搅拌混凝土\n2.混凝土强度等级:C25\n3.部位:砌体墙构造柱",
      "m3", 36.84, 762.4, flag="banned:SD-LC-01/NPOL-05/N24-21", why="现场搅拌混凝土"),
    I("010503002001", "矩形梁", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C30", "m3", 96.52, 652.8),
    I("010503004001", "圈梁", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C25", "m3", 28.61, 694.35),
    I("010503005001", "过梁", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C25", "m3", 12.74, 726.9),
    I("010505001001", "有梁板",
      "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C30\n3.外加剂:聚羧酸高性能减水剂",
      "m3", 586.93, 634.72),
    I("010506001001", "直形楼梯", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C30", "m2", 182.6, 212.4),
    I("010507001001", "散水、坡道",
      "1.垫层材料种类、厚度:150厚3:7灰土\n2.面层厚度:60厚C20预拌混凝土，随打随抹\n"
      "3.变形缝填塞材料种类:沥青砂浆",
      "m2", 146.2, 96.35),
    I("010515001001", "现浇构件钢筋",
      "1.钢筋种类、规格:HPB300 Φ10以内\n2.部位:箍筋、分布筋",
      "t", 18.426, 5612.4, flag="trap:HPB300", why="HPB300"),
    I("010515001002", "现浇构件钢筋",
      "1.钢筋种类、规格:HRB400E Φ12-Φ25\n2.连接方式:直螺纹套筒连接\n3.部位:梁、柱纵筋",
      "t", 96.318, 5326.8),
    I("010515001003", "现浇构件钢筋",
      "1.钢筋种类、规格:HRB335 Φ12-Φ18\n2.部位:基础、楼梯",
      "t", 14.207, 5248.6, flag="banned:NSTD-02", why="HRB335"),
    I("010516003001", "机械连接",
      "1.连接方式:滚压直螺纹套筒连接\n2.螺纹套筒种类:标准型\n3.规格:Φ22-Φ25",
      "个", 1426, 18.65),
    I("010516003002", "钢筋接头（电渣压力焊）",
      "1.连接方式:竖向钢筋电渣压力焊\n2.规格:Φ16-Φ20\n3.部位:框架柱",
      "个", 862, 12.4, flag="restricted:N24-10", why="电渣压力焊"),
    I("010516002001", "预埋铁件", "1.钢材种类:Q235B\n2.规格:-200×200×10 锚筋HRB400E Φ12\n3.防腐:热镀锌",
      "t", 1.284, 9860.0),
    S("A.8 门窗工程"),
    I("010801001001", "木质门",
      "1.门代号及洞口尺寸:M1021 1000×2100\n2.门框、扇材质:成品实木复合门（E1级）\n3.五金:执手锁、合页、门吸",
      "m2", 168.0, 782.5),
    I("010802003001", "钢质防火门",
      "1.门代号及洞口尺寸:FM乙1221 1200×2100\n2.门框、扇材质:钢质 乙级防火\n3.五金:闭门器、顺序器、防火锁",
      "m2", 35.28, 856.4),
    I("010802001001", "金属（塑钢）门",
      "1.门代号及洞口尺寸:MLC2427 门联窗\n2.门框、扇材质:断桥铝合金 隔热型材\n3.玻璃品种、厚度:6+12A+6钢化中空玻璃",
      "m2", 25.92, 768.3),
    I("010807001001", "金属（塑钢、断桥）窗",
      "1.窗代号及洞口尺寸:C1818 1800×1800\n2.框、扇材质:断桥铝合金 65系列 隔热型材\n"
      "3.玻璃品种、厚度:6+12A+6 Low-E中空玻璃\n4.其他:整窗传热系数K≤2.0",
      "m2", 486.72, 726.5, est_unit=480.0),
    I("010807001002", "金属（塑钢、断桥）窗",
      "1.窗代号及洞口尺寸:C0915 900×1500\n2.框、扇材质:32系列实腹钢窗\n3.玻璃品种、厚度:5厚普通平板玻璃\n4.部位:设备用房",
      "m2", 16.2, 418.6, flag="banned:N06-07", why="实腹钢窗"),
    S("A.9 屋面及防水工程"),
    I("010902001001", "屋面卷材防水",
      "1.卷材品种、规格、厚度:4厚SBS改性沥青防水卷材（聚酯胎Ⅱ型）\n2.防水层数:一层\n"
      "3.防水层做法:冷粘法施工，附加层详见图集",
      "m2", 1328.46, 68.4, flag="trap:SBS-cold", why="SBS … 冷粘法"),
    I("010902001002", "屋面卷材防水",
      "1.卷材品种、规格、厚度:350号石油沥青纸胎油毡\n2.防水层数:二毡三油\n3.部位:自行车棚屋面",
      "m2", 212.5, 32.6, flag="banned:N24-06", why="纸胎油毡"),
    I("010902002001", "屋面涂膜防水",
      "1.防水膜品种:单组分聚氨酯防水涂料\n2.涂膜厚度、遍数:1.5厚 两遍\n3.部位:出屋面管根、泛水",
      "m2", 186.4, 58.75),
    I("010902004001", "屋面排水管",
      "1.排水管品种、规格:UPVC dn110 雨水管\n2.雨水斗、山墙出水口品种、规格:UPVC 87型雨水斗",
      "m", 224.0, 62.3),
    I("010904002001", "楼（地）面涂膜防水",
      "1.防水膜品种:JS聚合物水泥防水涂料（Ⅱ型）\n2.涂膜厚度、遍数:1.5厚\n3.部位:卫生间 四周上翻300",
      "m2", 268.35, 52.4),
    S("A.10 保温、隔热、防腐工程"),
    I("011001001001", "保温隔热屋面",
      "1.保温隔热材料品种、规格、厚度:80厚挤塑聚苯板(XPS) B1级\n2.找坡:最薄处30厚LC5.0轻集料混凝土2%找坡",
      "m2", 1286.5, 88.6),
    I("011001003001", "保温隔热墙面",
      "1.保温隔热部位:外墙\n2.保温隔热方式:外保温\n3.保温隔热材料品种、规格及厚度:100厚岩棉板 A级\n"
      "4.增强网及抗裂防水砂浆种类:耐碱玻纤网格布，抗裂砂浆\n5.粘结材料种类及做法:专用粘结砂浆，锚栓固定",
      "m2", 3186.42, 168.5, flag="trap:alkali-resistant-mesh", why="耐碱玻纤网格布"),
    I("011001003002", "保温隔热墙面",
      "1.保温隔热部位:楼梯间内墙\n2.保温隔热材料品种、规格及厚度:50厚EPS板\n"
      "3.增强网及抗裂防水砂浆种类:中碱玻纤网格布（非耐碱型），抗裂砂浆",
      "m2", 246.8, 96.2, flag="banned:N24-09", why="中碱玻纤网格布（非耐碱型）"),
    I("011001005001", "保温隔热楼地面",
      "1.保温隔热部位:首层地面\n2.保温隔热材料品种、规格、厚度:30厚挤塑聚苯板(XPS)",
      "m2", 1142.3, 45.8),
    S("A.11 楼地面装饰工程"),
    I("011101001001", "水泥砂浆楼地面",
      "1.找平层厚度、砂浆配合比:20厚预拌地面砂浆DS M20\n2.面层做法要求:压实赶光\n3.部位:设备间、库房",
      "m2", 164.5, 38.6),
    I("011102003001", "块料楼地面",
      "1.找平层厚度、砂浆配合比:30厚预拌干硬性地面砂浆DS M15\n2.结合层:5厚瓷砖胶粘贴\n"
      "3.面层材料品种、规格、颜色:800×800防滑玻化砖\n4.嵌缝材料种类:专用填缝剂",
      "m2", 4218.6, 164.8),
    I("011102003002", "块料楼地面",
      "1.找平层厚度、砂浆配合比:20厚预拌地面砂浆DS M15\n2.结合层:5厚瓷砖胶粘贴\n"
      "3.面层材料品种、规格、颜色:300×300×10防滑地砖\n4.部位:卫生间",
      "m2", 268.35, 128.4),
    I("011105003001", "块料踢脚线",
      "1.踢脚线高度:120mm\n2.粘贴层:瓷砖胶\n3.面层材料品种、规格、颜色:800×120玻化砖",
      "m", 2864.0, 32.5),
    I("011106002001", "块料楼梯面层",
      "1.找平层:20厚预拌地面砂浆DS M15\n2.粘结层:瓷砖胶\n3.面层材料品种、规格:防滑地砖 带防滑条",
      "m2", 182.6, 215.6),
    S("A.12 墙、柱面装饰与隔断、幕墙工程"),
    I("011201001001", "墙面一般抹灰",
      "1.墙体类型:加气混凝土砌块墙\n2.底层厚度、砂浆配合比:15厚预拌抹灰砂浆DP M10\n"
      "3.面层厚度、砂浆配合比:5厚预拌抹灰砂浆DP M15\n4.挂网:不同材料交接处300宽镀锌钢丝网",
      "m2", 9862.4, 36.45),
    I("011201001002", "墙面一般抹灰",
      "1.墙体类型:内墙（储藏间）\n2.底层:素水泥浆一道（内掺107胶）\n3.面层:预拌抹灰砂浆DP M5 15厚",
      "m2", 386.2, 34.2, flag="banned:N06-01", why="107胶"),
    I("011204003001", "块料墙面",
      "1.墙体类型:卫生间内墙\n2.安装方式:瓷砖胶粘贴\n3.面层材料品种、规格、颜色:300×600釉面砖\n"
      "4.缝宽、嵌缝材料种类:2mm 专用填缝剂",
      "m2", 812.6, 142.3),
    S("A.14 油漆、涂料、裱糊工程"),
    I("011406001001", "抹灰面油漆",
      "1.基层类型:抹灰面\n2.腻子种类:耐水腻子\n3.刮腻子遍数:满刮两遍\n4.油漆品种、刷漆遍数:内墙乳胶漆 一底两面",
      "m2", 8946.2, 28.4),
    I("011407001001", "墙面喷刷涂料",
      "1.喷刷涂料部位:外墙\n2.腻子种类:外墙柔性耐水腻子\n3.涂料品种、喷刷遍数:真石漆 一底一主一面",
      "m2", 3186.42, 85.6),
    I("011407002001", "天棚喷刷涂料",
      "1.基层类型:混凝土板底\n2.腻子种类:耐水腻子\n3.涂料品种、喷刷遍数:乳胶漆 两遍",
      "m2", 5126.8, 24.3),
    I("011405001001", "金属面油漆",
      "1.构件名称:楼梯栏杆\n2.除锈级别:St2\n3.油漆品种、刷漆遍数:醇酸防锈漆一遍，醇酸调和漆两遍",
      "m2", 142.6, 22.8),
    S("电气照明工程"),
    I("030412005001", "LED平板灯",
      "1.名称:LED平板灯\n2.型号、规格:600×600 36W 无频闪\n3.安装方式:嵌入式安装",
      "套", 486, 186.5),
    I("030412001001", "普通灯具",
      "1.名称:LED吸顶灯\n2.型号、规格:1×15W\n3.安装方式:吸顶",
      "套", 128, 86.4),
    I("030411001001", "配管",
      "1.名称:电气配管\n2.材质:焊接钢管\n3.规格:SC20\n4.配置形式:暗配",
      "m", 3862.0, 18.6),
    I("030404034001", "照明开关",
      "1.名称:暗装双联开关\n2.材质、规格:250V,10A\n3.安装方式:距地1.3m",
      "个", 214, 32.5),
    S("给排水工程"),
    I("031001001001", "镀锌钢管",
      "1.安装部位:室内\n2.介质:给水\n3.规格、压力等级:DN50 1.0MPa\n4.连接形式:螺纹连接\n5.材质:冷镀锌钢管",
      "m", 186.5, 78.4, flag="restricted:N24-23", why="冷镀锌钢管"),
    I("031001006001", "塑料管",
      "1.安装部位:室内\n2.介质:给水\n3.材质、规格:PPR管 DN25 S4\n4.连接形式:热熔连接\n5.压力试验及吹、洗设计要求:水压试验、消毒冲洗",
      "m", 642.0, 36.8, flag="trap:pipe-fusion", why="热熔连接"),
    I("031004006001", "大便器",
      "1.材质:陶瓷\n2.规格、类型:9L坐便器（普通连体）\n3.组装形式:连体水箱\n4.部位:无障碍卫生间",
      "套", 6, 986.0, flag="banned:N06-05", why="9L坐便器"),
    I("031004006002", "大便器",
      "1.材质:陶瓷\n2.规格、类型:蹲式大便器 节水型 冲洗水量≤5L\n3.组装形式:脚踏式延时自闭冲洗阀",
      "套", 48, 762.5),
    I("031004014001", "给、排水附(配)件",
      "1.名称:水嘴\n2.材质:陶瓷片密封铜质节水水嘴\n3.规格:DN15",
      "个", 96, 65.4),
    S("措施项目"),
    I("011701001001", "综合脚手架",
      "1.建筑结构形式:框架结构\n2.檐口高度:23.4m\n3.脚手架材质:承插型盘扣式钢管脚手架",
      "m2", 6582.4, 42.6),
    I("011702001001", "基础",
      "1.基础类型:独立基础\n2.模板材质:复合木模板", "m2", 486.2, 68.4),
    I("011702002001", "矩形柱",
      "1.模板材质:复合木模板\n2.支撑:钢管支撑", "m2", 1136.8, 72.6),
    I("011703001001", "垂直运输",
      "1.建筑物建筑类型及结构形式:教学楼 框架结构\n2.建筑物檐口高度、层数:23.4m 5层\n3.垂直运输机械:塔式起重机、施工电梯",
      "m2", 6582.4, 36.2),
    I("011705001001", "大型机械设备进出场及安拆",
      "1.机械设备名称:塔式起重机 QTZ80\n2.机械设备规格型号:臂长55m", "台次", 1, 18650.0),
]

INSTALL = [
    S("电气工程"),
    I("030404017001", "配电箱",
      "1.名称:1AL 照明配电箱\n2.型号:非标定制 PZ30-24\n3.安装方式:嵌墙暗装，底边距地1.5m\n4.其他：详见图纸说明",
      "台", 10, 2860.0),
    I("030411001001", "配管",
      "1.名称:电气配管\n2.材质:焊接钢管\n3.规格:SC32\n4.配置形式:暗配\n5.其他详见图纸设计",
      "m", 642.0, 32.6),
    I("030411001002", "配管",
      "1.名称:电气配管\n2.材质:焊接钢管\n3.规格:SC20\n4.配置形式:暗配",
      "m", 2864.0, 18.6),
    I("030411001003", "配管",
      "1.名称:电气配管\n2.材质:套接紧定式镀锌钢导管\n3.规格:JDG20\n4.配置形式:暗配",
      "m", 3126.0, 16.4),
    I("030408001001", "电力电缆",
      "1.名称:电力电缆\n2.型号、规格:WDZ-YJY-1KV-5×16mm2\n3.敷设方式、部位:穿管敷设",
      "m", 386.0, 68.5),
    I("030408001002", "电力电缆",
      "1.名称:电力电缆\n2.型号、规格:WDZ-YJY-1KV-4×35+1×16mm2\n3.敷设方式、部位:沿桥架敷设",
      "m", 214.0, 146.2),
    I("030411004001", "配线",
      "1.名称:电气配线\n2.配线形式:管内穿线\n3.导线型号、规格、材质:WDZ-BYJ-2.5mm2",
      "m", 12864.0, 4.86),
    I("030412005001", "LED平板灯",
      "1.名称:LED平板灯\n2.型号、规格:600×600 36W\n3.安装方式:嵌入式",
      "套", 486, 186.5),
    I("030412001001", "普通灯具",
      "1.名称:LED防水吸顶灯\n2.型号、规格:1×12W IP65\n3.安装方式:吸顶",
      "套", 96, 92.4),
    I("030404034001", "照明开关",
      "1.名称:暗装单联开关\n2.材质、规格:250V,10A\n3.安装方式:距地1.3m",
      "个", 186, 28.6),
    I("030404035001", "插座",
      "1.名称:单相五孔插座（安全型）\n2.材质、规格:250V,10A\n3.安装方式:距地0.3m暗装",
      "个", 642, 34.2),
    S("防雷接地"),
    I("030409005001", "避雷网",
      "1.名称:避雷网\n2.材质、规格:φ10热镀锌圆钢\n3.安装形式:沿女儿墙明敷，支架间距1.0m",
      "m", 486.0, 42.8),
    S("给水工程"),
    I("031001001001", "镀锌钢管",
      "1.安装部位:室内\n2.介质:消防给水\n3.规格、压力等级:DN100 1.6MPa\n4.连接形式:沟槽连接\n"
      "5.材质:热镀锌钢管（内外壁热浸镀锌）\n6.压力试验及吹、洗设计要求:水压试验、冲洗",
      "m", 326.0, 186.4, flag="trap:hot-dip", why="热镀锌钢管"),
    I("031001001002", "镀锌钢管",
      "1.安装部位:室内\n2.介质:给水\n3.规格、压力等级:DN32\n4.连接形式:螺纹连接\n5.材质:冷镀锌钢管",
      "m", 142.0, 52.6, flag="restricted:N24-23", why="冷镀锌钢管"),
    I("031001006001", "塑料管",
      "1.安装部位:室内\n2.介质:给水\n3.材质、规格:PPR管 DN25 S4\n4.连接形式:热熔连接\n5.压力试验及吹、洗设计要求:管道消毒、冲洗",
      "m", 864.0, 36.8, flag="trap:pipe-fusion", why="热熔连接"),
    I("031003001001", "螺纹阀门",
      "1.类型:截止阀\n2.材质:铜质\n3.规格、压力等级:DN25 1.0MPa\n4.连接形式:螺纹连接",
      "个", 36, 86.4),
    I("031003013001", "水表",
      "1.类型:远传智能水表\n2.规格、压力等级:DN50\n3.连接形式:法兰连接",
      "组", 2, 1286.0),
    S("排水工程"),
    I("031001006002", "塑料管",
      "1.安装部位:室内\n2.介质:污水、废水\n3.材质、规格:UPVC dn110\n4.连接形式:粘结\n5.含成品管卡安装",
      "m", 468.0, 62.4),
    I("031001006003", "塑料管",
      "1.安装部位:室内\n2.介质:废水\n3.材质、规格:UPVC dn50\n4.连接形式:粘结",
      "m", 236.0, 28.6),
    I("031004014003", "地漏",
      "1.名称:地漏\n2.材质:不锈钢 防返溢\n3.规格:DN50 水封高度≥50mm",
      "个", 48, 86.5, flag="trap:floor-drain-50mm", why="水封高度≥50mm"),
    S("卫生器具"),
    I("031004006001", "大便器",
      "1.材质:陶瓷\n2.规格、类型:蹲式大便器 节水型 冲洗水量≤5L\n3.组装形式:脚踏式延时自闭冲洗阀",
      "套", 48, 762.5),
    I("031004006002", "大便器",
      "1.材质:陶瓷\n2.规格、类型:节水型坐便器 双档6L/3L\n3.组装形式:连体水箱",
      "套", 12, 1186.0, flag="trap:6L-toilet", why="坐便器 6L/3L"),
    I("031004003001", "洗脸盆",
      "1.材质:陶瓷\n2.规格、类型:台下式洗脸盆\n3.组装形式:感应水嘴，冷水",
      "组", 36, 862.0),
    I("031004014001", "给、排水附(配)件",
      "1.名称:水嘴\n2.材质:陶瓷片密封铜质节水水嘴\n3.规格:DN15",
      "个", 96, 65.4),
    I("031004014002", "给、排水附(配)件",
      "1.名称:水嘴\n2.材质:螺旋升降式铸铁水嘴\n3.规格:DN15\n4.部位:室外绿化取水",
      "个", 8, 38.6, flag="banned:N218-01", why="螺旋升降式铸铁水嘴"),
    I("03B001", "管道穿墙封堵",
      "1.名称:管道穿防火墙、楼板封堵\n2.材料:防火封堵材料（有机防火堵料）\n3.规格:DN100以内",
      "处", 126, 46.5),
    S("措施项目"),
    I("031301017001", "脚手架搭拆", "1.名称:安装工程脚手架搭拆", "项", 1, 8642.0),
]

OFFICE_ITEMS = [
    S("A.4 砌筑工程"),
    I("010401001001", "砖基础",
      "1.砖品种、规格、强度等级:MU20混凝土实心砖\n2.基础类型:条形基础\n3.砂浆强度等级:预拌砌筑砂浆DM M10",
      "m3", 24.6, 526.8),
    I("010401003001", "实心砖墙",
      "1.砖品种、规格、强度等级:机制红砖（烧结粘土实心砖）240×115×53\n2.墙体类型:围墙 240厚\n3.砂浆强度等级:预拌砌筑砂浆DM M7.5",
      "m3", 42.36, 572.4, flag="banned:NPOL-01/N659-03", why="机制红砖（烧结粘土实心砖）"),
    I("010401004001", "多孔砖墙",
      "1.砖品种、规格、强度等级:烧结页岩多孔砖 MU10\n2.墙体类型:外墙 240厚\n3.砂浆强度等级、配合比:现场搅拌砂浆 M5.0混合砂浆",
      "m3", 126.8, 538.2, flag="banned:SD-LC-02/NPOL-06", why="现场搅拌砂浆"),
    I("010402001001", "砌块墙",
      "1.砌块品种、规格、强度等级:蒸压加气混凝土砌块 A5.0 B06\n2.墙体类型:内墙 200厚\n3.砂浆强度等级:预拌砌筑砂浆DM M5.0",
      "m3", 364.2, 482.6),
    S("A.5 混凝土及钢筋混凝土工程"),
    I("010501001001", "垫层", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C15", "m3", 42.8, 558.6),
    I("010501004001", "满堂基础",
      "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C30\n3.抗渗等级:P6", "m3", 386.4, 648.2),
    I("010502001001", "矩形柱", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:C30", "m3", 96.38, 706.4),
    I("010505001001", "有梁板", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:C30", "m3", 412.6, 628.5),
    I("010515001001", "现浇构件钢筋",
      "1.钢筋种类、规格:HPB235 Φ6.5-Φ10\n2.部位:箍筋", "t", 8.642, 5586.0,
      flag="banned:NSTD-01", why="HPB235"),
    I("010515001002", "现浇构件钢筋",
      "1.钢筋种类、规格:HRB400E Φ12-Φ25", "t", 68.914, 5318.4),
    I("010516003001", "钢筋接头（闪光对焊）",
      "1.连接方式:钢筋闪光对焊\n2.规格:Φ22-Φ25\n3.加工场所:施工现场", "个", 386, 14.6,
      flag="restricted:N21-04", why="闪光对焊"),
    S("A.8 门窗工程"),
    I("010807001001", "金属（塑钢、断桥）窗",
      "1.窗代号及洞口尺寸:C1518\n2.框、扇材质:断桥铝合金\n3.玻璃品种、厚度:5+12A+5 Low-E中空玻璃，K≤2.2W/(m²·K)",
      "m2", 312.48, 712.6),
    I("010801001001", "木质门",
      "1.门代号及洞口尺寸:M0921\n2.门框、扇材质:成品实木复合门", "m2", 96.39, 768.0),
    S("A.9 屋面及防水工程"),
    I("010902001001", "屋面卷材防水",
      "1.卷材品种、规格、厚度:4厚SBS改性沥青防水卷材\n2.防水层数:一层\n3.防水层做法:热熔法施工",
      "m2", 986.4, 72.4, flag="restricted:N21-06", why="SBS改性沥青防水卷材 … 热熔法施工"),
    I("010904001001", "楼（地）面卷材防水",
      "1.卷材品种、规格、厚度:聚乙烯丙纶复合防水卷材 0.7厚\n2.防水层数:一层\n3.部位:卫生间",
      "m2", 186.2, 46.8, flag="banned:N24-07", why="聚乙烯丙纶复合防水卷材"),
    I("010902002001", "屋面涂膜防水",
      "1.防水膜品种:单组分聚氨酯防水涂料\n2.涂膜厚度、遍数:1.5厚", "m2", 142.6, 56.4),
    S("A.10 保温、隔热、防腐工程"),
    I("011001001001", "保温隔热屋面",
      "1.保温隔热材料品种、规格、厚度:70厚挤塑聚苯板(XPS)\n2.导热系数:≤0.030W/(m·K)", "m2", 962.8, 84.6),
    I("011001003001", "保温隔热墙面",
      "1.保温隔热材料品种、规格及厚度:80厚岩棉板\n2.增强网:耐碱玻纤网格布\n3.传热系数:≤0.45W/(m²·K)",
      "m2", 2146.3, 162.4, flag="trap:alkali-resistant-mesh", why="耐碱玻纤网格布"),
    S("A.11 楼地面装饰工程"),
    I("011102003001", "块料楼地面",
      "1.结合层:5厚瓷砖胶\n2.面层材料品种、规格:800×800玻化砖", "m2", 2864.2, 158.6),
    S("A.12 墙、柱面装饰与隔断、幕墙工程"),
    I("011201001001", "墙面一般抹灰",
      "1.底层厚度、砂浆配合比:15厚预拌抹灰砂浆DP M10\n2.面层:5厚预拌抹灰砂浆DP M15", "m2", 6428.6, 35.8),
    I("011204003001", "块料墙面",
      "1.墙体类型:外墙\n2.安装方式:1:2水泥砂浆粘贴\n3.面层材料品种、规格、颜色:45×95外墙面砖",
      "m2", 1286.4, 136.8, flag="banned:N21-03", why="外墙面砖 1:2水泥砂浆粘贴"),
    I("011204003002", "块料墙面",
      "1.墙体类型:卫生间内墙\n2.安装方式:瓷砖胶粘贴\n3.面层材料品种、规格、颜色:300×600釉面砖\n"
      "4.说明:严禁采用水泥砂浆粘贴面砖",
      "m2", 486.2, 138.6, flag="trap:negation", why="严禁采用水泥砂浆粘贴面砖"),
    S("A.14 油漆、涂料、裱糊工程"),
    I("011406001001", "抹灰面油漆",
      "1.腻子种类:耐水腻子\n2.油漆品种、刷漆遍数:内墙乳胶漆 一底两面", "m2", 5862.4, 27.6),
    I("011407001001", "墙面喷刷涂料",
      "1.喷刷涂料部位:内墙（地下车库）\n2.涂料品种、喷刷遍数:106内墙涂料 两遍", "m2", 1642.8, 12.4,
      flag="banned:NIND-02/NIND-01", why="106内墙涂料"),
    I("011407002001", "天棚喷刷涂料",
      "1.涂料品种、喷刷遍数:乳胶漆 两遍", "m2", 3864.2, 23.8),
    S("措施项目"),
    I("011701001001", "综合脚手架",
      "1.建筑结构形式:框架结构\n2.檐口高度:18.6m\n3.脚手架材质:承插型盘扣式钢管脚手架", "m2", 4286.4, 38.6),
    I("011702001001", "满堂支撑架",
      "1.部位:大会议室 高大模板支撑\n2.支撑架类型:门式钢管支撑架（满堂承重）\n3.搭设高度:8.4m",
      "m3", 1286.0, 26.8, flag="restricted:N21-08", why="门式钢管支撑架（满堂承重）"),
    I("011702002001", "矩形柱", "1.模板材质:复合木模板", "m2", 846.2, 71.6),
    I("011703001001", "垂直运输",
      "1.建筑物建筑类型及结构形式:办公楼 框架结构\n2.建筑物檐口高度、层数:18.6m 5层", "m2", 4286.4, 34.8),
    I("011705001001", "大型机械设备进出场及安拆",
      "1.机械设备名称:塔式起重机 QTZ63", "台次", 1, 16860.0),
]


def _number(body):
    seq = 0
    for row in body:
        if isinstance(row, Item):
            seq += 1
            row.seq = seq
    return body


_number(BUILDING)
_number(INSTALL)
_number(OFFICE_ITEMS)

# file 1 = BUILDING as is; workbook building sheet = BUILDING without the two installation sections
INSTALL_SECTIONS_IN_SCHOOL = ("电气照明工程", "给排水工程")


def building_only(body):
    out, skip = [], False
    for row in body:
        if isinstance(row, Section):
            skip = row.title in INSTALL_SECTIONS_IN_SCHOOL
        if not skip:
            out.append(Item(**{k: getattr(row, k) for k in Item.__dataclass_fields__}) if isinstance(row, Item) else row)
    return _number(out)


# --------------------------------------------------------------------------------------------
# styles

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
F_TITLE = Font(name="宋体", size=16, bold=True)
F_HEAD = Font(name="宋体", size=10, bold=True)
F_BODY = Font(name="宋体", size=10)
A_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
A_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
A_RIGHT = Alignment(horizontal="right", vertical="center")


def put(ws, row, col, value, *, font=F_BODY, align=A_CENTER, border=True, fmt=None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = font
    cell.alignment = align
    if border:
        cell.border = BORDER
    if fmt:
        cell.number_format = fmt
    return cell


def merge(ws, r1, c1, r2, c2, border=True):
    if border:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                ws.cell(row=r, column=c).border = BORDER
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def text_cell(cell):
    """Mark a cell as text (codes keep their leading zero)."""
    cell.number_format = "@"
    cell.data_type = "s"
    return cell


def qty_format(q):
    s = repr(float(q))
    decimals = len(s.split(".")[1]) if "." in s and not s.endswith(".0") else 0
    return "0" if decimals == 0 else "0." + "0" * max(2, decimals)


# --------------------------------------------------------------------------------------------
# 表-08

def paginate(body, pages):
    per = -(-len(body) // pages)
    return [body[i:i + per] for i in range(0, len(body), per)]


def write_t08(ws, body, project, pages):
    widths = [6, 15, 18, 44, 7, 11, 11, 14, 11]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    chunks = paginate(body, pages)
    running = Decimal(0)
    running_est = Decimal(0)
    r = 1
    for p, chunk in enumerate(chunks, 1):
        # title
        put(ws, r, 1, T08_TITLE, font=F_TITLE, border=False)
        merge(ws, r, 1, r, 9, border=False)
        ws.row_dimensions[r].height = 30
        r += 1
        # meta row
        put(ws, r, 1, f"工程名称：{project}", align=A_LEFT, border=False)
        merge(ws, r, 1, r, 4, border=False)
        put(ws, r, 5, f"标段：{LOT}", align=A_LEFT, border=False)
        merge(ws, r, 5, r, 7, border=False)
        put(ws, r, 8, f"第{p}页 共{len(chunks)}页", align=A_RIGHT, border=False)
        merge(ws, r, 8, r, 9, border=False)
        r += 1
        # three header rows
        for c, label in enumerate(["序号", "项目编码", "项目名称", "项目特征描述", "计量\n单位", "工程量"], 1):
            put(ws, r, c, label, font=F_HEAD)
            merge(ws, r, c, r + 2, c)
        put(ws, r, 7, "金额（元）", font=F_HEAD)
        merge(ws, r, 7, r, 9)
        put(ws, r + 1, 7, "综合\n单价", font=F_HEAD)
        merge(ws, r + 1, 7, r + 2, 7)
        put(ws, r + 1, 8, "合价", font=F_HEAD)
        merge(ws, r + 1, 8, r + 2, 8)
        put(ws, r + 1, 9, "其中", font=F_HEAD)
        put(ws, r + 2, 9, "暂估价", font=F_HEAD)
        r += 3
        page_sum = Decimal(0)
        page_est = Decimal(0)
        for row in chunk:
            if isinstance(row, Section):
                for c in range(1, 10):
                    put(ws, r, c, None)
                put(ws, r, 3, row.title, font=F_HEAD, align=A_LEFT)
                merge(ws, r, 3, r, 4)
            else:
                put(ws, r, 1, row.seq)
                text_cell(put(ws, r, 2, row.code))
                put(ws, r, 3, row.name, align=A_LEFT)
                put(ws, r, 4, row.features, align=A_LEFT)
                put(ws, r, 5, row.unit)
                put(ws, r, 6, row.qty, align=A_RIGHT, fmt=qty_format(row.qty))
                put(ws, r, 7, row.price, align=A_RIGHT, fmt="0.00")
                put(ws, r, 8, float(row.amount), align=A_RIGHT, fmt="0.00")
                put(ws, r, 9, float(row.est) if row.est else None, align=A_RIGHT, fmt="0.00")
                ws.row_dimensions[r].height = max(15, 13.5 * (row.features.count("\n") + 1))
                page_sum += row.amount
                page_est += row.est
            r += 1
        running += page_sum
        running_est += page_est
        for label, amount, est in (("本页小计", page_sum, page_est), ("合    计", running, running_est)):
            put(ws, r, 1, label, font=F_HEAD)
            merge(ws, r, 1, r, 7)
            put(ws, r, 8, float(amount), align=A_RIGHT, fmt="0.00")
            put(ws, r, 9, float(est), align=A_RIGHT, fmt="0.00")
            r += 1
        put(ws, r, 1, T08_NOTE, align=A_LEFT, border=False)
        merge(ws, r, 1, r, 7, border=False)
        put(ws, r, 8, "表－08", align=A_RIGHT, border=False)
        merge(ws, r, 8, r, 9, border=False)
        if p < len(chunks):
            ws.row_breaks.append(Break(id=r))
        r += 1
    return running, running_est


def section_totals(body):
    """{section title: (sum 合价, sum 暂估价)} in order of appearance."""
    out, current = {}, None
    for row in body:
        if isinstance(row, Section):
            current = row.title
            out.setdefault(current, [Decimal(0), Decimal(0)])
        else:
            out[current][0] += row.amount
            out[current][1] += row.est
    return out


# --------------------------------------------------------------------------------------------
# 表-09

@dataclass
class Analysis:
    item: Item
    quota: list          # [(定额编号, 名称, 定额单位, 数量, share of labour/material/machine/mgmt)]
    materials: list      # [(名称规格, 单位, 数量 per 清单 unit, 单价)]
    labour_rate: str = "128.00 元/工日"


def split_cents(total: Decimal, weights):
    """Split a money amount by weights into cents that add up exactly."""
    raw = [total * Decimal(str(w)) / Decimal(str(sum(weights))) for w in weights]
    parts = [money(x) for x in raw]
    parts[-1] += total - sum(parts)
    return parts


def write_t09(ws, analyses, project):
    widths = [12, 26, 8, 8, 10, 10, 10, 10, 10, 10, 10, 10]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    r = 1
    for p, an in enumerate(analyses, 1):
        it = an.item
        put(ws, r, 1, "综合单价分析表", font=F_TITLE, border=False)
        merge(ws, r, 1, r, 12, border=False)
        r += 1
        put(ws, r, 1, f"工程名称：{project}", align=A_LEFT, border=False)
        merge(ws, r, 1, r, 6, border=False)
        put(ws, r, 7, f"标段：{LOT}", align=A_LEFT, border=False)
        merge(ws, r, 7, r, 9, border=False)
        put(ws, r, 10, f"第{p}页 共{len(analyses)}页", align=A_RIGHT, border=False)
        merge(ws, r, 10, r, 12, border=False)
        r += 1
        # label/value row
        put(ws, r, 1, "项目编码", font=F_HEAD)
        text_cell(put(ws, r, 2, it.code))
        merge(ws, r, 2, r, 3)
        put(ws, r, 4, "项目名称", font=F_HEAD)
        put(ws, r, 5, it.name, align=A_LEFT)
        merge(ws, r, 5, r, 7)
        put(ws, r, 8, "计量单位", font=F_HEAD)
        put(ws, r, 9, it.unit)
        put(ws, r, 10, "工程量", font=F_HEAD)
        put(ws, r, 11, it.qty, fmt=qty_format(it.qty))
        merge(ws, r, 11, r, 12)
        r += 1
        put(ws, r, 1, "清单综合单价组成明细", font=F_HEAD)
        merge(ws, r, 1, r, 12)
        r += 1
        for c, label in enumerate(["定额\n编号", "定额项目名称", "定额\n单位", "数量"], 1):
            put(ws, r, c, label, font=F_HEAD)
            merge(ws, r, c, r + 1, c)
        put(ws, r, 5, "单价", font=F_HEAD)
        merge(ws, r, 5, r, 8)
        put(ws, r, 9, "合价", font=F_HEAD)
        merge(ws, r, 9, r, 12)
        for k, label in enumerate(["人工费", "材料费", "机械费", "管理费\n和利润"] * 2):
            put(ws, r + 1, 5 + k, label, font=F_HEAD)
        r += 2

        # cost build-up per 清单 unit: materials first, the rest split labour/machine/mgmt
        mat_lines = [(n, u, q, pr, money(Decimal(str(q)) * Decimal(str(pr)))) for n, u, q, pr in an.materials]
        main_mat = sum(x[4] for x in mat_lines)
        other_mat = money(main_mat * Decimal("0.012"))
        material = main_mat + other_mat
        price = Decimal(str(it.price))
        rest = price - material
        assert rest > 0, it.code
        labour, machine, mgmt = split_cents(rest, [0.58, 0.12, 0.30])
        totals = [labour, material, machine, mgmt]
        # distribute over quota rows by their share
        shares = [q[4] for q in an.quota]
        per_row = [split_cents(t, shares) for t in totals]  # per_row[cost][row]
        for k, (qcode, qname, qunit, qnum, _share) in enumerate(an.quota):
            put(ws, r, 1, qcode)
            put(ws, r, 2, qname, align=A_LEFT)
            put(ws, r, 3, qunit)
            put(ws, r, 4, qnum, fmt="0.000")
            for j in range(4):
                amount = per_row[j][k]
                unit_price = money(amount / Decimal(str(qnum)))
                assert money(unit_price * Decimal(str(qnum))) == amount, (it.code, amount, qnum)
                put(ws, r, 5 + j, float(unit_price), align=A_RIGHT, fmt="0.00")
                put(ws, r, 9 + j, float(amount), align=A_RIGHT, fmt="0.00")
            r += 1
        put(ws, r, 1, "人工单价", font=F_HEAD)
        merge(ws, r, 1, r, 2)
        put(ws, r, 3, "小计", font=F_HEAD)
        merge(ws, r, 3, r, 8)
        for j, t in enumerate(totals):
            put(ws, r, 9 + j, float(t), align=A_RIGHT, fmt="0.00")
        r += 1
        put(ws, r, 1, an.labour_rate)
        merge(ws, r, 1, r, 2)
        put(ws, r, 3, "未计价材料费", font=F_HEAD)
        merge(ws, r, 3, r, 8)
        put(ws, r, 9, 0.0, align=A_RIGHT, fmt="0.00")
        merge(ws, r, 9, r, 12)
        r += 1
        put(ws, r, 1, "清单项目综合单价", font=F_HEAD)
        merge(ws, r, 1, r, 8)
        put(ws, r, 9, float(price), align=A_RIGHT, fmt="0.00")
        merge(ws, r, 9, r, 12)
        r += 1
        # 材料费明细
        first = r
        put(ws, r, 2, "主要材料名称、规格、型号", font=F_HEAD)
        merge(ws, r, 2, r, 6)
        for c, label in zip(range(7, 13), ["单位", "数量", "单价\n(元)", "合价\n(元)", "暂估\n单价\n(元)", "暂估\n合价\n(元)"]):
            put(ws, r, c, label, font=F_HEAD)
        r += 1
        for name, unit, q, pr, amount in mat_lines:
            put(ws, r, 2, name, align=A_LEFT)
            merge(ws, r, 2, r, 6)
            put(ws, r, 7, unit)
            put(ws, r, 8, q, fmt="0.0000")
            put(ws, r, 9, pr, align=A_RIGHT, fmt="0.00")
            put(ws, r, 10, float(amount), align=A_RIGHT, fmt="0.00")
            put(ws, r, 11, None)
            put(ws, r, 12, None)
            r += 1
        for label, amount in (("其他材料费", other_mat), ("材料费小计", material)):
            put(ws, r, 2, label, font=F_HEAD)
            merge(ws, r, 2, r, 6)
            put(ws, r, 7, None)
            put(ws, r, 8, None)
            put(ws, r, 9, "—")
            put(ws, r, 10, float(amount), align=A_RIGHT, fmt="0.00")
            put(ws, r, 11, "—")
            put(ws, r, 12, None)
            r += 1
        put(ws, first, 1, "材料费明细", font=F_HEAD)
        merge(ws, first, 1, r - 1, 1)
        put(ws, r, 1, T09_NOTE, align=A_LEFT, border=False)
        merge(ws, r, 1, r, 11, border=False)
        put(ws, r, 12, "表－09", align=A_RIGHT, border=False)
        ws.row_dimensions[r].height = 30
        if p < len(analyses):
            ws.row_breaks.append(Break(id=r))
        r += 1


# --------------------------------------------------------------------------------------------
# 表-21, 表-04, cover, 总说明

T21_ROWS = [
    # 名称、规格、型号, 单位, 数量, 风险系数, 基准单价, 投标单价, 备注, flag, why
    ("预拌混凝土 C30 泵送", "m3", 1529.8765, 5, 455.00, 448.00, "", "", ""),
    ("预拌混凝土 C35 泵送", "m3", 144.5157, 5, 475.00, 468.00, "", "", ""),
    ("实心粘土砖 240×115×53 MU10", "千块", 14.5261, 5, 520.00, 510.00, "女儿墙", "banned:NPOL-01/N659-03", "实心粘土砖"),
    ("蒸压加气混凝土砌块 600×240×200 A5.0 B06", "m3", 593.3298, 5, 265.00, 258.00, "", "", ""),
    ("预拌砌筑砂浆 DM M7.5", "t", 206.1834, 5, 310.00, 305.00, "散装", "", ""),
    ("热轧带肋钢筋 HRB400E Φ12-Φ25", "t", 98.7260, 5, 3720.00, 3680.00, "", "", ""),
    ("热轧光圆钢筋 HPB300 Φ10以内", "t", 18.8867, 5, 3850.00, 3820.00, "", "", ""),
    ("断桥铝合金窗 65系列 6+12A+6 Low-E中空玻璃", "m2", 486.7200, 5, 480.00, 480.00, "暂估", "", ""),
    ("SBS改性沥青防水卷材 4mm 聚酯胎Ⅱ型", "m2", 1594.1520, 5, 32.50, 31.80, "冷粘型", "", ""),
    ("岩棉板 100厚 A级", "m3", 334.5741, 5, 620.00, 612.00, "", "", ""),
    ("耐碱玻纤网格布 160g/m2", "m2", 3664.3830, 5, 3.20, 3.10, "", "trap:alkali-resistant-mesh", "耐碱玻纤网格布"),
    ("瓷砖胶 C1级", "kg", 24890.0000, 5, 2.10, 2.05, "", "", ""),
    ("107胶", "kg", 96.5500, 5, 3.50, 3.40, "", "banned:N06-01", "107胶"),
    ("内墙乳胶漆", "kg", 3220.6320, 5, 18.50, 18.00, "", "", ""),
    ("LED平板灯 600×600 36W", "套", 490.8600, 5, 128.00, 126.00, "", "", ""),
]


def write_t21(ws, project):
    widths = [6, 40, 7, 12, 10, 12, 12, 14, 10]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    put(ws, 1, 1, "承包人提供主要材料和工程设备一览表\n（适用于造价信息差额调整法）", font=F_TITLE, border=False)
    merge(ws, 1, 1, 1, 9, border=False)
    ws.row_dimensions[1].height = 42
    put(ws, 2, 1, f"工程名称：{project}", align=A_LEFT, border=False)
    merge(ws, 2, 1, 2, 4, border=False)
    put(ws, 2, 5, f"标段：{LOT}", align=A_LEFT, border=False)
    merge(ws, 2, 5, 2, 7, border=False)
    put(ws, 2, 8, "第1页 共1页", align=A_RIGHT, border=False)
    merge(ws, 2, 8, 2, 9, border=False)
    heads = ["序号", "名称、规格、型号", "单位", "数量", "风险系数\n（%）", "基准单价\n（元）", "投标单价\n（元）",
             "发承包人\n确认单价\n（元）", "备注"]
    for c, h in enumerate(heads, 1):
        put(ws, 3, c, h, font=F_HEAD)
    ws.row_dimensions[3].height = 42
    r = 4
    for k, (name, unit, q, risk, base, bid, note, _f, _w) in enumerate(T21_ROWS, 1):
        put(ws, r, 1, k)
        put(ws, r, 2, name, align=A_LEFT)
        put(ws, r, 3, unit)
        put(ws, r, 4, q, align=A_RIGHT, fmt="0.0000")
        put(ws, r, 5, risk, align=A_RIGHT)
        put(ws, r, 6, base, align=A_RIGHT, fmt="0.00")
        put(ws, r, 7, bid, align=A_RIGHT, fmt="0.00")
        put(ws, r, 8, None)
        put(ws, r, 9, note or None)
        r += 1
    put(ws, r, 1, T21_NOTE, align=A_LEFT, border=False)
    merge(ws, r, 1, r, 8, border=False)
    put(ws, r, 9, "表-21", align=A_RIGHT, border=False)
    ws.row_dimensions[r].height = 30


def cn_money(value: Decimal) -> str:
    """Amount in 大写, e.g. 壹佰贰拾万零叁佰元伍角陆分."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    big = ["", "万", "亿", "万亿"]
    cents = int(money(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    num = str(yuan)
    n = len(num)
    out, zero = "", False
    for i, ch in enumerate(num):
        d, pos = int(ch), n - 1 - i
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += digits[d] + units[pos % 4]
        if pos % 4 == 0 and pos > 0 and int(num[max(0, i - 3):i + 1]) > 0:
            out += big[pos // 4]
    out = (out or "零") + "元"
    if jiao == 0 and fen == 0:
        return out + "整"
    out += (digits[jiao] + "角") if jiao else "零"
    return out + (digits[fen] + "分" if fen else "整")


def write_t04(ws, project, building, install):
    """Returns the bid total."""
    for i, w in enumerate([8, 30, 12, 18, 18], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    put(ws, 1, 1, "单位工程投标报价汇总表", font=F_TITLE, border=False)
    merge(ws, 1, 1, 1, 5, border=False)
    put(ws, 2, 1, f"工程名称：{project}", align=A_LEFT, border=False)
    merge(ws, 2, 1, 2, 3, border=False)
    put(ws, 2, 4, f"标段：{LOT}", align=A_LEFT, border=False)
    put(ws, 2, 5, "第1页 共1页", align=A_RIGHT, border=False)
    put(ws, 3, 1, "序号", font=F_HEAD)
    put(ws, 3, 2, "汇 总 内 容", font=F_HEAD)
    merge(ws, 3, 2, 3, 3)
    put(ws, 3, 4, "金额(元)", font=F_HEAD)
    put(ws, 3, 5, "其中：暂估价(元)", font=F_HEAD)

    parts = []
    measures = Decimal(0)
    for body in (building, install):
        for title, (amount, est) in section_totals(body).items():
            if title == "措施项目":
                measures += amount
            else:
                parts.append((title, amount, est))
    fbx = sum(a for _, a, _ in parts)
    fbx_est = sum(e for _, _, e in parts)
    safety = money(fbx * Decimal("0.0387"))
    other_total_measures = money(fbx * Decimal("0.012"))  # 夜间施工、二次搬运、冬雨季施工等
    cs = measures + safety + other_total_measures
    provisional = Decimal("300000.00")
    daywork = Decimal("12860.00")
    service = Decimal("0.00")
    qt = provisional + daywork + service
    fees = money((fbx + cs + qt) * Decimal("0.0152"))
    tax = money((fbx + cs + qt + fees) * Decimal("0.09"))
    total = fbx + cs + qt + fees + tax

    rows = [("1", "分部分项工程", fbx, fbx_est)]
    rows += [(f"1.{k}", t, a, e if e else "—") for k, (t, a, e) in enumerate(parts, 1)]
    rows += [("2", "措施项目", cs, "—"), ("2.1", "其中：安全文明施工费", safety, "—"),
             ("3", "其他项目", qt, "—"), ("3.1", "其中：暂列金额", provisional, "—"),
             ("3.2", "其中：专业工程暂估价", Decimal(0), "—"), ("3.3", "其中：计日工", daywork, "—"),
             ("3.4", "其中：总承包服务费", service, "—"), ("4", "规费", fees, "—"),
             ("5", "税金", tax, "—")]
    r = 4
    for seq, label, amount, est in rows:
        put(ws, r, 1, seq)
        put(ws, r, 2, label, align=A_LEFT)
        merge(ws, r, 2, r, 3)
        put(ws, r, 4, float(amount), align=A_RIGHT, fmt="#,##0.00")
        put(ws, r, 5, float(est) if isinstance(est, Decimal) else est, align=A_RIGHT, fmt="#,##0.00")
        r += 1
    put(ws, r, 1, "投标报价合计=1+2+3+4+5", font=F_HEAD)
    merge(ws, r, 1, r, 3)
    put(ws, r, 4, float(total), align=A_RIGHT, fmt="#,##0.00")
    put(ws, r, 5, float(fbx_est), align=A_RIGHT, fmt="#,##0.00")
    r += 1
    put(ws, r, 1, "注：本表适用于单位工程招标控制价或投标报价的汇总，如无单位工程划分，单项工程也使用本表汇总。",
        align=A_LEFT, border=False)
    merge(ws, r, 1, r, 4, border=False)
    put(ws, r, 5, "表-04", align=A_RIGHT, border=False)
    return total


def write_cover(ws, total):
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 60
    lines = [
        ("", f"{SCHOOL} 工程"),
        ("", "投 标 总 价"),
        ("招 标 人：", "聊城市某某区教育和体育局"),
        ("工程名称：", SCHOOL),
        ("投标总价（小写）：", f"{total:,.2f}元"),
        ("（大写）：", cn_money(total)),
        ("投 标 人：", "山东某某建设集团有限公司（单位盖章）"),
        ("法定代表人或其授权人：", "（签字或盖章）"),
        ("编 制 人：", "（造价人员签字盖专用章）"),
        ("编制时间：", "2024年6月11日"),
    ]
    for k, (label, value) in enumerate(lines, 1):
        put(ws, k * 2, 1, label or None, font=F_HEAD, align=A_RIGHT, border=False)
        put(ws, k * 2, 2, value, font=F_TITLE if k <= 2 else F_BODY, align=A_CENTER if k <= 2 else A_LEFT,
            border=False)


def write_notes(ws):
    ws.column_dimensions["A"].width = 100
    put(ws, 1, 1, "总 说 明", font=F_TITLE, border=False)
    put(ws, 2, 1, f"工程名称：{SCHOOL}", align=A_LEFT, border=False)
    text = (
        "1.工程概况：本工程为政府投资的中学教学楼，框架结构，地上5层，建筑面积6582.40m2，檐口高度23.4m，"
        "抗震设防烈度7度。\n"
        "2.投标报价范围：施工图范围内的建筑与装饰工程、电气照明工程、给排水工程。\n"
        "3.编制依据：《建设工程工程量清单计价规范》GB 50500-2013、《房屋建筑与装饰工程工程量计算规范》GB 50854-2013、"
        "《通用安装工程工程量计算规范》GB 50856-2013、招标文件、施工图纸及山东省现行计价依据。\n"
        "4.材料要求：混凝土、砂浆均采用预拌产品；墙体材料采用蒸压加气混凝土砌块等新型墙体材料，严禁使用实心粘土砖；"
        "优先选用获得绿色建材认证的产品。\n"
        "5.暂列金额300000.00元；断桥铝合金窗材料按暂估单价480.00元/m2计入。\n"
        "6.其他未尽事项详见招标文件及施工图纸。"
    )
    put(ws, 3, 1, text, align=Alignment(horizontal="left", vertical="top", wrap_text=True), border=False)
    ws.row_dimensions[3].height = 220


ANALYSES_SPEC = {
    "010402001001": dict(
        quota=[("4-2-1", "M7.5预拌砂浆加气混凝土砌块墙 200厚", "10m3", 0.1, 0.92),
               ("4-2-65", "砌体加固筋 Φ6.5以内", "10m3", 0.1, 0.08)],
        materials=[("蒸压加气混凝土砌块 600×240×200 A5.0 B06", "m3", 0.9688, 258.0),
                   ("预拌砌筑砂浆 DM M7.5", "t", 0.3366, 305.0),
                   ("水", "m3", 0.1000, 5.85)]),
    "010515001002": dict(
        quota=[("5-4-6", "现浇构件螺纹钢筋 HRB400E Φ25以内", "t", 1.0, 0.94),
               ("5-4-67", "钢筋直螺纹套筒连接 Φ25以内", "t", 1.0, 0.06)],
        materials=[("热轧带肋钢筋 HRB400E Φ12-Φ25", "t", 1.0250, 3680.0),
                   ("镀锌铁丝 22#", "kg", 2.8560, 7.20),
                   ("低合金钢焊条 E43系列", "kg", 7.2000, 8.60)]),
    "010515001003": dict(
        quota=[("5-4-5", "现浇构件螺纹钢筋 Φ18以内", "t", 1.0, 1.0)],
        materials=[("热轧带肋钢筋 HRB335 Φ12-Φ18", "t", 1.0250, 3620.0),
                   ("镀锌铁丝 22#", "kg", 3.6420, 7.20)]),
}


def build_workbook(path: Path):
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    building = building_only(BUILDING)
    install = INSTALL
    notes = wb.create_sheet("总说明")
    t04 = wb.create_sheet("单位工程投标报价汇总表(表-04)")
    ws_b = wb.create_sheet("建筑-" + T08_SHEET)
    write_t08(ws_b, building, f"{SCHOOL} 建筑与装饰工程", pages=3)
    ws_i = wb.create_sheet("安装-" + T08_SHEET)
    write_t08(ws_i, install, f"{SCHOOL} 安装工程", pages=2)
    by_code = {row.code: row for row in building if isinstance(row, Item)}
    analyses = [Analysis(by_code[code], **spec) for code, spec in ANALYSES_SPEC.items()]
    write_t09(wb.create_sheet("综合单价分析表(表-09)"), analyses, f"{SCHOOL} 建筑与装饰工程")
    write_t21(wb.create_sheet("承包人提供材料和工程设备一览表(表-21)"), f"{SCHOOL} 建筑与装饰工程")
    total = write_t04(t04, SCHOOL, building, install)
    write_cover(cover, total)
    write_notes(notes)
    save_deterministic(wb, path)
    return total


def build_school(path: Path):
    wb = Workbook()
    ws = wb.active
    ws.title = T08_SHEET
    total, est = write_t08(ws, BUILDING, f"{SCHOOL} 建筑与装饰工程", pages=4)
    save_deterministic(wb, path)
    return total


def build_office_csv(path: Path):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"])
    total = Decimal(0)
    for row in OFFICE_ITEMS:
        if isinstance(row, Section):
            w.writerow(["", "", row.title, "", "", "", "", ""])
        else:
            total += row.amount
            w.writerow([row.seq, row.code, row.name, row.features, row.unit, fmt_num(row.qty),
                        fmt_num(row.price), f"{row.amount:.2f}"])
    w.writerow(["", "", "合计", "", "", "", "", f"{total:.2f}"])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return total


def fmt_num(x) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def save_deterministic(wb, path: Path):
    """Save with fixed document dates and zip timestamps: identical bytes on every run."""
    import datetime as _dt
    stamp = _dt.datetime(*FIXED_DATE)
    wb.properties.creator = "gbm-check tools/make_sample_bills.py"
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + iso.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)


# --------------------------------------------------------------------------------------------
# the intentional lines, for tests

def _flagged(body, sheet):
    out = []
    for row in body:
        if isinstance(row, Item) and row.flag:
            kind, ref = row.flag.split(":", 1)
            out.append({"sheet": sheet, "seq": row.seq, "code": row.code, "name": row.name,
                        "kind": kind, "ref": ref, "why": row.why})
    return out


def intentional():
    wb_building = building_only(BUILDING)
    t21 = [{"sheet": "承包人提供材料和工程设备一览表(表-21)", "seq": k, "code": "", "name": name,
            "kind": f.split(":")[0], "ref": f.split(":", 1)[1], "why": why}
           for k, (name, _u, _q, _r, _b, _p, _n, f, why) in enumerate(T21_ROWS, 1) if f]
    return {
        SCHOOL_FILE: _flagged(BUILDING, T08_SHEET),
        WORKBOOK_FILE: (_flagged(wb_building, "建筑-" + T08_SHEET) + _flagged(INSTALL, "安装-" + T08_SHEET) + t21),
        OFFICE_FILE: _flagged(OFFICE_ITEMS, "csv"),
    }


INTENTIONAL = intentional()
# 表-09 of the workbook repeats these building items (analysis only: not items, no extra findings)
T09_REPEATED_CODES = tuple(ANALYSES_SPEC)

# Sanity: the hand-written lists keep the promised sizes.
assert sum(isinstance(r, Item) for r in BUILDING) == 64
assert sum(isinstance(r, Item) for r in INSTALL) == 27
assert sum(isinstance(r, Item) for r in OFFICE_ITEMS) == 30
assert len({r.code for r in BUILDING if isinstance(r, Item)}) == 64
assert len({r.code for r in INSTALL if isinstance(r, Item)}) == 27
assert len({r.code for r in OFFICE_ITEMS if isinstance(r, Item)}) == 30


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: repo sample_bills/)")
    ap.add_argument("--list-intentional", action="store_true",
                    help="print the intentionally banned/restricted/trap lines as JSON and exit")
    args = ap.parse_args(argv)
    if args.list_intentional:
        print(json.dumps(INTENTIONAL, ensure_ascii=False, indent=1))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    t1 = build_school(args.out / SCHOOL_FILE)
    t2 = build_workbook(args.out / WORKBOOK_FILE)
    t3 = build_office_csv(args.out / OFFICE_FILE)
    for name, total in ((SCHOOL_FILE, f"表-08 合计 {t1:.2f}"), (WORKBOOK_FILE, f"投标总价 {t2:.2f}"),
                        (OFFICE_FILE, f"合计 {t3:.2f}")):
        p = args.out / name
        print(f"{p}  {p.stat().st_size} bytes  {total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
