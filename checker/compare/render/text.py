"""The bid review as text: the tender and control price, then per bidder its total, verdict and deviations."""
from __future__ import annotations

import unicodedata
from typing import Optional

import click

from ...report.common import gap_lines
from ...report.i18n import texts
from ..messages import (GROUP_TEXT, KIND_TEXT, LABELS, SOURCE_TEXT, VERDICT_TEXT, WARNINGS, colon, detail, number,
                        paren, percent, profile_line)
from ..model import GROUPS, Comparison, Deviation, LineRef, PricedFile

MAX_LINES_PER_BIDDER = 40
_COLOUR = {"error": "red", "warning": "yellow"}
_VERDICT_COLOUR = {"fail": "red", "review": "yellow", "pass": "green"}


def pad(text: str, width: int) -> str:
    """Pad to a display width (CJK characters take two columns)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def where(ref: Optional[LineRef]) -> str:
    if ref is None:
        return ""
    if ref.page is not None:
        return f"p.{ref.page}"
    if not ref.rows:
        return (ref.sheet or "")[:16]
    first, last = ref.rows
    rows = f"{first}" if first == last else f"{first}-{last}"
    sheet = (ref.sheet or "")[:16]
    return f"{sheet}!{rows}" if sheet and sheet != "csv" else f"row {rows}"


def place(deviation: Deviation, lang: str) -> str:
    """Where to look: the bid's line, else the tender's (marked as such)."""
    if deviation.bid is not None:
        return where(deviation.bid)
    if deviation.tender is not None:
        return texts(lang)("compare.tender_at", where=where(deviation.tender))
    return ""


def label_of(deviation: Deviation) -> str:
    ref = deviation.bid or deviation.tender
    if ref is None:
        return ""
    text = " ".join(f"{ref.code or ref.seq} {ref.name}".split())
    return text if len(text) <= 26 else text[:25] + "…"


def _file_line(priced: PricedFile, role: str, lang: str) -> str:
    words = LABELS[lang]
    read = priced.report.read
    if not read.ok:
        return f"{role}  {read.path}  {words['not_read']}{colon(lang)}{texts(lang).msg(read.error or '')}"
    statuses = [c.status for c in priced.report.items]
    findings = words["findings"].format(banned=statuses.count("banned"), restricted=statuses.count("restricted"))
    sep = texts(lang)("sep.comma")
    return (f"{role}  {read.path}" + paren(f"{read.format}{sep}{priced.lines} {words['lines']}{sep}"
                                          f"{words['tender_findings']}{colon(lang)}{findings}", lang))


def render(comparison: Comparison, lang: str = "zh", color: bool = False) -> str:
    words, t = LABELS[lang], texts(lang)
    style = (lambda text, **kw: click.style(text, **kw)) if color else (lambda text, **kw: text)
    out = [style(words["title"], bold=True), _file_line(comparison.tender, words["tender"], lang)]
    flagged = sum(c.status in ("banned", "restricted") for c in comparison.tender.report.items)
    if flagged:
        out.append("  " + style(words["tender_flagged"].format(n=flagged), fg="yellow"))
    control = comparison.control
    if control is None:
        out.append(words["no_control"])
    elif not control.report.read.ok:
        out.append(f"{words['control']}  {control.file}  {words['not_read']}{colon(lang)}"
                   f"{t.msg(control.report.read.error or '')}")
    else:
        out.append(f"{words['control']}  {control.file}  {number(control.total)}"
                   + paren(SOURCE_TEXT[lang][control.total_source], lang))
    out.append(f"{words['band']} ±{percent(comparison.settings.band)}")
    if not comparison.tender.report.read.ok:
        out.append(style(words["tender_unreadable"], fg="red", bold=True))
    for n, bidder in enumerate(comparison.bidders, 1):
        out.append("")
        head = f"{words['bidder']}{n}  {bidder.file}"
        if not bidder.ok:
            out.append(style(f"{head}  {words['not_read']}{colon(lang)}{t.msg(bidder.report.read.error or '')}",
                             fg="red", bold=True))
            continue
        verdict = VERDICT_TEXT[lang][bidder.verdict]
        total = (number(bidder.total) + paren(SOURCE_TEXT[lang][bidder.total_source], lang)
                 if bidder.total is not None else "—")
        sep = texts(lang)("sep.comma")
        out.append(style(f"{head}  {words['total']} {total}  {words['lines']} {bidder.lines}{sep}{words['paired']} "
                         f"{bidder.paired}  {words['verdict']}{colon(lang)}", bold=True)
                   + style(verdict, fg=_VERDICT_COLOUR[bidder.verdict], bold=True))
        statuses = [c.status for c in bidder.report.items]
        own = words["findings"].format(banned=statuses.count("banned"), restricted=statuses.count("restricted"))
        out.append("  " + " · ".join(f"{GROUP_TEXT[lang][g]} {bidder.count(g)}" for g in GROUPS) + "  "
                   + paren(f"{words['tender_findings']}{colon(lang)}{own}", lang))
        if not bidder.deviations:
            out.append(f"  {words['none']}")
        for deviation in bidder.deviations[:MAX_LINES_PER_BIDDER]:
            kind = KIND_TEXT[lang][deviation.kind]
            mark = style(pad(texts(lang)(f"compare.mark.{deviation.severity}"), 5), fg=_COLOUR[deviation.severity],
                         bold=True)
            rule = f"  [{deviation.rule}]" if deviation.rule else ""
            out.append(f"  {mark} {pad(kind, 14)} {pad(place(deviation, lang), 18)} {pad(label_of(deviation), 28)} "
                       f"{detail(deviation, lang)}{rule}")
        if len(bidder.deviations) > MAX_LINES_PER_BIDDER:
            out.append("  " + words["more"].format(n=len(bidder.deviations) - MAX_LINES_PER_BIDDER))
    verdicts = [b.verdict for b in comparison.bidders]
    out.append("")
    out.append(words["summary"].format(bidders=len(verdicts), fail=verdicts.count("fail"),
                                       review=verdicts.count("review"), **{"pass": verdicts.count("pass")}))
    if any(b.count("similarity") for b in comparison.bidders):
        out.append(words["indicator"])
    for warning in comparison.warnings:
        out.append(style(t("run.warning", text=WARNINGS[lang][warning]), fg="yellow"))
    if comparison.profile is not None:
        out.append(profile_line(comparison.profile, lang))
    if comparison.catalogs is not None:
        out.extend(gap_lines(comparison.catalogs, t))
    return "\n".join(out) + "\n"
