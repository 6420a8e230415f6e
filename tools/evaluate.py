"""Precision and recall of gbm-check on the labelled dev corpus (../shared/dev-corpus/labels.json).

    python tools/evaluate.py [--shared ../shared] [--verbose]

- banned recall     = banned lines with a banned finding / banned lines
- banned precision  = lines with a banned finding that are labelled banned / lines with a banned finding
                      (a banned finding on a `flag` line counts against precision: strict)
- restricted recall = flag lines with a restricted or banned finding / flag lines
- clean violations  = clean lines with any banned or restricted finding (must be 0)
- green accuracy    = lines whose first green category equals the label ('' = no category); also the looser
                      "label is among the categories" figure
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation import score  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--verbose", "-v", action="store_true", help="print every wrong line")
    args = parser.parse_args()
    started = time.perf_counter()
    s = score(Path(args.shared) / "dev-corpus")
    seconds = time.perf_counter() - started
    if args.verbose:
        for name, key, label, problems, rules, text in s.wrong:
            print(f"{name:18} {key:14} {label:7} {problems:50} {rules} :: {text[:90]}")
    c = s.counts
    print(f"banned recall       {s.banned_recall:7.1%} ({c['banned_hit']}/{c['banned']})")
    print(f"banned precision    {s.banned_precision:7.1%} ({c['banned_on_banned']}/{c['flagged']})")
    print(f"restricted recall   {s.restricted_recall:7.1%} ({c['flag_hit']}/{c['flag']})")
    print(f"clean violations    {c['clean_bad']} of {c['clean']} clean lines")
    print(f"green accuracy      {s.green_accuracy:7.1%} first category; {s.green_among:7.1%} label among categories "
          f"({c['green']} lines)")
    print(f"reading             {len(s.missing)} labelled lines missing, {len(s.duplicates)} read twice; {seconds:.2f}s")
    print("targets met" if s.targets_met() and not s.missing and not s.duplicates else "targets NOT met")
    return 0 if s.targets_met() else 1


if __name__ == "__main__":
    sys.exit(main())
