"""Formula cells saved without a calculated value (xlsx written by a program, never opened in Excel).

python-calamine reports such a cell as empty, which would read as "no amount".  When a table's amounts are
missing, this module looks into the workbook XML (through defusedxml: the bytes are untrusted) and names the
rows whose cells hold a formula but no cached value, so the report can say "amount missing", never zero.
"""
from __future__ import annotations

import posixpath
import re
import zipfile

from defusedxml import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


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
            with archive.open(member) as handle:
                for _, element in ElementTree.iterparse(handle, events=("end",)):
                    if element.tag != f"{_MAIN}c":
                        continue
                    formula = element.find(f"{_MAIN}f")
                    value = element.find(f"{_MAIN}v")
                    if formula is not None and (value is None or not (value.text or "").strip()):
                        match = _CELL_REF.match(element.get("r", ""))
                        if match:
                            rows.add(int(match.group(2)))
                    element.clear()
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError):
        return rows
    return rows
