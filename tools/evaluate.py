"""Precision and recall of gbm-check on the labelled dev corpus (../shared/dev-corpus/labels.json).

    python tools/evaluate.py [--shared ../shared] [--verbose]

Scores every labelled line (skip labels are not scored):
- banned recall     = banned lines with a banned finding / banned lines
- banned precision  = lines with a banned finding that are labelled banned / lines with a banned finding
                      (a banned finding on a `flag` line counts against precision: strict)
- restricted recall = flag lines with a restricted or banned finding / flag lines
- clean violations  = clean lines with any banned or restricted finding (must be 0)
- green accuracy    = lines whose first green category equals the label ('' = no category), and the looser
                      "label is among the categories" figure
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker.catalog import load_catalogs  # noqa: E402
from checker.engine import check_file  # noqa: E402
from checker.judge import Judge, Profile  # noqa: E402
from checker.matcher import Matcher  # noqa: E402


def line_key(checked) -> str:
    item = checked.item
    return f"seq:{item.seq}" if item.table == "material" else item.code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--verbose", "-v", action="store_true", help="print every wrong line")
    args = parser.parse_args()
    corpus = Path(args.shared) / "dev-corpus"
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    catalogs = load_catalogs()
    matcher = Matcher(catalogs)
    profile = Profile()
    t = dict(banned=0, banned_hit=0, flagged=0, banned_on_banned=0, flag=0, flag_hit=0, clean=0, clean_bad=0,
             green=0, green_first=0, green_any=0)
    for name, wanted in sorted(labels.items()):
        report = check_file(str(corpus / name), matcher, Judge(catalogs, profile))
        by_key = {line_key(c): c for c in report.items}
        for key, label in wanted.items():
            checked = by_key.get(key)
            kinds = {f.kind for f in checked.findings} if checked else set()
            greens = list(checked.green_categories) if checked else []
            lab = label["label"]
            wrong = []
            if lab == "skip":
                continue
            if "banned" in kinds:
                t["flagged"] += 1
                t["banned_on_banned"] += lab == "banned"
                if lab != "banned":
                    wrong.append("banned finding on a non-banned line")
            if lab == "banned":
                t["banned"] += 1
                t["banned_hit"] += "banned" in kinds
                if "banned" not in kinds:
                    wrong.append("banned missed")
            elif lab == "flag":
                t["flag"] += 1
                t["flag_hit"] += bool(kinds & {"banned", "restricted"})
                if not kinds & {"banned", "restricted"}:
                    wrong.append("restricted missed")
            elif lab == "clean":
                t["clean"] += 1
                if kinds & {"banned", "restricted"}:
                    t["clean_bad"] += 1
                    wrong.append("finding on a clean line")
            t["green"] += 1
            first = greens[0] if greens else ""
            t["green_first"] += first == label["green"]
            t["green_any"] += (label["green"] in greens) if label["green"] else not greens
            if first != label["green"]:
                wrong.append(f"green {greens} vs label {label['green']!r}")
            if wrong and args.verbose:
                text = (checked.item.name + " | " + checked.item.features.replace("\n", " / ")) if checked else "NOT READ"
                rules = [f"{f.rule}:{f.kind}" for f in checked.findings] if checked else []
                print(f"{name:18} {key:14} {lab:7} {'; '.join(wrong):50} {rules} :: {text[:90]}")

    def ratio(a: int, b: int) -> str:
        return f"{a / b:7.1%} ({a}/{b})" if b else "    n/a"

    print(f"banned recall       {ratio(t['banned_hit'], t['banned'])}")
    print(f"banned precision    {ratio(t['banned_on_banned'], t['flagged'])}")
    print(f"restricted recall   {ratio(t['flag_hit'], t['flag'])}")
    print(f"clean violations    {t['clean_bad']} of {t['clean']} clean lines")
    print(f"green accuracy      {ratio(t['green_first'], t['green'])} first category; "
          f"{ratio(t['green_any'], t['green'])} label among categories")
    ok = (t["banned_hit"] == t["banned"] and t["clean_bad"] == 0 and t["flagged"] and
          t["banned_on_banned"] / t["flagged"] >= 0.97 and t["flag_hit"] / max(t["flag"], 1) >= 0.95 and
          t["green_first"] / max(t["green"], 1) >= 0.90)
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
