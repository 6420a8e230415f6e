"""Find the catalog entries a bill line names, with context: negation, look-alikes, demolition, code section.

One Aho–Corasick automaton holds every normalised term, combo part and exclusion of every entry, so a line
is scanned once whatever the size of the catalogs.  Qualifiers and grades are part of the terms and are
matched exactly (no fuzzy score ever turns 现场搅拌砂浆 into 预拌砂浆, or C30 into C35).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import ahocorasick

from .catalog import CatalogSet, Entry
from ..model import LineItem
from .normalize import normalize

# Words that, before a term in the same clause, say the line does NOT use it.
NEGATION_CUES = ("严禁", "禁止", "不得", "不应", "不准", "不宜", "不允许", "杜绝", "不使用", "不采用", "不含",
                 "取代", "替代", "代替", "淘汰", "禁用", "限制使用", "不能使用", "避免使用", "严禁采用", "无")
NEGATION_BREAKS = ";。,!?"
EXCLUSION_BREAKS = NEGATION_BREAKS + "、/+"
_EXCLUSION_NEGATORS = ("非", "不", "无")
DEMOLITION_CODE_PREFIXES = ("0116", "041001")  # 拆除工程 (GB 50854 附录P; 市政 拆除)
DEMOLITION_WORDS = ("拆除", "拆卸", "铲除", "凿除原", "清除原")
FIELD_LABELS = {"name": "项目名称", "features": "项目特征"}
MEMO_SIZE = 100_000
# Near-miss spellings: a term typed with one look-alike or sound-alike character (粘士砖 for 粘土砖, 聚胺酯
# for 聚氨酯).  Only substitutions within these groups count: a free one-character edit turns 现浇混凝土
# (cast in place) into 现拌混凝土 (site-mixed) and 盖板 into 井盖 — different things, not typos.
NEAR_MISS_MIN_CHARS = 5
CONFUSABLE_GROUPS = ("土士", "氨胺铵安", "毡毯沾", "粘沾黏", "钢刚纲", "锌辛", "砖专", "胎台苔", "碱减咸",
                     "烯稀希", "纶伦轮", "酯脂", "焦蕉", "膨澎彭", "浆桨", "凝疑", "砌彻", "腻溺", "涂途",
                     "漆柒", "嘴咀", "铸涛", "镀渡", "焊悍", "筋劲", "聚娶", "缩宿", "醛荃", "醇淳", "毡粘")
_CONFUSABLE = {a: set(group) - {a} for group in CONFUSABLE_GROUPS for a in group}

@dataclass(frozen=True)
class Hit:
    """An entry found in a line: where, and through which text."""

    entry: Entry
    field: str  # "name" or "features"
    start: int  # in the normalised field text
    end: int
    text: str  # normalised matched text (for combos: the parts joined with " + ")
    via: str = "term"  # "term", "combo", "near" (a near-miss spelling) or "vague" (a family name: manual check)
    parts: tuple[tuple[str, int, int, str], ...] = ()  # combos: (field, start, end, text) of each part


@dataclass(frozen=True)
class LineMatch:
    """All hits of one line, plus the context that was applied."""

    hits: tuple[Hit, ...]
    demolition: bool = False
    cancelled: tuple[tuple[str, str], ...] = ()  # (entry id, reason) of hits dropped by context


@dataclass(frozen=True)
class _Key:
    entry_index: int
    role: str  # "term", "excl", "combo", "vague", "near" (half of a term, for near-miss spellings)
    combo: int = -1
    group: int = -1


class Matcher:
    """Matches line items against every entry of a CatalogSet."""

    def __init__(self, catalogs: CatalogSet):
        self.entries: list[Entry] = list(catalogs.entries.values())
        self._automaton = ahocorasick.Automaton()
        self._near_terms: dict[int, list[str]] = {}
        table: dict[str, list[_Key]] = {}
        for index, entry in enumerate(self.entries):
            for term in entry.terms:
                table.setdefault(normalize(term), []).append(_Key(index, "term"))
            for term in entry.exclusions:
                table.setdefault(normalize(term), []).append(_Key(index, "excl"))
            for term in entry.vague_terms:
                table.setdefault(normalize(term), []).append(_Key(index, "vague"))
            for c, combo in enumerate(entry.all_combos):
                for g, group in enumerate(combo):
                    for term in group:
                        table.setdefault(normalize(term), []).append(_Key(index, "combo", c, g))
            if entry.list in ("banned", "restricted"):
                for t, term in enumerate(self._near_terms.setdefault(index, _near_miss_terms(entry))):
                    half = len(term) // 2
                    table.setdefault(term[:half], []).append(_Key(index, "near", t, 0))
                    table.setdefault(term[half:], []).append(_Key(index, "near", t, 1))
        for key, payload in table.items():
            if key:
                self._automaton.add_word(key, (key, tuple(payload)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table
        self._memo: dict[tuple[str, str, str], LineMatch] = {}

    def match_item(self, item: LineItem) -> LineMatch:
        return self.match_text(item.name, item.features, item.code)

    def match_text(self, name: str, features: str = "", code: str = "") -> LineMatch:
        """Entries named by a line's 项目名称 and 项目特征 (both raw text), given its 项目编码.

        Bills repeat descriptions (the same 项目特征 under many codes, across sheets and tables), so results
        are memoised per (name, features, code section); the memo is bounded.
        """
        key = (name, features, code[:9] if code else "")
        cached = self._memo.get(key)
        if cached is None:
            cached = self._match(name, features, code)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = cached
        return cached

    def _match(self, name: str, features: str, code: str) -> LineMatch:
        if self._empty:
            return LineMatch(())
        fields = {"name": normalize(name), "features": normalize(features)}
        if is_demolition(fields["name"], code):
            return LineMatch((), demolition=True)
        # 1. every automaton hit, grouped by entry (cheap: most hits are parts of combos that never complete)
        per_entry: dict[int, list[tuple[_Key, str, int, int, str]]] = {}
        for field, text in fields.items():
            if not text:
                continue
            for end, (word, keys) in self._automaton.iter(text):
                start = end - len(word) + 1
                for key in keys:
                    per_entry.setdefault(key.entry_index, []).append((key, field, start, end + 1, word))
        # 2. context only for entries that could fire: a term hit, or every group of a combo present
        hits: list[Hit] = []
        cancelled: list[tuple[str, str]] = []
        for entry_index, raw in per_entry.items():
            entry = self.entries[entry_index]
            found = self._entry_hits(entry, raw, fields, cancelled) if _could_fire(entry, raw) else []
            if all(h.via == "vague" for h in found) and any(key.role == "near" for key, *_ in raw):
                found += self._near_miss_hits(entry_index, raw, fields, cancelled)  # a definite misspelling wins
            hits.extend(found)
        hits = [h for h in hits if _code_applies(h.entry, code)]
        return LineMatch(_first_per_entry(hits), cancelled=tuple(dict.fromkeys(cancelled)))

    @staticmethod
    def _entry_hits(entry: Entry, raw: list, fields: dict[str, str], cancelled: list) -> list[Hit]:
        """Apply look-alikes, negation and word boundaries to one entry's raw hits."""
        excluded = {
            (field, _clause_start(fields[field], start, EXCLUSION_BREAKS))
            for key, field, start, end, word in raw
            if key.role == "excl" and not _negated_exclusion(fields[field], start)
        }
        found: list[Hit] = []
        combo_parts: dict[int, dict[int, list[tuple[str, int, int, str]]]] = {}
        for key, field, start, end, word in raw:
            if key.role == "excl" or key.role == "near":
                continue
            text = fields[field]
            if not _at_boundary(text, start, end, word):
                continue
            # a vague family name is settled by its qualifier anywhere in the line; a term only in its clause
            if excluded and (key.role == "vague" or (field, _clause_start(text, start, EXCLUSION_BREAKS)) in excluded):
                cancelled.append((entry.id, f"look-alike excluded near 「{word}」"))
                continue
            if _negated(text, start):
                cancelled.append((entry.id, f"negated: 「{_clause_text(text, start)}」"))
                continue
            if key.role == "term" or key.role == "vague":
                found.append(Hit(entry, field, start, end, word, via=key.role))
            else:
                combo_parts.setdefault(key.combo, {}).setdefault(key.group, []).append((field, start, end, word))
        combos, line_wide = entry.all_combos, len(entry.combos)
        for combo_index, groups in combo_parts.items():
            if len(groups) != len(combos[combo_index]):
                continue
            if combo_index < line_wide:
                parts = [groups[g][0] for g in sorted(groups)]
            else:
                parts = _same_clause(groups, fields)
                if not parts:
                    continue
            first = min(parts, key=lambda p: (p[0] != "name", p[1]))
            found.append(Hit(entry, first[0], first[1], first[2], " + ".join(p[3] for p in parts), via="combo",
                             parts=tuple(parts)))
        return found


    def _near_miss_hits(self, entry_index: int, raw: list, fields: dict[str, str], cancelled: list) -> list[Hit]:
        """Terms typed with one character wrong (粘士砖 for 粘土砖), found around an intact half of the term.

        One wrong character leaves one half of the term intact, so the automaton's half-term hits are the only
        places to look; the wrong character must be a known look- or sound-alike of the right one.
        """
        entry, terms = self.entries[entry_index], self._near_terms[entry_index]
        candidates = [r for r in raw if r[0].role == "excl"]
        seen: set[tuple[str, int, int]] = set()
        for key, field, start, end, _ in raw:
            if key.role != "near":
                continue
            term, text = terms[key.combo], fields[field]
            size = len(term)
            spans = [(start, start + size)] if key.group == 0 else [(end - size, end)]
            for s0, s1 in spans:
                if s0 < 0 or s1 > len(text) or (field, s0, s1) in seen:
                    continue
                window = text[s0:s1]
                if window != term and _one_safe_edit(term, window):
                    seen.add((field, s0, s1))
                    candidates.append((_Key(entry_index, "term"), field, s0, s1, window))
        hits = self._entry_hits(entry, candidates, fields, cancelled)
        return [Hit(h.entry, h.field, h.start, h.end, f"{h.text}≈{_closest(h.text, terms)}", via="near") for h in hits]


def _near_miss_terms(entry: Entry) -> list[str]:
    terms = []
    for term in entry.terms:
        folded = normalize(term)
        if len(folded) >= NEAR_MISS_MIN_CHARS and sum("\u4e00" <= ch <= "\u9fff" for ch in folded) >= 4:
            terms.append(folded)
    return terms


def _one_safe_edit(term: str, window: str) -> bool:
    """Same length, one character different, and the two characters are known look-/sound-alikes."""
    if len(term) != len(window):
        return False
    diffs = [(a, b) for a, b in zip(term, window) if a != b]
    return len(diffs) == 1 and diffs[0][1] in _CONFUSABLE.get(diffs[0][0], ())


def _closest(window: str, terms: list[str]) -> str:
    return min(terms, key=lambda t: sum(a != b for a, b in zip(t, window)) if len(t) == len(window) else len(t))


def _could_fire(entry: Entry, raw: list) -> bool:
    groups: set[tuple[int, int]] = set()
    for key, *_ in raw:
        if key.role == "term" or key.role == "vague":
            return True
        if key.role == "combo":
            groups.add((key.combo, key.group))
    return any(all((c, g) in groups for g in range(len(combo))) for c, combo in enumerate(entry.all_combos))


def _same_clause(groups: dict[int, list[tuple[str, int, int, str]]], fields: dict[str, str]) -> list:
    """One hit per group, all in one clause, or [] when no clause holds every group."""
    by_clause: dict[tuple[str, int], dict[int, tuple[str, int, int, str]]] = {}
    for group, hits in groups.items():
        for hit in hits:
            clause = (hit[0], _clause_start(fields[hit[0]], hit[1], NEGATION_BREAKS))
            by_clause.setdefault(clause, {}).setdefault(group, hit)
    for found in by_clause.values():
        if len(found) == len(groups):
            return [found[g] for g in sorted(found)]
    return []


LOCATION_LABELS = ("部位", "位置", "区域", "房间", "范围", "场所")


def in_location_clause(normalised: str, start: int) -> bool:
    """The hit stands in a "部位: 浴缸四周" kind of clause: it says where the work is, not what it uses."""
    clause = normalised[_clause_start(normalised, start, NEGATION_BREAKS):start]
    label = clause.split(":", 1)[0] if ":" in clause else ""
    return any(word in label for word in LOCATION_LABELS)


def is_demolition(normalised_name: str, code: str) -> bool:
    """Demolition lines remove a material; they do not use it."""
    return code.startswith(DEMOLITION_CODE_PREFIXES) or any(w in normalised_name for w in DEMOLITION_WORDS)


def _first_per_entry(hits: Iterable[Hit]) -> tuple[Hit, ...]:
    best: dict[str, Hit] = {}
    # a definite hit beats a vague one; a whole term beats a combo of parts; then the 项目特征 (where the
    # material is described) before the 项目名称 (the work item); then the earliest
    rank = {"term": 0, "combo": 1, "near": 2, "vague": 3}
    for hit in sorted(hits, key=lambda h: (rank[h.via], h.field != "features", h.start)):
        best.setdefault(hit.entry.id, hit)
    return tuple(best.values())


def _code_applies(entry: Entry, code: str) -> bool:
    if not entry.code_prefixes or not re.match(r"^\d{9}", code or ""):
        return True
    return code.startswith(entry.code_prefixes)


def _clause_start(text: str, position: int, breaks: str) -> int:
    start = position
    while start > 0 and text[start - 1] not in breaks:
        start -= 1
    return start


def _clause_text(text: str, position: int) -> str:
    start = _clause_start(text, position, NEGATION_BREAKS)
    end = position
    while end < len(text) and text[end] not in NEGATION_BREAKS:
        end += 1
    return text[start:end]


def _negated(text: str, start: int) -> bool:
    """A prohibition or replacement cue stands before the term in its clause."""
    before = text[_clause_start(text, start, NEGATION_BREAKS):start]
    if not before:
        return False
    if before.endswith("非"):
        return True
    return any(cue in before for cue in NEGATION_CUES if cue != "无") or before.endswith("无")


def _negated_exclusion(text: str, start: int) -> bool:
    """非耐碱: an exclusion preceded by 非/不/无 names the very thing the entry is about."""
    return start > 0 and text[start - 1] in _EXCLUSION_NEGATORS


_ASCII_ALNUM = re.compile(r"[A-Z0-9]")


def _at_boundary(text: str, start: int, end: int, word: str) -> bool:
    """Short Latin terms (DM, XPS, SBS) must not sit inside a longer Latin word (ADMIN)."""
    if not (word.isascii() and len(word) <= 4 and word[:1].isalpha()):
        return True
    if start > 0 and _ASCII_ALNUM.match(text[start - 1]) and text[start - 1].isalpha():
        return False
    if end < len(text) and text[end].isalpha() and text[end].isascii():
        # DM M7.5 is written DMM7.5 once spaces are gone: a grade may follow
        return end + 1 < len(text) and text[end + 1].isdigit()
    return True


def hit_evidence(hit: Hit, name: str, features: str) -> tuple[str, int]:
    """Human-readable evidence for a hit in the original text, and the match position there.

    A term hit reads 项目特征[14:19]「实心粘土砖」; a combo hit lists each of its parts the same way.
    """
    from .normalize import original_span

    raws = {"name": name, "features": features}
    parts = hit.parts or ((hit.field, hit.start, hit.end, hit.text),)
    shown, first = [], -1
    for field, start, end, _ in parts:
        raw = raws[field]
        begin, stop = original_span(raw, start, end - start)
        shown.append(f"{FIELD_LABELS[field]}[{begin}:{stop}]「{raw[begin:stop]}」")
        if field == hit.field and start == hit.start:
            first = begin
    note = f" (near-miss spelling of 「{hit.text.split('≈')[-1]}」)" if hit.via == "near" else ""
    return " + ".join(shown) + note, first
