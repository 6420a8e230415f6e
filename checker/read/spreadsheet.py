"""Workbooks (xlsx, xlsm, xlsb, xls, ods) through python-calamine: every sheet, merged ranges kept."""
from __future__ import annotations

import dataclasses

from python_calamine import CalamineWorkbook

from ..collector import paused
from .accounting import sheet_read
from .formulas import uncached_formula_rows
from .sniff import InputRefused
from .tables import GridResult, extract_tables

MAX_CELLS_PER_SHEET = 20_000_000  # rows × columns; a sheet claiming more is refused


def read_workbook(path: str, display_name: str, fmt: str = "xlsx") -> tuple[GridResult, list[str]]:
    """All tables of all visible and hidden worksheets of ``path``; also the names of sheets read."""
    try:
        workbook = _open(path)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputRefused(f"cannot open workbook: {_one_line(exc)}") from None
    combined = GridResult([], [])
    sheets: list[str] = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
            except Exception as exc:
                raise InputRefused(f"sheet {name!r} cannot be read: {_one_line(exc)}") from None
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
                _mark_uncached_amounts(path, name, result)
            combined.items.extend(result.items)
            combined.warnings.extend(result.warnings)
            combined.tables.extend(result.tables)
            combined.skipped.merge(result.skipped)
            combined.totals.extend(result.totals)
            combined.sheets.append(sheet_read(name, result.tables, empty))
            combined.project = combined.project or result.project
    finally:
        workbook.close()
    return combined, sheets


def _open(path: str) -> CalamineWorkbook:
    """calamine opens a path it can encode as UTF-8; a name with undecodable bytes (surrogate escapes) is
    opened here and handed over as a file."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    return CalamineWorkbook.from_path(path)


def _mark_uncached_amounts(path: str, sheet: str, result: GridResult) -> None:
    """Items whose amounts are formulas saved without values: amount_missing, and a warning."""
    suspects = [i for i, item in enumerate(result.items)
                if item.amount is None or (item.unit_price is None and item.quantity is None)]
    if not suspects:
        return
    rows = uncached_formula_rows(path, sheet)
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
