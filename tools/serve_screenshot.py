"""Screenshots of `gbm-check serve` for the README: the start page after one check, its result page, and a bid
review's result (tender + bids).

    python tools/serve_screenshot.py [-o docs]     (needs chromium and the test extra's playwright)

Runs the real command on a private data directory, uploads sample bills in headless Chromium (Playwright driving
the system Chromium: no browser is downloaded) and writes docs/serve.png, docs/serve-result.png and, with the bid review
installed, docs/serve-review.png (a generated tender, control price and three bids).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_bills"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(REPO / "docs"), help="folder for the two pictures")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out = Path(args.output)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "stderr.txt"
        with open(log, "w") as stderr:
            server = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--no-browser", "--port", "0",
                                       "--data-dir", str(Path(folder) / "data")], cwd=REPO, stderr=stderr)
        try:
            while not (found := re.search(r"http://\S+", log.read_text())):
                if server.poll() is not None:
                    print(log.read_text(), file=sys.stderr)
                    return 2
                time.sleep(0.1)
            url = found.group(0)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(url)
                page.set_input_files("#bills", [str(SAMPLES / "liaocheng_bid_workbook.xlsx"),
                                                str(SAMPLES / "liaocheng_office_boq.csv")])
                page.set_input_files("input[name=registry]", str(SAMPLES / "example_certificate_registry.csv"))
                page.fill("input[name=district]", "东昌府区")
                page.fill("input[name=project_type]", "学校")
                page.fill("input[name=bid_date]", "2026-11-24")
                page.click("#start")
                page.wait_for_url(re.compile(r"/checks/[A-Za-z0-9_-]+$"), timeout=300_000)
                page.frame_locator("#report").locator("#verdict").wait_for()
                page.screenshot(path=str(out / "serve-result.png"))
                page.goto(url)
                if page.locator("input[name=mode]").count():
                    review(page, url, Path(folder) / "bills", out / "serve-review.png")
                page.set_viewport_size({"width": 1280, "height": 640})
                page.goto(url)
                page.set_input_files("#bills", [str(SAMPLES / "liaocheng_school_boq_paged.xlsx")])
                page.screenshot(path=str(out / "serve.png"), full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(20)
    print(f"wrote the pictures in {out}")
    return 0


def review(page, url: str, folder: Path, picture: Path) -> None:
    """A bid review of the generated tender, control price and three bids; the result page's picture."""
    sys.path.insert(0, str(REPO))
    from tools import make_compare_bills

    files = make_compare_bills.write(folder)
    page.goto(url)
    page.check("input[name=mode][value=review]")
    page.set_input_files("input[name=tender]", str(files["tender"]))
    page.set_input_files("input[name=control]", str(files["control"]))
    page.set_input_files("#bills", [str(files[f"bid{n}"]) for n in (1, 2, 3)])
    page.fill("input[name=bid_date]", "2026-11-24")
    page.click("#start")
    page.wait_for_url(re.compile(r"/checks/[A-Za-z0-9_-]+$"), timeout=300_000)
    page.frame_locator("#report").locator("table").first.wait_for()
    page.screenshot(path=str(picture))


if __name__ == "__main__":
    sys.exit(main())
