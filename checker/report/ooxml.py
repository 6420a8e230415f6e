"""Spreadsheet XML (OOXML, SpreadsheetML) written and rewritten as text, a stream at a time.

An annotated copy of a bill keeps the original package and rewrites only what it must: in each annotated sheet
the rows it marks (cells restyled, result cells appended) and the few elements around the rows (dimension, panes,
columns, auto-filter, merges, page set-up); the styles part gets the new fills, fonts and formats appended; the
workbook part gets the new sheets and the extended print areas.  Every other byte — values, shared strings,
formulas with their cached results, styles, merges, drawings — is copied as it is.  No object model is built:
a 50,000-line sheet streams through in chunks.

Every text cell written here is an inline string (``t="inlineStr"``), so bill text that starts with =, +, - or @
can never become a formula; characters XML 1.0 cannot hold are dropped.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Iterable, Iterator, Optional
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CHUNK = 1 << 20

# the order of a worksheet's top-level elements (CT_Worksheet); new elements are inserted where the order says
SHEET_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
               "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
               "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
               "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
               "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
               "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
               "tableParts", "extLst")


# --- cell references ----------------------------------------------------------------------------------------

def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def split_ref(ref: str) -> tuple[int, int]:
    """'AB12' → (column 28, row 12)."""
    match = _REF.fullmatch(ref)
    return column_number(match.group(1)), int(match.group(2))


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_NEEDS_ESCAPE = re.compile(r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def text(value: str) -> str:
    """Text safe inside an XML element or attribute."""
    if not _NEEDS_ESCAPE.search(value):
        return value
    return escape(_ILLEGAL.sub("", value), {'"': "&quot;"})


def inline_cell(ref: str, value, style: int) -> str:
    """One cell: text as an inline string (never a formula), numbers as numbers, None as a styled blank."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text(str(value))}</t></is></c>'


# --- top-level elements of a part (head and tail of a sheet, styles, workbook) -----------------------------

_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")


def elements(xml: str) -> list[tuple[str, str]]:
    """The top-level elements of an XML fragment as (local name, text), in order; text between them is dropped
    unless it is an element."""
    found, pos = [], 0
    while True:
        start = xml.find("<", pos)
        if start < 0:
            return found
        match = _TAG.match(xml, start)
        if not match:  # a comment or processing instruction: skip it
            pos = xml.find(">", start) + 1
            continue
        name = match.group(1)
        close = xml.find(">", start)
        if xml[close - 1] == "/":
            found.append((name.split(":")[-1], xml[start:close + 1]))
            pos = close + 1
            continue
        depth, cursor = 1, close + 1
        opener = re.compile(rf"<{re.escape(name)}(?=[\s/>])|</{re.escape(name)}\s*>")
        while depth:
            tag = opener.search(xml, cursor)
            if tag is None:
                raise ValueError(f"unclosed <{name}>")
            if tag.group(0).startswith("</"):
                depth -= 1
            else:
                end = xml.find(">", tag.end())
                depth += xml[end - 1] != "/"
            cursor = xml.find(">", tag.end()) + 1 if not tag.group(0).startswith("</") else tag.end()
        found.append((name.split(":")[-1], xml[start:cursor]))
        pos = cursor


def put_element(parts: list[tuple[str, str]], name: str, xml: str, order=SHEET_ORDER) -> None:
    """Replace the element ``name`` or insert it where the schema's order puts it."""
    for index, (existing, _) in enumerate(parts):
        if existing == name:
            parts[index] = (name, xml)
            return
    rank = order.index(name)
    for index, (existing, _) in enumerate(parts):
        if existing in order and order.index(existing) > rank:
            parts.insert(index, (name, xml))
            return
    parts.append((name, xml))


def get_element(parts: list[tuple[str, str]], name: str) -> Optional[str]:
    return next((xml for existing, xml in parts if existing == name), None)


def attribute(tag: str, name: str) -> Optional[str]:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def set_attribute(tag: str, name: str, value: Optional[str]) -> str:
    """Set (or with None remove) an attribute of an element's start tag (``tag``: the element's text)."""
    head_end = tag.find(">")
    head, rest = tag[:head_end + 1], tag[head_end + 1:]
    pattern = re.compile(rf'\s{name}="[^"]*"')
    if pattern.search(head):
        head = pattern.sub("" if value is None else f' {name}="{value}"', head, count=1)
    elif value is not None:
        cut = len(head) - (2 if head.endswith("/>") else 1)
        head = f'{head[:cut]} {name}="{value}"{head[cut:]}'
    return head + rest


# --- styles -------------------------------------------------------------------------------------------------

class Styles:
    """A workbook's styles part, with fills, fonts, borders and cell formats appended (never changed)."""

    def __init__(self, xml: str):
        self.xml = xml
        self.new: dict[str, list[str]] = {"fonts": [], "fills": [], "borders": [], "cellXfs": []}
        self.count = {key: self._count(key) for key in self.new}
        self.xfs = self._xfs()
        self._derived: dict[tuple, int] = {}

    def _section(self, name: str, xml: Optional[str] = None) -> Optional[re.Match]:
        return re.search(rf"<{name}\b[^>]*?(?:/>|>(.*?)</{name}>)", self.xml if xml is None else xml, re.DOTALL)

    def _count(self, name: str) -> int:
        section = self._section(name)
        if section is None or section.group(1) is None:
            return 0
        child = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}[name]
        return len(re.findall(rf"<{child}(?=[\s/>])", section.group(1)))

    def _xfs(self) -> list[str]:
        section = self._section("cellXfs")
        if section is None or section.group(1) is None:
            return []
        return [xml for _, xml in elements(section.group(1))]

    def add(self, kind: str, xml: str) -> int:
        self.new[kind].append(xml)
        return self.count[kind] + len(self.new[kind]) - 1

    def font(self, bold=False, color="", size=11.0) -> int:
        colour = f'<color rgb="FF{color}"/>' if color else ""
        return self.add("fonts", f'<font>{"<b/>" if bold else ""}<sz val="{size:g}"/>{colour}<name val="宋体"/>'
                                 '<family val="3"/><charset val="134"/></font>')

    def fill(self, rgb: str) -> int:
        return self.add("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                                 '<bgColor indexed="64"/></patternFill></fill>')

    def border(self) -> int:
        side = '<{0} style="thin"><color indexed="64"/></{0}>'
        return self.add("borders", "<border>" + "".join(side.format(s) for s in ("left", "right", "top", "bottom"))
                        + "<diagonal/></border>")

    def xf(self, font=0, fill=0, border=0, wrap=True, horizontal="", vertical="top") -> int:
        across = f' horizontal="{horizontal}"' if horizontal else ""
        wrapped = ' wrapText="1"' if wrap else ""
        align = f'<alignment{across} vertical="{vertical}"{wrapped}/>'
        return self.add("cellXfs", f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
                                   f'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">{align}</xf>')

    def with_fill(self, index: int, fill: int) -> int:
        """A copy of cell format ``index`` with this fill (cached)."""
        key = (index, fill)
        if key not in self._derived:
            base = self.xfs[index] if 0 <= index < len(self.xfs) else '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            base = set_attribute(set_attribute(base, "fillId", str(fill)), "applyFill", "1")
            self._derived[key] = self.add("cellXfs", base)
        return self._derived[key]

    def render(self) -> str:
        xml = self.xml
        for name, added in self.new.items():
            if not added:
                continue
            total = self.count[name] + len(added)
            section = self._section(name, xml)
            if section is None:
                xml = _insert_section(xml, name, f'<{name} count="{total}">{"".join(added)}</{name}>')
                continue
            whole = section.group(0)
            if whole.endswith("/>"):
                body = f'<{name} count="{total}">{"".join(added)}</{name}>'
            else:
                body = set_attribute(whole[: whole.rindex(f"</{name}>")], "count", str(total)) + "".join(added) \
                    + f"</{name}>"
            xml = xml[:section.start()] + body + xml[section.end():]
        return xml


_STYLE_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")


def _insert_section(xml: str, name: str, body: str) -> str:
    rank = _STYLE_ORDER.index(name)
    for later in _STYLE_ORDER[rank + 1:]:
        match = re.search(rf"<{later}\b", xml)
        if match:
            return xml[:match.start()] + body + xml[match.start():]
    end = xml.rindex("</styleSheet>")
    return xml[:end] + body + xml[end:]


MINIMAL_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


# --- new sheets ---------------------------------------------------------------------------------------------

@dataclass
class SheetSpec:
    """A sheet to write: rows of (value, style) cells, and how it shows and prints."""

    name: str
    rows: list[list[tuple[object, int]]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width
    hidden: tuple[int, ...] = ()  # columns hidden (still in the sheet)
    freeze_rows: int = 0
    filter_header: int = 0  # the header row of an auto-filter over the table below it (0: none)
    merges: list[str] = field(default_factory=list)
    landscape: bool = True
    heights: dict[int, float] = field(default_factory=dict)
    plain: int = -1  # the plain text format: blank cells in it are left out (they would only draw a border)
    one_page: bool = False  # print on one page (a summary), not only one page wide
    footer: str = ""  # the printed footer (Excel header/footer codes: &C centred, &P page, &N pages)

    @property
    def last_column(self) -> int:
        return max((len(r) for r in self.rows), default=1)

    def xml(self) -> Iterator[str]:
        last = column_letters(self.last_column)
        yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
               f'xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
               f'<dimension ref="A1:{last}{max(len(self.rows), 1)}"/><sheetViews><sheetView workbookViewId="0">')
        if self.freeze_rows:
            yield (f'<pane ySplit="{self.freeze_rows}" topLeftCell="A{self.freeze_rows + 1}" activePane="bottomLeft" '
                   f'state="frozen"/><selection pane="bottomLeft" activeCell="A{self.freeze_rows + 1}" '
                   f'sqref="A{self.freeze_rows + 1}"/>')
        yield '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        columns = sorted(set(self.widths) | set(self.hidden))
        if columns:
            hidden = ' hidden="1"'
            yield "<cols>" + "".join(
                f'<col min="{c}" max="{c}" width="{self.widths.get(c, 10)}" customWidth="1"'
                f'{hidden if c in self.hidden else ""}/>' for c in columns) + "</cols>"
        yield "<sheetData>"
        letters = [column_letters(c) for c in range(1, self.last_column + 1)]
        batch: list[str] = []
        for number, row in enumerate(self.rows, 1):
            height = self.heights.get(number)
            batch.append(f'<row r="{number}"' + (f' ht="{height}" customHeight="1"' if height else "") + ">"
                         + "".join(inline_cell(f"{letters[c]}{number}", v, s) for c, (v, s) in enumerate(row)
                                   if v is not None and v != "" or number == 1 or s != self.plain)
                         + "</row>")
            if len(batch) >= 500:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
        yield "</sheetData>"
        if self.filter_header and len(self.rows) > self.filter_header:
            yield f'<autoFilter ref="A{self.filter_header}:{last}{len(self.rows)}"/>'
        if self.merges:
            yield f'<mergeCells count="{len(self.merges)}">' + "".join(
                f'<mergeCell ref="{m}"/>' for m in self.merges) + "</mergeCells>"
        yield ('<printOptions gridLines="0"/><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
               f'footer="0.3"/><pageSetup paperSize="9" orientation="{"landscape" if self.landscape else "portrait"}" '
               f'fitToWidth="1" fitToHeight="{1 if self.one_page else 0}"/>'
               + (f'<headerFooter><oddFooter>{text(self.footer)}</oddFooter></headerFooter>' if self.footer else "")
               + '</worksheet>')

    def print_titles(self) -> Optional[str]:
        return f"'{self.name.replace(chr(39), chr(39) * 2)}'!$1:${self.freeze_rows}" if self.freeze_rows else None


# --- rewriting a sheet's rows -------------------------------------------------------------------------------

_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.DOTALL)
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.DOTALL)
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>(?=<[vfi])')


def stream_member(source: IO[bytes]) -> Iterator[bytes]:
    while True:
        block = source.read(CHUNK)
        if not block:
            return
        yield block


def _beyond(column: int) -> str:
    """A regex alternation of the column letters after ``column`` (A–XFD), to skip narrower cells fast."""
    letters = column_letters(column) if column else ""
    if len(letters) <= 1:
        single = chr(ord(letters) + 1) if letters else "A"
        return ("[" + single + "-Z]|" if single <= "Z" else "") + "[A-Z]{2,3}"
    return "[A-Z]{2,3}"  # wide tables: every two-letter column is checked exactly below


def scan_sheet(chunks: Iterable[bytes], rows: tuple[int, int], beyond: int = 0) -> tuple[int, bytes]:
    """One pass over a sheet: the highest column holding a value in rows ``first..last`` (only columns after
    ``beyond`` are looked at), and the part after ``</sheetData>`` (merges, auto-filter, page set-up)."""
    first, last = rows
    pattern = re.compile(rb'<c r="(' + _beyond(beyond).encode() + rb')(\d+)"[^>]*?>(?=<[vfi])')
    highest, carry = beyond, b""

    def scan(data: bytes, end: int) -> None:
        nonlocal highest
        for match in pattern.finditer(data, 0, end):
            row = int(match.group(2))
            if first <= row <= last:
                highest = max(highest, column_number(match.group(1).decode()))

    for block in chunks:
        data = carry + block
        cut = data.rfind(b"<c ")
        if cut <= 0:
            carry = data
            continue
        scan(data, cut)
        carry = data[cut:]
    scan(carry, len(carry))
    end = carry.rfind(b"</sheetData>")
    tail = carry[end + len(b"</sheetData>"):] if end >= 0 else b""
    return highest, tail


class Batched:
    """Collects small writes into blocks of about a megabyte (a zip member pays per write) and hands each block
    to ``target`` on a thread of its own, one block behind the caller: a zip member's CRC and deflate (zlib)
    and the file's write run without the GIL, so they overlap the making of the next block.  Use it as a
    context manager: leaving it writes what is left and waits for it (and stops the thread on an error too)."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.parts: list[bytes] = []
        self.size = 0
        self.pending = None  # the block being written
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gbm-check-deflate")

    def __enter__(self) -> "Batched":
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self.flush()
            self._wait()
        finally:
            self.thread.shutdown(wait=True)

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Hand the collected writes over (after the block before them is written)."""
        if not self.parts:
            return
        block = b"".join(self.parts)
        self.parts, self.size = [], 0
        self._wait()
        self.pending = self.thread.submit(self.target.write, block)

    def _wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()  # a write's error is raised here, in the caller's thread


def split_sheet(chunks: Iterator[bytes]) -> tuple[str, Iterator[bytes]]:
    """The sheet's head (up to ``<sheetData>``) as text, and the rest as a stream of bytes."""
    head = b""
    for block in chunks:
        head += block
        at = head.find(b"<sheetData")
        if at >= 0:
            rest = head[at:]

            def remainder() -> Iterator[bytes]:
                yield rest
                yield from chunks

            return head[:at].decode("utf-8"), remainder()
    raise ValueError("worksheet without sheetData")


def rows_of(stream: Iterator[bytes]) -> Iterator[tuple[Optional[bytes], bytes]]:
    """(row element, b"") for each row, (None, text) for what lies between and after the rows."""
    carry = b""
    for block in stream:
        data = carry + block
        last = data.rfind(b"</row>")
        if last < 0:
            carry = data
            continue
        yield from _split_rows(data[:last + 6])
        carry = data[last + 6:]
    yield from _split_rows(carry)


def _split_rows(data: bytes) -> Iterator[tuple[Optional[bytes], bytes]]:
    pos = 0
    for match in _ROW.finditer(data):
        if match.start() > pos:
            yield None, data[pos:match.start()]
        yield match.group(0), b""
        pos = match.end()
    if pos < len(data):
        yield None, data[pos:]


def row_number(row: bytes, previous: int) -> int:
    match = re.search(rb'\sr="(\d+)"', row[: row.find(b">") + 1])
    return int(match.group(1)) if match else previous + 1


def rewrite_row(row: str, number: int, fill_upto: int, style_of, extra: dict[int, str]) -> str:
    """A row with cells 1..``fill_upto`` restyled by ``style_of(old style) -> new style`` (blank cells created
    where missing) and the cells in ``extra`` (column → cell XML) put in their place."""
    head_end = row.find(">")
    head = row[:head_end + 1]
    self_closing = head.endswith("/>")
    if not fill_upto and extra and not self_closing:  # the usual case: new cells after every existing one
        last = row.rfind("<c ")
        ref = attribute(row[last:row.find(">", last) + 1], "r") if last > 0 else None
        if last < 0 or ref and split_ref(ref)[0] < min(extra):
            end = row.rindex("</row>")
            return set_attribute(head, "spans", None) + row[head_end + 1:end] + "".join(
                extra[c] for c in sorted(extra)) + "</row>"
    body = "" if self_closing else row[head_end + 1: row.rindex("</row>")]
    head = set_attribute(head, "spans", None)
    if self_closing:
        head = head[:-2] + ">"
    cells: dict[int, str] = {}
    column = 0
    for match in _CELL.finditer(body):
        cell = match.group(0)
        ref = attribute(cell[: cell.find(">") + 1], "r")
        column = split_ref(ref)[0] if ref else column + 1
        if ref is None:
            cell = set_attribute(cell, "r", f"{column_letters(column)}{number}")
        cells[column] = cell
    if fill_upto:
        for col in range(1, fill_upto + 1):
            if col in cells:
                old = attribute(cells[col][: cells[col].find(">") + 1], "s")
                cells[col] = set_attribute(cells[col], "s", str(style_of(int(old or 0))))
            elif col not in extra:
                cells[col] = f'<c r="{column_letters(col)}{number}" s="{style_of(0)}"/>'
    cells.update(extra)
    return head + "".join(cells[c] for c in sorted(cells)) + "</row>"
