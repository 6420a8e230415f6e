"""Line structure: a bill line's 项目名称 and 项目特征 read as numbered attribute clauses.

A real 项目特征 is a list of clauses ("1.砖品种、规格、强度等级：…", "2.结合层：…").  Whether a material is used,
offered as one option, only mentioned, or part of another thing depends on the clause it stands in and on the
work item.  ``StructureReader.analyse(name, features, code)`` reads, from the normalised text:

- the clauses: number, attribute name (label) and its role (GB 50854 项目特征 vocabulary: brick, mortar, bond,
  leveling, finish, frame, method, location …; "free" for text without a label, "name" for the 项目名称);
- the words of the vocabulary classes (tile, stone, cement mortar, adhesive, site mixing …) and, for each, its role
  in the line: the clause's role, refined by the verb that follows it in its sub-clause (粘贴/镶贴 → bond,
  找平/抹灰 → leveling, 擦缝 → grout, 打底 → base);
- context: negation, design change (原…变更为…), existing or retained work, demolition, options offered to the
  bidder (或, /, 、…综合考虑);
- the work item, from the 项目编码 (GB 50854/50856/50857 sections) or, without a code, from the 项目名称; the
  location (exterior, interior, floor) and the product the line supplies (tile, stone, metal panel).

The vocabulary is data (``catalogs/line_structure.json``, validated by ``validate_vocabulary``).  Everything here
is pure and cheap (one Aho–Corasick pass per field); the matcher memoises per distinct line text.
"""
from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple, Optional

import ahocorasick

from .normalize import normalize, origin_map

SCHEMA_ID = "gbm-check/structure@1"
STRUCTURE_FILE = "line_structure.json"
FIELD_LABELS = {"name": "项目名称", "features": "项目特征"}
SUB_BREAKS = frozenset(",。;!?")  # sub-clause breaks inside a clause (，→, and ；→; after normalisation)
_SUB_BREAK = re.compile("[,。;!?]")
_SLASH = re.compile(r"(?<=[\u4e00-\u9fff])/(?=[\u4e00-\u9fff])")
NEGATION_BREAKS = ";。,!?"
EXCLUSION_BREAKS = NEGATION_BREAKS + "、/+"
CLAUSE_SHOWN = 120  # characters of a clause a reason quotes at most (real clauses are shorter)
PRODUCT_CLASSES = ("tile", "stone", "metal_panel", "glass")
SEGMENT_MEMO = 200_000  # segments (clauses) remembered by text
# Class groups: inside a group the longest overlapping word wins (瓷砖胶 is an adhesive, not a tile + 胶).
_GROUP_OF_CLASS = {"tile": "material", "stone": "material", "metal_panel": "material", "cement_mortar": "material",
                   "adhesive": "material", "glass": "material"}
LOCATIONS = ("exterior", "interior", "floor")
ROLE_PRIORITY = ("bond", "leveling", "grout", "finish", "frame", "location", "concrete", "mortar", "brick", "method",
                 "connection", "substrate", "protection", "pile", "medium", "material", "size", "note")
_NOT_PRODUCT_ROLES = frozenset({"location", "note", "grout", "protection", "substrate"})
_NUMBER = re.compile(r"(?:\(?\d{1,2}(?:[、)]|\.(?!\d))|[一二三四五六七八九十]{1,2}、|[*※])+")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"\D{0,3}?(\d{6,12})")


def _bracketed(text: str, low: int, high: int, pos: int) -> tuple[int, int] | None:
    """The inside of the brackets around the separator at ``pos`` within [low, high) when the brackets hold the
    choice (涂膜(甲牌或乙牌)); None when ``pos`` is not in brackets or opens them (商品混凝土(或现场拌制): the
    choice goes on outside)."""
    opened = text.rfind("(", low, pos)
    if opened < 0 or text.find(")", opened, pos) >= 0 or not text[opened + 1:pos].strip():
        return None
    closed = text.find(")", pos, high)
    return (opened + 1, closed) if closed >= 0 else None


class StructureError(Exception):
    """The structure vocabulary is not valid; the message is one line."""


class Clause(NamedTuple):
    """One clause of a field: "2.粘贴层：20厚1:2.5水泥砂浆" → number 2, label 粘贴层, role bond.
    (A named tuple, like Mention: lines make many of them, and tuples are cheap to build.)"""

    field: str
    number: Optional[int]
    start: int  # first character (after the number marker), in the normalised field
    end: int
    label: str  # attribute name (normalised), "" for free text
    role: str  # "name" for the 项目名称, "free" for features text without a known label
    value_start: int  # where the value begins (after "label:")


class Mention(NamedTuple):
    """A vocabulary word in a field: a class (tile, cement_mortar …), a verb, a marker or a location word."""

    kind: str
    field: str
    start: int
    end: int


class LineStructure:
    """What one line says, clause by clause.  Built by ``StructureReader.analyse``; treat as read-only.

    A plain class with slots (a distinct line builds one; a dataclass with factories costs more than the work)."""

    __slots__ = ("fields", "raw", "code", "work_item", "clauses", "mentions", "demolition", "reader", "_starts",
                 "_clause_index", "_sub_breaks", "_cancels", "_options", "_roles", "_origins", "_location",
                 "_products", "_described")

    def __init__(self, fields: dict[str, str], raw: dict[str, str], code: str, work_item: str,
                 clauses: tuple[Clause, ...], mentions: dict[str, list[Mention]], demolition: bool,
                 reader: "StructureReader", starts: dict[str, list[int]], clause_index: dict[str, list[Clause]],
                 sub_breaks: dict[str, list[int]]):
        self.fields = fields  # normalised 项目名称 / 项目特征
        self.raw = raw
        self.code = code
        self.work_item = work_item
        self.clauses = clauses
        self.mentions = mentions  # by kind
        self.demolition = demolition
        self.reader = reader
        self._starts = starts
        self._clause_index = clause_index
        self._sub_breaks = sub_breaks
        self._cancels: dict[str, list[tuple[int, int, str]]] = {}
        self._options: dict[str, list[tuple[int, int, tuple[tuple[int, int], ...]]]] = {}
        self._roles: Optional[dict[tuple[str, int], str]] = None  # mortar and adhesive words, when first asked
        self._origins: dict[str, list[int]] = {}
        self._location: Optional[str] = None
        self._products: Optional[frozenset[str]] = None
        self._described: dict[int, str] = {}

    @property
    def location(self) -> str:
        """exterior, interior, floor or "" (computed when first asked: most lines never need it)."""
        if self._location is None:
            self._location = self.reader._location_of(self)
        return self._location

    @property
    def products(self) -> frozenset[str]:
        """The products the line supplies (tile, stone, metal_panel), computed when first asked."""
        if self._products is None:
            self._products = self.reader._products_of(self)
        return self._products

    # --- where a position stands -------------------------------------------------------------------------
    def clause_at(self, field_name: str, pos: int) -> Clause:
        starts = self._starts[field_name]
        index = max(0, bisect.bisect_right(starts, pos) - 1)
        return self._clause_index[field_name][index]

    def sub_span(self, field_name: str, pos: int) -> tuple[int, int]:
        """The sub-clause (between , 。 ; ! ?) holding ``pos``, inside its clause."""
        breaks = self._sub_breaks[field_name]
        i = bisect.bisect_right(breaks, pos)
        start = breaks[i - 1] + 1 if i else 0
        end = breaks[i] if i < len(breaks) else len(self.fields[field_name])
        return start, end

    def role_at(self, field_name: str, start: int, end: int) -> str:
        """The role of the word at [start, end): the verb after it in its sub-clause (粘贴 → bond, 找平 →
        leveling), else the verb before it in the clause's value, else the clause's role."""
        if self._roles is None:
            self._roles = self.reader._material_roles(self)
        known = self._roles.get((field_name, start))
        if known is not None:
            return known
        return self._role_from_verbs(field_name, start, end)

    def _role_from_verbs(self, field_name: str, start: int, end: int) -> str:
        if field_name == "name":  # the 项目名称 is the work item, unless a verb right after says more (面砖（水泥砂浆粘贴）)
            for verb in self.mentions.get("verb", ()):
                if verb.field == "name" and verb.start >= end:
                    return verb_role(verb) if verb.start - end <= 2 else "name"
            return "name"
        clause = self.clause_at(field_name, start)
        low, high = self.sub_span(field_name, start)
        low = max(low, clause.value_start)
        before = ""
        for verb in self.mentions.get("verb", ()):
            if verb.field != field_name or verb.start >= high:
                continue
            if verb.start >= end:
                return verb_role(verb)
            if verb.start >= low and verb.end <= start:
                before = verb_role(verb)
        return before or clause.role

    def not_supplied(self, field_name: str, start: int) -> str:
        """Why the word at ``start`` is not used by the line ("" when it is): negated, a design change's old
        choice, existing or retained work, demolished."""
        text = self.fields[field_name]
        if start and text[start - 1] in "非无":
            return f"negated: 「{_clause_text(text, start)}」"
        for low, high, reason in self._cancels.get(field_name, ()):
            if low <= start < high:
                return reason.format(clause=_clause_text(text, start))
        return ""

    def option_at(self, field_name: str, pos: int) -> Optional[tuple[int, int]]:
        """The option holding ``pos`` when its sub-clause offers alternatives (钢管或竹木, 商品混凝土/现场拌制)."""
        for low, high, options in self._options.get(field_name, ()):
            if low <= pos < high:
                for a, b in options:
                    if a <= pos < b:
                        return a, b
        return None

    def option_text(self, field_name: str, pos: int) -> str:
        """The whole value around ``pos``: its option, or the clause's value; without bidder words and 等."""
        span = self.option_at(field_name, pos)
        if span is None:
            clause = self.clause_at(field_name, pos)
            low, high = self.sub_span(field_name, pos)
            span = (max(low, clause.value_start), high)
        text = self.fields[field_name][span[0]:span[1]]
        for word in _strip_words():
            text = text.replace(word, "")
        return text.strip("()[]等")

    def in_label(self, field_name: str, pos: int) -> bool:
        clause = self.clause_at(field_name, pos)
        return bool(clause.label) and pos < clause.value_start

    def mentions_of(self, kind: str) -> list[Mention]:
        return self.mentions.get(kind, [])

    def contains(self, word: str) -> bool:
        return any(word in text for text in self.fields.values())

    # --- how to show it ------------------------------------------------------------------------------------
    def describe(self, field_name: str, pos: int) -> str:
        """项目特征 第2条「粘贴层」 (the clause and its attribute name as printed)."""
        if field_name == "name":
            return FIELD_LABELS["name"]
        clause = self.clause_at(field_name, pos)
        known = self._described.get(clause.start)
        if known is None:
            known = self._described[clause.start] = self._describe(field_name, clause)
        return known

    def _describe(self, field_name: str, clause: Clause) -> str:
        label_end = clause.value_start - 1 if clause.label else clause.start
        return clause_description(field_name, clause.number, clause.start, label_end, self.raw[field_name],
                                  self.origin(field_name))

    def origin(self, field_name: str) -> Optional[list[int]]:
        """The field's origin map (see normalize.origin_map), computed once."""
        if field_name in self._origins:
            return self._origins[field_name]
        origin = self._origins[field_name] = origin_map(self.raw[field_name])
        return origin

    def clause_info(self, field_name: str, pos: int) -> tuple:
        """(number, label start, label end) of the clause holding ``pos``: enough to describe it later without the
        structure; () in the 项目名称."""
        if field_name == "name":
            return ()
        clause = self.clause_at(field_name, pos)
        return clause.number, clause.start, (clause.value_start - 1 if clause.label else clause.start)

    def original_span(self, field_name: str, start: int, length: int) -> tuple[int, int]:
        """Map a span of the normalised field back to (start, end) in the printed text."""
        return printed_span(self.origin(field_name), start, length)


def printed_span(origin: Optional[list[int]], start: int, length: int) -> tuple[int, int]:
    """A span of a normalised field as (start, end) in the printed text, given the field's origin map."""
    if origin is None:  # folded character for character
        return (start, start + length) if length > 0 else (0, 0)
    if not origin or length <= 0:
        return (0, 0)
    start = max(0, min(start, len(origin) - 1))
    last = max(start, min(start + length - 1, len(origin) - 1))
    return origin[start], origin[last] + 1


def clause_description(field_name: str, number: Optional[int], label_start: int, label_end: int, raw: str,
                       origin: Optional[list[int]]) -> str:
    """项目特征 第2条「粘贴层」: the field, the clause number and the attribute name as printed."""
    if field_name == "name":
        return FIELD_LABELS["name"]
    out = FIELD_LABELS[field_name]
    if number is not None:
        out += f" 第{number}条"
    if label_end > label_start:
        low, high = printed_span(origin, label_start, label_end - label_start)
        label = raw[low:high].strip(" ：:")
        if label:
            out += f"「{label}」"
    return out


_DECIMAL_MARKER = re.compile(r"(\d{1,2})\.(?=\d)")


def _decimal_marker(segment: str, expected: int, several: bool) -> Optional[re.Match]:
    """"3.10厚…" after clause 2 is clause 3 of 10厚…, not 3.10; a lone "1.5厚…" stays a number."""
    match = _DECIMAL_MARKER.match(segment)
    if match and int(match.group(1)) == expected and (expected > 1 or several):
        return match
    return None


_RUNS_ON = frozenset("0123456789:、,(/+*-~或及和与厚")


def _runs_on(text: str, line_break: int) -> bool:
    """The text before a line break stops mid-phrase (a number, a ratio, 、, 或 …): the next line goes on with the
    same clause.  A line that ends on a word is a clause of its own."""
    return line_break > 0 and text[line_break - 1] in _RUNS_ON


def verb_role(verb: Mention) -> str:
    return verb.kind.split(":", 1)[1] if ":" in verb.kind else verb.kind


def _clause_text(text: str, position: int) -> str:
    """The clause around ``position`` as a reason quotes it: whole, or ``CLAUSE_SHOWN`` characters around the
    position (with …) when it runs on (a reason per hit must not copy the whole of a page-long clause)."""
    start, end = clause_bounds(text, position)
    if end - start <= CLAUSE_SHOWN:
        return text[start:end]
    low = max(start, min(position - CLAUSE_SHOWN // 2, end - CLAUSE_SHOWN))
    high = low + CLAUSE_SHOWN
    return ("…" if low > start else "") + text[low:high] + ("…" if high < end else "")


def clause_bounds(text: str, position: int, breaks: str = NEGATION_BREAKS) -> tuple[int, int]:
    """(start, end) of the clause around ``position``: the run of ``text`` holding none of ``breaks`` (the
    character at ``position`` included).  Found by bisection in the text's break positions, computed once per
    text: a walk from every hit is quadratic in a line that runs on for pages without a break."""
    positions = _break_positions(text, breaks)
    index = bisect.bisect_left(positions, position)
    return (positions[index - 1] + 1 if index else 0), (positions[index] if index < len(positions) else len(text))


@lru_cache(maxsize=256)
def _break_positions(text: str, breaks: str) -> tuple[int, ...]:
    return tuple(i for i, ch in enumerate(text) if ch in breaks)


@lru_cache(maxsize=1)
def _strip_words() -> tuple[str, ...]:
    return tuple(sorted({normalize(w) for w in default_reader().vocabulary["markers"]["bidder"]}, key=len,
                        reverse=True))


# --- the vocabulary ----------------------------------------------------------------------------------------
_REQUIRED_SECTIONS = ("roles", "verbs", "classes", "markers", "locations", "work_items")
_MARKERS = ("negation", "existing", "change_from", "change_to", "demolish", "bidder", "alternative")
# optional marker lists: words that end a negation (粘土砖已取消), that start a design change's new choice at the
# head of a sub-clause (原为…，现…), that lead the first option of a choice (采用竹木或钢管), and attribute names
# that give a design's former choice (原：红砖；现：灰砂砖), and words after 或 that ask for an equivalent, not
# another product (黑豹或同档次品牌, 或同等产品)
_OPTIONAL_MARKERS = ("negation_after", "change_now", "option_lead", "former_labels", "equivalent_after")


def validate_vocabulary(data: object) -> list[str]:
    """Problems with a parsed structure vocabulary, one line each; empty when it is valid."""
    if not isinstance(data, dict):
        return ["the structure vocabulary must be a JSON object"]
    problems = []
    if data.get("schema") != SCHEMA_ID:
        problems.append(f"schema must be {SCHEMA_ID!r}")
    if not isinstance(data.get("source"), str) or not data.get("source"):
        problems.append("'source' is missing")
    for key in _REQUIRED_SECTIONS:
        if not isinstance(data.get(key), dict):
            problems.append(f"section {key!r} must be an object")
    if problems:
        return problems

    def words(where: str, value: object) -> None:
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            problems.append(f"{where} must be a list of non-empty strings")

    for section in ("roles", "verbs", "classes"):
        for key, value in data[section].items():
            words(f"{section}.{key}", value)
    for key in _MARKERS:
        words(f"markers.{key}", data["markers"].get(key))
    for key in _OPTIONAL_MARKERS:
        if key in data["markers"]:
            words(f"markers.{key}", data["markers"][key])
    patterns = data.get("class_patterns", {})
    if not isinstance(patterns, dict):
        problems.append("class_patterns must be an object")
        patterns = {}
    for key, pattern in patterns.items():
        try:
            re.compile(pattern)
        except (re.error, TypeError):
            problems.append(f"class_patterns.{key} must be a regular expression")
    for key in (*LOCATIONS, "not_exterior"):
        words(f"locations.{key}", data["locations"].get(key))
    for key, item in data["work_items"].items():
        if not isinstance(item, dict):
            problems.append(f"work_items.{key} must be an object")
            continue
        words(f"work_items.{key}.codes", item.get("codes", []) or ["x"])
        words(f"work_items.{key}.names", item.get("names", []) or ["x"])
        if any(not c.isdigit() for c in item.get("codes", []) if isinstance(c, str)):
            problems.append(f"work_items.{key}.codes must be digits")
        if item.get("location", "") not in ("", "wall", *LOCATIONS):
            problems.append(f"work_items.{key}.location must be wall, exterior, interior, floor or empty")
        if item.get("product", "") not in ("", *PRODUCT_CLASSES):
            problems.append(f"work_items.{key}.product must be one of {', '.join(PRODUCT_CLASSES)}")
        if item.get("object", "") not in ("", "concrete", "mortar"):
            problems.append(f"work_items.{key}.object must be concrete or mortar")
    try:
        re.compile(data.get("mortar_grades", ""))
    except re.error:
        problems.append("mortar_grades must be a regular expression")
    return problems


class StructureReader:
    """The compiled vocabulary: reads lines into LineStructures."""

    def __init__(self, vocabulary: dict):
        problems = validate_vocabulary(vocabulary)
        if problems:
            raise StructureError(f"invalid structure vocabulary: {problems[0]}")
        self.vocabulary = vocabulary
        self.classes = tuple(dict.fromkeys((*vocabulary["classes"], *vocabulary.get("class_patterns", {}))))
        self.roles = tuple(vocabulary["roles"])
        self.work_items = vocabulary["work_items"]
        priority = {role: rank for rank, role in enumerate(ROLE_PRIORITY)}
        self._role_words = sorted(((normalize(w), role) for role, ws in vocabulary["roles"].items() for w in ws),
                                  key=lambda pair: (-len(pair[0]), priority.get(pair[1], len(priority))))
        self._codes: dict[str, str] = {}
        for key, item in self.work_items.items():
            for code in item.get("codes", []):
                self._codes[code] = key
        self._mortar_grades = re.compile(vocabulary.get("mortar_grades") or r"(?!)")
        self._mortar_prefix = frozenset(vocabulary.get("mortar_prefix_chars", ""))
        self._existing_stop = frozenset(vocabulary["markers"].get("existing_stop", ""))
        markers = vocabulary["markers"]
        self._change_now = tuple(normalize(w) for w in markers.get("change_now", ()))
        self._option_leads = tuple(sorted((normalize(w) for w in markers.get("option_lead", ())), key=len,
                                          reverse=True))
        self._former_labels = frozenset(normalize(w) for w in markers.get("former_labels", ()))
        self._equivalents = tuple(normalize(w) for w in markers.get("equivalent_after", ()))
        # classes found by a regular expression (a brick named by its grade: MU10砖), each its own group
        self._class_patterns = tuple((cls, re.compile(p)) for cls, p in vocabulary.get("class_patterns", {}).items())
        table: dict[str, set[tuple[str, str]]] = {}

        def add(word: str, kind: str, group: str) -> None:
            key = normalize(word)
            if key:
                table.setdefault(key, set()).add((kind, group))

        for cls, ws in vocabulary["classes"].items():
            for w in ws:
                add(w, cls, _GROUP_OF_CLASS.get(cls, cls))
        for role, ws in vocabulary["verbs"].items():
            for w in ws:
                add(w, f"verb:{role}", "verb")
        for marker in _MARKERS + ("negation_after",):
            for w in vocabulary["markers"].get(marker, ()):
                add(w, f"m:{marker}", f"m:{marker}")
        for where in (*LOCATIONS, "not_exterior"):
            for w in vocabulary["locations"][where]:
                add(w, f"loc:{where}", "location")
        for key, item in self.work_items.items():
            for w in item.get("names", []):
                add(w, f"wi:{key}", "work_item")
        self._automaton = ahocorasick.Automaton()
        for key, kinds in table.items():
            self._automaton.add_word(key, (len(key), tuple(sorted(kinds))))
        self._automaton.make_automaton()
        self._label_roles: dict[str, str] = {}
        self._segments: dict[tuple, tuple] = {}
        self._line_heads: dict[tuple[str, str], str] = {}  # (item code, name) → work item
        self._context_locations: dict[str, str] = {}
        self._work_item_kinds = frozenset(f"wi:{key}" for key in self.work_items)

    # --- per line ------------------------------------------------------------------------------------------
    def analyse(self, name: str, features: str = "", code: str = "",
                fields: Optional[dict[str, str]] = None) -> LineStructure:
        """The structure of a line (``fields``: its 项目名称 and 项目特征 already normalised, when the caller has
        them)."""
        if fields is None:
            fields = {"name": normalize(name), "features": normalize(features)}
        return self._assemble(fields, {"name": name or "", "features": features or ""}, code)

    def analyse_segment(self, field_name: str, segment: str, expected: int = 1, several: bool = False,
                        code: str = "") -> LineStructure:
        """The structure of one normalised segment (a line of the 项目特征, or the 项目名称) on its own: the
        context a word gets from its clause is the same in it as in the whole line."""
        fields = {"name": "", "features": ""}
        fields[field_name] = segment
        return self._assemble(fields, dict(fields), code, expected - 1, several)

    def _assemble(self, fields: dict[str, str], raw: dict[str, str], code: str, first_number: int = 0,
                  several: Optional[bool] = None) -> LineStructure:
        clauses: list[Clause] = []
        starts: dict[str, list[int]] = {}
        index: dict[str, list[Clause]] = {}
        sub_breaks: dict[str, list[int]] = {}
        mentions: dict[str, list[Mention]] = {}
        for field_name, text in fields.items():
            field_clauses = self._read_field(field_name, text, mentions, sub_breaks.setdefault(field_name, []),
                                             first_number, several)
            clauses.extend(field_clauses)
            index[field_name] = field_clauses
            starts[field_name] = [c.start for c in field_clauses]
        code_digits, work_item = self.line_head(code, fields["name"], mentions)
        structure = LineStructure(fields, raw, code_digits, work_item, tuple(clauses), mentions,
                                  work_item == "demolition", self, starts, index, sub_breaks)
        for field_name in fields:
            structure._cancels[field_name] = self._cancels(structure, field_name)
            structure._options[field_name] = self._options(structure, field_name)
        return structure

    def location_in(self, text: str) -> str:
        """The location a free text names (a section heading, a sheet name: 外立面工程, 室内装饰 …), or "".
        The line itself decides first; this is the fallback when it says nothing."""
        known = self._context_locations.get(text)
        if known is None:
            folded = normalize(text)
            found = {kind for _, kind, _, _ in self._scan(folded) if kind.startswith("loc:")}
            known = ("exterior" if "loc:exterior" in found else "interior" if "loc:interior" in found
                     else "floor" if "loc:floor" in found else "")
            if len(self._context_locations) < 4096:
                self._context_locations[text] = known
        return known

    def segment_summary(self, field_name: str, segment: str, expected: int = 1,
                        several: bool = False) -> tuple[Optional[int], frozenset[str], int]:
        """(clause number, vocabulary kinds present, where the text after the clause number begins) of one
        normalised segment, from the segment memo."""
        key = (field_name, segment, expected, several) if segment[:1].isdigit() else (field_name, segment)
        read = self._segments.get(key)
        if read is None:
            read = self._read_segment(field_name, segment, expected, several)
            if len(self._segments) >= SEGMENT_MEMO:
                self._segments.clear()
            self._segments[key] = read
        clause, words, _ = read
        number = clause[0] if clause is not None and field_name != "name" else None
        return number, frozenset(key_kind for _, key_kind, _, _ in words), clause[1] if clause is not None else 0

    def line_head(self, code: str, name: str, mentions: Optional[dict[str, list[Mention]]] = None) -> tuple[str, str]:
        """(code digits, work item) of a line, from its 项目编码 and normalised 项目名称; remembered (lines repeat
        both)."""
        digits = _CODE.match(code) if code else None
        code_digits = digits.group(1) if digits else ""
        key = (code_digits[:9], name)  # the work item turns on the 9-digit item code at most
        work_item = self._line_heads.get(key)
        if work_item is None:
            if mentions is None:
                mentions = {}
                self._read_field("name", name, mentions, [])
            work_item = self._work_item(code_digits, mentions)
            if len(self._line_heads) >= SEGMENT_MEMO:
                self._line_heads.clear()
            self._line_heads[key] = work_item
        return code_digits, work_item

    def _read_field(self, field_name: str, text: str, mentions: dict[str, list[Mention]],
                    breaks: list[int], first_number: int = 0, several: Optional[bool] = None) -> list[Clause]:
        """A field's clauses, words and sub-clause breaks, put together from its segments (between line breaks).

        Bills are made of the same clauses in ever new combinations ("2.混凝土强度等级:C30" under thousands of
        lines), so each segment is read once and remembered: a distinct line costs the assembly of its parts.
        """
        if field_name == "name":
            segments = [text]
        else:
            segments = text.split(";")
        if several is None:
            several = len(segments) > 1
        out: list[Clause] = []
        position, last_number = 0, first_number
        memo = self._segments
        for segment in segments:
            # a segment reads the same wherever it stands, except a leading "3.10厚" (clause 3 or a number?)
            key = (field_name, segment, last_number + 1, several) if segment[:1].isdigit() else (field_name, segment)
            read = memo.get(key)
            if read is None:
                read = self._read_segment(field_name, segment, last_number + 1, several)
                if len(memo) >= SEGMENT_MEMO:
                    memo.clear()
                memo[key] = read
            clause, words, inner_breaks = read
            if clause is not None:
                number, start, label, role, value = clause
                if number is not None:
                    last_number = number
                elif not label and out and out[-1].number is not None and _runs_on(text, position - 1):
                    # a line break inside a clause ("2.结合层：20厚1:2.5⏎水泥砂浆"): the clause goes on
                    previous = out[-1]
                    number, label, role = previous.number, previous.label, previous.role
                    value = start
                out.append(Clause(field_name, number, position + start, position + len(segment), label, role,
                                  position + value))
            for kind, key_kind, a, b in words:
                mentions.setdefault(key_kind, []).append(Mention(kind, field_name, position + a, position + b))
            if inner_breaks:
                breaks.extend([position + b for b in inner_breaks])
            position += len(segment) + 1
            if field_name != "name" and position <= len(text):
                breaks.append(position - 1)  # the line break itself
        if not out:
            out.append(Clause(field_name, None, 0, len(text), "", "name" if field_name == "name" else "free", 0))
        return out

    def _read_segment(self, field_name: str, segment: str, expected: int, several: bool):
        """(clause or None, words, sub-clause breaks) of one segment, positions relative to it."""
        inner_breaks = tuple(m.start() for m in _SUB_BREAK.finditer(segment))
        words = self._scan(segment)
        if field_name == "name":
            return (None, 0, "", "name", 0), words, inner_breaks
        if not segment.strip():
            return None, words, inner_breaks
        number, start = None, 0
        marker = _NUMBER.match(segment)
        if marker is None and segment[:1].isdigit():
            marker = _decimal_marker(segment, expected, several)
        if marker and marker.end() < len(segment):
            found = _DIGITS.findall(marker.group())
            number = int(found[-1]) if found else None
            start = marker.end()
        body = segment[start:]
        label, role, value = "", "free", start
        colon = body.find(":", 0, 26)
        if colon > 0:
            candidate = body[:colon]
            if _CJK.search(candidate) and not _DIGIT.search(candidate) and "," not in candidate:
                role = "former" if candidate in self._former_labels else self.label_role(candidate)
                label, value = candidate, start + colon + 1
        return (number, start, label, role, value), words, inner_breaks

    def label_role(self, label: str) -> str:
        """The role of an attribute name: the longest vocabulary word it contains; between words of one length
        the more specific role (ROLE_PRIORITY): 零星砌砖名称、部位 is a location, not a name."""
        role = self._label_roles.get(label)
        if role is None:
            role = next((candidate for word, candidate in self._role_words if word in label), "free")
            if len(self._label_roles) < 4096:
                self._label_roles[label] = role
        return role

    def _scan(self, text: str) -> tuple[tuple[str, str, int, int], ...]:
        """Vocabulary words in ``text``: (kind, key of the mention list, start, end), longest per group."""
        if not text:
            return ()
        best: dict[str, list[tuple[int, int, str]]] = {}
        for end, (size, kinds) in self._automaton.iter(text):
            start = end - size + 1
            for kind, group in kinds:
                best.setdefault(group, []).append((start, end + 1, kind))
        if "砂浆" in text or "M" in text:
            for match in self._mortar_grades.finditer(text):
                best.setdefault("material", []).append((match.start(), match.end(), "cement_mortar"))
        for cls, pattern in self._class_patterns:
            for match in pattern.finditer(text):
                best.setdefault(cls, []).append((match.start(), match.end(), cls))
        out = []
        for group, found in best.items():
            if group == "material":  # show the ratio or grade with the mortar: 1:2.5水泥砂浆, M20砂浆
                for i, (start, end, kind) in enumerate(found):
                    if kind == "cement_mortar":
                        while start > 0 and text[start - 1] in self._mortar_prefix:
                            start -= 1
                        while text[start] in ":.":
                            start += 1
                        found[i] = (start, end, kind)
            for start, end, kind in _longest(found):
                out.append((kind, "verb" if group == "verb" else kind, start, end))
        out.sort(key=lambda w: w[2])
        return tuple(out)

    def _work_item(self, code: str, mentions: dict[str, list[Mention]]) -> str:
        """A full 9-digit item code decides; else the 项目名称; else a 4- or 6-digit section of the code."""
        section = ""
        for size in range(min(len(code), 12), 3, -1):
            found = self._codes.get(code[:size])
            if found:
                if size >= 9:
                    return found
                section = found
                break
        return self._work_item_from_name(mentions) or section

    def _work_item_from_name(self, mentions: dict[str, list[Mention]]) -> str:
        best = None  # the longest word; between equals the last one (a Chinese compound's head comes last)
        for kind in mentions.keys() & self._work_item_kinds:
            for m in mentions[kind]:
                if m.field == "name" and (best is None or (m.end - m.start, m.end) > best[:2]):
                    best = (m.end - m.start, m.end, kind[3:])
        return best[2] if best else ""

    def _material_roles(self, s: LineStructure) -> dict[tuple[str, int], str]:
        """Roles of mortar and adhesive words, with 打底 promoted to bond where the clause sets the facing
        without naming what it is set in (8厚1:1:6水泥石灰砂浆打底，面贴瓷质砖)."""
        roles: dict[tuple[str, int], str] = {}
        materials = s.mentions.get("cement_mortar", []) + s.mentions.get("adhesive", [])
        for m in materials:
            roles[(m.field, m.start)] = s._role_from_verbs(m.field, m.start, m.end)
        mortars = s.mentions.get("cement_mortar", [])
        if mortars and "bond" not in roles.values() and self._says_stuck(s) and self._supplies_tile(s):
            # 安装方式：粘贴 … 砂浆配合比：1:2水泥砂浆 — the tile is stuck and the only mortar named for it (in a
            # 砂浆 clause, with no verb of its own) is what it is stuck with
            for m in mortars:
                if roles[(m.field, m.start)] == "mortar":
                    roles[(m.field, m.start)] = "bond"
        for m in mortars:
            if roles[(m.field, m.start)] != "base":
                continue
            clause = s.clause_at(m.field, m.start)
            for verb in s.mentions.get("verb", ()):
                if verb.field != m.field or verb_role(verb) != "bond" or not clause.start <= verb.start < clause.end:
                    continue
                low, high = s.sub_span(m.field, verb.start)
                if not any(o.field == m.field and low <= o.start < high for o in materials):
                    roles[(m.field, m.start)] = "bond"
                    break
        return roles

    def _supplies_tile(self, s: LineStructure) -> bool:
        """Tiles named and supplied, or a tile work item (without reading roles: they are being worked out)."""
        if any(not s.not_supplied(m.field, m.start) for m in s.mentions.get("tile", ())):
            return True
        return self.work_items.get(s.work_item, {}).get("product", "") == "tile"

    @staticmethod
    def _says_stuck(s: LineStructure) -> bool:
        """A bond verb (粘贴, 镶贴 …) in the 项目名称 or in a method clause (安装方式：粘贴)."""
        for verb in s.mentions.get("verb", ()):
            if verb_role(verb) == "bond" and (verb.field == "name" or
                                              s.clause_at(verb.field, verb.start).role in ("method", "bond")):
                return True
        return False

    def _cancels(self, s: LineStructure, field_name: str) -> list[tuple[int, int, str]]:
        text, out = s.fields[field_name], []
        if not text:
            return out
        for cue in s.mentions.get("m:negation", ()):
            if cue.field == field_name:
                out.append((cue.end, clause_bounds(text, cue.end)[1], "negated: 「{clause}」"))
        for cue in s.mentions.get("m:demolish", ()):
            if cue.field == field_name:
                out.append((cue.end, s.sub_span(field_name, cue.start)[1], "demolished, not supplied: 「{clause}」"))
        for cue in s.mentions.get("m:existing", ()):
            if cue.field == field_name:
                stop, high = cue.end, s.sub_span(field_name, cue.start)[1]
                while stop < high and text[stop] not in self._existing_stop:
                    stop += 1
                out.append((cue.end, stop, "existing or retained work, not supplied: 「{clause}」"))
        for cue in s.mentions.get("m:negation_after", ()):
            if cue.field == field_name:  # 粘土砖已取消, 红砖不再使用: what stands before the cue in its sub-clause
                low = max(s.sub_span(field_name, cue.start)[0], s.clause_at(field_name, cue.start).value_start)
                out.append((low, cue.start, "negated: 「{clause}」"))
        changed = "the design's former choice, changed: 「{clause}」"
        paired: set[int] = set()
        for cue in s.mentions.get("m:change_to", ()):
            if cue.field != field_name:
                continue
            clause = s.clause_at(field_name, cue.start)
            start = clause.value_start
            for frm in s.mentions.get("m:change_from", ()):
                if frm.field == field_name and clause.start <= frm.start and frm.end <= cue.start:
                    start = frm.start
                    paired.add(frm.start)
                    break
            out.append((start, cue.start, changed))
        if self._change_now:  # 原为…，现…: the new choice starts a later sub-clause of the clause
            for frm in s.mentions.get("m:change_from", ()):
                if frm.field != field_name or frm.start in paired:
                    continue
                now = self._now_after(s, field_name, frm.end)
                if now is not None:
                    out.append((frm.start, now, changed))
        for clause in s.clauses:
            if clause.field == field_name and clause.role == "former":  # 原：红砖；现：灰砂砖
                out.append((clause.value_start, clause.end, changed))
        return out

    def _now_after(self, s: LineStructure, field_name: str, position: int) -> Optional[int]:
        """Where a design change's new choice begins after ``position``: a sub-clause of the same clause (or the
        start of the next clause) that opens with 现… (现改为, 现为, 现采用 …)."""
        text = s.fields[field_name]
        clause = s.clause_at(field_name, position)
        for brk in s._sub_breaks[field_name]:
            if brk < position:
                continue
            if brk > clause.end:
                break
            head = text[brk + 1:]
            if head.startswith(self._change_now):
                return brk + 1
            following = s.clause_at(field_name, brk + 1)
            if following.start > clause.end and text.startswith(self._change_now, following.value_start):
                return brk + 1
        return None

    def _options(self, s: LineStructure, field_name: str) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
        text, out = s.fields[field_name], []
        if not text or ("或" not in text and "/" not in text and "、" not in text):
            return out
        alternatives = [m for m in s.mentions.get("m:alternative", ()) if m.field == field_name
                        and not text.startswith(self._equivalents, m.end)]  # 黑豹或同档次品牌: one product
        bidder = [m for m in s.mentions.get("m:bidder", ()) if m.field == field_name]
        done: set[tuple[int, int]] = set()
        candidates = [(m.start, m.end) for m in alternatives]
        if "/" in text:
            candidates += [(m.start(), m.end()) for m in _SLASH.finditer(text)]
        commas = [(m.start(), m.end()) for m in re.finditer("、", text)] if bidder else []
        if not candidates and not commas:
            return out
        for sep_start, _ in sorted(candidates + commas):
            low, high = s.sub_span(field_name, sep_start)
            clause = s.clause_at(field_name, sep_start)
            value = max(low, clause.value_start)
            group = _bracketed(text, value, high, sep_start)  # 涂膜(甲牌或乙牌): the options are the brackets'
            if group is not None:
                value, high = group
            if (value, high) in done:
                continue
            done.add((value, high))
            offers_choice = any(low <= b.start < high for b in bidder)
            seps = sorted(sep for sep in candidates + (commas if offers_choice else []) if value <= sep[0] < high
                          and (group is not None or _bracketed(text, value, high, sep[0]) is None))
            if not seps:
                continue
            options, cursor = [], value
            for lead in self._option_leads:  # 投标人可采用竹木或钢管: the first option starts after 采用
                found = text.rfind(lead, value, seps[0][0])
                if found >= 0:
                    cursor = max(cursor, found + len(lead))
            for a, b in seps:
                if a > cursor:
                    options.append((cursor, a))
                cursor = max(cursor, b)
            if cursor < high:
                options.append((cursor, high))
            if len(options) > 1:
                out.append((value, high, tuple(options)))
        return out

    def _location_of(self, s: LineStructure) -> str:
        fixed = self.work_items.get(s.work_item, {}).get("location", "")
        if fixed in LOCATIONS:
            return fixed
        mentions = s.mentions
        words = [m for kind in ("loc:exterior", "loc:interior", "loc:floor") for m in mentions.get(kind, ())
                 if not s.not_supplied(m.field, m.start)]
        if not words:
            return ""
        # the 项目名称 first, then 部位 clauses, then anywhere in the 项目特征
        scopes = ([m for m in words if m.field == "name"],
                  [m for m in words if m.field == "features" and s.clause_at(m.field, m.start).role == "location"],
                  [m for m in words if m.field == "features"])
        for scope in scopes:
            found = {m.kind for m in scope}
            if "loc:exterior" in found:
                return "exterior"
            if "loc:interior" in found:
                return "interior"
            if "loc:floor" in found and fixed != "wall":
                return "floor"
        return ""

    def _products_of(self, s: LineStructure) -> frozenset[str]:
        found = [m for cls in PRODUCT_CLASSES for m in s.mentions.get(cls, ())
                 if not s.not_supplied(m.field, m.start)]
        named = {m.kind for m in found if m.field == "name"}
        if named:
            return frozenset(named)
        finish = {m.kind for m in found if s.clause_at(m.field, m.start).role == "finish"}
        if finish:
            return frozenset(finish)
        described = {m.kind for m in found if s.role_at(m.field, m.start, m.end) not in _NOT_PRODUCT_ROLES}
        if described:
            return frozenset(described)
        default = self.work_items.get(s.work_item, {}).get("product", "")
        return frozenset((default,)) if default else frozenset()

    def object_of(self, s: LineStructure, mention: Mention) -> str:
        """What a qualifier such as 现拌 refers to: concrete or mortar named in its sub-clause, else in its clause,
        else the work item's material (a 构造柱 line's 现拌 is concrete)."""
        objects = s.mentions.get("concrete", []) + s.mentions.get("mortar", [])
        low, high = s.sub_span(mention.field, mention.start)
        clause = s.clause_at(mention.field, mention.start)
        for a, b in ((low, high), (clause.start, clause.end)):
            kinds = {o.kind for o in objects if o.field == mention.field and a <= o.start < b}
            if len(kinds) == 1:
                return kinds.pop()
            if kinds:  # both: the nearest one after the qualifier, else before it
                after = [o for o in objects if o.field == mention.field and mention.end <= o.start < b]
                if after:
                    return min(after, key=lambda o: o.start).kind
                return max((o for o in objects if o.field == mention.field and a <= o.start < mention.start),
                           key=lambda o: o.start).kind
        return self.work_items.get(s.work_item, {}).get("object", "")


def _longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop words that lie inside a longer word of the same group (same span: keep every kind)."""
    if len(found) < 2:
        return found
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if out and start >= out[-1][0] and end <= out[-1][1] and (start, end) != out[-1][:2]:
            continue
        if out and out[-1][2] == kind and start < out[-1][1]:  # WPM20 + M20水泥砂浆: one mortar
            out[-1] = (out[-1][0], max(end, out[-1][1]), kind)
            continue
        if any(start >= a and end <= b and (start, end) != (a, b) for a, b, _ in out[-3:]):
            continue
        out.append((start, end, kind))
    return out


def load_vocabulary(path: str | Path | None = None) -> dict:
    """The shipped vocabulary (or the file at ``path``)."""
    if path is None:
        text = resources.files("checker.catalogs").joinpath(STRUCTURE_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def default_reader() -> StructureReader:
    return StructureReader(load_vocabulary())
