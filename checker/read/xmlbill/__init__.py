"""Electronic bid files: the XML that pricing software and trading platforms exchange, read through schema
mappings (``mappings/*.toml``: element / attribute names → roles), plain or inside a zip bid package.

``read_xml_bill`` returns a complete FileRead: bill lines and material rows (with provenance: the 单位工程 as
the sheet, the XML lines, the element path), one SheetRead per 单位工程 and table, the totals the file
declares (单位工程 amounts, section amounts, the bid total), file facts (schema, pricing software, dongle and
machine ids where not blanked, project, bidder) and the rows that are not items (fees, 定额 sub-rows).
"""
from __future__ import annotations

import zipfile
import zlib
from typing import TYPE_CHECKING, Iterator, Optional

from ...model import FileRead, SheetRead
from ..sniff import InputRefused
from .detect import is_bid_package, looks_like_xml, member_order

if TYPE_CHECKING:
    from .mapping import Mapping
    from .reader import FileParts

# The parser, the mappings and their TOML files load on first use: sniff imports this package for every file
# (``detect``), and most files are not XML.
_LAZY = {"Mapping": "mapping", "MappingError": "mapping", "load_mapping": "mapping", "shipped_mappings": "mapping",
         "user_mappings": "mapping",
         "Collector": "reader", "FileParts": "reader", "file_parts": "reader", "safe": None}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        module = import_module(f"{__name__}.{_LAZY[name] or name}")
        return module if _LAZY[name] is None else getattr(module, name)
    raise AttributeError(name)

__all__ = ["read_xml_bill", "read_xml_stream", "looks_like_xml", "is_bid_package", "load_mapping",
           "shipped_mappings", "user_mappings", "Mapping", "MappingError", "XML_FORMATS"]

XML_FORMATS = ("xml", "zip")
_COPIES = (".pdf", ".xlsx", ".xls", ".doc", ".docx", ".ofd")


def read_xml_bill(path: str, display_name: str, fmt: str, sha256: str,
                  mappings: Optional[tuple[Mapping, ...]] = None, user: tuple[Mapping, ...] = ()) -> FileRead:
    """Read an XML bill (``fmt`` "xml") or a zip bid package holding one (``fmt`` "zip") through ``mappings``
    (default: the ``user`` mappings, then the shipped ones).

    Raises InputRefused (one line) for unsafe, malformed or unmapped input."""
    from .mapping import with_shipped

    mappings = mappings if mappings is not None else with_shipped(user)
    if fmt == "zip":
        return _read_package(path, display_name, sha256, mappings)
    with open(path, "rb") as handle:
        parts = read_xml_stream(_chunks(handle), display_name, mappings)
    return _file_read(display_name, sha256, parts, ())


def read_xml_stream(chunks: Iterator[bytes], display_name: str, mappings: tuple[Mapping, ...],
                    location_prefix: str = "") -> FileParts:
    """Parse one XML document given as byte chunks; its parts (items, sheets, totals, facts …)."""
    first = next(chunks, b"")
    if not first.strip():
        raise InputRefused("empty XML document")

    def replay() -> Iterator[bytes]:
        yield first
        yield from chunks

    from . import safe
    from .reader import Collector, file_parts

    collector = Collector(mappings)
    safe.parse(replay(), collector, first[:4096])
    if collector.bill is None:  # pragma: no cover - a well-formed document has a root
        raise InputRefused("XML document has no root element")
    return file_parts(collector.bill, display_name, location_prefix)


def _read_package(path: str, display_name: str, sha256: str, mappings: tuple[Mapping, ...]) -> FileRead:
    """Every XML member a mapping reads (conventional bill names first); other members are listed, not read.
    Sizes were checked by sniff (declared sizes, expansion ratio); reading never goes past a declared size."""
    read: list[tuple[str, FileParts]] = []
    notes: list[SheetRead] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
            for member in member_order(names):
                try:
                    with archive.open(member) as handle:
                        parts = read_xml_stream(_chunks(handle), display_name, mappings, location_prefix=f"{member}:")
                except InputRefused as exc:
                    notes.append(SheetRead(sheet=member, kind="", read=False, reason=str(exc)))
                    continue
                read.append((member, parts))
    except (RuntimeError, NotImplementedError) as exc:  # an encrypted member; a compression zipfile lacks
        raise InputRefused(f"zip member cannot be read: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputRefused(f"corrupt or truncated zip ({exc})") from None
    if not read and notes:  # the XML members could not be read: say why for the first (the bill's name first)
        more = f" (and {len(notes) - 1} more XML member(s))" if len(notes) > 1 else ""
        raise InputRefused(f"zip member {notes[0].sheet}: {notes[0].reason}{more}")
    if not read:
        listed = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        raise InputRefused(f"zip holds no bill XML that a schema mapping reads (members: {listed}); "
                           "extract the bill and check it directly")
    copies = [n for n in names if n.lower().endswith(_COPIES)]
    for name in copies:
        notes.append(SheetRead(sheet=name, kind="", read=False,
                               reason="a rendering of the bill beside its XML: the XML was read instead"))
    if len(read) == 1:
        member, parts = read[0]
        return _file_read(display_name, sha256, parts, notes, (("container", "zip"), ("member", member)))
    merged = _merge([parts for _, parts in read])
    facts = (("container", "zip"),) + tuple(("member", member) for member, _ in read)
    return _file_read(display_name, sha256, merged, notes, facts)


def _merge(many: list[FileParts]) -> FileParts:
    from .reader import FileParts

    return FileParts(**{name: tuple(x for parts in many for x in getattr(parts, name))
                        for name in ("items", "tables", "sheets", "skipped", "totals", "meta", "warnings")},
                     project=next((p.project for p in many if p.project), ""))


def _file_read(display_name: str, sha256: str, parts: FileParts, notes, facts=()) -> FileRead:
    if not parts.items:
        schema = dict(parts.meta).get("schema", "?")
        raise InputRefused(f"XML bill (schema {schema}) holds no bill lines or material rows")
    return FileRead(path=display_name, format="xml", sha256=sha256, items=parts.items, tables=parts.tables,
                    project=parts.project, warnings=parts.warnings, sheets=parts.sheets + tuple(notes),
                    skipped=parts.skipped, totals=parts.totals, meta=tuple(dict.fromkeys(parts.meta + tuple(facts))))


def _chunks(handle) -> Iterator[bytes]:
    from . import safe

    return iter(lambda: handle.read(safe.CHUNK_BYTES), b"")
