"""The HTML report for auditors: one self-contained file (inline CSS, inline SVG chart, a small inline script),
Chinese by default (``--lang en``: English; every word of the page from the [labels] table, catalog text quoted
as published and marked ``lang="zh-CN"``), printable on A4 with page numbers and a running header (``@page``
margin boxes) and a sign-off block.  Rendered with Jinja2 from ``templates/report.html.j2`` (package
``checker.templates``) with autoescaping on: bill text is untrusted and is only ever inserted escaped.

Written as the run goes: each file's flagged lines are rendered to HTML (in full) and its lines to compact JSON
rows as the file arrives, into spools; at the end the page is put together around them.  What the page takes
from a file (``file_part``: amounts, flagged lines, each line's judgement) is made by the worker that checked
it when the run digests its files (``checker.report.digest``), else here.  The item table is
drawn by the page's script from those rows, a page of rows at a time, so a 50,000-line bill stays light; for a
folder of bills it is left out unless asked for (``--item-table``) — the flagged lines are always there.

The page's Content-Security-Policy allows no outside fetch at all and only the one inline script, by its hash;
the item rows are a JSON data block the script reads and writes into the page as text, never as markup.
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader
from markupsafe import Markup, escape

from ..textsafe import json_bytes
from ..engine import FileReport, FileSummary, RunReport
from ..gate.waivers import expired_message
from ..model import CheckedItem, Finding, LineItem
from .common import (char_width, evidence_text, gaps, reading_line, rows_span, shown_findings, undecided_reason,
                     verdict_text, where)
from .i18n import Texts, texts
from .stream import ReportOptions, Sink, Writer as BaseWriter, render_run, statuses

STATUS_ORDER = ("banned", "restricted", "promoted", "clean")
FIELD_OF_LABEL = {"项目名称": "name", "项目特征": "features"}
_SPAN = re.compile(r"(项目名称|项目特征)\[(\d+):(\d+)\]「")
MAX_CHART_CATEGORIES = 12
HTML_LANG = {"zh": "zh-CN", "en": "en"}
CATALOG_LANG = "zh"  # the language the catalogs publish their text in (quoted, never translated)
SPOOL_BYTES = 2**20  # what a spool holds in memory before it goes to a temporary file
FLAGGED_MARK, ITEMS_MARK = "<!--gbm:flagged-->", "<!--gbm:items-->"

_ENV: Environment | None = None


def environment() -> Environment:
    """The Jinja2 environment of the reports, made once per process."""
    global _ENV
    if _ENV is None:
        _ENV = new_environment(template_cache())
    return _ENV


def new_environment(bytecode_cache: FileSystemBytecodeCache | None) -> Environment:
    """Templates from the ``checker.templates`` package, autoescape on, the reports' filters, compiled templates
    kept in ``bytecode_cache`` between runs."""
    env = Environment(loader=PackageLoader("checker.templates", "."), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=bytecode_cache)
    env.filters.update(money=money, pct=pct, quantity=quantity, b=bold, code=code, badge=badge, fit=fit)
    return env


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's file cache of compiled templates, which a full or read-only disk never fails: compiling the
    report templates costs a small bill's check about 0.2 s on every run otherwise."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable, cut or corrupt (pickle and marshal raise many kinds): compile it again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates under ``$XDG_CACHE_HOME/gbm-check`` (else ``~/.cache/gbm-check``), a directory only this
    user may write; None (compile every run) when there is none or ``GBM_CHECK_NO_CACHE`` is set.  Jinja2 keys
    each entry by the template's source checksum and Python's bytecode version: an edited template or another
    interpreter recompiles."""
    if os.environ.get("GBM_CHECK_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "gbm-check", "templates")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if os.stat(directory).st_uid != os.getuid() or not os.access(directory, os.W_OK):
            return None
    except (OSError, AttributeError):
        return None
    return _QuietBytecodeCache(directory)


def bold(value) -> Markup:
    return Markup("<b>{}</b>").format(value)


def code(value) -> Markup:
    return Markup("<code>{}</code>").format(value)


def badge(value, css: str) -> Markup:
    """A badge after the text before it (a space first)."""
    return Markup(' <span class="badge {}">{}</span>').format(css, value)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (a CJK character takes two), with … where it was cut."""
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:max(index - 1, 0)] + "…"
    return text


def markup_texts(t: Texts):
    """``tm(key, **slots)``: a label whose slots may be markup (bold, code); the label and every other slot are
    escaped."""
    def tm(key: str, **slots) -> Markup:
        return Markup(escape(t(key))).format(**slots)
    return tm


def quoted(t: Texts) -> Markup:
    """The ``lang`` attribute of catalog text quoted in a report of another language ("" in its own)."""
    return Markup("") if t.lang == CATALOG_LANG else Markup(' lang="{}"').format(HTML_LANG[CATALOG_LANG])


def css_counters(template: str) -> Markup:
    """"第 {page} 页，共 {pages} 页" as CSS content for a page margin box: strings and page counters."""
    pieces = []
    for piece in re.split(r"(\{pages?\})", template):
        if piece in ("{page}", "{pages}"):
            pieces.append(f"counter({piece[1:-1]})")
        elif piece:
            pieces.append(str(css_string(piece)))
    return Markup(" ".join(pieces))


def money(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def quantity(value) -> str:
    """A 工程量 as a bill prints it: at most four decimals, no trailing zeros, never an exponent ('—' for none).
    A quantity computed by a formula carries float noise (14947.0081095943), and ``{:g}`` wrote 1,234,567 as
    1.23457e+06."""
    if value is None:
        return "—"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def spans(finding: Finding, field: str, text: str) -> list[tuple[int, int]]:
    """The character ranges of ``text`` (项目名称 or 项目特征 as printed) that the finding's evidence quotes."""
    if finding.spans:  # (field, start, end) in the printed text
        return [(start, end) for where, start, end in finding.spans if where == field and 0 <= start < end <= len(text)]
    found = []
    for match in _SPAN.finditer(finding.evidence):
        if FIELD_OF_LABEL[match.group(1)] != field:
            continue
        start, end = int(match.group(2)), int(match.group(3))
        quoted = finding.evidence[match.end():match.end() + (end - start)]
        if 0 <= start < end <= len(text) and text[start:end] == quoted:  # only where the text says so
            found.append((start, end))
    return found


def highlight(text: str, marks: list[tuple[int, int, str, str]]) -> Markup:
    """Escape ``text`` and wrap the marked ranges in <mark>: (start, end, css class, title)."""
    out, pos = [], 0
    for start, end, css, title in sorted(marks):
        if start < pos:  # overlapping: extend nothing, never split an escape
            start = pos
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup('<mark class="{}" title="{}">{}</mark>').format(css, title, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _marks(checked: CheckedItem, field: str, kinds=("banned", "restricted")) -> list[tuple[int, int, str, str]]:
    text = getattr(checked.item, field)
    return [(start, end, f"hl-{f.kind}", f"{f.rule} {f.entry}") for f in checked.findings if f.kind in kinds
            for start, end in spans(f, field, text)]


def marked(checked: CheckedItem, field: str, kinds=("banned", "restricted")) -> Markup:
    return highlight(getattr(checked.item, field), _marks(checked, field, kinds))


def note(finding: Finding, t) -> str:
    """The judge's note on a finding, in the report's language."""
    return t.msg(finding.message)


def css_string(value: str) -> str:
    """A CSS string literal (for @page margin boxes): quotes, backslashes, line breaks and < escaped."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return Markup(f'"{value}"')


def _bars(rows: list[dict], key: str) -> list[dict]:
    """Bar widths (0–1) for one measure of a chart."""
    top = max((r[key] or 0) for r in rows) if rows else 0
    return [dict(r, width=(r[key] or 0) / top if top else 0) for r in rows]


def _line_cells(item: LineItem) -> bytes:
    """The cells of an item-table row that the line alone gives (rows, code, name, features, unit, quantity,
    amount), as the JSON array's members."""
    where = item.provenance
    return _cells(where.first_row, where.last_row, item.code, item.seq, item.name, item.features, item.spec,
                  item.unit, item.quantity, item.amount)


_CELL_FIELDS = ("first_row", "last_row", "code", "seq", "name", "features", "spec", "unit", "quantity", "amount")


def _cells(first_row, last_row, code, seq, name, features, spec, unit, amount_of_work, amount) -> bytes:
    """``_line_cells`` from the values of the line's ``_CELL_FIELDS``."""
    return json_bytes([rows_span(first_row, last_row), code or seq, name, features + (f" {spec}" if spec else ""),
                       unit, "" if amount_of_work is None else quantity(amount_of_work),
                       "" if amount is None else money(amount)])[1:-1]


def _lines_cells(lines) -> list[bytes]:
    """``_line_cells`` of each line; from their field values where the lines give them (``field_rows``, as the
    lines a worker sends ahead do: ``run.codec.ColumnLines``), without making a LineItem of each."""
    field_rows = getattr(lines, "field_rows", None)
    if field_rows is None:
        return list(map(_line_cells, lines))
    values = itemgetter(*map(lines.fields.index, _CELL_FIELDS))
    return [_cells(*values(row)) for row in field_rows()]


def _line_reads(lines, cells: list[bytes] | None = None):
    """(``_line_cells``, page, sheet) of each line: what an item-table row takes from the line itself
    (``cells``: their ``_line_cells``, if already encoded)."""
    field_rows = getattr(lines, "field_rows", None)
    if field_rows is None:
        places = ((item.provenance.page, item.provenance.sheet) for item in lines)
    else:
        places = map(itemgetter(lines.fields.index("page"), lines.fields.index("sheet")), field_rows())
    return ((line_cells, page or 0, sheet or "")
            for line_cells, (page, sheet) in zip(cells if cells is not None else _lines_cells(lines), places))


@dataclass(frozen=True)
class FilePart:
    """What the HTML report takes from one checked file (``file_part``): made where the file was checked when
    the run digests its files (``checker.report.digest``), else by the writer."""

    by_status: dict  # status → (lines, amount)
    by_category: dict  # green category → (lines, amount)
    total_amount: float
    green_lines: int
    green_amount: float
    fail_lines: int  # lines with a live banned finding
    review_lines: int  # lines with a live restricted finding and no banned one
    flagged: bytes  # the banned and restricted lines, rendered (report_flagged.html.j2)
    flagged_count: int
    found: tuple = ()  # per line, what its item-table row says was found (``_judged_cells``; () without the table)
    read: tuple = ()  # per line (``_line_cells``, page, sheet), when made for a command without the lines


def file_part(report: FileReport, line_statuses, t: Texts, table: bool = True, read: bool = False) -> FilePart:
    """One file's counts and amounts, its flagged lines rendered, and (``table``) each line's judged cells of
    the item table; ``read``: also what the item table takes from the lines themselves."""
    by_status = {s: [0, 0.0] for s in STATUS_ORDER}
    by_category: dict[str, list] = {}
    total = green_amount = 0.0
    green_lines = fail_lines = review_lines = 0
    flagged, found = [], []
    facts: dict[tuple, tuple] = {}  # see ``_line_facts``
    judged: dict[tuple, bytes] = {}  # see ``_judged_cells``
    for checked, status in zip(report.items, line_statuses):
        item = checked.item
        amount = (item.amount or 0.0) if item.table == "boq" else 0.0
        total += amount
        row = by_status[status]
        row[0] += 1
        row[1] += amount
        categories = checked.green_categories
        if categories:
            for category in categories:
                row = by_category.setdefault(category, [0, 0.0])
                row[0] += 1
                row[1] += amount
            green_lines += 1
            green_amount += amount
        key = (id(checked.findings), status, categories)
        fact = facts.get(key)
        if fact is None:
            fact = facts[key] = _line_facts(checked, status, judged)
        fails, reviews, shown, cells = fact
        fail_lines += fails
        review_lines += reviews
        if shown:
            flagged.append((status != "banned", checked.waived, len(flagged), checked, status))
        if table:
            found.append(cells if cells is not None else _judged_cells(checked, status, judged))
    flagged.sort(key=lambda f: f[:3])
    html = b""
    if flagged:
        shared: dict[tuple, Markup] = {}  # see ``_flagged``: the report holds every findings tuple meanwhile
        html = environment().get_template("report_flagged.html.j2").render(
            lines=[_flagged(report, checked, status, t, shared) for *_, checked, status in flagged],
            t=t, money=money, quoted=quoted(t)).encode("utf-8", "backslashreplace")
    places = tuple(_line_reads(tuple(c.item for c in report.items))) if table and read else ()
    return FilePart(by_status={k: tuple(v) for k, v in by_status.items()},
                    by_category={k: tuple(v) for k, v in by_category.items()}, total_amount=total,
                    green_lines=green_lines, green_amount=green_amount, fail_lines=fail_lines,
                    review_lines=review_lines, flagged=html, flagged_count=len(flagged), found=tuple(found),
                    read=places)


def _flagged(report: FileReport, checked: CheckedItem, status: str, t: Texts, shared: dict) -> dict:
    """A flagged line for ``report_flagged.html.j2``.  What depends on its findings alone — their table, and its
    texts marked where the findings quote them — is rendered once per findings tuple (and text), kept in
    ``shared`` by the tuple's id: lines that repeat a text share the judge's tuple."""
    findings = checked.findings
    table = shared.get((id(findings),))
    if table is None:
        table = shared[(id(findings),)] = Markup(environment().get_template("report_findings.html.j2").render(
            findings=[{"f": s.finding, "also": s.also, "evidence": evidence_text(s.finding, t),
                       "note": note(s.finding, t)} for s in shown_findings(checked, ("banned", "restricted"))],
            t=t, quoted=quoted(t)))
    marked_texts = []
    for field in ("name", "features"):
        key = (id(findings), field, getattr(checked.item, field))
        text = shared.get(key)
        if text is None:
            text = shared[key] = marked(checked, field)
        marked_texts.append(text)
    return {"file": report.read.path, "where": _where_in_sheet(checked, t), "item": checked.item,
            "status": status, "status_text": t(f"status.{status}"), "waived": checked.waived,
            "name": marked_texts[0], "features": marked_texts[1], "categories": checked.green_categories,
            "findings_table": table}


def _line_facts(checked: CheckedItem, status: str, judged: dict) -> tuple[bool, bool, bool, bytes | None]:
    """What ``file_part`` counts of a line that its findings tuple, status and categories decide (so it is
    asked once per such triple; the report holds every findings tuple meanwhile): a live banned finding, a live
    restricted one without a banned one, whether the line is shown as flagged, and its ``_judged_cells`` unless
    they depend on its text (the marks of a flagged line)."""
    live = {f.kind for f in checked.findings if not f.waived}
    shown = status in ("banned", "restricted")
    return ("banned" in live, "restricted" in live and "banned" not in live, shown,
            None if shown else _judged_cells(checked, status, judged))


def _judged_cells(checked: CheckedItem, status: str, judged: dict) -> bytes:
    """What the line's item-table row says was found (status, flags, categories, rules, marks), as JSON array
    members.  Encoded once per status, categories and findings tuple (and, for a flagged line, its texts, which
    its marks point into), kept in ``judged`` by the tuple's id: lines that repeat a text share the judge's
    tuple."""
    item, findings = checked.item, checked.findings
    flagged = status in ("banned", "restricted")
    key = (status, checked.green_categories, id(findings), item.name, item.features) if flagged and findings \
        else (status, checked.green_categories, id(findings))
    found = judged.get(key)
    if found is None:
        flags = status
        if findings:
            if checked.needs_manual_check:
                flags += " manual"
            if checked.waived:
                flags += " waived"
            if flagged:
                flags += " flagged"
        rules = " ".join(f.rule for f in findings) if flagged else ""
        found = judged[key] = json_bytes([
            status, flags, "|".join(checked.green_categories), rules,
            [[s, e, c] for s, e, c, _ in _marks(checked, "name")] if rules else [],
            [[s, e, c] for s, e, c, _ in _marks(checked, "features")] if rules else []])[1:-1]
    return found


class Writer(BaseWriter):
    """Renders each file's flagged lines and item rows as the file arrives; the page at the end."""

    needs_lines = False  # what it takes of a file is its ``FilePart``, which a worker can make (``digest``)
    digest_parts = frozenset({"html"})

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        super().__init__(sink, options)
        self.t = texts(options.lang)
        self.flagged = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.items = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.item_count = 0
        self.rows: list[bytes] = []  # encoded item rows not yet in the spool
        self.sheets: dict[str, int] = {}  # sheet name → index (rows name their sheet by number)
        self.flagged_count = 0
        self.fail_lines = self.review_lines = 0
        self.by_status = {s: {"lines": 0, "amount": 0.0} for s in STATUS_ORDER}
        self.by_category: dict[str, dict] = defaultdict(lambda: {"lines": 0, "amount": 0.0})
        self.total_amount = self.green_amount = 0.0
        self.green_lines = 0
        self.files: list[FileSummary] = []
        self.item_table = options.item_table

    def begin(self, run: RunReport) -> None:
        self.run = run

    def prepare(self, lines: tuple) -> None:
        """Encode the read part of each line's item row before its report comes (the runner calls this while a
        worker judges the lines; ``add`` then encodes only the judgement)."""
        if self.item_table is not False:
            self.keep(lines, _lines_cells(lines))

    def add(self, report: FileReport, summary: FileSummary) -> None:
        number = len(self.files)
        self.files.append(summary)
        table = self.item_table is not False
        lines = report.read.items
        cells = self.take_prepared(lines)  # their ``_line_cells``, if encoded while the lines were judged
        digest = report.digest
        part = digest.html if digest is not None else file_part(report, statuses(report, summary), self.t, table)
        for status, (count, amount) in part.by_status.items():
            self.by_status[status]["lines"] += count
            self.by_status[status]["amount"] += amount
        for category, (count, amount) in part.by_category.items():
            self.by_category[category]["lines"] += count
            self.by_category[category]["amount"] += amount
        self.total_amount += part.total_amount
        self.green_lines += part.green_lines
        self.green_amount += part.green_amount
        self.fail_lines += part.fail_lines
        self.review_lines += part.review_lines
        if part.flagged_count:
            self.flagged.write(part.flagged)
            self.flagged_count += part.flagged_count
        if not table:
            return
        # what the rows take from the lines: in the digest of a file whose lines this process does not have
        read = part.read or _line_reads(lines, cells)
        sheets = self.sheets
        rows = self.rows
        for (line_cells, page, sheet), found in zip(read, part.found):
            self.item_count += 1
            rows.append(b"[%d,%d,%b,%b,%d,%d]" % (self.item_count, number, line_cells, found, page,
                                                  sheets.setdefault(sheet, len(sheets))))
            if len(rows) == 500:
                self._flush_rows()
                rows = self.rows

    def _flush_rows(self) -> None:
        if self.rows:
            self.items.write((b",\n" if self.item_count > len(self.rows) else b"") + b",\n".join(self.rows))
            self.rows = []

    def end(self, run: RunReport) -> list[str]:
        self._flush_rows()
        page = environment().get_template("report.html.j2").render(**self._context(run))
        before, rest = page.split(FLAGGED_MARK, 1)
        middle, after = rest.split(ITEMS_MARK, 1)
        self.sink.write(before)
        self.flagged.seek(0)
        shutil.copyfileobj(self.flagged, self.sink.stream)
        self.sink.write(middle)
        if self._table_shown():
            self.items.seek(0)
            self.sink.write('<script type="application/json" id="item-data">[')
            for block in iter(lambda: self.items.read(1 << 20), b""):
                # <, > and & only ever stand inside JSON strings: escaped, the data can never close its element
                self.sink.write(block.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026"))
            self.sink.write("]</script>\n")
        self.sink.write(after)
        self.flagged.close()
        self.items.close()
        return super().end(run)

    def _table_shown(self) -> bool:
        return self.item_table is True or (self.item_table is None and len(self.files) <= 1)

    def _context(self, run: RunReport) -> dict:
        t = self.t
        counts = run.counts()
        verdict = run.verdict()
        adoption = run.adoption()
        status_rows = [{"key": s, "label": t(f"status.{s}"), **self.by_status[s]} for s in STATUS_ORDER]
        category_rows = sorted(({"key": "green", "label": k, **v} for k, v in self.by_category.items()),
                               key=lambda r: (-r["amount"], -r["lines"], r["label"]))
        chart_categories = category_rows[:MAX_CHART_CATEGORIES]
        if len(category_rows) > MAX_CHART_CATEGORIES:
            rest = category_rows[MAX_CHART_CATEGORIES:]
            chart_categories.append({"key": "green", "label": t("html.chart.other", n=len(rest)),
                                     "lines": sum(r["lines"] for r in rest), "amount": sum(r["amount"] for r in rest)})
        n_lines = counts["items"]
        coverage = [dict(r, lines_pct=r["lines"] / n_lines if n_lines else None,
                         amount_pct=r["amount"] / self.total_amount if self.total_amount else None)
                    for r in category_rows]
        catalogs = [{"id": c.id, "title": c.title, "edition": c.edition, "source": c.source,
                     "jurisdiction": t.get(f"jurisdiction.{c.jurisdiction}", c.jurisdiction), "entries": len(c.entries)}
                    for c in run.catalogs.catalogs]
        projects = list(dict.fromkeys(s.read.project for s in self.files if s.read.project))
        script = environment().get_template("report.js").render(js_text=self._js_text())
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        expired = {expired_message(x) for x in run.expired_waivers}
        title = t("report.title") + (f" — {t('sep.list').join(projects)}" if projects else "")
        files = [{"summary": s, "verdict": s.verdict, "verdict_text": t(f"verdict.{s.verdict}"),
                  "error": t.msg(s.read.error or ""), "warnings": [t.msg(w) for w in s.read.warnings],
                  "lines": sum(s.counts[k] for k in STATUS_ORDER)} for s in self.files]
        undecided = [dict(row, reason=undecided_reason(row, t)) for row in run.undecided(adoption)]
        return {
            "run": run, "counts": counts, "verdict": verdict, "verdict_text": t(f"verdict.{verdict}"),
            "verdict_full": verdict_text(verdict, counts, run.catalogs, t),
            "projects": projects, "files": files, "catalogs": catalogs, "gaps": gaps(run.catalogs, t),
            "profile": run.profile,
            "generated": (self.options.now or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
            "total_amount": self.total_amount, "green_lines": self.green_lines, "green_amount": self.green_amount,
            "green_lines_pct": self.green_lines / n_lines if n_lines else None,
            "green_amount_pct": self.green_amount / self.total_amount if self.total_amount else None,
            "status_lines": _bars(status_rows, "lines"), "status_amounts": _bars(status_rows, "amount"),
            "category_lines": _bars(chart_categories, "lines"), "category_amounts": _bars(chart_categories, "amount"),
            "coverage": coverage, "flagged_count": self.flagged_count, "item_count": self.item_count,
            "table_shown": self._table_shown(), "sheet_names": list(self.sheets),
            "categories": sorted(self.by_category), "status_text": {s: t(f"status.{s}") for s in STATUS_ORDER},
            "script": Markup(script), "script_hash": f"sha256-{digest}",
            "expired_waivers": run.expired_waivers,
            "warnings": [t.msg(w) for w in run.warnings if w not in expired],
            "waived_count": counts["waived_findings"], "fail_lines": self.fail_lines,
            "review_lines": self.review_lines,
            "adoption": adoption, "registry": run.registry, "undecided": undecided,
            "running_title": css_string(title[:80]), "title": title, "page_counter": css_counters(t("print.pages")),
            "t": t, "tm": markup_texts(t), "html_lang": HTML_LANG[t.lang], "quoted": quoted(t),
            "verdict_reason": self._verdict_reason(verdict, counts),
            "page_size_select": Markup('<select id="p-size"><option value="100">100</option><option value="500">500'
                                       '</option><option value="0">{}</option></select>').format(t("html.filter.all")),
            "reading_summary": lambda read: reading_line(read, t),
            "yes_no": lambda value: t({True: "yes", False: "no"}.get(value, "unknown")),
            "flagged_mark": Markup(FLAGGED_MARK), "items_mark": Markup(ITEMS_MARK),
        }

    def _verdict_reason(self, verdict: str, counts: dict) -> Markup:
        """Why the verdict is what it is, in a sentence (the verdict word in bold)."""
        t, tm = self.t, markup_texts(self.t)
        word = bold(t(f"verdict.{verdict}"))
        if verdict == "fail":
            return tm("html.reason.fail", verdict=word, n=self.fail_lines)
        if verdict == "review":
            parts = ([t("html.reason.review_lines", n=self.review_lines)] if self.review_lines else []) \
                + ([t("html.reason.not_checked", n=counts["files_error"])] if counts["files_error"] else [])
            detail = t("sep.clause") + t("sep.clause").join(parts) if parts else ""
            return tm("html.reason.review", verdict=word, detail=detail)
        return tm("html.reason.pass", verdict=word)

    def _js_text(self) -> dict:
        """The words the page's script writes (statuses, places, the pager), in the report's language."""
        t = self.t
        return {"status": {s: t(f"status.{s}") for s in STATUS_ORDER}, "waived": t("waived.badge"),
                "page": t("page", n="{n}"), "row": t("row", n="{n}"), "sep": t("sep.list"),
                "at": t("html.pager.at", page="{page}", pages="{pages}"),
                "shown": t("html.filter.shown", shown="{shown}", all="{all}")}

    def abort(self) -> None:
        self.flagged.close()
        self.items.close()
        super().abort()


def _where_in_sheet(checked: CheckedItem, t) -> str:
    sheet = checked.item.provenance.sheet
    place = where(checked, t)
    return f"{sheet} {place}" if sheet and sheet != "csv" and checked.item.provenance.page is None else place


def render(run: RunReport, now: _dt.datetime | None = None, **options) -> str:
    return render_run(Writer, run, now=now, **options)
