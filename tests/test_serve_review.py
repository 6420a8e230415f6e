"""The tender + bids mode of `gbm-check serve` (清标): the bid review of checker.compare behind the page.
Skips where the compare package is not installed."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("httpx2")
pytest.importorskip("checker.compare.engine")

from starlette.testclient import TestClient  # noqa: E402

from checker.serve.app import create_app  # noqa: E402
from tools import make_compare_bills  # noqa: E402

from .serve_helpers import BASE_URL, form_token, small_settings, wait_for  # noqa: E402


def test_a_tender_and_its_bids_are_reviewed_and_the_matrix_is_the_result(tmp_path):
    files = make_compare_bills.write(tmp_path / "bills")
    settings = small_settings(tmp_path, max_file_bytes=8 * 2**20, max_files=5)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        parts = [("tender", ("招标清单.xlsx", files["tender"].read_bytes())),
                 ("control", ("控制价.xlsx", files["control"].read_bytes()))]
        parts += [("bills", (f"投标{n}.xlsx", files[f"bid{n}"].read_bytes())) for n in (1, 2, 3)]
        response = client.post("/checks", data={"csrf": form_token(client), "mode": "review", "band": "15",
                                                 "bid_date": "2026-11-24"}, files=parts, follow_redirects=False)
        assert response.status_code == 303, response.text
        status = wait_for(client, response.headers["location"], seconds=300)
        assert status["state"] == "done" and status["kind"] == "review"
        assert status["names"][:2] == ["招标清单.xlsx", "控制价.xlsx"]
        assert status["roles"] == ["tender", "control", "bid", "bid", "bid"]

        page = client.get(f"/checks/{status['id']}").text
        assert f'src="/checks/{status["id"]}/review.html"' in page and "（招标清单）" in page
        matrix = client.get(f"/checks/{status['id']}/review.html")
        assert matrix.status_code == 200 and "frame-ancestors 'self'" in matrix.headers["content-security-policy"]
        assert "投标1.xlsx" in matrix.text
        review = json.loads(client.get(f"/checks/{status['id']}/download/review.json").text)
        assert [b["file"] for b in review["bidders"]] == ["投标1.xlsx", "投标2.xlsx", "投标3.xlsx"]
        record = client.app.state.history.get(status["id"])
        assert record.kind == "review" and record.counts["bids"] == 3
        assert record.verdict == review["verdict"]["result"] == "fail"  # the generator plants failing deviations
        checked = client.get(f"/checks/{status['id']}/download/report.json").json()  # each file checked too
        assert [f["path"] for f in checked["files"]][0] == "招标清单.xlsx"
        assert client.get(f"/checks/{status['id']}/download/review.xlsx").content[:2] == b"PK"
