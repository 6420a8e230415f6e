"""The pipeline core: read → match → judge, one file at a time, with no user interface in it."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .match.catalog import CatalogSet
from .judge.rules import Judge, Profile
from .limits import FILE_SECONDS, FileTimeLimit, time_limit
from .judge.adoption import Adoption, compute, line_amounts
from .judge.certificates import Registry
from .match.matcher import Matcher
from .judge.certification import Certification
from .model import CheckedItem, FileRead, Finding, Waiver
from .read import read_path

BILL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".pdf", ".txt", ".tsv", ".xml", ".zip",
                 ".png", ".jpg", ".jpeg", ".tif", ".tiff")  # images: photographed or scanned bills, read by OCR
FAIL_KINDS = {"banned": ("banned",), "restricted": ("banned", "restricted", "uncertified"), "never": ()}


@dataclass(frozen=True)
class FileReport:
    """One input file: what was read and what was found."""

    read: FileRead
    items: tuple[CheckedItem, ...]
    seconds: float


@dataclass
class RunReport:
    """A whole run: every file, the catalogs and profile used, and the gate (fail level, waivers, baseline)."""

    files: list[FileReport]
    catalogs: CatalogSet
    profile: Profile
    tool_version: str = __version__
    started: float = field(default_factory=time.time)
    fail_on: str = "banned"  # lowest finding kind that fails the run: banned, restricted or never
    baseline: str | None = None  # the baseline report used, if any
    expired_waivers: list[Waiver] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # run-level warnings (expired waivers, …)
    registry: Registry | None = None  # the certificate registry used, if any

    def counts(self) -> dict[str, int]:
        """Lines per status and findings per kind over all files, plus waived and gating findings."""
        counts = {"files": len(self.files), "files_ok": sum(f.read.ok for f in self.files),
                  "files_error": sum(not f.read.ok for f in self.files),
                  "items": sum(len(f.items) for f in self.files), "banned": 0, "restricted": 0, "promoted": 0,
                  "clean": 0, "needs_manual_check": 0, "green_items": 0, "waived_findings": 0,
                  "failing_findings": 0, "uncertified": 0, "certified": 0}
        fail_kinds = FAIL_KINDS.get(self.fail_on, ())
        for report in self.files:
            for checked in report.items:
                counts[checked.status] += 1
                counts["needs_manual_check"] += checked.needs_manual_check  # a decisive finding needs one
                counts["green_items"] += bool(checked.green_categories)
                counts["uncertified"] += any(f.kind == "uncertified" for f in checked.findings)
                counts["certified"] += bool(checked.certification and checked.certification.status == "certified")
                for finding in checked.findings:
                    counts["waived_findings"] += finding.waived
                    counts["failing_findings"] += is_failing(finding, fail_kinds)
        return counts

    def verdict(self) -> str:
        """The bill's verdict: fail (an unwaived banned finding), review (an unwaived restricted one, or a file
        not checked) or pass.  The verdict judges the bill; the exit code gates a pipeline (fail level, baseline)."""
        kinds = {f.kind for r in self.files for c in r.items for f in c.findings if not f.waived}
        if "banned" in kinds:
            return "fail"
        if kinds & {"restricted", "uncertified"} or any(not r.read.ok for r in self.files):
            return "review"
        return "pass"

    def adoption(self) -> Adoption:
        """Green adoption figures (by line and amount, per category) over every checked line."""
        triples = ((c, c.certification, amount) for r in self.files
                   for c, amount in zip(r.items, line_amounts(list(r.items))))
        return compute(triples, self.registry is not None)

    def undecided(self, adoption: Adoption | None = None) -> list[dict]:
        """Every rule the run could not decide, once, with why and on how many lines (``adoption``: the run's
        adoption figures, if the caller already has them)."""
        seen: dict[str, dict] = {}
        for report in self.files:
            for checked in report.items:
                for finding in checked.findings:
                    if finding.needs_manual_check:
                        entry = seen.setdefault(finding.rule, {"rule": finding.rule, "entry": finding.entry,
                                                               "reason": finding.message, "lines": 0})
                        entry["lines"] += 1
        rows = sorted(seen.values(), key=lambda e: -e["lines"])
        for reason in (adoption or self.adoption()).undecided:
            rows.append({"rule": "GP-ADOPTION", "entry": "绿色建材采购比例（需求标准2025年版）", "reason": reason,
                         "lines": 0})
        return rows

    def map_findings(self, change: Callable[[FileReport, CheckedItem, Finding], Finding]) -> None:
        """Replace every finding with ``change(file, item, finding)``, in run order (files, items, findings)."""
        files = []
        for report in self.files:
            items = []
            for checked in report.items:
                if checked.findings:
                    findings = tuple(change(report, checked, f) for f in checked.findings)
                    checked = CheckedItem(item=checked.item, green_categories=checked.green_categories,
                                          findings=findings)
                items.append(checked)
            files.append(FileReport(read=report.read, items=tuple(items), seconds=report.seconds))
        self.files = files


def is_failing(finding: Finding, fail_kinds: tuple[str, ...]) -> bool:
    """A finding counts for the exit code: at or above the fail level, not waived, not already in the baseline."""
    if finding.waived or finding.baseline == "known" or not fail_kinds:
        return False
    # an uncertified finding configured as an error fails any gate; as a warning, the restricted gate
    return finding.kind in fail_kinds or (finding.kind == "uncertified" and finding.severity == "error")


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus the bill files found by walking named directories (sorted)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(BILL_SUFFIXES) and not name.startswith((".", "~$")):
                        found.append(os.path.join(root, name))
        else:
            found.append(path)
    return found


def check_file(path: str, matcher: Matcher, judge: Judge, seconds: float | None = FILE_SECONDS, *,
               ocr: bool = True, certification: Certification | None = None,
               ocr_engine: str = "rapidocr") -> FileReport:
    """Read and judge one file within its time limit.  Never raises for bad input (see read.read_path)."""
    started = time.perf_counter()
    # --- OCR (h/ocr): a file with page images gets the OCR budget for them, until limits.py scales the limit
    # with the work (then this block goes)
    if ocr and seconds:
        from .read.pdf_ocr import ocr_budget_seconds, scanned_pages

        seconds = max(seconds, FILE_SECONDS + ocr_budget_seconds(scanned_pages(path)))
    # --- end OCR
    try:
        with time_limit(seconds):
            read = read_path(path, display_name=str(Path(path)), ocr=ocr, ocr_engine=ocr_engine)
            checked = tuple(judge.judge(item, matcher.match_item(item)) for item in read.items)
            if certification is not None:
                checked = tuple(certification.apply(c) for c in checked)
    except FileTimeLimit:
        read = FileRead(path=str(Path(path)), format="unknown", sha256="",
                        error=f"not checked: took longer than the {seconds:.0f} s limit per file")
        checked = ()
    return FileReport(read=read, items=checked, seconds=time.perf_counter() - started)


def check_paths(paths: Iterable[str], catalogs: CatalogSet, profile: Profile, *,
                ocr: bool = True, certification: Certification | None = None,
                ocr_engine: str = "rapidocr") -> Iterator[FileReport]:
    """Check every file, one after the other; a bad file yields an error report and the batch goes on."""
    matcher, judge = Matcher(catalogs), Judge(catalogs, profile)
    for path in paths:
        yield check_file(path, matcher, judge, ocr=ocr, certification=certification, ocr_engine=ocr_engine)
