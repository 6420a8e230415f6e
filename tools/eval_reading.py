"""Measure the reading side against ../shared: labelled items of the dev corpus, codes and text of real bills.

    python tools/eval_reading.py [--shared ../shared]

- dev corpus: each labelled 项目编码 and each labelled material-table row (seq:N) appears exactly once as an item.
- real spreadsheets: distinct 12-digit codes found as items vs distinct 12-digit codes printed in the rows of
  bill and material tables (codes printed in fee / summary tables — 表-11 总价措施 lines — are counted apart and
  must sit in rows counted as such); no item named as a fee or a total; the share of items with a quantity and
  an amount; and the audit of every text cell: held by an item, in a column no item field reads, in a counted
  skip, or LOST (must be 0).
- power-grid budgets (tools/make_power_budget.py, from the forms' column names): every estimate and material
  line read, each sheet read as its kind.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.read import read_path  # noqa: E402
from checker.read import accounting  # noqa: E402
from checker.read.cells import code_text  # noqa: E402
from checker.read.kinds import is_fee_line, total_scope  # noqa: E402
from checker.read.tables import extract_tables  # noqa: E402

CODE12 = re.compile(r"^(01|02|03|04|05)\d{10}$")
NOT_ITEMS = (accounting.FEE_TABLE, accounting.FEE_ROW, accounting.SUMMARY_TABLE)


def audit_workbook(path: Path) -> tuple[Counter, list[str], dict[str, str]]:
    """Read every sheet in audit mode: fates of all text cells, lost examples, and each printed 12-digit code's
    fate ("item" or the reason its row was not an item) — analysis sheets (表-09) left out, as they repeat."""
    from python_calamine import CalamineWorkbook

    fates: Counter = Counter()
    lost: list[str] = []
    codes: dict[str, str] = {}
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        grid = sheet.to_python(skip_empty_area=False)
        result = extract_tables(grid, sheet.merged_cell_ranges or (), file=path.name, sheet=name, audit=True)
        sheet_fates, sheet_lost = accounting.audit(grid, result)
        fates.update(sheet_fates)
        lost.extend(f"{name}!{text}" for text in sheet_lost)
        if "分析" in name:
            continue
        for r, row in enumerate(grid):
            what = (result.dispositions or {}).get(r, ("never read",))[0]
            for cell in row:
                code = code_text(cell) if cell not in ("", None) else ""
                if CODE12.match(code) and codes.get(code) != "item":
                    codes[code] = "item" if what in ("item", "continuation") else what
    return fates, lost, codes


def dev_corpus(shared: Path) -> bool:
    import json

    labels = json.loads((shared / "dev-corpus" / "labels.json").read_text(encoding="utf-8"))
    ok = True
    for name, wanted in sorted(labels.items()):
        started = time.perf_counter()
        read = read_path(str(shared / "dev-corpus" / name), name)
        seconds = time.perf_counter() - started
        keys = Counter()
        for item in read.items:
            if item.table == "material":
                keys[f"seq:{item.seq}"] += 1
            elif item.code:
                keys[item.code] += 1
        missing = [k for k in wanted if keys[k] == 0]
        doubled = [k for k in wanted if keys[k] > 1]
        status = "OK " if not missing and not doubled and not read.error else "BAD"
        ok &= status == "OK "
        print(f"{status} {name:22} labelled {len(wanted):3}  items {len(read.items):3}  missing {missing or '-'}  "
              f"doubled {doubled or '-'}  {seconds:.2f}s {read.error or ''}")
    return ok


def real_bills(shared: Path) -> bool:
    ok = True
    for path in sorted((shared / "real-bills").glob("*.xls*")):
        started = time.perf_counter()
        read = read_path(str(path), path.name)
        seconds = time.perf_counter() - started
        found = {i.code for i in read.items if CODE12.match(i.code)}
        fates, lost, codes = audit_workbook(path)
        printed = {c for c, fate in codes.items() if fate not in NOT_ITEMS}
        apart = {c: fate for c, fate in codes.items() if fate in NOT_ITEMS}
        share = len(found & printed) / len(printed) if printed else 1.0
        money_items = [i for i in read.items if i.table == "boq" and not CODE12.match(i.code)
                       and (is_fee_line(i.name, i.features) or total_scope(i.name))]
        items = [i for i in read.items if i.table == "boq"] or read.items
        with_qty = sum(i.quantity is not None for i in items) / max(len(items), 1)
        with_amount = sum(i.amount is not None or i.amount_missing for i in items) / max(len(items), 1)
        good = read.error is None and share >= 0.98 and not money_items and not lost
        ok &= good
        print(f"{'OK ' if good else 'BAD'} {path.name:48} items {len(read.items):4}  codes {len(found & printed):3}/"
              f"{len(printed):3} = {share:6.1%} (+{len(apart)} in fee/summary tables)  qty {with_qty:4.0%} "
              f"amount {with_amount:4.0%}  fee/total items {len(money_items)}  text cells: in items "
              f"{fates['item']}, unread columns {fates['unread column']}, skipped "
              f"{sum(n for k, n in fates.items() if k in accounting.SKIP_REASONS)}, LOST {fates[accounting.LOST]}"
              f"  {seconds:.2f}s {read.error or ''}"
              + (f"\n      not found: {sorted(printed - found)[:5]}" if printed - found else "")
              + (f"\n      fee/total items: {[i.name for i in money_items[:5]]}" if money_items else "")
              + (f"\n      lost: {lost[:5]}" if lost else ""))
        print(f"      {accounting.reading_summary(read)}")
    return ok


def power_budgets() -> bool:
    from make_power_budget import EXPECTED, write

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for variant, expected in EXPECTED.items():
            path = write(Path(tmp) / f"{variant}.xlsx", variant)
            read = read_path(str(path), path.name)
            sheets = {s.sheet: (s.kind, s.items) for s in read.sheets}
            names = [i.name for i in read.items]
            wrong = {k: sheets.get(k) for k, v in expected["sheets"].items() if sheets.get(k) != v}
            missing = [n for n in expected["lines"] if n not in names]
            priced = sum(i.quantity is not None and i.amount is not None for i in read.items)
            good = read.error is None and not wrong and not missing and priced == len(read.items)
            ok &= good
            print(f"{'OK ' if good else 'BAD'} {variant:11} budget: {len(read.items)} lines "
                  f"({priced} with quantity and amount)  wrong sheets {wrong or '-'}  missing {missing or '-'}")
            print(f"      {accounting.reading_summary(read)}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    args = parser.parse_args()
    shared = Path(args.shared)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print("== power-grid budgets (made from the forms' column names)")
    c = power_budgets()
    if not shared.is_dir():
        print(f"no shared folder at {shared}")
        return 0 if c else 1
    print("== dev corpus: every labelled item exactly once")
    a = dev_corpus(shared)
    print("== real bills: codes found as items, no fee/total rows as items, no text lost")
    b = real_bills(shared)
    return 0 if a and b and c else 1


if __name__ == "__main__":
    sys.exit(main())
