"""PDF bills through pdfplumber: the table grid of every page, joined, then read like a sheet.

This is the first, table-based reader; issue 5 adds geometry for vertically centred cells, OCR and
parallel pages.  A PDF with no text layer is never reported as clean: it is refused as "scanned".
"""
from __future__ import annotations

import re

from .sniff import InputRefused
from .tables import GridResult, extract_tables

MAX_PAGES = 2000
_CID_RE = re.compile(r"\(cid:\d+\)")


def read_pdf(path: str, display_name: str) -> GridResult:
    """All bill tables of a PDF; rows carry their page number."""
    import pdfplumber  # imported here: only PDF inputs pay its import time

    grid: list[list[object]] = []
    pages: list[int] = []
    text_chars = 0
    cid_hits = 0
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise InputRefused(f"PDF has {len(pdf.pages)} pages, over the limit of {MAX_PAGES}")
            for number, page in enumerate(pdf.pages, start=1):
                text_chars += len(page.chars)
                for table in page.extract_tables():
                    for row in table:
                        cells = [cell if cell is not None else "" for cell in row]
                        cid_hits += sum(len(_CID_RE.findall(c)) for c in cells if isinstance(c, str))
                        grid.append(cells)
                        pages.append(number)
    except InputRefused:
        raise
    except Exception as exc:
        raise InputRefused(f"cannot read PDF: {' '.join(str(exc).split())[:200] or type(exc).__name__}") from None
    if text_chars == 0:
        raise InputRefused("scanned PDF with no text layer: it needs OCR and was NOT checked")
    if cid_hits > 20:
        raise InputRefused("PDF text is unreadable (cid:N glyphs from a font without a Unicode map): not checked")
    return extract_tables(grid, (), file=display_name, sheet="", row_number=lambda r: r + 1,
                          page_of=lambda r: pages[r] if r < len(pages) else None)
