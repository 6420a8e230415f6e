"""Readers: one input file in, a FileRead out (line items with provenance, or a one-line reason)."""
from __future__ import annotations

import hashlib
import os

from ..model import FileRead
from .accounting import sheet_read
from .csvfile import read_csv
from .kinds import ITEM_KINDS, KIND_NAMES
from .image import read_image
from .pdf import read_pdf
from .sniff import InputRefused, sniff
from .spreadsheet import read_workbook
from .xmlbill import XML_FORMATS, read_xml_bill

__all__ = ["read_path", "InputRefused"]


def read_path(path: str, display_name: str | None = None, *, ocr: bool = True,
              ocr_engine: str = "rapidocr") -> FileRead:
    """Read one bill file.  Never raises for bad input: the reason goes into ``FileRead.error``.

    ``ocr``: read scanned PDF pages and bill images by OCR with ``ocr_engine`` (rapidocr or tesseract); False
    refuses them (an error, never clean)."""
    name = display_name or path
    fmt = "unknown"
    digest = ""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(4096)
        fmt = sniff(path, head, size).format
        digest = _sha256(path)
        if fmt in XML_FORMATS:
            return read_xml_bill(path, name, fmt, digest)
        if fmt == "csv":
            with open(path, "rb") as handle:
                result, _encoding = read_csv(handle.read(), name)
            sheets = ["csv"]
        elif fmt == "pdf":
            result = read_pdf(path, name, ocr=ocr, ocr_engine=ocr_engine)
            sheets = sorted({str(i.provenance.page) for i in result.items})
        elif fmt in ("png", "jpeg", "tiff"):
            result = read_image(path, name, ocr=ocr, ocr_engine=ocr_engine)
            sheets = sorted({str(i.provenance.page) for i in result.items})
        else:
            result, sheets = read_workbook(path, name, fmt)
    except InputRefused as exc:
        return FileRead(path=name, format=fmt, sha256=digest or _safe_sha256(path), error=str(exc) + _name_mismatch(path, fmt))
    except OSError as exc:
        return FileRead(path=name, format=fmt, sha256=digest, error=f"cannot open file: {exc.strerror or exc}")
    except MemoryError:
        return FileRead(path=name, format=fmt, sha256=digest, error="ran out of memory reading this file")
    except Exception as exc:  # a parser bug or an input no guard foresaw: still one line, never a traceback
        detail = " ".join(str(exc).split())[:160]
        return FileRead(path=name, format=fmt, sha256=digest,
                        error=f"could not be read ({type(exc).__name__}: {detail})")
    if not result.sheets:  # a PDF: its pages are one grid
        result.sheets.append(sheet_read("", result.tables))
    accounted = dict(sheets=tuple(result.sheets), skipped=result.skipped.rows(), totals=tuple(result.totals))
    if not any(t.kind in ITEM_KINDS for t in result.tables):
        where = ", ".join(sheets[:8]) + (" …" if len(sheets) > 8 else "")
        error = f"no bill table found in sheets: {where}" if fmt not in _PAGED else "no bill table found"
        others = sorted({KIND_NAMES[t.kind] for t in result.tables})
        if others:
            error += f" (only {', '.join(others)}: not bill lines)"
        return FileRead(path=name, format=fmt, sha256=digest, project=result.project, error=error,
                        tables=tuple(result.tables), ocr_pages=result.ocr_pages, **accounted)
    warnings = list(result.warnings)
    if not result.items:
        warnings.append("bill tables were found but hold no line items")
    return FileRead(path=name, format=fmt, sha256=digest, items=tuple(result.items), tables=tuple(result.tables),
                    project=result.project, warnings=tuple(warnings), ocr_pages=result.ocr_pages, **accounted)


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
