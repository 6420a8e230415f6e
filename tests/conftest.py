"""Shared fixtures: the ../shared folder (tests skip cleanly without it) and small bills made on the fly."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when that folder is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not available ({path})")
    return path


@pytest.fixture
def make_xlsx(tmp_path):
    """Write rows (and merged ranges like 'A3:A5') to an xlsx and return its path."""
    from openpyxl import Workbook

    def make(sheets: dict[str, list[list[object]]], merged: dict[str, list[str]] | None = None,
             name: str = "bill.xlsx") -> Path:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
            for ref in (merged or {}).get(title, []):
                sheet.merge_cells(ref)
        path = tmp_path / name
        workbook.save(path)
        return path

    return make
