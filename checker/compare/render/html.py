"""The bid review as one self-contained HTML page (Jinja2 template ``templates/compare.html.j2``, autoescape on,
the same Content-Security-Policy as the check report: no outside fetch, and no script at all here).

At the top a bidders × checks matrix whose cells link to the deviations; then, per bidder and check, one row per
deviation, with the tender's and the bid's texts side by side where the bid rewrote them (deleted text struck
through on the tender's side, added text marked on the bid's).
"""
from __future__ import annotations

import datetime as _dt

from markupsafe import Markup, escape

from ... import __version__
from ...report.html_report import environment
from ...report.i18n import texts
from ...report.common import short_edition
from ..messages import (GROUP_TEXT, KIND_TEXT, LABELS, SEVERITY_TEXT, SOURCE_TEXT, VERDICT_TEXT, WARNINGS, detail,
                        number, percent, profile_line)
from ..model import GROUPS, Comparison, Deviation, LineRef
from .text import where


def side(deviation: Deviation, keep: str) -> Markup:
    """One side of a text diff: equal text plus this side's changes (``delete`` or ``insert``), marked."""
    tag = "del" if keep == "delete" else "ins"
    parts = []
    for op, text in deviation.diff:
        if op == "equal":
            parts.append(escape(text))
        elif op == keep:
            parts.append(Markup(f"<{tag}>{{}}</{tag}>").format(text))
    return Markup("").join(parts)


def _ref_text(ref: LineRef | None, lang: str) -> str:
    if ref is None:
        return ""
    return " ".join(f"{ref.code or ref.seq} {ref.name}".split())


def _rows(deviations: list[Deviation], lang: str) -> list[dict]:
    rows = []
    for d in deviations:
        rows.append({
            "kind": KIND_TEXT[lang][d.kind], "severity": d.severity, "severity_text": SEVERITY_TEXT[lang][d.severity],
            "tender_where": where(d.tender), "bid_where": where(d.bid),
            "line": _ref_text(d.bid or d.tender, lang), "detail": detail(d, lang), "rule": d.rule,
            "diff": bool(d.diff), "before": side(d, "delete"), "after": side(d, "insert"),
        })
    return rows


def context(comparison: Comparison, lang: str = "zh", now: _dt.datetime | None = None) -> dict:
    words = LABELS[lang]
    bidders = []
    for n, bidder in enumerate(comparison.bidders, 1):
        groups = []
        for group in GROUPS:
            found = [d for d in bidder.deviations if d.group == group]
            groups.append({"key": group, "label": GROUP_TEXT[lang][group], "count": len(found),
                           "errors": sum(d.severity == "error" for d in found), "rows": _rows(found, lang)})
        bidders.append({"n": n, "bidder": bidder, "file": bidder.file, "verdict": bidder.verdict,
                        "verdict_text": VERDICT_TEXT[lang][bidder.verdict], "groups": groups,
                        "total": number(bidder.total),
                        "total_source": SOURCE_TEXT[lang].get(bidder.total_source, ""),
                        "error": texts(lang).msg(bidder.report.read.error or "")})
    control = comparison.control
    tender_read = comparison.tender.report.read
    statuses = [c.status for c in comparison.tender.report.items]
    return {
        "lang": lang, "w": words, "t": texts(lang), "verdict": comparison.verdict,
        "verdict_text": VERDICT_TEXT[lang][comparison.verdict], "project": tender_read.project,
        "generated": (now or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M"), "version": __version__,
        "tender": comparison.tender, "tender_read": tender_read,
        "tender_findings": words["findings"].format(banned=statuses.count("banned"),
                                                    restricted=statuses.count("restricted")),
        "control": control, "control_total": number(control.total) if control else "",
        "control_source": SOURCE_TEXT[lang].get(control.total_source, "") if control else "",
        "band": percent(comparison.settings.band), "bidders": bidders,
        "groups": [(g, GROUP_TEXT[lang][g]) for g in GROUPS],
        "similar": any(b.count("similarity") for b in comparison.bidders),
        "catalogs": comparison.catalogs.catalogs if comparison.catalogs else [],
        "catalog_editions": [texts(lang)("catalog.edition", id=c.id, edition=short_edition(c.edition))
                             for c in (comparison.catalogs.catalogs if comparison.catalogs else [])],
        "gaps": [texts(lang).msg(gap) for gap in (comparison.catalogs.gaps if comparison.catalogs else [])],
        "warnings": [WARNINGS[lang][w] for w in comparison.warnings], "profile": profile_line(comparison.profile, lang),
    }


def render(comparison: Comparison, lang: str = "zh", now: _dt.datetime | None = None) -> str:
    return environment().get_template("compare.html.j2").render(**context(comparison, lang, now))
