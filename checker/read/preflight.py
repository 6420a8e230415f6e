"""Pre-flight: measure what a file would expand to, from its raw container, before any parser is asked for it.

A parser allocates what a file *says*: calamine builds a dense grid from the first to the last cell that holds a
value (one value at ZZZZ1048576 asks for terabytes) and copies a shared string into every cell that uses it (a
1 MB string used by 5,000 cells is 5 GB); pdfminer follows a chain of references that loops back on itself for
ever.  Here the container is read as bytes, streamed, with regular expressions that never build the document:

- xlsx/xlsm: every worksheet's real extent (cells that hold a value, wherever they are) and the text it
  expands to (shared strings × their uses, inline strings); merged ranges counted;
- ods: rows and cells with their repeat counts;
- pdf: reference chains that loop, brackets nested deeper than any real file, and PDFium (robust on malformed
  files) for the page count and, with OCR, the pages without a text layer;
- csv/xls/xlsb: an estimate from the file size (a worker's memory limit is their backstop; a CSV's cells are
  counted as it is read).

``preflight`` raises ``InputRefused`` with a one-line reason, or returns the ``Work`` (cells, pages) the time
budget is made of.  The memory estimates are calibrated on python-calamine 0.9 (``MEMORY_PER_CELL``,
``MEMORY_PER_TEXT_BYTE``): a sheet whose grid would not fit the per-file memory limit is refused here, so
that nothing tries to allocate it.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from array import array
from functools import lru_cache
from operator import itemgetter

from ..limits import MEMORY_BYTES, Work
from .sniff import InputRefused

MAX_CELLS_PER_SHEET = 20_000_000  # rows × columns of one sheet's extent
# All sheets of one file.  What bounds it is the command, not the worker: every line read becomes report data,
# and the JSON/HTML/xlsx writers hold ~10 KB per line today (a 100,000-line bill: 1 GB in the JSON writer).
# 1.2 million cells is ~90,000 lines of a paged 表-08.  Raise it when the report writers stream (issue 12).
MAX_CELLS_PER_FILE = 1_200_000
MAX_MERGED_RANGES = 200_000  # merged ranges of one sheet (a 2,000-page bill has ~20,000)
MAX_ELEMENT_BYTES = 32 << 20  # one XML element (a cell, a shared string) larger than this is not a bill
MAX_PDF_NESTING = 100  # arrays/dictionaries nested deeper than this (PDFium's own parser stops at 64)
MEMORY_PER_CELL = 120  # bytes a grid cell costs (Rust cell + Python object + list slot), measured
MEMORY_PER_TEXT_BYTE = 4  # bytes per byte of cell text (Rust copy, shared pool, Python str, items)
MEMORY_BASE = 200 << 20  # the interpreter, the catalogs and the reader's own working set
CSV_MEMORY_PER_BYTE = 8  # decoded text, one str per field, rows and items, per byte of CSV
_CHUNK = 16 << 20  # bytes of XML scanned at a time (the reference lists of one piece stay ~50 MB)


def preflight(path: str, fmt: str, size: int, *, memory: int = MEMORY_BYTES, ocr: bool = False) -> Work:
    """Refuse a file that would blow up a parser; otherwise return the work it holds."""
    budget = memory or 16 * MEMORY_BYTES
    if fmt in ("xlsx", "xlsm"):
        return _xlsx(path, budget)
    if fmt == "ods":
        return _ods(path, budget)
    if fmt == "pdf":
        return _pdf(path, ocr)
    if fmt in ("png", "jpeg", "tiff"):  # a bill image: each frame is a page OCR reads (PIL guards pixel bombs)
        from .pdf_ocr import scanned_pages

        frames = scanned_pages(path)
        return Work(pages=frames, scanned_pages=frames)
    if fmt == "csv":
        needed = MEMORY_BASE + CSV_MEMORY_PER_BYTE * size
        if needed > budget:
            raise InputRefused(_too_big(f"this {size / 1e6:.0f} MB text file", needed, budget))
        return Work(cells=size // 12)  # its cells are counted as it is read (``csvfile.csv_grid``)
    return Work(cells=size // 8)  # xls, xlsb: binary records of 8–20 bytes a cell


def check_file_cells(cells: int) -> None:
    """Refuse a file of more than ``MAX_CELLS_PER_FILE`` cells."""
    if cells > MAX_CELLS_PER_FILE:
        raise InputRefused(f"too big to check: {cells:,} cells, over the {MAX_CELLS_PER_FILE:,} a file may have "
                           f"(about 90,000 bill lines); NOT checked — split the bill (see README: supported sizes)")


def _too_big(what: str, needed: int, budget: int) -> str:
    return (f"{what} would need about {needed / 2**30:.1f} GB of memory to read, over the "
            f"{budget / 2**30:.1f} GB limit per file; NOT checked — split the bill (see README: supported sizes)")


# ------------------------------------------------------------------------------------------------------------
# xlsx / xlsm

_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'\b(Type|Target|TargetMode)\s*=\s*["\']([^"\']*)["\']')


class _CellPatterns:
    """The regular expressions of one sheet scan.  The plain ones start with a literal (fast to search);
    the general ones also take namespace-prefixed elements (<x:c …>), used where a chunk has them."""

    def __init__(self, prefix: bytes):
        p = prefix
        self.valued_ref = re.compile(rb"<" + p + rb'c r="([A-Za-z]{1,12})([0-9]{1,12})"[^>]*(?<!/)>')  # r first
        self.valued_ref_anywhere = re.compile(rb"<" + p + rb'c\s(?:[^>]*?\s)?r="([A-Za-z]{1,12})([0-9]{1,12})"'
                                              rb"[^>]*(?<!/)>")
        self.valued_cell = re.compile(rb"<" + p + rb"c(?:\s[^>]*)?(?<!/)>")
        self.shared_use = re.compile(rb't="s"[^>]*>\s*(?:<' + p + rb"f\b[^>]*(?:/>|>[^<]*</" + p + rb"f>)\s*)?<" + p
                                     + rb"v>\s*([0-9]{1,12})\s*<")
        self.text = re.compile(rb"<" + p + rb"[tv](?:\s[^>]*)?>([^<]*)<")


_PLAIN = _CellPatterns(b"")
_ANY_REF = re.compile(rb'<c r="([A-Za-z]{1,12})([0-9]{1,12})"')  # every cell, valued or not (the quick pass)
_SAMPLE_BYTES = 1 << 16  # of a chunk's head and tail, whose references bound the quick pass's search
_GENERAL = _CellPatterns(rb"(?:\w+:)?")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,12})"')
_END = re.compile(rb"</(?:\w+:)?(?:c|row|si)>")


def _xlsx(path: str, budget: int) -> Work:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            sheets, strings = _workbook_parts(archive, names)
            lengths = _shared_string_lengths(archive, strings) if strings else array("I")
            if strings:
                _check_claimed_strings(archive, strings, len(lengths), budget)
            cells, uncached = 0, []
            for part in sheets:
                rows: set[int] = set()
                cells += _check_sheet(archive, part, lengths, budget, rows)
                check_file_cells(cells)
                if rows:
                    uncached.append((part, tuple(sorted(rows))))
    except zipfile.BadZipFile as exc:
        raise InputRefused(f"corrupt or truncated workbook (zip: {exc})") from None
    except (EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as exc:  # zip streams
        raise InputRefused(f"corrupt or truncated workbook ({type(exc).__name__}: {_short(exc)})") from None
    return Work(cells=cells, uncached_formulas=tuple(uncached))


def _workbook_parts(archive: zipfile.ZipFile, names: set[str]) -> tuple[list[str], str | None]:
    """The worksheet parts and the shared-strings part, from the workbook's relationships (every
    xl/worksheets/*.xml as well: a part the relationships do not name is not read, but costs nothing)."""
    sheets: list[str] = []
    strings = None
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        data = _read_small(archive, rels)
        for rel in _REL.findall(data):
            attrs = {k: v.decode("utf-8", "replace") for k, v in _ATTR.findall(rel)}
            if attrs.get("TargetMode", "").lower() == "external" or "Target" not in attrs:
                continue
            target = attrs["Target"]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            if kind == "worksheet" and part in names:
                sheets.append(part)
            elif kind == "sharedStrings" and part in names:
                strings = part
    sheets += sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml") and n not in sheets)
    if strings is None and "xl/sharedStrings.xml" in names:
        strings = "xl/sharedStrings.xml"
    return sheets, strings


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputRefused(f"workbook part {name!r} is over {limit >> 20} MB (not a bill workbook)")
    return data


def _chunks(archive: zipfile.ZipFile, name: str):
    """The member's bytes in pieces of about _CHUNK that end after a complete cell, row or shared string (a
    small member in one piece)."""
    carry = b""
    with archive.open(name) as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            data = carry + block if carry else block
            cut = _last_end(data)
            if cut is None:
                if len(data) > MAX_ELEMENT_BYTES:
                    raise InputRefused(f"workbook part {name!r} holds one element over "
                                       f"{MAX_ELEMENT_BYTES >> 20} MB (not a bill workbook)")
                carry = data
                continue
            yield data[:cut] if cut < len(data) else data
            carry = data[cut:]
    if carry:
        yield carry


def _last_end(data: bytes) -> int | None:
    """Where the last complete cell, row or shared string of ``data`` ends (None: there is none).

    The plain end tags are found from the back (``rfind``: a sheet's tail of merged ranges or a shared-strings
    part holds none, and walking it match by match cost 70 ms a chunk); only what follows the last of them is
    searched for namespace-prefixed ones (``</x:c>``)."""
    plain = max(data.rfind(b"</c>") + 4, data.rfind(b"</row>") + 6, data.rfind(b"</si>") + 5)
    start = plain if plain > 5 else 0  # rfind's -1 gives at most 5: no plain end tag
    last = None
    for last in _END.finditer(data, start):
        pass
    if last is not None:
        return last.end()
    return plain if plain > 5 else None


def _shared_string_lengths(archive: zipfile.ZipFile, name: str) -> array:
    """An upper bound of each shared string's length in bytes (the XML between one </si> and the next)."""
    lengths = array("I")
    previous = 0
    offset = 0
    for chunk in _chunks(archive, name):
        for match in re.finditer(rb"</(?:\w+:)?si>", chunk):
            end = offset + match.end()
            lengths.append(min(end - previous, 0xFFFFFFFF))
            previous = end
        offset += len(chunk)
    return lengths


_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_UNIQUE_COUNT = re.compile(rb'\buniqueCount\s*=\s*["\']\s*([0-9]{1,20})\s*["\']')
MEMORY_PER_CLAIMED_STRING = 24  # calamine reserves a String (24 bytes) per string the part's uniqueCount claims


def _check_claimed_strings(archive: zipfile.ZipFile, name: str, held: int, budget: int) -> None:
    """Refuse a shared-strings part whose ``uniqueCount`` makes the reader reserve more memory than the limit
    (calamine reserves that many strings before reading one: a 2 KB part claiming 4,000,000,000 asks for 89 GB)."""
    with archive.open(name) as part:
        head = part.read(4096)
    tag = _SST.search(head)
    count = _UNIQUE_COUNT.search(tag.group(0)) if tag else None
    claimed = int(count.group(1)) if count else 0
    if claimed * MEMORY_PER_CLAIMED_STRING > budget:
        raise InputRefused(f"the shared-strings part claims {claimed:,} strings and holds {held:,}: the reader would "
                           f"reserve {claimed * MEMORY_PER_CLAIMED_STRING / 2**30:.1f} GB for them (damaged or "
                           f"hostile); NOT checked")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _check_sheet(archive: zipfile.ZipFile, part: str, lengths: array, budget: int, uncached: set[int]) -> int:
    """Refuse a sheet whose grid or text would not fit; return its extent in cells; add the rows of its formula
    cells saved without a value to ``uncached`` (``uncached_rows``).

    A quick pass bounds the extent by every referenced cell (valued or not) and the text by the XML's size
    plus every shared-string use at the longest string's length; only a sheet those bounds do not clear is
    scanned exactly (cells that hold a value, the text each shared-string use really adds)."""
    quick = _scan_sheet(archive, part, lengths, exact=False, uncached=uncached)
    if quick is None or not _fits(quick, budget):
        # a quick pass that went to the end has found every such row already
        exact = _scan_sheet(archive, part, lengths, exact=True, uncached=uncached if quick is None else set())
        problem = _fits(exact, budget, explain=True)
        if problem:
            raise InputRefused(f"sheet part {part.rsplit('/', 1)[-1]!r} {problem}")
        quick = exact
    return quick[0] * quick[1]


def _fits(extent: tuple[int, int, int, int, int] | None, budget: int, explain: bool = False):
    """Whether (height, width, text bytes, merged ranges, last row) is within the limits; with ``explain``,
    the reason it is not ('' when it is)."""
    height, width, text, merges, last_row = extent
    cells = height * width
    needed = MEMORY_BASE + MEMORY_PER_CELL * cells + MEMORY_PER_TEXT_BYTE * text
    if cells > MAX_CELLS_PER_SHEET:
        reason = (f"spans {height}×{width} cells (values as far as row {last_row}), over the limit of "
                  f"{MAX_CELLS_PER_SHEET}")
    elif merges > MAX_MERGED_RANGES:
        reason = f"has {merges} merged ranges, over the limit of {MAX_MERGED_RANGES}"
    elif needed > budget:
        reason = _too_big(f"({height}×{width} cells, {text / 1e6:.0f} MB of text)", needed, budget)
    else:
        reason = ""
    return reason if explain else not reason


def _scan_sheet(archive: zipfile.ZipFile, part: str, lengths: array, exact: bool, uncached: set[int]):
    """(height, width, text bytes, merged ranges, last row) of a sheet, bounded (quick) or exact; None when
    the quick pass meets cells it cannot place (no r="A1" first, namespace prefixes).  The rows of formula
    cells saved without a value go into ``uncached`` on the way."""
    bounds = None  # (first row, last row, first column, last column) of the cells placed so far
    implicit_height = implicit_width = 0
    text = sum(lengths)  # the shared-string pool itself is loaded once
    merges = shared = 0
    count = len(lengths)
    for chunk in _chunks(archive, part):
        merges += chunk.count(b"mergeCell ")
        uncached.update(uncached_rows(chunk))
        if exact:
            patterns = _GENERAL if b":c" in chunk else _PLAIN
            refs = patterns.valued_ref.findall(chunk)
            valued = len(patterns.valued_cell.findall(chunk))
            if len(refs) != valued:  # r="A1" is not the first attribute everywhere (Excel and WPS put it first)
                refs = patterns.valued_ref_anywhere.findall(chunk)
            if len(refs) != valued:  # cells without r="A1": placed by their order
                for row, width in _implicit_extent(chunk):
                    implicit_height, implicit_width = max(implicit_height, row), max(implicit_width, width)
            uses = map(int, patterns.shared_use.findall(chunk))
            text += sum(map(lengths.__getitem__, filter(count.__gt__, uses)))
            text += sum(map(len, patterns.text.findall(chunk)))
            found = _ref_bounds(refs)
        else:
            cells = chunk.count(b"<c ")
            if chunk.count(b'<c r="') != cells or b"<c>" in chunk or b":c" in chunk:
                return None
            found = _quick_bounds(chunk, cells)
            if found is False:
                return None
            shared += chunk.count(b't="s"')
            text += len(chunk)
        if found is not None:
            bounds = found if bounds is None else (min(bounds[0], found[0]), max(bounds[1], found[1]),
                                                   min(bounds[2], found[2]), max(bounds[3], found[3]))
    if not exact and shared:
        text += shared * max(lengths, default=0)
    height = width = 0
    if bounds is not None:
        height, width = bounds[1] - bounds[0] + 1, bounds[3] - bounds[2] + 1
    height, width = max(height, implicit_height), max(width, implicit_width)
    return height, width, text, merges, max(bounds[1] if bounds else 0, implicit_height)


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")  # a formula element, in any namespace prefix
_CELL_TAG = re.compile(rb"<(?:\w+:)?c(\s[^>]*)?>\s*")  # a cell's start tag, up to its first child
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)<")
_CELL_ROW = re.compile(rb'\sr="[A-Z]+([0-9]+)"')


def uncached_rows(chunk: bytes) -> list[int]:
    """The rows of the chunk's cells that hold a formula and no value (an empty or missing <v>): calamine
    reads such a cell as empty, which the reader must not take for a zero amount (``read.formulas``).  Found
    from each formula element (a sheet has far fewer formulas than cells; most have none: one substring
    search): its cell is the start tag just before it (a cell's formula is its first child) and ends at the
    next cell end."""
    if b"<f" not in chunk and b":f" not in chunk:
        return []
    rows = []
    for formula in _FORMULA.finditer(chunk):
        at = formula.start()
        tag = _CELL_TAG.fullmatch(chunk, chunk.rfind(b"<", 0, at), at)
        if tag is None:  # not a cell's first child: not a cell formula
            continue
        end = _CELL_END.search(chunk, at)
        value = _VALUE.search(chunk, at, end.start() if end is not None else len(chunk))
        if value is not None and value.group(1).strip():
            continue
        row = _CELL_ROW.search(tag.group(1) or b"")
        if row is not None:
            rows.append(int(row.group(1)))
    return rows


def _ref_bounds(refs: list[tuple[bytes, bytes]]) -> tuple[int, int, int, int] | None:
    """(first row, last row, first column, last column) of (letters, digits) cell references (None: none)."""
    if not refs:
        return None
    rows = list(map(int, set(map(itemgetter(1), refs))))  # distinct rows: a row has many cells
    columns = [_column_number(c) for c in set(map(itemgetter(0), refs))]
    return min(rows), max(rows), min(columns), max(columns)


def _quick_bounds(chunk: bytes, cells: int):
    """``_ref_bounds`` of every cell of the chunk (``cells`` of them, each ``<c r="…``), without a Python object
    per cell: the bounds of its first and last references, when one search finds no reference outside them
    (and none that is not a plain A1 reference); else of every reference, found one by one.  None: no cell;
    False: a cell whose reference cannot be placed."""
    if not cells:
        return None
    sample = _ANY_REF.findall(chunk, 0, _SAMPLE_BYTES) + _ANY_REF.findall(chunk, max(0, len(chunk) - _SAMPLE_BYTES))
    if sample:
        bounds = _ref_bounds(sample)
        if _outside(bounds).search(chunk) is None:
            return bounds
    refs = _ANY_REF.findall(chunk)
    return _ref_bounds(refs) if len(refs) == cells else False


@lru_cache(maxsize=64)
def _outside(bounds: tuple[int, int, int, int]) -> re.Pattern:
    """A search for a cell reference outside rows and columns ``bounds`` or not a plain A1 reference."""
    first_row, last_row, first_column, last_column = bounds
    return re.compile(rb'<c r="(?:(?![A-Za-z]{1,12}[0-9]{1,12}")|' + _columns_outside(first_column, last_column)
                      + rb"|[A-Za-z]{1,12}" + _rows_outside(first_row, last_row) + rb")")


_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letters(number: int) -> bytes:
    """A column's letters (``_column_number`` undone: 1 → A, 27 → AA)."""
    letters = b""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = _LETTERS[rest:rest + 1] + letters
    return letters


def _either_case(letters: bytes) -> bytes:
    return b"[" + letters + letters.lower() + b"]"


def _columns_outside(first: int, last: int) -> bytes:
    """A pattern for a reference's letters (then its first digit) naming a column before ``first`` or after
    ``last``, in either case: fewer or more letters, or as many with a smaller or larger letter at one place."""
    options = []
    for bound, after in ((last, True), (first, False)):
        letters = _letters(bound)
        size = len(letters)
        if after and size < 12:
            options.append(rb"[A-Za-z]{%d,12}" % (size + 1))
        elif not after and size > 1:
            options.append(rb"[A-Za-z]{1,%d}" % (size - 1))
        for place, letter in enumerate(letters):
            others = _LETTERS[letter - 64:] if after else _LETTERS[:letter - 65]
            if others:
                rest = size - place - 1
                options.append(b"".join(_either_case(letters[i:i + 1]) for i in range(place))
                               + _either_case(others) + (rb"[A-Za-z]{%d}" % rest if rest else b""))
    return rb"(?:" + b"|".join(options) + rb")[0-9]"


def _rows_outside(first: int, last: int) -> bytes:
    """A pattern for a reference's digits (leading zeros allowed, then the closing quote) naming a row before
    ``first`` or after ``last``: fewer or more significant digits, or as many with a smaller or larger digit at
    one place."""
    options = []
    digits = b"%d" % last
    options.append(rb"[1-9][0-9]{%d,}" % len(digits))
    for place, digit in enumerate(digits):
        if digit < ord("9"):
            rest = len(digits) - place - 1
            options.append(digits[:place] + rb"[%c-9]" % (digit + 1) + (rb"[0-9]{%d}" % rest if rest else b""))
    if first > 0:
        digits = b"%d" % first
        options.append(b"")  # zeros only: row 0
        if len(digits) > 1:
            options.append(rb"[1-9][0-9]{0,%d}" % (len(digits) - 2))
        for place, digit in enumerate(digits):
            lowest = ord("1") if place == 0 else ord("0")
            if digit > lowest:
                rest = len(digits) - place - 1
                options.append(digits[:place] + rb"[%c-%c]" % (lowest, digit - 1)
                               + (rb"[0-9]{%d}" % rest if rest else b""))
    return rb'0*(?:' + b"|".join(options) + rb')"'


def _implicit_extent(chunk: bytes):
    """(row, cells) for every row of a chunk (for writers that omit r="A1" on cells)."""
    starts = [(m.start(), m.group(0)) for m in _ROW.finditer(chunk)]
    row = 0
    for index, (start, tag) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(chunk)
        number = _ROW_NUMBER.search(tag)
        row = int(number.group(1)) if number else row + 1
        width = len(_GENERAL.valued_cell.findall(chunk, start, end))
        if width:
            yield row, width


# ------------------------------------------------------------------------------------------------------------
# ods

_ODS_ELEMENT = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="([0-9]{1,12})"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="([0-9]{1,12})"')


class _OdsExtent:
    """Rows × columns of one table with its repeats, and the text the repeats multiply."""

    def __init__(self):
        self.cells = self.text = self.widest = 0
        self.height = self.width = 0
        self._next_table()

    def _next_table(self) -> None:
        self.rows = 0  # rows so far, repeats counted
        self.row_start = self.row_repeat = 0
        self.column = self.row_width = self.row_text = 0

    def end_row(self) -> None:
        if self.row_width:
            self.height = self.row_start + self.row_repeat
            self.width = max(self.width, self.row_width)
        self.text += self.row_text * self.row_repeat
        self.column = self.row_width = self.row_text = 0

    def end_table(self) -> None:
        self.end_row()
        self.cells += self.height * self.width
        self.widest = max(self.widest, self.height * self.width)
        self.height = self.width = 0
        self._next_table()

    def row(self, attrs: bytes) -> None:
        self.end_row()
        repeat = _ROWS_REPEATED.search(attrs)
        self.row_start = self.rows
        self.row_repeat = int(repeat.group(1)) if repeat else 1
        self.rows += self.row_repeat

    def cell(self, attrs: bytes, content: int) -> None:
        repeat = _COLUMNS_REPEATED.search(attrs)
        times = int(repeat.group(1)) if repeat else 1
        self.column += times
        if b"value-type" in attrs or content:
            self.row_width = self.column
            self.row_text += content * times


def _ods(path: str, budget: int) -> Work:
    """Extent of every table's rows and cells with their repeat counts (calamine expands them)."""
    extent = _OdsExtent()
    try:
        with zipfile.ZipFile(path) as archive:
            if "content.xml" not in archive.namelist():
                return Work()
            for chunk in _ods_chunks(archive):
                for match in _ODS_ELEMENT.finditer(chunk):
                    kind, attrs, closed = match.groups()
                    if kind == b"table":
                        extent.end_table()
                    elif kind == b"table-row":
                        extent.row(attrs)
                    else:
                        content = 0
                        if not closed:
                            end = chunk.find(b"</table:" + kind + b">", match.end())
                            content = (end if end >= 0 else len(chunk)) - match.end()
                        extent.cell(attrs, content)
            extent.end_table()
    except zipfile.BadZipFile as exc:
        raise InputRefused(f"corrupt or truncated spreadsheet (zip: {exc})") from None
    except (EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise InputRefused(f"corrupt or truncated spreadsheet ({type(exc).__name__}: {_short(exc)})") from None
    if extent.widest > MAX_CELLS_PER_SHEET:
        raise InputRefused(f"spreadsheet spans {extent.widest} cells in one table (rows and columns repeated), over "
                           f"the limit of {MAX_CELLS_PER_SHEET}")
    needed = MEMORY_BASE + MEMORY_PER_CELL * extent.cells + MEMORY_PER_TEXT_BYTE * extent.text
    if needed > budget:
        raise InputRefused(_too_big(f"this spreadsheet ({extent.cells} cells, {extent.text / 1e6:.0f} MB of text "
                                    f"with repeats)", needed, budget))
    check_file_cells(extent.cells)
    return Work(cells=extent.cells)


def _ods_chunks(archive: zipfile.ZipFile):
    carry = b""
    with archive.open("content.xml") as handle:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            data = carry + block
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > MAX_ELEMENT_BYTES:
                raise InputRefused("content.xml holds one element over 32 MB (not a bill spreadsheet)")
            yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


# ------------------------------------------------------------------------------------------------------------
# pdf

_REF_ONLY = re.compile(rb"(?<![0-9])([0-9]{1,10})\s+([0-9]{1,5})\s+obj\s*([0-9]{1,10})\s+([0-9]{1,5})\s+R\s*endobj")
_PDF_TOKEN = re.compile(rb"\[|\]|<<|>>|\(|%|\bstream\b")
_STRING_TOKEN = re.compile(rb"\\.|\(|\)", re.S)
_PDF_SCAN_BYTES = 64 << 20


def _pdf(path: str, ocr: bool) -> Work:
    with open(path, "rb") as handle:
        data = handle.read(_PDF_SCAN_BYTES)
    _reference_loops(data)
    _nesting(data)
    return _pdfium_pages(path, ocr, data)


def _reference_loops(data: bytes) -> None:
    """Refuse objects that are nothing but a reference, chained back to themselves (pdfminer loops for ever)."""
    points = {(int(a), int(b)): (int(c), int(d)) for a, b, c, d in _REF_ONLY.findall(data)}
    done: set = set()
    for start in points:
        seen = []
        node = start
        while node in points and node not in done:
            if node in seen:
                raise InputRefused(f"PDF object {node[0]} refers to itself through a loop of references "
                                   f"({' → '.join(f'{n[0]} {n[1]} R' for n in seen[seen.index(node):] + [node])}); "
                                   f"malformed file, NOT checked")
            seen.append(node)
            node = points[node]
        done.update(seen)


def _nesting(data: bytes) -> None:
    """Refuse arrays/dictionaries nested deeper than MAX_PDF_NESTING outside streams and strings."""
    depth = 0
    position = 0
    tokens = 0
    while tokens < 2_000_000:
        match = _PDF_TOKEN.search(data, position)
        if match is None:
            return
        tokens += 1
        token = match.group(0)
        position = match.end()
        if token in (b"[", b"<<"):
            depth += 1
            if depth > MAX_PDF_NESTING:
                raise InputRefused(f"PDF nests arrays or dictionaries more than {MAX_PDF_NESTING} deep "
                                   f"(at byte {match.start()}); malformed file, NOT checked")
        elif token in (b"]", b">>"):
            depth = max(0, depth - 1)
        elif token == b"%":
            end = data.find(b"\n", position)
            position = len(data) if end < 0 else end
        elif token == b"stream":
            end = data.find(b"endstream", position)
            position = len(data) if end < 0 else end + 9
        else:  # a literal string: balanced parentheses, backslash escapes
            level = 1
            for inner in _STRING_TOKEN.finditer(data, position):
                piece = inner.group(0)
                if piece == b"(":
                    level += 1
                elif piece == b")":
                    level -= 1
                    if level == 0:
                        position = inner.end()
                        break
            else:
                return


_PAGES_NODE = re.compile(rb"/Type\s*/Pages\b")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _no_page_objects(data: bytes) -> bool:
    """The file has a page tree and not one page object (as far as its uncompressed objects show)."""
    return bool(_PAGES_NODE.search(data)) and not _PAGE_OBJECT.search(data)


def _pdfium_pages(path: str, ocr: bool, data: bytes) -> Work:
    """Pages (and, for OCR, pages without text) as PDFium sees them; a file PDFium cannot open is refused
    (``data``: the file's bytes pre-flight scanned, to say why)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(open(path, "rb"), autoclose=True)  # a file: any bytes in its name
    except pdfium.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise InputRefused("PDF is password-protected (encrypted); save an unprotected copy and check that") \
                from None
        if _no_page_objects(data):  # PDFium will not open a document without pages (its error code is stale)
            raise InputRefused("cannot read PDF: it has no readable page tree (no pages, or the file is damaged)") \
                from None
        detail = "PDFium could not load it and named no reason" if "Success" in text else text.strip().rstrip(".")
        raise InputRefused(f"cannot read PDF: not a valid PDF file ({detail})") from None
    try:
        pages = len(document)
        from .pdf import MAX_PAGES

        if pages > MAX_PAGES:
            raise InputRefused(f"PDF has {pages} pages, over the limit of {MAX_PAGES}")
        scanned = 0
        if ocr:
            for index in range(pages):
                try:
                    page = document[index]
                    textpage = page.get_textpage()
                    scanned += textpage.count_chars() == 0
                    textpage.close()
                    page.close()
                except pdfium.PdfiumError:
                    scanned += 1
        return Work(pages=pages, scanned_pages=scanned)
    finally:
        document.close()


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__
