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


REPORT_BILL = [
    ["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"],
    [1, "010101001001", "平整场地", "1.土壤类别：三类土", "m2", 800, 2.5, 2000],
    [2, "010401003001", "实心砖墙", "1.砖品种：MU10实心粘土砖\n2.砂浆：预拌砌筑砂浆DM M5.0", "m3", 10, 500, 5000],
    [3, "010402001001", "砌块墙", "1.砌块品种：蒸压加气混凝土砌块\n2.注：严禁使用粘土砖", "m3", 5, 400, 2000],
    [4, "010516004001", "钢筋电渣压力焊接头", "1.规格：Φ18", "个", 20, 10, 200],
    [5, "010502002001", "<script>alert('xss')</script>构造柱",
     "1.混凝土种类：现场搅拌混凝土<img src=x onerror=alert(2)>\n2.强度等级：C25", "m3", 3, 600, 1800],
    [6, "010404001001", "=HYPERLINK(\"http://evil.example\",\"垫层\")", "@SUM(A1:A9) +cmd|' /C calc'!A0 -2+3",
     "m3", 2, 300, 600],
]


def write_bill(path: Path, rows: list[list[object]], sheet: str = "表-08", above: int = 0) -> Path:
    """An xlsx bill whose text cells are all strings (so '=…' stays text), ``above`` blank rows on top."""
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for r, row in enumerate(rows, 1 + above):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    workbook.save(path)
    return path


@pytest.fixture
def report_bill(tmp_path) -> Path:
    """A bill with a banned line, a restricted line, a clean line, and hostile text (markup, formulas)."""
    return write_bill(tmp_path / "bill.xlsx", REPORT_BILL)


def make_run(paths, fail_on: str = "banned"):
    """Check files the way the CLI does and return the RunReport."""
    import datetime as _dt

    from checker.match.catalog import load_catalogs
    from checker.engine import RunReport, check_paths
    from checker.judge.rules import Profile

    catalogs = load_catalogs(())
    profile = Profile(bid_date=_dt.date(2026, 11, 24))
    files = list(check_paths([str(p) for p in paths], catalogs, profile))
    return RunReport(files=files, catalogs=catalogs, profile=profile, fail_on=fail_on)
