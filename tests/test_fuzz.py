"""A brief run of the repo's fuzzer (tools/fuzz.py) in CI: mutated bills through the real command, every
outcome defined.  The long run is ``python tools/fuzz.py --cases 10000`` (see README)."""
from __future__ import annotations

import random
import subprocess
import sys
import warnings
from pathlib import Path

from tools import fuzz


def test_mutators_make_what_they_say():
    rng = random.Random(0)
    pool = fuzz.seeds(shared=False)
    kinds = {fuzz.kind_of(data) for _, data in pool}
    assert {"xlsx", "xls", "pdf", "csv"} <= kinds
    classes = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate members it is asked to write
        for number in range(120):
            name, data, cls, what = fuzz.make_case(rng, pool, number)
            classes.add(cls)
            assert isinstance(data, bytes) and name.endswith((b".xlsx", b".xls", b".ods", b".pdf", b".csv"))
    assert {"bytes", "truncate", "xml", "zip", "csv", "pdf"} <= classes


def test_fifty_mutated_bills_all_have_defined_outcomes(tmp_path):
    """In a fresh process: a child's peak-memory figure starts from its parent's, and this one's is pytest's."""
    table = tmp_path / "table.md"
    done = subprocess.run([sys.executable, str(Path(fuzz.__file__)), "--cases", "50", "--seed", "20240611",
                           "--batch", "25", "--single", "0.1", "--no-ocr", "--keep", str(tmp_path / "kept"), "--table", str(table)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = [line for line in table.read_text(encoding="utf-8").splitlines() if line.startswith("| **all**")]
    assert rows and rows[0].split("|")[-2].strip() == "50" and rows[0].split("|")[-3].strip() == "0", rows
