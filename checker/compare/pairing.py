"""Pair each tender line with the bid line that prices it.

Passes, each over the lines still unpaired, in this order:

1. 项目编码 within the same sheet, then 项目编码 anywhere (a renamed sheet);
2. 项目名称 + 项目特征 (normalised) within the same sheet and section, then the same sheet, then anywhere;
3. 项目名称 alone within the same sheet, then anywhere (the 项目特征 was changed);
4. 项目特征 alone, when it says something (≥ 6 characters) (the 项目名称 was changed);
5. the most similar text (name + features, ratio ≥ 70 %) among the lines still unpaired in the same sheet (or
   anywhere when the sheet names differ): the code and the text were both changed.

Ties: lines with the same key (a code used twice, a line repeated word for word) are paired in file order: the
k-th such tender line with the k-th such bid line; surplus lines go on to the next pass.  In the similarity pass
the best score wins, then the smaller distance between the two lines' positions in their files, then the earlier
tender line.  What is left is missing (tender lines) or extra (bid lines).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Hashable, Optional, Sequence

from rapidfuzz import fuzz

from .lines import bill_code, features_key, scope_key, text_key
from .model import Line

MIN_SIMILARITY = 70.0
MIN_FEATURES_KEY = 6
MAX_SIMILARITY_PAIRS = 400_000  # candidate pairs scored in the last pass; beyond it, only the same sheet


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[tuple[int, int, str], ...]  # (tender index, bid index, pass name)
    missing: tuple[int, ...]  # tender lines no bid line prices
    extra: tuple[int, ...]  # bid lines not in the tender


def _keys(line: Line) -> dict[str, Optional[Hashable]]:
    item = line.item
    code = bill_code(item)
    sheet, section = scope_key(item)
    name, features = text_key(item.name), features_key(item.features)
    text = (name, features)
    return {
        "code+sheet": (sheet, code) if code else None,
        "code": code,
        "text+section": (sheet, section, text),
        "text+sheet": (sheet, text),
        "text": text,
        "name+sheet": (sheet, name) if name else None,
        "name": name or None,
        "features": features if len(features) >= MIN_FEATURES_KEY else None,
    }


PASSES = ("code+sheet", "code", "text+section", "text+sheet", "text", "name+sheet", "name", "features")


def keys(lines: Sequence[Line]) -> list[dict[str, Optional[Hashable]]]:
    """Every pass's key of every line (compute a tender's once, for all its bids)."""
    return [_keys(line) for line in lines]


def pair(tender: Sequence[Line], bid: Sequence[Line], tender_keys: Optional[list[dict]] = None) -> Pairing:
    """Pair the lines of a tender and a bid (see the module doc for the passes and how ties are broken)."""
    tender_keys = tender_keys if tender_keys is not None else keys(tender)
    bid_keys = keys(bid)
    t_left = list(range(len(tender)))
    b_left = list(range(len(bid)))
    pairs: list[tuple[int, int, str]] = []
    for name in PASSES:
        if not t_left or not b_left:
            break
        found = _pair_by(name, t_left, b_left, lambda i: tender_keys[i][name], lambda j: bid_keys[j][name])
        if found:
            pairs.extend(found)
            t_done = {t for t, _, _ in found}
            b_done = {b for _, b, _ in found}
            t_left = [t for t in t_left if t not in t_done]
            b_left = [b for b in b_left if b not in b_done]
    if t_left and b_left:
        found = _pair_similar(tender, bid, t_left, b_left)
        pairs.extend(found)
        t_done = {t for t, _, _ in found}
        b_done = {b for _, b, _ in found}
        t_left = [t for t in t_left if t not in t_done]
        b_left = [b for b in b_left if b not in b_done]
    pairs.sort()
    return Pairing(pairs=tuple(pairs), missing=tuple(t_left), extra=tuple(b_left))


def _pair_by(name: str, t_left: list[int], b_left: list[int], t_key: Callable, b_key: Callable
             ) -> list[tuple[int, int, str]]:
    """k-th with k-th among the lines that share a key, in file order."""
    waiting: dict[Hashable, list[int]] = defaultdict(list)
    for j in b_left:
        key = b_key(j)
        if key is not None:
            waiting[key].append(j)
    found = []
    taken: dict[Hashable, int] = defaultdict(int)
    for i in t_left:
        key = t_key(i)
        if key is None or key not in waiting:
            continue
        queue, k = waiting[key], taken[key]
        if k < len(queue):
            found.append((i, queue[k], name))
            taken[key] = k + 1
    return found


def _pair_similar(tender: Sequence[Line], bid: Sequence[Line], t_left: list[int], b_left: list[int]
                  ) -> list[tuple[int, int, str]]:
    """The most similar remaining texts (see the module doc); never below MIN_SIMILARITY."""
    same_sheet_only = len(t_left) * len(b_left) > MAX_SIMILARITY_PAIRS
    texts_t = {i: text_key(tender[i].item.name) + "|" + features_key(tender[i].item.features) for i in t_left}
    texts_b = {j: text_key(bid[j].item.name) + "|" + features_key(bid[j].item.features) for j in b_left}
    sheet_t = {i: scope_key(tender[i].item)[0] for i in t_left}
    sheet_b = {j: scope_key(bid[j].item)[0] for j in b_left}
    shared_sheets = set(sheet_t.values()) & set(sheet_b.values())
    n_t, n_b = max(len(tender), 1), max(len(bid), 1)
    candidates = []
    for i in t_left:
        for j in b_left:
            if sheet_t[i] != sheet_b[j] and (same_sheet_only or sheet_t[i] in shared_sheets):
                continue
            score = fuzz.ratio(texts_t[i], texts_b[j], score_cutoff=MIN_SIMILARITY)
            if score:
                candidates.append((-score, abs(i / n_t - j / n_b), i, j))
    candidates.sort()
    used_t, used_b, found = set(), set(), []
    for _, _, i, j in candidates:
        if i in used_t or j in used_b:
            continue
        used_t.add(i)
        used_b.add(j)
        found.append((i, j, "similar"))
    return found
