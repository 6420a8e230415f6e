"""Benchmark: the command a user runs on a big bill, with its report written, as ratios against a process that
only reads the workbook with python-calamine — measured side by side in the same run.

    python bench/bench_report.py [--lines 50000] [--repeat 3] [--file BENCH.xlsx] [--formats json,html,xlsx]
                                 [--distinct | --tender] [--before OTHER_VENV/bin/python]

Every measurement is a whole process (start-up, reading, checking, the report written to a file), timed from
outside; the stages are interleaved round by round (baseline, json, html, xlsx, baseline, …) and the best of
``--repeat`` kept, so a busy shared machine slows them alike.  Peak memory comes from one more, untimed round:
that of the whole process tree (``treemem``: the command, its workers and their children, shared pages counted
once; at least the resident peak ``wait4`` gives for the command itself).
Targets (issue "Speed of the whole job"): JSON ≤ 2.5× and ≤ 300 MB, HTML ≤ 4×, annotated xlsx ≤ 15×.
``--distinct``: the generated bill's lines all differ (``make_bench_bill.py --distinct``: nothing a per-text memo
can share); target: the whole JSON command ≤ 15 s.
``--tender``: the generated bill as a 招标 file gives it, quantities without prices or amounts (every line then has
no amount, and the reader looks for formulas saved without values); the same targets.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from treemem import wait_for  # noqa: E402
BASELINE = ("import sys\nfrom python_calamine import CalamineWorkbook\nwb = CalamineWorkbook.from_path(sys.argv[1])\n"
            "print(sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names))\n")
TARGETS = {"json": (2.5, 300), "html": (4.0, None), "xlsx": (15.0, None), "text": (None, None)}
DISTINCT_JSON_SECONDS = 15.0


def timed(command: list[str], strict: bool = True, sampled: bool = False) -> tuple[float, float]:
    """Wall seconds and peak MB of one command (``treemem.wait_for``: with ``sampled``, its whole process
    tree; timed runs are not sampled).  ``strict``: a failure stops the benchmark; otherwise the run is reported as failed, e.g. an older
    checkout that refuses the bill at its time limit."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status, peak = wait_for(child.pid, sampled)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        if strict:
            raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
        return float("inf"), peak
    return seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", help="use this workbook instead of generating one")
    parser.add_argument("--formats", default="json,html,xlsx")
    parser.add_argument("--distinct", action="store_true", help="generate a bill whose lines all differ")
    parser.add_argument("--tender", action="store_true", help="generate a tender bill (no prices or amounts)")
    parser.add_argument("--before", metavar="PYTHON",
                        help="also time the same commands with this interpreter (another checkout's venv)")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.file) if args.file else Path(tmp) / "bench.xlsx"
        if not args.file:
            subprocess.run([sys.executable, str(HERE / "make_bench_bill.py"), str(path), "--lines", str(args.lines)]
                           + ["--distinct"] * args.distinct + ["--tender"] * args.tender, check=True,
                           capture_output=True)
        commands = {"baseline": [sys.executable, "-c", BASELINE, str(path)],
                    # the same check with no report written: what the reports add is the difference
                    "none": [sys.executable, "-m", "checker", "check", str(path), "-q"]}
        for fmt in formats:
            out = Path(tmp) / f"report.{fmt}"
            commands[fmt] = [sys.executable, "-m", "checker", "check", str(path), "-q", "-f", fmt, "-o", str(out)]
            if args.before:  # an older checkout may not know -q / -f
                commands[f"{fmt}-before"] = [args.before, "-m", "checker", "check", str(path), "--format", fmt, "-o",
                                             str(out.with_name("before-" + out.name))]
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, command in commands.items():
                seconds, _ = timed(command, strict=not name.endswith("-before"))
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, 0.0)
        for name, command in commands.items():  # one more round for memory: the whole tree, sampled
            best[name] = (best[name][0], timed(command, strict=False, sampled=True)[1])
    base = best["baseline"][0]
    kind = (", all distinct" if args.distinct else "") + (", tender (no prices)" if args.tender else "")
    print(f"bill: {args.file or f'{args.lines} generated lines' + kind}; "
          f"best of {args.repeat}, interleaved")
    print(f"{'baseline':12} calamine read   {base:6.2f}s  peak {best['baseline'][1]:5.0f} MB")
    none = best["none"][0]
    print(f"{'no report':12} check -q         {none:6.2f}s  peak {best['none'][1]:5.0f} MB  ratio {none / base:5.2f}×  "
          "(read + match + judge: the floor every format stands on)")
    ok = True
    for fmt in [f for f in formats for f in (f, f"{f}-before") if f in best]:
        seconds, peak = best[fmt]
        if seconds == float("inf"):
            print(f"{fmt:12} failed (exit 2: refused or over its time limit)")
            continue
        ratio = seconds / base
        limit, memory = TARGETS.get(fmt, (None, None)) if not fmt.endswith("-before") else (None, None)
        met = (limit is None or ratio <= limit) and (memory is None or peak <= memory)
        if args.distinct and fmt == "json":
            met &= seconds <= DISTINCT_JSON_SECONDS
            print(f"{'':12} every line distinct: {seconds:.1f} s, target ≤ {DISTINCT_JSON_SECONDS:.0f} s"
                  f"{'' if seconds <= DISTINCT_JSON_SECONDS else '  NOT MET'}")
        ok &= met
        target = f"target ≤ {limit}×" + (f", ≤ {memory} MB" if memory else "") if limit else ""
        print(f"{fmt:12} check -f {fmt.split('-')[0]:5} {seconds:6.2f}s  peak {peak:5.0f} MB  ratio {ratio:5.2f}×  "
              f"report adds {(seconds - none) / base:5.2f}×  {target}{'' if met else '  NOT MET'}")
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
