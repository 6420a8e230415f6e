"""Waivers: accepted exceptions, read from a TOML file.

    [[waiver]]
    rule = "NPOL-05"                 # the catalog entry id the finding names
    item = "010502002001"            # 项目编码; or text the line's 项目名称/项目特征 contains; or a fingerprint
    reason = "设计变更单 2026-015：该构造柱在城区外的临时工棚"
    approver = "张工（造价站）"
    expires = 2026-12-31             # last day the waiver applies (a TOML date or "YYYY-MM-DD")
    file = "*教学楼*.xlsx"            # optional: only files whose base name matches this glob

A waived finding stays in every report, marked waived with its reason; it no longer counts for the exit code.
An expired waiver stops applying: its findings count again and the run reports the waiver as expired.
"""
from __future__ import annotations

import datetime as _dt
import fnmatch
import re
from dataclasses import replace
from pathlib import Path

from ..documents import read_document
from ..engine import FileReport, RunReport, map_file_findings
from .fingerprint import base_name, item_fingerprint
from ..model import CheckedItem, Finding, Waiver
from ..match.normalize import normalize

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REQUIRED = ("rule", "item", "reason", "approver", "expires")
_KEYS = set(REQUIRED) | {"file"}
_ALIASES = {"expiry": "expires", "expires_on": "expires", "approved_by": "approver"}
_SPACE = re.compile(r"\s+")
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


class WaiverError(ValueError):
    """The waiver file cannot be used (one line, for the CLI)."""


def load(path: str | Path) -> list[Waiver]:
    """Read and validate a waiver file; raises WaiverError naming the file and the bad entry."""
    path = Path(path)
    document = read_document(path, tomllib.loads, (tomllib.TOMLDecodeError,), WaiverError, "waivers",
                             "not a TOML waiver file")
    return parse(document, origin=str(path))


def parse(document: dict, origin: str = "waivers") -> list[Waiver]:
    """Waivers from a parsed TOML document (``[[waiver]]`` tables; ``[[waivers]]`` is accepted too)."""
    unknown = set(document) - {"waiver", "waivers"}
    if unknown:
        raise WaiverError(f"{origin}: unknown top-level key(s) {sorted(unknown)}; write each waiver as [[waiver]]")
    entries = list(document.get("waiver", [])) + list(document.get("waivers", []))
    waivers = []
    for number, entry in enumerate(entries, 1):
        where = f"{origin}: waiver #{number}"
        if not isinstance(entry, dict):
            raise WaiverError(f"{where}: not a table")
        entry = {_ALIASES.get(k, k): v for k, v in entry.items()}
        extra = set(entry) - _KEYS
        if extra:
            raise WaiverError(f"{where}: unknown key(s) {sorted(extra)} (known: {', '.join(sorted(_KEYS))})")
        missing = [k for k in REQUIRED if not str(entry.get(k, "")).strip()]
        if missing:
            raise WaiverError(f"{where}: missing {', '.join(missing)} (every waiver needs {', '.join(REQUIRED)})")
        waivers.append(Waiver(rule=str(entry["rule"]).strip(), item=str(entry["item"]).strip(),
                              reason=str(entry["reason"]).strip(), approver=str(entry["approver"]).strip(),
                              expires=_date(entry["expires"], where), file=str(entry.get("file", "")).strip(),
                              origin=f"{origin}#{number}"))
    return waivers


def _date(value: object, where: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise WaiverError(f"{where}: expires must be a date like 2026-12-31, not {value!r}") from None


def _compact(text: str) -> str:
    return _SPACE.sub("", normalize(text or ""))


def covers(waiver: Waiver, file: str, checked: CheckedItem, finding: Finding) -> bool:
    """Does this waiver name this finding?  Rule ids must be equal; the item is a code, a fingerprint, or text
    that the line's 项目名称, 项目特征 (or 规格型号) contains."""
    if waiver.rule != finding.rule:
        return False
    if waiver.file and not fnmatch.fnmatch(base_name(file), waiver.file):
        return False
    item = checked.item
    wanted = waiver.item
    if wanted == item.code.strip() or (_FINGERPRINT.match(wanted) and wanted == item_fingerprint(item, finding.rule)):
        return True
    needle = _compact(wanted)
    return bool(needle) and any(needle in _compact(text) for text in (item.name, item.features, item.spec))


class WaiverGate:
    """Marks the findings each live waiver covers, file by file, and remembers which waivers matched."""

    def __init__(self, waivers: list[Waiver], today: _dt.date | None = None):
        today = today or _dt.date.today()
        self.live = [w for w in waivers if w.expires >= today]
        self.expired = [w for w in waivers if w.expires < today]
        self._used: set[int] = set()

    def finding(self, file: str, checked: CheckedItem, finding: Finding) -> Finding:
        for number, waiver in enumerate(self.live):
            if covers(waiver, file, checked, finding):
                self._used.add(number)
                return replace(finding, waiver=waiver)
        return finding

    def mark(self, report: FileReport) -> FileReport:
        """The file with its covered findings marked waived."""
        if not self.live:
            return report
        return map_file_findings(report, lambda r, c, f: self.finding(r.read.path, c, f))

    def unused(self) -> list[Waiver]:
        """Live waivers that covered no finding of the run (stale, or mistyped)."""
        return [w for number, w in enumerate(self.live) if number not in self._used]


def apply(run: RunReport, waivers: list[Waiver], today: _dt.date | None = None) -> list[Waiver]:
    """Mark the findings each live waiver covers; return (and record on the run) the expired waivers."""
    gate = WaiverGate(waivers, today)
    run.expired_waivers.extend(gate.expired)
    run.warnings.extend(expired_message(waiver) for waiver in gate.expired)
    if gate.live:
        run.map_findings(lambda report, checked, finding: gate.finding(report.read.path, checked, finding))
    return gate.expired


def expired_message(waiver: Waiver) -> str:
    return (f"waiver expired on {waiver.expires.isoformat()} and no longer applies: {waiver.rule} on 「{waiver.item}」 "
            f"(approved by {waiver.approver}; {waiver.origin})")


def unused_message(waiver: Waiver) -> str:
    return f"waiver matches no finding: {waiver.rule} on 「{waiver.item}」 ({waiver.origin})"


def waiver_dict(waiver: Waiver) -> dict:
    return {"rule": waiver.rule, "item": waiver.item, "reason": waiver.reason, "approver": waiver.approver,
            "expires": waiver.expires.isoformat(), "file": waiver.file or None, "origin": waiver.origin}
