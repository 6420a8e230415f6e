"""Printed bill pages as geometry: text fragments and ruling lines in, grid rows out.

This module knows nothing about PDF files (``pdf.py`` extracts the glyphs and lines, ``pdf_ocr.py`` gets the
same from a scanned image).  It turns one page's positioned text into the rows of cells that
``tables.extract_tables`` reads, the same way a sheet is read:

1. **Fragments.**  Glyphs on one baseline are joined into runs; a run is cut at a gap wider than a quarter of
   the font size and at every vertical ruling line (so a right-aligned 序号 ``1`` never sticks to the
   项目编码 that follows it).
2. **Header band.**  Cells whose text names a column (项目名称, 项目编码, 计量单位 …, see ``headers.role_of``)
   and that lie together in a band of at most a few lines make a header, wherever it is on the page; the
   pieces of a header cell split over lines (计量 / 单位, 综合 / 单价) are stacked into one label, and group
   words over several columns (金额（元）, 其中) are dropped.
3. **Columns.**  Between two neighbouring header cells the column boundary is a vertical ruling when one
   lies between them; where there is none, it is the widest gap in the text of the body below (words
   clustered into columns under the header cells).  A page without its own header uses the previous page's
   columns (a table continued without a repeated header).
4. **Rows by geometry, not reading order.**  Exports centre a cell's text vertically, so an item's 项目特征
   may start above its code and name.  The body is cut into bands by the horizontal rulings; text belongs
   to the band its middle lies in, and text in a merged cell (no ruling between two columns in that band)
   belongs to the first column of the merge.  A band that holds several items (no rulings between rows, or
   none at all) is cut again around its item anchors (a line with a bill code, or a 序号 with a unit or a
   number): per column, the text lines between two anchors are split so that every item's lines sit
   around its anchor as the page aligns them — centred, top- or bottom-aligned, whichever fits the page
   best — and page furniture (本页小计 / 合计 / 注 / 第N页) and section lines are rows of their own.
5. **Cell text.**  Lines of one cell are joined with a line break, except a line that runs to the right
   edge of its column and is continued below (a soft wrap), which is joined without one.

A page that begins with lines belonging to no anchor (the rest of an item broken over the page) has them
added to the last item of the previous page.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, NamedTuple, Optional, Sequence

from ..match.normalize import header_key
from .cells import is_bill_code, seq_text, to_number
from .headers import _EXACT, AMOUNT, CODE, FEATURES, IGNORE, NAME, PRICE, QTY, SEQ, UNIT, role_of

_INF = float("inf")


class Frag(NamedTuple):
    """A run of text on one baseline: its box (points, y down from the top of the page) and font size."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float
    space_after: float = 0.0  # width of the space glyphs the run ended with (a line broken at a space)


@dataclass
class PageData:
    """What one page holds, as extracted in a worker process (picklable, no PDF objects in it)."""

    number: int  # 1-based
    width: float = 0.0
    height: float = 0.0
    frags: list = field(default_factory=list)  # Frag tuples
    hrules: list = field(default_factory=list)  # (y, x0, x1)
    vrules: list = field(default_factory=list)  # (x, top, bottom)
    chars: int = 0  # glyphs with text
    cid: int = 0  # glyphs printed as (cid:N): a font without a Unicode map
    scanned: bool = False  # no text layer, but an image covers much of the page
    ocr: bool = False  # the text came from OCR
    scan_dpi: float = 0.0  # resolution of the page's largest image (a scan), in dots per inch
    error: str = ""  # why this page could not be read (one line)
    confidence: dict = field(default_factory=dict)  # OCR: each fragment's boxes, as (box id, confidence 0–1)


# ------------------------------------------------------------------------------------------------------------
# glyphs → fragments, rulings


def merge_rulings(segments: Iterable[tuple[float, float, float]], tol: float = 1.0,
                  join: float = 2.0) -> list[tuple[float, float, float]]:
    """Collinear segments (position, start, end) merged: same position within ``tol``, overlapping or
    touching (gap ≤ ``join``)."""
    ordered = sorted(segments)
    out: list[list[float]] = []
    for pos, a, b in ordered:
        if a > b:
            a, b = b, a
        placed = False
        for seg in reversed(out[-8:]):
            if abs(seg[0] - pos) <= tol and a <= seg[2] + join and b >= seg[1] - join:
                seg[1], seg[2] = min(seg[1], a), max(seg[2], b)
                placed = True
                break
        if not placed:
            out.append([pos, a, b])
    return [(p, a, b) for p, a, b in out]


class _VIndex:
    """Vertical rulings sorted by x, for 'is there a ruling between x0 and x1 at height y?'."""

    def __init__(self, vrules: Sequence[tuple[float, float, float]]):
        self.rules = sorted(vrules)
        self.xs = [r[0] for r in self.rules]

    def between(self, x0: float, x1: float, y: float) -> bool:
        i = bisect_left(self.xs, x0)
        while i < len(self.xs) and self.xs[i] <= x1:
            _, top, bottom = self.rules[i]
            if top - 1 <= y <= bottom + 1:
                return True
            i += 1
        return False


def build_fragments(glyphs: Iterable[tuple[float, float, float, float, str, float]],
                    vrules: Sequence[tuple[float, float, float]] = ()) -> list[Frag]:
    """Glyph boxes (x0, x1, top, bottom, text, size) → text runs cut at gaps and at vertical rulings."""
    items = sorted(((g[2] + g[3]) / 2, g) for g in glyphs if g[4])
    vindex = _VIndex(vrules)
    frags: list[Frag] = []
    row: list = []
    row_y = 0.0
    for yc, g in items:
        if row and abs(yc - row_y) > 0.3 * max(g[5], 1.0):
            _cut_row(row, vindex, frags)
            row = []
        if not row:
            row_y = yc
        row.append(g)
    if row:
        _cut_row(row, vindex, frags)
    return frags


def _cut_row(row: list, vindex: _VIndex, out: list[Frag]) -> None:
    row.sort(key=lambda g: g[0])
    run: list = []
    for g in row:
        if run:
            prev = run[-1]
            size = max(prev[5], g[5], 1.0)
            gap = g[0] - prev[1]
            y = (g[2] + g[3]) / 2
            if gap > 0.2 * size or (gap > -0.5 * size and vindex.between(prev[1] - 0.6, g[0] + 0.6, y)) \
                    or g[0] < prev[0] - 0.5 * size:
                _emit(run, out)
                run = []
        run.append(g)
    if run:
        _emit(run, out)


def _emit(run: list, out: list[Frag]) -> None:
    text = "".join(g[4] for g in run)
    stripped = text.strip()
    if not stripped:
        return
    # drop leading/trailing blank glyphs from the box
    glyphs = [g for g in run if g[4].strip()]
    out.append(Frag(min(g[0] for g in glyphs), max(g[1] for g in glyphs), min(g[2] for g in glyphs),
                    max(g[3] for g in glyphs), stripped, max(g[5] for g in glyphs),
                    max(g[1] for g in run) - max(g[1] for g in glyphs) if text[-1:].isspace() else 0.0))


# ------------------------------------------------------------------------------------------------------------
# columns


@dataclass
class Columns:
    """A table's columns on the page: interior boundaries (x), which of them are rulings, labels and roles."""

    bounds: list[float]
    ruled: list[bool]
    labels: list[str]
    roles: dict[str, int]
    left: float
    right: float

    def index(self, x: float) -> int:
        return bisect_right(self.bounds, x)

    @property
    def count(self) -> int:
        return len(self.labels)


_GROUP_KEYS = {header_key(w) for w in ("金额", "金额(元)", "金额（元）", "其中", "数量", "暂估", "确认", "暂估(元)",
                                      "确认(元)", "差额±(元)", "单价", "合价")}


def _exact_header(text: str) -> bool:
    key = header_key(text)
    return key in _EXACT or key in _GROUP_KEYS


def _header_role(text: str) -> Optional[str]:
    key = header_key(text)
    if key in _GROUP_KEYS:
        return "group"
    return role_of(text)


def _coarse_cells(frags: Sequence[Frag], vindex: _VIndex) -> list[Frag]:
    """Fragments of one line merged when closer than ~1.3 characters and not split by a ruling (header
    text printed with decorative spaces, 项 目 名 称)."""
    rows: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: ((f.top + f.bottom) / 2, f.x0)):
        yc = (f.top + f.bottom) / 2
        if rows:
            last = rows[-1][0]
            if abs(yc - (last.top + last.bottom) / 2) <= 0.3 * max(f.size, 1.0):
                rows[-1].append(f)
                continue
        rows.append([f])
    cells: list[Frag] = []
    for row in rows:
        row.sort(key=lambda f: f.x0)
        cur = row[0]
        for f in row[1:]:
            size = max(cur.size, f.size)
            if f.x0 - cur.x1 < 1.3 * size and not vindex.between(cur.x1 - 0.6, f.x0 + 0.6, (f.top + f.bottom) / 2) \
                    and not (role_of(cur.text) and role_of(f.text)):  # 项目特征描述 | 计量单位: two header cells
                gap_text = " " if f.x0 - cur.x1 > 0.3 * size else ""
                cur = Frag(cur.x0, max(cur.x1, f.x1), min(cur.top, f.top), max(cur.bottom, f.bottom),
                           cur.text + gap_text + f.text, size)
            else:
                cells.append(cur)
                cur = f
        cells.append(cur)
    return cells


@dataclass
class _Header:
    top: float
    bottom: float  # where the body starts
    cells: list[Frag]


def find_headers(cells: Sequence[Frag], hrules: Sequence[tuple[float, float, float]]) -> list[_Header]:
    """Header bands of the page, top to bottom."""
    code_tops = sorted(c.top for c in cells if is_bill_code(c.text.replace(" ", "")))
    candidates = [(c, _header_role(c.text)) for c in cells
                  if not c.text[:1].isdigit() and len(header_key(c.text)) <= 16]
    candidates = [(c, r) for c, r in candidates if r is not None]
    # a title such as 材料设备参考品牌 names a role only by a word inside it: alone on its line, it is no header cell
    candidates = [(c, r) for c, r in candidates if _exact_header(c.text) or len(header_key(c.text)) <= 4
                  or any(d is not c and abs((d.top + d.bottom) - (c.top + c.bottom)) < c.size for d, _ in candidates)]
    candidates.sort(key=lambda cr: cr[0].top)
    groups: list[list[tuple[Frag, str]]] = []
    bottom = -_INF
    for c, r in candidates:
        i = bisect_right(code_tops, c.bottom)
        if groups and c.top <= bottom + 1.6 * c.size and not (i and code_tops[i - 1] > groups[-1][0][0].top):
            groups[-1].append((c, r))
            bottom = max(bottom, c.bottom)
        else:
            groups.append([(c, r)])
            bottom = c.bottom
    headers: list[_Header] = []
    for group in groups:
        roles = {r for _, r in group}
        if NAME not in roles or len(roles - {NAME, IGNORE, "group"}) < 2:
            continue
        top = min(c.top for c, _ in group)
        bot = max(c.bottom for c, _ in group)
        band = [c for c in cells if top - 0.5 <= (c.top + c.bottom) / 2 <= bot + 0.5]
        if any(is_bill_code(c.text.replace(" ", "")) for c in band):
            continue
        size = max(c.size for c, _ in group)
        below = [y for y, a, b in hrules if bot - 1 <= y <= bot + 2.5 * size]
        body_top = min(below) if below else bot + 0.2 * size
        headers.append(_Header(top, body_top, band))
    return headers


def build_columns(header: _Header, body: Sequence[Frag], vrules: Sequence[tuple[float, float, float]],
                  body_bottom: float) -> Optional[Columns]:
    """Columns under a header band: one per stack of leaf header cells; boundaries from rulings or gaps."""
    cells = header.cells
    leaves = []
    for c in cells:
        if header_key(c.text) in _GROUP_KEYS and any(
                d is not c and d.top >= c.bottom - 0.3 * c.size and d.x0 < c.x1 and d.x1 > c.x0 for d in cells):
            continue  # 金额（元） over 综合单价 / 合价: groups the columns below it
        leaves.append(c)
    if len(leaves) < 3:
        return None
    leaves.sort(key=lambda c: c.x0)
    clusters: list[list[Frag]] = []
    for c in leaves:
        for cl in clusters:
            x0, x1 = min(d.x0 for d in cl), max(d.x1 for d in cl)
            overlap = min(x1, c.x1) - max(x0, c.x0)
            if overlap > 0.4 * min(x1 - x0, c.x1 - c.x0) or x0 <= (c.x0 + c.x1) / 2 <= x1 or \
                    c.x0 <= (x0 + x1) / 2 <= c.x1:
                cl.append(c)
                break
        else:
            clusters.append([c])
    clusters.sort(key=lambda cl: min(d.x0 for d in cl))
    text_body = [f for f in body if not _FURNITURE_RE.match(f.text.replace(" ", "")) and not _META_RE.search(f.text)]
    body_v = [v for v in vrules if v[2] > header.top and v[1] < body_bottom and v[2] - v[1] > 8]
    vxs = sorted({round(v[0], 1) for v in body_v})
    bounds: list[float] = []
    ruled: list[bool] = []
    labels = ["".join(d.text for d in sorted(clusters[0], key=lambda d: d.top))]
    for left, right in zip(clusters, clusters[1:]):
        r_edge = max(d.x1 for d in left)
        l_edge = min(d.x0 for d in right)
        lo, hi = min(r_edge, l_edge), max(r_edge, l_edge)
        inside = _dedupe([x for x in vxs if lo - 0.5 <= x <= hi + 0.5], 4.0)
        if inside:
            for i, x in enumerate(inside):
                bounds.append(x)
                ruled.append(True)
                if i:
                    labels.append("")  # a ruled column without a header of its own
        else:
            # text that spans both columns (a merged 本页小计 or 注 row, a section name) says nothing of the gap
            lc = sum((d.x0 + d.x1) / 2 for d in left) / len(left)
            rc = sum((d.x0 + d.x1) / 2 for d in right) / len(right)
            inside_text = [f for f in text_body if not (f.x0 <= lc and f.x1 >= rc)]
            bounds.append(_gap_in(inside_text, lo, hi))
            ruled.append(False)
        labels.append("".join(d.text for d in sorted(right, key=lambda d: d.top)))
    roles: dict[str, int] = {}
    for i, label in enumerate(labels):
        role = role_of(label) if label else None
        if role and role != IGNORE and role not in roles:
            roles[role] = i
    left = min(min(c.x0 for c in leaves), min((x for x in vxs), default=_INF))
    right = max(max(c.x1 for c in leaves), max((x for x in vxs), default=-_INF))
    return Columns(bounds, ruled, labels, roles, left, right)


def _dedupe(xs: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > tol:
            out.append(x)
    return out


def _gap_in(body: Sequence[Frag], lo: float, hi: float) -> float:
    """The middle of the widest stretch of [lo, hi] no body text covers (else of the least covered one)."""
    if hi - lo < 0.5:
        return (lo + hi) / 2
    events: list[tuple[float, int]] = []
    for f in body:
        if f.x1 <= lo or f.x0 >= hi:
            continue
        events.append((max(f.x0, lo), 1))
        events.append((min(f.x1, hi), -1))
    if not events:
        return (lo + hi) / 2
    events.sort()
    depth, x = 0, lo
    candidates = []
    for pos, delta in events:
        if pos > x:
            candidates.append((depth, x, pos))
        depth += delta
        x = max(x, pos)
    if x < hi:
        candidates.append((depth, x, hi))
    if not candidates:
        return (lo + hi) / 2
    best_depth = min(d for d, _, _ in candidates)
    a, b = max(((a, b) for d, a, b in candidates if d == best_depth), key=lambda ab: ab[1] - ab[0])
    return (a + b) / 2


# ------------------------------------------------------------------------------------------------------------
# rows

_FURNITURE_RE = re.compile(r"^(本页小计|本页合计|本表合计|合计|小计|总计|注[:：]|注$|表[-－]\d|备注[:：])")
_META_RE = re.compile(r"(^工程名称|^标段|第\s*\d+\s*页|共\s*\d+\s*页|^(招标|投标|编制|复核|审核)(人|单位)?[:：])")
_SECTION_RE = re.compile(r"^([A-Z]([.．]\d+)*\s*[\u4e00-\u9fff]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[)）]"
                         r"|第[一二三四五六七八九十\d]+[章节部]|分部分项工程|单价措施项目|措施项目)")
_SECTION_END_RE = re.compile(r"(工程|措施项目|措施费|分部)$")
_TITLE_END_RE = re.compile(r"(计价表|清单|一览表|汇总表|分析表|明细表|价格表|品牌表|主材表)(\(表-?\d+(-\d+)?\))?$")
_NUMBERED_RE = re.compile(r"^(\d{1,2}[.．](?!\d)|\d{1,2}[、)）]|[（(]\d{1,2}[)）])")  # 2.墙体…, 3、, not 1.5mm


@dataclass
class Row:
    kind: str  # "text" (title/meta above a table), "header", "item", "sep", "cont"
    cells: list[str]
    frags: tuple = ()  # the fragments the row's body cells were made of (OCR confidence follows them)


class _Line(NamedTuple):
    top: float
    bottom: float
    yc: float
    frags: tuple


def _lines(frags: Sequence[Frag]) -> list[_Line]:
    """Fragments of one column grouped into text lines, top to bottom."""
    out: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: ((f.top + f.bottom) / 2, f.x0)):
        yc = (f.top + f.bottom) / 2
        if out:
            cur = out[-1]
            cy = sum((g.top + g.bottom) / 2 for g in cur) / len(cur)
            if abs(yc - cy) <= 0.45 * max(f.size, 1.0):
                cur.append(f)
                continue
        out.append([f])
    lines = []
    for group in out:
        top = min(f.top for f in group)
        bottom = max(f.bottom for f in group)
        lines.append(_Line(top, bottom, (top + bottom) / 2, tuple(sorted(group, key=lambda f: f.x0))))
    return lines


def _line_text(line: _Line) -> str:
    parts: list[str] = []
    prev: Optional[Frag] = None
    for f in line.frags:
        if prev is not None and f.x0 - prev.x1 > 0.15 * max(f.size, prev.size):
            parts.append(" ")
        parts.append(f.text)
        prev = f
    return "".join(parts)


_OPENING = "（(“‘《【[〔"


@lru_cache(maxsize=4096)
def _em(ch: str) -> float:
    """A character's width in font sizes, roughly: Chinese and full-width 1, Latin about half, and the signs a
    Chinese font may print either way (×, ·, Φ) in between."""
    kind = unicodedata.east_asian_width(ch)
    return 1.0 if kind in "WF" else 0.8 if kind == "A" else 0.55


def _first_unit(text: str) -> str:
    """What a line cannot be broken inside at its start: opening brackets with what follows them, and a run of
    Latin letters, digits and signs (HRB400, Φ10, ７.5, 1.5mm), else one Chinese character."""
    i = 0
    while i < len(text) and text[i] in _OPENING:
        i += 1
    j = i
    while j < len(text) and not text[j].isspace() and (_em(text[j]) < 1 or "\uff10" <= text[j] <= "\uff5a"
                                                       or text[j] in "．·"):
        j += 1
    if j == i and j < len(text):
        j += 1
    return text[:j]


def _soft_wrap(prev: _Line, line: _Line, text: str, right_edge: float) -> bool:
    """True when a line was broken only because the next word did not fit: the next line's first unbreakable
    unit (measured with the next line's own glyph widths) would have run past the column's right edge."""
    if _NUMBERED_RE.match(text):
        return False  # 2.墙体类型… starts a clause of its own
    size = max(f.size for f in prev.frags)
    first = _first_unit(text) or "x"
    head = line.frags[0]
    units = sum(_em(ch) for ch in head.text) or 1.0
    per_unit = (head.x1 - head.x0) / units if head.x1 > head.x0 else size
    width = sum(_em(ch) for ch in first) * per_unit
    last = prev.frags[-1].text[-1:]
    if prev.frags[-1].space_after:
        width += prev.frags[-1].space_after  # the line was broken at a space, printed at its end
    elif last.isascii() and last.isalnum() and first[:1].isascii() and first[:1].isalnum():
        width += 0.3 * size  # the space the wrap replaced
    return max(f.x1 for f in prev.frags) + width > right_edge - 0.6 * size  # cell padding is unknown: ≤ 0.6 em


def _cell_text(frags: Sequence[Frag], right_edge: float) -> str:
    """The text of one cell: its lines joined by line breaks, soft wraps joined without one."""
    lines = _lines(frags)
    if not lines:
        return ""
    out = _line_text(lines[0])
    for prev, line in zip(lines, lines[1:]):
        text = _line_text(line)
        if _soft_wrap(prev, line, text, right_edge):
            ascii_words = out[-1:].isascii() and out[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum()
            joint = " " if ascii_words or prev.frags[-1].space_after > 0 else ""
        else:
            joint = "\n"
        out += joint + text
    return out


@dataclass
class _Anchor:
    yc: float
    top: float
    bottom: float


class _Split:
    """A band holding several items: per column, its lines split among the anchors (solved per mode)."""

    def __init__(self, by_col: dict[int, list[_Line]], anchors: list[_Anchor], size: float, lead_orphans: bool):
        self.by_col, self.anchors, self.size = by_col, anchors, size
        self.lead_orphans = lead_orphans
        self.solutions: dict[str, tuple[float, dict[int, list[int]]]] = {}

    def solve(self, mode: str) -> float:
        cost = 0.0
        cuts: dict[int, list[int]] = {}
        for col, lines in self.by_col.items():
            c, s = _partition(lines, self.anchors, mode, self.size, self.lead_orphans)
            cost += c
            cuts[col] = s
        self.solutions[mode] = (cost, cuts)
        return cost

    def groups(self, mode: str) -> tuple[dict[int, list[_Line]], list[dict[int, list[_Line]]]]:
        """(leading orphan lines per column, lines per column for each anchor)."""
        _, cuts = self.solutions[mode]
        lead: dict[int, list[_Line]] = {}
        per: list[dict[int, list[_Line]]] = [{} for _ in self.anchors]
        for col, lines in self.by_col.items():
            s = cuts[col]
            if s[0]:
                lead[col] = lines[:s[0]]
            for j in range(len(self.anchors)):
                chunk = lines[s[j]:s[j + 1]]
                if chunk:
                    per[j][col] = chunk
        return lead, per


def _partition(lines: list[_Line], anchors: list[_Anchor], mode: str, size: float,
               lead_orphans: bool) -> tuple[float, list[int]]:
    """Split ``lines`` (top to bottom) into one run per anchor: cut points s[0] … s[k] (s[0] = lines left
    to the page before, s[k] = len(lines)).  Minimises how far each run sits from where ``mode`` says its
    anchor's text sits (centred on it, starting at its top, or ending at its bottom)."""
    n, k = len(lines), len(anchors)
    tol = 0.3 * size
    ycs = [ln.yc for ln in lines]

    def cost(j: int, a: int, b: int) -> float:
        if b <= a:
            return 0.0
        anchor = anchors[j]
        if mode == "top":
            return abs(lines[a].top - anchor.top)
        if mode == "bottom":
            return abs(lines[b - 1].bottom - anchor.bottom)
        return abs((lines[a].top + lines[b - 1].bottom) / 2 - anchor.yc)

    # allowed cut positions: cut j (between anchor j-1 and j) lies among the lines between them
    ranges: list[tuple[int, int]] = []
    first_lo = bisect_left(ycs, anchors[0].yc - tol)
    ranges.append((0, first_lo if lead_orphans else 0))
    for j in range(1, k):
        lo = bisect_right(ycs, anchors[j - 1].yc + tol)
        hi = bisect_left(ycs, anchors[j].yc - tol)
        if lo > hi:
            lo, hi = hi, lo
        ranges.append((lo, hi))
    orphan_cost = 0.25 * size
    prev = {s: orphan_cost * s for s in range(ranges[0][0], ranges[0][1] + 1)}
    back: list[dict[int, int]] = [{s: -1 for s in prev}]
    for j in range(1, k):
        lo, hi = ranges[j]
        lo = max(lo, min(prev))
        cur: dict[int, float] = {}
        bk: dict[int, int] = {}
        for s in range(lo, max(hi, lo) + 1):
            best, arg = _INF, -1
            for p, pc in prev.items():
                if p > s:
                    continue
                c = pc + cost(j - 1, p, s)
                if c < best:
                    best, arg = c, p
            if arg >= 0:
                cur[s], bk[s] = best, arg
        prev = cur
        back.append(bk)
    best, arg = _INF, -1
    for p, pc in prev.items():
        c = pc + cost(k - 1, p, n)
        if c < best:
            best, arg = c, p
    cuts = [n]
    s = arg
    for j in range(k - 1, -1, -1):
        cuts.append(s)
        s = back[j][s]
    cuts.reverse()
    return best, cuts


class PageLayout:
    """One page's rows, given the columns in force when the page starts (``None``: none yet)."""

    def __init__(self, page: PageData, columns: Optional[Columns]):
        self.page = page
        self.columns_in = columns
        self.vindex = _VIndex(page.vrules)
        self.rows: list[object] = []  # Row or (_Split, Columns, row builder args)
        self.splits: list[_Split] = []
        self.columns_out = columns
        self.col_right: dict[int, float] = {}
        self.body_started = False  # a body row was emitted on this page (leading orphans are only at the top)
        self._ruled_cache: dict = {}

    # -- driver -------------------------------------------------------------------------------------------
    def run(self) -> list[Row]:
        page = self.page
        frags = page.frags
        if not frags:
            return []
        cells = _coarse_cells(frags, self.vindex)
        headers = find_headers(cells, page.hrules)
        regions: list[tuple[float, float, Optional[Columns], Optional[_Header]]] = []
        y = -_INF
        columns = self.columns_in
        for i, header in enumerate(headers):
            end = headers[i + 1].top if i + 1 < len(headers) else _INF
            body = [f for f in frags if header.bottom <= (f.top + f.bottom) / 2 < end]
            cols = build_columns(header, body, page.vrules, min(end, page.height or _INF))
            if cols is None:
                continue
            regions.append((y, header.top, columns, None))
            regions.append((header.top, end, cols, header))
            columns = cols
            y = end
        if not regions:
            regions.append((-_INF, _INF, columns, None))
        elif y < _INF:
            regions.append((y, _INF, columns, None))
        self.columns_out = columns
        for top, bottom, cols, header in regions:
            region = [f for f in frags if top <= (f.top + f.bottom) / 2 < bottom]
            if not region:
                continue
            if header is not None:
                self.rows.append(Row("header", list(cols.labels)))
                body = [f for f in region if (f.top + f.bottom) / 2 >= header.bottom]
                self._body(body, cols, header.bottom, bottom)
            elif cols is not None and top > -_INF:
                # text between tables, or after the last table of the page: titles, notes, furniture
                self._body(region, cols, top, bottom)
            elif cols is not None and not headers:
                self._body(region, cols, -_INF, _INF)
            else:
                self._text_rows(region, cols)
        return self._finish()

    def _finish(self) -> list[Row]:
        mode = "centre"
        if self.splits:
            totals = {mode: sum(s.solve(mode) for s in self.splits) for mode in ("centre", "top", "bottom")}
            mode = "centre"
            for other in ("top", "bottom"):
                if totals[other] < totals[mode] * 0.7 - 0.5:
                    mode = other
        rows: list[Row] = []
        for entry in self.rows:
            if isinstance(entry, Row):
                rows.append(entry)
            else:
                split, cols = entry
                lead, per = split.groups(mode)
                if lead:
                    rows.append(self._make_row("cont", lead, cols))
                for groups in per:
                    rows.append(self._make_row("item", groups, cols))
        return rows

    # -- rows -------------------------------------------------------------------------------------------
    def _text_rows(self, frags: Sequence[Frag], cols: Optional[Columns]) -> None:
        """Title / meta lines above a table: one row per line, cells in column order."""
        cells = _coarse_cells(frags, self.vindex)
        for line in _lines(cells):
            if cols is None:
                texts = [f.text for f in line.frags]
            else:
                texts = [""] * cols.count
                for f in line.frags:
                    c = min(cols.index(f.x0 + 0.5 * f.size), cols.count - 1)
                    texts[c] = (texts[c] + " " + f.text).strip()
            self.rows.append(Row("text", texts))

    def _body(self, frags: list[Frag], cols: Columns, top: float, bottom: float) -> None:
        width = max(cols.right - cols.left, 1.0)
        ys = []
        for y, x0, x1 in self.page.hrules:
            if top - 0.5 <= y <= bottom + 0.5 and min(x1, cols.right) - max(x0, cols.left) >= 0.5 * width:
                ys.append(y)
        rules = _dedupe(ys, 1.0)
        edges = [top] + rules + [bottom]
        closed = set(rules)
        if any(abs(top - y) <= 1.0 for y, _, _ in self.page.hrules):
            closed.add(top)
        for c in range(cols.count):
            self.col_right.setdefault(c, -_INF)
        for f in frags:  # where text stops on the right in each column (text running on into the next excepted)
            c = self._column(f, cols)
            if f.x1 > self.col_right.get(c, -_INF) and (c >= len(cols.bounds) or f.x1 <= cols.bounds[c] + 0.5):
                self.col_right[c] = f.x1
        bands: list[list[Frag]] = [[] for _ in range(len(edges) - 1)]
        band_ys = edges[1:-1]
        for f in frags:
            bands[bisect_right(band_ys, (f.top + f.bottom) / 2)].append(f)
        for i, band in enumerate(bands):
            if not band:
                continue
            by_col: dict[int, list[Frag]] = {}
            for f in band:
                by_col.setdefault(self._column(f, cols), []).append(f)
            self._band(by_col, cols, edges[i] in closed and edges[i + 1] in closed)
            self.body_started = True

    def _column(self, f: Frag, cols: Columns) -> int:
        """The column a fragment is printed in: where it starts (text overflowing to the right stays in its
        cell); in a merged cell (no ruling between this column and the one left of it here) the first
        column of the merge."""
        x = min((f.x0 + f.x1) / 2, f.x0 + 0.6 * f.size)
        c = cols.index(x)
        ym = (f.top + f.bottom) / 2
        if c > 0 and cols.ruled[c - 1] and self._ruled_at(cols, ym):
            while c > 0 and cols.ruled[c - 1] and not self.vindex.between(cols.bounds[c - 1] - 1.5,
                                                                          cols.bounds[c - 1] + 1.5, ym):
                c -= 1
        return c

    def _ruled_at(self, cols: Columns, y: float) -> bool:
        """Whether any column ruling crosses height y (a row printed without borders has no merged cells)."""
        key = (id(cols), round(y * 2))
        found = self._ruled_cache.get(key)
        if found is None:
            found = any(r and self.vindex.between(b - 1.5, b + 1.5, y) for b, r in zip(cols.bounds, cols.ruled))
            self._ruled_cache[key] = found
        return found

    def _band(self, by_col: dict[int, list[Frag]], cols: Columns, closed: bool) -> None:
        """One band of the body; ``closed``: ruled above and below (a cell row of its own)."""
        roles = cols.roles
        size = _median([f.size for fs in by_col.values() for f in fs])
        lines = {c: _lines(fs) for c, fs in by_col.items()}
        anchors = self._anchors(lines, roles, size)
        seps = self._separators(by_col, cols, anchors, size)
        one_sep_only = len(seps) == 1 and not _outside(by_col, seps)
        if (not seps and len(anchors) <= 1) or (not anchors and (closed or one_sep_only)):
            kind = "item" if anchors else ("sep" if seps else "cont")
            self.rows.append(self._make_row(kind, lines, cols))
            return
        # cut the band at separator lines; each piece is split among its anchors
        cuts = sorted(seps)
        pieces: list[tuple[float, float]] = []
        y = -_INF
        for sy0, sy1 in cuts:
            pieces.append((y, sy0))
            pieces.append((sy0, sy1))
            y = sy1
        pieces.append((y, _INF))
        sep_set = set(cuts)
        for p0, p1 in pieces:
            is_sep = (p0, p1) in sep_set
            part: dict[int, list[_Line]] = {}
            for c, ls in lines.items():
                chosen = [ln for ln in ls if p0 <= ln.yc <= p1] if is_sep else [ln for ln in ls if p0 < ln.yc < p1]
                if chosen:
                    part[c] = chosen
            if not part:
                continue
            if is_sep:
                self.rows.append(self._make_row("sep", part, cols))
                continue
            inside = [a for a in anchors if p0 < a.yc < p1]
            if not inside:
                self.rows.append(self._make_row("cont", part, cols))
                continue
            if len(inside) == 1:
                self.rows.append(self._make_row("item", part, cols))
                continue
            split = _Split(part, inside, size, lead_orphans=not self.body_started and p0 == -_INF)
            self.splits.append(split)
            self.rows.append((split, cols))

    def _anchors(self, lines: dict[int, list[_Line]], roles: dict[str, int], size: float) -> list[_Anchor]:
        found: list[_Anchor] = []
        code_col, seq_col = roles.get(CODE, -1), roles.get(SEQ, -1)
        value_cols = [roles[r] for r in (UNIT, QTY, PRICE, AMOUNT) if r in roles]
        for ln in lines.get(code_col, ()):
            if any(is_bill_code(f.text.replace(" ", "")) for f in ln.frags):
                found.append(_Anchor(ln.yc, ln.top, ln.bottom))
        if seq_col >= 0:
            for ln in lines.get(seq_col, ()):
                if not seq_text(_line_text(ln)):
                    continue
                if any(any(abs(o.yc - ln.yc) <= 0.6 * size for o in lines.get(c, ())) for c in value_cols):
                    found.append(_Anchor(ln.yc, ln.top, ln.bottom))
        if code_col < 0 and seq_col < 0 and UNIT in roles and (QTY in roles or AMOUNT in roles):
            num_col = roles.get(QTY, roles.get(AMOUNT))
            for ln in lines.get(roles[UNIT], ()):
                if any(abs(o.yc - ln.yc) <= 0.6 * size and to_number(_line_text(o)) is not None
                       for o in lines.get(num_col, ())):
                    found.append(_Anchor(ln.yc, ln.top, ln.bottom))
        found.sort(key=lambda a: a.yc)
        merged: list[_Anchor] = []
        for a in found:
            if merged and a.yc - merged[-1].yc < 0.6 * size:
                continue
            merged.append(a)
        return merged

    def _separators(self, by_col: dict[int, list[Frag]], cols: Columns, anchors: list[_Anchor],
                    size: float) -> list[tuple[float, float]]:
        """Lines that are rows of their own: 本页小计 / 合计 / 注, 第N页, titles and section headings."""
        roles = cols.roles
        features_col = roles.get(FEATURES, 10**6)
        name_col = roles.get(NAME, 10**6)
        value_cols = {roles[r] for r in (UNIT, QTY, PRICE, AMOUNT) if r in roles}
        code_col = roles.get(CODE, -1)
        allfr = sorted(((c, f) for c, fs in by_col.items() for f in fs),
                       key=lambda cf: ((cf[1].top + cf[1].bottom) / 2, cf[1].x0))
        glines: list[list[tuple[int, Frag]]] = []
        for c, f in allfr:
            yc = (f.top + f.bottom) / 2
            if glines:
                g = glines[-1]
                gy = (g[0][1].top + g[0][1].bottom) / 2
                if abs(yc - gy) <= 0.45 * max(f.size, 1.0):
                    g.append((c, f))
                    continue
            glines.append([(c, f)])
        seps: list[tuple[float, float]] = []
        for g in glines:
            top = min(f.top for _, f in g)
            bottom = max(f.bottom for _, f in g)
            yc = (top + bottom) / 2
            if any(abs(a.yc - yc) < 0.6 * size for a in anchors):
                continue
            g.sort(key=lambda cf: cf[1].x0)
            first_col, first = g[0]
            text = re.sub(r"\s+", "", " ".join(f.text for _, f in g))
            head = first.text.replace(" ", "").replace("\u3000", "")
            is_sep = False
            if _META_RE.search(text):
                is_sep = True
            elif first_col < features_col and _FURNITURE_RE.match(head):
                is_sep = True
            elif len(g) == 1 and _TITLE_END_RE.search(text) and (
                    first_col < features_col or first.size > 1.15 * size or
                    (first_col < len(cols.bounds) and first.x1 > cols.bounds[first_col] + first.size)):
                is_sep = True  # a title: left of the 项目特征 column, bigger, or across columns
            elif first_col <= name_col and first_col < features_col and _SECTION_RE.match(head) and \
                    not any(c in value_cols or c == code_col for c, _ in g):
                is_sep = True
            elif first_col <= name_col and first_col < features_col and len(g) == 1 and len(head) >= 3 and \
                    _SECTION_END_RE.search(head):
                is_sep = True  # 电气工程, 给排水工程: a section named without a letter, alone on its line
            if is_sep:
                seps.append((top - 0.01, bottom + 0.01))
        return seps

    def _make_row(self, kind: str, lines: dict[int, list], cols: Columns) -> Row:
        cells = [""] * cols.count
        used: list[Frag] = []
        for c, ls in lines.items():
            if not ls:
                continue
            frags = [f for ln in ls for f in (ln.frags if isinstance(ln, _Line) else (ln,))]
            c = min(max(c, 0), cols.count - 1)
            if c < len(cols.bounds) and cols.ruled[c]:
                right = cols.bounds[c]  # the ruling: text wraps a padding before it
            else:
                right = self.col_right.get(c, -_INF)
                if right == -_INF:
                    right = cols.bounds[c] if c < len(cols.bounds) else _INF
            text = _cell_text(frags, right)
            cells[c] = (cells[c] + "\n" + text) if cells[c] else text
            used.extend(frags)
        return Row(kind, cells, tuple(used))


def _outside(by_col: dict[int, list[Frag]], seps: list[tuple[float, float]]) -> bool:
    """True when the band holds text besides its one separator line."""
    for fs in by_col.values():
        for f in fs:
            yc = (f.top + f.bottom) / 2
            if not any(a - 0.01 <= yc <= b + 0.01 for a, b in seps):
                return True
    return False


def _median(values: list[float]) -> float:
    if not values:
        return 8.0
    values = sorted(values)
    return values[len(values) // 2]


def layout_pages(pages: Sequence[PageData],
                 row_frags: Optional[list] = None) -> tuple[list[list[str]], list[int]]:
    """Rows of all pages, in order, as one grid, and the page number of every row (``row_frags``: a list that
    receives, in step with the grid, the fragments each row was made of).

    A page's leading continuation row (the rest of an item broken over the page) is moved up to follow the
    previous page's last item (before that page's 本页小计 and the next page's title and header), where the
    table reader adds it to the item as it adds a sheet's spilled rows.
    """
    grid: list[list[str]] = []
    page_of: list[int] = []
    columns: Optional[Columns] = None
    last_body = -1  # grid index of the last row of the last item (its item row or a continuation of it)
    for page in pages:
        layout = PageLayout(page, columns)
        rows = layout.run()
        columns = layout.columns_out
        seen_body = False
        for row in rows:
            if row.kind == "cont" and not seen_body and last_body >= 0 and columns is not None and \
                    _continues(row, columns):
                last_body += 1
                grid.insert(last_body, row.cells)
                page_of.insert(last_body, page_of[last_body - 1])
                if row_frags is not None:
                    row_frags.insert(last_body, row.frags)
                seen_body = True
                continue
            if row.kind in ("item", "cont", "sep"):
                seen_body = True
            grid.append(row.cells)
            page_of.append(page.number)
            if row_frags is not None:
                row_frags.append(row.frags)
            if row.kind == "item" or (row.kind == "cont" and last_body == len(grid) - 2):
                last_body = len(grid) - 1
    return grid, page_of


def _continues(row: Row, columns: Columns) -> bool:
    """A row with only 项目特征 (and maybe 项目名称) text: the rest of the previous page's last item."""
    features = columns.roles.get(FEATURES)
    if features is None or features >= len(row.cells) or not row.cells[features]:
        return False
    allowed = {features, columns.roles.get(NAME)}
    return all(not text for c, text in enumerate(row.cells) if c not in allowed)
