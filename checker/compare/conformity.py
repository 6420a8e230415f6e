"""Conformity (符合性): does the bid price exactly the tender's lines, as the tender wrote them?

Missing and extra lines come from the pairing; for each pair the 项目编码, 项目名称, 项目特征 (with a text diff
that shows what changed), unit and quantity are compared, and a 复核工程量 the bid prints beside the quantity
(``LineItem.rechecked_quantity``) against the tender's quantity — a warning: the bid prices the tender's quantity but
tells the owner it measured another.  Text is compared in the matcher's normal form (full /
half width, spaces, line breaks, 砼 …), so re-typing is not a change; a 项目特征 cell that holds only a number
(a rate the bidder fills in, such as the 税率 of a 税金 line) may be filled in.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Sequence

from .lines import clause_key, features_key, is_placeholder, text_key, unit_key
from .model import CompareSettings, Deviation, Line, LineRef
from .pairing import Pairing

ERROR = "error"
WARNING = "warning"
# the bidder priced the tender's quantity but states its own re-measured one (复核工程量): the owner should know
FOR_REVIEW = ("quantity_rechecked",)


def conformity(tender: Sequence[Line], bid: Sequence[Line], pairing: Pairing, settings: CompareSettings
               ) -> list[Deviation]:
    placed: list[tuple[tuple, Deviation]] = []
    for i in pairing.missing:
        placed.append(((i, 0), Deviation("missing", ERROR, LineRef.of(tender[i].item), None, "missing")))
    bid_has_codes = any(line.item.code for line in bid)
    if bid and not bid_has_codes and any(line.item.code for line in tender):
        placed.append(((-1, 0), Deviation("code_changed", ERROR, None, None, "no_codes")))
    for i, j, _ in pairing.pairs:
        placed.extend(((i, 1), d) for d in compare_pair(tender[i], bid[j], settings, check_codes=bid_has_codes))
    for j in pairing.extra:
        banned = tuple(dict.fromkeys(f"{f.rule} {f.entry}" for f in bid[j].checked.findings if f.kind == "banned"))
        placed.append(((len(tender), j), Deviation("extra", ERROR, None, LineRef.of(bid[j].item), "extra",
                                                   (("banned", banned),) if banned else ())))
    placed.sort(key=lambda pd: pd[0])
    return [deviation for _, deviation in placed]


def compare_pair(tender: Line, bid: Line, settings: CompareSettings, check_codes: bool = True) -> list[Deviation]:
    """Every field of a paired line the bid changed."""
    t, b = tender.item, bid.item
    changed = []
    if check_codes and t.code and (b.code or "").upper() != t.code.upper():
        changed.append(("code_changed", t.code, b.code, ()))
    if t.name != b.name and text_key(t.name) != text_key(b.name):
        changed.append(("name_changed", t.name, b.name, text_diff(t.name, b.name)))
    if t.features != b.features and features_key(t.features) != features_key(b.features) and not (
            is_placeholder(t.features) and (is_placeholder(b.features) or not b.features.strip())):
        changed.append(("features_changed", t.features, b.features, text_diff(t.features, b.features)))
    if t.unit != b.unit and unit_key(t.unit) != unit_key(b.unit):
        changed.append(("unit_changed", t.unit, b.unit, ()))
    if t.quantity is not None and (b.quantity is None
                                   or abs(t.quantity - b.quantity) > settings.quantity_tolerance):
        changed.append(("quantity_changed", t.quantity, b.quantity, ()))
    rechecked = b.rechecked_quantity
    if t.quantity is not None and rechecked is not None and abs(t.quantity - rechecked) > settings.quantity_tolerance:
        changed.append(("quantity_rechecked", t.quantity, rechecked, ()))
    if not changed:
        return []
    t_ref, b_ref = LineRef.of(t), LineRef.of(b)
    return [Deviation(kind, WARNING if kind in FOR_REVIEW else ERROR, t_ref, b_ref, kind,
                      _quantity_facts(was, now) if kind == "quantity_rechecked" else (),
                      expected=was, actual=now, diff=diff)
            for kind, was, now, diff in changed]


def _quantity_facts(tender: float, rechecked: float) -> tuple:
    """How far the bidder's re-measured quantity is from the tender's: the difference, and its share of the
    tender's quantity (signed as the difference: negative where the bidder measured less)."""
    share = (("share", (rechecked - tender) / abs(tender)),) if tender else ()
    return (("difference", rechecked - tender),) + share


def text_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Diff of two printed texts as (equal | delete | insert, text) segments, by token (a run of Latin letters and
    digits — 100mm, HRB400 — or one other character), so that numbers and grades change as a whole."""
    a, b = _tokens(before or ""), _tokens(after or "")
    segments: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("delete", "".join(a[a1:a2])))
        if b2 > b1:
            segments.append(("insert", "".join(b[b1:b2])))
    return tuple(segments)


_TOKEN = re.compile(r"[A-Za-z0-9.Φφ]+|\s+|.", re.S)
_CLAUSE_SPLIT = re.compile(r"[\n;；]+|\s+(?=\(?\d{1,2}[.、．)）](?!\d))")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def clauses(text: str) -> list[str]:
    """The clauses of a 项目特征 (its lines, or numbered clauses written on one line)."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text or "") if c and c.strip()]


def changes(before: str, after: str, limit: int = 3) -> list[tuple[str, str]]:
    """What changed between two texts, clause by clause, as (was, now) pairs: whole clauses, so that a reader
    sees 「3.厚度：100mm」 → 「3.厚度：80mm」 rather than 「10」 → 「8」.  The first ``limit`` changes."""
    a, b = clauses(before), clauses(after)
    a_keys, b_keys = [clause_key(c) for c in a], [clause_key(c) for c in b]
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, a_keys, b_keys, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        was, now = a[a1:a2], b[b1:b2]
        for n in range(max(len(was), len(now))):
            out.append((was[n] if n < len(was) else "", now[n] if n < len(now) else ""))
    return out[:limit]
