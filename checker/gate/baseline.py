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
from ..engine import FileReport, RunReport
from .fingerprint import from_json_item, item_fingerprint
from ..model import CheckedItem, Finding

REPORT_SCHEMA_PREFIX = "gbm-check/report@"


class BaselineError(ValueError):
    """The baseline cannot be used (one line, for the CLI)."""


def load(path: str | Path) -> Counter:
    """Fingerprint counts of every finding in a gbm-check JSON report."""
    path = Path(path)
    document = read_document(path, json.loads, (json.JSONDecodeError,), BaselineError, "baseline",
                             "baseline is not a JSON report")
    return fingerprints(document, origin=str(path))


def fingerprints(document: object, origin: str = "baseline") -> Counter:
    if not isinstance(document, dict) or not str(document.get("schema", "")).startswith(REPORT_SCHEMA_PREFIX):
        raise BaselineError(f"{origin}: not a gbm-check JSON report (write one with --format json)")
    counts: Counter = Counter()
    for item in document.get("items") or []:
        for finding in item.get("findings") or []:
            # reports written before fingerprints existed: recompute from the item's fields
            counts[finding.get("fingerprint") or from_json_item(item, finding.get("rule", ""))] += 1
    return counts


def apply(run: RunReport, known: Counter, origin: str = "") -> None:
    """Mark each finding "known" while the baseline still holds its fingerprint, else "new" (run order)."""
    remaining = Counter(known)
    run.baseline = origin or run.baseline or "baseline"

    def change(report: FileReport, checked: CheckedItem, finding: Finding) -> Finding:
        key = item_fingerprint(checked.item, finding.rule)
        if remaining[key] > 0:
            remaining[key] -= 1
            return replace(finding, baseline="known")
        return replace(finding, baseline="new")

    run.map_findings(change)
