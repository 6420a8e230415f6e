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
from .structure import PRODUCT_CLASSES, STRUCTURE_FILE, default_reader

SCHEMA_ID = "gbm-check/catalog@1"
NO_PROVINCIAL_CATALOGUE = ("no provincial Shandong catalogue loaded: 《山东省建设领域推广应用和限制、禁止使用技术产品目录》 "
                           "could not be obtained; load the official edition with `gbm-check catalog import`")
LISTS = ("banned", "restricted", "promoted", "green")
JURISDICTIONS = ("national", "shandong", "city")
CONFIDENCES = ("high", "medium", "low")
_REQUIRED = ("id", "list", "name", "jurisdiction", "source", "edition", "confidence")
LOCATION_KEYS = ("exterior", "interior", "floor", "unknown")
SEVERITIES = ("banned", "manual", "not_applicable")
PART_KEYS = {"terms", "class", "product", "roles", "not_roles", "whole", "not_with", "object"}
PATTERN_KEYS = {"parts", "within", "work_items", "not_work_items", "require_work_item", "severity_by_location",
                "manual", "message", "unless"}


class CatalogError(Exception):
    """A catalog file is missing, unreadable or not valid; the message is one line."""


@dataclass(frozen=True)
class Part:
    """One part of a structural pattern (catalogs/SCHEMA.md): words, a vocabulary class, or the line's product,
    optionally only in clauses of some roles."""

    terms: tuple[str, ...] = ()
    cls: str = ""  # a class of the line-structure vocabulary (tile, cement_mortar, site_mix …)
    product: tuple[str, ...] = ()  # the line supplies one of these products (tile, stone, metal_panel)
    roles: tuple[str, ...] = ()  # the word counts only in these roles
    not_roles: tuple[str, ...] = ()
    whole: bool = False  # the word must be the whole value of its option (材质：竹; 钢管或竹木)
    not_with: tuple[str, ...] = ()  # classes that must not stand in the same option (mortar + 瓷砖胶)
    object: str = ""  # a qualifier's object must be this (现拌 of concrete, not of mortar)


@dataclass(frozen=True)
class Pattern:
    """A structural pattern: every part found in the line (or in one clause) names the entry."""

    parts: tuple[Part, ...]
    within: str = "line"  # "line" or "clause": all parts in one numbered clause
    work_items: tuple[str, ...] = ()  # the pattern counts only in these work items (an unknown one passes …)
    not_work_items: tuple[str, ...] = ()
    require_work_item: bool = False  # … unless the work item must be known
    severity_by_location: tuple[tuple[str, str], ...] = ()
    manual: bool = False  # a hit needs a manual check (the line does not settle the rule)
    message: str = ""
    unless: tuple[str, ...] = ()  # classes whose words anywhere in the line settle it the other way (背栓)


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
    work_items: tuple[str, ...] = ()  # the entry counts only in lines of these work items (when known)
    not_work_items: tuple[str, ...] = ()  # … and never in these
    line_exclusions: tuple[str, ...] = ()  # words anywhere in the line that show the term names another thing
    severity_by_location: tuple[tuple[str, str], ...] = ()  # exterior/interior/floor/unknown → banned/manual/…
    patterns: tuple[Pattern, ...] = ()
    # a green category that is the line's main one for these work items (the line's own, or, when its text names
    # none, its section heading's or sheet name's) where the line supplies one of these products (幕墙 sheet: 铝单板)
    main_for_work_items: tuple[str, ...] = ()
    main_for_products: tuple[str, ...] = ()


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
    key_gaps: tuple[str, ...] = ()  # gaps every report states in full (the rest: in full where there is room)
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
    def key_gaps(self) -> list[str]:
        """The gaps every report states in full: no provincial Shandong catalogue (unless one is loaded), then
        each catalog's ``key_gaps``."""
        seen: list[str] = []
        if not any(c.provincial for c in self.catalogs):
            seen.append(NO_PROVINCIAL_CATALOGUE)
        for catalog in self.catalogs:
            seen.extend(gap for gap in catalog.key_gaps if gap not in seen)
        return seen

    @property
    def gaps(self) -> list[str]:
        """Every known gap: the key ones first."""
        seen = self.key_gaps
        for catalog in self.catalogs:
            seen.extend(gap for gap in catalog.gaps if gap not in seen)
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
    for key in ("gaps", "key_gaps"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"catalog field {key!r} must be a list of non-empty strings")
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
        problems.extend(f"{where}: {p}" for p in _structural_problems(entry))
    return problems


def _structural_problems(entry: dict) -> list[str]:
    """Problems with the structural fields of one entry (work items, roles and classes named by the
    line-structure vocabulary, catalogs/line_structure.json)."""
    reader = default_reader()
    roles = set(reader.roles) | set(reader.vocabulary["verbs"]) | {"name", "free"}
    problems: list[str] = []

    def names(value: object, known, what: str) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{what} must be a list of strings")
        elif any(v not in known for v in value):
            problems.append(f"{what}: unknown {sorted(set(value) - set(known))}")

    def severities(value: object, what: str) -> None:
        if not isinstance(value, dict) or any(k not in LOCATION_KEYS or v not in SEVERITIES for k, v in value.items()):
            problems.append(f"{what} must map {'/'.join(LOCATION_KEYS)} to {'/'.join(SEVERITIES)}")

    for key in ("work_items", "not_work_items"):
        if key in entry:
            names(entry[key], reader.work_items, key)
    if "line_exclusions" in entry:
        names(entry["line_exclusions"], _Anything(), "line_exclusions")
    if "severity_by_location" in entry:
        severities(entry["severity_by_location"], "severity_by_location")
    if "main_for" in entry:
        main_for = entry["main_for"]
        if not isinstance(main_for, dict) or set(main_for) - {"work_items", "products"} or not main_for.get(
                "work_items"):
            problems.append("main_for must be an object with work_items (and products)")
        else:
            names(main_for["work_items"], reader.work_items, "main_for: work_items")
            names(main_for.get("products", []), PRODUCT_CLASSES, "main_for: products")
    patterns = entry.get("patterns", [])
    if not isinstance(patterns, list):
        return problems + ["'patterns' must be a list"]
    for n, pattern in enumerate(patterns, 1):
        what = f"pattern {n}"
        if not isinstance(pattern, dict) or set(pattern) - PATTERN_KEYS:
            problems.append(f"{what}: must be an object with keys among {sorted(PATTERN_KEYS)}")
            continue
        if pattern.get("within", "line") not in ("line", "clause"):
            problems.append(f"{what}: within must be line or clause")
        for key in ("work_items", "not_work_items"):
            if key in pattern:
                names(pattern[key], reader.work_items, f"{what}: {key}")
        if "severity_by_location" in pattern:
            severities(pattern["severity_by_location"], f"{what}: severity_by_location")
        if "unless" in pattern:
            names(pattern["unless"], reader.classes, f"{what}: unless")
        parts = pattern.get("parts")
        if not isinstance(parts, list) or not parts:
            problems.append(f"{what}: parts must be a non-empty list")
            continue
        for part in parts:
            if not isinstance(part, dict) or set(part) - PART_KEYS:
                problems.append(f"{what}: a part must be an object with keys among {sorted(PART_KEYS)}")
                continue
            kinds = [k for k in ("terms", "class", "product") if k in part]
            if len(kinds) != 1:
                problems.append(f"{what}: a part needs exactly one of terms, class, product")
            if "terms" in part:
                names(part["terms"], _Anything(), f"{what}: terms")
            if "class" in part and part["class"] not in reader.classes:
                problems.append(f"{what}: unknown class {part['class']!r}")
            if "product" in part:
                names(part["product"], PRODUCT_CLASSES, f"{what}: product")
            for key in ("roles", "not_roles"):
                if key in part:
                    names(part[key], roles, f"{what}: {key}")
            if "not_with" in part:
                names(part["not_with"], reader.classes, f"{what}: not_with")
            if part.get("object", "") not in ("", "concrete", "mortar"):
                problems.append(f"{what}: object must be concrete or mortar")
    return problems


class _Anything:
    def __contains__(self, value: object) -> bool:
        return bool(value)


def _pattern(raw: dict) -> Pattern:
    parts = tuple(
        Part(terms=tuple(p.get("terms", ())), cls=p.get("class", ""), product=tuple(p.get("product", ())),
             roles=tuple(p.get("roles", ())), not_roles=tuple(p.get("not_roles", ())), whole=bool(p.get("whole")),
             not_with=tuple(p.get("not_with", ())), object=p.get("object", ""))
        for p in raw["parts"])
    return Pattern(parts=parts, within=raw.get("within", "line"), work_items=tuple(raw.get("work_items", ())),
                   not_work_items=tuple(raw.get("not_work_items", ())),
                   require_work_item=bool(raw.get("require_work_item")),
                   severity_by_location=tuple(raw.get("severity_by_location", {}).items()),
                   manual=bool(raw.get("manual")), message=raw.get("message", ""),
                   unless=tuple(raw.get("unless", ())))


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
                work_items=tuple(raw.get("work_items", ())), not_work_items=tuple(raw.get("not_work_items", ())),
                line_exclusions=tuple(raw.get("line_exclusions", ())),
                severity_by_location=tuple(raw.get("severity_by_location", {}).items()),
                patterns=tuple(_pattern(p) for p in raw.get("patterns", ())),
                main_for_work_items=tuple(raw.get("main_for", {}).get("work_items", ())),
                main_for_products=tuple(raw.get("main_for", {}).get("products", ())),
            )
        )
    return Catalog(
        id=data["id"], title=data["title"], edition=data["edition"], jurisdiction=data["jurisdiction"],
        source=data["source"], path=path, entries=tuple(entries), gaps=tuple(data.get("gaps", ())),
        key_gaps=tuple(data.get("key_gaps", ())), provincial=bool(data.get("provincial", False)),
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
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json") and p.name != STRUCTURE_FILE)


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
