"""Score the checker against a labelled corpus (labels.json, see ../shared/dev-corpus/README.md).

Used by ``tools/evaluate.py`` (prints the figures) and by the tests (assert the targets).
Labels: ``{file: {key: {"label": banned|flag|clean|skip, "green": category or ""}}}``; the key is a line's
12-digit 项目编码, or ``seq:N`` for row N of a material table.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from checker.match.catalog import CatalogSet, load_catalogs
from checker.engine import FileReport, check_file
from checker.judge.rules import Judge, Profile
from checker.match.matcher import Matcher
from checker.model import CheckedItem


def line_key(checked: CheckedItem) -> str:
    item = checked.item
    return f"seq:{item.seq}" if item.table == "material" else item.code


@dataclass
class Scores:
    """Counts behind the figures; ``wrong`` lists (file, key, label, problems, rules, text)."""

    counts: Counter = field(default_factory=Counter)
    wrong: list[tuple[str, str, str, str, list[str], str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # labelled keys read more than once
    missing: list[tuple[str, str]] = field(default_factory=list)  # labelled keys not read at all

    def ratio(self, hit: str, total: str) -> float:
        return self.counts[hit] / self.counts[total] if self.counts[total] else 1.0

    @property
    def banned_recall(self) -> float:
        return self.ratio("banned_hit", "banned")

    @property
    def banned_precision(self) -> float:
        return self.ratio("banned_on_banned", "flagged")

    @property
    def restricted_recall(self) -> float:
        return self.ratio("flag_hit", "flag")

    @property
    def green_accuracy(self) -> float:
        return self.ratio("green_first", "green")

    @property
    def green_among(self) -> float:
        return self.ratio("green_any", "green")

    def targets_met(self) -> bool:
        return (self.banned_recall == 1.0 and self.banned_precision >= 0.97 and self.restricted_recall >= 0.95
                and self.counts["clean_bad"] == 0 and self.green_accuracy >= 0.90)


def score(corpus: Path, catalogs: CatalogSet | None = None, profile: Profile | None = None,
          files: list[str] | None = None) -> Scores:
    """Check every labelled file of ``corpus`` and compare with its labels."""
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    catalogs = catalogs or load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, profile or Profile())
    scores = Scores()
    for name, wanted in sorted(labels.items()):
        if files is not None and name not in files:
            continue
        report = check_file(str(corpus / name), matcher, judge)
        _score_file(name, wanted, report, scores)
    return scores


def _score_file(name: str, wanted: dict, report: FileReport, scores: Scores) -> None:
    read_counts = Counter(line_key(c) for c in report.items)
    by_key = {line_key(c): c for c in report.items}
    t = scores.counts
    for key, label in wanted.items():
        if read_counts[key] == 0:
            scores.missing.append((name, key))
        elif read_counts[key] > 1:
            scores.duplicates.append((name, key))
        checked = by_key.get(key)
        kinds = {f.kind for f in checked.findings} if checked else set()
        greens = list(checked.green_categories) if checked else []
        lab = label["label"]
        if lab == "skip":
            continue
        problems = []
        if "banned" in kinds:
            t["flagged"] += 1
            t["banned_on_banned"] += lab == "banned"
            if lab != "banned":
                problems.append("banned finding on a non-banned line")
        if lab == "banned":
            t["banned"] += 1
            t["banned_hit"] += "banned" in kinds
            if "banned" not in kinds:
                problems.append("banned missed")
        elif lab == "flag":
            t["flag"] += 1
            t["flag_hit"] += bool(kinds & {"banned", "restricted"})
            if not kinds & {"banned", "restricted"}:
                problems.append("restricted missed")
        elif lab == "clean":
            t["clean"] += 1
            if kinds & {"banned", "restricted"}:
                t["clean_bad"] += 1
                problems.append("finding on a clean line")
        t["green"] += 1
        first = greens[0] if greens else ""
        t["green_first"] += first == label["green"]
        t["green_any"] += (label["green"] in greens) if label["green"] else not greens
        if first != label["green"]:
            problems.append(f"green {greens} vs label {label['green']!r}")
        if problems:
            text = (checked.item.name + " | " + checked.item.features.replace("\n", " / ")) if checked else "NOT READ"
            rules = [f"{f.rule}:{f.kind}" for f in checked.findings] if checked else []
            scores.wrong.append((name, key, lab, "; ".join(problems), rules, text))


CODE12 = re.compile(r"^\d{12}$")


def printed_codes(path: str | Path) -> set[str]:
    """Distinct 12-digit item codes printed anywhere in a workbook's line-item sheets (表-09 analysis sheets,
    which repeat the items, are left out): what a reader should find as items."""
    from python_calamine import CalamineWorkbook

    from checker.read.cells import code_text

    printed: set[str] = set()
    workbook = CalamineWorkbook.from_path(str(path))
    for sheet in workbook.sheet_names:
        if "分析" in sheet:
            continue
        for row in workbook.get_sheet_by_name(sheet).to_python():
            for cell in row:
                code = code_text(cell) if cell not in ("", None) else ""
                if CODE12.match(code) and code[:2] in ("01", "02", "03", "04", "05"):
                    printed.add(code)
    return printed
