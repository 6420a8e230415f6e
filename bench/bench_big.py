"""Benchmark: what happens to very big legitimate workbooks (the supported-size statement in the README).

    python bench/bench_big.py [--lines 50000 100000 250000] [--store] [--format json]

Each workbook is a paged 表-08 from bench/make_bench_bill.py (deflated as every spreadsheet program writes it,
or with ``--store`` re-packed without compression, which is how a 250,000-line bill reaches ~150 MB).  The
command ``gbm-check check BIG.xlsx --format FORMAT -o OUT`` runs once per workbook; printed: file size, exit
code, the one stderr line if refused, wall time and the peak memory of the biggest process.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tools.fuzz import run_command  # noqa: E402


def make(path: Path, lines: int, store: bool) -> None:
    source = path.with_suffix(".deflated.xlsx") if store else path
    subprocess.run([sys.executable, str(HERE / "make_bench_bill.py"), str(source), "--lines", str(lines)],
                   check=True, capture_output=True)
    if store:
        with zipfile.ZipFile(source) as packed, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as stored:
            for info in packed.infolist():
                stored.writestr(info.filename, packed.read(info), zipfile.ZIP_STORED)
        source.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[50_000, 100_000, 250_000])
    parser.add_argument("--store", action="store_true", help="re-pack the workbooks without compression")
    parser.add_argument("--format", default="json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gbm-big-") as tmp:
        for lines in args.lines:
            path = Path(tmp) / f"bill-{lines}.xlsx"
            make(path, lines, args.store)
            out = Path(tmp) / f"report-{lines}.{args.format}"
            code, _out, err, seconds, peak = run_command(
                [sys.executable, "-m", "checker", "check", str(path), "--format", args.format, "-o", str(out)], 3600)
            size = os.path.getsize(path) / 2**20
            line = err.strip().splitlines()[0] if err.strip() else ""
            print(f"{lines:8d} lines  {size:7.1f} MB {'stored' if args.store else 'deflated'}  exit {code}  "
                  f"{seconds:6.1f} s  peak {peak / 2**20:6.0f} MB  {line[:160]}")
            path.unlink()
            out.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
