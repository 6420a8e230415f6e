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
from .memo import RepeatMemo
from ..model import LineItem
from .normalize import normalize, origin_map
from .structure import EXCLUSION_BREAKS, FIELD_LABELS, clause_bounds, NEGATION_BREAKS, LineStructure, StructureReader, \
    clause_description, default_reader, printed_span

DEMOLITION_CODE_PREFIXES = ("0116", "041001")  # 拆除工程 (GB 50854 附录P; 市政 拆除)
DEMOLITION_WORDS = ("拆除", "拆卸", "铲除", "凿除原", "清除原")
# … unless the line also builds anew (拆除恢复, 拆除并新砌, 拆除更换): then the demolition cue covers only its clause
REBUILD_WORDS = ("恢复", "新砌", "重砌", "拆砌", "复原", "还原", "新做", "重做", "新建", "更换", "改造")
_EXCLUSION_NEGATORS = ("非", "不", "无")
MEMO_SIZE = 100_000
MAX_TEXT_CHARS = 20_000  # of a line's 项目名称 or 项目特征 judged: a real line holds a few hundred (see long_lines)
SEGMENT_MEMO = 200_000  # lines of text (clauses) whose automaton hits are remembered
# Near-miss spellings: a term typed with one look-alike or sound-alike character (粘士砖 for 粘土砖, 聚胺酯
# for 聚氨酯).  Only substitutions within these groups count: a free one-character edit turns 现浇混凝土
# (cast in place) into 现拌混凝土 (site-mixed) and 盖板 into 井盖 — different things, not typos.
NEAR_MISS_MIN_CHARS = 5
CONFUSABLE_GROUPS = ("土士", "氨胺铵安", "毡毯沾", "粘沾黏", "钢刚纲", "锌辛", "砖专", "胎台苔", "碱减咸",
                     "烯稀希", "纶伦轮", "酯脂", "焦蕉", "膨澎彭", "浆桨", "凝疑", "砌彻", "腻溺", "涂途",
                     "漆柒", "嘴咀", "铸涛", "镀渡", "焊悍", "筋劲", "聚娶", "缩宿", "醛荃", "醇淳", "毡粘")
_CONFUSABLE = {a: set(group) - {a} for group in CONFUSABLE_GROUPS for a in group}
_NOTHING: frozenset = frozenset()
_TERMS = frozenset(("term", "vague"))
_CONTEXTUAL = frozenset(("term", "vague", "near", "combo"))  # raw hits whose context a segment's structure gives
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
    clause: tuple = ()  # term hits: (number, label start, label end) of their clause (see LineStructure.clause_info)
    where: str = ""  # term hits: the role of the word where it stands (bond, location …; "name" in the 项目名称)
    part_clauses: tuple = ()  # combo hits: the clause of each part, like ``clause``


class LineMatch:
    """All hits of one line, plus the context that was applied and the line's structure.

    The structure is kept by the result handed out, not by the memo (a structure is a few KB and a bill has tens
    of thousands of distinct lines); a memoised result rebuilds it from its text when asked."""

    __slots__ = ("hits", "demolition", "cancelled", "_structure", "_reader", "_name", "_features", "_code",
                 "_origins", "_work_item")

    def __init__(self, hits: tuple[Hit, ...], demolition: bool = False,
                 cancelled: tuple[tuple[str, str], ...] = (), structure: Optional[LineStructure] = None,
                 source: Optional[tuple] = None, work_item: Optional[str] = None):
        self.hits = hits
        self.demolition = demolition
        self.cancelled = cancelled  # (entry id, reason) of hits dropped by context
        self._structure = structure
        # source: (reader, name, features, code) to build the structure when it is asked for (kept field by field:
        # a memo of tens of thousands of lines holds one object less each for the garbage collector to walk)
        self._reader, self._name, self._features, self._code = source or (None, "", "", "")
        self._origins: Optional[dict[str, Optional[list[int]]]] = None
        self._work_item = work_item

    @property
    def work_item(self) -> str:
        """The line's work item (from its 项目编码 and 项目名称; "" when neither names one)."""
        if self._work_item is None:
            if self._structure is not None:
                self._work_item = self._structure.work_item
            elif self._reader is not None:
                self._work_item = self._reader.line_head(self._code, normalize(self._name))[1]
            else:
                self._work_item = ""
        return self._work_item

    @property
    def structure(self) -> Optional[LineStructure]:
        """The line's structure, built when first asked (a line whose hits are all plain terms never needs it)."""
        if self._structure is None and self._reader is not None:
            self._structure = self._reader.analyse(self._name, self._features, self._code)
        return self._structure

    @property
    def reader(self) -> Optional[StructureReader]:
        """The structure reader the line was read with (without building the structure)."""
        if self._structure is not None:
            return self._structure.reader
        return self._reader

    def raw(self, field: str) -> str:
        """The printed 项目名称 or 项目特征."""
        if self._structure is not None:
            return self._structure.raw[field]
        return (self._name if field == "name" else self._features) or ""

    def origin(self, field: str) -> Optional[list[int]]:
        if self._structure is not None:
            return self._structure.origin(field)
        if self._origins is None:
            self._origins = {}
        if field not in self._origins:
            self._origins[field] = origin_map(self.raw(field))
        return self._origins[field]

    def without_structure(self, reader: StructureReader, name: str, features: str, code: str) -> "LineMatch":
        return LineMatch(self.hits, self.demolition, self.cancelled, None, (reader, name, features, code),
                         self._work_item)


class _Key(NamedTuple):
    entry_index: int
    role: str  # "term", "excl", "combo", "vague", "near" (a one-character variant of a term), "part" (pattern)
    combo: int = -1  # combo / pattern / near-term index
    group: int = -1  # combo group / pattern part


class _SegmentEval(NamedTuple):
    """What one line of text (a segment of the 项目特征, or the 项目名称) contributes, positions relative to it.
    Everything a plain term needs — boundaries, look-alikes, negation, design change, existing work, options,
    roles — lies inside its segment, so a segment is evaluated once and remembered."""

    number: Optional[int]  # its clause number as printed (the running count of the next segment)
    raw: tuple  # automaton hits: (key, start, end, word)
    terms: tuple  # (entry index, Hit) of term hits that hold
    vague: tuple  # (entry index, Hit) of family-name hits (a look-alike anywhere in the line settles them)
    near: tuple  # (entry index, Hit) of near-miss spellings (they count when the entry has no exact hit)
    excluded: frozenset  # entries with a look-alike here
    cancelled: tuple  # (entry id, reason)
    kinds: frozenset  # vocabulary kinds present (pattern triggers)
    combos: frozenset  # (entry, combo, group) with a word here that holds in its context
    combo_parts: tuple  # (entry, combo, group, field, start, end, word, sub-clause start, offered, clause)
    parts: frozenset  # (entry, pattern, part) with a pattern word here


def memo_key(name: str, features: str, code: str) -> tuple[str, str, str]:
    """What the memo tells lines apart by: the text judged (cut at ``MAX_TEXT_CHARS``) and the code's section."""
    return name[:MAX_TEXT_CHARS], features[:MAX_TEXT_CHARS], code[:9] if code else ""


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
        self._memo: RepeatMemo[LineMatch] = RepeatMemo(MEMO_SIZE)
        self._segments: RepeatMemo[_SegmentEval] = RepeatMemo(SEGMENT_MEMO)  # kept from a segment's 2nd sighting
        self._plain_segments: dict[tuple, _SegmentEval] = {}  # shared evaluations of segments without hits
        self._combo_sizes = [[len(combo) for combo in entry.all_combos] for entry in self.entries]

    def match_item(self, item: LineItem) -> LineMatch:
        return self.match_text(item.name, item.features, item.code)

    def match_text(self, name: str, features: str = "", code: str = "") -> LineMatch:
        """Entries named by a line's 项目名称 and 项目特征 (both raw text), given its 项目编码.

        Bills repeat descriptions (the same 项目特征 under many codes, across sheets and tables), so results
        are memoised per (name, features, code section); the memo is bounded.
        """
        key = memo_key(name, features, code)
        name, features = key[0], key[1]
        cached = self._memo.get(key)
        if cached is None:
            found = self._match(name, features, code)
            self._memo.put(key, found.without_structure(self.reader, name, features, code))
            return found
        return cached

    @staticmethod
    def long_lines(items) -> list:
        """The lines whose name or features run past ``MAX_TEXT_CHARS`` (judged on their beginning only)."""
        return [item for item in items if len(item.name) > MAX_TEXT_CHARS or len(item.features) > MAX_TEXT_CHARS]

    def _match(self, name: str, features: str, code: str) -> LineMatch:
        source = (self.reader, name, features, code)
        fields = {"name": normalize(name), "features": normalize(features)}
        if self._empty:
            return LineMatch((), source=source)
        if is_demolition(fields["name"], code):
            return LineMatch((), demolition=True, source=source)
        # 1. each segment's evaluation, remembered per segment text; term hits shifted to the line
        hits: list[Hit] = []
        vague: list[tuple[int, Hit]] = []
        near: list[tuple[int, Hit]] = []
        excluded: set[int] = set()
        cancelled: list[tuple[str, str]] = []
        kinds: set[str] = set()
        combined: set[tuple[int, int, int]] = set()
        parts: set[int] = set()
        placed = self._segments_of(name, features, code, fields)
        for field, position, found in placed:
            kinds |= found.kinds
            if not found.raw:  # a segment that names nothing (a 部位, a size): only its vocabulary counts
                continue
            if found.terms:
                if position:
                    hits += [_shift(h, position) for _, h in found.terms]
                else:
                    hits += [h for _, h in found.terms]
            if found.vague:
                vague += [(i, _shift(h, position)) for i, h in found.vague]
            if found.near:
                near += [(i, _shift(h, position)) for i, h in found.near]
            if found.excluded:
                excluded |= found.excluded
            if found.cancelled:
                cancelled += found.cancelled
            if found.combos:
                combined |= found.combos
            if found.parts:
                parts |= found.parts
        entries = self.entries
        for index, hit in vague:
            if index in excluded and not hit.alternative:
                cancelled.append((hit.entry.id, f"look-alike excluded near 「{hit.text}」"))
            else:
                hits.append(hit)
        if near:
            exact = {h.entry.id for h in hits if h.via != "vague"}
            hits += [hit for index, hit in near if entries[index].id not in exact]  # a definite misspelling
        # 2. combos whose every group has a word in the line (from the segments' checked parts)
        complete = _complete_combos(combined, self._combo_sizes) if combined else ()
        if complete:
            found_parts: dict[int, list[tuple]] = {}
            for field, position, found in placed:
                for part in found.combo_parts:
                    if part[0] in complete:
                        found_parts.setdefault(part[0], []).append(_shift_part(part, position))
            for index, found in found_parts.items():
                hits.extend(self._combos(index, found))
        # 3. structural patterns, which need the line's structure: only those whose classes are all present
        work_item = self.reader.line_head(code, fields["name"])[1]
        default_product = self.reader.work_items.get(work_item, {}).get("product", "")
        tried: dict[int, list[int]] = {}
        candidates = [pair for kind in kinds & self._patterns_by_class.keys() for pair in self._patterns_by_class[kind]]
        candidates += [(index, p) for index in {i for i, _, _ in parts} & self._patterns_by_words.keys()
                       for p in self._patterns_by_words[index]]
        # an entry found by a term or a combo keeps that hit (see _hit_order): its patterns cannot change the line
        settled = {h.entry.id for h in hits if h.via == "term" or h.via == "combo"} if candidates else ()
        for index, p in candidates:
            if entries[index].id in settled:
                continue
            if _may_hold(entries[index].patterns[p], index, p, kinds, parts, default_product, work_item):
                tried.setdefault(index, []).append(p)
        structure = None
        if tried:
            structure = self.reader.analyse(name, features, code, fields)
            per_entry = _per_entry(placed, tried.keys())
            for index, patterns in tried.items():
                hits.extend(self._pattern_hits(index, sorted(patterns), per_entry.get(index, ()), structure,
                                               cancelled))
        # 4. entry-wide scope
        hits = [h for h in hits if self._applies(h, work_item, fields, structure, code, cancelled)]
        return LineMatch(_first_per_entry(hits), cancelled=tuple(dict.fromkeys(cancelled)), structure=structure,
                         source=source, work_item=work_item)

    def _segments_of(self, name: str, features: str, code: str, fields: dict[str, str]) -> list[tuple]:
        """(field, position, evaluation) of every segment of the line.  New segments are evaluated on their own
        structure; when a line brings several new ones, on the line's structure, built once."""
        memo, out, new = self._segments, [], []
        for field, text in fields.items():
            if not text:
                continue
            segments = text.split(";") if field == "features" else (text,)
            several, position, last = len(segments) > 1, 0, 0
            for segment in segments:
                expected = last + 1
                key = (field, segment, expected, several) if segment[:1].isdigit() else (field, segment)
                found = memo.get(key)
                if found is None:
                    raw = self._scan_segment(segment)
                    if any(k.role in _CONTEXTUAL for k, *_ in raw):
                        new.append((len(out), key, field, position, segment, expected, several, raw))
                        number = self.reader.segment_summary(field, segment, expected, several)[0]
                        found = _SegmentEval(number, raw, (), (), (), frozenset(), (), frozenset(), frozenset(), (),
                                             frozenset())  # a placeholder until evaluated below
                    else:
                        found = self._summarise_segment(field, segment, expected, several, raw)
                        self._remember(key, found)
                if found.number is not None:
                    last = found.number
                out.append((field, position, found))
                position += len(segment) + 1
        if new:
            whole = self.reader.analyse(name, features, code, fields) if len(new) > 1 else None
            for slot, key, field, position, segment, expected, several, raw in new:
                found = self._evaluate_segment(field, segment, expected, several, raw, whole, position)
                self._remember(key, found)
                out[slot] = (field, position, found)
        return out

    def _remember(self, key: tuple, found: _SegmentEval) -> None:
        self._segments.put(key, found)

    def _summarise_segment(self, field: str, segment: str, expected: int, several: bool, raw) -> _SegmentEval:
        """A segment with nothing that needs its structure: its look-alikes, pattern words and vocabulary."""
        number, kinds, marker = self.reader.segment_summary(field, segment, expected, several)
        if not raw:  # most new text (a 部位, a size) names nothing: one shared evaluation per number and words
            plain = self._plain_segments.get((number, kinds))
            if plain is None:
                plain = _SegmentEval(number, (), (), (), (), _NOTHING, (), kinds, _NOTHING, (), _NOTHING)
                if len(self._plain_segments) < 4096:
                    self._plain_segments[(number, kinds)] = plain
            return plain
        excluded = frozenset(key.entry_index for key, start, _, _ in raw
                             if key.role == "excl" and start >= marker and not _negated_exclusion(segment, start))
        parts = frozenset((key.entry_index, key.combo, key.group) for key, *_ in raw if key.role == "part")
        return _SegmentEval(number, raw, (), (), (), excluded, (), kinds, frozenset(), (), parts)

    def _evaluate_segment(self, field: str, segment: str, expected: int, several: bool, raw,
                          whole: Optional[LineStructure] = None, offset: int = 0) -> _SegmentEval:
        """A segment's term hits, family names, near misses and combo parts in their context, positions relative to
        the segment.  The context is the segment's own structure, or the line's (``whole``, the segment at
        ``offset``): inside a segment both say the same."""
        if whole is None:
            s, offset = self.reader.analyse_segment(field, segment, expected, several), 0
        else:
            s = whole
        per_entry: dict[int, list] = {}
        roles: dict[int, set[str]] = {}  # the entries with a word whose context matters, and the kinds of words
        parts, excluded = set(), set()
        number, kinds, marker = self.reader.segment_summary(field, segment, expected, several)
        for key, start, end, word in raw:
            index, role = key.entry_index, key.role
            per_entry.setdefault(index, []).append((key, field, start + offset, end + offset, word))
            if role == "excl":
                if start >= marker and not _negated_exclusion(segment, start):
                    excluded.add(index)
            elif role == "part":
                parts.add((index, key.combo, key.group))
            else:
                roles.setdefault(index, set()).add(role)
        terms, vague, near, cancelled, combo_parts = [], [], [], [], []
        for index, present in roles.items():
            found = per_entry[index]
            if present & _TERMS:
                for hit in self._term_hits(self.entries[index], found, s, cancelled):
                    (vague if hit.via == "vague" else terms).append((index, hit))
            if "near" in present:
                near.extend((index, hit) for hit in self._near_miss_hits(index, found, s, cancelled))
            if "combo" in present:
                combo_parts.extend(self._combo_parts(index, found, s, cancelled))
        valid = frozenset((part[0], part[1], part[2]) for part in combo_parts)
        if offset:
            terms = [(i, _shift(h, -offset)) for i, h in terms]
            vague = [(i, _shift(h, -offset)) for i, h in vague]
            near = [(i, _shift(h, -offset)) for i, h in near]
            combo_parts = [_shift_part(part, -offset) for part in combo_parts]
        return _SegmentEval(number, raw, tuple(terms), tuple(vague), tuple(near), frozenset(excluded),
                            tuple(cancelled), kinds, valid, tuple(combo_parts), frozenset(parts))

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

    def _term_hits(self, entry: Entry, raw: list, s: LineStructure, cancelled: list) -> list[Hit]:
        """Term and family-name hits of one entry with their context: word boundaries, look-alikes in their
        clause (family names: see _match), negation and the other ways of not being supplied, location clauses."""
        excluded = _excluded_scopes(raw, s)
        found: list[Hit] = []
        for key, field, start, end, word in raw:
            role = key.role
            if role != "term" and role != "vague":
                continue
            option = s.option_at(field, start)
            # a family name is settled by a look-alike anywhere in the line (see _match), except in one option of a
            # choice (耐碱网格布或普通网格布): there only its own option settles it
            scopes = excluded if role == "term" or option is not None else ()
            where = _in_context(entry, s, scopes, field, start, end, word, cancelled)
            if where is None:
                continue
            offered = entry.list != "green" and option is not None
            found.append(_new_tuple(Hit, (entry, field, start, end, word, role, (), offered, -1,
                                          s.clause_info(field, start), where, ())))
        return found

    def _combo_parts(self, index: int, raw: list, s: LineStructure, cancelled: list) -> list[tuple]:
        """The combo words of one entry in a segment that hold in their context (boundary, look-alikes, not
        supplied, location clauses): (entry, combo, group, field, start, end, word, sub-clause start, offered,
        clause)."""
        entry = self.entries[index]
        excluded = _excluded_scopes(raw, s)
        out = []
        for key, field, start, end, word in raw:
            if key.role != "combo" or _in_context(entry, s, excluded, field, start, end, word, cancelled) is None:
                continue
            out.append((index, key.combo, key.group, field, start, end, word,
                        _clause_start(s.fields[field], start, NEGATION_BREAKS), s.option_at(field, start) is not None,
                        s.clause_info(field, start)))
        return out

    def _combos(self, index: int, found: list[tuple]) -> list[Hit]:
        """The entry's combos whose every group has a word in the line (clause combos: in one clause)."""
        entry = self.entries[index]
        combos, line_wide = entry.all_combos, len(entry.combos)
        by_combo: dict[int, dict[int, list[tuple]]] = {}
        for part in found:
            by_combo.setdefault(part[1], {}).setdefault(part[2], []).append(part)
        out = []
        for combo_index, groups in by_combo.items():
            if len(groups) != len(combos[combo_index]):
                continue
            if combo_index < line_wide:
                chosen = [groups[g][0] for g in sorted(groups)]
            else:
                chosen = _same_clause(groups)
                if not chosen:
                    continue
            first = min(chosen, key=_part_order)
            out.append(_new_tuple(Hit, (entry, first[3], first[4], first[5], " + ".join([p[6] for p in chosen]),
                                        "combo", tuple([p[3:7] for p in chosen]), True in [p[8] for p in chosen],
                                        -1, (), "", tuple([p[9] for p in chosen]))))
        return out

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

    def _applies(self, hit: Hit, work_item: str, fields: dict[str, str], s: Optional[LineStructure], code: str,
                 cancelled: list) -> bool:
        """Entry-wide scope: item sections, work items, words that show another thing."""
        entry = hit.entry
        if not (entry.code_prefixes or entry.work_items or entry.not_work_items or entry.line_exclusions):
            return True
        if not _code_applies(entry, code):
            return False
        if not _work_item_ok(work_item, entry.work_items, entry.not_work_items, False):
            cancelled.append((entry.id, f"not this rule's work item ({work_item})"))
            return False
        words = self._line_exclusions.get(entry.id)
        if words:
            word = next((w for w in words if w in fields["name"] or w in fields["features"]), None)
            if word:
                cancelled.append((entry.id, f"the line is about 「{word}」, not this rule's object"))
                return False
        return True

    def _near_miss_hits(self, entry_index: int, raw: list, s: LineStructure, cancelled: list) -> list[Hit]:
        """Terms typed with one character wrong (粘士砖 for 粘土砖): the automaton holds every variant of a term
        with one character replaced by a known look- or sound-alike, so they are found like terms."""
        entry, terms = self.entries[entry_index], self._near_terms[entry_index]
        candidates = [r for r in raw if r[0].role == "excl"]
        candidates += [(_Key(entry_index, "term"), field, start, end, word)
                       for key, field, start, end, word in raw if key.role == "near"]
        hits = self._term_hits(entry, candidates, s, cancelled)
        return [h._replace(text=f"{h.text}≈{_closest(h.text, terms)}", via="near") for h in hits]


def _in_context(entry: Entry, s: LineStructure, excluded, field: str, start: int, end: int, word: str,
                cancelled: list) -> Optional[str]:
    """The role of a word where it stands when it is a use of the entry there, else None (and why, in
    ``cancelled``): a whole word, no look-alike in its clause, supplied, and — for banned and restricted
    entries — not in a 部位 clause."""
    if not _at_boundary(s.fields[field], start, end, word):
        return None
    if excluded and _scope(s, field, start) in excluded:
        cancelled.append((entry.id, f"look-alike excluded near 「{word}」"))
        return None
    reason = s.not_supplied(field, start)
    if reason:
        cancelled.append((entry.id, reason))
        return None
    where = s.role_at(field, start, end)
    if where == "location" and field == "features" and (entry.list == "banned" or entry.list == "restricted"):
        cancelled.append((entry.id, f"「{word}」 says where the work is, not what it uses"))
        return None
    return where


_new_tuple = tuple.__new__  # builds a named tuple from all its fields without its generated __new__


def _shift(hit: Hit, offset: int) -> Hit:
    """A segment's hit placed in its line."""
    if not offset:
        return hit
    clause = hit.clause
    if clause:
        clause = (clause[0], clause[1] + offset, clause[2] + offset)
    entry, field, start, end, text, via, parts, alternative, pattern, _, where, part_clauses = hit
    return _new_tuple(Hit, (entry, field, start + offset, end + offset, text, via, parts, alternative, pattern, clause,
                            where, part_clauses))


def _shift_part(part: tuple, offset: int) -> tuple:
    if not offset:
        return part
    index, combo, group, field, start, end, word, clause_start, offered, clause = part
    if clause:
        clause = (clause[0], clause[1] + offset, clause[2] + offset)
    return (index, combo, group, field, start + offset, end + offset, word, clause_start + offset, offered, clause)


def _may_hold(pattern: Pattern, index: int, p: int, kinds: set, parts: set, default_product: str,
              work_item: str) -> bool:
    """Cheap tests before a pattern is tried on the line's structure: its work item, and every class, word and
    product it needs are in the line at all."""
    if not _work_item_ok(work_item, pattern.work_items, pattern.not_work_items, pattern.require_work_item):
        return False
    for g, part in enumerate(pattern.parts):
        if part.cls and part.cls not in kinds:
            return False
        if part.terms and (index, p, g) not in parts:
            return False
        if part.product and not (kinds.intersection(part.product) or default_product in part.product):
            return False
    return True


def _per_entry(placed: list, wanted: set) -> dict[int, list]:
    """The automaton hits of the ``wanted`` entries in the whole line: (key, field, start, end, word)."""
    out: dict[int, list] = {}
    for field, position, found in placed:
        for key, start, end, word in found.raw:
            if key.entry_index in wanted:
                out.setdefault(key.entry_index, []).append((key, field, position + start, position + end, word))
    return out


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
    """The scopes settled by a look-alike: not negated (非耐碱), and not begun in a clause number (1.9L坐便器 is no
    「.9L」)."""
    return {_scope(s, field, start) for key, field, start, end, word in raw
            if key.role == "excl" and not _negated_exclusion(s.fields[field], start)
            and s.clause_at(field, end - 1).start <= start} if raw else set()


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


def _part_order(part: tuple) -> tuple:
    """Where a combo hit stands: its part in the 项目名称 first, then the earliest."""
    return part[3] != "name", part[4]


def _complete_combos(combined: set[tuple[int, int, int]], sizes: list[list[int]]) -> set[int]:
    """The entries with a combo whose every group has a word in the line (``combined``: (entry, combo, group))."""
    count: dict[tuple[int, int], int] = {}
    for index, combo, _ in combined:
        count[index, combo] = count.get((index, combo), 0) + 1
    return {index for (index, combo), n in count.items() if n == sizes[index][combo]}


def _same_clause(groups: dict[int, list[tuple]]) -> list:
    """One part per group, all in one clause (between , 。 ; ! ?), or [] when no clause holds every group."""
    by_clause: dict[tuple[str, int], dict[int, tuple]] = {}
    for group, found in groups.items():
        for part in found:
            by_clause.setdefault((part[3], part[7]), {}).setdefault(group, part)
    for found in by_clause.values():
        if len(found) == len(groups):
            return [found[g] for g in sorted(found)]
    return []


_REBUILD = re.compile("|".join(REBUILD_WORDS))
_DEMOLITION = re.compile("|".join(DEMOLITION_WORDS))


def is_demolition(normalised_name: str, code: str) -> bool:
    """Demolition lines remove a material; they do not use it."""
    if _REBUILD.search(normalised_name):
        return False
    return code.startswith(DEMOLITION_CODE_PREFIXES) or _DEMOLITION.search(normalised_name) is not None


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
    return clause_bounds(text, position, breaks)[0]


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


def hit_evidence(hit: Hit, match: LineMatch) -> tuple[str, str, int, tuple[tuple[str, int, int], ...]]:
    """(evidence, clause, position, spans) of a hit, in the printed text.

    The evidence names each part's clause and attribute with the printed words: 项目特征 第2条「粘贴层」:
    1:2.5水泥砂浆; the clause is the key part's (the thing the rule is about); the position is where the hit
    starts in its printed field, and the spans are (field, start, end) of every part in the printed text.
    A plain term hit carries its clause, so the line's structure is not needed for it.
    """
    if hit.parts and hit.part_clauses:
        parts, clauses = hit.parts, hit.part_clauses
    elif not hit.parts and (hit.field == "name" or hit.clause):
        parts, clauses = ((hit.field, hit.start, hit.end, hit.text),), (hit.clause,)
    else:
        return _structured_evidence(hit, match.structure)
    shown: list[tuple[str, list[str]]] = []
    spans: list[tuple[str, int, int]] = []
    position, key_where = -1, ""
    for (field, start, end, _), clause in zip(parts, clauses):
        raw, origin = match.raw(field), match.origin(field)
        begin, stop = printed_span(origin, start, end - start)
        where = clause_description(field, *clause, raw, origin) if clause else FIELD_LABELS[field]
        if shown and shown[-1][0] == where:
            shown[-1][1].append(raw[begin:stop])
        else:
            shown.append((where, [raw[begin:stop]]))
        spans.append((field, begin, stop))
        if field == hit.field and start == hit.start:
            position, key_where = begin, where
    evidence = " + ".join(f"{where}: {' … '.join(words)}" for where, words in shown)
    if hit.via == "near":
        evidence += f" (near-miss spelling of 「{hit.text.split('≈')[-1]}」)"
    return evidence, key_where, position, tuple(spans)


def _structured_evidence(hit: Hit, structure: LineStructure) -> tuple[str, str, int, tuple[tuple[str, int, int], ...]]:
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
