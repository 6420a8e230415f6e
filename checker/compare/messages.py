"""The words of the bid review reports, in Chinese (default) and English: labels, and one template per note.

A deviation carries a note name and its facts; ``detail(deviation, lang)`` writes it out.  Numbers are written
with thousands separators and at most four decimals; shares as percentages.
"""
from __future__ import annotations

from ..report.i18n import texts
from .conformity import changes
from .model import Deviation

LANGS = ("zh", "en")

KIND_TEXT = {
    "zh": {"missing": "缺项", "extra": "多项", "code_changed": "项目编码改动", "name_changed": "项目名称改动",
           "features_changed": "项目特征改动", "unit_changed": "计量单位改动", "quantity_changed": "工程量改动",
           "quantity_rechecked": "复核工程量不同", "unrounded_price": "单价未取整到分",
           "arithmetic": "计算错误", "total_mismatch": "合计不符", "zero_or_negative_price": "零单价或负单价",
           "magnitude": "数量级错位", "green_drift": "绿色建材偏离", "price_high": "单价偏高", "price_low": "单价偏低",
           "over_control_price": "超招标控制价", "shared_anomaly": "雷同迹象"},
    "en": {"missing": "missing line", "extra": "extra line", "code_changed": "code changed",
           "name_changed": "name changed", "features_changed": "features changed", "unit_changed": "unit changed",
           "quantity_changed": "quantity changed", "quantity_rechecked": "re-measured quantity",
           "unrounded_price": "unrounded price", "arithmetic": "arithmetic error",
           "total_mismatch": "total mismatch", "zero_or_negative_price": "zero or negative price",
           "magnitude": "10ⁿ slip", "green_drift": "green drift", "price_high": "price high",
           "price_low": "price low", "over_control_price": "over the control price",
           "shared_anomaly": "shared anomaly"},
}
GROUP_TEXT = {
    "zh": {"conformity": "符合性", "arithmetic": "计算性", "green": "绿色建材偏离", "prices": "不平衡报价",
           "similarity": "雷同性"},
    "en": {"conformity": "conformity", "arithmetic": "arithmetic", "green": "green drift", "prices": "prices",
           "similarity": "similarity"},
}
VERDICT_TEXT = {"zh": {"fail": "不通过", "review": "需人工复核", "pass": "通过"},
                "en": {"fail": "fail", "review": "review", "pass": "pass"}}
SEVERITY_TEXT = {"zh": {"error": "错误", "warning": "提示"}, "en": {"error": "error", "warning": "warning"}}
STATUS_TEXT = {"zh": {"banned": "禁用", "restricted": "限制", "promoted": "推广", "clean": "无发现"},
               "en": {"banned": "banned", "restricted": "restricted", "promoted": "promoted", "clean": "clean"}}
SOURCE_TEXT = {"zh": {"control": "招标控制价", "median": "投标人中位价", "stated": "文件所列合计", "lines": "清单行合计"},
               "en": {"control": "the control price", "median": "the bidders' median", "stated": "stated in the file",
                      "lines": "sum of the lines"}}

LABELS = {
    "zh": {"title": "清标比对报告", "tender": "招标清单", "control": "招标控制价", "bidder": "投标人",
           "bid": "投标清单", "total": "投标总价", "lines": "清单行", "paired": "已配对", "verdict": "结论",
           "none": "未发现偏差", "not_read": "无法读取", "expected": "招标/应为", "actual": "投标/实为",
           "rule": "规则", "where": "位置", "detail": "说明", "kind": "类别", "severity": "级别", "file": "文件",
           "others": "雷同对象", "band": "价格允许偏差", "no_control": "未提供招标控制价：单价与投标人中位价比较（一行至少 3 家报价时）",
           "indicator": "雷同迹象只是线索，不是证据。", "tender_findings": "本文件检查",
           "findings": "禁用 {banned} 行 · 限制 {restricted} 行", "more": "… 另有 {n} 项（完整列表见 JSON / HTML / xlsx）",
           "summary": "{bidders} 个投标文件：不通过 {fail}，需人工复核 {review}，通过 {pass}",
           "sheet_summary": "汇总", "row": "行", "tender_text": "招标清单原文", "bid_text": "投标清单原文",
           "matrix": "投标人 × 检查项", "generated": "生成时间", "deviations": "偏差", "source": "合计来源",
           "total_ref": "参考", "tender_unreadable": "招标清单无法读取，无法比对",
           "tender_flagged": "招标清单本身有 {n} 行禁用或限制发现：投标照原文报价不算偏离，由招标人核改（详见 gbm-check check）"},
    "en": {"title": "Bid review", "tender": "tender", "control": "control price", "bidder": "bidder", "bid": "bid",
           "total": "bid total", "lines": "lines", "paired": "paired", "verdict": "verdict", "none": "no deviations",
           "not_read": "could not be read", "expected": "tender / expected", "actual": "bid / actual",
           "rule": "rule", "where": "where", "detail": "detail", "kind": "kind", "severity": "severity",
           "file": "file", "others": "shared with", "band": "price band",
           "no_control": "no control price given: unit prices compared with the bidders' median (where at least 3 "
                         "bids price a line)",
           "indicator": "Similarity indicators are leads for a reviewer, never proof.",
           "tender_findings": "own check", "findings": "banned {banned} · restricted {restricted}",
           "more": "… {n} more (all of them in the JSON / HTML / xlsx report)",
           "summary": "{bidders} bid(s): fail {fail}, review {review}, pass {pass}", "sheet_summary": "summary",
           "row": "row", "tender_text": "tender text", "bid_text": "bid text", "matrix": "bidders × checks",
           "generated": "generated", "deviations": "deviations", "source": "total from", "total_ref": "reference",
           "tender_unreadable": "the tender could not be read: nothing was compared",
           "tender_flagged": "the tender itself has {n} line(s) with banned or restricted findings: a bid that prices "
                             "them as written does not drift; the owner should correct them (see gbm-check check)"},
}

WARNINGS = {
    "zh": {"price_control_unread": "招标控制价文件无法读取：单价改与投标人中位价比较，未检查是否超招标控制价",
           "price_no_reference": "没有招标控制价且可比的投标文件少于 3 份：未做单价比较"},
    "en": {"price_control_unread": "the control price file could not be read: unit prices were compared with the "
                                   "bidders' median and the bid totals were not checked against a control price",
           "price_no_reference": "no control price and fewer than 3 comparable bids: unit prices were not compared"},
}

NOTES = {
    "zh": {
        "missing": "投标清单缺少招标清单的此项",
        "extra": "招标清单没有此项{banned_note}",
        "no_codes": "投标清单未填写项目编码（招标清单有编码）",
        "code_changed": "项目编码 {expected} → {actual}",
        "name_changed": "项目名称改为：{changes}",
        "features_changed": "项目特征改为：{changes}",
        "unit_changed": "计量单位 {expected} → {actual}",
        "quantity_changed": "工程量 {expected} → {actual}",
        "quantity_rechecked": "投标人复核工程量 {actual}，招标工程量 {expected}（差 {difference}，{share}）；投标按招标工程量报价",
        "unrounded_price": "综合单价 {price} 超过两位小数（四舍五入到分为 {expected}）",
        "arithmetic": "工程量 × 综合单价 = {expected}，合价写作 {actual}（差 {difference}）",
        "rate_arithmetic": "费率 {rate} × 计费基础 {base} = {expected}，金额写作 {actual}（差 {difference}）",
        "magnitude": "合价 {actual} 是 工程量 × 综合单价（{expected}）的 10^{power} 倍（元/万元错位？）",
        "total_magnitude": "{label} {actual} 是其清单行合计 {expected} 的 10^{power} 倍（元/万元错位？）",
        "price_magnitude": "综合单价 {actual} 是{source} {expected} 的 10^{power} 倍（元/万元错位？）",
        "total_mismatch": "{label} 写作 {actual}，所含清单行合计 {expected}（差 {difference}）",
        "total_below_lines": "{label} {actual} 小于所含清单行合计 {expected}（差 {difference}）",
        "zero_price": "综合单价为 {actual}",
        "unpriced": "未填报综合单价与合价",
        "unpriced_sheet": "工作表「{sheet}」的 {lines} 行都没有综合单价和合价（整表未报价，或其单价列未能识别）",
        "green_drift": "招标清单此项{tender_status}，投标清单{bid_status}：{what}",
        "price_high": "综合单价 {actual} 比{source} {expected} 高 {over}（允许 ±{band}）",
        "price_low": "综合单价 {actual} 比{source} {expected} 低 {under}（允许 ±{band}）",
        "over_control_price": "投标总价 {actual} 超过招标控制价 {expected}（超出 {difference}，{over}）",
        "shared": "与 {others} 有相同的{shared_kind}：{shared_detail}",
        "same_prices": "与 {others} 的综合单价 {share} 相同（{same}/{lines} 行）",
        "same_meta": "与 {others} 的文件信息相同：{meta}",
        "same_file": "与 {others} 是同一个文件（sha256 相同）",
        "new_rules": "新增 {rules}", "lost": "失去绿色建材类别 {lost}", "banned_in_extra": "；且含禁用项 {rules}",
    },
    "en": {
        "missing": "the bid lacks this tender line",
        "extra": "not a line of the tender{banned_note}",
        "no_codes": "the bid states no 项目编码 (the tender does)",
        "code_changed": "code {expected} → {actual}",
        "name_changed": "name changed: {changes}",
        "features_changed": "features changed: {changes}",
        "unit_changed": "unit {expected} → {actual}",
        "quantity_changed": "quantity {expected} → {actual}",
        "quantity_rechecked": "the bidder's re-measured quantity (复核工程量) is {actual}, the tender's {expected} (off by "
                              "{difference}, {share}); the bid prices the tender's quantity",
        "unrounded_price": "unit price {price} has more than two decimals (rounded to 分: {expected})",
        "arithmetic": "quantity × unit price = {expected}, amount written {actual} (off by {difference})",
        "rate_arithmetic": "rate {rate} × base {base} = {expected}, amount written {actual} (off by {difference})",
        "magnitude": "amount {actual} is quantity × unit price ({expected}) × 10^{power} (元/万元 slip?)",
        "total_magnitude": "{label} {actual} is its lines' sum {expected} × 10^{power} (元/万元 slip?)",
        "price_magnitude": "unit price {actual} is {source} {expected} × 10^{power} (元/万元 slip?)",
        "total_mismatch": "{label} written {actual}, its lines add up to {expected} (off by {difference})",
        "total_below_lines": "{label} {actual} is less than its lines' sum {expected} (off by {difference})",
        "zero_price": "unit price {actual}",
        "unpriced": "no unit price and no amount",
        "unpriced_sheet": "none of the {lines} lines of sheet 「{sheet}」 has a unit price or an amount (left unpriced, "
                          "or its price columns were not recognised)",
        "green_drift": "the tender's line is {tender_status}, the bid's {bid_status}: {what}",
        "price_high": "unit price {actual} is {over} above {source} {expected} (band ±{band})",
        "price_low": "unit price {actual} is {under} below {source} {expected} (band ±{band})",
        "over_control_price": "bid total {actual} exceeds the control price {expected} by {difference} ({over})",
        "shared": "the same {shared_kind} as {others}: {shared_detail}",
        "same_prices": "{share} of unit prices identical to {others} ({same}/{lines} lines)",
        "same_meta": "the same file facts as {others}: {meta}",
        "same_file": "the same file as {others} (same sha256)",
        "new_rules": "new {rules}", "lost": "lost green categories {lost}",
        "banned_in_extra": "; it has banned {rules}",
    },
}


def number(value: object) -> str:
    """A number for people: 1,234.56; small numbers keep up to four decimals; None is —."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.2f}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def quoted(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return "「" + (text if len(text) <= limit else text[: limit - 1] + "…") + "」"


def detail(deviation: Deviation, lang: str = "zh", others: str | None = None) -> str:
    """The deviation in one sentence (``others``: how to name the other bidders; default their file names)."""
    notes = NOTES[lang]
    facts = dict(deviation.facts)
    values = {"expected": _show(deviation.expected), "actual": _show(deviation.actual)}
    for key, value in facts.items():
        values[key] = number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if "band" in facts:
        values["band"] = percent(facts["band"])
    if "ratio" in facts:
        values["over"] = percent(facts["ratio"] - 1)
        values["under"] = percent(1 - facts["ratio"])
    if "share" in facts:
        values["share"] = percent(facts["share"])
    if "source" in facts:
        values["source"] = SOURCE_TEXT[lang].get(facts["source"], facts["source"])
    values["others"] = others if others is not None else "、".join(deviation.others)
    if deviation.note in ("name_changed", "features_changed"):
        sep = "；" if lang == "zh" else "; "
        pairs = changes(str(deviation.expected or ""), str(deviation.actual or ""))
        values["changes"] = sep.join(_change(was, now, lang) for was, now in pairs) or "—"
    if deviation.note == "green_drift":
        parts = []
        if facts.get("rules"):
            parts.append(notes["new_rules"].format(rules="、".join(facts["rules"])))
        if facts.get("lost"):
            parts.append(notes["lost"].format(lost="、".join(facts["lost"])))
        values["what"] = ("；" if lang == "zh" else "; ").join(parts)
        values["tender_status"] = STATUS_TEXT[lang].get(facts["tender_status"], facts["tender_status"])
        values["bid_status"] = STATUS_TEXT[lang].get(facts["bid_status"], facts["bid_status"])
    if deviation.note == "extra":
        rules = facts.get("banned") or ()
        values["banned_note"] = notes["banned_in_extra"].format(rules="、".join(rules)) if rules else ""
    if "meta" in facts:
        values["meta"] = ", ".join(facts["meta"])
    if deviation.note == "shared":
        shared_kind = facts["shared_kind"]
        values["shared_kind"] = KIND_TEXT[lang][shared_kind]
        inner = Deviation(shared_kind, deviation.severity, deviation.tender, deviation.bid, facts["shared_note"],
                          tuple((k, v) for k, v in deviation.facts if not k.startswith("shared_")),
                          deviation.expected, deviation.actual, deviation.rule, (), deviation.diff)
        values["shared_detail"] = detail(inner, lang)
    return notes[deviation.note].format_map(_Missing(values))


def profile_line(profile, lang: str) -> str:
    """The project profile the files were judged under, in one line."""
    if profile is None:
        return ""
    known = {True: "是", False: "否", None: "未说明"} if lang == "zh" else {True: "yes", False: "no", None: "unknown"}
    if lang == "zh":
        return (f"项目信息：{profile.city}{profile.district}，政府投资 {known[profile.government_invested]}，"
                f"城区规划范围内 {known[profile.urban_area]}，投标日期 {profile.bid_date.isoformat()}")
    return (f"profile: {profile.city}{' ' + profile.district if profile.district else ''}, government-invested "
            f"{known[profile.government_invested]}, urban planning area {known[profile.urban_area]}, bid date "
            f"{profile.bid_date.isoformat()}")


def paren(text: str, lang: str) -> str:
    return texts(lang)("paren", text=text)


def colon(lang: str) -> str:
    return texts(lang)("sep.colon")


def _change(was: str, now: str, lang: str) -> str:
    if was and now:
        return f"{quoted(was)} → {quoted(now)}"
    if now:
        return ("增加" if lang == "zh" else "added ") + quoted(now)
    return ("删除" if lang == "zh" else "removed ") + quoted(was)


def _show(value: object) -> str:
    if isinstance(value, str):
        return quoted(value) if value else "（空）"
    return number(value)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "—"
