"""Baselines: a previous JSON report; only findings it does not already hold fail the run.

Findings are compared by fingerprint, as a multiset: when the baseline holds a fingerprint once and this run
finds it twice (the same line copied into the bill), one of the two is known and the other is new.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..documents import read_document
from ..engine import FileReport, RunReport, map_file_findings
from .fingerprint import base_name, from_json_item, item_fingerprint
from ..model import CheckedItem, Finding

REPORT_SCHEMA_PREFIX = "gbm-check/report@"


class BaselineError(ValueError):
    """The baseline cannot be used (one line, for the CLI)."""


def load(path: str | Path) -> Counter:
    """Fingerprint counts of every finding in a gbm-check JSON report."""
    return load_known(path)[0]


def load_known(path: str | Path) -> tuple[Counter, frozenset[str]]:
    """Fingerprint counts of every finding in a gbm-check JSON report, and the base names of the files it has
    findings for (to tell a user whose baseline names other files than the run)."""
    path = Path(path)
    document = read_document(path, json.loads, (json.JSONDecodeError,), BaselineError, "baseline",
                             "baseline is not a JSON report")
    counts = fingerprints(document, origin=str(path))
    return counts, frozenset(base_name(item.get("file") or "") for item in document.get("items") or []
                             if item.get("findings"))


def fingerprints(document: object, origin: str = "baseline") -> Counter:
    if not isinstance(document, dict) or not str(document.get("schema", "")).startswith(REPORT_SCHEMA_PREFIX):
        raise BaselineError(f"{origin}: not a gbm-check JSON report (write one with --format json)")
    counts: Counter = Counter()
    for item in document.get("items") or []:
        for finding in item.get("findings") or []:
            # reports written before fingerprints existed: recompute from the item's fields
            counts[finding.get("fingerprint") or from_json_item(item, finding.get("rule", ""))] += 1
    return counts


class BaselineGate:
    """Marks findings "known" while the baseline still holds their fingerprint, else "new", file by file in run
    order; remembers whether any file of the run is one the baseline has findings for."""

    def __init__(self, known: Counter, files: frozenset[str] = frozenset()):
        self.remaining = Counter(known)
        self.files = files  # base names of the files the baseline has findings for
        self.matched_files = 0

    def finding(self, checked: CheckedItem, finding: Finding) -> Finding:
        key = item_fingerprint(checked.item, finding.rule)
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            return replace(finding, baseline="known")
        return replace(finding, baseline="new")

    def mark(self, report: FileReport) -> FileReport:
        self.matched_files += base_name(report.read.path) in self.files
        return map_file_findings(report, lambda r, c, f: self.finding(c, f))


def apply(run: RunReport, known: Counter, origin: str = "") -> None:
    """Mark each finding "known" while the baseline still holds its fingerprint, else "new" (run order)."""
    gate = BaselineGate(known)
    run.baseline = origin or run.baseline or "baseline"
    run.map_findings(lambda report, checked, finding: gate.finding(checked, finding))


def no_file_message(origin: str, files: frozenset[str]) -> str:
    names = "、".join(sorted(files)[:3]) + (f" … ({len(files)})" if len(files) > 3 else "")
    return (f"the baseline {origin} has findings for {names} but none of the files of this run (fingerprints "
            "include the file name: a renamed file matches nothing)")
