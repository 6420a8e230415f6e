"""The Dask path (--dask local): the same findings and fingerprints as the plain run, plus a summary table."""
from __future__ import annotations

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from checker.cli import main
from tools import hostile

from .conftest import REPO, SHARED

pytest.importorskip("distributed")


def _fingerprints(report: dict) -> list[tuple[str, str]]:
    return sorted((item["file"], finding["fingerprint"]) for item in report["items"] for finding in item["findings"])


def test_dask_local_cluster_finds_what_the_plain_run_finds(tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("liaocheng_school_boq_paged.xlsx", "liaocheng_office_boq.csv"):
        shutil.copy(REPO / "sample_bills" / name, folder / name)
    (folder / "gen.xls").write_bytes(hostile.xls_bill())
    (folder / "loop.pdf").write_bytes(hostile.pdf_reference_loop())
    for sub in ("dev-corpus", "real-bills"):  # the dev corpus and the real bills, when ../shared is there
        source = SHARED / sub
        if source.exists():
            for path in sorted(source.glob("*")):
                if path.suffix in (".xlsx", ".xls", ".csv", ".pdf"):
                    shutil.copy(path, folder / f"{sub}-{path.name}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    plain = runner.invoke(main, ["check", "archive", "--format", "json", "-o", "plain.json"])
    dask = runner.invoke(main, ["check", "archive", "--dask", "local", "--format", "json", "-o", "dask.json",
                                "--summary", "summary.csv"])
    assert plain.exit_code == dask.exit_code == 2, (plain.output, dask.output)
    # the same one line per file not checked, in the same order (the run's notes name the report written)
    assert _file_lines(dask.stderr) == _file_lines(plain.stderr) and _file_lines(plain.stderr)
    a = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "dask.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in a["files"]] == [f["path"] for f in b["files"]]
    assert _fingerprints(a) and _fingerprints(a) == _fingerprints(b)
    assert a["summary"] == b["summary"]
    rows = list(csv.DictReader((tmp_path / "summary.csv").open(encoding="utf-8")))
    assert [r["path"] for r in rows] == [f["path"] for f in b["files"]]
    assert {r["path"].rsplit("/", 1)[-1]: r["status"] for r in rows}["loop.pdf"] == "error"
    assert sum(int(r["banned"]) for r in rows) == b["summary"]["banned"]


def _file_lines(stderr: str) -> list[str]:
    return hostile.file_lines(stderr)


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    bill = tmp_path / "bill.xlsx"
    bill.write_bytes(hostile.xlsx_bill())
    result = CliRunner().invoke(main, ["check", str(bill), "--dask", "tcp://127.0.0.1:9", "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("gbm-check: cannot use the Dask cluster at tcp://127.0.0.1:9: ")
    assert result.stderr.count("\n") == 1
