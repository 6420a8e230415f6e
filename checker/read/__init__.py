"""Readers: one input file in, a FileRead out (line items with provenance, or a one-line reason)."""
from __future__ import annotations

import hashlib
import os

from typing import Callable

from ..limits import MEMORY_BYTES, FileTimeLimit, Work
from ..model import FileRead
from .. import early as _early
from . import preflight as _preflight
from .accounting import sheet_read
from .kinds import ITEM_KINDS, KIND_NAMES
from .sniff import InputRefused, sniff_file

__all__ = ["read_path", "InputRefused"]


def read_path(path: str, display_name: str | None = None, *, ocr: bool = True, ocr_engine: str = "rapidocr",
              on_work: Callable[[Work], None] | None = None, memory: int = MEMORY_BYTES,
              xml_mappings: tuple = ()) -> FileRead:
    """Read one bill file.  Never raises for bad input: the reason goes into ``FileRead.error``.

    ``ocr``: read scanned PDF pages and bill images by OCR with ``ocr_engine`` (rapidocr or tesseract); False
    refuses them (an error, never clean).
    ``on_work``: told what pre-flight measured (cells, pages) before any parser runs (the time budget).
    ``memory``: the memory a file may take; pre-flight refuses a file that would need more.
    ``xml_mappings``: the user's XML schema mappings (``xmlbill.user_mappings``), tried before the shipped ones."""
    name = display_name or path
    fmt = "unknown"
    digest = ""
    try:
        size, fmt = sniff_file(path)
        first = _first_sheet_ahead(path, fmt, memory)
        work, answered_early = _preflighted(path, fmt, size, memory, ocr)
        if not answered_early:  # measured here after all (the file changed, the child failed): parsed afresh
            first = None
        if on_work is not None:
            on_work(work)
        digest = _sha256(path)
        if fmt in ("xml", "zip"):  # xmlbill.XML_FORMATS, without importing the XML reader for other files
            from .xmlbill import read_xml_bill

            return read_xml_bill(path, name, fmt, digest, user=xml_mappings)
        if fmt == "csv":
            from .csvfile import read_csv

            with open(path, "rb") as handle:
                result, _encoding = read_csv(handle.read(), name)
            sheets = ["csv"]
        elif fmt == "pdf":
            from .pdf import read_pdf

            result = read_pdf(path, name, ocr=ocr, ocr_engine=ocr_engine)
            sheets = sorted({str(i.provenance.page) for i in result.items})
        elif fmt in ("png", "jpeg", "tiff"):
            from .image import read_image

            result = read_image(path, name, ocr=ocr, ocr_engine=ocr_engine)
            sheets = sorted({str(i.provenance.page) for i in result.items})
        else:
            from .spreadsheet import read_workbook

            result, sheets = read_workbook(path, name, fmt, first, work.uncached_formulas)
    except InputRefused as exc:
        return FileRead(path=name, format=fmt, sha256=digest or _safe_sha256(path), error=str(exc) + _name_mismatch(path, fmt))
    except OSError as exc:
        return FileRead(path=name, format=fmt, sha256=digest, error=f"cannot open file: {exc.strerror or exc}")
    except MemoryError:
        return FileRead(path=name, format=fmt, sha256=digest, error="ran out of memory reading this file")
    except (KeyboardInterrupt, SystemExit, GeneratorExit, FileTimeLimit):
        raise
    except BaseException as exc:  # a parser bug, an input no guard foresaw, or a native reader's panic
        # (pyo3_runtime.PanicException derives from BaseException): still one line, never a traceback
        detail = " ".join(str(exc).split())[:160]
        kind = "reader panic" if type(exc).__name__ == "PanicException" else type(exc).__name__
        return FileRead(path=name, format=fmt, sha256=digest, error=f"could not be read ({kind}: {detail})")
    if not result.sheets:  # a PDF: its pages are one grid
        result.sheets.append(sheet_read("", result.tables))
    accounted = dict(sheets=tuple(result.sheets), skipped=result.skipped.rows(), totals=tuple(result.totals))
    if not any(t.kind in ITEM_KINDS for t in result.tables):
        where = ", ".join(sheets[:8]) + (" …" if len(sheets) > 8 else "")
        error = f"no bill table found in sheets: {where}" if fmt not in _PAGED else "no bill table found"
        others = sorted({KIND_NAMES[t.kind] for t in result.tables})
        if others:
            error += f" (only {', '.join(others)}: not bill lines)"
        return FileRead(path=name, format=fmt, sha256=digest, project=result.project_name, error=error,
                        tables=tuple(result.tables), ocr_pages=result.ocr_pages, **accounted)
    warnings = list(result.warnings)
    if not result.items:
        warnings.append("bill tables were found but hold no line items")
    return FileRead(path=name, format=fmt, sha256=digest, items=tuple(result.items), tables=tuple(result.tables),
                    project=result.project_name, warnings=tuple(warnings), ocr_pages=result.ocr_pages, **accounted)


def _first_sheet_ahead(path: str, fmt: str, memory: int):
    """The first sheet parsed while the early pre-flight's answer is still on its way (``checker.early``), or
    None: no early answer for this file, or it is in already."""
    if fmt not in _early.FORMATS or not _early.waiting(path, memory):
        return None
    from .spreadsheet import FirstSheet

    return FirstSheet(path)


def _preflighted(path: str, fmt: str, size: int, memory: int, ocr: bool) -> tuple[Work, bool]:
    """``preflight``'s answer, and whether it is the one a child started with the command measured
    (``early``); else it is measured now."""
    answer = _early.take(path, memory) if fmt in _early.FORMATS else None
    if answer is not None and answer[1] == fmt:
        if answer[0] == "refused":
            raise InputRefused(answer[2])
        return answer[2], True
    return _preflight.preflight(path, fmt, size, memory=memory, ocr=ocr), False


_SUFFIX_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xlsb": "xlsb", ".xls": "xls", ".ods": "ods", ".pdf": "pdf",
                   ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xml": "xml", ".png": "png", ".jpg": "jpeg",
                   ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}
_PAGED = ("pdf", "png", "jpeg", "tiff")  # formats of pages, not sheets


def _name_mismatch(path: str, fmt: str) -> str:
    """' (named .pdf, but it is not a PDF file)' when the file name promises another format."""
    suffix = os.path.splitext(path)[1].lower()
    named = _SUFFIX_FORMATS.get(suffix)
    if named is None or fmt == "unknown" or named == fmt or {named, fmt} <= {"xlsx", "xlsm"}:
        return ""
    return f" (named {suffix}, but it is not {'an' if named[0] in 'ox' else 'a'} {named.upper()} file)"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe_sha256(path: str) -> str:
    try:
        return _sha256(path)
    except OSError:
        return ""
