"""Schema mappings: a province's bid-file XML described as data (element / attribute names → roles).

A mapping is a TOML file in ``mappings/`` (or any path given to ``load_mapping``).  It names the root
element(s) that identify the schema, the elements that are the project, the 单位工程 (unit), the sections,
the declared totals, the file-level facts (pricing software, dongle, machine id), the itemised tables
(bill lines, material rows) with the names their fields go by, the tables that are recognised but not
itemised (fees, summaries), and rows that are skipped (定额 under a bill line).

A field is a list of names.  Each name is looked up as an attribute of the element and, when absent, as
the text of a direct child element of that name: the same mapping reads ``<Item Code="…">`` and
``<Item><Code>…</Code></Item>``.  When several names are present their values are joined with "；".
A [section] whose element is ".." is the element that directly holds the rows (its attributes name it), for
schemas whose section element's own name is not known.  Amounts may declare a scale (万元: amount_scale = 10000).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Optional

from ...documents import read_document

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ITEM_FIELDS = ("seq", "code", "name", "features", "spec", "brand", "manufacturer", "unit", "quantity",
               "unit_price", "amount")
NUMBER_FIELDS = frozenset({"quantity", "unit_price", "amount"})
TABLE_KINDS = ("boq", "material")
RECOGNISED_KINDS = ("fee", "summary", "analysis", "other")
META_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
CONFIDENCE = ("high", "medium", "low")
RESERVED_META = ("schema", "schema_file")  # facts the reader sets: the mapping's id, a user mapping's file


class MappingError(Exception):
    """A mapping file is missing, not TOML, or not a valid mapping; the message is one line."""


@dataclass(frozen=True)
class Part:
    """An element that carries a few values (project, unit, section, bill total, a meta fact)."""

    element: str
    values: tuple[tuple[str, tuple[str, ...]], ...]  # (role, names)
    scale: float = 1.0  # the declared amount is in this many yuan (万元: 10000)
    label: str = ""

    def names(self, role: str) -> tuple[str, ...]:
        for key, names in self.values:
            if key == role:
                return names
        return ()


@dataclass(frozen=True)
class Table:
    """An itemised table: every ``row`` element becomes a LineItem of ``kind``."""

    label: str
    kind: str  # boq or material
    row: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # (LineItem field, names)
    main_flag: tuple[str, ...] = ()  # material rows whose flag is true come first
    section: str = ""  # a fixed section for rows outside any mapped section element


@dataclass(frozen=True)
class Recognised:
    """A table whose rows are recognised (fees, summaries …) but are not bill items."""

    label: str
    kind: str
    row: str


@dataclass(frozen=True)
class Skip:
    """Rows that are not items (定额 under a bill line): counted by reason."""

    row: str
    reason: str


@dataclass(frozen=True)
class Mapping:
    """One schema: how to read its XML into bill lines, material rows, totals and file facts."""

    id: str
    title: str
    source: str
    confidence: str
    roots: tuple[str, ...]
    project: Optional[Part]
    unit: Optional[Part]
    section: Optional[Part]
    bill: Optional[Part]
    meta: tuple[tuple[str, Part], ...]
    tables: tuple[Table, ...]
    recognised: tuple[Recognised, ...] = ()
    skip: tuple[Skip, ...] = ()
    blanked: tuple[str, ...] = ()  # values that mean "withheld" (identity attributes blanked by a platform)
    path: str = ""
    user: bool = False  # given by the user (--xml-mapping, the config's xml-mappings), not shipped


_TOP_KEYS = {"id", "title", "source", "confidence", "note", "roots", "blanked", "project", "unit", "section",
             "bill", "meta", "table", "recognised", "skip"}
_TABLE_KEYS = {"label", "kind", "row", "fields", "main_flag", "section"}


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate one mapping file; raises MappingError with one line."""
    document = read_document(path, tomllib.loads, (tomllib.TOMLDecodeError,), MappingError, "schema mapping",
                             "not a TOML schema mapping")
    try:
        return _build(document, str(path))
    except MappingError as exc:
        raise MappingError(f"{path}: {exc}") from None


def shipped_mappings() -> tuple[Mapping, ...]:
    """The mappings shipped with gbm-check (``checker/read/xmlbill/mappings/*.toml``), sorted by file name."""
    global _SHIPPED
    if _SHIPPED is None:
        folder = resources.files(__package__) / "mappings"
        _SHIPPED = tuple(load_mapping(Path(str(entry))) for entry in sorted(folder.iterdir(), key=lambda e: e.name)
                         if entry.name.endswith(".toml"))
    return _SHIPPED


_SHIPPED: Optional[tuple[Mapping, ...]] = None


def user_mappings(paths) -> tuple[Mapping, ...]:
    """The user's own mapping files, validated, in the order given (a file named twice is read once); raises
    MappingError with one line, also when two of them claim the same root element.  They are tried before the
    shipped mappings (``with_shipped``)."""
    loaded: list[Mapping] = []
    seen: set[Path] = set()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        mapping = replace(load_mapping(path), user=True)
        for other in loaded:
            shared = [root for root in mapping.roots if root in other.roots]
            if shared:
                raise MappingError(f"{path}: root <{shared[0]}> is also mapped by {other.path}: give one of them")
        loaded.append(mapping)
    return tuple(loaded)


def with_shipped(user: tuple[Mapping, ...] = ()) -> tuple[Mapping, ...]:
    """The mappings a document is read through: the user's first (they win for a root both know), then the
    shipped ones."""
    return tuple(user) + shipped_mappings()


def mapping_for_root(root: str, mappings: tuple[Mapping, ...]) -> Optional[Mapping]:
    """The first mapping whose ``roots`` name this root element (local name, no namespace)."""
    for mapping in mappings:
        if root in mapping.roots:
            return mapping
    return None


def _build(doc: dict, path: str) -> Mapping:
    _no_unknown(doc, _TOP_KEYS, "mapping")
    for key in ("id", "title", "source", "confidence"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise MappingError(f"'{key}' must be a non-empty string")
    if doc["confidence"] not in CONFIDENCE:
        raise MappingError(f"confidence must be one of {', '.join(CONFIDENCE)}, not {doc['confidence']!r}")
    roots = _names(doc.get("roots"), "roots")
    tables = tuple(_table(t, i) for i, t in enumerate(_list_of_tables(doc.get("table"), "table"), 1))
    if not tables:
        raise MappingError("a mapping needs at least one [[table]]")
    meta = doc.get("meta", {})
    if not isinstance(meta, dict):
        raise MappingError("[meta] must be a table of key = { element = …, value = […] }")
    for key in meta:
        if not key or not set(key) <= META_KEY_CHARS:
            raise MappingError(f"meta key {key!r} must be lowercase ASCII (software, dongle, mac, …)")
        if key in RESERVED_META:
            raise MappingError(f"meta key {key!r} is the reader's own (which mapping read the file)")
    recognised = []
    for i, entry in enumerate(_list_of_tables(doc.get("recognised"), "recognised"), 1):
        _no_unknown(entry, {"label", "kind", "row"}, f"[[recognised]] #{i}")
        if entry.get("kind") not in RECOGNISED_KINDS:
            raise MappingError(f"[[recognised]] #{i}: kind must be one of {', '.join(RECOGNISED_KINDS)}")
        recognised.append(Recognised(label=_text(entry, "label", f"[[recognised]] #{i}"), kind=entry["kind"],
                                     row=_text(entry, "row", f"[[recognised]] #{i}")))
    skip = []
    for i, entry in enumerate(_list_of_tables(doc.get("skip"), "skip"), 1):
        _no_unknown(entry, {"row", "reason"}, f"[[skip]] #{i}")
        skip.append(Skip(row=_text(entry, "row", f"[[skip]] #{i}"), reason=_text(entry, "reason", f"[[skip]] #{i}")))
    rows = [t.row for t in tables] + [r.row for r in recognised] + [s.row for s in skip]
    twice = sorted({r for r in rows if rows.count(r) > 1})
    if twice:
        raise MappingError(f"row element(s) mapped twice: {', '.join(twice)}")
    return Mapping(
        id=doc["id"].strip(), title=doc["title"].strip(), source=doc["source"].strip(), confidence=doc["confidence"],
        roots=roots, project=_part(doc.get("project"), "project", ("name",)),
        unit=_part(doc.get("unit"), "unit", ("name", "amount")),
        section=_part(doc.get("section"), "section", ("name", "amount")),
        bill=_part(doc.get("bill"), "bill", ("amount",)),
        meta=tuple((key, _part(value, f"meta.{key}", ("value",))) for key, value in meta.items()),
        tables=tables, recognised=tuple(recognised), skip=tuple(skip),
        blanked=_names(doc.get("blanked", []), "blanked", allow_empty=True), path=path)


def _part(value: Any, where: str, roles: tuple[str, ...]) -> Optional[Part]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MappingError(f"[{where}] must be a table")
    _no_unknown(value, {"element", "label", "amount_scale", *roles}, f"[{where}]")
    scale = value.get("amount_scale", 1)
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or scale <= 0:
        raise MappingError(f"[{where}] amount_scale must be a positive number")
    values = tuple((role, _names(value[role], f"{where}.{role}")) for role in roles if role in value)
    if not values:
        raise MappingError(f"[{where}] names none of: {', '.join(roles)}")
    return Part(element=_text(value, "element", f"[{where}]"), values=values, scale=float(scale),
                label=str(value.get("label", "")))


def _table(entry: dict, index: int) -> Table:
    where = f"[[table]] #{index}"
    _no_unknown(entry, _TABLE_KEYS, where)
    kind = entry.get("kind")
    if kind not in TABLE_KINDS:
        raise MappingError(f"{where}: kind must be one of {', '.join(TABLE_KINDS)}")
    fields = entry.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise MappingError(f"{where}: [table.fields] must map LineItem fields to element / attribute names")
    _no_unknown(fields, set(ITEM_FIELDS), f"{where} fields")
    if "name" not in fields:
        raise MappingError(f"{where}: fields must include 'name'")
    return Table(label=_text(entry, "label", where), kind=kind, row=_text(entry, "row", where),
                 fields=tuple((f, _names(fields[f], f"{where} fields.{f}")) for f in ITEM_FIELDS if f in fields),
                 main_flag=_names(entry.get("main_flag", []), f"{where} main_flag", allow_empty=True),
                 section=str(entry.get("section", "")))


def _list_of_tables(value: Any, key: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise MappingError(f"'{key}' must be an array of tables ([[{key}]])")
    return value


def _names(value: Any, where: str, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise MappingError(f"'{where}' must be a name or a list of names")
    if not value and not allow_empty:
        raise MappingError(f"'{where}' must name at least one element or attribute")
    return tuple(v.strip() for v in value)


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _no_unknown(entry: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
