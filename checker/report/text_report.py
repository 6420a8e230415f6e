"""The text report, for officers at a terminal: per file its counts and verdict, then every flagged line grouped
by sheet (banned first) with its evidence and source; then the run's totals, profile, undecided rules, catalogs
and gaps, the verdict with its limits, and a one-line summary.  Chinese by default (``--lang en``).

Written file by file as the run goes; ``--max-lines N`` shows at most N flagged lines per file.
"""
from __future__ import annotations

import click

from ..engine import FileReport, FileSummary, RunReport
from ..textsafe import printable
from .common import (evidence_text, gap_lines, line_sort_key, reading_line, short_edition, shown_findings, summary_line,
                     undecided_reason, verdict_text, where)
from .i18n import texts
from .stream import ReportOptions, Sink, Writer as BaseWriter, line_count, flagged_lines, render_run

_COLOUR = {"banned": "red", "restricted": "yellow", "uncertified": "magenta"}


def _has_certification(report: FileReport) -> bool:
    """Some line carries certification evidence (a digested file says so itself)."""
    if report.digest is not None:
        return report.digest.certification
    return any(c.certification for c in report.items)


class Writer(BaseWriter):
    needs_lines = False  # only the flagged lines
    digest_parts = frozenset({"flagged"})

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        super().__init__(sink, options)
        self.t = texts(self.options.lang)
        self.zh = self.options.lang == "zh"

    def begin(self, run: RunReport) -> None:
        self.run = run

    def _style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.options.color else text

    def _line(self, text: str = "") -> None:
        self.sink.write(text + "\n")

    def add(self, report: FileReport, summary: FileSummary) -> None:
        t, read = self.t, report.read
        if not read.ok:
            self._line(self._style(t("file.not_checked", path=printable(read.path), reason=printable(t.msg(read.error or ""))),
                                   fg="red", bold=True))
            self._line()
            return
        counts = summary.counts
        tables = sum(tb.kind in ("boq", "material") for tb in read.tables)  # fee / summary tables give no lines
        head = t("file.head", path=printable(read.path), format=read.format, tables=tables, items=line_count(report),
                 seconds=f"{report.seconds:.2f}")
        tail = t("file.counts", banned=counts["banned"], restricted=counts["restricted"],
                 promoted=counts["promoted"], manual=counts["needs_manual_check"])
        if counts["uncertified"] or _has_certification(report):
            tail += t("file.uncertified", n=counts["uncertified"])
        self._line(self._style(f"{head}  {tail}", bold=True))
        self._line("  " + t("verdict.line", text=verdict_text(summary.verdict, dict(counts, files_error=0),
                                                             self.run.catalogs, t)))
        if read.sheets:
            self._line("  " + reading_line(read, t))
        for warning in read.warnings:
            self._line(self._style("  " + t("file.warning", text=t.msg(warning)), fg="yellow"))
        self._flagged(flagged_lines(report, summary))
        self._line()

    def _flagged(self, found) -> None:
        """The flagged lines (``found``: (line, status) pairs), grouped by sheet."""
        t = self.t
        lines = []
        for checked, status in found:
            shown = shown_findings(checked)
            if shown:
                label = status if status in ("banned", "restricted") else "uncertified"
                lines.append((line_sort_key(checked, label), label, checked, shown))
        # grouped by sheet (in the order the sheets come), banned first within each
        order = {}
        for _, _, checked, _ in lines:
            order.setdefault(checked.item.provenance.sheet or "", len(order))
        lines.sort(key=lambda line: (order[line[2].item.provenance.sheet or ""], line[0]))
        limit = self.options.max_lines
        sheet = None
        for _, label, checked, shown in lines[:limit]:
            item = checked.item
            name = item.provenance.sheet or ""
            if name != sheet and name and name != "csv":
                self._line("  " + t("sheet", name=name))
            sheet = name
            badge = self._style(f"{t('status.' + label):4}" if self.zh else f"{t('status.' + label):10}",
                                fg=_COLOUR[label], bold=True)
            self._line(f"    {badge} {where(checked, t):8} {item.code or item.seq} {item.name}")
            for entry in shown:
                finding = entry.finding
                marks = ""
                if finding.needs_manual_check and finding.decisive:
                    marks += f"  [{t('manual')}]"
                if finding.baseline == "known":
                    marks += f"  [{t('in_baseline')}]"
                also = ("  " + t("also", rules=t("sep.list").join(entry.also))
                        if entry.also else "")
                self._line(f"         {finding.rule} {finding.entry} — {evidence_text(finding, t)}{marks}{also}")
                self._line("           " + t("source", text=finding.source))
                if finding.waiver:
                    waiver = finding.waiver
                    self._line(self._style("           " + t("waived", reason=waiver.reason, approver=waiver.approver,
                                                             expires=waiver.expires.isoformat()), fg="blue"))
        if limit is not None and len(lines) > limit:
            self._line("  " + t("file.more", n=len(lines) - limit))

    def end(self, run: RunReport) -> list[str]:
        t = self.t
        counts = run.counts()
        self._line(t("run.totals", files=counts["files"], not_checked=counts["files_error"], items=counts["items"],
                     banned=counts["banned"], restricted=counts["restricted"], promoted=counts["promoted"],
                     manual=counts["needs_manual_check"]))
        if counts["waived_findings"] or run.baseline:
            baseline = t("run.baseline", path=run.baseline) if run.baseline else ""
            self._line(t("run.gate", waived=counts["waived_findings"], baseline=baseline, fail_on=run.fail_on,
                         failing=counts["failing_findings"]))
        for warning in run.warnings:
            self._line(self._style(t("run.warning", text=t.msg(warning)), fg="yellow"))
        for line in self._profile_and_evidence(run):
            self._line(line)
        editions = [t("catalog.edition", id=c.id, edition=short_edition(c.edition)) for c in run.catalogs.catalogs]
        self._line(t("catalogs", list=t("sep.clause").join(editions)))
        if t("quoted.note"):
            self._line(t("quoted.note"))
        for line in gap_lines(run.catalogs, t):
            self._line(line)
        verdict = run.verdict()
        colour = {"fail": "red", "review": "yellow", "pass": "green"}[verdict]
        self._line(self._style(t("verdict.line", text=verdict_text(verdict, counts, run.catalogs, t)), fg=colour,
                               bold=True))
        self._line(summary_line(counts, t))
        return super().end(run)

    def _profile_and_evidence(self, run: RunReport) -> list[str]:
        """The profile used, certification adoption, and every rule the run could not decide."""
        t, p = self.t, run.profile

        def known(value) -> str:
            return {True: t("yes"), False: t("no"), None: t("unknown"), "": t("unknown")}.get(value, str(value))

        height = t("metres", n=f"{p.height_m:g}") if p.height_m is not None else t("unknown")
        lines = [t("profile", city=p.city, district=(" " + p.district) if p.district else "",
                   gov=known(p.government_invested), urban=known(p.urban_area), type=known(p.project_type),
                   height=height, date=p.bid_date.isoformat())]
        adoption = run.adoption()
        if run.registry is None:
            lines.append(t("cert.none", n=adoption.lines))
        else:
            lines.append(t("cert.summary", certified=adoption.certified_lines, lines=adoption.lines,
                           line_share=f"{adoption.line_share:.0%}", certified_amount=f"{adoption.certified_amount:,.2f}",
                           amount=f"{adoption.amount:,.2f}", amount_share=f"{adoption.amount_share:.0%}",
                           certified_kinds=adoption.certified_kinds, kinds=adoption.kinds,
                           rule=t("rule2025." + adoption.rule_2025)))
            for category in adoption.categories:
                lines.append(t("cert.category", category=category.category, certified=category.certified_lines,
                               lines=category.lines, certified_amount=f"{category.certified_amount:,.2f}",
                               amount=f"{category.amount:,.2f}"))
        undecided = run.undecided(adoption)
        if undecided:
            lines.append(t("undecided.head", n=len(undecided)))
            for row in undecided:
                count = t("undecided.lines", n=row["lines"]) if row["lines"] else ""
                lines.append(t("undecided.row", rule=row["rule"], entry=row["entry"], lines=count,
                               reason=undecided_reason(row, t)))
        return lines


def render(run: RunReport, color: bool = False, lang: str = "zh", max_lines: int | None = None) -> str:
    return render_run(Writer, run, color=color, lang=lang, max_lines=max_lines)
