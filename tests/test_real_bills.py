"""The labelled real bills (../shared/real-bills/labels.json): the targets of issue 10, and agreement of the repo's
scorer (tools/score_real.py) with the reference one (../shared/tools/score_real.py).  Skipped without ../shared."""
import json
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, shared_path

sys.path.insert(0, str(REPO / "tools"))
import score_real  # noqa: E402  (tools/ is not a package)


@pytest.fixture(scope="module")
def checked():
    labels_path = shared_path("real-bills", "labels.json")
    labels = score_real.load_labels(labels_path, None)
    return labels_path, labels, score_real.check_bills(labels_path.parent, labels)


def test_real_bill_targets(checked):
    _, labels, items = checked
    scores = score_real.score(score_real.load_labels(shared_path("real-bills", "labels.json")), items)
    figures = scores.figures
    assert figures["banned_recall"] >= 0.95, scores.misses
    assert figures["any_recall"] >= 0.95, scores.misses
    assert figures["warn_precision"] >= 0.90, scores.misses
    assert figures["clean_banned"] == 0, scores.misses


def test_the_repo_scorer_agrees_with_the_reference_scorer(checked, tmp_path):
    labels_path, labels, items = checked
    reference = shared_path("tools", "score_real.py")
    for bill, bill_items in items.items():
        (tmp_path / f"{bill}.json").write_text(json.dumps({"items": bill_items}, ensure_ascii=False),
                                               encoding="utf-8")
    out = subprocess.run([sys.executable, str(reference), str(labels_path), str(tmp_path)],
                         capture_output=True, text=True, timeout=300).stdout
    theirs = dict(re.findall(r"(\w+)=([\d.]+)", out.strip().splitlines()[-1]))
    ours = score_real.score(labels, items).figures
    for key, value in theirs.items():
        assert float(value) == pytest.approx(float(ours[key]), abs=5e-4), key


def test_extra_labels_name_lines_only_by_key_label_reason_and_rule():
    extra = json.loads((REPO / "tools" / "real_labels_extra.json").read_text(encoding="utf-8"))
    for bill, lines in extra["labels"].items():
        for key, want in lines.items():
            assert re.fullmatch(r".+!\d+", key), key
            assert set(want) <= {"label", "why", "rule", "green"} and want["label"] in ("banned", "flag", "clean", "skip")
