"""SARIF 2.1.0 for code-scanning dashboards: one result per banned or restricted finding.

Location: the bill file (artifactLocation uri) with region startLine/endLine = the sheet rows of the item, and a
logicalLocation naming the sheet; for PDF the page is the logical location (a page has no line number).
partialFingerprints carry the stable fingerprint; waived findings carry an accepted suppression; with a baseline,
``baselineState`` is "new" or "unchanged".  Promoted lines are not problems and are left out.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import PurePosixPath
from urllib.parse import quote

import orjson

from ..engine import FileReport, RunReport
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem, Finding
from ..textsafe import fs_bytes, json_bytes
from .common import evidence_text, gaps
from .i18n import Texts, texts
from .stream import ReportOptions, Sink, Writer as BaseWriter, flagged_lines, render_run

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"banned": "error", "restricted": "warning"}
FINGERPRINT_KEY = "gbmCheckFinding/v1"


def artifact_uri(path: str) -> str:
    """A URI reference for a bill path: relative paths stay relative (as code scanning expects)."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(fs_bytes(posix))
    return quote(fs_bytes(posix))  # the name's own bytes, percent-encoded (undecodable ones too)


def _rule(entry_id: str, finding: Finding, run: RunReport, t: Texts) -> dict:
    entry = run.catalogs.get(entry_id)
    text = [t("source", text=finding.source)]
    if finding.scope:
        text.append(t("scope", text=finding.scope))
    if finding.replacement:
        text.append(t("replacement", text=finding.replacement))
    rule = {
        "id": entry_id,
        "name": entry_id.replace("-", ""),
        "shortDescription": {"text": finding.entry},
        "fullDescription": {"text": t("entry.source", entry=finding.entry, source=finding.source)},
        "help": {"text": "\n".join(text)},
        "defaultConfiguration": {"level": LEVEL.get(entry.list if entry else finding.kind, "warning")},
        "properties": {"list": entry.list if entry else finding.kind, "source": finding.source,
                       "tags": ["green-building-materials", entry.list if entry else finding.kind]},
    }
    if entry is not None:
        rule["properties"].update(jurisdiction=entry.jurisdiction, edition=entry.edition,
                                  confidence=entry.confidence, catalog=entry.catalog)
        if entry.source_url.startswith(("http://", "https://")):
            rule["helpUri"] = entry.source_url
    return rule


def _location(report: FileReport, checked: CheckedItem, index: int) -> dict:
    where = checked.item.provenance
    physical: dict = {"artifactLocation": {"uri": artifact_uri(report.read.path), "index": index}}
    logical: list[dict] = []
    if where.page is not None:
        logical.append({"name": f"page {where.page}", "kind": "page"})
    elif where.first_row is not None:
        physical["region"] = {"startLine": where.first_row, "endLine": where.last_row or where.first_row}
    if where.sheet and where.sheet != "csv":
        logical.insert(0, {"name": where.sheet, "fullyQualifiedName": f"{report.read.path}!{where.sheet}",
                           "kind": "sheet"})
    location: dict = {"physicalLocation": physical}
    if logical:
        location["logicalLocations"] = logical
    return location


def _message(checked: CheckedItem, finding: Finding, t: Texts) -> str:
    item = checked.item
    label = " ".join(x for x in (item.code, item.name) if x)
    text = f"{label}: {finding.entry} — {evidence_text(finding, t)}. " + t("source", text=finding.source)
    if finding.needs_manual_check:
        text += t("manual.suffix")
    if finding.replacement:
        text += " " + t("replacement", text=finding.replacement)
    return text


class Writer(BaseWriter):
    """Results are encoded as each file arrives (into a spool); rules, artifacts and notifications, which are
    small, are put around them at the end."""

    needs_lines = False  # only the flagged lines
    digest_parts = frozenset({"flagged"})

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        super().__init__(sink, options)
        self.spool = tempfile.SpooledTemporaryFile(max_size=2**20)
        self.rules: dict[str, dict] = {}
        self.artifacts = tempfile.SpooledTemporaryFile(max_size=2**20)  # one per file: spooled too
        self.files = 0
        self.notifications: list[dict] = []
        self.results = 0
        self.run: RunReport | None = None
        self.t = texts(options.lang)

    def begin(self, run: RunReport) -> None:
        self.run = run

    def add(self, report: FileReport, summary=None) -> None:
        read, index = report.read, self.files
        self.artifacts.write((b",\n" if self.files else b"\n") + json_bytes(
            {"location": {"uri": artifact_uri(read.path)}, "hashes": {"sha-256": read.sha256},
             "properties": {"format": read.format, "project": read.project}}))
        self.files += 1
        file_location = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(read.path), "index": index}}}]
        if not read.ok:
            self.notifications.append({"level": "error", "message": {"text": self.t("file.not_checked", path=read.path,
                                                                                     reason=self.t.msg(read.error or ""))},
                                       "locations": file_location})
        for warning in read.warnings:  # OCR'd pages to verify against the paper, columns left unread …
            self.notifications.append({"level": "warning", "message": {"text": self.t.msg(warning)},
                                       "locations": file_location})
        for checked, _ in flagged_lines(report, summary):
            for finding in checked.findings:
                if finding.kind not in LEVEL:
                    continue
                if finding.rule not in self.rules:
                    self.rules[finding.rule] = {"index": len(self.rules), "rule": _rule(finding.rule, finding, self.run, self.t)}
                self.spool.write(b",\n" if self.results else b"\n")
                self.spool.write(json_bytes(_result(report, checked, finding, index, self.rules[finding.rule]["index"],
                                                    self.t)))
                self.results += 1

    def end(self, run: RunReport) -> list[str]:
        notifications = self.notifications + [
            {"level": "warning", "message": {"text": self.t(
                "waiver.expired", expires=waiver.expires.isoformat(), rule=waiver.rule, item=waiver.item,
                approver=waiver.approver, origin=waiver.origin)}}
            for waiver in run.expired_waivers]
        invocation = {"executionSuccessful": all(s.ok for s in run.file_summaries())}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        document = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "gbm-check", "version": run.tool_version,
                                    "semanticVersion": run.tool_version,
                                    "rules": [r["rule"] for r in self.rules.values()]}},
                "invocations": [invocation],
                "artifacts": [],
                "results": [],
                "properties": {"catalogs": [{"id": c.id, "edition": c.edition} for c in run.catalogs.catalogs],
                               "catalogGaps": run.catalogs.gaps, "catalogGapsText": gaps(run.catalogs, self.t),
                               "failOn": run.fail_on},
            }],
        }
        text = json_bytes(document, indent=True)
        head, rest = text.split(b'"artifacts": []', 1)
        middle, tail = rest.split(b'"results": []', 1)
        self.sink.write(head + b'"artifacts": [')
        for spool, after in ((self.artifacts, b"\n      ]" + middle + b'"results": ['), (self.spool, b"\n      ]" + tail + b"\n")):
            spool.seek(0)
            shutil.copyfileobj(spool, self.sink.stream)
            spool.close()
            self.sink.write(after)
        return super().end(run)


def _result(report: FileReport, checked: CheckedItem, finding: Finding, index: int, rule_index: int,
            t: Texts) -> dict:
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.kind],
        "message": {"text": _message(checked, finding, t)},
        "locations": [_location(report, checked, index)],
        "partialFingerprints": {FINGERPRINT_KEY: item_fingerprint(checked.item, finding.rule)},
        "properties": {"kind": finding.kind, "evidence": finding.evidence,
                       "needsManualCheck": finding.needs_manual_check, "code": checked.item.code,
                       "greenCategories": list(checked.green_categories)},
    }
    if checked.item.ocr:
        result["message"]["text"] += " " + t("ocr.line")
        result["properties"].update(ocr=True, ocrConfidence=checked.item.ocr_confidence)
    if finding.baseline:
        result["baselineState"] = "unchanged" if finding.baseline == "known" else "new"
    if finding.waiver:
        waiver = finding.waiver
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": t("waiver.detail", reason=waiver.reason, approver=waiver.approver,
                               expires=waiver.expires.isoformat()),
            "properties": {"approver": waiver.approver, "expires": waiver.expires.isoformat(),
                           "origin": waiver.origin},
        }]
    return result


def sarif_dict(run: RunReport) -> dict:
    return orjson.loads(render(run))


def render(run: RunReport, **options) -> str:
    return render_run(Writer, run, **options)
