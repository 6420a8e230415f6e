"""Formula cells saved without a calculated value (xlsx written by a program, never opened in Excel).

python-calamine reports such a cell as empty, which would read as "no amount".  When a table's amounts are
missing, this module looks into the workbook XML and names the rows whose cells hold a formula but no cached
value, so the report can say "amount missing", never zero.

Every line of a tender bill (招标清单: quantities, no prices) has no amount, so the whole sheet is looked
into on every tender bill: it is scanned as bytes, in the pieces pre-flight reads (``preflight.cell_chunks``),
and only a piece that holds a formula element is searched cell by cell (an ElementTree walk of a 50,000-line
sheet took 3.6 s; the scan, 0.15 s).  The workbook's and its relationships' small parts go through defusedxml.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib

from defusedxml import ElementTree

from .preflight import cell_chunks
from .sniff import InputRefused

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            parts[sheet.get("name", "")] = (target.lstrip("/") if target.startswith("/")
                                            else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def uncached_formula_rows(path: str, sheet_name: str) -> set[int]:
    """1-based rows of ``sheet_name`` holding a formula cell with no cached value ('' if unknown)."""
    rows: set[int] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_parts(archive).get(sheet_name)
            if member is None:
                return rows
            for chunk in cell_chunks(archive, member):
                if _FORMULA.search(chunk) is not None:
                    rows.update(_uncached_rows(chunk))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError, zlib.error, InputRefused):
        return rows
    return rows


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")  # a formula element, in any namespace prefix
_CELL_TAG = re.compile(rb"<(?:\w+:)?c(\s[^>]*)?>\s*")  # a cell's start tag, up to its first child
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)<")
_REF = re.compile(rb'\sr="[A-Z]+([0-9]+)"')


def _uncached_rows(chunk: bytes):
    """The rows of the chunk's cells that hold a formula and no value (an empty or missing <v>).  Found from
    each formula element (a sheet has far fewer formulas than cells): its cell is the start tag just before it
    (a cell's formula is its first child) and ends at the next cell end."""
    for formula in _FORMULA.finditer(chunk):
        at = formula.start()
        tag = _CELL_TAG.fullmatch(chunk, chunk.rfind(b"<", 0, at), at)
        if tag is None:  # not a cell's first child: not a cell formula
            continue
        end = _CELL_END.search(chunk, at)
        value = _VALUE.search(chunk, at, end.start() if end is not None else len(chunk))
        if value is not None and value.group(1).strip():
            continue
        ref = _REF.search(tag.group(1) or b"")
        if ref is not None:
            yield int(ref.group(1))
