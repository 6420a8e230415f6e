"""Formula cells saved without a cached value (``read.formulas``, found by pre-flight on its way through the
sheet: ``preflight.uncached_rows``): the rows an XML parser would name, in every shape a cell takes, across the
pieces the sheet is read in."""
from __future__ import annotations

import os
import random
import zipfile

import pytest
from defusedxml import ElementTree

from checker.read import formulas, preflight

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="表-08" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
# (cell XML with {r} for its reference, whether it is a formula without a cached value)
SHAPES = [
    ('<c r="{r}"><f>F2*G2</f></c>', True),
    ('<c r="{r}"><f>F3*G3</f><v>6</v></c>', False),
    ('<c r="{r}" s="3"><f>SUM(H1:H9)</f><v></v></c>', True),
    ('<c r="{r}"><f>1+1</f><v>  </v></c>', True),
    ('<c r="{r}"><f t="shared" ref="H5:H9" si="0"/></c>', True),
    ('<c r="{r}"><f t="shared" si="0"/><v>12.5</v></c>', False),
    ('<c r="{r}" t="str"><f>A1</f><v>text</v></c>', False),
    ('<c r="{r}"><v>3</v></c>', False),
    ('<c r="{r}" t="s"><v>0</v></c>', False),
    ('<c r="{r}"/>', False),
    ('<c r="{r}" t="inlineStr"><is><t>f&lt;v&gt; in text</t></is></c>', False),
    ('<c s="2" r="{r}"><f>A1</f></c>', True),  # r not the first attribute
    ('<c r="{r}">\n  <f>A1</f>\n  <v>\n</v>\n</c>', True),  # indented
    ('<c r="{r}" t="inlineStr"><f>A1</f><is><t>x</t></is></c>', True),  # a formula, and text but no value
    ('<c><f>A1</f></c>', False),  # no reference: its row is not known
    ('<c r="{r}"><v>1</v></c><c><f>A1</f></c>', False),  # … and not taken for the cell before it
]


def _workbook(tmp_path, rows: list[list[str]], prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    body = "".join(f'<{p}row r="{number}">' + "".join(cell.replace("<c", f"<{p}c").replace("</c>", f"</{p}c>")
                                                     .replace("<f", f"<{p}f").replace("</f>", f"</{p}f>")
                                                     .replace("<v", f"<{p}v").replace("</v>", f"</{p}v>")
                                                     for cell in cells) + f"</{p}row>"
                   for number, cells in enumerate(rows, 1))
    sheet = f'<?xml version="1.0"?><{p}worksheet {xmlns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'
    path = tmp_path / f"formulas{prefix}.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return str(path)


def _found(path: str, sheet: str = "表-08") -> set[int]:
    """What the reader is told: pre-flight's rows of the sheet's part."""
    work = preflight.preflight(path, "xlsx", os.path.getsize(path))
    return formulas.uncached_formula_rows(path, sheet, work.uncached_formulas)


def _parsed(path: str) -> set[int]:
    """What an XML parser finds: the reference the byte scan must agree with."""
    rows = set()
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as handle:
        for _, element in ElementTree.iterparse(handle, events=("end",)):
            if element.tag == f"{{{MAIN}}}c":
                formula, value = element.find(f"{{{MAIN}}}f"), element.find(f"{{{MAIN}}}v")
                if formula is not None and (value is None or not (value.text or "").strip()) and element.get("r"):
                    rows.add(int(element.get("r").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    return rows


@pytest.mark.parametrize("prefix", ["", "x"])
def test_every_shape_of_cell(tmp_path, prefix):
    rows = [[shape.format(r=f"H{number}")] for number, (shape, _) in enumerate(SHAPES, 1)]
    path = _workbook(tmp_path, rows, prefix)
    expected = {number for number, (_, uncached) in enumerate(SHAPES, 1) if uncached}
    assert _found(path) == expected == _parsed(path)
    assert _found(path, "another sheet") == set()


def test_random_sheets_read_in_small_pieces_agree_with_a_parser(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "_CHUNK", 1 << 10)  # cells and rows cut across many pieces
    rng = random.Random(7)
    for round_ in range(20):
        rows = []
        for number in range(1, rng.randint(2, 400)):
            columns = rng.sample("ABCDEFGHI", rng.randint(0, 5))
            rows.append([rng.choice(SHAPES)[0].format(r=f"{column}{number}") for column in sorted(columns)])
        path = _workbook(tmp_path, rows, rng.choice(["", "x"]))
        assert _found(path) == _parsed(path), round_


def test_a_sheet_without_formulas_is_not_searched_cell_by_cell(tmp_path, monkeypatch):
    searched = []
    monkeypatch.setattr(preflight, "_FORMULA", _Counting(searched))
    path = _workbook(tmp_path, [['<c r="A1"><v>1</v></c>', '<c r="B1" t="s"><v>2</v></c>']] * 50)
    assert _found(path) == set() and searched == []
    assert preflight.preflight(path, "xlsx", os.path.getsize(path)).uncached_formulas == ()


class _Counting:
    """A stand-in for the formula pattern that records each search."""

    def __init__(self, calls: list):
        self.calls = calls

    def finditer(self, chunk):
        self.calls.append(chunk)
        return iter(())


def test_the_reader_is_told_by_part_and_a_broken_workbook_gives_no_rows(tmp_path):
    path = _workbook(tmp_path, [[SHAPES[0][0].format(r="H1")]])
    assert preflight.preflight(path, "xlsx", os.path.getsize(path)).uncached_formulas == (
        ("xl/worksheets/sheet1.xml", (1,)),)
    assert formulas.uncached_formula_rows(path, "表-08", ()) == set()  # pre-flight found none
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not a zip")
    assert formulas.uncached_formula_rows(str(broken), "表-08", (("xl/worksheets/sheet1.xml", (1,)),)) == set()


def test_rows_found_when_pre_flight_scans_a_sheet_twice(tmp_path, monkeypatch):
    """A sheet the quick pass cannot clear is scanned exactly as well: its rows are those of one scan."""
    rows = [[shape.format(r=f"H{number}")] for number, (shape, _) in enumerate(SHAPES, 1)]
    path = _workbook(tmp_path, rows)
    expected = _parsed(path)
    fits = preflight._fits
    monkeypatch.setattr(preflight, "_fits", lambda extent, budget, explain=False: fits(extent, budget, explain)
                        if explain else False)  # the quick bounds never clear: the exact pass runs too
    assert _found(path) == expected
