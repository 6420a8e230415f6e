"""Benchmark: `gbm-check compare` of a big tender with five bids, as a ratio against `gbm-check check` of the same
six files, measured in the same run.

    python bench/bench_compare.py [--lines 5000] [--repeat 3] [--dir FOLDER]

The bills come from ``tools/make_compare_bills.py`` (a tender of about ``--lines`` lines, bids 1–3 with their planted
deviations and bids 4–5 clean).  Both commands run as a user runs them — a fresh ``python -m checker`` process that
writes its JSON report — and the best of ``--repeat`` runs is kept; each run alternates the two commands so that
load on a shared machine falls on both.  Target: compare ≤ 3.0× check.  Compare the ratio, not the seconds.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET = 3.0


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"gbm-check {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", help="write (or reuse) the bills here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dir or tmp)
        files = ["tender.xlsx"] + [f"bid{n}.xlsx" for n in range(1, 6)]
        if not all((folder / name).is_file() for name in files):
            subprocess.run([sys.executable, str(REPO / "tools" / "make_compare_bills.py"), str(folder), "--lines",
                            str(args.lines), "--clean-bids", "2"], check=True, capture_output=True)
        check_args = ["check", *files, "--bid-date", "2026-11-24", "--format", "json", "-o", "check.json"]
        compare_args = ["compare", *files, "--bid-date", "2026-11-24", "--format", "json", "-o", "compare.json"]
        check_best = compare_best = float("inf")
        for _ in range(args.repeat):
            check_best = min(check_best, timed(check_args, folder))
            compare_best = min(compare_best, timed(compare_args, folder))
        ratio = compare_best / check_best
        lines = sum(1 for _ in open(folder / "compare.json", encoding="utf-8"))
        print(f"bills: {folder} (tender of about {args.lines} lines, 5 bids); compare.json {lines} lines")
        print(f"check   6 files: {check_best:7.2f} s  (baseline)")
        print(f"compare 1 + 5  : {compare_best:7.2f} s  = {ratio:.2f}× check   target ≤ {TARGET:.1f}×  "
              f"{'OK' if ratio <= TARGET else 'OVER'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
