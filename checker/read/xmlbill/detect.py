"""Recognise bid-file XML and zip bid packages from their bytes and member names (no parsing here).

Kept free of imports from the rest of the reader so that ``read/sniff.py`` can ask it before any parser runs.
"""
from __future__ import annotations

from typing import Iterable

# the bill inside tender / bid packages that carry it beside a PDF copy; read first when present
BILL_MEMBERS = ("quantities.xml", "gclqd.xml")


def looks_like_xml(head: bytes) -> bool:
    """The first bytes are an XML declaration or a start tag (UTF-8, or UTF-16 with a BOM), not HTML."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            start = head[:400].decode("utf-16", "ignore").lstrip().encode("utf-8")
        except UnicodeDecodeError:  # pragma: no cover - "ignore" does not raise
            return False
    else:
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if start.startswith((b"<?xml", b"<!--")):
        return True
    if start[:9].upper() == b"<!DOCTYPE":  # an XML document type (refused later, with its reason), not HTML's
        return b"html" not in start[9:20].lower()
    if len(start) < 2 or start[:1] != b"<":
        return False
    return (start[1:2].isalpha() or start[1] >= 0x80) and not start[:5].lower() == b"<html"


def is_bid_package(names: Iterable[str]) -> bool:
    """A zip (not a workbook) with at least one XML member: a bid package whose bill may be that XML."""
    return any(name.lower().endswith(".xml") and not name.endswith("/") for name in names)


def member_order(names: Iterable[str]) -> list[str]:
    """XML members to try, the conventional bill names (quantities.xml, gclqd.xml) first, then by name."""
    xml = [n for n in names if n.lower().endswith(".xml") and not n.endswith("/")]
    return sorted(xml, key=lambda n: (n.rsplit("/", 1)[-1].lower() not in BILL_MEMBERS, n))
