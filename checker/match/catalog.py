"""Catalogs: load, validate and merge the JSON catalog files (format: catalogs/SCHEMA.md).

The shipped files live in the package (``checker.catalogs``).  Extra files named on the command line or in
config add entries, or replace shipped entries that have the same id.  Every report names the catalogs used
(id, title, edition, source) and repeats their known gaps.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from ..judge.conditions import validate_condition
from ..documents import read_document

SCHEMA_ID = "gbm-check/catalog@1"
LISTS = ("banned", "restricted", "promoted", "green")
JURISDICTIONS = ("national", "shandong", "city")
CONFIDENCES = ("high", "medium", "low")
_REQUIRED = ("id", "list", "name", "jurisdiction", "source", "edition", "confidence")


class CatalogError(Exception):
    """A catalog file is missing, unreadable or not valid; the message is one line."""


@dataclass(frozen=True)
class Entry:
    """One catalog entry: a banned / restricted / promoted technology, or a green product category."""

    id: str
    list: str
    name: str
    jurisdiction: str
    source: str
    edition: str
    confidence: str
    catalog: str = ""
    city: str = ""
    group: str = ""
    terms: tuple[str, ...] = ()
    combos: tuple[tuple[tuple[str, ...], ...], ...] = ()
    clause_combos: tuple[tuple[tuple[str, ...], ...], ...] = ()  # like combos, all parts in one clause

    @property
    def all_combos(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Line-wide combos first, then clause combos (the matcher numbers them in this order)."""
        return self.combos + self.clause_combos
    exclusions: tuple[str, ...] = ()
    vague_terms: tuple[str, ...] = ()
    conditions: tuple[tuple[tuple[str, object], ...], ...] = ()  # scope conditions (see checker.conditions)
    code_prefixes: tuple[str, ...] = ()
    scope: str = ""
    decidable: bool = True
    replacement: str = ""
    source_url: str = ""
    effective: str = ""
    notes: str = ""
    alias_note: str = ""


@dataclass(frozen=True)
class Catalog:
    """One catalog file."""

    id: str
    title: str
    edition: str
    jurisdiction: str
    source: str
    path: str
    entries: tuple[Entry, ...]
    gaps: tuple[str, ...] = ()
    provincial: bool = False  # the provincial Shandong catalogue (loaded by an officer with `catalog import`)


@dataclass
class CatalogSet:
    """All catalogs in use, merged: later files override entries of earlier ones by id."""

    catalogs: list[Catalog] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)

    def add(self, catalog: Catalog) -> None:
        self.catalogs.append(catalog)
        for entry in catalog.entries:
            self.entries[entry.id] = entry

    @property
    def gaps(self) -> list[str]:
        seen: list[str] = []
        for catalog in self.catalogs:
            for gap in catalog.gaps:
                if gap not in seen:
                    seen.append(gap)
        if not any(c.provincial for c in self.catalogs):
            missing = ("no provincial Shandong catalogue loaded: 《山东省建设领域推广应用和限制、禁止使用技术产品目录》 "
                       "could not be obtained; load the official edition with `gbm-check catalog import`")
            if missing not in seen:
                seen.insert(0, missing)
        return seen

    def get(self, entry_id: str) -> Optional[Entry]:
        return self.entries.get(entry_id)


def validate(data: object) -> list[str]:
    """Problems with a parsed catalog document, one line each; empty when it is valid."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["catalog must be a JSON object"]
    if data.get("schema") != SCHEMA_ID:
        problems.append(f"schema must be {SCHEMA_ID!r}, not {data.get('schema')!r}")
    for key in ("id", "title", "edition", "jurisdiction", "source"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(f"catalog field {key!r} is missing or not text")
    entries = data.get("entries")
    if not isinstance(entries, list):
        return problems + ["'entries' must be a list"]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object")
            continue
        where = f"entry {entry.get('id', index)!s}"
        for key in _REQUIRED:
            if not isinstance(entry.get(key), str) or not entry.get(key):
                problems.append(f"{where}: required field {key!r} is missing or empty")
        if entry.get("id") in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(entry.get("id"))
        if entry.get("list") not in LISTS:
            problems.append(f"{where}: list must be one of {', '.join(LISTS)}")
        if entry.get("jurisdiction") not in JURISDICTIONS:
            problems.append(f"{where}: jurisdiction must be one of {', '.join(JURISDICTIONS)}")
        if entry.get("jurisdiction") == "city" and not entry.get("city"):
            problems.append(f"{where}: a city entry needs 'city'")
        if entry.get("confidence") not in CONFIDENCES:
            problems.append(f"{where}: confidence must be high, medium or low")
        for key in ("terms", "vague_terms", "exclusions", "code_prefixes"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                problems.append(f"{where}: {key!r} must be a list of non-empty strings")
        for key in ("combos", "clause_combos"):
            combos = entry.get(key, [])
            if not isinstance(combos, list) or not all(
                isinstance(c, list) and c and all(isinstance(g, list) and g and all(isinstance(t, str) and t for t in g)
                                                  for g in c)
                for c in combos
            ):
                problems.append(f"{where}: {key!r} must be a list of lists of non-empty lists of strings")
        for condition in entry.get("conditions", []) if isinstance(entry.get("conditions", []), list) else [None]:
            problem = validate_condition(condition)
            if problem:
                problems.append(f"{where}: condition: {problem}")
        if "decidable" in entry and not isinstance(entry["decidable"], bool):
            problems.append(f"{where}: 'decidable' must be true or false")
    return problems


def parse(data: dict, path: str) -> Catalog:
    """Build a Catalog from a validated document."""
    entries = []
    for raw in data["entries"]:
        entries.append(
            Entry(
                id=raw["id"], list=raw["list"], name=raw["name"], jurisdiction=raw["jurisdiction"],
                source=raw["source"], edition=raw["edition"], confidence=raw["confidence"], catalog=data["id"],
                city=raw.get("city", ""), group=raw.get("group", ""), terms=tuple(raw.get("terms", ())),
                combos=tuple(tuple(tuple(g) for g in c) for c in raw.get("combos", ())),
                clause_combos=tuple(tuple(tuple(g) for g in c) for c in raw.get("clause_combos", ())),
                exclusions=tuple(raw.get("exclusions", ())), vague_terms=tuple(raw.get("vague_terms", ())),
                conditions=tuple(tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in c.items())
                                 for c in raw.get("conditions", ())),
                code_prefixes=tuple(raw.get("code_prefixes", ())),
                scope=raw.get("scope", ""), decidable=raw.get("decidable", True),
                replacement=raw.get("replacement", ""), source_url=raw.get("source_url", ""),
                effective=raw.get("effective", ""), notes=raw.get("notes", ""), alias_note=raw.get("alias_note", ""),
            )
        )
    return Catalog(
        id=data["id"], title=data["title"], edition=data["edition"], jurisdiction=data["jurisdiction"],
        source=data["source"], path=path, entries=tuple(entries), gaps=tuple(data.get("gaps", ())),
        provincial=bool(data.get("provincial", False)),
    )


def load_file(path: str | Path) -> Catalog:
    """Load and validate one catalog file."""
    path = Path(path)
    data = read_document(path, json.loads, (json.JSONDecodeError,), CatalogError, "catalog", "not a JSON catalog")
    problems = validate(data)
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CatalogError(f"{path}: invalid catalog: {problems[0]}{more}")
    return parse(data, str(path))


def shipped_paths() -> list[Path]:
    """The catalog files shipped in the package, in load order."""
    folder = resources.files("checker.catalogs")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json"))


def load_catalogs(extra: Iterable[str | Path] = (), shipped: bool = True) -> CatalogSet:
    """The shipped catalogs, then the extra files (which add or override entries)."""
    catalogs = CatalogSet()
    for path in (shipped_paths() if shipped else []) + [Path(p) for p in extra]:
        catalogs.add(load_file(path))
    return catalogs


def suggest(catalogs: CatalogSet, text: str, limit: int = 5) -> list[tuple[Entry, float]]:
    """Entries whose name or terms look like ``text`` (for a person searching with a half-remembered or
    misspelt name).  A fuzzy score is right here, and only here: it never decides a finding."""
    from rapidfuzz import fuzz, process

    from .normalize import normalize

    choices: dict[str, Entry] = {}
    for entry in catalogs.entries.values():
        for label in (entry.name, *entry.terms):
            choices.setdefault(normalize(label), entry)
    best: dict[str, tuple[Entry, float]] = {}
    for label, score, _ in process.extract(normalize(text), list(choices), scorer=fuzz.WRatio, limit=limit * 4,
                                           score_cutoff=60):
        entry = choices[label]
        if entry.id not in best or best[entry.id][1] < score:
            best[entry.id] = (entry, score)
    return sorted(best.values(), key=lambda pair: -pair[1])[:limit]
