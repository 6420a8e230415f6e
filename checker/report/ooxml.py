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

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Iterable, Iterator, Optional
from xml.sax.saxutils import escape

from .common import text_width

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

    def width_scale(self) -> float:
        """Column width units per character of an 11-point font: a column's unit is a digit of the workbook's
        default font (its first), so a 9-point default needs wider columns for the same text."""
        fonts = self._section("fonts")
        size = re.search(r'<sz val="([\d.]+)"', fonts.group(1) or "") if fonts else None
        return min(max(11 / float(size.group(1)), 0.7), 1.6) if size and float(size.group(1)) > 0 else 1.0

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


# --- printing new sheets -----------------------------------------------------------------------------------

PAPERS = ((9, 595.0, 842.0), (8, 842.0, 1191.0))  # paperSize code, short and long side in points: A4, A3
MARGINS = (72.0, 130.0)  # points lost across (left + right) and down (top + bottom, header and footer included)
MIN_SCALE = 0.7  # printed smaller, 10-point text is no longer comfortably legible
LINE_HEIGHT, ROW_HEIGHT = 15.0, 15.0  # points: a line of wrapped 10-point text (CJK fonts space wide); a row
DEFAULT_WIDTH = 9.0  # a column without a <col> width
CHAR_WIDTH = 0.85  # column width of a 10-point half-width character (CJK: two), in 11-point characters


def column_points(width: float) -> float:
    """The printed width of a column, in points (``width`` in characters of the 11-point default font)."""
    return 5.25 * width + 4


def line_room(width: float) -> float:
    """Half-width characters of 10-point text a line holds in a column ``width`` characters wide (11-point
    default font)."""
    return max(width - 1, 1.0) / CHAR_WIDTH


def wrapped_lines(value: str, room: float) -> int:
    """The lines a text takes wrapped in lines of ``room`` (``line_room``)."""
    lines = value.split("\n")  # each takes one line, and more where it may be longer than one (measured then)
    return len(lines) + sum(max(1, math.ceil(text_width(line.strip()) / room)) - 1 for line in lines
                            if 2 * len(line) > room)


@dataclass(frozen=True)
class PageFit:
    """How a new sheet prints: on which paper, fitted to one page wide (and tall) or at a fixed scale."""

    paper: int  # paperSize: 9 A4, 8 A3
    fit: bool  # one page wide (fitToPage); else at MIN_SCALE, pages across
    one_page: bool  # one page tall too


# --- new sheets ---------------------------------------------------------------------------------------------

@dataclass
class SheetSpec:
    """A sheet to write: rows of (value, style) cells, and how it shows and prints."""

    name: str
    rows: list[list[tuple[object, int]]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width (11-point characters)
    hidden: tuple[int, ...] = ()  # columns hidden (still in the sheet)
    freeze_rows: int = 0
    filter_header: int = 0  # the header row of an auto-filter over the table below it (0: none)
    merges: list[str] = field(default_factory=list)
    landscape: bool = True
    heights: dict[int, float] = field(default_factory=dict)  # row → height in points (with ``wrap``: at least)
    plain: int = -1  # the plain text format: blank cells in it are left out (they would only draw a border)
    one_page: bool = False  # print on one page (a summary), not only one page wide, where that stays legible
    footer: str = ""  # the printed footer (Excel header/footer codes: &C centred, &P page, &N pages)
    wrap: bool = False  # rows not in ``heights`` get the height their wrapped text needs
    title_columns: int = 0  # columns repeated on each page when the sheet prints more than one page wide
    width_scale: float = 1.0  # the workbook's column width unit per 11-point character (its default font)
    page_break: int = 0  # a row that starts a new printed page when the sheet takes more than one

    @property
    def last_column(self) -> int:
        return max((len(r) for r in self.rows), default=1)

    def width(self, column: int) -> float:
        """A column's width in 11-point characters; 0 when hidden."""
        return 0.0 if column in self.hidden else self.widths.get(column, DEFAULT_WIDTH)

    @cached_property
    def row_heights(self) -> dict[int, float]:
        """The rows' heights: those given, raised (``wrap``) to what wrapped text needs where that is more than a
        line."""
        heights = dict(self.heights)
        if not self.wrap:
            return heights
        spans = self._spans()
        rooms = [line_room(width) if width else 0.0 for width in map(self.width, range(1, self.last_column + 1))]
        for number, row in enumerate(self.rows, 1):
            lines = 1
            for column, (value, _) in enumerate(row):
                room = spans.get((number, column), rooms[column]) if spans else rooms[column]
                if type(value) is str and room and (2 * len(value) > room or "\n" in value):  # else one line
                    lines = max(lines, wrapped_lines(value, room))
            if lines > 1:
                heights[number] = max(heights.get(number, 0), LINE_HEIGHT * lines + 2)
        return heights

    def _spans(self) -> dict[tuple[int, int], float]:
        """(row, 0-based column) of the first cell of each one-row merge → the ``line_room`` of its columns."""
        spans = {}
        for ref in self.merges:
            (left, top), (right, bottom) = (split_ref(corner) for corner in ref.split(":"))
            if top == bottom:
                spans[top, left - 1] = line_room(sum(self.width(c) for c in range(left, right + 1)))
        return spans

    @cached_property
    def page_fit(self) -> PageFit:
        """The smallest paper (A4, A3) on which one page wide prints at MIN_SCALE or more, fitted to it; one page
        tall too (``one_page``) only where that stays at MIN_SCALE.  Wider sheets print on A3 at MIN_SCALE."""
        wide = sum(column_points(w) for w in map(self.width, range(1, self.last_column + 1)) if w)
        heights = self.row_heights
        tall = sum(heights.get(n, ROW_HEIGHT) for n in range(1, len(self.rows) + 1))
        for paper, short, long in PAPERS:
            across, down = (long, short) if self.landscape else (short, long)
            scale = min((across - MARGINS[0]) / wide, 1.0)
            if scale >= MIN_SCALE:
                return PageFit(paper, True, self.one_page and (down - MARGINS[1]) / tall >= MIN_SCALE)
        return PageFit(PAPERS[-1][0], False, False)

    def xml(self) -> Iterator[str]:
        last = column_letters(self.last_column)
        fit = self.page_fit
        yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
               f'xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="{int(fit.fit)}"/></sheetPr>'
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
                f'<col min="{c}" max="{c}" width="{round(self.widths.get(c, 10) * self.width_scale, 2)}" '
                f'customWidth="1"{hidden if c in self.hidden else ""}/>' for c in columns) + "</cols>"
        yield "<sheetData>"
        letters = [column_letters(c) for c in range(1, self.last_column + 1)]
        heights = self.row_heights
        batch: list[str] = []
        for number, row in enumerate(self.rows, 1):
            height = heights.get(number)
            batch.append(f'<row r="{number}"' + (f' ht="{height:g}" customHeight="1"' if height else "") + ">"
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
        size = f'fitToWidth="1" fitToHeight="{int(fit.one_page)}"' if fit.fit else f'scale="{round(MIN_SCALE * 100)}"'
        yield ('<printOptions gridLines="0"/><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" '
               f'footer="0.3"/><pageSetup paperSize="{fit.paper}" '
               f'orientation="{"landscape" if self.landscape else "portrait"}" {size}/>'
               + (f'<headerFooter><oddFooter>{text(self.footer)}</oddFooter></headerFooter>' if self.footer else "")
               + (f'<rowBreaks count="1" manualBreakCount="1"><brk id="{self.page_break - 1}" max="16383" man="1"/>'
                  '</rowBreaks>' if self.page_break > 1 and not fit.one_page else "")
               + '</worksheet>')

    def print_titles(self) -> Optional[str]:
        """The rows (and, printed pages across, the columns) repeated on every printed page."""
        sheet = "'" + self.name.replace("'", "''") + "'!"
        titles = [f"{sheet}$1:${self.freeze_rows}"] if self.freeze_rows else []
        if self.title_columns and not self.page_fit.fit:
            titles.insert(0, f"{sheet}$A:${column_letters(self.title_columns)}")
        return ",".join(titles) or None


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
