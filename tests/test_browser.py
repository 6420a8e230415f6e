"""The HTML report as a person sees it, in headless Chromium (skipped when no Chromium is installed).

.ci/run installs chromium and fonts-noto-cjk where it can (root with apt-get), so this runs in CI.
"""
import pytest

from checker.report import renderer

from .cdp import Browser, find_chromium
from .conftest import make_run

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

VISIBLE_ROWS = """Array.from(document.querySelectorAll('#item-table tbody tr'))
  .filter(function (r) { return r.getClientRects().length > 0; })
  .map(function (r) { return r.className; })"""


def choose(select_id, value):
    return (f"(function () {{ var s = document.getElementById({select_id!r}); s.value = {value!r};"
            " s.dispatchEvent(new Event('change')); return s.value; }())")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from .conftest import REPORT_BILL, write_bill

    folder = tmp_path_factory.mktemp("browser")
    run = make_run([write_bill(folder / "bill.xlsx", REPORT_BILL)])
    html = folder / "report.html"
    html.write_text(renderer("html")(run), encoding="utf-8")
    with Browser(CHROMIUM, width=1280, height=1000) as browser:
        browser.open(html.as_uri())
        yield browser


def test_verdict_and_banned_line_are_visible(page):
    assert page.evaluate("document.getElementById('verdict').innerText") == "不通过"
    box = page.evaluate("""(function () {
        var a = document.querySelector('#flagged article.f-banned'); var r = a.getBoundingClientRect();
        return {w: r.width, h: r.height, text: a.innerText}; }())""")
    assert box["w"] > 300 and box["h"] > 50
    assert "010401003001" in box["text"] and "实心粘土砖" in box["text"] and "国办发〔2005〕33号" in box["text"]
    mark = page.evaluate("getComputedStyle(document.querySelector('mark.hl-banned')).backgroundColor")
    assert mark not in ("rgba(0, 0, 0, 0)", "transparent")


def test_bill_markup_shows_as_text_and_never_runs(page):
    text = page.evaluate("document.getElementById('flagged').innerText")
    assert "<script>alert('xss')</script>构造柱" in text
    assert "<img src=x onerror=alert(2)>" in text
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script:not([type=\"application/json\"])').length") == 1
    assert not [e for e in page.events if e.get("method") == "Page.javascriptDialogOpening"]


def test_status_filter_hides_the_clean_rows(page):
    everything = page.evaluate(VISIBLE_ROWS)
    assert len(everything) == 6 and "r-clean" in everything
    page.evaluate(choose("f-status", "flagged"))
    shown = page.evaluate(VISIBLE_ROWS)
    assert shown == ["r-banned", "r-restricted", "r-banned"]
    assert page.evaluate("document.getElementById('f-count').textContent") == "显示 3 / 6 行"
    page.evaluate(choose("f-status", "clean"))
    assert set(page.evaluate(VISIBLE_ROWS)) == {"r-clean"}
    page.evaluate(choose("f-status", ""))


def test_category_and_file_filters(page):
    page.evaluate(choose("f-category", "砌体材料"))
    assert page.evaluate(VISIBLE_ROWS) == ["r-promoted"]
    page.evaluate(choose("f-category", "__none"))
    assert len(page.evaluate(VISIBLE_ROWS)) == 4
    page.evaluate(choose("f-category", ""))
    page.evaluate(choose("f-file", "0"))
    assert len(page.evaluate(VISIBLE_ROWS)) == 6
    page.evaluate(choose("f-file", ""))


def test_rows_name_their_sheet_and_row(page):
    where = page.evaluate("document.querySelector('#item-table tbody tr td:nth-child(2)').textContent")
    assert where == "表-08 第2行"


def test_the_page_renders_to_a_screenshot(page, tmp_path):
    page.screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "report.png").stat().st_size > 10_000
