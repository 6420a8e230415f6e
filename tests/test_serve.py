"""`gbm-check serve` through the ASGI test client: upload → progress → result → downloads, the history, every
refusal, concurrent uploads, and the worker processes that keep the page responsive."""
from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import sqlite3
import time
import zipfile

import pytest

httpx = pytest.importorskip("httpx2")  # the HTTP client Starlette's test client uses
from starlette.testclient import TestClient  # noqa: E402

from checker.report.json_report import SCHEMA  # noqa: E402
from checker.serve.app import create_app  # noqa: E402

from .conftest import REPO, REPORT_BILL, write_bill  # noqa: E402
from .serve_helpers import BASE_URL, csrf_of, form_token, small_settings, upload, wait_for  # noqa: E402

SAMPLES = REPO / "sample_bills"


@pytest.fixture
def bill_bytes(tmp_path) -> bytes:
    """An xlsx bill with a banned line (实心粘土砖), a restricted one and hostile text."""
    return write_bill(tmp_path / "made.xlsx", REPORT_BILL).read_bytes()


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(small_settings(tmp_path)), base_url=BASE_URL) as test_client:
        yield test_client


def uploads_left(tmp_path) -> list[str]:
    return [str(p.relative_to(tmp_path)) for p in (tmp_path / "uploads").rglob("*")]


def run_check(client, files, **fields) -> str:
    """Upload, follow to the job page, wait until done; return the check id."""
    response = upload(client, files, **fields)
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    assert client.get(job_url).status_code in (200, 303)
    status = wait_for(client, job_url)
    assert status["state"] == "done", status
    return job_url.rsplit("/", 1)[1]


def test_upload_result_and_downloads(client, tmp_path, bill_bytes):
    csv_bytes = (SAMPLES / "liaocheng_office_boq.csv").read_bytes()
    check_id = run_check(client, [("教学楼 清单.xlsx", bill_bytes), ("office.csv", csv_bytes)])

    page = client.get(f"/checks/{check_id}")
    assert page.status_code == 200
    assert 'id="result-verdict">不通过<' in page.text
    assert "教学楼 清单.xlsx" in page.text and "office.csv" in page.text
    assert hashlib.sha256(bill_bytes).hexdigest()[:12] in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]

    report = client.get(f"/checks/{check_id}/report.html")
    assert report.status_code == 200
    policy = report.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "frame-ancestors 'self'" in policy
    assert "script-src 'sha256-" in policy
    assert "NPOL-01" in report.text and 'id="verdict">不通过<' in report.text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in report.text  # bill text stays escaped

    data = client.get(f"/checks/{check_id}/download/report.json")
    assert "attachment" in data.headers["content-disposition"]
    document = data.json()
    assert [f["path"] for f in document["files"]] == ["教学楼 清单.xlsx", "office.csv"]
    assert document["verdict"]["result"] == "fail"
    assert document["profile"]["bid_date"] == "2026-11-24"
    assert "gbm-check-upload" not in data.text and str(tmp_path) not in data.text  # no server path leaks

    sarif = client.get(f"/checks/{check_id}/download/report.sarif").json()
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"NPOL-01"}

    workbook = client.get(f"/checks/{check_id}/download/workbook-0")
    assert "filename*=UTF-8''%E6%95%99%E5%AD%A6%E6%A5%BC%20%E6%B8%85%E5%8D%95.checked.xlsx" in \
        workbook.headers["content-disposition"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook.content))
    sheet = book["表-08"]
    header = [c.value for c in sheet[1]]
    assert "检查结果" in header
    column = header.index("检查结果") + 1
    assert sheet.cell(row=3, column=column).value == "禁用"  # the 实心粘土砖 line
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in cells if "gbm-check-upload" in c or str(tmp_path) in c]  # no server path inside
    findings = client.get(f"/checks/{check_id}/download/workbook-1")
    assert "office.findings.xlsx" in findings.headers["content-disposition"]
    assert uploads_left(tmp_path) == []  # default: the uploads are deleted after the check


def test_history_lists_keeps_and_deletes(client, tmp_path, bill_bytes):
    check_id = run_check(client, [("a.xlsx", bill_bytes)])
    start = client.get("/")
    assert f'data-check="{check_id}"' in start.text and "不通过" in start.text
    with sqlite3.connect(tmp_path / "data" / "history.sqlite3") as db:
        name, digest, size = db.execute("SELECT name, sha256, size FROM check_files WHERE check_id = ?",
                                        (check_id,)).fetchone()
        verdict, counts, profile, report = db.execute(
            "SELECT verdict, counts, profile, report_json FROM checks WHERE id = ?", (check_id,)).fetchone()
    assert (name, digest, size) == ("a.xlsx", hashlib.sha256(bill_bytes).hexdigest(), len(bill_bytes))
    assert verdict == "fail" and json.loads(counts)["banned"] >= 1
    assert json.loads(profile)["city"] == "聊城" and json.loads(report)["schema"] == SCHEMA

    refused = client.post(f"/checks/{check_id}/delete", data={"csrf": "forged" * 8}, follow_redirects=False)
    assert refused.status_code == 403 and client.get(f"/checks/{check_id}").status_code == 200
    deleted = client.post(f"/checks/{check_id}/delete", data={"csrf": csrf_of(start.text)}, follow_redirects=False)
    assert deleted.status_code == 303
    assert client.get(f"/checks/{check_id}").status_code == 404
    assert client.get(f"/checks/{check_id}/download/report.json").status_code == 404
    assert f'data-check="{check_id}"' not in client.get("/").text


def test_uploads_kept_by_choice_under_generated_names(client, tmp_path, bill_bytes):
    import datetime as _dt

    check_id = run_check(client, [("../../secret/清单.xlsx", bill_bytes)], keep="7d")
    folder = tmp_path / "data" / "uploads" / check_id
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["upload-0.xlsx"]  # our name, never the client's
    original = client.get(f"/checks/{check_id}/files/0")
    assert original.content == bill_bytes and "filename*=UTF-8''%E6%B8%85%E5%8D%95.xlsx" in \
        original.headers["content-disposition"]
    assert not (tmp_path / "secret").exists()
    history = client.app.state.history
    assert history.forget_expired_uploads(_dt.datetime.now() + _dt.timedelta(days=8)) == 1
    assert not folder.exists() and client.get(f"/checks/{check_id}/files/0").status_code == 404
    assert client.get(f"/checks/{check_id}").status_code == 200  # the check itself stays


def test_hostile_file_name_is_only_displayed(client, tmp_path, bill_bytes):
    check_id = run_check(client, [("..\\..\\<img src=x onerror=alert(1)>.xlsx", bill_bytes)])
    page = client.get(f"/checks/{check_id}").text
    assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in page and "<img src=x" not in page
    assert not list(tmp_path.rglob("*onerror*"))


def test_per_file_limits_are_shown_one_line_each(client, tmp_path, bill_bytes):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 2**20))
    response = upload(client, [("bomb.xlsx", bomb.getvalue()), ("good.xlsx", bill_bytes)])
    status = wait_for(client, response.headers["location"])
    assert status["state"] == "done"
    assert len(status["errors"]) == 1 and status["errors"][0].startswith("gbm-check: bomb.xlsx: ")
    assert "压缩炸弹" in status["errors"][0]  # the page's language, as the command line's default
    page = client.get(f"/checks/{status['id']}").text
    assert 'id="file-errors"' in page and "gbm-check: bomb.xlsx: 疑似压缩炸弹" in page
    assert "疑似压缩炸弹" in client.get("/").text  # the history says why the file was not checked
    document = client.get(f"/checks/{status['id']}/download/report.json").json()
    assert [f["status"] for f in document["files"]] == ["error", "ok"]  # the batch went on


def test_time_limit_per_file_is_shown(tmp_path, bill_bytes):
    settings = small_settings(tmp_path, file_seconds=0.001)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        response = upload(client, [("slow.xlsx", bill_bytes)])
        status = wait_for(client, response.headers["location"])
    assert status["state"] == "done"
    assert len(status["errors"]) == 1
    assert status["errors"][0].startswith("gbm-check: slow.xlsx: 未检查：超过每个文件 ")  # the page is Chinese


def test_registry_upload_is_used_and_named_by_its_client_name(client, bill_bytes):
    registry = ("证书.csv", (SAMPLES / "example_certificate_registry.csv").read_bytes(), "text/csv")
    check_id = run_check(client, [("a.xlsx", bill_bytes)], registry=registry)
    document = client.get(f"/checks/{check_id}/download/report.json").json()
    assert document["registry"]["path"] == "证书.csv" and document["registry"]["example_data"] is True
    assert any("证书.csv is EXAMPLE DATA" in w for w in document["warnings"])
    assert "证书.csv" in client.get(f"/checks/{check_id}").text


def test_a_bad_registry_fails_the_check_with_one_line(client, tmp_path, bill_bytes):
    response = upload(client, [("a.xlsx", bill_bytes)], registry=("certs.csv", "甲,乙\n1,2\n".encode(), "text/csv"))
    status = wait_for(client, response.headers["location"])
    assert status["state"] == "failed"
    assert status["message"].startswith("gbm-check: certs.csv: ") and "\n" not in status["message"]
    assert str(tmp_path) not in status["message"]
    assert "gbm-check: certs.csv: " in client.get(response.headers["location"]).text
    assert uploads_left(tmp_path) == []


# ---- refusals: each with its one line on the page, nothing left behind ----

def test_oversize_file_is_refused_while_streaming(client, tmp_path):
    response = upload(client, [("big.xlsx", b"0" * (600 * 1024))])
    assert response.status_code == 413
    assert "gbm-check: big.xlsx: file is over the 512 KB input limit" in response.text
    assert 'id="check-form"' in response.text  # the form is there to try again
    assert uploads_left(tmp_path) == []


def test_wrong_type_is_refused(client, tmp_path):
    response = upload(client, [("setup.exe", b"MZ" + b"\0" * 100)])
    assert response.status_code == 415
    assert "gbm-check: setup.exe: not a bill file (allowed: .xlsx" in response.text
    assert uploads_left(tmp_path) == []


def test_too_many_files_are_refused(client, tmp_path, bill_bytes):
    response = upload(client, [(f"b{n}.xlsx", bill_bytes) for n in range(4)])
    assert response.status_code == 413
    assert "gbm-check: too many files: at most 3 bill file(s) in one check" in response.text
    assert uploads_left(tmp_path) == []


def test_an_upload_without_bills_or_with_a_bad_date_is_refused(client, tmp_path, bill_bytes):
    assert upload(client, []).status_code == 400
    response = upload(client, [("a.xlsx", bill_bytes)], bid_date="2026-13-40")
    assert response.status_code == 400 and "bid date &#39;2026-13-40&#39; is not a date" in response.text
    response = upload(client, [("a.xlsx", bill_bytes)], urban_area="maybe")
    assert response.status_code == 400 and "urban_area: choose one of yes, no, unknown" in response.text
    assert uploads_left(tmp_path) == []


@pytest.mark.parametrize("token", ["", "x" * 43, None])
def test_forged_forms_are_refused_before_any_file_is_written(client, tmp_path, bill_bytes, token):
    if token is None:  # no CSRF cookie at all: a fresh browser posting a form from elsewhere
        client.cookies.clear()
        token = "y" * 43
    else:
        form_token(client)
    response = upload(client, [("a.xlsx", bill_bytes)], token=token)
    assert response.status_code == 403 and "(CSRF)" in response.text
    assert uploads_left(tmp_path) == []
    assert client.app.state.jobs.jobs == {}


def test_cross_site_posts_are_refused_even_with_the_token(client, tmp_path, bill_bytes):
    token = form_token(client)
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = client.post("/checks", data={"csrf": token}, files=[("bills", ("a.xlsx", bill_bytes))],
                               headers=headers, follow_redirects=False)
        assert response.status_code == 403 and "(CSRF)" in response.text
    same = client.post("/checks", data={"csrf": token}, files=[("bills", ("a.xlsx", bill_bytes))],
                       headers={"origin": BASE_URL, "sec-fetch-site": "same-origin"}, follow_redirects=False)
    assert same.status_code == 303
    wait_for(client, same.headers["location"])


def test_a_foreign_host_name_is_refused_on_loopback(client):
    response = client.get("/", headers={"host": "rebound.example:8765"})
    assert response.status_code == 400 and "answers only at 127.0.0.1 or localhost" in response.text
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_the_access_token_is_required_off_loopback(tmp_path, bill_bytes):
    settings = small_settings(tmp_path, host="0.0.0.0", token="s3cret-token-value")
    with TestClient(create_app(settings), base_url="http://192.0.2.10:8765") as client:
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
        bad = client.get("/?token=wrong", follow_redirects=False)
        assert bad.status_code == 401 and "wrong access token" in bad.text
        assert client.post("/checks").status_code == 401  # nothing is read without the token
        assert client.get("/", headers={"authorization": "Bearer s3cret-token-value"}).status_code == 200
        entry = client.get("/?token=s3cret-token-value", follow_redirects=False)
        assert entry.status_code == 303 and entry.headers["location"] == "http://192.0.2.10:8765/"
        assert "HttpOnly" in entry.headers["set-cookie"] and "SameSite=strict" in entry.headers["set-cookie"]
        assert client.get("/").status_code == 200  # the cookie now carries it
        check_id = run_check(client, [("a.xlsx", bill_bytes)])
        assert client.get(f"/checks/{check_id}/download/report.json").status_code == 200
        client.cookies.clear()
        assert client.get(f"/checks/{check_id}/download/report.json").status_code == 401


def test_unknown_pages_and_downloads_are_404(client):
    assert client.get("/checks/nosuchcheck1").status_code == 404
    assert client.get("/checks/nosuchcheck1/download/report.json").status_code == 404
    assert client.get("/checks/..%2F..%2Fetc/download/passwd").status_code == 404
    assert client.get("/jobs/nosuchjob123/status").status_code == 404


# ---- concurrency and worker processes ----

def test_two_uploads_at_once(tmp_path, bill_bytes):
    """Two browsers upload at the same moment: both are received, checked and stored, each with its own files."""
    app = create_app(small_settings(tmp_path))
    csv_bytes = (SAMPLES / "liaocheng_office_boq.csv").read_bytes()

    async def one(name: str, body: bytes) -> dict:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
            token = csrf_of((await browser.get("/")).text)
            response = await browser.post("/checks", data={"csrf": token, "bid_date": "2026-11-24"},
                                          files=[("bills", (name, body))])
            assert response.status_code == 303, response.text
            job_url = response.headers["location"]
            for _ in range(1200):
                status = (await browser.get(f"{job_url}/status")).json()
                if status["state"] in ("done", "failed"):
                    return status
                await asyncio.sleep(0.1)
            raise AssertionError(status)

    async def both():
        try:
            return await asyncio.gather(one("first.xlsx", bill_bytes), one("second.csv", csv_bytes))
        finally:
            await app.state.jobs.close()

    first, second = asyncio.run(both())
    assert first["state"] == second["state"] == "done" and first["id"] != second["id"]
    history = app.state.history
    assert [f.name for f in history.get(first["id"]).files] == ["first.xlsx"]
    assert [f.name for f in history.get(second["id"]).files] == ["second.csv"]
    assert json.loads(history.report_json(second["id"]))["files"][0]["path"] == "second.csv"
    assert uploads_left(tmp_path) == []


def test_the_page_answers_while_a_check_runs_in_a_worker_process(tmp_path):
    """A bill of a thousand lines takes a while to judge: meanwhile the page and the status answer, and
    the check runs in a separate process (not on the event loop, not in a thread of the server)."""
    rows = [REPORT_BILL[0]] + [[n, f"0104010030{n % 100:02d}", "实心砖墙", f"1.砖品种：MU10页岩砖 编号{n}",
                                "m3", 1, 1, 1] for n in range(1, 1200)]
    body = write_bill(tmp_path / "long.xlsx", rows).read_bytes()
    with TestClient(create_app(small_settings(tmp_path, max_file_bytes=4 * 2**20)), base_url=BASE_URL) as client:
        response = upload(client, [("long.xlsx", body)])
        job_url = response.headers["location"]
        seen_worker = False
        while True:
            status = client.get(f"{job_url}/status").json()
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.01)
            if status["state"] != "running":
                continue
            workers = client.app.state.jobs.workers.running
            if any(p.is_alive() and p.pid != os.getpid() for p in workers):
                seen_worker = True
                assert client.get("/").status_code == 200
    assert status["state"] == "done" and seen_worker


def test_a_worker_that_overruns_or_dies_is_stopped():
    from checker.serve.worker import WorkerError, Workers, WorkerTimeout

    async def scenario():
        workers = Workers()
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            await workers.call(time.sleep, 30, timeout=0.5)
        assert time.monotonic() - started < 10 and not workers.running
        with pytest.raises(WorkerError, match="exit code 3"):
            await workers.call(os._exit, 3, timeout=20)
        assert await workers.call(sum, (1, 2, 3), timeout=20) == 6

    asyncio.run(scenario())


# ---- the command ----

def start_serve(tmp_path, *args):
    """`python -m checker serve --no-browser --port 0 …` in its own process; (process, the address it printed)."""
    import re
    import subprocess
    import sys

    log = tmp_path / "serve.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--no-browser", "--port", "0",
                                    "--data-dir", str(tmp_path / "data"), *args], cwd=REPO, stderr=stderr)
    deadline = time.monotonic() + 60
    while not (found := re.search(r"http://\S+", log.read_text())):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(log.read_text())
        time.sleep(0.1)
    return process, found.group(0)


def test_serve_off_loopback_generates_a_token_and_requires_it(tmp_path):
    import urllib.error
    import urllib.request

    process, url = start_serve(tmp_path, "--host", "0.0.0.0")
    try:
        token = url.split("?token=")[1]
        assert len(token) >= 24
        base = url.split("?")[0].replace("0.0.0.0", "127.0.0.1")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base, timeout=30)
        assert refused.value.code == 401
        request = urllib.request.Request(base, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as page:
            assert page.status == 200 and 'id="check-form"' in page.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(20)


def test_serve_refuses_a_busy_port_and_a_short_token_with_one_line(tmp_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "checker", "serve", "--no-browser", "--port", str(port),
                                 "--data-dir", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"gbm-check: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1
    result = subprocess.run([sys.executable, "-m", "checker", "serve", "--no-browser", "--token", "short"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr == "gbm-check: --token must be at least 8 characters\n"


def test_the_history_lives_in_the_user_data_directory(monkeypatch, tmp_path):
    from checker.serve.settings import default_data_dir, is_loopback

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "gbm-check"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "gbm-check"
    assert [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.8.0.1", "0.0.0.0", "192.168.1.5")] == \
        [True, True, True, True, False, False]


def test_tender_files_need_the_review_mode(client, tmp_path, bill_bytes):
    from checker.serve import review

    response = client.post("/checks", data={"csrf": form_token(client)}, follow_redirects=False,
                           files=[("tender", ("招标.xlsx", bill_bytes)), ("bills", ("a.xlsx", bill_bytes))])
    assert response.status_code == 400 and "needs the bid review (清标) mode" in response.text
    response = upload(client, [("a.xlsx", bill_bytes)], mode="review")
    assert response.status_code == 400
    if review.AVAILABLE:
        assert "a bid review needs the tender&#39;s bill" in response.text
    else:
        assert "the bid review (清标) mode is not available in this installation" in response.text
        assert 'name="mode"' not in client.get("/").text  # the form offers only what this installation can do
    assert uploads_left(tmp_path) == []


def test_a_post_that_is_not_a_form_upload_is_refused(client, tmp_path):
    response = client.post("/checks", data={"csrf": form_token(client)}, follow_redirects=False)
    assert response.status_code == 415 and "send the files as a form upload (multipart/form-data)" in response.text
    broken = client.post("/checks", content=b"--x\r\nnot a part", follow_redirects=False,
                         headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code in (400, 403) and "gbm-check: " in broken.text
    assert uploads_left(tmp_path) == []


def test_the_history_outlives_the_server(tmp_path, bill_bytes):
    settings = small_settings(tmp_path)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        check_id = run_check(client, [("a.xlsx", bill_bytes)], keep="always")
    with TestClient(create_app(settings), base_url=BASE_URL) as client:  # a new server on the same data
        assert f'data-check="{check_id}"' in client.get("/").text
        assert "NPOL-01" in client.get(f"/checks/{check_id}/report.html").text
        assert client.get(f"/checks/{check_id}/files/0").content == bill_bytes
        assert client.get(f"/jobs/{check_id}", follow_redirects=False).status_code == 200  # the result


# ---- the batch runner of the command line: limits, OCR, failed jobs in the history ----

def test_a_failed_check_is_in_the_history_with_its_reason(client, tmp_path, bill_bytes):
    response = upload(client, [("a.xlsx", bill_bytes)], registry=("certs.csv", "甲,乙\n1,2\n".encode(), "text/csv"))
    status = wait_for(client, response.headers["location"])
    assert status["state"] == "failed"
    record = client.app.state.history.get(status["id"])
    assert record.verdict is None and record.error == status["message"] and record.error.startswith("gbm-check: certs.csv: ")
    assert [(f.name, f.role) for f in record.files] == [("a.xlsx", "bill"), ("certs.csv", "registry")]
    start = client.get("/").text
    row = start[start.index(f'data-check="{status["id"]}"'):]
    row = row[:row.index("</tr>")]
    assert "失败" in row and "gbm-check: certs.csv: " in row
    result = client.get(f"/checks/{status['id']}").text
    assert 'id="check-error"' in result and "gbm-check: certs.csv: " in result and "<iframe" not in result
    assert uploads_left(tmp_path) == []


def test_files_not_checked_show_their_reason_in_the_history(tmp_path, bill_bytes):
    """The per-file memory limit of the command line applies to uploads: a file over it is one line in the
    job, on the result page and in the history, and the check goes on."""
    csv_bytes = (SAMPLES / "liaocheng_office_boq.csv").read_bytes()
    with TestClient(create_app(small_settings(tmp_path, memory_bytes=64 << 20)), base_url=BASE_URL) as client:
        response = upload(client, [("a.xlsx", bill_bytes), ("b.csv", csv_bytes)])
        status = wait_for(client, response.headers["location"])
        assert status["state"] == "done" and status["done"] == 2
        assert [line.split(": ")[1] for line in status["errors"]] == ["a.xlsx", "b.csv"]
        assert all("超过每个文件 0.1 GB 的上限" in line for line in status["errors"])  # the page is Chinese
        start = client.get("/").text
        assert start.count("超过每个文件 0.1 GB 的上限") == 2
    record = create_app(small_settings(tmp_path)).state.history.get(status["id"])
    assert [f.error is not None for f in record.files] == [True, True]


def test_scanned_bills_are_read_by_ocr_by_default(client, tmp_path):
    from .test_ocr import ROWS, draw_bill_image, needs_ocr

    if needs_ocr.args[0]:
        pytest.skip(needs_ocr.kwargs["reason"])
    image = io.BytesIO()
    draw_bill_image().save(image, format="PNG", dpi=(200, 200))
    check_id = run_check(client, [("扫描件.png", image.getvalue())])
    document = client.get(f"/checks/{check_id}/download/report.json").json()
    [entry] = document["files"]
    assert entry["status"] == "ok" and entry["ocr_pages"] == 1 and len(document["items"]) == len(ROWS)
    assert client.app.state.history.get(check_id).profile["ocr"] is True
    refused = upload(client, [("扫描件.png", image.getvalue())], ocr="no")
    status = wait_for(client, refused.headers["location"])
    assert status["state"] == "done" and len(status["errors"]) == 1 and "OCR" in status["errors"][0]


def test_serve_takes_the_per_file_limits_of_the_command_line(tmp_path):
    import urllib.request

    process, url = start_serve(tmp_path, "--time-limit", "7.5", "--memory-limit", "512")
    try:
        with urllib.request.urlopen(url, timeout=30) as page:
            assert "每个文件限时 7.5 秒" in page.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(20)
    settings = small_settings(tmp_path)
    assert settings.limits.seconds is None and settings.limits.memory == 1 << 30  # the CLI's defaults
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        assert "每个文件限时 60 秒起" in client.get("/").text
