"""OCR of scanned PDF pages and bill images: the text boxes a recogniser finds, laid out like a PDF's glyphs.

Engines:

- ``rapidocr`` (default, installed with the project): RapidOCR runs PaddleOCR's Chinese PP-OCRv4 detection and
  recognition models, shipped inside its wheel, on onnxruntime — offline, no system package.
- ``tesseract`` (optional, ``--ocr-engine tesseract``): the ``tesseract`` command with Chinese data (Debian
  ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``); no Python binding is needed.

One page image goes through the same steps whatever its engine:

1. a PDF page is rendered at ``DPI`` with pypdfium2 (a bill image is used as it is);
2. the engine finds text boxes, each with its text and recognition confidence;
3. ``rapidocr``: a page photographed or scanned askew is straightened (the median slope of long text boxes);
4. the table's ruling lines are found in the pixels (long runs of dark pixels) and the cells they enclose;
5. ``rapidocr``: a ruled cell with ink but no text box (detection misses a lone glyph: a 序号 ``1``, a ``套``)
   is read by the recogniser alone;
6. the boxes become glyphs in points and go through the PDF layout (``pdf_layout``: rows and columns from
   geometry), carrying their confidence, so that every item gets the mean confidence of its boxes.

OCR text can be wrong: every report says which pages were read by OCR and that they must be checked against
the paper.
"""
from __future__ import annotations

import functools
import math
import os
import re
import shutil
import subprocess
import sys
from typing import NamedTuple, Optional, Sequence

from .pdf_layout import PageData, build_fragments, merge_rulings

ENGINES = ("rapidocr", "tesseract")
DEFAULT_ENGINE = "rapidocr"
DPI = {"rapidocr": 200, "tesseract": 300}  # render resolution: RapidOCR scales a page to 2000 px at most (≈ 170 dpi
# on A4), so finer costs time only; tesseract reads 300 dpi best
MAX_SIDE = {"rapidocr": 2600, "tesseract": 3600}  # longer side of a page image, in pixels: larger ones are scaled
# down (RapidOCR detects on 2000 px at most; tesseract wants 300 dpi, A4 is 3508 px)
FONT_SHARE = {"rapidocr": 1.1, "tesseract": 1.0}  # font size / box height: RapidOCR's boxes are fitted to their ink,
# tesseract's are its text line
TIMEOUT = 300  # seconds for one tesseract run
# measured on the 2-core development machine (scanned A4 pages of 60–110 text boxes): 4–7 s a page when it is
# quiet, 15–46 s with six other jobs running (12–16 s of CPU); 1–3 s to load the models.  The budget covers the
# busy case with room to spare: it is there to stop a runaway file, not to race a slow machine.
SECONDS_PER_PAGE = 60.0
SECONDS_TO_LOAD = 15.0
TEXT_SCORE = 0.5  # boxes recognised with less confidence are dropped (RapidOCR's own default)
BOX_THRESH = 0.4  # detection score a box needs (RapidOCR: 0.5, which misses a lone 序号 digit in a table without
# rulings; what a lower threshold adds must still be recognised with TEXT_SCORE)
# gaps between the characters of one detected line, in line heights: a typed space is about 0.3–0.5, characters
# of two cells side by side stand 0.4 or more apart (the layout then decides, as it does for a PDF's glyphs)
SPACE_GAP = 0.35  # between two Latin letters or digits: a space
COLUMN_GAP = 0.4  # after a Chinese character: another cell; after a Latin letter or digit: a space
COLUMN_GAP_WIDE = 1.0  # another cell, whatever the characters
_CLOSING = "、，。：；！？）》」』】〕"  # full-width punctuation: their glyphs sit in a wide margin
_OPENING = "（《「『【〔"
SKEW_MIN_DEGREES = 0.15  # a smaller slope moves a line less than a third of a row across an A4 page
BOX_HEIGHT_POINTS = 13.0  # a text box of body text (10.5 pt) is about this tall: the scale of an image without dpi
_CHUNK = 16  # pixels averaged along a line when looking for rulings
_MIN_RUN = 5  # chunks: a ruling is at least 80 px (≈ 19 pt at 300 dpi) long
_DECIMAL_COMMA = re.compile(r"^(\d+),(\d{2})$")
_RULING_CHARS = "|｜丨│"  # a ruling line read as a character


class Box(NamedTuple):
    """A text box in pixels of the page image, with its recognition confidence (0–1)."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    confidence: float
    line: int = -1  # the detected box it comes from (a box cut at a ruling gives several): counted once


class PageText(NamedTuple):
    """What OCR found on one page image: text boxes and ruling lines, in pixels."""

    boxes: list
    hrules: list  # (y, x0, x1)
    vrules: list  # (x, top, bottom)


def ocr_budget_seconds(pages: int) -> float:
    """Seconds to allow for OCR of ``pages`` page images (model load included), with a margin for dense pages
    and a busy machine."""
    return SECONDS_TO_LOAD + SECONDS_PER_PAGE * max(0, pages) if pages > 0 else 0.0


@functools.lru_cache(maxsize=4)
def ocr_unavailable(engine: str = DEFAULT_ENGINE) -> str:
    """'' when ``engine`` can be run here, else the one-line reason it cannot."""
    if engine == "rapidocr":
        try:
            _rapidocr()
        except ImportError as exc:
            detail = str(exc).split("\n")[0]
            if ".so" in detail:  # opencv-python needs the system's libGL.so.1
                return (f"its image library cannot load ({detail}); install the system's libGL "
                        f"(Debian: libgl1) or replace opencv-python by opencv-python-headless")
            return (f"RapidOCR is not installed ({detail}); pip install 'rapidocr-onnxruntime>=1.4,<1.5' "
                    f"(Python 3.12 or older)")
        except Exception as exc:  # a broken model file or onnxruntime build: one line
            return f"RapidOCR cannot start ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})"
        return ""
    if engine == "tesseract":
        exe = shutil.which("tesseract")
        if not exe:
            return "tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
        try:
            listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"tesseract cannot be run ({type(exc).__name__})"
        if "chi_sim" not in set((listed.stdout + listed.stderr).split()):
            return "tesseract has no Chinese language data: apt-get install tesseract-ocr-chi-sim"
        return ""
    return f"unknown OCR engine {engine!r} (choose {' or '.join(ENGINES)})"


# ------------------------------------------------------------------------------------------------------------
# pages


def ocr_page(path: str, data: PageData, engine: str = DEFAULT_ENGINE, pages: int = 0) -> PageData:
    """The scanned PDF page ``data`` read by OCR (``data`` unchanged when the engine is not available);
    ``pages``: the file's page count, for the progress line."""
    if ocr_unavailable(engine):
        return data
    progress(path, data.number, pages)
    image = render(path, data.number, DPI[engine])
    read = ocr_image(image, data.number, engine, points_per_pixel=72.0 / DPI[engine])
    return PageData(data.number, read.width, read.height, read.frags, read.hrules, read.vrules, chars=read.chars,
                    cid=0, scanned=True, ocr=read.ocr, scan_dpi=data.scan_dpi, confidence=read.confidence)


def ocr_image(image, number: int, engine: str = DEFAULT_ENGINE,
              points_per_pixel: Optional[float] = None) -> PageData:
    """One page image (PIL) read by OCR, as a page of positioned text and rulings in points.
    ``points_per_pixel``: the image's scale (None: from the height of its text boxes, for a photograph)."""
    grey = image.convert("L")
    factor = MAX_SIDE[engine] / max(grey.size)
    if factor < 1:  # a phone photograph: more pixels than the engine reads, only slower
        from PIL import Image

        grey = grey.resize((max(1, round(grey.size[0] * factor)), max(1, round(grey.size[1] * factor))),
                           Image.Resampling.LANCZOS)
        points_per_pixel = points_per_pixel / factor if points_per_pixel else None
    found = _ENGINE_READERS[engine](grey)
    boxes = [b for b in found.boxes if b.text.strip() and b.bottom > b.top]
    scale = points_per_pixel or _scale_from_boxes(boxes)
    glyphs = [(b.x0 * scale, b.x1 * scale, b.top * scale, b.bottom * scale, b.text.strip(),
               FONT_SHARE[engine] * (b.bottom - b.top) * scale) for b in boxes]
    hr = merge_rulings([(y * scale, a * scale, b * scale) for y, a, b in found.hrules], tol=2.0, join=6.0)
    vr = merge_rulings([(x * scale, a * scale, b * scale) for x, a, b in found.vrules], tol=2.0, join=6.0)
    frags = build_fragments(glyphs, vr)
    width, height = grey.size
    return PageData(number, width * scale, height * scale, frags, hr, vr, chars=sum(len(g[4]) for g in glyphs),
                    cid=0, scanned=True, ocr=bool(frags), confidence=_frag_confidence(frags, glyphs, boxes))


def progress(path: str, number: int, pages: int) -> None:
    """'gbm-check: FILE: OCR page 2 of 5 …' on stderr as a page starts, when stderr is a terminal (a page takes
    seconds)."""
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            of = f" of {pages}" if pages else ""
            sys.stderr.write(f"gbm-check: {path}: OCR page {number}{of} …\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def scanned_pages(path: str) -> int:
    """How many page images of ``path`` OCR would read: the frames of an image, the pages without text of a
    PDF (a quick look with pdfium); 0 when there are none or the file cannot be opened."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
        from .sniff import image_format

        if image_format(head):
            from PIL import Image

            with Image.open(path) as image:
                return int(getattr(image, "n_frames", 1) or 1)
        if b"%PDF" not in head:
            return 0
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(path)
        try:
            count = 0
            for index in range(len(document)):
                page = document[index]
                try:
                    text = page.get_textpage()
                    count += text.count_chars() == 0
                    text.close()
                finally:
                    page.close()
            return count
        finally:
            document.close()
    except Exception:
        return 0


def render(path: str, number: int, dpi: float = DPI[DEFAULT_ENGINE]):
    """Page ``number`` (1-based) as a greyscale PIL image at ``dpi``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        page = document[number - 1]
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


def _scale_from_boxes(boxes: Sequence[Box]) -> float:
    heights = sorted(b.bottom - b.top for b in boxes)
    if not heights:
        return 72.0 / DPI[DEFAULT_ENGINE]
    return BOX_HEIGHT_POINTS / max(heights[len(heights) // 2], 1.0)


def _frag_confidence(frags, glyphs, boxes: Sequence[Box]) -> dict:
    """Each fragment's boxes as (box id, confidence): the boxes whose glyph lies inside it (a fragment joins
    the boxes of one run of text; a box cut at a ruling has one id in several fragments)."""
    from bisect import bisect_left, bisect_right

    order = sorted(range(len(glyphs)), key=lambda i: glyphs[i][2])
    tops = [glyphs[i][2] for i in order]
    out = {}
    for f in frags:
        lo, hi = bisect_left(tops, f.top - 0.01), bisect_right(tops, f.bottom + 0.01)
        found = tuple((boxes[i].line if boxes[i].line >= 0 else -1 - i, boxes[i].confidence) for i in order[lo:hi]
                      if glyphs[i][0] >= f.x0 - 0.01 and glyphs[i][1] <= f.x1 + 0.01
                      and glyphs[i][3] <= f.bottom + 0.01 and glyphs[i][4] in f.text)
        if found:
            out[f] = found
    return out


# ------------------------------------------------------------------------------------------------------------
# RapidOCR


@functools.lru_cache(maxsize=1)
def _rapidocr():
    """The RapidOCR engine, its models loaded once per process."""
    from rapidocr_onnxruntime import RapidOCR

    threads = _threads()
    return RapidOCR(text_score=TEXT_SCORE, print_verbose=False, intra_op_num_threads=threads,
                    inter_op_num_threads=1 if threads > 0 else -1)


def _threads() -> int:
    """onnxruntime threads: ``GBM_CHECK_OCR_THREADS`` when set; 1 in a worker process (a pool runs one per core,
    and threads fighting over busy cores cost twice the time); else -1, onnxruntime's choice (every core)."""
    import multiprocessing

    try:
        return max(1, int(os.environ["GBM_CHECK_OCR_THREADS"]))
    except (KeyError, ValueError):
        return 1 if multiprocessing.parent_process() is not None else -1


def read_rapidocr(image) -> PageText:
    """Text boxes of a greyscale page image with RapidOCR: the page straightened first when it is askew, a box
    that runs across a column ruling cut there (by its characters' positions), and lone glyphs read again on
    their own (see ``_read_glyphs``)."""
    import numpy as np

    engine = _rapidocr()
    found, _ = engine(np.asarray(image), return_word_box=True, box_thresh=BOX_THRESH, unclip_ratio=1.6,
                      text_score=TEXT_SCORE)  # given every call: a call with options resets the others
    lines = [_Line.of(entry) for entry in (found or [])]
    angle = _skew_degrees([line.quad for line in lines])
    if abs(angle) >= SKEW_MIN_DEGREES:
        image = image.rotate(angle, resample=_bilinear(), fillcolor=255)
        centre = (image.size[0] / 2.0, image.size[1] / 2.0)
        lines = [line.rotated(angle, centre) for line in lines]
    hrules, vrules, clean = find_rulings(image)
    boxes = [box for index, line in enumerate(lines) for box in line.boxes(index, vrules)]
    boxes = _without_echoes([fitted for fitted in (_fit_to_ink(clean, box) for box in boxes) if fitted is not None])
    cells = [_snap(cell, hrules, vrules) for cell in find_cells(clean.size, hrules, vrules)]
    return PageText(_read_glyphs(engine, image, boxes, cells, hrules, vrules, len(lines)), hrules, vrules)


class _Line(NamedTuple):
    """One box RapidOCR detected: its corners, text, confidence and, where known, each character's corners."""

    quad: list
    text: str
    score: float
    chars: list  # (character, corners) in reading order, or [] when RapidOCR gave none that fit the text

    @classmethod
    def of(cls, entry) -> "_Line":
        quad = [tuple(map(float, p)) for p in entry[0]]
        text, score = str(entry[1]), float(entry[2])
        chars = []
        if len(entry) > 4 and len(entry[3]) == len(entry[4]) and "".join(map(str, entry[4])) == text.replace(" ", ""):
            chars = [(str(c), [tuple(map(float, p)) for p in q]) for c, q in zip(entry[4], entry[3])]
        return cls(quad, text, score, chars)

    def rotated(self, angle: float, centre: tuple[float, float]) -> "_Line":
        turn = lambda q: [_rotate(p, angle, centre) for p in q]  # noqa: E731
        return _Line(turn(self.quad), self.text, self.score, [(c, turn(q)) for c, q in self.chars])

    def boxes(self, index: int, vrules: Sequence[tuple[int, int, int]]) -> list[Box]:
        """The line as boxes: cut where a vertical ruling crosses it and where its characters stand a column gap
        apart (RapidOCR reads 计量单位 and 工程量 of a table without rulings as one line); a narrower gap
        between a Latin letter or digit and the next character is a typed space (A.5 混凝土, DM M7.5)."""
        top, bottom = min(y for _, y in self.quad), max(y for _, y in self.quad)
        x0, x1 = min(x for x, _ in self.quad), max(x for x, _ in self.quad)
        if not self.chars:
            return [Box(x0, x1, top, bottom, _clean_text(self.text), self.score, index)]
        middle, height = (top + bottom) / 2, bottom - top
        cuts = [x for x, a, b in vrules if x0 < x < x1 and a <= middle <= b]
        chars = sorted(((c, min(x for x, _ in q), max(x for x, _ in q)) for c, q in self.chars
                        if c not in _RULING_CHARS), key=lambda c: c[1] + c[2])
        spaces = set()
        for number, ((a, _, right), (b, left, _)) in enumerate(zip(chars, chars[1:]), start=1):
            kind = _gap_kind(a, b, (left - right) / max(height, 1.0))
            if kind == "cut":
                cuts.append((left + right) / 2)
            elif kind == "space":
                spaces.add(number)
        cuts.sort()
        bounds = [x0] + cuts + [x1]
        groups: list[list] = [[] for _ in range(len(cuts) + 1)]
        for number, char in enumerate(chars):
            groups[sum((char[1] + char[2]) / 2 > cut for cut in cuts)].append((number, char[0]))
        out = []
        for number, group in enumerate(groups):
            if group:  # spans the part of the line between two cuts; its ink fits it closer later
                text = "".join((" " if n in spaces and n != group[0][0] else "") + c for n, c in group)
                out.append(Box(bounds[number], bounds[number + 1], top, bottom, _clean_text(text), self.score, index))
        return out


def _gap_kind(left: str, right: str, gap: float) -> str:
    """What a gap of ``gap`` line heights between two characters of a detected line is: "cut" (another column),
    "space" (a typed space) or "" (none).  Full-width punctuation has wide margins of its own."""
    if left in _CLOSING or right in _OPENING:
        return "cut" if gap > COLUMN_GAP_WIDE else ""
    if gap > COLUMN_GAP_WIDE:
        return "cut"
    if gap > COLUMN_GAP:
        return "space" if left.isascii() else "cut"  # A.5 混凝土, DM M7.5; Chinese is typed without spaces
    if gap > SPACE_GAP and left.isascii() and right.isascii() and left.isalnum() and right.isalnum():
        return "space"
    return ""


def _without_echoes(boxes: list[Box]) -> list[Box]:
    """The boxes less the short ones (one or two characters) lying mostly inside a longer box: detection that
    overlaps reads part of a glyph again (the 立 of 位)."""
    out = []
    for box in boxes:
        area = max((box.x1 - box.x0) * (box.bottom - box.top), 1e-6)
        if len(box.text) <= 2 and any(
                len(other.text) > len(box.text)
                and max(0.0, min(box.x1, other.x1) - max(box.x0, other.x0))
                * max(0.0, min(box.bottom, other.bottom) - max(box.top, other.top)) >= 0.6 * area
                for other in boxes):
            continue
        out.append(box)
    return out


def _fit_to_ink(clean, box: Box) -> Optional[Box]:
    """The box shrunk to the ink inside it, rulings painted out (a detected box has a margin around its text, and
    the layout reads gaps and alignment like a PDF's glyph boxes); None when only a ruling was there (a line read
    as 立 or 1)."""
    left, upper = max(0, int(box.x0)), max(0, int(box.top))
    right, lower = min(clean.size[0], int(math.ceil(box.x1))), min(clean.size[1], int(math.ceil(box.bottom)))
    if right - left < 1 or lower - upper < 1:
        return None
    ink = clean.crop((left, upper, right, lower)).point(lambda v: 255 if v < 160 else 0)
    bbox = ink.getbbox()
    if not bbox or ink.histogram()[255] < 6:
        return None
    return box._replace(x0=float(left + bbox[0]), x1=float(left + bbox[2]), top=float(upper + bbox[1]),
                        bottom=float(upper + bbox[3]))


def _clean_text(text: str) -> str:
    """Box text without ruling lines read as characters at its ends, and 47840,00 read as 47840.00."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text.strip().strip(_RULING_CHARS).strip())


def _snap(cell: tuple[int, int, int, int], hrules, vrules) -> tuple[float, float, float, float]:
    """A cell found on the coarse map, widened to the ruling lines around it."""
    x0, y0, x1, y1 = cell
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    left = max((x for x, a, b in vrules if x <= x0 and a <= ym <= b), default=x0)
    right = min((x for x, a, b in vrules if x >= x1 and a <= ym <= b), default=x1)
    top = max((y for y, a, b in hrules if y <= y0 and a <= xm <= b), default=y0)
    bottom = min((y for y, a, b in hrules if y >= y1 and a <= xm <= b), default=y1)
    return left, top, right, bottom


def _skew_degrees(quads: Sequence[Sequence[tuple[float, float]]]) -> float:
    """The page's skew in degrees (positive: lines fall to the right), the median slope of the top edges of text
    boxes at least four times as wide as they are tall; 0 when there are fewer than three."""
    slopes = []
    for quad in quads:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        height = math.dist(quad[0], quad[3])
        if x1 - x0 >= 4 * max(height, 1.0):
            slopes.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if len(slopes) < 3:
        return 0.0
    slopes.sort()
    return slopes[len(slopes) // 2]


def _rotate(point: tuple[float, float], degrees: float, centre: tuple[float, float]) -> tuple[float, float]:
    """Where ``point`` goes when the image turns ``degrees`` anticlockwise about ``centre`` (PIL's rotate)."""
    a = math.radians(degrees)
    dx, dy = point[0] - centre[0], point[1] - centre[1]
    return centre[0] + dx * math.cos(a) + dy * math.sin(a), centre[1] - dx * math.sin(a) + dy * math.cos(a)


def _bilinear():
    from PIL import Image

    return Image.Resampling.BILINEAR


def _read_glyphs(engine, image, boxes: list[Box], cells: Sequence[tuple[float, float, float, float]],
                 hrules, vrules, first_id: int) -> list[Box]:
    """The boxes with lone glyphs read again, plus boxes for ruled cells that hold ink but no detected text.

    Detection misses, or the recogniser misreads, a glyph standing alone in its box (a 序号 ``1`` read as T, a
    unit ``t``): cropped to its ink inside the rulings and set on a wide white margin, it reads reliably.  A
    short box takes the new reading when that is more confident; an empty cell's ink is kept when it is as
    confident as a detected box must be."""
    out = []
    for box in boxes:
        if len(box.text) <= 3 and box.x1 - box.x0 < 2 * (box.bottom - box.top):
            again = _read_glyph(engine, image, (box.x0, box.top, box.x1, box.bottom), hrules, vrules)
            if again and again.text and again.confidence > box.confidence:
                box = box._replace(text=again.text, confidence=again.confidence)
        out.append(box)
    if not cells or not out:
        return out
    heights = sorted(b.bottom - b.top for b in out)
    typical = heights[len(heights) // 2]
    found = 0
    for x0, y0, x1, y1 in cells:
        if x1 - x0 <= 8 or y1 - y0 <= 8:
            continue
        if any(x0 <= (b.x0 + b.x1) / 2 <= x1 and y0 <= (b.top + b.bottom) / 2 <= y1 for b in out):
            continue
        glyph = _read_glyph(engine, image, (x0, y0, x1, y1), hrules, vrules, typical)
        if glyph and glyph.text and glyph.confidence >= TEXT_SCORE:
            out.append(glyph._replace(line=first_id + found))
            found += 1
            if found >= 400:
                break
    return out


def _read_glyph(engine, image, area: tuple[float, float, float, float], hrules, vrules,
                typical: float = 0.0) -> Optional[Box]:
    """The ink inside ``area`` (x0, top, x1, bottom; rulings excluded) read by the recogniser alone, or None when
    there is no ink, only a speck (smaller than a third of ``typical`` text), or more than one short line."""
    import numpy as np
    from PIL import Image

    x0, top, x1, bottom = _inside_rulings(area, hrules, vrules)
    if x1 - x0 < 3 or bottom - top < 3:
        return None
    left, upper = int(x0), int(top)
    crop = image.crop((left, upper, int(x1), int(bottom)))
    ink = crop.point(lambda v: 255 if v < 200 else 0)
    bbox = ink.getbbox()
    if not bbox or ink.histogram()[255] < 12:
        return None
    height, width = bbox[3] - bbox[1], bbox[2] - bbox[0]
    if typical and (height < 0.35 * typical or height > 2 * typical or width > 15 * typical):
        return None  # a speck of dust, or not one short line of text (a stamp, a signature, a picture)
    glyph = crop.crop(bbox)
    pad = max(3, int(0.2 * height))
    canvas = Image.new("L", (max(width + 2 * pad, 2 * (height + 2 * pad)), height + 2 * pad), 255)
    canvas.paste(glyph, (pad, pad))  # wide: never taken for vertical text
    read, _ = engine(np.asarray(canvas), use_det=False, use_cls=False, use_rec=True)
    if not read:
        return None
    return Box(float(left + bbox[0]), float(left + bbox[2]), float(upper + bbox[1]), float(upper + bbox[3]),
               _clean_text(str(read[0][0])), float(read[0][1]))


def _inside_rulings(area: tuple[float, float, float, float], hrules, vrules) -> tuple[float, float, float, float]:
    """``area`` shrunk to keep clear (2 px) of the ruling lines that run through it or along its edges."""
    x0, top, x1, bottom = area
    x0, x1 = _between(x0, x1, (top + bottom) / 2, vrules)
    top, bottom = _between(top, bottom, (x0 + x1) / 2, hrules)
    return x0, top, x1, bottom


def _between(lo: float, hi: float, across: float, rules) -> tuple[float, float]:
    """The span lo…hi shrunk to 2 px inside the rulings (position, start, end) that cross it at ``across``."""
    middle = (lo + hi) / 2
    new_lo, new_hi = lo, hi
    for pos, a, b in rules:
        if lo - 1 <= pos <= hi + 1 and a <= across <= b:
            if pos < middle:
                new_lo = max(new_lo, pos + 2)
            else:
                new_hi = min(new_hi, pos - 2)
    return new_lo, new_hi


# ------------------------------------------------------------------------------------------------------------
# tesseract


def read_tesseract(image) -> PageText:
    """Words of a greyscale page image with tesseract: its rulings painted out (tesseract reads a ruled table
    badly), every table cell read on its own (``--psm 6``, one tesseract run for all cells), the rest of the
    page, cells blanked, as sparse text (``--psm 11``)."""
    from PIL import ImageDraw

    hrules, vrules, clean = find_rulings(image)
    cells = find_cells(clean.size, hrules, vrules)
    boxes: list[Box] = []
    crops = [((x0, y0), clean.crop((x0, y0, x1, y1))) for x0, y0, x1, y1 in cells]
    if crops:
        for index, found in enumerate(run_tesseract([c for _, c in crops], psm="6")):
            dx, dy = crops[index][0]
            boxes.extend(Box(b.x0 + dx, b.x1 + dx, b.top + dy, b.bottom + dy, b.text, b.confidence) for b in found)
    outside = clean.copy()
    draw = ImageDraw.Draw(outside)
    for box in cells:
        draw.rectangle(box, fill=255)
    for found in run_tesseract([outside], psm="11"):
        boxes.extend(found)
    return PageText(boxes, hrules, vrules)


def run_tesseract(images: list, psm: str, langs: str = "chi_sim+eng") -> list[list[Box]]:
    """Words in pixels for each image, from one tesseract run over all of them (a list file: the Chinese model
    loads once).  A word takes the height of its text line, so that a flat character (一) is as tall as its
    neighbours; its confidence is tesseract's (0–100) over 100."""
    import tempfile

    exe = shutil.which("tesseract") or "tesseract"
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="gbm-ocr-") as tmp:
        names = []
        for index, image in enumerate(images):
            name = os.path.join(tmp, f"{index:05d}.png")
            image.save(name)
            names.append(name)
        listing = os.path.join(tmp, "images.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("\n".join(names) + "\n")
        done = subprocess.run([exe, listing, "stdout", "-l", langs, "--psm", psm, "tsv"],
                              capture_output=True, timeout=TIMEOUT, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[:160]}")
    lines: dict[tuple[str, ...], tuple[int, int]] = {}
    words: list[tuple[tuple[str, ...], int, int, str, float]] = []
    for raw in done.stdout.decode("utf-8", "replace").splitlines():
        cols = raw.split("\t")
        if len(cols) < 12 or not cols[0].isdigit():
            continue
        level, key = cols[0], tuple(cols[1:5])
        left, top, w, h = (int(v) for v in cols[6:10])
        if level == "4":
            lines[key] = (top, top + h)
        elif level == "5":
            text = cols[11].strip()
            conf = _float(cols[10])
            if text and (conf is None or conf >= 20):
                words.append((key, left, left + w, text, (conf if conf is not None else 50.0) / 100.0))
    out: list[list[Box]] = [[] for _ in images]
    merged: list[list] = []
    for key, x0, x1, text, conf in words:  # "47840," + "00": words of one line closer than half its height
        top, bottom = lines.get(key, (0, 0))
        if merged and merged[-1][0] == key and x0 - merged[-1][2] < 0.5 * (bottom - top):
            merged[-1][2] = x1
            merged[-1][3] += text
            merged[-1][4] = min(merged[-1][4], conf)
        else:
            merged.append([key, x0, x1, text, conf])
    for key, x0, x1, text, conf in merged:
        top, bottom = lines.get(key, (0, 0))
        page = int(key[0]) - 1
        if bottom > top and 0 <= page < len(out):
            text = _DECIMAL_COMMA.sub(r"\1.\2", text)  # 47840,00: a misread decimal point
            out[page].append(Box(float(x0), float(x1), float(top), float(bottom), text, conf))
    return out


def _float(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


_ENGINE_READERS = {"rapidocr": read_rapidocr, "tesseract": read_tesseract}


# ------------------------------------------------------------------------------------------------------------
# ruling lines and the cells they enclose (in pixels)


def find_rulings(image) -> tuple[list, list, object]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) ruling lines in pixels, and the image with them
    painted white.  A line is a run of ``_MIN_RUN`` or more ``_CHUNK``-pixel stretches that are almost all
    dark: text strokes are too short or too broken to make one."""
    from PIL import Image, ImageDraw

    width, height = image.size
    dark = image.point(lambda v: 255 if v < 150 else 0)
    hmask = dark.resize((max(1, width // _CHUNK), height), Image.BOX).point(lambda v: 255 if v >= 200 else 0)
    vmask = dark.resize((width, max(1, height // _CHUNK)), Image.BOX).point(lambda v: 255 if v >= 200 else 0)
    hruns = _runs(hmask.tobytes(), hmask.size[0], hmask.size[1], horizontal=True)
    vruns = _runs(vmask.tobytes(), vmask.size[0], vmask.size[1], horizontal=False)
    clean = image.copy()
    draw = ImageDraw.Draw(clean)
    hrules, vrules = [], []
    for y, a, b in hruns:
        draw.rectangle([a * _CHUNK - _CHUNK, y - 2, b * _CHUNK + _CHUNK, y + 2], fill=255)
        hrules.append((y, a * _CHUNK, b * _CHUNK))
    for x, a, b in vruns:
        draw.rectangle([x - 2, a * _CHUNK - _CHUNK, x + 2, b * _CHUNK + _CHUNK], fill=255)
        vrules.append((x, a * _CHUNK, b * _CHUNK))
    return hrules, vrules, clean


def _runs(data: bytes, width: int, height: int, horizontal: bool) -> list[tuple[int, int, int]]:
    """Runs of non-zero bytes at least ``_MIN_RUN`` long, per row (horizontal) or per column."""
    out = []
    outer, inner = (height, width) if horizontal else (width, height)
    for i in range(outer):
        line = data[i * width:(i + 1) * width] if horizontal else data[i::width]
        if not any(line):
            continue
        j = 0
        while j < inner:
            if line[j]:
                start = j
                while j < inner and line[j]:
                    j += 1
                if j - start >= _MIN_RUN:
                    out.append((i, start, j))
            else:
                j += 1
    return out


def find_cells(size: tuple[int, int], hrules: list, vrules: list) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in pixels) of the table cells the ruling lines enclose: the regions of a
    1/8-scale map of the lines that do not reach the page border."""
    step = 8
    width, height = size[0] // step + 1, size[1] // step + 1
    wall = bytearray(width * height)
    for y, a, b in hrules:
        for yy in (y // step - 1, y // step, y // step + 1):
            if 0 <= yy < height:
                for x in range(max(0, a // step - 1), min(width, b // step + 2)):
                    wall[yy * width + x] = 1
    for x, a, b in vrules:
        for xx in (x // step - 1, x // step, x // step + 1):
            if 0 <= xx < width:
                for y in range(max(0, a // step - 1), min(height, b // step + 2)):
                    wall[y * width + xx] = 1
    seen = bytearray(wall)
    boxes = []
    for start in range(width * height):
        if seen[start]:
            continue
        seen[start] = 1
        stack = [start]
        x0 = x1 = start % width
        y0 = y1 = start // width
        border = False
        count = 0
        while stack:
            i = stack.pop()
            count += 1
            x, y = i % width, i // width
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            if x == 0 or y == 0 or x == width - 1 or y == height - 1:
                border = True
            for j in (i - 1 if x > 0 else -1, i + 1 if x < width - 1 else -1, i - width, i + width):
                if 0 <= j < width * height and not seen[j]:
                    seen[j] = 1
                    stack.append(j)
        if not border and count >= 6 and x1 - x0 >= 2 and y1 - y0 >= 1:
            boxes.append((x0 * step, y0 * step, (x1 + 1) * step, (y1 + 1) * step))
    return boxes
