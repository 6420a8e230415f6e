#!/usr/bin/env python3
"""Write a tender bill, a control price and three bids with known deviations of every kind (for `gbm-check compare`).

Usage::

    python tools/make_compare_bills.py OUT_DIR [--lines N] [--clean-bids K]

writes ``tender.xlsx`` (招标工程量清单, unpriced), ``control.xlsx`` (招标控制价: the tender priced), and
``bid1.xlsx`` … ``bid3.xlsx``.  Everything is invented (an example school building in 聊城); nothing is copied
from a real bill.  The content is fixed (prices vary by a seeded generator), so two runs write the same bills.

Each workbook has two bill sheets, in the two layouts bills come in:

- ``建筑工程`` — a GB 50500 表-08 with 12-digit 项目编码, section rows (A.4 砌筑工程 …) and a 合计 footer row;
- ``装饰安装`` — a numbered list without codes (序号 / 名称 / 项目特征 …), its sections numbered like the lines,
  a numbered 小计 after each section and a numbered 合计 at the end (bid 3 also prints a 复核工程量 column there: the
  quantities it re-measured).

The bids price the control price's lines within a few per cent (bid 1 about 5 % below, bids 2 and 3 about 10 %
above: both over the control price), and each carries the deviations listed in ``EXPECTED`` — every deviation kind
of the JSON contract at least once.  A deviation that rewrites a line's text is also a 项目特征 change; a shared
anomaly is listed for each bid that shares it.  Everything else in the bids is as the tender says, so a review
must report exactly ``EXPECTED`` and nothing on the untouched lines.

``--lines N`` repeats the 建筑工程 lines (with fresh codes) until the tender has about N lines: the benchmark's
bills (``bench/bench_compare.py``); the deviations stay the same.  ``--clean-bids K`` adds bids 4 … 3+K that
price every line as the tender says.
"""
from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook

CODED, PLAIN = "建筑工程", "装饰安装"
PROJECT = "工程名称：聊城市某某小学综合楼（示例，虚构）"


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    features: str
    unit: str
    quantity: float
    control: float  # the control price's 综合单价


CODED_SECTIONS: list[tuple[str, list[Line]]] = [
    ("A.1 土石方工程", [
        Line("010101001001", "平整场地", "1.土壤类别：三类土\n2.弃土运距：场内平衡", "m2", 1250.0, 3.2),
        Line("010101004001", "挖基坑土方", "1.土壤类别：三类土\n2.挖土深度：2m以内", "m3", 860.5, 28.6),
        Line("010103001001", "回填方", "1.密实度要求：≥0.94\n2.填方材料：素土", "m3", 540.2, 22.4),
    ]),
    ("A.4 砌筑工程", [
        Line("010401001001", "砖基础", "1.砖品种：MU20混凝土实心砖\n2.砂浆：预拌砌筑砂浆DM M10", "m3", 45.8, 520.0),
        Line("010402001001", "砌块墙", "1.砌块品种：蒸压加气混凝土砌块 A5.0 B06\n2.墙体厚度：200mm\n"
             "3.砂浆：预拌砌筑砂浆DM M5.0", "m3", 380.6, 468.0),
        Line("010402001002", "砌块墙", "1.砌块品种：蒸压加气混凝土砌块 A3.5 B05\n2.墙体厚度：100mm\n"
             "3.砂浆：预拌砌筑砂浆DM M5.0", "m3", 96.4, 482.0),
    ]),
    ("A.5 混凝土及钢筋混凝土工程", [
        Line("010501001001", "垫层", "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C15\n3.厚度：100mm", "m3", 62.3, 465.0),
        Line("010501003001", "独立基础", "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C30", "m3", 210.4, 548.0),
        Line("010502001001", "矩形柱", "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C30", "m3", 96.7, 596.0),
        Line("010503002001", "矩形梁", "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C30", "m3", 145.2, 572.0),
        Line("010505001001", "有梁板", "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C30\n3.板厚：120mm", "m3", 388.9, 560.0),
        Line("010515001001", "现浇构件钢筋", "1.钢筋种类、规格：HRB400 Φ12以内", "t", 86.42, 5120.0),
        Line("010515001002", "现浇构件钢筋", "1.钢筋种类、规格：HRB400 Φ14-Φ25", "t", 124.68, 4980.0),
        Line("010516003001", "机械连接", "1.连接方式：直螺纹套筒连接\n2.规格：Φ25", "个", 1860.0, 14.5),
    ]),
    ("A.8 门窗工程", [
        Line("010801001001", "木质门", "1.门类型：实木复合门\n2.含五金配件", "m2", 126.0, 680.0),
        Line("010807001001", "金属窗", "1.窗材质：断桥铝合金节能窗\n2.玻璃：中空玻璃6+12A+6", "m2", 342.5, 820.0),
    ]),
    ("A.9 屋面及防水工程", [
        Line("010902001001", "屋面卷材防水", "1.卷材品种：SBS改性沥青防水卷材 3mm\n2.防水层数：一层", "m2", 1180.0, 58.0),
        Line("010904002001", "楼地面涂膜防水", "1.涂料品种：聚氨酯防水涂料\n2.涂膜厚度：1.5mm", "m2", 420.6, 46.0),
    ]),
    ("A.11 楼地面装饰工程", [
        Line("011101001001", "水泥砂浆楼地面", "1.面层：20厚1:2.5预拌水泥砂浆", "m2", 860.0, 32.0),
        Line("011102003001", "块料楼地面", "1.面层：800×800陶瓷地砖\n2.结合层：干硬性预拌砂浆", "m2", 2150.0, 128.0),
        Line("011105003001", "块料踢脚线", "1.踢脚线高度：120mm\n2.面层：陶瓷地砖", "m2", 210.4, 136.0),
    ]),
]

PLAIN_SECTIONS: list[tuple[str, list[Line]]] = [
    ("一、墙柱面工程", [
        Line("", "内墙乳胶漆", "1.满刮腻子两遍\n2.水性乳胶漆一底两面", "m2", 5860.0, 26.5),
        Line("", "卫生间瓷砖墙面", "1.面层：300×600釉面砖\n2.粘贴：瓷砖胶", "m2", 640.0, 142.0),
        Line("", "外墙真石漆", "1.底漆、真石漆、罩面漆各一遍\n2.分格缝", "m2", 3200.0, 88.0),
    ]),
    ("二、天棚工程", [
        Line("", "轻钢龙骨石膏板吊顶", "1.U型轻钢龙骨\n2.9.5mm纸面石膏板", "m2", 1260.0, 118.0),
        Line("", "铝扣板吊顶", "1.300×300铝扣板\n2.配套龙骨及吊件", "m2", 420.0, 132.0),
    ]),
    ("三、安装工程", [
        Line("", "PPR给水管", "1.规格：DN25\n2.连接方式：热熔连接", "m", 860.0, 32.0),
        Line("", "LED吸顶灯", "1.功率：18W\n2.含安装及接线", "套", 146.0, 128.0),
        Line("", "坐便器", "1.节水型坐便器（6L）\n2.含配件及安装", "套", 24.0, 1280.0),
    ]),
]

# (bid, kind, anchor): anchor is the name of the tender line (or, without one, of the bid line) the deviation is
# on, or "" for a deviation of the whole bid (over the control price, identical prices).
EXPECTED: list[tuple[int, str, str]] = [
    (1, "missing", "平整场地"), (1, "code_changed", "砖基础"), (1, "name_changed", "回填方"),
    (1, "features_changed", "垫层"), (1, "shared_anomaly", "垫层"), (1, "unit_changed", "内墙乳胶漆"),
    (1, "quantity_changed", "水泥砂浆楼地面"), (1, "arithmetic", "矩形柱"), (1, "shared_anomaly", "矩形柱"),
    (1, "zero_or_negative_price", "铝扣板吊顶"), (1, "magnitude", "有梁板"), (1, "total_mismatch", "小计"),
    (1, "price_high", "木质门"), (1, "price_low", "LED吸顶灯"), (1, "extra", "台阶装饰"),
    (2, "features_changed", "垫层"), (2, "shared_anomaly", "垫层"), (2, "arithmetic", "矩形柱"),
    (2, "shared_anomaly", "矩形柱"), (2, "features_changed", "屋面卷材防水"), (2, "green_drift", "屋面卷材防水"),
    (2, "over_control_price", ""), (2, "shared_anomaly", ""),
    (3, "features_changed", "金属窗"), (3, "green_drift", "金属窗"), (3, "features_changed", "机械连接"),
    (3, "green_drift", "机械连接"), (3, "over_control_price", ""), (3, "shared_anomaly", ""),
    (3, "quantity_rechecked", "外墙真石漆"), (3, "unrounded_price", "PPR给水管"),
]
# what a reviewer should see on the drift lines: the rule (or the lost category) of each green drift
DRIFT_RULES = {(2, "屋面卷材防水"): "N24-06", (3, "机械连接"): "N24-10"}
DRIFT_LOST = {(3, "金属窗"): "建筑节能玻璃"}

_SHARED_FEATURES = "1.混凝土种类：预拌混凝土\n2.混凝土强度等级：C15\n3.厚度：80mm"
_EXTRA = Line("011107001001", "台阶装饰", "1.面层：30厚花岗岩\n2.粘结层：干硬性预拌砂浆", "m2", 36.0, 310.0)


def scaled_sections(lines: int) -> list[tuple[str, list[Line]]]:
    """The 建筑工程 sections, repeated with fresh codes (…002, …003 per copy) until about ``lines`` lines."""
    base = sum(len(items) for _, items in CODED_SECTIONS) + sum(len(items) for _, items in PLAIN_SECTIONS)
    copies = max(1, -(-(lines - base) // sum(len(items) for _, items in CODED_SECTIONS)) + 1)
    sections = list(CODED_SECTIONS)
    for copy in range(1, copies):
        for title, items in CODED_SECTIONS:
            sections.append((f"{title}（{copy + 1}区）", [
                replace(line, code=f"{line.code[:9]}{int(line.code[9:]) + 100 * copy:03d}",
                        features=f"{line.features}\n部位：{copy + 1}区") for line in items]))
    return sections


class Bill:
    """One workbook's content: which lines, at which prices, with which text."""

    def __init__(self, coded: list[tuple[str, list[Line]]], priced: bool):
        self.coded = [(title, list(items)) for title, items in coded]
        self.plain = [(title, list(items)) for title, items in PLAIN_SECTIONS]
        self.priced = priced
        self.prices: dict[str, float] = {}  # line key → 综合单价
        self.amounts: dict[str, float] = {}  # line key → 合价 written instead of quantity × price
        self.subtotal_error: dict[int, float] = {}  # plain section index → amount added to its 小计
        self.rechecked: dict[str, float] | None = None  # line key → 复核工程量 (None: no such column)

    @staticmethod
    def key(line: Line) -> str:
        return f"{line.code}|{line.name}|{line.features}"

    def replace_line(self, which: str, **changes) -> Line:
        for sections in (self.coded, self.plain):
            for _, items in sections:
                for n, line in enumerate(items):
                    if line.name == which:
                        old_key = self.key(line)
                        items[n] = replace(line, **changes)
                        if old_key in self.prices:
                            self.prices[self.key(items[n])] = self.prices.pop(old_key)
                        return items[n]
        raise KeyError(which)

    def remove_line(self, name: str) -> None:
        """Leave out the first line of this name."""
        for _, items in self.coded + self.plain:
            for n, line in enumerate(items):
                if line.name == name:
                    del items[n]
                    return
        raise KeyError(name)

    def find(self, name: str) -> Line:
        for sections in (self.coded, self.plain):
            for _, items in sections:
                for line in items:
                    if line.name == name:
                        return line
        raise KeyError(name)

    def price(self, line: Line) -> float:
        return self.prices.get(self.key(line), line.control)

    def amount(self, line: Line) -> float:
        return self.amounts.get(self.key(line), round(line.quantity * self.price(line), 2))

    def write(self, path: Path) -> Path:
        workbook = Workbook()
        coded = workbook.active
        coded.title = CODED
        _rows(coded, [["分部分项工程和单价措施项目清单与计价表"], [PROJECT],
                      ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]])
        seq, total = 0, 0.0
        for title, items in self.coded:
            _rows(coded, [["", "", title]])
            for line in items:
                seq += 1
                total += self.amount(line) if self.priced else 0.0
                _rows(coded, [[seq, line.code, line.name, line.features, line.unit, line.quantity,
                               *self._money(line)]])
        _rows(coded, [["合计", "", "", "", "", "", "", round(total, 2) if self.priced else None]])

        plain = workbook.create_sheet(PLAIN)
        recheck = self.rechecked is not None
        _rows(plain, [["装饰及安装工程报价清单"],
                      ["序号", "名称", "项目特征", "单位", "数量", "综合单价", "合价", "备注"] + ["复核工程量"] * recheck])
        seq, grand = 0, 0.0
        for index, (title, items) in enumerate(self.plain):
            seq += 1
            _rows(plain, [[seq, title]])
            subtotal = 0.0
            for line in items:
                seq += 1
                subtotal += self.amount(line) if self.priced else 0.0
                _rows(plain, [[seq, line.name, line.features, line.unit, line.quantity, *self._money(line)]
                              + ([None, self.rechecked.get(self.key(line), line.quantity)] if recheck else [])])
            grand += subtotal
            seq += 1
            stated = round(subtotal + self.subtotal_error.get(index, 0.0), 2)
            _rows(plain, [[seq, "小计", "", "", None, None, stated if self.priced else None]])
        seq += 1
        _rows(plain, [[seq, "合计", "", "", None, None, round(grand, 2) if self.priced else None]])
        workbook.save(path)
        return path

    def _money(self, line: Line) -> list:
        return [self.price(line), self.amount(line)] if self.priced else [None, None]


def _rows(sheet, rows: list[list]) -> None:
    for row in rows:
        sheet.append(row)  # codes are str values: they stay text cells, leading zero and all


def _lines(bill: Bill) -> list[Line]:
    return [line for sections in (bill.coded, bill.plain) for _, items in sections for line in items]


def _noisy(bill: Bill, factor: float, spread: float, seed: int) -> None:
    """Price every line at the control price × factor × (1 ± spread), rounded to 分."""
    draw = random.Random(seed)
    for line in _lines(bill):
        bill.prices[bill.key(line)] = round(line.control * factor * (1 + draw.uniform(-spread, spread)), 2)


def bills(lines: int = 0, clean_bids: int = 0) -> dict[str, Bill]:
    """The bills: tender, control, the three bids with their deviations (see EXPECTED), and ``clean_bids`` more
    (bid4 …) that price every line as the tender says, within ±4 % of the control price."""
    coded = scaled_sections(lines) if lines else CODED_SECTIONS
    tender = Bill(coded, priced=False)
    control = Bill(coded, priced=True)

    bid2 = Bill(coded, priced=True)
    _noisy(bid2, 1.10, 0.03, seed=2)
    column = bid2.find("矩形柱")
    bid2.amounts[bid2.key(column)] = round(column.quantity * bid2.price(column), 2) + 1000.0  # shared with bid 1
    bid2.replace_line("垫层", features=_SHARED_FEATURES)  # shared with bid 1
    bid2.replace_line("屋面卷材防水", features="1.卷材品种：350号石油沥青纸胎油毡\n2.防水层数：二毡三油")

    bid3 = Bill(coded, priced=True)
    bid3.prices = dict(bid2.prices)  # the same unit prices as bid 2, line for line
    for name in ("垫层", "屋面卷材防水"):
        line = bid2.find(name)
        bid3.prices[bid3.key(bid3.find(name))] = bid2.price(line)
    bid3.replace_line("金属窗", features="1.窗材质：普通铝合金推拉窗\n2.玻璃：单层平板玻璃6mm")
    bid3.replace_line("机械连接", features="1.连接方式：电渣压力焊\n2.规格：Φ25")
    bid3.rechecked = {bid3.key(bid3.find("外墙真石漆")): 3186.4}  # re-measured; the line is priced at 3200
    pipe = bid3.find("PPR给水管")
    bid3.prices[bid3.key(pipe)] = round(bid3.price(pipe) + 0.004, 3)  # a price with three decimals

    bid1 = Bill(coded, priced=True)
    _noisy(bid1, 0.95, 0.04, seed=1)
    bid1.prices[bid1.key(bid1.find("矩形柱"))] = bid2.price(bid2.find("矩形柱"))
    column = bid1.find("矩形柱")
    bid1.amounts[bid1.key(column)] = bid2.amounts[bid2.key(bid2.find("矩形柱"))]
    bid1.replace_line("垫层", features=_SHARED_FEATURES)
    bid1.remove_line("平整场地")
    bid1.replace_line("砖基础", code="010401001009")
    bid1.replace_line("回填方", name="回填方（含场内运输）")
    bid1.replace_line("内墙乳胶漆", unit="m")
    bid1.replace_line("水泥砂浆楼地面", quantity=806.0)
    bid1.prices[bid1.key(bid1.find("铝扣板吊顶"))] = 0.0
    slab = bid1.find("有梁板")
    bid1.amounts[bid1.key(slab)] = round(slab.quantity * bid1.price(slab) / 10000, 2)  # written in 万元
    bid1.subtotal_error[1] = 500.0  # 二、天棚工程's 小计
    door, lamp = bid1.find("木质门"), bid1.find("LED吸顶灯")
    bid1.prices[bid1.key(door)] = round(door.control * 1.4, 2)
    bid1.prices[bid1.key(lamp)] = round(lamp.control * 0.6, 2)
    bid1.coded[5][1].append(_EXTRA)
    bid1.prices[bid1.key(_EXTRA)] = _EXTRA.control
    made = {"tender": tender, "control": control, "bid1": bid1, "bid2": bid2, "bid3": bid3}
    for n in range(4, 4 + clean_bids):
        made[f"bid{n}"] = Bill(coded, priced=True)
        _noisy(made[f"bid{n}"], 1.0, 0.04, seed=n)
    return made


def write(out: Path, lines: int = 0, clean_bids: int = 0) -> dict[str, Path]:
    """Write the workbooks into ``out``; return their paths by role."""
    out.mkdir(parents=True, exist_ok=True)
    return {role: bill.write(out / f"{role}.xlsx") for role, bill in bills(lines, clean_bids).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write tender.xlsx, control.xlsx, bid1-3.xlsx into")
    parser.add_argument("--lines", type=int, default=0, help="make the tender about this many lines long")
    parser.add_argument("--clean-bids", type=int, default=0, help="add this many bids without deviations")
    args = parser.parse_args()
    for role, path in write(args.out, args.lines, args.clean_bids).items():
        print(f"{role}: {path}")


if __name__ == "__main__":
    main()
