"""Tell a file's format from its bytes, not its name, and refuse what is unsafe to open.

Bid files come from outside.  Before any parser sees a workbook we look at its magic bytes and, for the
zip-based formats, at every member's declared uncompressed size (a zip bomb declares, or hides, gigabytes).
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

MAX_FILE_BYTES = 200 * 1024 * 1024  # an input larger than this is refused before reading
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # sum of declared member sizes of an xlsx/ods
MAX_MEMBER_RATIO = 200  # declared size / compressed size of one member beyond which it is a bomb

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class InputRefused(Exception):
    """The file cannot or must not be read; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class Sniffed:
    format: str  # xlsx, xlsm, xls, ods, pdf, csv, xml, zip (a bid package holding XML), png, jpeg, tiff


def sniff_file(path: str) -> tuple[int, str]:
    """(size, format) of the file at ``path`` (``sniff`` of its first 4 KB); OSError or InputRefused."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(4096)
    return size, sniff(path, head, size).format


def sniff(path: str, head: bytes, size: int) -> Sniffed:
    """Decide the format of ``path`` from its first bytes (``head``) and size."""
    if size == 0:
        raise InputRefused("empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise InputRefused(f"file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB input limit")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return Sniffed(_zip_format(path))
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as handle:
            data = handle.read(min(size, 8 * 1024 * 1024))
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise InputRefused("workbook is password-protected (encrypted); save an unprotected copy and check that")
        return Sniffed("xls")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF"):
        return Sniffed("pdf")
    if image_format(head):
        return Sniffed(image_format(head))
    from .xmlbill.detect import looks_like_xml  # here: the xmlbill package imports this module

    if looks_like_xml(head):
        return Sniffed("xml")
    if head.startswith(b"{\\rtf") or head.lstrip().lower().startswith((b"<html", b"<!doctype")):
        raise InputRefused("not a bill format (RTF/HTML); export the bill as xlsx, xls, PDF or CSV")
    return Sniffed("csv")


IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))


def image_format(head: bytes) -> str:
    """'png', 'jpeg' or 'tiff' for a photographed or scanned bill image (read by OCR), else ''."""
    return next((name for magic, name in IMAGE_MAGIC if head.startswith(magic)), "")


def _zip_format(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            total = 0
            for info in infos:
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > MAX_MEMBER_RATIO and info.file_size > 10 * 2**20:
                    raise InputRefused(
                        f"zip bomb suspected: member {info.filename!r} expands {info.file_size // info.compress_size}× "
                        f"to {info.file_size / 1e6:.0f} MB"
                    )
            if total > MAX_UNZIPPED_BYTES:
                compressed = sum(info.compress_size for info in infos) or 1
                what = ("zip bomb suspected: members declare" if total / compressed > MAX_MEMBER_RATIO
                        else "too big to check: the workbook's parts add up to")  # a real, very big bill
                raise InputRefused(f"{what} {total / 1e6:.0f} MB uncompressed (limit {MAX_UNZIPPED_BYTES // 2**20} MB; "
                                   f"see README: supported sizes)")
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names:
                    return "xlsb"
                return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
            if "content.xml" in names and "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"spreadsheet" in mimetype:
                    return "ods"
                raise InputRefused("an OpenDocument file that is not a spreadsheet")
            if "word/document.xml" in names:
                raise InputRefused("a Word document, not a bill workbook; export the bill table as xlsx or PDF")
            from .xmlbill.detect import is_bid_package

            if is_bid_package(names):
                return "zip"
            raise InputRefused("a zip archive that is not a workbook")
    except zipfile.BadZipFile as exc:
        raise InputRefused(f"corrupt or truncated workbook (zip: {exc})") from None
