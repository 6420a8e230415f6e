"""Workbooks (xlsx, xlsm, xlsb, xls, ods) through python-calamine: every sheet, merged ranges kept."""
from __future__ import annotations

import dataclasses
import threading

from python_calamine import CalamineWorkbook, WorksheetNotFound

from ..collector import paused
from .accounting import sheet_read
from .formulas import uncached_formula_rows
from .sniff import InputRefused
from .tables import GridResult, extract_tables

MAX_CELLS_PER_SHEET = 20_000_000  # rows × columns; a sheet claiming more is refused


class FirstSheet:
    """The workbook opened and its first sheet parsed in a thread, started while the early pre-flight's answer
    is still on its way (``checker.early``): calamine releases the GIL while it parses, so the parse and the
    wait overlap.  ``read_workbook`` uses it only once pre-flight has accepted the file; for a refused file it
    is left behind (a daemon thread, inside the worker's address-space limit, gone when the worker exits)."""

    def __init__(self, path: str):
        self.path = path
        self._workbook: CalamineWorkbook | None = None
        self._sheet = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._parse, name="gbm-first-sheet", daemon=True)
        self._thread.start()

    def _parse(self) -> None:
        try:
            self._workbook = _opened(self.path)
            names = self._workbook.sheet_names
            if names:
                self._sheet = _sheet(self._workbook, names[0])
        except BaseException as exc:  # re-raised where read_workbook would have raised it
            self._error = exc
            if self._workbook is not None:
                self._workbook.close()

    def result(self):
        """(workbook, its first sheet or None), once parsed, handed over (asked once); raises what opening or
        parsing raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        handed, self._workbook, self._sheet = (self._workbook, self._sheet), None, None
        return handed


def read_workbook(path: str, display_name: str, fmt: str = "xlsx", first: FirstSheet | None = None,
                  uncached: tuple = ()) -> tuple[GridResult, list[str]]:
    """All tables of all visible and hidden worksheets of ``path``; also the names of sheets read.
    ``first``: the workbook already opened and its first sheet parsed (``FirstSheet``); ``uncached``: where
    pre-flight found formula cells saved without a value (``Work.uncached_formulas``)."""
    workbook, parsed = first.result() if first is not None else (_opened(path), None)
    combined = GridResult([], [])
    sheets: list[str] = []
    try:
        for index, name in enumerate(workbook.sheet_names):
            sheet = parsed if index == 0 and parsed is not None else _sheet(workbook, name)
            parsed = None  # from here ``sheet`` alone holds it: freed when the next sheet is parsed
            height, width = sheet.total_height, sheet.total_width
            if height * width > MAX_CELLS_PER_SHEET:
                raise InputRefused(f"sheet {name!r} has {height}×{width} cells, over the limit of {MAX_CELLS_PER_SHEET}")
            with paused():  # see checker.collector; ``del grid`` before the collector is back
                try:
                    grid = sheet.to_python(skip_empty_area=False)
                    merged = sheet.merged_cell_ranges or ()
                except Exception as exc:
                    raise InputRefused(f"sheet {name!r} cannot be read: {_one_line(exc)}") from None
                sheets.append(name)
                result = extract_tables(grid, merged, file=display_name, sheet=name)
                empty = not result.tables and not any(v not in (None, "") for row in grid for v in row)
                del grid  # before the collector is back: it would scan every row of the grid once more
            if fmt in ("xlsx", "xlsm"):
                _mark_uncached_amounts(path, name, result, uncached)
            combined.items.extend(result.items)
            combined.warnings.extend(result.warnings)
            combined.tables.extend(result.tables)
            combined.skipped.merge(result.skipped)
            combined.totals.extend(result.totals)
            combined.sheets.append(sheet_read(name, result.tables, empty))
            combined.project = combined.project or result.project
            combined.title_project = combined.title_project or result.title_project
    finally:
        workbook.close()
    return combined, sheets


def _opened(path: str) -> CalamineWorkbook:
    try:
        return _open(path)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputRefused(f"cannot open workbook: {_one_line(exc)}") from None


def _sheet(workbook: CalamineWorkbook, name: str):
    """The sheet ``name`` parsed (calamine's own object; ``to_python`` makes its grid)."""
    try:
        return workbook.get_sheet_by_name(name)
    except WorksheetNotFound:  # listed in the workbook, but its relationship leads to no part of the package
        raise InputRefused(f"sheet {name!r} cannot be read: the workbook lists it, but its part is missing or its "
                           f"link points outside the file") from None
    except Exception as exc:
        raise InputRefused(f"sheet {name!r} cannot be read: {_one_line(exc)}") from None


def _open(path: str) -> CalamineWorkbook:
    """calamine opens a path it can encode as UTF-8; a name with undecodable bytes (surrogate escapes) is
    opened here and handed over as a file."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    return CalamineWorkbook.from_path(path)


def _mark_uncached_amounts(path: str, sheet: str, result: GridResult, uncached: tuple) -> None:
    """Items whose amounts are formulas saved without values: amount_missing, and a warning."""
    if not uncached:  # no such formula anywhere in the workbook (pre-flight looked at every cell)
        return
    suspects = [i for i, item in enumerate(result.items)
                if item.amount is None or (item.unit_price is None and item.quantity is None)]
    if not suspects:
        return
    rows = uncached_formula_rows(path, sheet, uncached)
    missing = 0
    for index in suspects:
        item = result.items[index]
        if any(r in rows for r in range(item.provenance.first_row, item.provenance.last_row + 1)):
            result.items[index] = dataclasses.replace(item, amount_missing=True)
            missing += 1
    if missing:
        result.warnings.append(
            f"sheet {sheet!r}: {missing} line(s) have amounts given by formulas saved without calculated values; "
            "their amounts are missing (not zero): open and save the file in Excel/WPS to compute them")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
