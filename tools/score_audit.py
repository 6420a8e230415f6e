"""Score the judge on the hand-written audit lines (tests/data/audit_lines.txt): lines written for this project in
the styles real bills use (numbered clauses, attribute names, alternatives, design changes, trade shorthand,
typos), each with the label a reviewer gives it from ../shared/reference/tech_list.csv and the rules of
../shared/real-bills/LABELS.md.  None of them is bill text.

    python tools/score_audit.py [-v] [--file FILE]

File format, one line each (blank lines and lines starting with ``#`` are comments; ``## name`` starts a class):

    LABEL [RULE …] [g=GREEN] | 项目编码 | 项目名称 | 项目特征 | section or sheet name

LABEL is ``B`` (banned: a banned finding expected), ``F`` (flag: a banned or restricted finding expected, severity
open), ``C`` (clean: no banned or restricted finding), ``S`` (skip: not scored for findings).  RULE ids, when
given, must be among the findings (any kind but promoted).  ``g=`` names the main green category: the first one the
line gets.  In the 项目特征, ``\\n`` is a line break and ``\\r`` a carriage return.  A row without a 项目编码 and with ``m:`` before its name is a
material-table row (name + spec).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AUDIT_FILE = REPO / "tests" / "data" / "audit_lines.txt"
FLAGGING = {"banned", "restricted"}


@dataclass(frozen=True)
class AuditLine:
    cls: str
    number: int  # line number in the file
    label: str
    rules: tuple[str, ...]
    green: str
    code: str
    name: str
    features: str
    context: str
    table: str = "boq"


@dataclass
class Outcome:
    line: AuditLine
    kinds: set[str]
    rules: set[str]
    greens: tuple[str, ...]
    problems: list[str] = field(default_factory=list)


def parse(text: str) -> list[AuditLine]:
    out, cls = [], ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("## "):
            cls = line[3:].strip()
            continue
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("|")]
        if len(cells) < 4:
            raise ValueError(f"{number}: expected LABEL | code | name | features [| context]")
        head, code, name, features = cells[:4]
        context = cells[4] if len(cells) > 4 else ""
        tokens = head.split()
        label = {"B": "banned", "F": "flag", "C": "clean", "S": "skip"}[tokens[0]]
        green = next((t[2:] for t in tokens[1:] if t.startswith("g=")), "")
        rules = tuple(t for t in tokens[1:] if not t.startswith("g="))
        table = "boq"
        if name.startswith("m:"):
            name, table = name[2:], "material"
        out.append(AuditLine(cls, number, label, rules, green, code, name, features.replace("\\r", "\r").replace("\\n", "\n"),
                             context, table))
    return out


def run(lines: list[AuditLine]) -> list[Outcome]:
    sys.path.insert(0, str(REPO))
    from checker.judge.rules import Judge, Profile
    from checker.match.catalog import load_catalogs
    from checker.match.matcher import Matcher
    from checker.model import LineItem, Provenance

    catalogs = load_catalogs()
    matcher, judge = Matcher(catalogs), Judge(catalogs, Profile())
    out = []
    for line in lines:
        section, _, sheet = line.context.partition("@")
        item = LineItem.build({"provenance": Provenance("audit", sheet.strip() or None, line.number, line.number),
                               "table": line.table, "code": line.code, "name": line.name,
                               "features": line.features, "section": section.strip()})
        checked = judge.judge(item, matcher.match_item(item))
        kinds = {f.kind for f in checked.findings}
        rules = {f.rule for f in checked.findings if f.kind != "promoted"}
        out.append(Outcome(line, kinds, rules, tuple(checked.green_categories)))
    for o in out:
        judge_outcome(o)
    return out


def judge_outcome(o: Outcome) -> None:
    line, kinds = o.line, o.kinds
    if line.label == "banned" and "banned" not in kinds:
        o.problems.append("banned line not banned")
    if line.label == "flag" and not kinds & FLAGGING:
        o.problems.append("flag line without finding")
    if line.label == "clean" and "banned" in kinds:
        o.problems.append("CLEAN LINE BANNED")
    elif line.label == "clean" and kinds & FLAGGING:
        o.problems.append("clean line flagged")
    missing = [r for r in line.rules if r not in o.rules]
    if missing and line.label in ("banned", "flag"):
        o.problems.append(f"rules missing {missing}")
    if line.green and (not o.greens or o.greens[0] != line.green):
        o.problems.append(f"green {line.green} not first")


def summary(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """Per class: (lines, lines with a problem)."""
    out: dict[str, list[int]] = {}
    for o in outcomes:
        pair = out.setdefault(o.line.cls, [0, 0])
        pair[0] += 1
        pair[1] += bool(o.problems)
    return {k: (a, b) for k, (a, b) in out.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=AUDIT_FILE)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    outcomes = run(parse(args.file.read_text(encoding="utf-8")))
    for o in outcomes:
        if o.problems and args.verbose:
            line = o.line
            print(f"  {line.number} [{line.cls}] {'; '.join(o.problems)}: got {sorted(o.kinds)} {sorted(o.rules)} "
                  f"green={list(o.greens[:2])} | {line.code} | {line.name} | {line.features[:90]!r}")
    for cls, (n, bad) in summary(outcomes).items():
        print(f"{cls:28s} {n:4d} lines {bad:3d} missed")
    total = len(outcomes)
    bad = sum(bool(o.problems) for o in outcomes)
    clean_banned = sum("CLEAN LINE BANNED" in o.problems for o in outcomes)
    print(f"total {total} lines, {bad} missed, clean lines banned: {clean_banned}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
