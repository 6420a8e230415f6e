"""CSV bills: encoding detected (UTF-8, GB18030/GBK, UTF-16 with or without BOM), delimiter sniffed."""
from __future__ import annotations

import csv
import io

from .accounting import sheet_read
from . import preflight
from .sniff import InputRefused
from .tables import GridResult, extract_tables

MAX_FIELD_CHARS = 1_000_000  # one cell; csv's default limit is 131072


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bill text; returns (text, encoding).  Raises InputRefused when no encoding fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _strict(data, "utf-32")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:1] != b"\x00":
        return _strict(data, "utf-16-le")
    if len(data) >= 4 and data[0:4:2] == b"\x00\x00":
        return _strict(data, "utf-16-be")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    mixed = _mixed_lines(data)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    from charset_normalizer import from_bytes  # only for bytes the strict decoders refused (its import is slow)

    best = from_bytes(data).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise InputRefused("unrecognised content: binary data that is not a workbook, PDF or text/CSV bill")


def _mixed_lines(data: bytes) -> str | None:
    """Text whose lines are UTF-8 or GB18030 each (rows pasted from two exports: a UTF-8 header over GBK lines);
    None when a line decodes as neither, or when both kinds are not there."""
    lines, kinds = [], set()
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
            kinds.add("utf-8")
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                return None
            kinds.add("gb18030")
    text = "\n".join(lines)
    return text if len(kinds) == 2 and _looks_like_text(text) else None


def _strict(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise InputRefused(f"not a readable CSV: marked as {encoding.upper()} but the bytes do not decode (garbage)") from None


def _looks_like_text(text: str) -> bool:
    """Reject decodings full of control characters or private-use code points."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t") or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd")
    return bad / len(sample) < 0.01


def read_csv(data: bytes, display_name: str) -> tuple[GridResult, str]:
    """All bill tables of a CSV file; also the encoding used."""
    grid, encoding = csv_grid(data)
    result = extract_tables(grid, (), file=display_name, sheet="csv")
    result.sheets.append(sheet_read("csv", result.tables, empty=not any(any(cell for cell in row) for row in grid)))
    return result, encoding


def csv_grid(data: bytes) -> tuple[list[list[str]], str]:
    """The rows of a CSV file (encoding detected, delimiter sniffed); also the encoding used."""
    text, encoding = decode_text(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(MAX_FIELD_CHARS)
    grid, cells = [], 0
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in rows:
            cells += len(row)
            if cells > preflight.MAX_CELLS_PER_FILE:  # short rows pack more cells in a byte than pre-flight's estimate
                preflight.check_file_cells(cells + sum(map(len, rows)))  # the rest counted, not kept
            grid.append(row)
    except csv.Error as exc:
        raise InputRefused(f"not a readable CSV: {exc}") from None
    return grid, encoding
