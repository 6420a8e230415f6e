"""Measure the reading side against ../shared: labelled items of the dev corpus, codes of real bills.

    python tools/eval_reading.py [--shared ../shared]

For every dev-corpus bill: each labelled 项目编码 and each labelled material-table row (seq:N) must appear
exactly once as an item.  For every real xlsx/xls bill: distinct 12-digit codes found as items vs distinct
12-digit codes printed anywhere in its line-item sheets (sheets that are not 表-09 analysis sheets).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation import printed_codes  # noqa: E402
from checker.read import read_path  # noqa: E402

CODE12 = re.compile(r"^\d{12}$")


def dev_corpus(shared: Path) -> bool:
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
        printed = printed_codes(path)
        share = len(found & printed) / len(printed) if printed else 1.0
        ok &= read.error is None and share >= 0.98
        print(f"{'OK ' if read.error is None and share >= 0.98 else 'BAD'} {path.name:50} items {len(read.items):4}  "
              f"codes {len(found & printed):3}/{len(printed):3} = {share:6.1%}  {seconds:.2f}s {read.error or ''}"
              + (f"  not found: {sorted(printed - found)[:5]}" if printed - found else ""))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    args = parser.parse_args()
    shared = Path(args.shared)
    if not shared.is_dir():
        print(f"no shared folder at {shared}")
        return 2
    print("== dev corpus: every labelled item exactly once")
    a = dev_corpus(shared)
    print("== real bills: 12-digit codes found as items")
    b = real_bills(shared)
    return 0 if a and b else 1


if __name__ == "__main__":
    sys.exit(main())
