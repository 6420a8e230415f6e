#!/usr/bin/env python3
"""Write a big paged 表-08 workbook for benchmarks.

Usage::

    python bench/make_bench_bill.py OUT.xlsx [--lines 50000] [--per-page 25] [--seed 20240611] [--distinct]

One sheet ``分部分项工程和单价措施项目清单与计价表(表-08)``, laid out like
``sample_bills/liaocheng_school_boq_paged.xlsx`` (see tools/make_sample_bills.py): per page a title row,
the 工程名称 / 标段 / 第N页 共M页 meta row, three header rows (merged as a real export merges them),
``--per-page`` body rows (items and section rows), ``本页小计``, ``合    计`` (running total) and the 注 row
with ``表－08``.  Sections (A.4 砌筑工程 … 措施项目) come round in blocks of 3–40 items.

Items are drawn (fixed seed: same arguments → same content) from 44 feature templates with varying
grades, sizes and parts, so the lines differ.  Four templates are banned or restricted on purpose
(banned: 实心粘土砖, 现场搅拌混凝土, 中碱玻纤网格布（非耐碱型）; restricted: 冷镀锌钢管), drawn with a low
weight: the default 50 000-line run has 781 banned and 205 restricted lines.  The counts are printed at
the end (on stderr) for any arguments.  Codes are text; the last three digits count per 9-digit code and wrap
after 999 (a 50 000-line bill has more lines per code than a real one); 序号 is unique.
合价 = round(工程量 × 综合单价, 2) computed in integers (no float error, no rounding ties).

Written with openpyxl's write-only mode; the merged ranges are collected and registered on the write-only
sheet once before saving, so the header merges are real merges (values sit in the first cell of each range).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.pagebreak import Break

SHEET = "分部分项工程和单价措施项目清单与计价表(表-08)"
TITLE = "分部分项工程和单价措施项目清单与计价表"
NOTE = "注：为计取规费等的使用，可在表中增设其中：“定额人工费”。"
PROJECT = "聊城市某某实验学校新校区（性能测试）"

SECTIONS = {
    "0104": "A.4 砌筑工程",
    "0105": "A.5 混凝土及钢筋混凝土工程",
    "0108": "A.8 门窗工程",
    "0109": "A.9 屋面及防水工程",
    "0110": "A.10 保温、隔热、防腐工程",
    "0111": "A.11 楼地面装饰工程",
    "0112": "A.12 墙、柱面装饰与隔断、幕墙工程",
    "0113": "A.13 天棚工程",
    "0114": "A.14 油漆、涂料、裱糊工程",
    "0304": "电气工程",
    "0310": "给排水工程",
    "0117": "措施项目",
}

# (code9, 项目名称, 单位, features template, choices, (price low, high), weight, flag)
T = [
    ("010401001", "砖基础", "m3",
     "1.砖品种、规格、强度等级:{brick} 240×115×53\n2.基础类型:{base}\n3.砂浆强度等级:预拌砌筑砂浆DM {m}",
     dict(brick=["MU20混凝土实心砖", "MU15混凝土实心砖"], base=["条形基础", "独立基础间墙"], m=["M10", "M7.5"]),
     (480, 560), 1, ""),
    ("010401004", "多孔砖墙", "m3",
     "1.砖品种、规格、强度等级:烧结页岩多孔砖 240×115×90 {mu}\n2.墙体类型:{wall} {t}厚\n3.砂浆强度等级:预拌砌筑砂浆DM {m}",
     dict(mu=["MU10", "MU15"], wall=["外墙", "内墙", "女儿墙"], t=["240", "200"], m=["M5.0", "M7.5"]),
     (500, 580), 1, ""),
    ("010402001", "砌块墙", "m3",
     "1.砌块品种、规格、强度等级:蒸压加气混凝土砌块 600×240×{t} {a} {b}\n2.墙体类型:{wall} {t}厚\n"
     "3.砂浆强度等级:预拌砌筑砂浆DM {m}\n4.其他：详见图纸说明",
     dict(t=["100", "150", "200", "250"], a=["A3.5", "A5.0"], b=["B05", "B06"], wall=["外墙", "内隔墙", "楼梯间墙"],
          m=["M5.0", "M7.5"]),
     (450, 520), 3, ""),
    ("010402001", "砌块墙", "m3",
     "1.砌块品种、规格、强度等级:混凝土空心砌块 390×190×190 {mu}\n2.墙体类型:{wall}\n3.砂浆强度等级:预拌砌筑砂浆DM {m}",
     dict(mu=["MU5.0", "MU7.5", "MU10"], wall=["卫生间隔墙", "设备间墙", "围墙"], m=["M7.5", "M10"]),
     (440, 500), 1, ""),
    ("010401003", "实心砖墙", "m3",
     "1.砖品种、规格、强度等级:实心粘土砖 240×115×53 {mu}\n2.墙体类型:{wall}\n3.砂浆强度等级:预拌砌筑砂浆DM M5.0",
     dict(mu=["MU10", "MU15"], wall=["女儿墙", "围墙", "台阶挡墙"]),
     (540, 600), 0.35, "banned"),
    ("010501001", "垫层", "m3", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:{c}",
     dict(c=["C15", "C20"]), (540, 580), 1, ""),
    ("010501003", "独立基础", "m3", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:{c}",
     dict(c=["C30", "C35"]), (620, 660), 1, ""),
    ("010501004", "满堂基础", "m3", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:{c}\n3.抗渗等级:{p}",
     dict(c=["C30", "C35"], p=["P6", "P8"]), (640, 690), 1, ""),
    ("010502001", "矩形柱", "m3", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:{c}\n3.截面:{s}",
     dict(c=["C30", "C35", "C40"], s=["500×500", "600×600", "400×500"]), (680, 760), 2, ""),
    ("010502002", "构造柱", "m3", "1.混凝土种类:{kind}\n2.混凝土强度等级:{c}",
     dict(kind=["预拌混凝土", "预拌细石混凝土"], c=["C20", "C25"]), (720, 790), 1, ""),
    ("010502002", "构造柱", "m3", "1.混凝土种类:现场搅拌混凝土\n2.混凝土强度等级:{c}\n3.部位:{part}",
     dict(c=["C20", "C25"], part=["砌体墙构造柱", "女儿墙构造柱"]), (740, 800), 0.35, "banned"),
    ("010503002", "矩形梁", "m3", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:{c}",
     dict(c=["C30", "C35"]), (630, 680), 2, ""),
    ("010503004", "圈梁", "m3", "1.混凝土种类:预拌混凝土\n2.混凝土强度等级:{c}",
     dict(c=["C20", "C25"]), (670, 720), 1, ""),
    ("010505001", "有梁板", "m3", "1.混凝土种类:预拌混凝土 泵送\n2.混凝土强度等级:{c}\n3.板厚:{t}mm",
     dict(c=["C30", "C35"], t=["100", "120", "150"]), (610, 660), 3, ""),
    ("010515001", "现浇构件钢筋", "t", "1.钢筋种类、规格:{g} {d}\n2.连接方式:{j}",
     dict(g=["HRB400E", "HRB500E", "HRB400"], d=["Φ12-Φ18", "Φ20-Φ25", "Φ28-Φ32"],
          j=["直螺纹套筒连接", "绑扎搭接"]), (5100, 5500), 3, ""),
    ("010515001", "现浇构件钢筋", "t", "1.钢筋种类、规格:HPB300 {d}\n2.部位:{part}",
     dict(d=["Φ6-Φ10", "Φ8-Φ10"], part=["箍筋", "分布筋", "拉结筋"]), (5450, 5700), 1, ""),
    ("010807001", "金属（塑钢、断桥）窗", "m2",
     "1.窗代号及洞口尺寸:{w}\n2.框、扇材质:断桥铝合金 {ser}系列\n3.玻璃品种、厚度:{g}",
     dict(w=["C1518", "C1818", "C2418", "C0915"], ser=["60", "65", "70"],
          g=["6+12A+6 Low-E中空玻璃", "5+12A+5中空玻璃", "6+12A+6钢化中空玻璃"]), (650, 800), 2, ""),
    ("010801001", "木质门", "m2",
     "1.门代号及洞口尺寸:{d}\n2.门框、扇材质:{mat}\n3.五金:执手锁、合页、门吸",
     dict(d=["M0921", "M1021", "M1221"], mat=["成品实木复合门", "成品免漆门"]), (720, 820), 1, ""),
    ("010802003", "钢质防火门", "m2",
     "1.门代号及洞口尺寸:{d}\n2.门框、扇材质:钢质 {lvl}级防火\n3.五金:闭门器、顺序器",
     dict(d=["FM甲1221", "FM乙1021", "FM丙0618"], lvl=["甲", "乙", "丙"]), (800, 900), 1, ""),
    ("010902001", "屋面卷材防水", "m2",
     "1.卷材品种、规格、厚度:{t}厚{kind}\n2.防水层数:{n}\n3.防水层做法:{how}",
     dict(t=["3", "4"], kind=["SBS改性沥青防水卷材（聚酯胎）", "自粘聚合物改性沥青防水卷材", "TPO高分子防水卷材"],
          n=["一层", "两层"], how=["冷粘法", "自粘法", "机械固定"]), (55, 85), 2, ""),
    ("010902002", "屋面涂膜防水", "m2",
     "1.防水膜品种:{kind}\n2.涂膜厚度、遍数:{t}厚",
     dict(kind=["单组分聚氨酯防水涂料", "JS聚合物水泥防水涂料", "丙烯酸防水涂料"], t=["1.5", "2.0"]), (45, 65), 1, ""),
    ("011001001", "保温隔热屋面", "m2",
     "1.保温隔热材料品种、规格、厚度:{t}厚挤塑聚苯板(XPS) {cls}\n2.找坡:{slope}",
     dict(t=["60", "70", "80", "100"], cls=["B1级", "B2级"], slope=["LC5.0轻集料混凝土2%找坡", "水泥珍珠岩找坡"]),
     (70, 110), 1, ""),
    ("011001003", "保温隔热墙面", "m2",
     "1.保温隔热部位:外墙\n2.保温隔热材料品种、规格及厚度:{t}厚{mat}\n3.增强网:耐碱玻纤网格布\n4.粘结:专用粘结砂浆，锚栓固定",
     dict(t=["80", "100", "120"], mat=["岩棉板 A级", "石墨聚苯板 B1级", "岩棉带 A级"]), (140, 190), 2, ""),
    ("011001003", "保温隔热墙面", "m2",
     "1.保温隔热部位:{part}\n2.保温隔热材料品种、规格及厚度:{t}厚EPS板\n3.增强网:中碱玻纤网格布（非耐碱型）",
     dict(part=["楼梯间内墙", "分户墙"], t=["30", "50"]), (85, 110), 0.35, "banned"),
    ("011101001", "水泥砂浆楼地面", "m2",
     "1.找平层厚度、砂浆配合比:{t}厚预拌地面砂浆DS {m}\n2.面层做法要求:压实赶光",
     dict(t=["20", "30"], m=["M15", "M20"]), (32, 45), 1, ""),
    ("011102003", "块料楼地面", "m2",
     "1.找平层:{t}厚预拌地面砂浆DS M15\n2.结合层:5厚瓷砖胶粘贴\n3.面层材料品种、规格、颜色:{tile}",
     dict(t=["20", "30"], tile=["800×800防滑玻化砖", "600×600防滑地砖", "300×300×10防滑地砖"]), (110, 180), 3, ""),
    ("011105003", "块料踢脚线", "m", "1.踢脚线高度:{h}mm\n2.粘贴层:瓷砖胶\n3.面层:{tile}",
     dict(h=["100", "120", "150"], tile=["800×120玻化砖", "600×100地砖"]), (25, 40), 1, ""),
    ("011201001", "墙面一般抹灰", "m2",
     "1.墙体类型:{wall}\n2.底层厚度、砂浆配合比:{t}厚预拌抹灰砂浆DP {m}\n3.挂网:{net}",
     dict(wall=["加气混凝土砌块墙", "混凝土墙", "多孔砖墙"], t=["12", "15", "20"], m=["M10", "M15"],
          net=["镀锌钢丝网", "不同材料交接处300宽镀锌钢丝网"]), (30, 42), 3, ""),
    ("011204003", "块料墙面", "m2",
     "1.墙体类型:{wall}\n2.安装方式:瓷砖胶粘贴\n3.面层材料品种、规格、颜色:{tile}",
     dict(wall=["卫生间内墙", "厨房内墙", "开水间内墙"], tile=["300×600釉面砖", "400×800釉面砖"]), (120, 160), 2, ""),
    ("011302001", "吊顶天棚", "m2",
     "1.吊顶形式:{kind}\n2.龙骨材料种类、规格:轻钢龙骨 {keel}\n3.面层材料品种、规格:{face}",
     dict(kind=["平吊", "跌级"], keel=["U38", "U50", "U60"], face=["600×600矿棉板", "纸面石膏板 9.5厚", "300×300铝扣板"]),
     (95, 160), 2, ""),
    ("011406001", "抹灰面油漆", "m2",
     "1.基层类型:抹灰面\n2.腻子种类:{putty}\n3.油漆品种、刷漆遍数:{paint}",
     dict(putty=["耐水腻子", "成品腻子"], paint=["内墙乳胶漆 一底两面", "抗菌乳胶漆 一底两面"]), (22, 32), 3, ""),
    ("011407001", "墙面喷刷涂料", "m2",
     "1.喷刷涂料部位:外墙\n2.涂料品种、喷刷遍数:{kind}",
     dict(kind=["真石漆 一底一主一面", "弹性外墙涂料 两遍", "外墙乳胶漆 两遍"]), (45, 95), 1, ""),
    ("030411001", "配管", "m",
     "1.名称:电气配管\n2.材质:{mat}\n3.规格:{size}\n4.配置形式:{how}",
     dict(mat=["焊接钢管", "套接紧定式镀锌钢导管", "刚性阻燃管"], size=["SC20", "SC25", "JDG20", "PC20"], how=["暗配", "明配"]),
     (12, 40), 3, ""),
    ("030411004", "配线", "m",
     "1.名称:电气配线\n2.配线形式:管内穿线\n3.导线型号、规格、材质:{w}",
     dict(w=["WDZ-BYJ-2.5mm2", "WDZ-BYJ-4mm2", "WDZ-BYJ-6mm2"]), (3, 9), 3, ""),
    ("030408001", "电力电缆", "m",
     "1.名称:电力电缆\n2.型号、规格:{c}\n3.敷设方式、部位:{how}",
     dict(c=["WDZ-YJY-1KV-5×16mm2", "WDZ-YJY-1KV-4×35+1×16mm2", "WDZ-YJY-1KV-4×95+1×50mm2"],
          how=["穿管敷设", "沿桥架敷设"]), (50, 260), 2, ""),
    ("030412005", "LED平板灯", "套",
     "1.名称:LED平板灯\n2.型号、规格:{s}\n3.安装方式:{how}",
     dict(s=["600×600 36W", "300×1200 40W", "600×600 30W"], how=["嵌入式", "吊装"]), (160, 230), 2, ""),
    ("030404035", "插座", "个",
     "1.名称:{n}\n2.材质、规格:250V,{a}\n3.安装方式:{h}",
     dict(n=["单相五孔插座（安全型）", "单相三极空调插座"], a=["10A", "16A"], h=["距地0.3m暗装", "距地2.2m暗装"]),
     (28, 45), 2, ""),
    ("031001001", "镀锌钢管", "m",
     "1.安装部位:室内\n2.介质:{med}\n3.规格、压力等级:{dn}\n4.连接形式:{j}\n5.材质:热镀锌钢管",
     dict(med=["消防给水", "给水"], dn=["DN65", "DN80", "DN100", "DN150"], j=["沟槽连接", "螺纹连接"]), (90, 260), 2, ""),
    ("031001001", "镀锌钢管", "m",
     "1.安装部位:室内\n2.介质:给水\n3.规格、压力等级:{dn}\n4.连接形式:螺纹连接\n5.材质:冷镀锌钢管",
     dict(dn=["DN25", "DN32", "DN40"]), (40, 70), 0.35, "restricted"),
    ("031001006", "塑料管", "m",
     "1.安装部位:室内\n2.介质:{med}\n3.材质、规格:{p}\n4.连接形式:{j}",
     dict(med=["给水", "污水", "废水"], p=["PPR管 DN25", "PPR管 DN32", "UPVC dn110", "UPVC dn75", "HDPE dn160"],
          j=["热熔连接", "粘结", "电熔连接"]), (25, 90), 3, ""),
    ("031004006", "大便器", "套",
     "1.材质:陶瓷\n2.规格、类型:{k}\n3.组装形式:{a}",
     dict(k=["蹲式大便器 节水型 冲洗水量≤5L", "节水型坐便器 双档6L/3L"], a=["脚踏式延时自闭冲洗阀", "连体水箱", "感应冲洗阀"]),
     (700, 1300), 1, ""),
    ("031004014", "给、排水附(配)件", "个",
     "1.名称:{n}\n2.材质:{m}\n3.规格:DN15",
     dict(n=["水嘴", "感应水嘴"], m=["陶瓷片密封铜质节水水嘴", "不锈钢节水水嘴"]), (55, 260), 1, ""),
    ("011701001", "综合脚手架", "m2",
     "1.建筑结构形式:框架结构\n2.檐口高度:{h}m\n3.脚手架材质:承插型盘扣式钢管脚手架",
     dict(h=["18.6", "23.4", "31.8"]), (35, 55), 0.5, ""),
    ("011702002", "矩形柱", "m2", "1.模板材质:{m}\n2.支撑:钢管支撑",
     dict(m=["复合木模板", "铝合金模板"]), (60, 80), 1, ""),
]

SECTION_OF = {}
for _t in T:
    prefix = _t[0][:4]
    SECTION_OF[_t[0]] = SECTIONS[prefix]
SECTION_ORDER = [s for s in SECTIONS.values() if s in set(SECTION_OF.values())]
SECTION_ORDER.remove("措施项目")
SECTION_ORDER.append("措施项目")


def draw_items(n, rng, distinct=False):
    """Yield (section title or None, item tuple) in bill order; section changes yield a header first.  ``distinct``:
    every item gets one more clause of its own (a 部位 with a running number), so no two lines are the same."""
    by_section = {s: [] for s in SECTION_ORDER}
    for t in T:
        by_section[SECTION_OF[t[0]]].append(t)
    counters = {}
    made = 0
    while made < n:
        for section in SECTION_ORDER:
            if made >= n:
                break
            yield section, None
            templates = by_section[section]
            weights = [t[6] for t in templates]
            for _ in range(min(rng.randint(3, 40), n - made)):
                code9, name, unit, fmt, choices, (lo, hi), _w, flag = rng.choices(templates, weights)[0]
                features = fmt.format(**{k: rng.choice(v) for k, v in choices.items()})
                if distinct:
                    features += f"\n{features.count(chr(10)) + 2}.部位：{made // 40 + 1}层 {made % 40 + 1}轴"
                counters[code9] = counters.get(code9, 0) % 999 + 1
                code = f"{code9}{counters[code9]:03d}"
                qty_milli = rng.randint(1_000, 2_000_000) if unit not in ("t", "套", "个") else (
                    rng.randint(500, 80_000) if unit == "t" else rng.randint(1, 800) * 1000)
                price_cents = rng.randint(lo * 100, hi * 100)
                v = qty_milli * price_cents  # in 1e-5 yuan
                if v % 1000 == 500:  # a rounding tie: move the quantity by 0.001
                    qty_milli += 1
                    v = qty_milli * price_cents
                amount_cents = (v + 500) // 1000
                made += 1
                yield None, (made, code, name, features, unit, qty_milli, price_cents, amount_cents, flag)


def build(out: Path, lines: int, per_page: int, seed: int, distinct: bool = False, tender: bool = False):
    """``tender``: the bill as a 招标 file gives it, quantities without prices or amounts."""
    rng = random.Random(seed)
    body = list(draw_items(lines, rng, distinct))
    # body is a list of (section, None) | (None, item): page by body rows
    pages = [body[i:i + per_page] for i in range(0, len(body), per_page)]
    total_pages = len(pages)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for i, w in enumerate([7, 15, 18, 44, 7, 11, 11, 14, 11], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    merges = []  # collected, registered once at the end (MultiCellRange.add is O(n) per call)
    r = 0
    running = 0
    flags = {}

    def add(row):
        nonlocal r
        ws.append(row)
        r += 1

    for p, chunk in enumerate(pages, 1):
        add([TITLE])
        merges.append(f"A{r}:I{r}")
        add([f"工程名称：{PROJECT}", None, None, None, "标段：01", None, None, f"第{p}页 共{total_pages}页"])
        merges.append(f"A{r}:D{r}")
        merges.append(f"E{r}:G{r}")
        merges.append(f"H{r}:I{r}")
        add(["序号", "项目编码", "项目名称", "项目特征描述", "计量\n单位", "工程量", "金额（元）"])
        h = r
        add([None, None, None, None, None, None, "综合\n单价", "合价", "其中"])
        add([None, None, None, None, None, None, None, None, "暂估价"])
        for c in "ABCDEF":
            merges.append(f"{c}{h}:{c}{h + 2}")
        merges.append(f"G{h}:I{h}")
        merges.append(f"G{h + 1}:G{h + 2}")
        merges.append(f"H{h + 1}:H{h + 2}")
        page_cents = 0
        for section, item in chunk:
            if item is None:
                add([None, None, section])
                merges.append(f"C{r}:D{r}")
                continue
            seq, code, name, features, unit, qty_milli, price_cents, amount_cents, flag = item
            add([seq, code, name, features, unit, qty_milli / 1000, None if tender else price_cents / 100,
                 None if tender else amount_cents / 100, None])
            page_cents += amount_cents
            if flag:
                flags[flag] = flags.get(flag, 0) + 1
        running += page_cents
        add(["本页小计", None, None, None, None, None, None, None if tender else page_cents / 100, 0])
        merges.append(f"A{r}:G{r}")
        add(["合    计", None, None, None, None, None, None, None if tender else running / 100, 0])
        merges.append(f"A{r}:G{r}")
        add([NOTE, None, None, None, None, None, None, "表－08"])
        merges.append(f"A{r}:G{r}")
        merges.append(f"H{r}:I{r}")
        if p < total_pages:
            ws.row_breaks.append(Break(id=r))
    ws.merged_cells = MultiCellRange([CellRange(ref) for ref in merges])
    wb.save(out)
    return dict(items=lines, pages=total_pages, rows=r, total=running / 100, flagged=flags)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a big paged 表-08 workbook for benchmarks.")
    ap.add_argument("out", type=Path, help="output .xlsx")
    ap.add_argument("--lines", type=int, default=50_000, help="number of bill items (default 50000)")
    ap.add_argument("--per-page", type=int, default=25, help="body rows per printed page (default 25)")
    ap.add_argument("--seed", type=int, default=20240611, help="random seed (default 20240611)")
    ap.add_argument("--distinct", action="store_true", help="every line distinct (a numbered 部位 clause of its own)")
    ap.add_argument("--tender", action="store_true", help="a tender bill: quantities without prices or amounts")
    args = ap.parse_args(argv)
    if args.lines < 1 or args.per_page < 2:
        ap.error("--lines must be ≥ 1 and --per-page ≥ 2")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    info = build(args.out, args.lines, args.per_page, args.seed, args.distinct, args.tender)
    dt = time.perf_counter() - t0
    print(f"{args.out}: {info['items']} items, {info['pages']} pages, {info['rows']} rows, "
          f"合计 {info['total']:.2f}, intentionally flagged lines {info['flagged']}, "
          f"{args.out.stat().st_size} bytes, {dt:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
