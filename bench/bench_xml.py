"""Benchmark: reading an electronic bid-file XML, as a ratio against just parsing it with ElementTree / lxml.

    python bench/bench_xml.py [--file BILL.xml] [--lines N] [--repeat 5]

Without ``--file`` the real 288-line road bill in ../shared is used when present, else (or with ``--lines``) a
bill written by tools/make_xml_bills.py.  The in-process stages run in one fresh subprocess, alternating (so a
busy machine slows them alike), best of ``--repeat`` runs each:
- parse    : xml.etree.ElementTree.parse (C accelerator) builds the tree, nothing else       (the baseline)
- lxml     : lxml.etree.parse, when lxml is installed                                       (shown only)
- read     : gbm-check's reader: sniff, sha256, safe streaming parse, items, totals, facts    target ≤ 2.0× parse
- command  : `gbm-check check FILE --format json -o OUT` as a user runs it, wall clock, against a process that
             starts Python and parses the file with ElementTree (both pay interpreter start-up)  shown only
Imports happen before the clock starts.  These machines are shared and noisy: compare the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ROAD = REPO.parent / "shared" / "real-bills" / "anhui_municipal_road_bid.xml"

STAGE = r"""
import json, sys, time
sys.path.insert(0, {repo!r})
path, repeat, with_lxml = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
import xml.etree.ElementTree as ET
from checker.read import read_path
from checker.read.xmlbill import shipped_mappings
shipped_mappings()
stages = {{"parse": lambda: ET.parse(path), "read": lambda: read_path(path)}}
if with_lxml:
    from lxml import etree
    stages["lxml"] = lambda: etree.parse(path)
best = {{name: float("inf") for name in stages}}
for _ in range(repeat):  # the stages alternate, so a busy machine slows them alike
    for name, stage in stages.items():
        started = time.perf_counter()
        result = stage()
        best[name] = min(best[name], time.perf_counter() - started)
        if name == "read":
            assert result.ok, result.error
            items = len(result.items)
        elif name == "parse":
            elements = sum(1 for _ in result.iter())
        del result
print(json.dumps({{"best": best, "items": items, "elements": elements}}))
"""


def measure(path: Path, repeat: int) -> dict:
    """The in-process stages in one fresh subprocess (imports before the clock), best of ``repeat`` each."""
    try:
        import lxml  # noqa: F401
        with_lxml = "1"
    except ImportError:
        with_lxml = "0"
    out = subprocess.run([sys.executable, "-c", STAGE.format(repo=str(REPO)), str(path), str(repeat), with_lxml],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def wall(command: list[str], repeat: int, ok=(0, 1)) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode not in ok:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="an XML bill to read (default: the shared road bill)")
    parser.add_argument("--lines", type=int, default=0, help="generate a bill of about N lines instead")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if path is None and (args.lines or not ROAD.exists()):
            sys.path.insert(0, str(REPO))
            from tools.make_xml_bills import BILL, anhui_attributes, scaled

            path = Path(tmp) / "bench.xml"
            path.write_bytes(anhui_attributes(scaled(BILL, args.lines or 300)))
        path = path or ROAD
        measured = measure(path, args.repeat)
        baseline_process = wall([sys.executable, "-c", "import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])",
                                 str(path)], args.repeat)
        command = wall([sys.executable, "-m", "checker", "check", str(path), "--format", "json", "-o",
                        str(Path(tmp) / "report.json")], args.repeat)
        size = path.stat().st_size
    best = measured["best"]
    ratio = best["read"] / best["parse"]
    print(f"file     {path} ({size / 1e6:.1f} MB, {measured['elements']:,} elements, {measured['items']:,} items)")
    print(f"parse    {best['parse'] * 1000:8.1f} ms   ElementTree.parse (baseline)")
    if "lxml" in best:
        print(f"lxml     {best['lxml'] * 1000:8.1f} ms   {best['lxml'] / best['parse']:.2f}× parse")
    print(f"read     {best['read'] * 1000:8.1f} ms   {ratio:.2f}× parse   (target ≤ 2.0×) "
          f"{'OK' if ratio <= 2.0 else 'OVER TARGET'}")
    print(f"command  {command * 1000:8.1f} ms   check --format json -o, wall clock; "
          f"{command / baseline_process:.2f}× a python process that only parses it ({baseline_process * 1000:.0f} ms)")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
