"""Benchmark: a check through `gbm-check serve` (upload → verdict, every report written) against the same check
by the command line writing the same reports, and how the page answers while a check runs.

    python bench/bench_serve.py [--repeat 3] [FILE ...]        (default: the sample bills; needs httpx2)

- baseline : `gbm-check check FILES` writing JSON, HTML, SARIF and the annotated workbooks (a fresh process)
- serve    : POST the files to a running `gbm-check serve`, poll until the check is done, open the result page
             (uploads streamed to disk, one worker process per file, one for the reports, the history written)
- answer   : the slowest answer of the start page while a check runs (polled every 50 ms)
Best of ``--repeat``; these machines are shared and noisy: compare the ratio, not the seconds.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def cli_seconds(files: list[Path], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "checker", "check", *map(str, files), "--bid-date", "2026-11-24",
                    "--format", "json", "-o", str(out / "r.json"), "--format", "html", "-o", str(out / "r.html"),
                    "--format", "sarif", "-o", str(out / "r.sarif"), "--format", "xlsx", "-o", f"{out}/wb/"],
                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def serve_seconds(client, files: list[Path]) -> tuple[float, float]:
    """(seconds from upload to the result page, slowest start-page answer meanwhile)."""
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    parts = [("bills", (f.name, f.read_bytes())) for f in files]
    started = time.perf_counter()
    response = client.post("/checks", data={"csrf": token, "bid_date": "2026-11-24"}, files=parts)
    job = str(response.url).rsplit("/", 1)[1]
    slowest = 0.0
    while True:
        status = client.get(f"/jobs/{job}/status").json()
        if status["state"] in ("done", "failed"):
            break
        asked = time.perf_counter()
        client.get("/")
        slowest = max(slowest, time.perf_counter() - asked)
        time.sleep(0.05)
    client.get(f"/checks/{job}")
    return time.perf_counter() - started, slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import httpx2 as httpx
    except ImportError:
        print("needs httpx2 (pip install -e '.[test]')", file=sys.stderr)
        return 2
    files = args.files or sorted(p for p in (REPO / "sample_bills").iterdir()
                                 if p.suffix in (".xlsx", ".csv") and "registry" not in p.name)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        with open(log, "w") as stderr:
            server = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--no-browser", "--port", "0",
                                       "--data-dir", f"{folder}/data"], cwd=REPO, stderr=stderr)
        try:
            while not (found := re.search(r"http://\S+", log.read_text())):
                if server.poll() is not None:
                    print(log.read_text(), file=sys.stderr)
                    return 2
                time.sleep(0.1)
            with httpx.Client(base_url=found.group(0), follow_redirects=True, timeout=600) as client:
                serve_seconds(client, files[:1])  # warm the fork server once, as a running server is
                cli, page, answer = [], [], []
                for n in range(args.repeat):  # alternate, so that both see the same machine load
                    out = Path(folder) / f"cli{n}"
                    out.mkdir()
                    cli.append(cli_seconds(files, out))
                    seconds, slowest = serve_seconds(client, files)
                    page.append(seconds)
                    answer.append(slowest)
        finally:
            server.terminate()
            server.wait(20)
    print(f"{len(files)} file(s): {', '.join(f.name for f in files)}")
    print(f"baseline  gbm-check check, 4 report formats   {min(cli):6.2f} s")
    print(f"serve     upload → verdict → result page      {min(page):6.2f} s   {min(page) / min(cli):.2f}× baseline")
    print(f"answer    slowest start page during a check   {min(answer) * 1000:6.0f} ms (best run), "
          f"{max(answer) * 1000:.0f} ms (worst run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
