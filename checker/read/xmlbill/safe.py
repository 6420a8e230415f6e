"""Parse untrusted XML as a stream, safely: defusedxml's parser feeding a target, with limits.

- no DTD (so no entity expansion — billion laughs — and no external references), no entity declarations,
  no external entities: defusedxml raises, we answer with one line;
- depth, element count and the length of any single tag, attribute value or comment are bounded;
- the bytes are fed in chunks to a push parser whose target builds no tree (memory stays flat);
- encodings expat does not know (GB2312 / GBK / GB18030 …, common in Chinese exports) are transcoded to
  UTF-8 on the way in, chunk by chunk.
"""
from __future__ import annotations

import codecs
import re
from typing import Iterable, Protocol
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..sniff import InputRefused

MAX_DEPTH = 100  # nesting; real bid files are about ten deep
MAX_ELEMENTS = 20_000_000  # elements in one document
MAX_TOKEN_BYTES = 8 * 1024 * 1024  # input without a new start tag: one huge tag, attribute value, comment or text
CHUNK_BYTES = 256 * 1024

_NATIVE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "utf-16", "utf16"}
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_DECLARED = re.compile(rb"^<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Target(Protocol):
    """What the parser feeds: ElementTree's target interface (attributes as a dict), plus a count of start
    tags seen so far (``events``: a stretch of input without any is one huge token)."""

    events: int
    # and on every start tag a target must compare its depth with MAX_DEPTH (refuse_depth())

    def start(self, tag: str, attrib: dict) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...

    def close(self) -> object: ...


def parse(chunks: Iterable[bytes], target: Target, head: bytes) -> None:
    """Feed ``chunks`` (the document's bytes, in order; ``head`` is their start) to ``target``.

    Raises InputRefused with a one-line reason for unsafe, malformed or oversized XML."""
    decode = _transcoder(head)
    parser = DefusedXMLParser(target=target, encoding="utf-8" if decode else None,
                              forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    # defusedxml installed its refusing handlers (DTD, entities, external references) on this expat parser;
    # elements go straight to the target, attributes as a dict: ElementTree's per-attribute Python name
    # fixing would cost more than all of reading the bill
    expat.ordered_attributes = False
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    expat.DefaultHandlerExpand = None  # ElementTree's: without a DTD expat itself rejects undefined entities
    if hasattr(target, "attach"):
        target.attach(expat)  # line numbers; a target may also switch text delivery on and off
    fed = stalled = 0
    seen = target.events
    try:
        for chunk in chunks:
            fed += len(chunk)
            parser.feed(decode(chunk) if decode else chunk)
            if target.events == seen:
                stalled += len(chunk)
                if stalled > MAX_TOKEN_BYTES:
                    raise InputRefused(f"XML has over {MAX_TOKEN_BYTES // 2**20} MB without a new element (one huge tag, "
                                       f"attribute value, comment or text, near byte {fed - stalled:,}): refused")
            else:
                seen, stalled = target.events, 0
                if seen > MAX_ELEMENTS:
                    raise InputRefused(f"XML has more than {MAX_ELEMENTS:,} elements: refused")
        if decode:
            parser.feed(decode(b"", final=True))
        parser.close()
    except DTDForbidden:
        raise InputRefused("XML with a document type declaration (<!DOCTYPE …>) refused: a DTD can expand "
                           "entities (billion laughs) or fetch external files, and bid XML needs none") from None
    except EntitiesForbidden as exc:
        raise InputRefused(f"XML entity declaration refused ({exc.name!r}): entity expansion is not allowed") from None
    except ExternalReferenceForbidden:
        raise InputRefused("XML external reference refused: nothing outside the file is ever read") from None
    except ParseError as exc:
        raise InputRefused(f"malformed XML ({_parse_error(exc)})") from None
    except UnicodeDecodeError as exc:
        raise InputRefused(f"XML text is not valid {exc.encoding} near byte {fed:,}") from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise InputRefused(f"XML nested deeper than {MAX_DEPTH} elements") from None


def refuse_depth() -> None:
    """Raise InputRefused for nesting past MAX_DEPTH (a target checks its depth on every start tag)."""
    raise InputRefused(f"XML nested deeper than {MAX_DEPTH} elements: refused")


def _transcoder(head: bytes):
    """None when expat reads the declared encoding itself; else a chunk decoder to UTF-8 bytes."""
    if head.startswith(_BOMS):
        return None
    match = _DECLARED.match(head.lstrip(b" \t\r\n"))
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _NATIVE:
        return None
    name = _WIDER.get(name, name)
    try:
        decoder = codecs.getincrementaldecoder(name)(errors="strict")
    except LookupError:
        raise InputRefused(f"XML declares an unknown encoding {match.group(1).decode('ascii')!r}") from None

    def decode(chunk: bytes, final: bool = False) -> bytes:
        return decoder.decode(chunk, final).encode("utf-8")

    return decode


def _parse_error(exc: ParseError) -> str:
    text = " ".join(str(exc).split())
    if text.startswith("no element found") or text.startswith("unclosed token"):
        text += " — the file looks truncated"
    return text[:200]
