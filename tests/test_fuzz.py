"""A brief run of the repo's fuzzer (tools/fuzz.py) in CI: mutated bills through the real command, every
outcome defined.  The long run is ``python tools/fuzz.py --cases 10000`` (see README)."""
from __future__ import annotations

import random
import warnings

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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, failures = fuzz.fuzz(cases=50, seed=20240611, batch=25, jobs=2, single_share=0.1,
                                    keep=tmp_path / "kept", quiet=True)
    assert sum(table.values()) == 50
    assert failures == [], fuzz.format_table(table) + "\n" + "\n".join(map(str, failures))
