"""The HTML report for auditors: one self-contained file (inline CSS, inline SVG chart, a small inline script),
Chinese text, printable on A4.  Rendered with Jinja2 from ``templates/report.html.j2`` (package
``checker.templates``) with autoescaping on: bill text is untrusted and is only ever inserted escaped.

The page's Content-Security-Policy allows no outside fetch at all and only the one inline script, by its hash,
so even markup that slipped through could neither load anything nor run.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import re
from collections import defaultdict

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..engine import RunReport
from ..model import CheckedItem, Finding
from ..gate.waivers import expired_message
from . import VERDICT_TEXT

STATUS_TEXT = {"banned": "禁用", "restricted": "限制", "promoted": "推广", "clean": "无发现"}
STATUS_ORDER = ("banned", "restricted", "promoted", "clean")
KIND_TEXT = {"banned": "禁用", "restricted": "限制使用", "promoted": "推广"}
FIELD_OF_LABEL = {"项目名称": "name", "项目特征": "features"}
_SPAN = re.compile(r"(项目名称|项目特征)\[(\d+):(\d+)\]「")
MAX_CHART_CATEGORIES = 12
JURISDICTION_TEXT = {"national": "国家", "shandong": "山东省", "city": "市级"}

_ENV: Environment | None = None


def environment() -> Environment:
    """The Jinja2 environment: templates from the ``checker.templates`` package, autoescape on."""
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("checker.templates", "."), autoescape=True,
                           trim_blocks=True, lstrip_blocks=True)
        _ENV.filters["money"] = money
        _ENV.filters["pct"] = pct
        _ENV.filters["note"] = note
    return _ENV


def money(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def spans(finding: Finding, field: str, text: str) -> list[tuple[int, int]]:
    """The character ranges of ``text`` (项目名称 or 项目特征 as printed) that the finding's evidence quotes."""
    if finding.spans:  # (field, start, end) in the printed text
        return [(start, end) for where, start, end in finding.spans if where == field and 0 <= start < end <= len(text)]
    found = []
    for match in _SPAN.finditer(finding.evidence):
        if FIELD_OF_LABEL[match.group(1)] != field:
            continue
        start, end = int(match.group(2)), int(match.group(3))
        quoted = finding.evidence[match.end():match.end() + (end - start)]
        if 0 <= start < end <= len(text) and text[start:end] == quoted:  # only where the text says so
            found.append((start, end))
    return found


def highlight(text: str, marks: list[tuple[int, int, str, str]]) -> Markup:
    """Escape ``text`` and wrap the marked ranges in <mark>: (start, end, css class, title)."""
    out, pos = [], 0
    for start, end, css, title in sorted(marks):
        if start < pos:  # overlapping: extend nothing, never split an escape
            start = pos
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="{}" title="{}">{}</mark>').format(css, title, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def marked(checked: CheckedItem, field: str, kinds=("banned", "restricted")) -> Markup:
    text = getattr(checked.item, field)
    marks = []
    for finding in checked.findings:
        if finding.kind in kinds:
            for start, end in spans(finding, field, text):
                marks.append((start, end, f"hl-{finding.kind}", f"{finding.rule} {finding.entry}"))
    return highlight(text, marks)


def note(finding: Finding) -> str:
    """The judge's note on a finding, in the report's language."""
    if finding.kind == "banned":
        basis = re.search(r"\((.*)\)$", finding.message) if "聊城" in finding.message else None
        return "禁用" + (f"；聊城：严禁使用国家、省明令淘汰的建材产品（{basis.group(1)}）" if basis else "")
    if finding.message.startswith("listed as banned"):
        return "目录列为禁用，但其适用范围（地域、时限）未核实：需人工复核"
    if finding.kind == "restricted":
        return "限制使用：须对照适用范围核实本项目的条件（需人工复核）"
    return finding.message


def where(checked: CheckedItem) -> str:
    p = checked.item.provenance
    if p.page is not None:
        return f"第{p.page}页"
    if p.first_row is None:
        return ""
    rows = f"{p.first_row}" if p.first_row == p.last_row else f"{p.first_row}–{p.last_row}"
    return f"{p.sheet} 第{rows}行" if p.sheet and p.sheet != "csv" else f"第{rows}行"


def _bars(rows: list[dict], key: str) -> list[dict]:
    """Bar widths (0–1) for one measure of a chart."""
    top = max((r[key] or 0) for r in rows) if rows else 0
    return [dict(r, width=(r[key] or 0) / top if top else 0) for r in rows]


def context(run: RunReport, now: _dt.datetime | None = None) -> dict:
    counts = run.counts()
    verdict = run.verdict()
    adoption = run.adoption()
    files = run.files
    file_index = {id(r): n for n, r in enumerate(files)}
    lines: list[tuple[int, CheckedItem]] = [(file_index[id(r)], c) for r in files for c in r.items]

    # amounts: 表-08 lines only (a material table's 合价 is inside the 综合单价 of the bill lines: no double count)
    def amount(c: CheckedItem) -> float:
        return (c.item.amount or 0.0) if c.item.table == "boq" else 0.0

    total_amount = sum(amount(c) for _, c in lines)
    by_status = {s: {"lines": 0, "amount": 0.0} for s in STATUS_ORDER}
    by_category: dict[str, dict] = defaultdict(lambda: {"lines": 0, "amount": 0.0})
    green_lines, green_amount = 0, 0.0
    for _, c in lines:
        by_status[c.status]["lines"] += 1
        by_status[c.status]["amount"] += amount(c)
        for category in c.green_categories:
            by_category[category]["lines"] += 1
            by_category[category]["amount"] += amount(c)
        if c.green_categories:
            green_lines += 1
            green_amount += amount(c)
    status_rows = [{"key": s, "label": STATUS_TEXT[s], **by_status[s]} for s in STATUS_ORDER]
    category_rows = sorted(({"key": "green", "label": k, **v} for k, v in by_category.items()),
                           key=lambda r: (-r["amount"], -r["lines"], r["label"]))
    chart_categories = category_rows[:MAX_CHART_CATEGORIES]
    if len(category_rows) > MAX_CHART_CATEGORIES:
        rest = category_rows[MAX_CHART_CATEGORIES:]
        chart_categories.append({"key": "green", "label": f"其他 {len(rest)} 类",
                                 "lines": sum(r["lines"] for r in rest), "amount": sum(r["amount"] for r in rest)})
    n_lines = len(lines)
    coverage = [dict(r, lines_pct=r["lines"] / n_lines if n_lines else None,
                     amount_pct=r["amount"] / total_amount if total_amount else None) for r in category_rows]

    flagged = []
    for n, c in lines:
        if c.status not in ("banned", "restricted"):
            continue
        flagged.append({
            "file": files[n].read.path, "where": where(c), "item": c.item, "status": c.status,
            "status_text": STATUS_TEXT[c.status], "waived": c.waived,
            "name": marked(c, "name"), "features": marked(c, "features"),
            "findings": [f for f in c.findings if f.kind in ("banned", "restricted")],
            "categories": c.green_categories,
        })
    flagged.sort(key=lambda f: (f["status"] != "banned", f["waived"]))
    live = [{f.kind for f in c.findings if not f.waived} for _, c in lines]
    fail_lines = sum("banned" in kinds for kinds in live)
    review_lines = sum("restricted" in kinds and "banned" not in kinds for kinds in live)

    items = []
    for number, (n, c) in enumerate(lines, 1):
        flags = [c.status]
        if any(f.needs_manual_check for f in c.findings):
            flags.append("manual")
        if c.waived:
            flags.append("waived")
        if c.status in ("banned", "restricted"):
            flags.append("flagged")
        items.append({"n": number, "file": n, "where": where(c), "item": c.item, "status": c.status,
                      "status_text": STATUS_TEXT[c.status], "flags": " ".join(flags), "waived": c.waived,
                      "name": marked(c, "name"), "features": marked(c, "features"),
                      "categories": c.green_categories, "rules": [f.rule for f in c.findings]})

    catalogs = [{"id": c.id, "title": c.title, "edition": c.edition, "source": c.source,
                 "jurisdiction": JURISDICTION_TEXT.get(c.jurisdiction, c.jurisdiction), "entries": len(c.entries)} for c in run.catalogs.catalogs]
    projects = list(dict.fromkeys(r.read.project for r in files if r.read.project))
    script = environment().get_template("report.js").render()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return {
        "run": run, "counts": counts, "verdict": verdict, "verdict_text": VERDICT_TEXT[verdict],
        "projects": projects, "files": files, "catalogs": catalogs, "gaps": run.catalogs.gaps,
        "profile": run.profile, "generated": (now or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "total_amount": total_amount, "green_lines": green_lines, "green_amount": green_amount,
        "green_lines_pct": green_lines / n_lines if n_lines else None,
        "green_amount_pct": green_amount / total_amount if total_amount else None,
        "status_lines": _bars(status_rows, "lines"), "status_amounts": _bars(status_rows, "amount"),
        "category_lines": _bars(chart_categories, "lines"), "category_amounts": _bars(chart_categories, "amount"),
        "coverage": coverage, "flagged": flagged, "items": items,
        "categories": sorted(by_category), "kind_text": KIND_TEXT, "status_text": STATUS_TEXT,
        "script": Markup(script), "script_hash": f"sha256-{digest}",
        "expired_waivers": run.expired_waivers,
        "warnings": [w for w in run.warnings if w not in {expired_message(x) for x in run.expired_waivers}],
        "waived_count": counts["waived_findings"], "fail_lines": fail_lines, "review_lines": review_lines,
        "adoption": adoption, "registry": run.registry, "undecided": run.undecided(adoption),
        "yes_no": lambda value: {True: "是", False: "否"}.get(value, "未说明"),
    }


def render(run: RunReport, now: _dt.datetime | None = None) -> str:
    return environment().get_template("report.html.j2").render(**context(run, now))
