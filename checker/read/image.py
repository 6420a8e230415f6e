"""Photographed or scanned bills as images (PNG, JPEG, TIFF; a multi-page TIFF gives one page per frame), read
by OCR (``pdf_ocr``) and laid out like a scanned PDF's pages (``pdf._assemble``).

A photograph is turned upright from its EXIF orientation; its scale comes from its dpi when that is plausible for
a scanner, else from the height of its text boxes.  An image that is too large to decode safely (a
decompression bomb) is refused before its pixels are read.
"""
from __future__ import annotations

from .pdf import _assemble
from .pdf_layout import PageData
from .pdf_ocr import DEFAULT_ENGINE, ocr_image, ocr_unavailable, progress
from .sniff import InputRefused
from .tables import GridResult

MAX_PIXELS = 80_000_000  # one frame: an A0 scan at 300 dpi is 70 Mpx; more is a decompression bomb
MAX_FRAMES = 200
SCANNER_DPI = (100, 1200)  # a dpi in this range is a scanner's; a photograph says 72 (or nothing)


def read_image(path: str, display_name: str, *, ocr: bool = True, ocr_engine: str = DEFAULT_ENGINE) -> GridResult:
    """All bill tables of an image file, read by OCR; items carry the page (frame) they are on.
    Raises ``InputRefused`` with a one-line reason for an image that cannot be checked."""
    if not ocr:
        raise InputRefused("an image of a bill: its text can only be read by OCR, which --no-ocr turns off; "
                           "NOT checked")
    reason = ocr_unavailable(ocr_engine)
    if reason:
        raise InputRefused(f"an image of a bill, and OCR cannot run ({reason}); NOT checked")
    try:
        pages = _ocr_frames(path, display_name, ocr_engine)
    except InputRefused:
        raise
    except MemoryError:
        raise InputRefused("ran out of memory reading this image") from None
    except Exception as exc:  # a truncated or corrupt image, or a decoder failure: one line
        detail = " ".join(str(exc).split())[:160]
        raise InputRefused(f"cannot read image: {type(exc).__name__}: {detail}" if detail
                           else f"cannot read image: {type(exc).__name__}") from None
    return _assemble(pages, display_name, ocr_engine, source="image")


def _ocr_frames(path: str, display_name: str, engine: str) -> list[PageData]:
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        frames = int(getattr(image, "n_frames", 1) or 1)
        if frames > MAX_FRAMES:
            raise InputRefused(f"image has {frames} frames, over the limit of {MAX_FRAMES}")
        pages = []
        for index in range(frames):
            image.seek(index)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InputRefused(f"image is {width}×{height} pixels, over the {MAX_PIXELS // 1_000_000} Mpx limit "
                                   f"(decompression bomb suspected)")
            progress(display_name, index + 1, frames)
            upright = ImageOps.exif_transpose(image) if index == 0 else image.copy()
            upright.load()
            pages.append(ocr_image(upright, index + 1, engine, points_per_pixel=_points_per_pixel(image)))
    return pages


def _points_per_pixel(image) -> float | None:
    """72 / dpi when the image states a scanner's dpi, else None (the scale is taken from the text)."""
    dpi = image.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        x = 0.0
    return 72.0 / x if SCANNER_DPI[0] <= x <= SCANNER_DPI[1] else None
