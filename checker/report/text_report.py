"""The text report: per file, items read and counts, then the worst lines with their evidence."""
from __future__ import annotations

import click

from ..engine import FileReport, RunReport
from ..model import CheckedItem
from ..read.accounting import reading_summary

MAX_LINES_PER_FILE = 25
_STYLE = {"banned": ("ERROR", "red"), "restricted": ("WARN ", "yellow"), "promoted": ("info ", "cyan")}


def _where(checked: CheckedItem) -> str:
    p = checked.item.provenance
    if p.page is not None:
        return f"p.{p.page}"
    rows = f"{p.first_row}" if p.first_row == p.last_row else f"{p.first_row}-{p.last_row}"
    sheet = (p.sheet or "")[:18]
    return f"{sheet}!{rows}" if sheet and sheet != "csv" else f"row {rows}"


def _file_block(report: FileReport, color: bool) -> list[str]:
    read = report.read
    style = (lambda text, **kw: click.style(text, **kw)) if color else (lambda text, **kw: text)
    if not read.ok:
        return [style(f"{read.path}: NOT CHECKED — {read.error}", fg="red", bold=True)]
    statuses = [c.status for c in report.items]
    tables = sum(t.kind != "analysis" for t in read.tables)
    head = (f"{read.path}  ({read.format}, {tables} table{'s' * (tables != 1)}, {len(report.items)} items, "
            f"{report.seconds:.2f}s)  banned {statuses.count('banned')} · restricted {statuses.count('restricted')}"
            f" · promoted {statuses.count('promoted')}"
            + (f" · uncertified {sum(any(f.kind == 'uncertified' for f in c.findings) for c in report.items)}"
               if any(c.certification for c in report.items) else ""))
    lines = [style(head, bold=True)] + ([f"  {reading_summary(read)}"] if read.sheets else [])
    for warning in read.warnings:
        lines.append(style(f"  warning: {warning}", fg="yellow"))
    worst = [c for c in report.items if c.status in ("banned", "restricted")
             or any(f.kind == "uncertified" for f in c.findings)]
    worst.sort(key=lambda c: ("banned", "restricted").index(c.status) if c.status in ("banned", "restricted") else 2)
    for checked in worst[:MAX_LINES_PER_FILE]:
        label, colour = _STYLE[checked.status] if checked.status in ("banned", "restricted") else ("NOCERT", "magenta")
        item = checked.item
        lines.append(f"  {style(label, fg=colour, bold=True)} {_where(checked):22} {item.code or item.seq:12} "
                     f"{item.name[:24]}")
        for finding in checked.findings:
            if finding.kind not in ("banned", "restricted", "uncertified"):
                continue
            manual = "  [needs manual check]" if finding.needs_manual_check else ""
            manual += "  [in baseline]" if finding.baseline == "known" else ""
            lines.append(f"        {finding.rule} {finding.entry} — {finding.evidence}{manual}")
            lines.append(f"          source: {finding.source}")
            if finding.waiver:
                waiver = finding.waiver
                lines.append(style(f"          waived: {waiver.reason} (approved by {waiver.approver}, "
                                   f"until {waiver.expires.isoformat()})", fg="blue"))
    if len(worst) > MAX_LINES_PER_FILE:
        lines.append(f"  … {len(worst) - MAX_LINES_PER_FILE} more flagged lines (use --format json for all)")
    return lines


def _known(value) -> str:
    return {True: "yes", False: "no", None: "unknown"}.get(value, str(value)) if value not in ("",) else "unknown"


def _profile_and_evidence(run: RunReport) -> list[str]:
    """The profile used, certification adoption, and every rule the run could not decide."""
    p = run.profile
    lines = [f"profile: {p.city}{' ' + p.district if p.district else ''}, government-invested {_known(p.government_invested)}, "
             f"urban planning area {_known(p.urban_area)}, project type {_known(p.project_type)}, "
             f"height {_known(p.height_m)}{' m' if p.height_m is not None else ''}, bid date {p.bid_date.isoformat()}"]
    adoption = run.adoption()
    if run.registry is None:
        lines.append(f"certification: not checked (no --registry); {adoption.lines} line(s) in green categories")
    else:
        lines.append(f"certification: {adoption.certified_lines}/{adoption.lines} green lines certified "
                     f"({adoption.line_share:.0%}), {adoption.certified_amount:,.2f}/{adoption.amount:,.2f} by amount "
                     f"({adoption.amount_share:.0%}); kinds {adoption.certified_kinds}/{adoption.kinds}; "
                     f"2025 rule (可选类 ≥ 40% of kinds): {adoption.rule_2025}")
        for category in adoption.categories:
            lines.append(f"  {category.category:12} lines {category.certified_lines}/{category.lines}  "
                         f"amount {category.certified_amount:,.2f}/{category.amount:,.2f}")
    undecided = run.undecided(adoption)
    if undecided:
        lines.append(f"could not decide ({len(undecided)} rule(s)):")
        for row in undecided[:12]:
            where = f", {row['lines']} line(s)" if row["lines"] else ""
            lines.append(f"  {row['rule']} {row['entry']}{where}: {row['reason']}")
        if len(undecided) > 12:
            lines.append(f"  … {len(undecided) - 12} more in the JSON report (undecided_rules)")
    return lines


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(run: RunReport, color: bool = False) -> str:
    lines: list[str] = []
    for report in run.files:
        lines.extend(_file_block(report, color))
        lines.append("")
    counts = run.counts()
    lines.append(f"{counts['files']} file(s), {counts['files_error']} not checked, {counts['items']} items: "
                 f"banned {counts['banned']}, restricted {counts['restricted']}, promoted {counts['promoted']}, "
                 f"needs manual check {counts['needs_manual_check']}")
    if counts["waived_findings"] or run.baseline:
        gate = f"waived findings {counts['waived_findings']}"
        if run.baseline:
            gate += f", baseline {run.baseline}"
        lines.append(f"{gate}; findings failing --fail-on {run.fail_on}: {counts['failing_findings']}")
    for warning in run.warnings:
        lines.append(f"warning: {warning}")
    lines.extend(_profile_and_evidence(run))
    lines.append("catalogs: " + "; ".join(f"{c.id} ({_short(c.edition)})" for c in run.catalogs.catalogs))
    gaps = run.catalogs.gaps
    if gaps:
        lines.append(f"gap: {gaps[0]}")
    if len(gaps) > 1:
        lines.append(f"gap: … and {len(gaps) - 1} more known gaps in the catalogs (listed in the JSON report "
                     "and by `gbm-check catalog list`)")
    return "\n".join(lines) + "\n"
