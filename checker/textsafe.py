"""Text from outside (file names, bill and catalog text) made safe for the places it is written to.

File names are whatever bytes the file system holds: Python hands undecodable bytes over as lone surrogates
(``surrogateescape``), and names may hold newlines, ESC or bidirectional overrides.  Catalog text from a user
may hold lone surrogates too (JSON ``"\\ud800"``).  None of that may crash a report or forge a terminal line:

- ``printable`` — for one line a person reads (stderr, the text report): control and bidi-override characters
  as ``\\n``, ``\\x1b``, ``\\u202e``; an undecodable file-name byte as ``\\xff``;
- ``encode`` — for a report file or stdout: UTF-8, with lone surrogates written as ``\\udcff`` escapes (inside
  a JSON string that is the JSON escape itself, so ``json.loads`` and ``os.fsencode`` give the original bytes
  back);
- ``fs_bytes`` — a path's original bytes (for URIs: percent-encode these).
"""
from __future__ import annotations

import os
import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    ch = match.group(0)
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:  # a byte the file system name did not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` on one safe line: control characters, bidi overrides and undecodable bytes escaped."""
    return _UNSAFE.sub(_escape, str(text))


def encode(text: str) -> bytes:
    """UTF-8 bytes of ``text``; lone surrogates become ``\\udcff``-style escapes instead of an error."""
    return text.encode("utf-8", "backslashreplace")


def fs_bytes(path: str) -> bytes:
    """The bytes a path stands for (undecodable bytes restored; other lone surrogates as UTF-8 would)."""
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogatepass")


def json_bytes(value, *, indent: bool = False) -> bytes:
    """``value`` as JSON bytes (orjson); text with lone surrogates (an undecodable file name, a user catalog's
    ``"\\ud800"``), which orjson refuses, falls back to the standard encoder with those written as JSON escapes."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0)
    except TypeError as exc:
        if "surrogates" not in str(exc):  # any other type orjson refuses is a bug to see, not to stringify
            raise
        import json

        text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None,
                          separators=None if indent else (",", ":"))
        return encode(text)
