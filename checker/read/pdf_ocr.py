"""OCR for scanned PDF pages, with tesseract when it is installed (optional: Debian ``tesseract-ocr`` and
``tesseract-ocr-chi-sim``; no Python binding is needed, the ``tesseract`` command is run).

A scanned page is rendered at ``DPI`` with pypdfium2 (pdfplumber's own renderer).  Its table ruling lines
are found (long runs of dark pixels) and painted out, because tesseract reads a ruled table badly; the
cells they enclose are cut out and read one by one (``--psm 6``, one tesseract run for all of them) and the
rest of the page as sparse text (``--psm 11``).  The words, placed back on the page, and the ruling lines
then go through the same layout as a text PDF's glyphs (``pdf_layout``).  OCR text can be wrong: the
reader says which pages were read by OCR.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from typing import Optional

from .pdf_layout import PageData, build_fragments, merge_rulings

DPI = 300
TIMEOUT = 300  # seconds for one page
_CHUNK = 16  # pixels averaged along a line when looking for rulings
_MIN_RUN = 5  # chunks: a ruling is at least 80 px (≈ 19 pt) long
_DECIMAL_COMMA = re.compile(r"^(\d+),(\d{2})$")


@functools.lru_cache(maxsize=1)
def ocr_unavailable() -> str:
    """'' when tesseract with Chinese data can be run, else the one-line reason it cannot."""
    exe = shutil.which("tesseract")
    if not exe:
        return "tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
    try:
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract cannot be run ({type(exc).__name__})"
    langs = set((listed.stdout + listed.stderr).split())
    if "chi_sim" not in langs:
        return "tesseract has no Chinese language data: apt-get install tesseract-ocr-chi-sim"
    return ""


def ocr_page(path: str, data: PageData) -> PageData:
    """The scanned page ``data`` read by OCR (``data`` unchanged when OCR is not available)."""
    if ocr_unavailable():
        return data
    image = render(path, data.number)
    scale = 72.0 / DPI
    hrules, vrules, clean = find_rulings(image)
    cells = find_cells(clean.size, hrules, vrules)
    words = ocr_words(clean, cells)
    glyphs = [(x0 * scale, x1 * scale, top * scale, bottom * scale, text, (bottom - top) * scale)
              for x0, x1, top, bottom, text in words]
    hr = merge_rulings([(y * scale, a * scale, b * scale) for y, a, b in hrules], tol=2.0, join=6.0)
    vr = merge_rulings([(x * scale, a * scale, b * scale) for x, a, b in vrules], tol=2.0, join=6.0)
    frags = build_fragments(glyphs, vr)
    return PageData(data.number, data.width, data.height, frags, hr, vr, chars=sum(len(g[4]) for g in glyphs),
                    cid=0, scanned=True, ocr=bool(frags), scan_dpi=data.scan_dpi)


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


def ocr_words(image, cells: list[tuple[int, int, int, int]]) -> list[tuple[float, float, float, float, str]]:
    """Words of the page in pixels: every table cell read on its own (``--psm 6``, one tesseract run for all
    cells), the rest of the page, with the cells blanked, as sparse text (``--psm 11``)."""
    from PIL import ImageDraw

    words: list[tuple[float, float, float, float, str]] = []
    crops = []
    for x0, y0, x1, y1 in cells:
        crops.append(((x0, y0), image.crop((x0, y0, x1, y1))))
    if crops:
        for index, found in enumerate(run_tesseract([c for _, c in crops], psm="6")):
            dx, dy = crops[index][0]
            words.extend((a + dx, b + dx, t + dy, u + dy, text) for a, b, t, u, text in found)
    outside = image.copy()
    draw = ImageDraw.Draw(outside)
    for box in cells:
        draw.rectangle(box, fill=255)
    for found in run_tesseract([outside], psm="11"):
        words.extend(found)
    return words


def render(path: str, number: int):
    """Page ``number`` (1-based) as a greyscale PIL image at ``DPI``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        page = document[number - 1]
        bitmap = page.render(scale=DPI / 72.0)
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


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


def run_tesseract(images: list, psm: str,
                  langs: str = "chi_sim+eng") -> list[list[tuple[float, float, float, float, str]]]:
    """Words (x0, x1, top, bottom, text) in pixels for each image, from one tesseract run over all of them
    (a list file: the Chinese model loads once).  A word takes the height of its text line, so that a flat
    character (一) is as tall as its neighbours."""
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
    words: list[tuple[tuple[str, ...], int, int, str]] = []
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
                words.append((key, left, left + w, text))
    out: list[list[tuple[float, float, float, float, str]]] = [[] for _ in images]
    merged: list[list] = []
    for key, x0, x1, text in words:  # "47840," + "00": words of one line closer than half its height
        top, bottom = lines.get(key, (0, 0))
        if merged and merged[-1][0] == key and x0 - merged[-1][2] < 0.5 * (bottom - top):
            merged[-1][2] = x1
            merged[-1][3] += text
        else:
            merged.append([key, x0, x1, text])
    for key, x0, x1, text in merged:
        top, bottom = lines.get(key, (0, 0))
        page = int(key[0]) - 1
        if bottom > top and 0 <= page < len(out):
            text = _DECIMAL_COMMA.sub(r"\1.\2", text)  # 47840,00: a misread decimal point
            out[page].append((float(x0), float(x1), float(top), float(bottom), text))
    return out


def _float(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None
