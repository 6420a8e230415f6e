"""The words of the bid review reports, in Chinese (default) and English: labels, and one template per note, all
from the reports' message table (``templates/messages.toml``, ``compare.*``, read through ``checker.report.i18n``).

A deviation carries a note name and its facts; ``detail(deviation, lang)`` writes it out.  Numbers are written
with thousands separators and at most four decimals; shares as percentages.
"""
from __future__ import annotations

from ..report.i18n import texts
from .conformity import changes
from .model import Deviation

LANGS = ("zh", "en")


def _words(prefix: str) -> dict[str, dict[str, str]]:
    """The labels ``prefix.*`` of the message table, per language: {lang: {name: text}}."""
    return {lang: texts(lang).section(prefix) for lang in LANGS}


KIND_TEXT = _words("compare.kind")  # a deviation's kind
GROUP_TEXT = _words("compare.group")  # the check it belongs to
VERDICT_TEXT = _words("compare.verdict")
SEVERITY_TEXT = _words("compare.severity")
STATUS_TEXT = _words("status")  # a line's status in the per-file check, as the check's reports say it
SOURCE_TEXT = _words("compare.source")  # where a reference price or total comes from
LABELS = _words("compare.word")  # the reports' words
WARNINGS = _words("compare.warning")  # what could not be compared
NOTES = _words("compare.note")  # one template per deviation note, filled by ``detail``
COLUMNS = _words("compare.column")  # the workbook's deviation columns


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
        sep = texts(lang)("sep.clause")
        pairs = changes(str(deviation.expected or ""), str(deviation.actual or ""))
        values["changes"] = sep.join(_change(was, now, lang) for was, now in pairs) or "—"
    if deviation.note == "green_drift":
        parts = []
        if facts.get("rules"):
            parts.append(notes["new_rules"].format(rules="、".join(facts["rules"])))
        if facts.get("lost"):
            parts.append(notes["lost"].format(lost="、".join(facts["lost"])))
        values["what"] = texts(lang)("sep.clause").join(parts)
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
    t = texts(lang)
    known = {True: t("yes"), False: t("no"), None: t("unknown")}
    return t("compare.profile", city=profile.city,
             district=t("compare.district", district=profile.district) if profile.district else "",
             gov=known[profile.government_invested], urban=known[profile.urban_area],
             date=profile.bid_date.isoformat())


def paren(text: str, lang: str) -> str:
    return texts(lang)("paren", text=text)


def colon(lang: str) -> str:
    return texts(lang)("sep.colon")


def _change(was: str, now: str, lang: str) -> str:
    if was and now:
        return f"{quoted(was)} → {quoted(now)}"
    if now:
        return texts(lang)("compare.added", text=quoted(now))
    return texts(lang)("compare.removed", text=quoted(was))


def _show(value: object) -> str:
    if isinstance(value, str):
        return quoted(value) if value else "（空）"
    return number(value)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "—"
