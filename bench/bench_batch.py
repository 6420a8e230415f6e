"""Benchmark: a batch of bills on every core, and the runner's own cost on one big bill; ratios from one run.

    python bench/bench_batch.py [--files 1000] [--lines 300] [--distinct 20] [--repeat 1] [--big 50000]

Batch (``--files`` bills of ``--lines`` lines: ``--distinct`` generated bills, copied):
- baseline  : python-calamine reads every file, two processes (multiprocessing.Pool(2))
- jobs1     : ``gbm-check check DIR --jobs 1 --format json -o r.json``
- jobs2     : the same with ``--jobs 2``                                     target: jobs1 / jobs2 ≥ 1.7
- runner    : ``checker.run.check_files(..., jobs=2)`` with a consumer that drops every report, for a quarter,
              half and all of the files: peak memory of the runner and of its biggest worker
              target ≤ 400 MB, not growing with the number of files
- command   : the whole command's peak memory for the same counts (it keeps every report for the writers)
One big bill (``--big`` lines, bench/make_bench_bill.py):
- inprocess : check_file in this process (no isolation)
- isolated  : check_files(jobs=1): a forked worker, limits, the report pickled back   target: a small fraction
- command   : ``gbm-check check BIG.xlsx --format json -o r.json``

Every measurement runs in a fresh process; the whole command's memory comes from separate, sampled runs of its
whole process tree (``treemem``: summed PSS, workers included), never from a timed run.  The machine is shared: read the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from treemem import wait_for  # noqa: E402

BASELINE = r"""
import sys, multiprocessing
from python_calamine import CalamineWorkbook
def read(path):
    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)
if __name__ == "__main__":
    paths = sys.argv[1:]
    with multiprocessing.Pool(2) as pool:
        print(sum(pool.map(read, paths, chunksize=8)))
"""

RUNNER = r"""
import json, os, resource, sys, time
sys.path.insert(0, {repo!r})
from checker.match.catalog import load_catalogs
from checker.judge.rules import Profile
from checker.run import CheckSettings, check_files
mode, paths = sys.argv[1], sys.argv[2:]
settings = CheckSettings(load_catalogs(), Profile())
started = time.perf_counter()
items = 0
if mode == "inprocess":
    reports = check_files(paths, settings, isolate=False)
else:
    reports = check_files(paths, settings, jobs=int(mode))
for report in reports:  # the discarding consumer: nothing is kept
    items += len(report.items)
seconds = time.perf_counter() - started
while True:  # the runner leaves idle workers to quit on their own: wait for them, so their peak is counted
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "items": items, "runner_mb": own, "worker_mb": workers}}))
"""


TOY = r"""
import sys, multiprocessing
def burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
with multiprocessing.Pool(int(sys.argv[1])) as pool:
    pool.map(burn, [2_000_000] * 8)
"""


def timed(args: list[str], cwd: str | None = None, sampled: bool = False) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout); the peak as ``treemem.wait_for`` gives it (``sampled``: the whole process
    tree; runs whose seconds count are not sampled)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, peak = wait_for(process.pid, sampled)
        seconds = time.perf_counter() - started
        out.seek(0)
        return seconds, peak, out.read().decode()


def gbm_check(*args: str) -> list[str]:
    return [sys.executable, "-m", "checker", "check", *args]


def make_batch(folder: Path, files: int, lines: int, distinct: int) -> list[str]:
    sources = []
    for seed in range(distinct):
        path = folder / f"source-{seed:03d}.xlsx"
        subprocess.run([sys.executable, str(HERE / "make_bench_bill.py"), str(path), "--lines", str(lines),
                        "--seed", str(1000 + seed)], check=True, capture_output=True)
        sources.append(path)
    batch = folder / "batch"
    batch.mkdir()
    paths = []
    for number in range(files):
        target = batch / f"bill-{number:05d}.xlsx"
        shutil.copy(sources[number % distinct], target)
        paths.append(str(target))
    return paths


def best(args: list[str], repeat: int, cwd: str | None = None) -> tuple[float, float, str]:
    runs = [timed(args, cwd) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--distinct", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--big", type=int, default=50_000, help="lines of the big bill (0: skip)")
    args = parser.parse_args()
    env_python = [sys.executable]
    with tempfile.TemporaryDirectory(prefix="gbm-bench-") as tmp:
        folder = Path(tmp)
        paths = make_batch(folder, args.files, args.lines, args.distinct)
        batch = str(folder / "batch")
        print(f"{args.files} bills × {args.lines} lines ({args.distinct} distinct), load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        runs: dict[str, list[tuple[float, float, str]]] = {"base": [], "one": [], "two": [], "toy1": [], "toy2": []}
        for _ in range(args.repeat):  # interleaved: the machine's load changes from minute to minute
            runs["base"].append(timed(env_python + ["-c", BASELINE] + paths))
            runs["one"].append(timed(gbm_check(batch, "--jobs", "1", "--format", "json", "-o", str(folder / "r1.json"))))
            runs["two"].append(timed(gbm_check(batch, "--jobs", "2", "--format", "json", "-o", str(folder / "r2.json"))))
            runs["toy1"].append(timed(env_python + ["-c", TOY, "1"]))
            runs["toy2"].append(timed(env_python + ["-c", TOY, "2"]))
        base, one, two, toy1, toy2 = (min(runs[k], key=lambda r: r[0]) for k in ("base", "one", "two", "toy1", "toy2"))
        print(f"  baseline (calamine, 2 processes) {base[0]:7.1f} s")
        print(f"  --jobs 1 (whole command, JSON)   {one[0]:7.1f} s  {one[0] / base[0]:5.1f}× baseline  "
              f"command's own peak {one[1]:5.0f} MB")
        print(f"  --jobs 2 (whole command, JSON)   {two[0]:7.1f} s  {two[0] / base[0]:5.1f}× baseline  "
              f"command's own peak {two[1]:5.0f} MB")
        print(f"  speed-up --jobs 2 over --jobs 1  {one[0] / two[0]:7.2f}×   (target ≥ 1.7)")
        print(f"  what this machine gives a pure CPU job on 2 processes right now: {toy1[0] / toy2[0]:.2f}× "
              f"(load {os.getloadavg()[0]:.1f})")
        print("  memory as the batch grows (runner: its own and its biggest worker's peak; whole command: its whole "
              "process tree, summed PSS, sampled):")
        script = RUNNER.format(repo=str(REPO))
        for count in sorted({max(1, args.files // 4), max(1, args.files // 2), args.files}):
            subset = paths[:count]
            seconds, _peak, out = timed(env_python + ["-c", script, "2"] + subset)
            data = json.loads(out.strip().splitlines()[-1])
            sub = folder / f"sub{count}"
            sub.mkdir()
            for path in subset:
                os.link(path, sub / Path(path).name)
            _s, whole_peak, _ = timed(gbm_check(str(sub), "--jobs", "2", "--format", "json", "-o",
                                                str(folder / f"s{count}.json")), sampled=True)
            print(f"    {count:6d} files: runner {data['runner_mb']:5.0f} MB, biggest worker "
                  f"{data['worker_mb']:5.0f} MB (discarding consumer, {seconds:5.1f} s);  whole command "
                  f"{whole_peak:5.0f} MB")
        if args.big:
            big = folder / "big.xlsx"
            subprocess.run([sys.executable, str(HERE / "make_bench_bill.py"), str(big), "--lines", str(args.big)],
                           check=True, capture_output=True)
            inproc = min((json.loads(timed(env_python + ["-c", script, "inprocess", str(big)])[2].splitlines()[-1])
                          for _ in range(max(1, args.repeat))), key=lambda d: d["seconds"])
            isolated = min((json.loads(timed(env_python + ["-c", script, "1", str(big)])[2].splitlines()[-1])
                            for _ in range(max(1, args.repeat))), key=lambda d: d["seconds"])
            command = best(gbm_check(str(big), "--format", "json", "-o", str(folder / "big.json")), args.repeat)
            overhead = isolated["seconds"] - inproc["seconds"]
            print(f"{args.big}-line bill: check in process {inproc['seconds']:.2f} s, in a worker "
                  f"{isolated['seconds']:.2f} s: the runner adds {overhead:.2f} s = "
                  f"{overhead / command[0] * 100:.0f}% of the whole JSON command ({command[0]:.1f} s, peak "
                  f"{command[1]:.0f} MB)")
        same = subprocess.run(env_python + ["-c", "import json, sys; a, b = (json.load(open(p))['summary'] for p in "
                                            "sys.argv[1:]); print(a == b)", str(folder / "r1.json"),
                                            str(folder / "r2.json")], capture_output=True, text=True).stdout.strip()
        print(f"  --jobs 1 and --jobs 2 reports have the same summary: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
