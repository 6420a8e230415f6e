"""Text normalisation shared by the header finder and the matcher.

Bill text arrives retyped and converted: full-width letters and digits, stray spaces inside Chinese words,
variant characters (黏/粘), trade shorthands (砼, 商砼) and several spellings of Φ and of the cement
grade dot (P·O, P•O).  ``normalize`` folds all of these to one form so that catalog terms, written in the
same form, can be found with an exact search.  ``normalize_with_map`` does the same and also says, for every
character of the result, which character of the input it came from (to show evidence in the original text).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

CLAUSE_BREAK = ";"  # what a line break becomes: features are numbered clauses

# One character in, zero or more out.  NFKC does most of full-width → half-width; the rest is ours.
_CHAR_MAP: dict[str, str] = {
    "黏": "粘",
    "砼": "混凝土",
    "φ": "Φ",
    "ϕ": "Φ",
    "Ф": "Φ",
    "ф": "Φ",
    "∅": "Φ",
    "Ø": "Φ",
    "ø": "Φ",
    "·": ".",
    "•": ".",
    "‧": ".",
    "・": ".",
    "．": ".",
    "∙": ".",
    "×": "*",
    "—": "-",
    "–": "-",
    "－": "-",
    "～": "~",
    "〜": "~",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "【": "[",
    "】": "]",
    "\n": CLAUSE_BREAK,
    "\r": "",
    "\x00": "",  # length keeper of _mark_numbered_clauses
}

# Multi-character synonyms, applied after the character map, in this order.
PHRASE_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("商品混凝土", "预拌混凝土"),
    ("商混凝土", "预拌混凝土"),  # 商砼 after 砼→混凝土
    ("商品砂浆", "预拌砂浆"),
    ("沙浆", "砂浆"),  # a common misspelling of 砂浆 (sand 沙 for 砂)
    ("磁砖", "瓷砖"),  # … and of 瓷砖 (磁 magnetic for 瓷 porcelain)
    ("马塞克", "马赛克"),
)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Normalise one character: our map, then NFKC, whitespace dropped, Latin upper-cased."""
    if ch in _CHAR_MAP:
        return _CHAR_MAP[ch]
    if ch.isspace():
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    out = []
    for c in folded:
        c = _CHAR_MAP.get(c, c)
        if c.isspace():
            continue
        out.append(c.upper() if c.isascii() else c)
    return "".join(out)


class _FoldTable(dict):
    """A lazily filled ``str.translate`` table: each code point is folded once, then cached."""

    def __missing__(self, codepoint: int) -> str:
        value = _fold_char(chr(codepoint))
        self[codepoint] = value
        return value


_TABLE = _FoldTable()


class _LengthTable(dict):
    """``str.translate`` table giving, per code point, one character whose ordinal − 48 is its folded length: one
    translate call tells whether a text folds character for character (the common case)."""

    def __missing__(self, codepoint: int) -> str:
        value = chr(48 + len(_fold_char(chr(codepoint))))
        self[codepoint] = value
        return value


_LENGTHS = _LengthTable()
_NOT_ONE = re.compile("[^1]")


# Features written on one line number their clauses after a space: "1.部位:浴缸四周 2.砖品种:灰砂砖".  That
# space is a clause break (a line break), not just white space; the run keeps its length so positions hold.
_NUMBERED_CLAUSE = re.compile(r"[ \t\u3000]+(?=\(?\d{1,2}[.、．)）](?!\d))")


def _mark_numbered_clauses(text: str) -> str:
    if " " not in text and "\u3000" not in text and "\t" not in text:
        return text
    return _NUMBERED_CLAUSE.sub(lambda m: "\n" + "\x00" * (len(m.group()) - 1), text)


LINE_MEMO = 100_000  # printed lines whose folded form (and origin map) is remembered
_FOLDED: dict[str, str] = {}
_LINE_ORIGINS: dict[str, list[int] | None] = {}


def normalize(text: str) -> str:
    """Fold ``text`` to the matching form (see module doc).  Fast: bills repeat their lines (the same
    "2.混凝土强度等级:C30" under thousands of items), so each printed line is folded once and remembered."""
    if not text:
        return ""
    marked = _mark_numbered_clauses(text)
    if "\n" not in marked:
        return _fold_line(marked)
    return CLAUSE_BREAK.join([_fold_line(line) for line in marked.split("\n")])


def _fold_line(line: str) -> str:
    """One printed line (no line break) folded: the character map, then the phrase synonyms; remembered."""
    folded = _FOLDED.get(line)
    if folded is None:
        folded = line.translate(_TABLE)
        for old, new in PHRASE_SYNONYMS:
            if old in folded:
                folded = folded.replace(old, new)
        if len(_FOLDED) >= LINE_MEMO:
            _FOLDED.clear()
        _FOLDED[line] = folded
    return folded


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Like ``normalize`` but also return, per output character, the index of the input character."""
    marked = _mark_numbered_clauses(text or "")
    return _with_synonyms(marked.translate(_TABLE), _char_origins(marked.translate(_LENGTHS)))


def _char_origins(lengths: str) -> list[int]:
    """Per character of the character-mapped text, its input index (``lengths``: see _LengthTable)."""
    if not lengths.strip("1"):
        return list(range(len(lengths)))
    # some characters fold to none (spaces) or to several (砼): rebuild from the runs
    origin, done = [], 0
    for odd in _NOT_ONE.finditer(lengths):
        at = odd.start()
        origin.extend(range(done, at))
        origin.extend([at] * (ord(lengths[at]) - 48))
        done = at + 1
    origin.extend(range(done, len(lengths)))
    return origin


def _with_synonyms(joined: str, origin: list[int]) -> tuple[str, list[int]]:
    """The phrase synonyms applied to a character-mapped text and its origin map."""
    for old, new in PHRASE_SYNONYMS:
        start = joined.find(old)
        while start != -1:
            span = origin[start : start + len(old)]
            # spread the new text over the old span's origins
            new_origin = [span[min(i, len(span) - 1)] for i in range(len(new))]
            joined = joined[:start] + new + joined[start + len(old) :]
            origin[start : start + len(old)] = new_origin
            start = joined.find(old, start + len(new))
    return joined, origin


# synonyms whose replacement is longer or shorter: they move the positions after them
_SHIFTING_SYNONYMS = tuple(old for old, new in PHRASE_SYNONYMS if len(old) != len(new))


def _line_origin(line: str) -> list[int] | None:
    """Per character of a folded printed line, its index in the line; None when it folds character for
    character.  Remembered per line, like its folded form."""
    if line in _LINE_ORIGINS:
        return _LINE_ORIGINS[line]
    lengths, joined = line.translate(_LENGTHS), line.translate(_TABLE)
    if not lengths.strip("1") and not any(old in joined for old in _SHIFTING_SYNONYMS):
        origin = None
    else:
        origin = _with_synonyms(joined, _char_origins(lengths))[1]
    if len(_LINE_ORIGINS) >= LINE_MEMO:
        _LINE_ORIGINS.clear()
    _LINE_ORIGINS[line] = origin
    return origin


class LineOrigins:
    """The origin map of a text of several printed lines, put together from each line's map: ``origins[i]`` is
    the index in the printed text of character ``i`` of ``normalize(text)``, like the list ``origin_map``
    returns, without building that list (a line's own map is looked up when a position in it is asked for)."""

    __slots__ = ("_lines", "_folded_starts", "_printed_starts", "_maps", "_length")

    def __init__(self, lines: list[str]):
        self._lines = lines
        self._folded_starts: list[int] = []
        self._printed_starts: list[int] = []
        self._maps: dict[int, list[int] | None] = {}
        folded_at = printed_at = 0
        for line in lines:
            self._folded_starts.append(folded_at)
            self._printed_starts.append(printed_at)
            folded_at += len(_fold_line(line)) + 1  # the line break folds to one CLAUSE_BREAK
            printed_at += len(line) + 1
        self._length = folded_at - 1

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        line = bisect.bisect_right(self._folded_starts, index) - 1
        offset = index - self._folded_starts[line]
        if line in self._maps:
            origin = self._maps[line]
        else:
            origin = self._maps[line] = _line_origin(self._lines[line])
        if origin is None:
            return self._printed_starts[line] + offset
        if offset >= len(origin):  # the line break after the line
            return self._printed_starts[line + 1] - 1
        return self._printed_starts[line] + origin[offset]


def origin_map(text: str) -> list[int] | LineOrigins | None:
    """Per character of ``normalize(text)``, the index of the input character it came from (a list, or a
    LineOrigins that indexes the same way); None when the text folds character for character (the common case:
    positions are the same)."""
    marked = _mark_numbered_clauses(text or "")
    if "\n" not in marked:
        return _line_origin(marked)  # one line: _mark_numbered_clauses changed nothing
    lines = marked.split("\n")
    if marked is text and all(_line_origin(line) is None for line in lines):
        return None
    return LineOrigins(lines)


def original_span(text: str, start: int, length: int) -> tuple[int, int]:
    """Map a span of ``normalize(text)`` back to (start, end) in ``text``."""
    _, origin = normalize_with_map(text)
    if not origin or length <= 0:
        return (0, 0)
    start = max(0, min(start, len(origin) - 1))
    last = max(start, min(start + length - 1, len(origin) - 1))
    return origin[start], origin[last] + 1


_HEADER_NOISE = re.compile(r"[(\[（【]?(元|%|％|元/.*?)[)\]）】]?$")


@lru_cache(maxsize=65536)
def _header_key(text: str) -> str:
    key = normalize(text).replace(CLAUSE_BREAK, "")
    key = re.sub(r"[(（](元|%|％)[)）]", "", key)
    key = key.strip(":：")
    return key


def header_key(text: object) -> str:
    """Normalise a header cell: no spaces or line breaks, no trailing (元) / （%）, no separators."""
    if not text:
        return ""
    return _header_key(text if type(text) is str else str(text))
