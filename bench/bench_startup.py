"""Benchmark: start-up of the command, against the bare interpreter measured in the same run.

    python bench/bench_startup.py [--repeat 15]

- baseline      : ``python -c pass``
- version       : ``gbm-check --version``                               target ≤ 150 ms
- csv           : ``gbm-check check TEN.csv`` (a 10-line bill, text report)  target ≤ 400 ms
- csv-json      : the same with ``--format json -o r.json``

Each command runs ``--repeat`` times; the best wall time and the best CPU time (user + system, of the process
and its children) are kept.  On a busy shared machine the wall times wander; the CPU times and the ratios to
the baseline are the steadier figures.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ROWS = [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量", "综合单价", "合价"]] + [
    [n, f"0104010{n:02d}001", name, features, "m3", 10 + n, 400 + n, (10 + n) * (400 + n)]
    for n, (name, features) in enumerate([
        ("砖基础", "MU15混凝土实心砖；预拌砂浆DM M10"), ("实心砖墙", "烧结粘土实心砖 240墙"),
        ("砌块墙", "蒸压加气混凝土砌块"), ("矩形柱", "现场搅拌混凝土 C30"), ("构造柱", "预拌混凝土 C25"),
        ("平整场地", "三类土"), ("挖基坑土方", "三类土 深2m"), ("垫层", "C15预拌混凝土"),
        ("屋面保温", "挤塑聚苯板 50厚"), ("外墙涂料", "弹性涂料两遍")], start=1)]


def measure(args: list[str], repeat: int, cwd: str) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``repeat`` runs, after one warm-up run.  Bytecode is
    written and used, as in an installed package (pip compiles it; PYTHONDONTWRITEBYTECODE would make every
    run compile every module again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "ten.csv"
        csv_path.write_text("\n".join(",".join(str(v) for v in row) for row in ROWS) + "\n", encoding="utf-8")
        script = Path(sys.executable).with_name("gbm-check")  # the installed command a user runs
        command = [str(script)] if script.exists() else [sys.executable, "-m", "checker"]
        cases = {
            "baseline": [sys.executable, "-c", "pass"],
            "version": command + ["--version"],
            "csv": command + ["check", str(csv_path)],
            "csv-json": command + ["check", str(csv_path), "--format", "json", "-o", os.path.join(tmp, "r.json")],
        }
        results = {name: measure(case, args.repeat, tmp) for name, case in cases.items()}
    base_wall, base_cpu = results["baseline"]
    targets = {"version": 0.150, "csv": 0.400, "csv-json": 0.400}
    print(f"{'command':10} {'wall ms':>8} {'cpu ms':>7} {'× baseline (cpu)':>17}  target")
    for name, (wall, cpu) in results.items():
        target = targets.get(name)
        verdict = "" if target is None else f"≤ {target * 1000:.0f} ms: {'met' if wall <= target else 'NOT met'} (wall)"
        print(f"{name:10} {wall * 1000:8.0f} {cpu * 1000:7.0f} {cpu / base_cpu:17.1f}  {verdict}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
