"""Formula cells saved without a calculated value (xlsx written by a program, never opened in Excel).

python-calamine reports such a cell as empty, which would read as "no amount".  When a table's amounts are
missing, the reader names the rows whose cells hold a formula but no cached value, so the report can say
"amount missing", never zero.

Every line of a tender bill (招标清单: quantities, no prices) has no amount, so every tender bill needs these
rows for its whole sheet.  Pre-flight finds them on its way through the sheet's bytes (``preflight.
uncached_rows``, in ``Work.uncached_formulas`` by sheet part; an ElementTree walk of a 50,000-line sheet
took 3.6 s, a second byte scan 0.2–0.3 s, on the way ≈ nothing); here a sheet's name is mapped to its part,
through defusedxml (the bytes are untrusted).
"""
from __future__ import annotations

import posixpath
import zipfile

from defusedxml import ElementTree

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


def uncached_formula_rows(path: str, sheet_name: str, uncached: tuple) -> set[int]:
    """1-based rows of ``sheet_name`` holding a formula cell with no cached value, from pre-flight's
    ``Work.uncached_formulas`` (``uncached``); empty when unknown."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_parts(archive).get(sheet_name)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError):
        return set()
    return next((set(rows) for part, rows in uncached if part == member), set())
