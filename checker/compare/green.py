"""Green drift: a bid line that the per-file check judges worse than the tender line it prices.

Worse means a banned or restricted finding the tender's line does not have (a rule the tender's line had only as
restricted counts when the bid's line has it as banned), or a green product category (绿色建材产品认证目录) the
tender's line was in and the bid's line is not.  One deviation per line, with both texts and the rules: an error
when a banned finding is new, else a warning.
"""
from __future__ import annotations

from typing import Optional

from ..model import CheckedItem
from .conformity import text_diff
from .model import Deviation, Line, LineRef

RANK = {"restricted": 1, "banned": 2}


def _ranks(checked: CheckedItem) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for finding in checked.findings:
        rank = RANK.get(finding.kind)
        if rank:
            ranks[finding.rule] = max(ranks.get(finding.rule, 0), rank)
    return ranks


def green_drift(tender: Line, bid: Line) -> Optional[Deviation]:
    t, b = tender.checked, bid.checked
    t_ranks = _ranks(t)
    new = [f for f in b.findings if RANK.get(f.kind, 0) > t_ranks.get(f.rule, 0)]
    seen: set[str] = set()
    new = [f for f in new if not (f.rule in seen or seen.add(f.rule))]
    lost = [c for c in t.green_categories if c not in b.green_categories]
    if not new and not lost:
        return None
    new.sort(key=lambda f: -RANK[f.kind])
    banned = [f for f in new if f.kind == "banned"]
    facts = (("tender_status", t.status), ("bid_status", b.status),
             ("rules", tuple(f"{f.rule} {f.entry}" for f in new)),
             ("evidence", tuple(f.evidence for f in new)),
             ("lost", tuple(lost)))
    return Deviation("green_drift", "error" if banned else "warning", LineRef.of(tender.item), LineRef.of(bid.item),
                     "green_drift", facts, expected=_text(tender), actual=_text(bid),
                     rule=",".join(f.rule for f in new), diff=text_diff(_text(tender), _text(bid)))


def _text(line: Line) -> str:
    item = line.item
    return f"{item.name}\n{item.features}".strip()
