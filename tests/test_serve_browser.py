"""`gbm-check serve` as an officer uses it: the real command, driven in real headless Chromium through Playwright
pointed at the system Chromium (no browser is ever downloaded).  Skips when Chromium or Playwright is absent;
.ci/run installs chromium, the test extra installs Playwright."""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .cdp import find_chromium
from .conftest import REPO

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
sync_api = pytest.importorskip("playwright.sync_api")

SAMPLES = REPO / "sample_bills"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DROP = """([name, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name));
  return transfer;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python -m checker serve --no-browser --port 0` in its own process; yields the address it prints."""
    folder = tmp_path_factory.mktemp("serve")
    log = folder / "stderr.txt"
    with open(log, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--no-browser", "--port", "0",
                                    "--data-dir", str(folder / "data")], cwd=REPO, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"http://\S+", log.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(20)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    page.close()


def drop_file(page, path: Path) -> None:
    """Drag a file from the desktop onto the drop zone (a drop event carrying it)."""
    transfer = page.evaluate_handle(DROP, [path.name, base64.b64encode(path.read_bytes()).decode()])
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def test_officer_checks_bills_reads_the_banned_rule_and_downloads_the_workbook(server, page, tmp_path):
    from openpyxl import load_workbook

    page.goto(server)
    page.set_input_files("#bills", str(SAMPLES / "liaocheng_school_boq_paged.xlsx"))
    drop_file(page, SAMPLES / "liaocheng_office_boq.csv")
    assert page.locator("#chosen li").count() == 2
    page.fill("input[name=bid_date]", "2026-11-24")
    page.click("#start")
    page.wait_for_url(re.compile(r"/checks/[A-Za-z0-9_-]+$"), timeout=180_000)

    assert page.inner_text("#result-verdict") == "不通过"
    report = page.frame_locator("#report")
    assert report.locator("#verdict").inner_text() == "不通过"
    banned = report.locator("#flagged article.f-banned").first
    rule = banned.locator("table.findings tbody td b").first.inner_text()
    heading = banned.locator("h3").inner_text()

    with page.expect_download() as json_download:
        page.click("a[data-artifact='report.json']")
    document = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    first_banned = next(i for i in document["items"] if i["status"] == "banned")
    assert first_banned["file"] == "liaocheng_school_boq_paged.xlsx" and first_banned["code"] in heading
    assert rule in [f["rule"] for f in first_banned["findings"] if f["kind"] == "banned"]

    with page.expect_download() as workbook_download:
        page.click("a[data-artifact='workbook-0']")
    download = workbook_download.value
    assert download.suggested_filename == "liaocheng_school_boq_paged.checked.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = load_workbook(saved)
    marked = [(row[-2], row[-1]) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
              if len(row) >= 2 and row[-2] == "禁用"]
    assert marked and any(rule in (rules or "") for _, rules in marked)
    assert page.problems == []  # no script error, no Content-Security-Policy violation

    page.goto(server)
    history = page.locator("#history tbody tr").first
    assert "liaocheng_school_boq_paged.xlsx" in history.inner_text() and "不通过" in history.inner_text()


def test_a_wrong_file_is_refused_on_the_page_before_it_is_sent(server, page, tmp_path):
    notes = tmp_path / "会议纪要.docx"
    notes.write_bytes(b"PK\x03\x04 not a bill")
    page.goto(server)
    page.set_input_files("#bills", str(notes))
    assert page.locator("#client-problem").is_visible()
    assert "会议纪要.docx: not a bill file" in page.inner_text("#client-problem")
    assert page.locator("#start").is_disabled()
    page.evaluate("document.getElementById('start').disabled = false")  # a browser without our script
    page.click("#start")
    page.wait_for_load_state()
    assert "gbm-check: 会议纪要.docx: not a bill file" in page.inner_text("#problem")


def test_the_tender_fields_show_only_in_the_review_mode(server, page):
    page.goto(server)
    if not page.locator("input[name=mode]").count():
        pytest.skip("the bid review is not installed")
    assert not page.locator("input[name=tender]").is_visible()
    page.check("input[name=mode][value=review]")
    assert page.locator("input[name=tender]").is_visible() and page.locator("input[name=control]").is_visible()
    page.check("input[name=mode][value=check]")
    assert not page.locator("input[name=tender]").is_visible()
    assert page.problems == []
