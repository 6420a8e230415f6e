"""The bid review as JSON: a contract (schema ``gbm-check/compare@1``; field names kept, fields added freely)."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from typing import Optional

from ... import __version__
from ...engine import FileReport
from ...report.common import gaps, reason_line
from ...report.i18n import texts
from ..messages import VERDICT_TEXT, WARNINGS, detail
from ..model import GROUPS, KINDS, Bidder, Comparison, Deviation, LineRef, PricedFile

SCHEMA = "gbm-check/compare@1"


def ref_dict(ref: Optional[LineRef]) -> Optional[dict]:
    if ref is None:
        return None
    return {"code": ref.code, "name": ref.name, "sheet": ref.sheet, "rows": list(ref.rows) if ref.rows else None,
            "page": ref.page, "seq": ref.seq, "section": ref.section, "features": ref.features, "unit": ref.unit,
            "quantity": ref.quantity, "unit_price": ref.unit_price, "amount": ref.amount,
            "rechecked_quantity": ref.rechecked_quantity}


def deviation_dict(deviation: Deviation, lang: str) -> dict:
    return {"kind": deviation.kind, "group": deviation.group, "severity": deviation.severity,
            "tender": ref_dict(deviation.tender), "bid": ref_dict(deviation.bid),
            "detail": detail(deviation, lang), "expected": deviation.expected, "actual": deviation.actual,
            "rule": deviation.rule, "others": list(deviation.others), "note": deviation.note,
            "facts": {k: list(v) if isinstance(v, tuple) else v for k, v in deviation.facts},
            "diff": [list(segment) for segment in deviation.diff]}


def _file(report: FileReport, lang: str) -> dict:
    read = report.read
    statuses = [c.status for c in report.items]
    return {"file": read.path, "sha256": read.sha256, "format": read.format, "status": "ok" if read.ok else "error",
            "error": read.error, "error_text": reason_line(read.error, texts(lang)), "project": read.project,
            "items": len(report.items),
            "findings": {"banned": statuses.count("banned"), "restricted": statuses.count("restricted")},
            "meta": dict(read.meta), "seconds": round(report.seconds, 3)}


def _priced(priced: PricedFile, lang: str) -> dict:
    return {**_file(priced.report, lang), "lines": priced.lines, "total": _money(priced.total),
            "total_source": priced.total_source}


def bidder_dict(n: int, bidder: Bidder, lang: str) -> dict:
    return {**_file(bidder.report, lang), "n": n, "lines": bidder.lines, "paired": bidder.paired,
            "total": _money(bidder.total), "total_source": bidder.total_source, "verdict": bidder.verdict,
            "verdict_text": VERDICT_TEXT[lang][bidder.verdict],
            "counts": {group: bidder.count(group) for group in GROUPS},
            "kinds": {kind: n for kind in KINDS if (n := sum(d.kind == kind for d in bidder.deviations))},
            "deviations": [deviation_dict(d, lang) for d in bidder.deviations]}


def report_dict(comparison: Comparison, lang: str = "zh") -> dict:
    verdicts = [b.verdict for b in comparison.bidders]
    profile = comparison.profile
    return {
        "schema": SCHEMA,
        "tool": {"name": "gbm-check", "version": __version__},
        "lang": lang,
        "profile": None if profile is None else {k: v.isoformat() if isinstance(v, _dt.date) else v
                                                 for k, v in dataclasses.asdict(profile).items()},
        "catalogs": [] if comparison.catalogs is None else [
            {"id": c.id, "title": c.title, "edition": c.edition, "source": c.source}
            for c in comparison.catalogs.catalogs],
        "catalog_gaps": [] if comparison.catalogs is None else list(comparison.catalogs.gaps),
        "catalog_gaps_text": [] if comparison.catalogs is None else gaps(comparison.catalogs, texts(lang)),
        "settings": dataclasses.asdict(comparison.settings),
        "tender": _priced(comparison.tender, lang),
        "control_price": comparison.control.file if comparison.control else None,
        "control": _priced(comparison.control, lang) if comparison.control else None,
        "bidders": [bidder_dict(n, b, lang) for n, b in enumerate(comparison.bidders, 1)],
        "summary": {"bidders": len(verdicts), **{v: verdicts.count(v) for v in ("fail", "review", "pass")},
                    "deviations": {kind: sum(d.kind == kind for b in comparison.bidders for d in b.deviations)
                                   for kind in KINDS}},
        "verdict": {"result": comparison.verdict, "text": VERDICT_TEXT[lang][comparison.verdict]},
        "warnings": [{"code": w, "text": WARNINGS[lang][w]} for w in comparison.warnings],
    }


def _money(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 2)


def render(comparison: Comparison, lang: str = "zh") -> str:
    return json.dumps(report_dict(comparison, lang), ensure_ascii=False, indent=1) + "\n"
