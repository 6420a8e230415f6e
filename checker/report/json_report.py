"""The JSON report: a contract read by other tools (schema ``gbm-check/report@2``; see README).

Written as the run goes, with orjson: items are encoded one per line into a spool as each file arrives; at the
end the document is put together — the run's header, ``rules`` (each rule the findings name, with its catalog
text, once), the items, then files, summary, verdict and gate.  @2 moved ``entry``, ``source``, ``scope`` and
``replacement`` out of each finding into ``rules[rule]``; everything else kept its name.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from itertools import repeat
from typing import Iterator

import orjson

from ..textsafe import json_bytes
from ..engine import FileReport, FileSummary, RunReport
from ..gate.fingerprint import item_fingerprint, item_fingerprints
from ..gate.waivers import waiver_dict
from ..judge.adoption import Adoption
from ..match.catalog import CatalogSet
from ..model import CheckedItem, FileRead, Finding, LineItem, TableInfo
from ..read.kinds import ITEM_KINDS
from .common import exit_status, gaps, limits, reading_line, reason_line
from .i18n import texts
from .stream import ReportOptions, Sink, Writer as BaseWriter, render_run, statuses

SCHEMA = "gbm-check/report@2"
RULE_FIELDS = ("entry", "source", "scope", "replacement")  # per rule in ``rules``, no longer per finding (@2)
BATCH = 500
ITEM_SEPARATOR = b",\n "  # between two items of the document's list
SPOOL_BYTES = 2**20  # what a spool holds in memory before it goes to a temporary file


def finding_dict(finding: Finding, item: LineItem, fingerprint: str | None = None) -> dict:
    return _finding_dict(finding.__dict__, fingerprint or item_fingerprint(item, finding.rule))


def _finding_dict(values: dict, fingerprint: str) -> dict:
    """A finding from its field values (a frozen dataclass keeps them in ``__dict__``: read once, no descriptor)."""
    waiver = values["waiver"]
    return {
        "rule": values["rule"], "kind": values["kind"], "severity": values["severity"],
        "evidence": values["evidence"], "clause": values["clause"], "matched": values["matched"],
        "field": values["field"], "position": values["start"], "needs_manual_check": values["needs_manual_check"],
        "decisive": values["decisive"], "also": list(values["also"]), "alternative": values["alternative"],
        "message": values["message"], "fingerprint": fingerprint, "waived": waiver is not None,
        "waiver": waiver_dict(waiver) if waiver else None, "baseline": values["baseline"],
    }


def item_dict(checked: CheckedItem, status: str | None = None) -> dict:
    """One checked line as the report's item: what was read (``line_dict``), then what was found."""
    return {**line_dict(checked.item), **judged_dict(checked, status)}


def line_dict(item: LineItem) -> dict:
    """An item's first members: the line as read, where it is (a function of the line alone, so it can be
    encoded while the line is still being judged).  Hot: fields read from ``__dict__``."""
    return _line_members(item.provenance.__dict__, item.__dict__)


def _line_members(where: dict, line: dict) -> dict:
    """``line_dict`` from the field values of the line's Provenance (``where``) and of the line."""
    first = where["first_row"]
    return {
        "file": where["file"], "sheet": where["sheet"], "rows": [first, where["last_row"]] if first is not None else None,
        "page": where["page"], "table": line["table"], "seq": line["seq"], "code": line["code"], "name": line["name"],
        "features": line["features"], "unit": line["unit"], "quantity": line["quantity"],
        "unit_price": line["unit_price"], "amount": line["amount"], "amount_missing": line["amount_missing"],
        "section": line["section"], "rechecked_quantity": line["rechecked_quantity"],
    }


def judged_dict(checked: CheckedItem, status: str | None = None, prints: list[str] | None = None) -> dict:
    """An item's other members: status, categories and findings, then the line's extras (``prints``: the
    findings' fingerprints, if not those of this line)."""
    item = checked.item
    line, where = item.__dict__, item.provenance.__dict__
    findings = checked.findings
    if findings:
        if prints is None:
            prints = item_fingerprints(item, [f.rule for f in findings])
        listed = [_finding_dict(f.__dict__, fp) for f, fp in zip(findings, prints)]
    else:
        listed = []
    data = {"status": status or checked.status, "green_categories": checked.green_categories, "findings": listed}
    if where["location"]:  # an XML element path (bid-file XML) or another locator
        data["location"] = where["location"]
    if line["table"] == "material":
        data["spec"], data["brand"], data["manufacturer"] = line["spec"], line["brand"], line["manufacturer"]
    confidence = line["ocr_confidence"]  # OCR'd text must be verified against the paper
    data["ocr"], data["ocr_confidence"] = confidence is not None, confidence
    if checked.certification is not None:
        data["certification"] = certification_dict(checked.certification)
    return data


def _shared_shape(checked: CheckedItem) -> bool:
    """The line's judged members are its status, categories and findings alone (no certificate, locator,
    material fields or OCR): the same bytes for every such line with the same status, categories and findings
    tuple, but for the findings' fingerprints."""
    line = checked.item.__dict__
    return (checked.certification is None and line["table"] != "material" and line["ocr_confidence"] is None
            and not line["provenance"].__dict__["location"])


@dataclass(frozen=True)
class Template:
    """The judged part of the lines that share a shape, status, categories and findings tuple (``_shared_shape``),
    cut where each finding's fingerprint goes: a line fills in its own (``fill``)."""

    pieces: tuple[bytes, ...]  # n + 1 pieces for n findings
    rules: tuple[str, ...]  # the findings' rules, whose fingerprints go between the pieces

    def fill(self, item: LineItem) -> bytes:
        prints = item_fingerprints(item, list(self.rules))
        return self.pieces[0] + b"".join(fp.encode() + piece for fp, piece in zip(prints, self.pieces[1:]))


def _judged_template(checked: CheckedItem, status: str) -> Template | None:
    """The Template of a shared-shape line (``judged_dict`` as JSON, without its opening brace), or None in the
    unlikely case that a placeholder is not found exactly once, in order: the line is then encoded whole."""
    marks = [f"\x00gbm-check:fingerprint:{index}\x00" for index in range(len(checked.findings))]
    encoded = _dumps(judged_dict(checked, status, marks))[1:]
    pieces, start = [], 0
    for mark in marks:
        mark = _dumps(mark)[1:-1]
        at = encoded.find(mark, start)
        if at < 0 or encoded.count(mark) != 1:
            return None
        pieces.append(encoded[start:at])
        start = at + len(mark)
    pieces.append(encoded[start:])
    return Template(tuple(pieces), tuple(f.rule for f in checked.findings))


def _dumps(data: dict) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:  # text with lone surrogates: the escaping encoder
        return json_bytes(data)


def line_bytes(item: LineItem) -> bytes:
    """``line_dict`` as JSON without its closing brace: an item is ``line_bytes + b"," + judged part``."""
    return _dumps(line_dict(item))[:-1]


def line_heads(lines) -> list[bytes]:
    """``line_bytes`` of each line; from their field values where the lines give them (``field_rows``, as the
    lines a worker sends ahead do: ``run.codec.ColumnLines``), without making a LineItem of each."""
    field_rows = getattr(lines, "field_rows", None)
    if field_rows is None:
        return list(map(line_bytes, lines))
    fields = lines.fields
    return [_dumps(_line_members(values, values))[:-1] for values in map(dict, map(zip, repeat(fields), field_rows()))]


def rule_dict(finding: Finding, catalogs: CatalogSet) -> dict:
    """What a rule says, once per report: the catalog entry's text (or the finding's, for rules outside the
    catalogs such as certification)."""
    data = {"entry": finding.entry, "source": finding.source, "scope": finding.scope,
            "replacement": finding.replacement}
    entry = catalogs.get(finding.rule)
    if entry is not None:
        data.update(list=entry.list, jurisdiction=entry.jurisdiction, city=entry.city or None,
                    edition=entry.edition, confidence=entry.confidence, catalog=entry.catalog,
                    source_url=entry.source_url or None)
    return data


def certification_dict(evidence) -> dict:
    cert = evidence.certificate
    return {"status": evidence.status, "note": evidence.note, "certificate": None if cert is None else {
        "number": cert.number, "company": cert.company, "product": cert.product, "category": cert.category,
        "star": cert.star, "issued": cert.issued.isoformat() if cert.issued else None,
        "expires": cert.expires.isoformat() if cert.expires else None, "certifier": cert.certifier,
        "status": cert.status, "registry_row": cert.row}}


def adoption_dict(adoption: Adoption) -> dict:
    return {
        "lines": adoption.lines, "certified_lines": adoption.certified_lines,
        "line_share": round(adoption.line_share, 4), "amount": round(adoption.amount, 2),
        "certified_amount": round(adoption.certified_amount, 2), "amount_share": round(adoption.amount_share, 4),
        "kinds": adoption.kinds, "certified_kinds": adoption.certified_kinds, "rule_2025": adoption.rule_2025,
        "categories": [{"category": c.category, "lines": c.lines, "certified_lines": c.certified_lines,
                        "line_share": round(c.line_share, 4), "amount": round(c.amount, 2),
                        "certified_amount": round(c.certified_amount, 2), "amount_share": round(c.amount_share, 4)}
                       for c in adoption.categories],
        "undecided": list(adoption.undecided),
    }


def reading_lists(read: FileRead) -> tuple[tuple, tuple, tuple]:
    """What reading made of a file's sheets, the rows it did not take as items, and the totals the file states
    (tuples, () where there is nothing: every file's entry stays in memory until the report ends)."""
    sheets = tuple({"sheet": s.sheet, "kind": s.kind, "read": s.read, "reason": s.reason, "items": s.items}
                   for s in read.sheets) if read.sheets else ()
    skipped = tuple({"reason": s.reason, "count": s.count, "examples": s.examples}
                    for s in read.skipped) if read.skipped else ()
    totals = tuple({"scope": t.scope, "label": t.label, "amount": t.amount, "sheet": t.sheet, "row": t.row,
                    "location": t.location} for t in read.totals) if read.totals else ()
    return sheets, skipped, totals


def table_dict(table: TableInfo) -> dict:
    """A table; ``amount_basis`` and ``unread_columns`` only where reading found them (every file's entry stays
    in memory until the report ends)."""
    entry = {"sheet": table.sheet, "kind": table.kind, "header_row": table.header_row, "items": table.items,
             "title": table.title}
    if table.amount_basis:
        entry["amount_basis"] = table.amount_basis
    if table.unread_columns:
        entry["unread_columns"] = table.unread_columns
    return entry


def file_dict(summary: FileSummary, lang: str = "zh", read: FileRead | None = None) -> dict:
    """A file's entry: ``read`` (default ``summary.read``) with the summary's counts and verdict."""
    read, t = read or summary.read, texts(lang)
    sheets, skipped, totals = reading_lists(read)
    return {"path": read.path, "sha256": read.sha256, "format": read.format,
            "status": "ok" if read.ok else "error", "error": read.error, "error_text": reason_line(read.error, t),
            "project": read.project, "tables": [table_dict(table) for table in read.tables],
            "table_count": sum(table.kind in ITEM_KINDS for table in read.tables),
            "item_count": sum(summary.counts[s] for s in ("banned", "restricted", "promoted", "clean")),
            "warnings": list(read.warnings), "warnings_text": [t.msg(w) for w in read.warnings],
            "seconds": round(summary.seconds, 3),
            "verdict": summary.verdict, "ocr_pages": read.ocr_pages, "meta": dict(read.meta), "sheets": sheets,
            "skipped_rows": skipped, "totals": totals, "reading": reading_line(read, t)}


def head_dict(run: RunReport, lang: str) -> dict:
    profile = run.profile
    return {
        "schema": SCHEMA,
        "tool": {"name": "gbm-check", "version": run.tool_version},
        "lang": lang,
        "profile": {"city": profile.city, "province": profile.province, "district": profile.district,
                    "government_invested": profile.government_invested, "urban_area": profile.urban_area,
                    "bid_date": profile.bid_date.isoformat(), "project_type": profile.project_type,
                    "height_m": profile.height_m},
        "registry": None if run.registry is None else {"path": run.registry.path,
                                                       "certificates": len(run.registry.certificates),
                                                       "example_data": run.registry.example_data},
        "catalogs": [{"id": c.id, "title": c.title, "edition": c.edition, "source": c.source,
                      "jurisdiction": c.jurisdiction, "entries": len(c.entries)} for c in run.catalogs.catalogs],
        "catalog_gaps": run.catalogs.gaps,
    }


def tail_dict(run: RunReport, lang: str) -> dict:
    """What follows the items and the files (which the writer encodes as each file comes): summary, verdict,
    gate, adoption …"""
    t = texts(lang)
    counts = run.counts()
    adoption = run.adoption()
    verdict = run.verdict()
    summary = {key: counts[key] for key in ("files", "files_ok", "files_error", "items", "banned", "restricted",
                                           "promoted", "clean", "needs_manual_check", "green_items",
                                           "waived_findings", "failing_findings", "uncertified", "certified")}
    return {
        "summary": summary,
        "verdict": {"result": verdict, "text": t(f"verdict.{verdict}"), "limits": limits(counts, run.catalogs, t)},
        "gate": {"fail_on": run.fail_on, "baseline": run.baseline, "failing_findings": counts["failing_findings"],
                 "failing_banned": counts["failing_banned"], "files_not_checked": counts["files_error"],
                 "exit_code": exit_status(counts)},
        "adoption": adoption_dict(adoption),
        "undecided_rules": run.undecided(adoption),
        "catalog_gaps_text": gaps(run.catalogs, t),
        "expired_waivers": [waiver_dict(w) for w in run.expired_waivers],
        "warnings": list(run.warnings),
    }


def _members(document: dict) -> bytes:
    """The members of an object, pretty-printed, without its braces (to splice into the streamed document)."""
    text = json_bytes(document, indent=True)
    return text[1:-1].strip(b"\n")


def encoded_items(report: FileReport, statuses: tuple[str, ...], rules: dict, catalogs: CatalogSet,
                  heads: list[bytes] | None = None) -> Iterator[bytes]:
    """Each item of a file as the report's bytes (``heads``: their ``line_bytes``, if already encoded); every
    rule the findings name is added to ``rules`` (rule → ``rule_dict``) as it is first met."""
    if heads is None:
        heads = (line_bytes(checked.item) for checked in report.items)
    for head, tail in zip(heads, encoded_tails(report, statuses, rules, catalogs)):
        yield head + b"," + tail


def encoded_tails(report: FileReport, statuses: tuple[str, ...], rules: dict,
                  catalogs: CatalogSet) -> Iterator[bytes]:
    """Each item's judged part (``judged_dict`` as JSON, without its opening brace: an item is its
    ``line_bytes + b"," +`` this); every rule the findings name is added to ``rules`` as it is first met."""
    templates: list[Template] = []
    parts = judged_parts(report, statuses, rules, catalogs, templates)
    return filled(parts, tuple(checked.item for checked in report.items), templates)


def judged_parts(report: FileReport, statuses: tuple[str, ...], rules: dict, catalogs: CatalogSet,
                 templates: list[Template]) -> Iterator[bytes | int]:
    """Each item's judged part as bytes, or as the index of the ``Template`` its line fills in (``templates``
    gets each as it is first met; ``filled`` puts the parts together); every rule the findings name is added to
    ``rules`` as it is first met.  A bill repeats its lines: most of them are a template's."""
    registered = set()  # ids of the findings tuples seen (the judge hands out one tuple per distinct text)
    # (findings tuple's id, status, categories) → the index of the template of shared-shape lines (or None);
    # the report holds every findings tuple for the whole loop: ids stay unique
    known: dict[tuple, int | None] = {}
    for checked, status in zip(report.items, statuses):
        findings = checked.findings
        if findings and id(findings) not in registered:
            registered.add(id(findings))
            for finding in findings:
                if finding.rule not in rules:
                    rules[finding.rule] = rule_dict(finding, catalogs)
        index = None
        if _shared_shape(checked):
            key = (id(findings), status, checked.green_categories)
            index = known.get(key, False)
            if index is False:
                template = _judged_template(checked, status)
                if template is not None:
                    templates.append(template)
                index = known[key] = len(templates) - 1 if template is not None else None
        yield _dumps(judged_dict(checked, status))[1:] if index is None else index


def filled(parts, lines, templates) -> Iterator[bytes]:
    """The judged parts of ``judged_parts``, a template's filled in with its line's fingerprints (``lines`` is
    indexed only for a template with findings: lines sent ahead are made into a LineItem only there)."""
    for index, part in enumerate(parts):
        if type(part) is bytes:
            yield part
        else:
            template = templates[part]
            yield template.fill(lines[index]) if template.rules else template.pieces[0]


class Writer(BaseWriter):
    needs_lines = False
    digest_parts = frozenset({"json_items"})

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        super().__init__(sink, options)
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.files = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # each file's entry, encoded as it comes
        self.file_count = 0
        self.rules: dict[str, dict] = {}
        self.items = 0
        self.run: RunReport | None = None

    def begin(self, run: RunReport) -> None:
        self.run = run

    def prepare(self, lines: tuple[LineItem, ...]) -> None:
        """Encode the read members of a file's lines before its report comes (the runner calls this while a
        worker judges them; ``add`` then only encodes what was found)."""
        self.keep(lines, line_heads(lines))

    def add(self, report: FileReport, summary: FileSummary) -> None:
        lines = report.read.items
        heads = self.take_prepared(lines)  # their line_bytes, if encoded while the lines were judged
        digest = report.digest
        if digest is not None:  # encoded by the worker (``digest``): its rules and its items as they are
            for rule, data in digest.rules.items():
                self.rules.setdefault(rule, data)
            if digest.json_tails:  # the judged parts: the lines came ahead, and their part is encoded here
                tails = filled(digest.json_tails, lines, digest.json_templates)
                heads = heads if heads is not None else line_heads(lines)
                self._write_items(head + b"," + tail for head, tail in zip(heads, tails))
            else:
                self._write([digest.json_items] if digest.lines else [], digest.lines)
        else:
            self._write_items(encoded_items(report, statuses(report, summary), self.rules, self.run.catalogs, heads))
        entry = json_bytes(file_dict(summary, self.options.lang, report.read), indent=True)
        self.files.write((b",\n" if self.file_count else b"") + b"    " + entry.replace(b"\n", b"\n    "))
        self.file_count += 1

    def _write_items(self, items: Iterator[bytes]) -> None:
        """Spool encoded items a few hundred at a time: few writes, little memory."""
        lines = []
        for line in items:
            lines.append(line)
            if len(lines) == BATCH:
                self._write(lines)
                lines = []
        self._write(lines)

    def _write(self, lines: list[bytes], count: int | None = None) -> None:
        """Spool encoded items (``count``: how many ``lines`` hold, when they are already joined)."""
        if lines:
            self.spool.write((ITEM_SEPARATOR if self.items else b"\n ") + ITEM_SEPARATOR.join(lines))
            self.items += len(lines) if count is None else count

    def end(self, run: RunReport) -> list[str]:
        lang = self.options.lang
        write = self.sink.write
        write(b"{\n" + _members(head_dict(run, lang)) + b",\n")
        write(b'  "rules": ' + json_bytes(dict(sorted(self.rules.items())), indent=True) + b",\n")
        write(b'  "items": [')
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.sink.stream)
        self.spool.close()
        if self.file_count:  # indented as orjson indents a list member of the document
            write(b'\n  ],\n  "files": [\n')
            self.files.seek(0)
            shutil.copyfileobj(self.files, self.sink.stream)
            write(b"\n  ],\n")
        else:
            write(b'\n  ],\n  "files": [],\n')
        self.files.close()
        write(_members(tail_dict(run, lang)) + b"\n}\n")
        return super().end(run)


def report_dict(run: RunReport, lang: str = "zh") -> dict:
    """The whole report as a dict (for callers that hold a run)."""
    return orjson.loads(render(run, lang=lang))


def render(run: RunReport, lang: str = "zh") -> str:
    return render_run(Writer, run, lang=lang)
