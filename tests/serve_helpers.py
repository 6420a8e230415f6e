"""Helpers for the serve tests: a small server's settings, the form's CSRF token, uploading, waiting for a job."""
from __future__ import annotations

import re
import time

from checker.serve.settings import ServeSettings

BASE_URL = "http://127.0.0.1:8765"


def small_settings(tmp_path, **changes) -> ServeSettings:
    """Settings with a private data and upload folder, and small limits that tests can reach."""
    (tmp_path / "uploads").mkdir(exist_ok=True)
    values = dict(data_dir=tmp_path / "data", temp_dir=str(tmp_path / "uploads"), max_files=3,
                  max_file_bytes=512 * 1024)
    values.update(changes)
    return ServeSettings(**values)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def form_token(client) -> str:
    """GET the start page (which sets the CSRF cookie) and return the token of its form."""
    page = client.get("/")
    assert page.status_code == 200
    return csrf_of(page.text)


def upload(client, files: list[tuple[str, bytes]], token: str | None = None, registry=None, **fields):
    """POST bills (name, bytes) to /checks with the form's fields; the CSRF field goes first, as a browser sends it."""
    data = {"csrf": token if token is not None else form_token(client), "bid_date": "2026-11-24", **fields}
    parts = [("bills", (name, body, "application/octet-stream")) for name, body in files]
    if not files:  # a browser sends an empty, nameless part for a file input left empty
        parts.append(("bills", ("", b"", "application/octet-stream")))
    if registry is not None:
        parts.append(("registry", registry))
    return client.post("/checks", data=data, files=parts, follow_redirects=False)


def wait_for(client, job_url: str, seconds: float = 120.0) -> dict:
    """Poll a job's status until it is done or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"{job_url}/status").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"{job_url} did not finish in {seconds} s: {status}")
