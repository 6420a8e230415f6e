"""The pipeline core: read → match → judge, one file at a time, with no user interface in it."""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .match.catalog import CatalogSet
from .judge.rules import ALTERNATIVE_NOTE, Judge, Profile
from .collector import paused
from .limits import FileTimeLimit, Limits, Work, time_limit
from .judge.adoption import Adoption, from_counts, line_amounts
from .judge.certificates import Registry
from .match.matcher import Matcher
from .judge.certification import Certification
from .model import CheckedItem, FileRead, Finding, LineItem, Waiver
from .read import read_path
from .run.quiet import as_warnings, library_output

BILL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".pdf", ".txt", ".tsv", ".xml", ".zip",
                 ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # images: photographed or scanned bills, read by OCR
FAIL_KINDS = {"banned": ("banned",), "restricted": ("banned", "restricted", "uncertified"), "never": ()}


@dataclass(frozen=True)
class FileReport:
    """One input file: what was read and what was found."""

    read: FileRead
    items: tuple[CheckedItem, ...]
    seconds: float
    digest: object = None  # a ``report.digest.Digest`` made by the worker (then ``items`` is empty)


@dataclass(frozen=True)
class FileSummary:
    """What a run keeps of one file once its reports are written: its facts and counts, not its items."""

    read: FileRead  # the file as read, without its items (as kept by the run: without tables, sheets, skipped
    # rows and totals either)
    seconds: float
    counts: dict  # lines per status and per mark (see ``RunReport.counts``), for this file
    statuses: tuple[str, ...] = ()  # each line's status, in order: on the summary ``add`` returns, not kept

    @property
    def ok(self) -> bool:
        return self.read.ok

    @property
    def verdict(self) -> str:
        return _verdict(self.counts, files_error=not self.read.ok)


COUNT_KEYS = ("banned", "restricted", "promoted", "clean", "needs_manual_check", "green_items", "waived_findings",
              "failing_findings", "uncertified", "certified", "failing_banned", "live_banned", "live_review")


def _verdict(counts: dict, files_error: bool) -> str:
    if counts["live_banned"]:
        return "fail"
    if counts["live_review"] or files_error:
        return "review"
    return "pass"


_FINDING_COUNTS = ("needs_manual_check", "waived_findings", "failing_findings", "failing_banned", "uncertified",
                   "live_banned", "live_review")


def _findings_facts(checked: CheckedItem, fail_kinds: tuple[str, ...]) -> tuple:
    """(status, counts the line adds for its findings, its undecided findings) — a function of the findings alone."""
    if not checked.findings:
        return "clean", (0,) * len(_FINDING_COUNTS), ()
    live = set()
    waived = failing = failing_banned = 0
    for finding in checked.findings:
        waived += finding.waived
        fails = is_failing(finding, fail_kinds)
        failing += fails
        failing_banned += fails and finding.kind == "banned"
        if not finding.waived:
            live.add(finding.kind)
    adds = (checked.needs_manual_check, waived, failing, failing_banned,
            any(f.kind == "uncertified" for f in checked.findings), "banned" in live,
            bool(live & {"restricted", "uncertified"}) and "banned" not in live)
    return checked.status, adds, tuple(f for f in checked.findings if f.needs_manual_check)


def summarise(report: FileReport, fail_kinds: tuple[str, ...]) -> tuple[dict, dict[tuple[str, bool], list],
                                                                        dict[str, dict], tuple[str, ...]]:
    """One pass over a file's lines: its counts, its green lines by (first category, certified) as
    [lines, amount], its undecided rules (rule → entry, reason, lines), and each line's status.

    Lines that share their findings (the judge memoises them per text) are summed up once per findings tuple:
    status and marks are computed once per distinct tuple, not once per line."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    green: dict[tuple[str, bool], list] = {}
    undecided: dict[str, dict] = {}
    amounts = line_amounts(list(report.items)) if report.items else ()
    facts: dict[int, tuple] = {}
    statuses = []
    adding = [0] * len(_FINDING_COUNTS)
    for checked, amount in zip(report.items, amounts):
        key = id(checked.findings)  # the report holds every tuple for the whole loop: ids stay unique
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = _findings_facts(checked, fail_kinds)
        status, adds, manual = fact
        statuses.append(status)
        counts[status] += 1
        if checked.findings:
            for index, value in enumerate(adds):
                adding[index] += value
            for finding in manual:  # the rule's reason, and on how many lines (offered as an option on how many)
                entry = undecided.setdefault(finding.rule, {
                    "rule": finding.rule, "entry": finding.entry, "lines": 0, "option_lines": 0,
                    "reason": finding.message.removesuffix(ALTERNATIVE_NOTE) if finding.alternative else finding.message})
                entry["lines"] += 1
                entry["option_lines"] += finding.alternative
        certified = checked.certification is not None and checked.certification.status == "certified"
        counts["certified"] += certified
        if checked.green_categories:
            counts["green_items"] += 1
            row = green.setdefault((checked.green_categories[0], certified), [0, 0.0])
            row[0] += 1
            row[1] += amount
    for name, value in zip(_FINDING_COUNTS, adding):
        counts[name] += value
    return counts, green, undecided, tuple(statuses)


@dataclass
class RunReport:
    """A whole run: the catalogs and profile used, the gate (fail level, waivers, baseline), and per file a
    summary with counts.  Files are added one at a time as they are checked (``add``), so a run holds counts,
    not lines, whatever its size; ``files`` keeps the full FileReports only when a caller passes them in (tests,
    serve, compare), and then the summaries are computed from them."""

    files: list[FileReport] = field(default_factory=list)
    catalogs: CatalogSet = field(default_factory=CatalogSet)
    profile: Profile = field(default_factory=Profile)
    tool_version: str = __version__
    started: float = field(default_factory=time.time)
    fail_on: str = "banned"  # lowest finding kind that fails the run: banned, restricted or never
    baseline: str | None = None  # the baseline report used, if any
    expired_waivers: list[Waiver] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # run-level warnings (expired waivers, …)
    registry: Registry | None = None  # the certificate registry used, if any
    summaries: list[FileSummary] = field(default_factory=list)
    _green: dict = field(default_factory=dict, repr=False)
    _undecided: dict = field(default_factory=dict, repr=False)
    _summarised: int = field(default=-1, repr=False)  # len(files) when the summaries were computed from files

    @property
    def fail_kinds(self) -> tuple[str, ...]:
        """The finding kinds that fail this run's gate (``FAIL_KINDS`` of ``fail_on``)."""
        return FAIL_KINDS.get(self.fail_on, ())

    def add(self, report: FileReport) -> FileSummary:
        """Count one checked file (waivers and baseline already marked) and keep its summary, not its lines."""
        if report.digest is not None:  # summarised where it was checked
            digest = report.digest
            counts, green, undecided, statuses = digest.counts, digest.green, digest.undecided, ()
        else:
            counts, green, undecided, statuses = summarise(report, self.fail_kinds)
        for key, (lines, amount) in green.items():
            row = self._green.setdefault(key, [0, 0.0])
            row[0] += lines
            row[1] += amount
        for rule, entry in undecided.items():
            known = self._undecided.setdefault(rule, dict(entry, lines=0, option_lines=0))
            known["lines"] += entry["lines"]
            known["option_lines"] += entry.get("option_lines", 0)
        read = report.read
        summary = FileSummary(read=dataclasses.replace(read, items=()), seconds=report.seconds, counts=counts)
        # kept: the file's identity and outcome, not what reading found in it (tables, sheets, skipped rows,
        # totals: the writers took them from the summary returned here), so a run's memory stays flat
        self.summaries.append(dataclasses.replace(summary, read=dataclasses.replace(
            read, items=(), tables=(), sheets=(), skipped=(), totals=())))
        return dataclasses.replace(summary, statuses=statuses)

    def _sync(self) -> None:
        """With ``files`` passed in: (re)compute the summaries from them."""
        if self.files and self._summarised != len(self.files):
            self.summaries, self._green, self._undecided = [], {}, {}
            for report in self.files:
                self.add(report)
            self._summarised = len(self.files)

    def file_summaries(self) -> list[FileSummary]:
        self._sync()
        return self.summaries

    def counts(self) -> dict[str, int]:
        """Lines per status and findings per kind over all files, plus waived and gating findings."""
        summaries = self.file_summaries()
        counts = {"files": len(summaries), "files_ok": sum(s.ok for s in summaries),
                  "files_error": sum(not s.ok for s in summaries),
                  "items": sum(s.counts["banned"] + s.counts["restricted"] + s.counts["promoted"]
                               + s.counts["clean"] for s in summaries)}
        for key in COUNT_KEYS:
            counts[key] = sum(s.counts[key] for s in summaries)
        return counts

    def verdict(self) -> str:
        """The bill's verdict: fail (an unwaived banned finding), review (an unwaived restricted one, or a file
        not checked) or pass.  The verdict judges the bill; the exit code gates a pipeline (fail level, baseline)."""
        counts = self.counts()
        return _verdict(counts, files_error=bool(counts["files_error"]))

    def adoption(self) -> Adoption:
        """Green adoption figures (by line and amount, per category) over every checked line."""
        self._sync()
        return from_counts(self._green, self.registry is not None)

    def undecided(self, adoption: Adoption | None = None) -> list[dict]:
        """Every rule the run could not decide, once, with why and on how many lines (``adoption``: the run's
        adoption figures, if the caller already has them)."""
        self._sync()
        rows = sorted((dict(row) for row in self._undecided.values()), key=lambda e: -e["lines"])
        for reason in (adoption or self.adoption()).undecided:
            rows.append({"rule": "GP-ADOPTION", "entry": "绿色建材采购比例（需求标准2025年版）", "reason": reason,
                         "lines": 0, "option_lines": 0})
        return rows

    def map_findings(self, change: Callable[[FileReport, CheckedItem, Finding], Finding]) -> None:
        """Replace every finding with ``change(file, item, finding)``, in run order (files, items, findings)."""
        self.files = [map_file_findings(report, change) for report in self.files]
        self._summarised = -1


def map_file_findings(report: FileReport, change: Callable[[FileReport, CheckedItem, Finding], Finding]
                      ) -> FileReport:
    """The file with every finding replaced by ``change(file, item, finding)`` (items without findings kept)."""
    items = []
    for checked in report.items:
        if checked.findings:
            checked = dataclasses.replace(checked, findings=tuple(change(report, checked, f) for f in checked.findings))
        items.append(checked)
    return FileReport(read=report.read, items=tuple(items), seconds=report.seconds)


def is_failing(finding: Finding, fail_kinds: tuple[str, ...]) -> bool:
    """A finding counts for the exit code: at or above the fail level, not waived, not already in the baseline."""
    if finding.waived or finding.baseline == "known" or not fail_kinds:
        return False
    # an uncertified finding configured as an error fails any gate; as a warning, the restricted gate
    return finding.kind in fail_kinds or (finding.kind == "uncertified" and finding.severity == "error")


JUNK_PREFIXES = ("~$", "._", ".~lock.")  # Excel owner files, macOS resource forks, LibreOffice locks


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus the bill files found by walking named directories (sorted).  Hidden
    directories (.git) are not walked; a bill whose name starts with a dot is still a bill, but an editor's
    lock or resource-fork file is not (``JUNK_PREFIXES``)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(BILL_SUFFIXES) and not name.startswith(JUNK_PREFIXES):
                        found.append(os.path.join(root, name))
        else:
            found.append(path)
    return found


def line_judge(matcher: Matcher, judge: Judge,
               certification: Certification | None = None) -> Callable[[LineItem], CheckedItem]:
    """The whole judgement of one line: matched, judged, and its certification checked (with a registry)."""
    match, verdict = matcher.match_item, judge.judge_line
    if certification is None:
        return lambda item: verdict(item, match)
    certify = certification.apply
    return lambda item: certify(verdict(item, match))


def judge_in_turn(lines: tuple, judge_one: Callable[[LineItem], CheckedItem]) -> tuple:
    """Every line judged, one after the other, in this process (the collector paused: ``checker.collector``)."""
    with paused():
        return tuple(map(judge_one, lines))


def check_file(path: str, matcher: Matcher, judge: Judge, seconds: float | None = None, *,
               ocr: bool = True, ocr_engine: str = "rapidocr", certification: Certification | None = None, limits: Limits | None = None,
               on_budget: Callable[[float, Work], None] | None = None,
               on_read: Callable[[FileRead], None] | None = None,
               judge_lines: Callable[[tuple, Callable], tuple] | None = None,
               xml_mappings: tuple = ()) -> FileReport:
    """Read and judge one file within its time limit.  Never raises for bad input (see read.read_path).

    ``seconds``: a fixed time limit (0: none); None: a budget proportional to the work pre-flight measures
    (``limits.Limits``), which ``on_budget(seconds, work)`` is told as soon as it is known.  ``limits`` gives
    both the time and the memory limit (it wins over ``seconds``).  The file's own timer stops it a little
    before its budget (``Limits.soft_seconds``): a worker process that overruns is killed at the budget.
    Library log records and warnings become file warnings.  ``on_read`` sees the read file before its lines are
    judged (the batch runner sends the lines ahead).  ``judge_lines(lines, judge_one)`` judges the lines
    (default: one after the other here; a worker with a spare core shares them, ``checker.run.split``).
    ``xml_mappings``: the user's XML schema mappings, tried before the shipped ones."""
    limits = limits or Limits(seconds=seconds)
    started = time.perf_counter()
    measured: list[Work] = []
    with library_output() as notes:
        try:
            seconds = limits.seconds_for(None, ocr=ocr)
            with time_limit(limits.soft_seconds(seconds)) as timer:

                def budget(work: Work) -> None:
                    nonlocal seconds
                    measured.append(work)
                    seconds = limits.seconds_for(work, ocr=ocr)
                    timer.extend(limits.soft_seconds(seconds))
                    if on_budget is not None:
                        on_budget(seconds, work)

                read = read_path(path, display_name=str(Path(path)), ocr=ocr, ocr_engine=ocr_engine,
                                 on_work=budget, memory=limits.memory, xml_mappings=xml_mappings)
                if on_read is not None and read.ok:
                    on_read(read)
                checked = (judge_lines or judge_in_turn)(read.items, line_judge(matcher, judge, certification))
        except FileTimeLimit:
            read = FileRead(path=str(Path(path)), format="unknown", sha256="",
                            error=limits.explain(seconds, measured[-1] if measured else None))
            checked = ()
    warnings = as_warnings(notes) + _long_lines_warning(read.items)
    if warnings:
        read = dataclasses.replace(read, warnings=read.warnings + warnings)
    return FileReport(read=read, items=checked, seconds=time.perf_counter() - started)


def _long_lines_warning(items: tuple) -> tuple[str, ...]:
    """A file warning for lines too long to judge whole (a pasted document, a damaged file): said, never hidden."""
    from .match.matcher import MAX_TEXT_CHARS

    long = Matcher.long_lines(items)
    if not long:
        return ()
    from .read.accounting import where

    def size(item) -> int:
        return max(len(item.name), len(item.features))

    longest = max(long, key=size)
    at = longest.provenance
    return (f"{len(long)} line(s) hold more than {MAX_TEXT_CHARS} characters of name or features (the longest, "
            f"{where(at.sheet, at.first_row, at.page)}, holds {size(longest)}); each was judged on its first "
            f"{MAX_TEXT_CHARS} characters only: read the rest by eye",)


def check_paths(paths: Iterable[str], catalogs: CatalogSet, profile: Profile, *,
                ocr: bool = True, certification: Certification | None = None,
                ocr_engine: str = "rapidocr") -> Iterator[FileReport]:
    """Check every file, one after the other; a bad file yields an error report and the batch goes on."""
    matcher, judge = Matcher(catalogs), Judge(catalogs, profile)
    for path in paths:
        yield check_file(path, matcher, judge, ocr=ocr, certification=certification, ocr_engine=ocr_engine)
