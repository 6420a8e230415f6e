"""Find the catalog entries a bill line names, reading the line's structure (checker/match/structure.py).

One Aho–Corasick automaton holds every normalised term, combo part, pattern word and exclusion of every entry, so
a line is scanned once whatever the size of the catalogs.  Qualifiers and grades are part of the terms and are
matched exactly (no fuzzy score ever turns 现场搅拌砂浆 into 预拌砂浆, or C30 into C35).

Context comes from the line's structure: a term negated in its clause (严禁/禁止/不得/替代/非 …), the old choice of a
design change, existing or retained work, demolition, and words that stand in a 部位 (location) clause are not
uses; a term in one option of a choice offered to the bidder (钢管或竹木) is a use, marked ``alternative``.
Structural patterns (catalogs/SCHEMA.md) name an entry from clause roles, vocabulary classes, the work item and
the product the line supplies — 饰面砖 on a 粘结层 of cement mortar, 竹木 as the material of a 脚手架.
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Optional

import ahocorasick

from .catalog import CatalogSet, Entry, Part, Pattern
from ..model import LineItem
from .normalize import normalize
from .structure import EXCLUSION_BREAKS, FIELD_LABELS, NEGATION_BREAKS, LineStructure, StructureReader, \
    default_reader

DEMOLITION_CODE_PREFIXES = ("0116", "041001")  # 拆除工程 (GB 50854 附录P; 市政 拆除)
DEMOLITION_WORDS = ("拆除", "拆卸", "铲除", "凿除原", "清除原")
_EXCLUSION_NEGATORS = ("非", "不", "无")
MEMO_SIZE = 100_000
SEGMENT_MEMO = 200_000  # lines of text (clauses) whose automaton hits are remembered
# Near-miss spellings: a term typed with one look-alike or sound-alike character (粘士砖 for 粘土砖, 聚胺酯
# for 聚氨酯).  Only substitutions within these groups count: a free one-character edit turns 现浇混凝土
# (cast in place) into 现拌混凝土 (site-mixed) and 盖板 into 井盖 — different things, not typos.
NEAR_MISS_MIN_CHARS = 5
CONFUSABLE_GROUPS = ("土士", "氨胺铵安", "毡毯沾", "粘沾黏", "钢刚纲", "锌辛", "砖专", "胎台苔", "碱减咸",
                     "烯稀希", "纶伦轮", "酯脂", "焦蕉", "膨澎彭", "浆桨", "凝疑", "砌彻", "腻溺", "涂途",
                     "漆柒", "嘴咀", "铸涛", "镀渡", "焊悍", "筋劲", "聚娶", "缩宿", "醛荃", "醇淳", "毡粘")
_CONFUSABLE = {a: set(group) - {a} for group in CONFUSABLE_GROUPS for a in group}
_DEFINITE = frozenset(("term", "vague", "near"))
_SHORT_BRACKETS = re.compile(r"[(\[]([^()\[\];]{1,4})[)\]]")  # an inserted qualifier: 粘土（实心）砖


class Hit(NamedTuple):
    """An entry found in a line: where, and through which text.  (A named tuple: lines make many.)"""

    entry: Entry
    field: str  # "name" or "features"
    start: int  # in the normalised field text
    end: int
    text: str  # normalised matched text (for combos and patterns: the parts joined with " + ")
    via: str = "term"  # "term", "combo", "pattern", "near" (a near-miss spelling) or "vague" (a family name)
    parts: tuple[tuple[str, int, int, str], ...] = ()  # combos, patterns: (field, start, end, text) of each part
    alternative: bool = False  # the line offers it as one option among others
    pattern: int = -1  # the entry's pattern that found it


class LineMatch:
    """All hits of one line, plus the context that was applied and the line's structure.

    The structure is kept by the result handed out, not by the memo (a structure is a few KB and a bill has tens
    of thousands of distinct lines); a memoised result rebuilds it from its text when asked."""

    __slots__ = ("hits", "demolition", "cancelled", "_structure", "_source")

    def __init__(self, hits: tuple[Hit, ...], demolition: bool = False,
                 cancelled: tuple[tuple[str, str], ...] = (), structure: Optional[LineStructure] = None,
                 source: Optional[tuple] = None):
        self.hits = hits
        self.demolition = demolition
        self.cancelled = cancelled  # (entry id, reason) of hits dropped by context
        self._structure = structure
        self._source = source  # (reader, name, features, code) to rebuild the structure

    @property
    def structure(self) -> Optional[LineStructure]:
        if self._structure is None and self._source is not None:
            reader, name, features, code = self._source
            return reader.analyse(name, features, code)
        return self._structure

    def without_structure(self, reader: StructureReader, name: str, features: str, code: str) -> "LineMatch":
        return LineMatch(self.hits, self.demolition, self.cancelled, None, (reader, name, features, code))


class _Key(NamedTuple):
    entry_index: int
    role: str  # "term", "excl", "combo", "vague", "near" (a one-character variant of a term), "part" (pattern)
    combo: int = -1  # combo / pattern / near-term index
    group: int = -1  # combo group / pattern part


class Matcher:
    """Matches line items against every entry of a CatalogSet."""

    def __init__(self, catalogs: CatalogSet, reader: StructureReader | None = None):
        self.entries: list[Entry] = list(catalogs.entries.values())
        self.reader = reader or default_reader()
        self._automaton = ahocorasick.Automaton()
        self._near_terms: dict[int, list[str]] = {}
        # patterns are tried only when their first class is in the line (or, without a class, their words are)
        self._patterns_by_class: dict[str, list[tuple[int, int]]] = {}
        self._patterns_by_words: dict[int, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for p, pattern in enumerate(entry.patterns):
                classes = [part.cls for part in pattern.parts if part.cls]
                if classes:
                    self._patterns_by_class.setdefault(classes[0], []).append((index, p))
                else:
                    self._patterns_by_words.setdefault(index, []).append(p)
        self._part_terms: dict[tuple[int, int, int], frozenset[str]] = {}
        self._line_exclusions = {e.id: tuple(normalize(w) for w in e.line_exclusions)
                                 for e in self.entries if e.line_exclusions}
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
            for p, pattern in enumerate(entry.patterns):
                for g, part in enumerate(pattern.parts):
                    words = frozenset(normalize(t) for t in part.terms)
                    self._part_terms[(index, p, g)] = words
                    for word in words:
                        table.setdefault(word, []).append(_Key(index, "part", p, g))
            if entry.list in ("banned", "restricted"):
                exact = {normalize(t) for t in entry.terms}
                for t, term in enumerate(self._near_terms.setdefault(index, _near_miss_terms(entry))):
                    for variant in _one_character_variants(term):
                        if variant not in exact:
                            table.setdefault(variant, []).append(_Key(index, "near", t))
        for key, payload in table.items():
            if key:
                self._automaton.add_word(key, (len(key), tuple(payload)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table
        self._memo: dict[tuple[str, str, str], LineMatch] = {}
        self._segments: dict[str, tuple] = {}
        self._combo_sizes = [[len(combo) for combo in entry.all_combos] for entry in self.entries]

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
            found = self._match(name, features, code)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = found.without_structure(self.reader, name, features, code)
            return found
        return cached

    def _match(self, name: str, features: str, code: str) -> LineMatch:
        structure = self.reader.analyse(name, features, code)
        if self._empty:
            return LineMatch((), structure=structure)
        if structure.demolition or is_demolition(structure.fields["name"], code):
            return LineMatch((), demolition=True, structure=structure)
        # 1. every automaton hit, grouped by entry (cheap: most hits are parts of combos that never complete)
        per_entry: dict[int, list[tuple[_Key, str, int, int, str]]] = {}
        definite: set[int] = set()
        combined: set[tuple[int, int, int]] = set()  # (entry, combo, group) with a word in the line
        for field, text in structure.fields.items():
            if text:
                self._scan(field, text, per_entry, definite, combined)
        # 2. context only for entries that could fire: a term hit, or every group of a combo present
        hits: list[Hit] = []
        cancelled: list[tuple[str, str]] = []
        entries = self.entries
        for entry_index in {index for index, _, _ in combined} - definite:
            sizes = self._combo_sizes[entry_index]
            if any(all((entry_index, c, g) in combined for g in range(size)) for c, size in enumerate(sizes)):
                definite.add(entry_index)
        for entry_index in definite:
            raw = per_entry[entry_index]
            found = self._entry_hits(entries[entry_index], raw, structure, cancelled)
            if all(h.via == "vague" for h in found) and any(key.role == "near" for key, *_ in raw):
                found += self._near_miss_hits(entry_index, raw, structure, cancelled)  # a definite misspelling wins
            hits.extend(found)
        tried: dict[int, list[int]] = {}
        for cls in structure.mentions.keys() & self._patterns_by_class.keys():
            for entry_index, p in self._patterns_by_class[cls]:
                tried.setdefault(entry_index, []).append(p)
        for entry_index in per_entry.keys() & self._patterns_by_words.keys():
            tried.setdefault(entry_index, []).extend(self._patterns_by_words[entry_index])
        for entry_index, patterns in tried.items():
            hits.extend(self._pattern_hits(entry_index, sorted(patterns), per_entry.get(entry_index, ()), structure,
                                           cancelled))
        hits = [h for h in hits if self._applies(h, structure, code, cancelled)]
        return LineMatch(_first_per_entry(hits), cancelled=tuple(dict.fromkeys(cancelled)), structure=structure)

    def _scan(self, field: str, text: str, per_entry: dict, definite: set, combined: set) -> None:
        """Automaton hits in ``text``, grouped by entry; the entries with a term (``definite``) or a combo part
        (``combined``) noted.  No term holds a line break, so each line of the text is scanned once and
        remembered: bills repeat their clauses under ever new combinations."""
        memo = self._segments
        position = 0
        for segment in (text.split(";") if ";" in text else (text,)):
            found = memo.get(segment)
            if found is None:
                found = self._scan_segment(segment)
                if len(memo) >= SEGMENT_MEMO:
                    memo.clear()
                memo[segment] = found
            for key, start, end, word in found:
                index, role = key.entry_index, key.role
                per_entry.setdefault(index, []).append((key, field, position + start, position + end, word))
                if role == "combo":
                    combined.add((index, key.combo, key.group))
                elif role in _DEFINITE:
                    definite.add(index)
            position += len(segment) + 1

    def _scan_segment(self, text: str) -> tuple[tuple[_Key, int, int, str], ...]:
        """Hits in one line of text; where brackets split a name (粘土（实心）砖), also in the text without them."""
        out = []
        for end, (size, keys) in self._automaton.iter(text):
            start = end - size + 1
            word = text[start:end + 1]
            out.extend((key, start, end + 1, word) for key in keys)
        if "(" not in text and "[" not in text:
            return tuple(out)
        dropped = {i for m in _SHORT_BRACKETS.finditer(text) for i in (m.start(), m.end() - 1)}
        if not dropped:
            return tuple(out)
        kept = [i for i in range(len(text)) if i not in dropped]
        folded = "".join(text[i] for i in kept)
        for end, (size, keys) in self._automaton.iter(folded):
            start = end - size + 1
            first, last = kept[start], kept[end]
            if last - first == end - start:  # no bracket inside: found by the plain pass
                continue
            out.extend((key, first, last + 1, folded[start:end + 1]) for key in keys)
        return tuple(out)

    def _entry_hits(self, entry: Entry, raw: list, s: LineStructure, cancelled: list) -> list[Hit]:
        """Apply look-alikes, context and word boundaries to one entry's raw hits."""
        fields = s.fields
        excluded = _excluded_scopes(raw, s)
        found: list[Hit] = []
        combo_parts: dict[int, dict[int, list[tuple[str, int, int, str]]]] = {}
        for key, field, start, end, word in raw:
            role = key.role
            if role == "excl" or role == "near" or role == "part":
                continue
            text = fields[field]
            if not _at_boundary(text, start, end, word):
                continue
            # a vague family name is settled by its qualifier anywhere in the line; a term only in its clause
            if excluded and (role == "vague" or _scope(s, field, start) in excluded):
                cancelled.append((entry.id, f"look-alike excluded near 「{word}」"))
                continue
            reason = s.not_supplied(field, start)
            if reason:
                cancelled.append((entry.id, reason))
                continue
            if role == "term" or role == "vague":
                offered = entry.list != "green" and s.option_at(field, start) is not None
                found.append(Hit(entry, field, start, end, word, role, (), offered))
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
            alternative = any(s.option_at(p[0], p[1]) is not None for p in parts)
            found.append(Hit(entry, first[0], first[1], first[2], " + ".join(p[3] for p in parts), via="combo",
                             parts=tuple(parts), alternative=alternative))
        return found

    def _pattern_hits(self, entry_index: int, patterns: list[int], raw: Iterable, s: LineStructure,
                      cancelled: list) -> list[Hit]:
        """The entry's structural patterns (those numbered ``patterns``) that hold in this line."""
        entry = self.entries[entry_index]
        out: list[Hit] = []
        present = {(key.combo, key.group) for key, *_ in raw if key.role == "part"}
        excluded = None
        for p in patterns:
            pattern = entry.patterns[p]
            if not _could_hold(pattern, p, present, s):
                continue
            if not _work_item_ok(s.work_item, pattern.work_items, pattern.not_work_items, pattern.require_work_item):
                continue
            if excluded is None:
                excluded = _excluded_scopes(raw, s)
            if any(not s.not_supplied(m.field, m.start) for cls in pattern.unless for m in s.mentions_of(cls)):
                continue
            candidates: list[list[Optional[tuple[str, int, int, str]]]] = []
            for g, part in enumerate(pattern.parts):
                found = [q for q in self._part_candidates(entry_index, p, g, part, raw, s)
                         if q is None or _scope(s, q[0], q[1]) not in excluded]
                if not found:
                    break
                candidates.append(found)
            else:
                parts = _choose(candidates, s, pattern.within, [bool(part.product) for part in pattern.parts])
                if parts is None:
                    continue
                placed = [q for q in parts if q is not None]
                if not placed:
                    continue
                key = placed[-1]
                alternative = any(s.option_at(q[0], q[1]) is not None for q in placed)
                out.append(Hit(entry, key[0], key[1], key[2], " + ".join(q[3] for q in placed), via="pattern",
                               parts=tuple(placed), alternative=alternative, pattern=p))
        return out

    def _part_candidates(self, entry_index: int, p: int, g: int, part: Part, raw: Iterable,
                         s: LineStructure) -> list[Optional[tuple[str, int, int, str]]]:
        if part.product:
            if not s.products & set(part.product):
                return []
            mentions = [m for cls in part.product for m in s.mentions_of(cls) if not s.not_supplied(m.field, m.start)]
            mentions.sort(key=lambda m: (m.field == "name", s.role_at(m.field, m.start, m.end) != "finish", m.start))
            return [(m.field, m.start, m.end, s.fields[m.field][m.start:m.end]) for m in mentions[:1]] or [None]
        if part.cls:
            spans = [(m.field, m.start, m.end) for m in s.mentions_of(part.cls)]
        else:
            spans = [(f, a, b) for key, f, a, b, _ in raw if key.role == "part" and key.combo == p and key.group == g]
        out = []
        words = self._part_terms.get((entry_index, p, g), frozenset())
        for field, start, end in spans:
            if s.not_supplied(field, start):
                continue
            role = s.role_at(field, start, end)
            if (part.roles and role not in part.roles) or role in part.not_roles:
                continue
            if part.whole and s.option_text(field, start) not in words:
                continue
            if part.not_with and _stands_with(s, field, start, part.not_with):
                continue
            if part.object and self.reader.object_of(s, _mention(s, part.cls, field, start)) != part.object:
                continue
            out.append((field, start, end, s.fields[field][start:end]))
        return out

    def _applies(self, hit: Hit, s: LineStructure, code: str, cancelled: list) -> bool:
        """Entry-wide scope: item sections, work items, words that show another thing, location clauses."""
        entry = hit.entry
        if entry.list == "green" or entry.list == "promoted":
            if not (entry.code_prefixes or entry.work_items or entry.not_work_items or entry.line_exclusions):
                return True
        if not _code_applies(entry, code):
            return False
        if not _work_item_ok(s.work_item, entry.work_items, entry.not_work_items, False):
            cancelled.append((entry.id, f"not this rule's work item ({s.work_item})"))
            return False
        words = self._line_exclusions.get(entry.id)
        if words:
            word = next((w for w in words if s.contains(w)), None)
            if word:
                cancelled.append((entry.id, f"the line is about 「{word}」, not this rule's object"))
                return False
        if entry.list in ("banned", "restricted") and hit.via != "pattern" and hit.field == "features":
            if s.role_at(hit.field, hit.start, hit.end) == "location":
                cancelled.append((entry.id, f"「{hit.text}」 says where the work is, not what it uses"))
                return False
        return True

    def _near_miss_hits(self, entry_index: int, raw: list, s: LineStructure, cancelled: list) -> list[Hit]:
        """Terms typed with one character wrong (粘士砖 for 粘土砖): the automaton holds every variant of a term
        with one character replaced by a known look- or sound-alike, so they are found like terms."""
        entry, terms = self.entries[entry_index], self._near_terms[entry_index]
        candidates = [r for r in raw if r[0].role == "excl"]
        candidates += [(_Key(entry_index, "term"), field, start, end, word)
                       for key, field, start, end, word in raw if key.role == "near"]
        hits = self._entry_hits(entry, candidates, s, cancelled)
        return [Hit(h.entry, h.field, h.start, h.end, f"{h.text}≈{_closest(h.text, terms)}", via="near",
                    alternative=h.alternative) for h in hits]


def _could_hold(pattern: Pattern, index: int, present: set, s: LineStructure) -> bool:
    """Cheap test before the real one: every part's words, class or product is in the line at all."""
    for g, part in enumerate(pattern.parts):
        if part.cls:
            if not s.mentions.get(part.cls):
                return False
        elif part.terms and (index, g) not in present:
            return False
    return all(s.products.intersection(part.product) for part in pattern.parts if part.product)


def _scope(s: LineStructure, field: str, pos: int) -> tuple:
    """Where a look-alike settles a word: its clause (up to , 、 / + …) and, in a choice, its option."""
    return field, _clause_start(s.fields[field], pos, EXCLUSION_BREAKS), s.option_at(field, pos)


def _excluded_scopes(raw: Iterable, s: LineStructure) -> set:
    return {_scope(s, field, start) for key, field, start, end, word in raw
            if key.role == "excl" and not _negated_exclusion(s.fields[field], start)} if raw else set()


def _mention(s: LineStructure, cls: str, field: str, start: int):
    return next(m for m in s.mentions_of(cls) if m.field == field and m.start == start)


def _stands_with(s: LineStructure, field: str, start: int, classes: tuple[str, ...]) -> bool:
    """A word of one of ``classes`` stands in the same option (or, without options, the same sub-clause)."""
    low, high = s.option_at(field, start) or s.sub_span(field, start)
    return any(m.field == field and low <= m.start < high for cls in classes for m in s.mentions_of(cls))


def _choose(candidates: list, s: LineStructure, within: str, free: list[bool]):
    """One candidate per part; with ``within == "clause"`` all placed parts in one numbered clause, except the
    ``free`` ones (the line's product: named in the 项目名称 or a 面层 clause, it is the whole line's)."""
    if within != "clause":
        return [c[0] for c in candidates]
    clauses: dict[tuple[str, int], list] = {}
    for g, found in enumerate(candidates):
        if free[g]:
            continue
        for q in found:
            if q is None:
                continue
            clause = s.clause_at(q[0], q[1])
            clauses.setdefault((q[0], clause.start), [None] * len(candidates))
            if clauses[(q[0], clause.start)][g] is None:
                clauses[(q[0], clause.start)][g] = q
    for chosen in clauses.values():
        if all(chosen[g] is not None or free[g] for g in range(len(candidates))):
            return [candidates[g][0] if free[g] else chosen[g] for g in range(len(candidates))]
    return None


def _work_item_ok(work_item: str, allowed: tuple[str, ...], refused: tuple[str, ...], required: bool) -> bool:
    if work_item and work_item in refused:
        return False
    if allowed:
        return work_item in allowed if (work_item or required) else True
    return True


def _near_miss_terms(entry: Entry) -> list[str]:
    terms = []
    for term in entry.terms:
        folded = normalize(term)
        if len(folded) >= NEAR_MISS_MIN_CHARS and sum("\u4e00" <= ch <= "\u9fff" for ch in folded) >= 4:
            terms.append(folded)
    return terms


def _one_character_variants(term: str) -> set[str]:
    """``term`` with one character replaced by a known look- or sound-alike (粘土砖 → 粘士砖, 沾土砖 …)."""
    return {term[:i] + alike + term[i + 1:] for i, ch in enumerate(term) for alike in _CONFUSABLE.get(ch, ())}


def _closest(window: str, terms: list[str]) -> str:
    return min(terms, key=lambda t: sum(a != b for a, b in zip(t, window)) if len(t) == len(window) else len(t))


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


def is_demolition(normalised_name: str, code: str) -> bool:
    """Demolition lines remove a material; they do not use it."""
    return code.startswith(DEMOLITION_CODE_PREFIXES) or any(w in normalised_name for w in DEMOLITION_WORDS)


_VIA_RANK = {"term": 0, "combo": 1, "pattern": 2, "near": 3, "vague": 4}


def _hit_order(hit: Hit) -> tuple:
    # a definite hit beats a vague one; a whole term beats a combo of parts; a decided pattern a manual one; then
    # the 项目特征 (where the material is described) before the 项目名称 (the work item); then the earliest
    manual = hit.pattern >= 0 and hit.entry.patterns[hit.pattern].manual
    return _VIA_RANK[hit.via], manual, hit.field != "features", hit.start


def _first_per_entry(hits: list[Hit]) -> tuple[Hit, ...]:
    if len(hits) < 2:
        return tuple(hits)
    best: dict[str, Hit] = {}
    for hit in sorted(hits, key=_hit_order):
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


def hit_evidence(hit: Hit, structure: LineStructure) -> tuple[str, str, int, tuple[tuple[str, int, int], ...]]:
    """(evidence, clause, position, spans) of a hit, in the printed text.

    The evidence names each part's clause and attribute with the printed words: 项目特征 第2条「粘贴层」:
    1:2.5水泥砂浆; the clause is the key part's (the thing the rule is about); the position is where the hit
    starts in its printed field, and the spans are (field, start, end) of every part in the printed text.
    """
    parts = hit.parts or ((hit.field, hit.start, hit.end, hit.text),)
    shown: list[tuple[str, list[str]]] = []
    spans: list[tuple[str, int, int]] = []
    position = -1
    for field, start, end, _ in parts:
        begin, stop = structure.original_span(field, start, end - start)
        where = structure.describe(field, start)
        quoted = structure.raw[field][begin:stop]
        if shown and shown[-1][0] == where:
            shown[-1][1].append(quoted)
        else:
            shown.append((where, [quoted]))
        spans.append((field, begin, stop))
        if field == hit.field and start == hit.start:
            position = begin
    evidence = " + ".join(f"{where}: {' … '.join(words)}" for where, words in shown)
    if hit.via == "near":
        evidence += f" (near-miss spelling of 「{hit.text.split('≈')[-1]}」)"
    return evidence, structure.describe(hit.field, hit.start), position, tuple(spans)


__all__ = ["Hit", "LineMatch", "Matcher", "hit_evidence", "is_demolition", "FIELD_LABELS"]
