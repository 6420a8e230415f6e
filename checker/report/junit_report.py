"""JUnit XML for CI test dashboards: one testsuite per bill file, one testcase per flagged line.

A line fails when a finding at or above ``--fail-on`` counts for the exit code (not waived, not in the
baseline); a line whose flagged findings are all waived is skipped, with the reason; other flagged lines pass and
list their findings in system-out.  A file that could not be checked is a testcase with an error.  A file with
no flagged line has one passing testcase, so every suite shows it was checked.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET

from ..engine import FileReport, RunReport, is_failing
from ..gate.fingerprint import item_fingerprint
from ..model import CheckedItem, Finding
from ..textsafe import printable
from .common import evidence_text, gap_lines, rows_text, sheet_shown, where
from .i18n import Texts, texts
from .stream import ReportOptions, Sink, Writer as BaseWriter, line_count, flagged_lines, render_run

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # an undecodable file-name byte, a user catalog's "\ud800": not XML
FLAGGED = ("banned", "restricted")


def _x(text: object) -> str:
    """Text safe for XML 1.0 (ElementTree escapes markup; control characters are not allowed at all)."""
    return _SURROGATE.sub(lambda m: printable(m.group(0)), _XML_ILLEGAL.sub("", str(text)))


def _where(checked: CheckedItem, t: Texts) -> str:
    """SHEET!ROWS, or 第N行 / 第N页 where the line has no sheet."""
    sheet, rows = sheet_shown(checked), rows_text(checked)
    return f"{sheet}!{rows}" if sheet and rows and checked.item.provenance.page is None else where(checked, t)


def _finding_text(checked: CheckedItem, finding: Finding, t: Texts) -> str:
    lines = [f"{finding.rule} [{t(f'status.{finding.kind}')}] {finding.entry} — {evidence_text(finding, t)}",
             "  " + t("source", text=finding.source)]
    if finding.scope:
        lines.append("  " + t("scope", text=finding.scope))
    if finding.replacement:
        lines.append("  " + t("replacement", text=finding.replacement))
    if finding.needs_manual_check:
        lines.append("  " + t("manual"))
    if finding.waiver:
        lines.append("  " + t("waived", reason=finding.waiver.reason, approver=finding.waiver.approver,
                              expires=finding.waiver.expires.isoformat()))
    if finding.baseline == "known":
        lines.append("  " + t("in_baseline"))
    lines.append("  " + t("fingerprint", value=item_fingerprint(checked.item, finding.rule)))
    return "\n".join(lines)


def _suite(report: FileReport, fail_kinds: tuple[str, ...], t: Texts, summary=None,
           gaps: tuple[str, ...] = ()) -> ET.Element:
    """The file's testsuite; its warnings (OCR'd pages to verify …) and the catalogs' ``gaps`` (lines to say
    in every report) are properties and the suite's system-out, so that a dashboard shows them too."""
    read = report.read
    suite = ET.Element("testsuite", name=_x(read.path), time=f"{report.seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    notes = [t.msg(w) for w in read.warnings]
    for name, value in (("format", read.format), ("sha256", read.sha256), ("project", read.project),
                        ("items", line_count(report)), *((("ocr_pages", read.ocr_pages),) if read.ocr_pages else ()),
                        *(("warning", note) for note in notes), *(("catalog_gap", gap) for gap in gaps)):
        ET.SubElement(props, "property", name=name, value=_x(value))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not read.ok:
        case = ET.SubElement(suite, "testcase", classname=_x(read.path), name=t("junit.read"))
        reason = t.msg(read.error or "")
        ET.SubElement(case, "error", message=_x(reason), type="NotChecked").text = _x(reason)
        counts["tests"], counts["errors"] = 1, 1
    for checked, _ in flagged_lines(report, summary):
        flagged = [f for f in checked.findings if f.kind in FLAGGED]
        if not flagged:
            continue
        item = checked.item
        name = " ".join(x for x in (_where(checked, t), item.code, item.name) if x)
        case = ET.SubElement(suite, "testcase", classname=_x(f"{read.path}.{item.provenance.sheet or ''}"),
                             name=_x(name))
        counts["tests"] += 1
        failing = [f for f in flagged if is_failing(f, fail_kinds)]
        details = "\n".join(_finding_text(checked, f, t) for f in flagged)
        if failing:
            message = "; ".join(f"{f.rule} {f.entry}" for f in failing)
            ET.SubElement(case, "failure", message=_x(message), type=_x(failing[0].kind)).text = _x(details)
            counts["failures"] += 1
        elif all(f.waived for f in flagged):
            reasons = "; ".join(dict.fromkeys(f.waiver.reason for f in flagged if f.waiver))
            ET.SubElement(case, "skipped", message=_x(t("waived.reasons", reasons=reasons)))
            ET.SubElement(case, "system-out").text = _x(details)
            counts["skipped"] += 1
        else:
            ET.SubElement(case, "system-out").text = _x(details)
    if read.ok and counts["tests"] == 0:
        ET.SubElement(suite, "testcase", classname=_x(read.path), name=t("junit.clean"))
        counts["tests"] = 1
    for key, value in counts.items():
        suite.set(key, str(value))
    ET.SubElement(suite, "system-out").text = _x("\n".join(notes + list(gaps)))
    return suite


class Writer(BaseWriter):
    """One testsuite per file, written into a spool as each file arrives; the root, whose attributes hold the
    totals, is put around them at the end."""

    needs_lines = False  # only the flagged lines
    digest_parts = frozenset({"flagged"})

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        super().__init__(sink, options)
        self.spool = tempfile.SpooledTemporaryFile(max_size=2**20)
        self.totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self.fail_kinds: tuple[str, ...] = ()
        self.gaps: tuple[str, ...] = ()

    def begin(self, run: RunReport) -> None:
        self.fail_kinds = run.fail_kinds
        self.gaps = tuple(gap_lines(run.catalogs, texts(self.options.lang)))

    def add(self, report: FileReport, summary=None) -> None:
        suite = _suite(report, self.fail_kinds, texts(self.options.lang), summary, self.gaps)
        for key in self.totals:
            self.totals[key] += int(suite.get(key, 0))
        ET.indent(suite, level=1)
        self.spool.write(b"  " + ET.tostring(suite, encoding="utf-8", xml_declaration=False) + b"\n")

    def end(self, run: RunReport) -> list[str]:
        root = ET.Element("testsuites", name="gbm-check", **{k: str(v) for k, v in self.totals.items()})
        head = ET.tostring(root, encoding="unicode").replace(" />", ">")
        self.sink.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n")
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.sink.stream)
        self.spool.close()
        self.sink.write("</testsuites>\n")
        return super().end(run)


def render(run: RunReport, **options) -> str:
    return render_run(Writer, run, **options)
