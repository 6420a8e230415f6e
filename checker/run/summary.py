"""The per-file summary table of a run (CSV, or Parquet when pyarrow is installed): one row per input file."""
from __future__ import annotations

import csv
import io
import os

from ..engine import FileReport
from ..textsafe import encode

COLUMNS = ("path", "format", "status", "error", "sha256", "items", "banned", "restricted", "promoted",
           "needs_manual_check", "green_items", "warnings", "seconds")


def summary_row(report: FileReport) -> dict:
    """The row of one file: its status and counts of lines by status."""
    counts = {"banned": 0, "restricted": 0, "promoted": 0, "clean": 0}
    manual = green = 0
    for checked in report.items:
        counts[checked.status] += 1
        manual += checked.needs_manual_check
        green += bool(checked.green_categories)
    read = report.read
    return {"path": read.path, "format": read.format, "status": "ok" if read.ok else "error",
            "error": read.error or "", "sha256": read.sha256, "items": len(report.items),
            "banned": counts["banned"], "restricted": counts["restricted"], "promoted": counts["promoted"],
            "needs_manual_check": manual, "green_items": green, "warnings": len(read.warnings),
            "seconds": round(report.seconds, 3)}


def default_name() -> str:
    """gbm-check-summary.parquet when pyarrow is installed, else gbm-check-summary.csv."""
    from importlib.util import find_spec

    return "gbm-check-summary.parquet" if find_spec("pyarrow") else "gbm-check-summary.csv"


class SummaryTable:
    """Rows collected as files finish (a few hundred bytes each), written once at the end."""

    def __init__(self, path: str):
        self.path = path
        self.rows: list[dict] = []

    def add(self, report: FileReport) -> None:
        self.rows.append(summary_row(report))

    def write(self) -> str:
        """Write the table (Parquet for a .parquet name, else CSV); returns the path written."""
        if self.path.lower().endswith(".parquet"):
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise OSError("a .parquet summary needs pyarrow (pip install pyarrow); give a .csv name") from None
            table = pa.table({name: [row[name] for row in self.rows] for name in COLUMNS})
            tmp = f"{self.path}.tmp-{os.getpid()}"
            try:
                pq.write_table(table, tmp)
                os.replace(tmp, self.path)
            finally:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
            return self.path
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        tmp = f"{self.path}.tmp-{os.getpid()}"
        try:
            with open(tmp, "wb") as handle:
                handle.write(encode(text.getvalue()))
            os.replace(tmp, self.path)
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)
        return self.path
