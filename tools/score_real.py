"""Score the checker against labelled lines of REAL bills (../shared/real-bills/labels.json, see its LABELS.md).

    python tools/score_real.py [-v] [--labels LABELS.json] [--bills DIR] [--reports DIR] [--no-extra]

Labels: ``{bill file: {"SHEET!ROW" or "p<N>!<code or name prefix>": {"label": banned|flag|clean|skip,
"green": category or "", "why": …}}}``.  Without ``--reports`` every labelled bill is checked in-process
(checker.engine.check_file, default profile, no OCR); with it, ``REPORT_DIR/<bill>.json`` reports written by
``gbm-check check BILL --format json -o …`` are read instead.  tools/real_labels_extra.json adds labels for lines
the shared file lacks (keys, label, reason and rule only — never bill text); ``--no-extra`` leaves them out.

Figures (the same as ../shared/tools/score_real.py): banned_recall (banned lines with a banned finding),
any_recall (banned + flag lines with any banned or restricted finding), warn_precision (lines with a banned or
restricted finding whose label is banned, flag or skip), banned_precision, clean_false_flags (clean lines with a
banned or restricted finding), clean_banned (clean lines with a banned finding), green_accuracy, found.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_LABELS = REPO.parent / "shared" / "real-bills" / "labels.json"
EXTRA_LABELS = REPO / "tools" / "real_labels_extra.json"
TARGETS = {"banned_recall": 0.95, "any_recall": 0.95, "warn_precision": 0.90}
FLAGGING = {"banned", "restricted"}


@dataclass
class RealScores:
    """Counts behind the figures, and one line per miss."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("keys", "found", "banned", "banned_hit", "any", "any_hit", "warned", "warned_ok", "banned_flagged",
         "banned_flagged_ok", "clean", "clean_flagged", "clean_banned", "green", "green_hit"), 0))
    misses: list[str] = field(default_factory=list)

    def ratio(self, hit: str, total: str) -> float:
        return self.counts[hit] / self.counts[total] if self.counts[total] else 1.0

    @property
    def figures(self) -> dict[str, float | int]:
        c = self.counts
        return {"found": self.ratio("found", "keys"), "banned_recall": self.ratio("banned_hit", "banned"),
                "any_recall": self.ratio("any_hit", "any"), "warn_precision": self.ratio("warned_ok", "warned"),
                "banned_precision": self.ratio("banned_flagged_ok", "banned_flagged"),
                "green_accuracy": self.ratio("green_hit", "green"), "clean_false_flags": c["clean_flagged"],
                "clean_banned": c["clean_banned"], "lines": c["keys"], "banned_lines": c["banned"],
                "flag_lines": c["any"] - c["banned"], "clean_lines": c["clean"]}

    def targets_met(self) -> bool:
        figures = self.figures
        return all(figures[k] >= v for k, v in TARGETS.items()) and figures["clean_banned"] == 0

    def line(self) -> str:
        return " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in self.figures.items())


def locate(items: list[dict], key: str) -> list[dict]:
    """The report items a label key points at: ``SHEET!ROW`` (inside the item's row range) or a PDF key."""
    page_key = re.fullmatch(r"p(\d+)!(.+)", key)
    if page_key:
        page, rest = int(page_key.group(1)), page_key.group(2)
        return [i for i in items if i.get("page") == page
                and (str(i.get("code") or "") == rest or str(i.get("name") or "").startswith(rest))]
    sheet, _, row = key.rpartition("!")
    if not row.isdigit():
        return []
    row_number = int(row)
    found = []
    for item in items:
        rows = item.get("rows") or [None, None]
        if item.get("sheet") == sheet and rows[0] is not None and rows[0] <= row_number <= (rows[1] or rows[0]):
            found.append(item)
    return found


def score(labels: dict[str, dict[str, dict]], items_by_bill: dict[str, list[dict]]) -> RealScores:
    """Compare report items (JSON report item dicts) with the labels."""
    scores = RealScores()
    c = scores.counts
    for bill, wanted in sorted(labels.items()):
        items = items_by_bill.get(bill, [])
        for key, want in wanted.items():
            label, why = want["label"], want.get("why", "")
            c["keys"] += 1
            c["any"] += label in ("banned", "flag")
            c["banned"] += label == "banned"
            matched = locate(items, key)
            if not matched:
                scores.misses.append(f"{bill}:{key} not found ({label})")
                continue
            c["found"] += 1
            kinds = {str(f.get("kind", "")).lower() for i in matched for f in i.get("findings", [])}
            greens = {str(g) for i in matched for g in i.get("green_categories", [])}
            banned, warned = "banned" in kinds, bool(kinds & FLAGGING)
            if warned:
                c["warned"] += 1
                c["warned_ok"] += label in ("banned", "flag", "skip")
            if banned:
                c["banned_flagged"] += 1
                c["banned_flagged_ok"] += label in ("banned", "flag", "skip")
            if label == "banned":
                c["banned_hit"] += banned
                if not banned:
                    scores.misses.append(f"{bill}:{key} banned line not banned (got {sorted(kinds)}) | {why}")
            if label in ("banned", "flag"):
                c["any_hit"] += warned
                if not warned and label == "flag":
                    scores.misses.append(f"{bill}:{key} flag line has no finding | {why}")
            if label == "clean":
                c["clean"] += 1
                c["clean_flagged"] += warned
                c["clean_banned"] += banned
                if warned:
                    scores.misses.append(f"{bill}:{key} clean line flagged {sorted(kinds)} | {why}")
            if want.get("green"):
                c["green"] += 1
                c["green_hit"] += want["green"] in greens
                if want["green"] not in greens:
                    scores.misses.append(f"{bill}:{key} green {want['green']} missing (got {sorted(greens)})")
    return scores


def load_labels(path: Path = SHARED_LABELS, extra: Path | None = EXTRA_LABELS) -> dict[str, dict[str, dict]]:
    """The shared labels, plus this repository's extra labels for lines the shared file lacks."""
    labels = json.loads(Path(path).read_text(encoding="utf-8"))
    if extra is not None and Path(extra).exists():
        for bill, more in json.loads(Path(extra).read_text(encoding="utf-8"))["labels"].items():
            for key, want in more.items():
                labels.setdefault(bill, {}).setdefault(key, want)
    return labels


def check_bills(bills: Path, names) -> dict[str, list[dict]]:
    """Check each bill in-process and return its items as JSON report item dicts."""
    sys.path.insert(0, str(REPO))
    from checker.engine import check_file
    from checker.judge.rules import Judge, Profile
    from checker.match.catalog import load_catalogs
    from checker.match.matcher import Matcher
    from checker.report.json_report import item_dict

    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile())
    out = {}
    for name in names:
        path = bills / name
        if path.exists():
            report = check_file(str(path), matcher, judge)
            out[name] = [item_dict(c) for c in report.items]
    return out


def read_reports(folder: Path, names) -> dict[str, list[dict]]:
    out = {}
    for name in names:
        path = folder / f"{name}.json"
        if path.exists():
            report = json.loads(path.read_text(encoding="utf-8"))
            out[name] = [i for i in report.get("items", []) if os.path.basename(str(i.get("file", name))) == name]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=SHARED_LABELS)
    parser.add_argument("--bills", type=Path, help="folder of the labelled bills (default: next to the labels)")
    parser.add_argument("--reports", type=Path, help="read <bill>.json reports from this folder instead")
    parser.add_argument("--no-extra", action="store_true", help="leave out tools/real_labels_extra.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.labels.exists():
        print(f"score_real: {args.labels}: labels not found", file=sys.stderr)
        return 2
    labels = load_labels(args.labels, None if args.no_extra else EXTRA_LABELS)
    items = (read_reports(args.reports, labels) if args.reports
             else check_bills(args.bills or args.labels.parent, labels))
    scores = score(labels, items)
    for miss in scores.misses if args.verbose else scores.misses[:40]:
        print("  miss:", miss)
    if not args.verbose and len(scores.misses) > 40:
        print(f"  … {len(scores.misses) - 40} more (-v lists them)")
    print(scores.line())
    met = scores.targets_met()
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
