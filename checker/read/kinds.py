"""What a table is (bill, material list, analysis, fee, summary) and which of its rows are totals or fees.

The words come from the forms that define these tables, not from any one file:

- GB 50500-2013《建设工程工程量清单计价规范》附录 B–L: 表-02/03/04 汇总表 (建设项目 / 单项工程 / 单位工程招标控制价、
  投标报价汇总表), 表-08 分部分项工程和单价措施项目清单与计价表, 表-09 综合单价分析表, 表-11 总价措施项目清单与计价表,
  表-12 其他项目清单与计价汇总表 (表-12-1 暂列金额明细表, 表-12-2 材料（工程设备）暂估单价及调整表, 表-12-3
  专业工程暂估价及结算价表, 表-12-4 计日工表, 表-12-5 总承包服务费计价表, 表-12-6/7 索赔与现场签证), 表-13
  规费、税金项目计价表, 表-16 总价项目进度款支付分解表, 表-20/21/22 材料和工程设备一览表; and its terms 2.0.x
  (安全文明施工费, 暂列金额, 暂估价, 计日工, 总承包服务费, 规费, 税金) and 附录 GB 50854 S.7 (夜间施工增加,
  二次搬运, 冬雨季施工增加, 已完工程及设备保护).
- 电网工程建设预算编制与计算规定 (power-grid budgets): 总预算表 / 费用汇总表 (summary), 安装工程预算表 /
  建筑工程预算表 (表三: the estimate lines), 其他费用预算表 (fee), 装置性材料 / 乙供主材汇总表 (material).

Rows of fee and summary tables are recognised and counted, never items.  Measures with quantities (单价措施:
脚手架, 模板, 垂直运输) are bill lines and stay items: they name materials and techniques that rules cover.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..match.normalize import header_key
from .cells import to_number
from .headers import CODE, FEATURES, QTY, Header

BOQ, MATERIAL, ANALYSIS, FEE, SUMMARY = "boq", "material", "analysis", "fee", "summary"
ITEM_KINDS = (BOQ, MATERIAL)  # tables whose rows become items
KIND_NAMES = {BOQ: "bill table", MATERIAL: "material table", ANALYSIS: "analysis table (表-09)",
              FEE: "fee table", SUMMARY: "summary table"}

ANALYSIS_WORDS = ("综合单价分析", "清单综合单价组成明细", "单价分析表")
_FEE_WORDS = ("总价措施项目", "其他项目清单", "其他项目计价", "其他项目汇总", "规费", "税金项目", "暂列金额",
              "专业工程暂估价", "计日工", "总承包服务费", "进度款支付", "索赔", "现场签证", "其他费用预算",
              "其他费用概算", "其他费用计算", "取费表", "费用计算表")
_MATERIAL_SUMMARY_WORDS = ("人材机", "材料", "主材", "设备")  # 人材机汇总表, 装置性材料汇总表: material lists
_SUMMARY_WORDS = ("汇总", "总预算表", "总概算表", "总估算表", "总价表", "造价总表")
_BILL_WORDS = ("预算表", "概算表", "清单", "计价表", "措施")
MATERIAL_WORDS = ("材料", "主材", "设备", "人材机", "品牌")
# Header columns that only fee tables print (表-11 / 表-13: 计算基础, 费率).
_FEE_COLUMNS = frozenset(header_key(w) for w in ("计算基础", "计算基数", "费率", "费率(%)", "取费基数", "计算依据"))


def table_kind(header: Header, context: str, analysis_sheet: bool) -> str:
    """The kind of the table under ``header``; ``context`` is its sheet name and title."""
    if analysis_sheet or any(w in context for w in ANALYSIS_WORDS):
        return ANALYSIS
    cols = header.columns
    itemised = FEATURES in cols or (CODE in cols and QTY in cols)
    if not itemised:
        if any(w in context for w in _FEE_WORDS) or _FEE_COLUMNS & set(header.other_texts):
            return FEE
        if any(w in context for w in _SUMMARY_WORDS) and not any(w in context for w in _MATERIAL_SUMMARY_WORDS) \
                and QTY not in cols:
            return SUMMARY
    if FEATURES in cols:
        return BOQ
    if any(w in context for w in _BILL_WORDS) and not any(w in context for w in MATERIAL_WORDS):
        return BOQ  # 安装工程预算表 (表三), 清单, 计价表, 措施费: estimate lines even where the name column says 规格
    if header.material_like or any(w in context for w in MATERIAL_WORDS):
        return MATERIAL
    if CODE in cols:
        return BOQ
    if "brand" in cols or "manufacturer" in cols:
        return MATERIAL
    return BOQ


# Fee names (GB 50500-2013 terms and forms 表-11/12/13, GB 50854 S.7), as printed in a bill line's 项目名称.
_FEE_NAMES = frozenset(header_key(w) for w in (
    "安全文明施工费", "安全文明措施费", "安全文明施工措施费", "文明施工费", "环境保护费", "安全施工费", "临时设施费",
    "安全防护、文明施工措施项目费", "夜间施工增加费", "夜间施工费", "二次搬运费", "冬雨季施工增加费", "冬雨季施工费",
    "已完工程及设备保护费", "成品保护费", "工程定位复测费", "规费", "定额规费", "社会保险费", "养老保险费",
    "失业保险费", "医疗保险费", "工伤保险费", "生育保险费", "住房公积金", "工程排污费", "危险作业意外伤害保险费",
    "税金", "税费", "增值税", "销项税额", "销项增值税额", "增值税销项税额", "附加税", "附加税费", "城市维护建设税",
    "教育费附加", "地方教育附加", "管理费", "企业管理费", "利润", "暂列金额", "暂列金", "暂估价", "材料暂估价",
    "专业工程暂估价", "计日工", "总承包服务费", "措施费", "措施项目费", "总价措施项目费", "其他项目费",
    "预算包干费", "其他费用",
))
_RATE_TAIL = re.compile(r"[\d.]+%$")


@lru_cache(maxsize=8192)
def is_fee_name(name: str) -> bool:
    """A bill line named only by a fee (规费, 税金9%, 其中：安全文明施工费 …): money, not work or material."""
    key = _bare(name)
    return key in _FEE_NAMES


def is_fee_line(name: str, features: str) -> bool:
    """A bill line that is only a fee: named by one, and its 项目特征 describes nothing (empty, or a rate such as
    0.09).  A fee line that says what it holds (措施费: 1.夜间施工…; 2.现场搅拌…) stays a line: rules read its text."""
    return is_fee_name(name) and (not features or to_number(features.rstrip("%％")) is not None)


_LABEL_ENDS = frozenset("%)）]】") | {w[-1] for w in _FEE_NAMES} | set("计价额")


def money_label(name: str) -> bool:
    """A line's name that is a fee or a total (cheap test first: most names end in neither)."""
    return (name[-1] in _LABEL_ENDS or "其中" in name) and (is_fee_name(name) or total_scope(name) is not None)


_TOTAL_HEAD = re.compile(r"^(本页|本表)(小计|合计)")
_TOTAL_TAIL = re.compile(r"(小计|合计|总计|总价|总额|总造价|含税合价)$")


@lru_cache(maxsize=8192)
def total_scope(text: str) -> Optional[str]:
    """The scope of a total row's label (本页小计 → page, 分部小计 → section, 合计 → sheet, 总价 → bill), or None."""
    key = _bare(text)
    if not key or len(key) > 24:
        return None
    head = _TOTAL_HEAD.match(key)
    if head:
        return "page" if head.group(1) == "本页" else "sheet"
    tail = _TOTAL_TAIL.search(key)
    if not tail:
        return None
    word = tail.group(1)
    if word == "小计":
        return "section"
    if word in ("合计", "含税合价"):
        return "sheet"
    return "bill"


def _bare(text: str) -> str:
    """A label without spaces, a leading 其中：, a trailing rate (9%) or formula (：一+二, =五+六) or note (（含…）)."""
    key = header_key(text)
    if key.startswith("其中"):
        key = key[2:].lstrip(":")
    key = re.split(r"[:=(（\[【]", key, maxsplit=1)[0]
    return _RATE_TAIL.sub("", key)
