"""SARIF 2.1.0 for code-scanning dashboards: one result per banned or restricted finding.

Location: the bill file (artifactLocation uri) with region startLine/endLine = the sheet rows of the item, and a
logicalLocation naming the sheet; for PDF the page is the logical location (a page has no line number).
partialFingerprints carry the stable fingerprint; waived findings carry an accepted suppression; with a baseline,
``baselineState`` is "new" or "unchanged".  Promoted lines are not problems and are left out.
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath
from urllib.parse import quote

from ..engine import FileReport, RunReport
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem, Finding
from ..textsafe import fs_bytes

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"banned": "error", "restricted": "warning"}
FINGERPRINT_KEY = "gbmCheckFinding/v1"


def artifact_uri(path: str) -> str:
    """A URI reference for a bill path: relative paths stay relative (as code scanning expects)."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(fs_bytes(posix))
    return quote(fs_bytes(posix))  # the name's own bytes, percent-encoded (undecodable ones too)


def _rule(entry_id: str, finding: Finding, run: RunReport) -> dict:
    entry = run.catalogs.get(entry_id)
    text = [f"依据：{finding.source}"]
    if finding.scope:
        text.append(f"适用范围：{finding.scope}")
    if finding.replacement:
        text.append(f"替代：{finding.replacement}")
    rule = {
        "id": entry_id,
        "name": entry_id.replace("-", ""),
        "shortDescription": {"text": finding.entry},
        "fullDescription": {"text": f"{finding.entry}（{finding.source}）"},
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


def _message(checked: CheckedItem, finding: Finding) -> str:
    item = checked.item
    label = " ".join(x for x in (item.code, item.name) if x)
    text = f"{label}: {finding.entry} — {finding.evidence}. 依据：{finding.source}"
    if finding.needs_manual_check:
        text += "（需人工复核）"
    if finding.replacement:
        text += f" 替代：{finding.replacement}"
    return text


def sarif_dict(run: RunReport) -> dict:
    rules: dict[str, dict] = {}
    results, artifacts, notifications = [], [], []
    for index, report in enumerate(run.files):
        read = report.read
        artifacts.append({"location": {"uri": artifact_uri(read.path)}, "hashes": {"sha-256": read.sha256},
                          "properties": {"format": read.format, "project": read.project}})
        if not read.ok:
            notifications.append({"level": "error", "message": {"text": f"{read.path}: not checked: {read.error}"},
                                  "locations": [{"physicalLocation": {"artifactLocation": {
                                      "uri": artifact_uri(read.path), "index": index}}}]})
        for checked in report.items:
            for finding in checked.findings:
                if finding.kind not in LEVEL:
                    continue
                if finding.rule not in rules:
                    rules[finding.rule] = {"index": len(rules), "rule": _rule(finding.rule, finding, run)}
                result = {
                    "ruleId": finding.rule,
                    "ruleIndex": rules[finding.rule]["index"],
                    "level": LEVEL[finding.kind],
                    "message": {"text": _message(checked, finding)},
                    "locations": [_location(report, checked, index)],
                    "partialFingerprints": {FINGERPRINT_KEY: item_fingerprint(checked.item, finding.rule)},
                    "properties": {"kind": finding.kind, "evidence": finding.evidence,
                                   "needsManualCheck": finding.needs_manual_check, "code": checked.item.code,
                                   "greenCategories": list(checked.green_categories)},
                }
                if finding.baseline:
                    result["baselineState"] = "unchanged" if finding.baseline == "known" else "new"
                if finding.waiver:
                    waiver = finding.waiver
                    result["suppressions"] = [{
                        "kind": "external", "status": "accepted",
                        "justification": f"{waiver.reason}（批准：{waiver.approver}，有效期至 {waiver.expires.isoformat()}）",
                        "properties": {"approver": waiver.approver, "expires": waiver.expires.isoformat(),
                                       "origin": waiver.origin},
                    }]
                results.append(result)
    for waiver in run.expired_waivers:
        notifications.append({"level": "warning", "message": {
            "text": f"waiver expired on {waiver.expires.isoformat()}: {waiver.rule} on {waiver.item} ({waiver.origin})"}})
    invocation = {"executionSuccessful": all(r.read.ok for r in run.files)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "gbm-check", "version": run.tool_version,
                                "semanticVersion": run.tool_version, "rules": [r["rule"] for r in rules.values()]}},
            "invocations": [invocation],
            "artifacts": artifacts,
            "results": results,
            "properties": {"catalogs": [{"id": c.id, "edition": c.edition} for c in run.catalogs.catalogs],
                           "catalogGaps": run.catalogs.gaps, "failOn": run.fail_on},
        }],
    }


def render(run: RunReport) -> str:
    return json.dumps(sarif_dict(run), ensure_ascii=False, indent=1) + "\n"
