"""PDF bills: positioned text and ruling lines of every page, laid out into one grid, then read like a sheet.

Reading a printed bill takes four steps:

1. **Text layer.**  Every page is parsed once with pdfplumber's pdfminer layout (``page.layout``): the
   glyphs (text, box, size), the ruling lines (lines, thin rectangles, rectangle and polyline edges) and the
   area the page's images cover.  A page with no text and a page-sized image is a *scan*; glyphs printed as
   ``(cid:N)`` come from a font without a Unicode map.  Neither is ever guessed at: the file is refused
   ("NOT checked", exit 2) when OCR is turned off (``--no-ocr``); by default scanned pages are rendered and
   read by OCR (``pdf_ocr``: RapidOCR, installed with the project, or tesseract), every item carrying the mean
   confidence of its text boxes.  A (cid:N) file cannot be OCR'd here and is always refused.
2. **Pages in parallel.**  Files of ``PARALLEL_MIN_PAGES`` pages or more are split into page ranges that
   worker processes (``concurrent.futures.ProcessPoolExecutor``) extract, each opening the PDF itself;
   smaller files, or a machine with one core, are read in this process.  If worker processes cannot be
   started the pages are read serially: the result is the same.
3. **Layout** (``pdf_layout``): header bands, columns from ruling lines or from text positions, rows from
   the bands between horizontal rulings or around item anchors (geometry, not reading order: exports
   centre cell text vertically), page furniture and section lines as rows of their own, an item broken over
   a page joined back.
4. **Items**: the rows of all pages, in order, go through ``tables.extract_tables`` like a sheet's rows,
   which handles repeated headers, 本页小计/合计, section rows and continuation rows.

Provenance: an item carries ``page``, the page its first line is printed on.  ``first_row`` and
``last_row`` are ``None`` for PDF items: a PDF has pages, not rows, and a line number on the page would
invite confusion with spreadsheet rows.  ``TableInfo.header_row`` holds the page on which the table's header
was first printed, and ``TableInfo.sheet`` is empty.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from typing import Optional, Sequence

from .pdf_layout import PageData, build_fragments, layout_pages, merge_rulings
from .pdf_ocr import DEFAULT_ENGINE
from .sniff import InputRefused
from .tables import GridResult, extract_tables

MAX_PAGES = 2000
PARALLEL_MIN_PAGES = 8  # fewer pages are read in this process: starting workers would cost more than it saves
SCAN_IMAGE_SHARE = 0.3  # a page with no text whose images cover this share of it is a scan
CID_SHARE = 0.05  # more (cid:N) glyphs than this share of all glyphs (and over 20): the text is unreadable


def read_pdf(path: str, display_name: str, *, ocr: bool = True, workers: Optional[int] = None,
             ocr_engine: str = DEFAULT_ENGINE) -> GridResult:
    """All bill tables of a PDF; items carry their page number.

    ``ocr``: read scanned pages by OCR with ``ocr_engine`` (False: a scanned page makes the file "not checked").
    ``workers``: worker processes for page extraction (None: one per core, and only for files of
    ``PARALLEL_MIN_PAGES`` pages or more; 1: always in this process).
    Raises ``InputRefused`` with a one-line reason for a file that cannot be checked, nothing else.
    """
    try:
        engine = ocr_engine if ocr else ""
        pages = _extract(path, engine, workers)
        return _assemble(pages, display_name, engine)
    except InputRefused:
        raise
    except MemoryError:
        raise InputRefused("ran out of memory reading this PDF") from None
    except Exception as exc:  # a pdfminer failure or an input nothing foresaw: one line, never a traceback
        raise InputRefused(_open_error(exc)) from None


# ------------------------------------------------------------------------------------------------------------
# extraction (runs in worker processes too: module-level functions, picklable results)


def _extract(path: str, ocr: str, workers: Optional[int]) -> list[PageData]:
    """Every page's data; ``ocr``: the OCR engine for scanned pages ('' for none)."""
    import pdfplumber  # imported here: only PDF inputs pay its import time

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        raise InputRefused(_open_error(exc)) from None
    with pdf:
        count = len(pdf.pages)
        if count == 0:
            raise InputRefused("PDF has no pages")
        if count > MAX_PAGES:
            raise InputRefused(f"PDF has {count} pages, over the limit of {MAX_PAGES}")
        jobs = _worker_count(count, workers)
        if jobs <= 1:
            return [_page_or_error(page, number, path, ocr, count) for number, page in enumerate(pdf.pages, start=1)]
    try:
        return _extract_parallel(path, count, jobs, ocr)
    except InputRefused:
        raise
    except Exception:  # no worker processes here (sandbox, daemon process, no /dev/shm): read serially
        return _extract_range(path, 1, count, ocr)


def _worker_count(pages: int, workers: Optional[int]) -> int:
    if workers is not None:
        return max(1, min(workers, pages))
    if pages < PARALLEL_MIN_PAGES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, pages // 4))


def _extract_parallel(path: str, count: int, jobs: int, ocr: str) -> list[PageData]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # contiguous page ranges, two per worker so that a slow range does not leave a core idle
    chunks = min(count, jobs * 2)
    bounds = [1 + count * i // chunks for i in range(chunks + 1)]
    ranges = [(bounds[i], bounds[i + 1] - 1) for i in range(chunks) if bounds[i + 1] > bounds[i]]
    context = None
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")  # workers inherit the imported modules: no start-up cost
    pages: list[PageData] = []
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    try:
        futures = [pool.submit(_extract_range, path, first, last, ocr) for first, last in ranges]
        for future in futures:
            pages.extend(future.result())
    except BaseException:
        # the file's time is up (limits.FileTimeLimit) or a worker died: stop the workers, do not wait for them
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            if process.is_alive():
                process.terminate()
        raise
    pool.shutdown(wait=True)
    return pages


def _extract_range(path: str, first: int, last: int, ocr: str) -> list[PageData]:
    """Pages first…last (1-based, inclusive), each a PageData (or one carrying its error)."""
    import pdfplumber

    if ocr:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract: one thread per worker process
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        return [PageData(number, error=_open_error(exc)) for number in range(first, last + 1)]
    with pdf:
        count = len(pdf.pages)
        return [_page_or_error(pdf.pages[number - 1], number, path, ocr, count) for number in range(first, last + 1)]


def _page_or_error(page, number: int, path: str, ocr: str, pages: int = 0) -> PageData:
    try:
        data = page_data(page, number)
        if data.scanned and ocr:
            from .pdf_ocr import ocr_page

            data = ocr_page(path, data, ocr, pages)
        return data
    except MemoryError:
        return PageData(number, error="ran out of memory")
    except Exception as exc:
        return PageData(number, error=_open_error(exc) if _encrypted(exc) else _one_line(exc))
    finally:
        page.close()  # drop the page's parsed objects: a worker holds one page at a time


def page_data(page, number: int) -> PageData:
    """One pdfplumber page as glyphs, merged ruling lines and image coverage (coordinates as pdfplumber's:
    points, y growing downwards from the top of the page)."""
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    glyphs: list[tuple[float, float, float, float, str, float]] = []
    hsegs: list[tuple[float, float, float]] = []
    vsegs: list[tuple[float, float, float]] = []
    chars = cid = 0
    image_area = 0.0
    scan_dpi, largest = 0.0, 0.0

    def top_of(y: float) -> float:
        return height - y + mb_top

    def segment(xa: float, ya: float, xb: float, yb: float) -> None:
        xa, xb = xa + mb_x0, xb + mb_x0
        ta, tb = top_of(ya), top_of(yb)
        if abs(ta - tb) <= 1.0 and abs(xb - xa) > 2:
            hsegs.append(((ta + tb) / 2, min(xa, xb), max(xa, xb)))
        elif abs(xa - xb) <= 1.0 and abs(tb - ta) > 2:
            vsegs.append(((xa + xb) / 2, min(ta, tb), max(ta, tb)))

    stack = list(page.layout)
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if not text:
                continue
            chars += 1
            if text.startswith("(cid:"):
                cid += 1
            if obj.upright:  # rotated text is a watermark or a stamp, not a cell
                glyphs.append((obj.x0 + mb_x0, obj.x1 + mb_x0, top_of(obj.y1), top_of(obj.y0), text, obj.size))
        elif isinstance(obj, LTRect):
            x0, y0, x1, y1 = obj.x0, obj.y0, obj.x1, obj.y1
            w, h = x1 - x0, y1 - y0
            if h <= 2.5 and w > 2:
                segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
            elif w <= 2.5 and h > 2:
                segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
            elif obj.stroke:
                for xa, ya, xb, yb in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
                    segment(xa, ya, xb, yb)
        elif isinstance(obj, (LTLine, LTCurve)):
            if obj.stroke or isinstance(obj, LTLine):
                pts = obj.pts
                for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
                    segment(xa, ya, xb, yb)
        elif isinstance(obj, LTImage):
            area = max(0.0, obj.width) * max(0.0, obj.height)
            image_area += area
            size = getattr(obj, "srcsize", None)
            if area > largest and size and size[0] and obj.width > 0:
                largest, scan_dpi = area, float(size[0]) * 72.0 / obj.width
        elif isinstance(obj, LTContainer):
            stack.extend(obj)
    hrules = merge_rulings(hsegs)
    vrules = merge_rulings(vsegs)
    area = max(float(page.width) * height, 1.0)
    scanned = not glyphs and chars == cid and image_area >= SCAN_IMAGE_SHARE * area
    frags = build_fragments(glyphs, vrules)
    return PageData(number, float(page.width), height, frags, hrules, vrules, chars, cid, scanned,
                    scan_dpi=scan_dpi if scanned else 0.0)


# ------------------------------------------------------------------------------------------------------------
# assembly (in this process)


def _assemble(pages: Sequence[PageData], display_name: str, ocr: str, source: str = "PDF") -> GridResult:
    """The bill tables of extracted pages (``ocr``: the engine scanned pages were given to, '' for none;
    ``source``: "PDF" or "image", for the messages)."""
    failed = [p for p in pages if p.error]
    if failed and any(p.error.startswith("PDF is password-protected") for p in failed):
        raise InputRefused(failed[0].error)
    if failed:
        raise InputRefused(f"cannot read {source} {_pages(p.number for p in failed)}: {failed[0].error}")
    chars = sum(p.chars for p in pages)
    cid = sum(p.cid for p in pages)
    if cid > 20 and cid > CID_SHARE * chars:
        where = _pages(p.number for p in pages if p.cid)
        raise InputRefused(f"PDF text is unreadable: {cid} of {chars} characters print as (cid:N), a font without a "
                           f"Unicode map ({where}); NOT checked — export the bill again with fonts embedded "
                           f"with Unicode, or as xlsx")
    scanned = [p for p in pages if p.scanned and not p.ocr]
    if scanned and source == "PDF":
        where = _ranges(p.number for p in scanned)
        what = "scanned PDF" if len(scanned) == len(pages) else "PDF with scanned pages"
        image = f"page {where} is an image" if len(scanned) == 1 else f"pages {where} are images"
        if not ocr:
            raise InputRefused(f"{what}: no text layer ({image}), needs OCR; NOT checked — "
                               f"run without --no-ocr to read it by OCR")
        from .pdf_ocr import ocr_unavailable

        reason = ocr_unavailable(ocr) or "OCR found no text"
        raise InputRefused(f"{what}: no text layer ({image}) and OCR could not read it ({reason}); NOT checked")
    if not any(p.frags for p in pages):
        if source != "PDF":
            raise InputRefused(f"{source}: OCR found no text in it; NOT checked")
        raise InputRefused("PDF has no text: no text layer and no scanned pages; NOT checked")
    row_frags: list = []
    grid, page_of = layout_pages(pages, row_frags)
    result = extract_tables(grid, (), file=display_name, sheet="", row_number=lambda r: r + 1,
                            page_of=lambda r: page_of[r] if 0 <= r < len(page_of) else None)
    ocr_pages = [p for p in pages if p.ocr]
    if ocr_pages and not result.items:
        dpi = min(p.scan_dpi for p in ocr_pages)
        low = f"; the scan is about {dpi:.0f} dpi, OCR needs 200 dpi or more" if 0 < dpi < 200 else ""
        what = "scanned PDF" if source == "PDF" else source
        raise InputRefused(f"{what} read by OCR ({_pages(p.number for p in ocr_pages)}) but no bill line "
                           f"could be recognised{low}; NOT checked")
    if not result.items and any(t.kind != "analysis" for t in result.tables):
        raise InputRefused("a bill table header was found but no line could be read under it (text clipped, "
                           "overlapping or not laid out as a table); NOT checked")
    if ocr_pages:
        result.items = _with_ocr_confidence(result.items, pages, row_frags)
    result.items = [_without_rows(item) for item in result.items]
    result.tables = [dataclasses.replace(t, header_row=page_of[t.header_row - 1] if 0 < t.header_row <= len(page_of)
                                         else t.header_row) for t in result.tables]
    if ocr_pages:
        result.ocr_pages = len(ocr_pages)
        result.warnings.append(ocr_warning(ocr_pages, result.items))
    return result


def ocr_warning(ocr_pages: Sequence[PageData], items) -> str:
    """The note every report carries for a file read by OCR: which pages, how confident, check the paper (in
    English, as every reader message: the reports show it in their language)."""
    scores = [i.ocr_confidence for i in items if i.ocr_confidence is not None]
    mean = f" (mean line confidence {sum(scores) / len(scores):.3f})" if scores else ""
    return f"{_pages(p.number for p in ocr_pages)} read by OCR{mean}: verify every line against the paper"


def _with_ocr_confidence(items, pages: Sequence[PageData], row_frags: Sequence[tuple]) -> list:
    """Items of OCR'd pages with ``ocr_confidence``: the mean recognition confidence of the text boxes their
    rows were made of (0.0 when none can be traced: an item from an OCR'd page is never taken for typed text)."""
    boxes_of = {}
    for page in pages:
        for frag, found in page.confidence.items():
            boxes_of[frag] = tuple(((page.number, box), score) for box, score in found)
    ocr_numbers = {p.number for p in pages if p.ocr}
    out = []
    for item in items:
        where = item.provenance
        scores: dict = {}
        if where.first_row is not None and where.last_row is not None:
            for r in range(where.first_row - 1, min(where.last_row, len(row_frags))):
                for frag in row_frags[r]:
                    scores.update(boxes_of.get(frag, ()))
        if scores or where.page in ocr_numbers:
            values = dict(item.__dict__)
            values["ocr_confidence"] = round(sum(scores.values()) / len(scores), 4) if scores else 0.0
            item = type(item).build(values)
        out.append(item)
    return out


def _without_rows(item):
    """The item with first_row/last_row None: grid indices mean nothing on a printed page."""
    where = item.provenance
    values = dict(item.__dict__)
    values["provenance"] = dataclasses.replace(where, first_row=None, last_row=None)
    return type(item).build(values)


def _pages(numbers) -> str:
    """'page 3' or 'pages 1-3, 5'."""
    nums = sorted(set(numbers))
    return f"page{'s' if len(nums) > 1 else ''} {_ranges(nums)}"


def _ranges(numbers) -> str:
    """1, 2, 3, 5 → '1-3, 5'."""
    nums = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    if len(parts) > 6:
        parts = parts[:6] + ["…"]
    return ", ".join(parts)


def _open_error(exc: BaseException) -> str:
    if _encrypted(exc):
        return "PDF is password-protected (encrypted); save an unprotected copy and check that"
    return f"cannot read PDF: {_one_line(exc)}"


def _encrypted(exc: BaseException) -> bool:
    """pdfminer's PDFPasswordIncorrect / PDFEncryptionError, also wrapped in pdfplumber's PdfminerException."""
    seen = 0
    while exc is not None and seen < 5:
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(exc).lower():
            return True
        inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)), None)
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _one_line(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


__all__ = ["read_pdf", "page_data", "MAX_PAGES", "PARALLEL_MIN_PAGES"]
