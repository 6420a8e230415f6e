"""Render the HTML report of a bill and screenshot it with headless Chromium (docs/report.png by default).

    python tools/report_screenshot.py [BILL] [-o docs/report.png] [--height 2200]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bill", nargs="?", default=str(REPO / "sample_bills" / "liaocheng_bid_workbook.xlsx"))
    parser.add_argument("-o", "--output", default=str(REPO / "docs" / "report.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2200)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "report.html"
        bill = Path(args.bill).resolve()
        subprocess.run([sys.executable, "-m", "checker", "check", bill.name, "--bid-date", "2026-11-24",
                        "--format", "html", "-o", str(html)], cwd=bill.parent, check=False)
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--hide-scrollbars", f"--user-data-dir={folder}/profile",
                        f"--window-size={args.width},{args.height}", f"--screenshot={Path(args.output).resolve()}",
                        html.as_uri()], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
