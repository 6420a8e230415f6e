"""Read a bid-file XML through a schema mapping: bill lines, material rows, declared totals, file facts.

The document is streamed (safe.parse feeds this module's ``Collector``, which keeps no tree): each mapped row
element becomes a LineItem whose provenance is the 单位工程 (``Provenance.sheet``), the XML lines it spans
(``first_row``/``last_row``) and its element path (``Provenance.location``, an XPath with 1-based indexes).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ...model import DeclaredTotal, LineItem, Provenance, SheetRead, SkippedRows, TableInfo
from ..cells import code_text, to_number
from ..sniff import InputRefused
from . import safe
from .mapping import NUMBER_FIELDS, Mapping, Part, Table, mapping_for_root

MAX_ITEMS = 200_000  # rows that become items (~1.3 KB each held); a document with more is refused
_TRUE = frozenset({"true", "1", "是", "y", "yes", "t"})
_EXAMPLES = 3


@dataclass
class _Scope:
    """An open unit (单位工程) or section element: its values may arrive as attributes or child elements."""

    index: int
    path: str
    line: int
    values: dict = field(default_factory=dict)
    name: str = ""


@dataclass
class _Capture:
    """An open element with a mapped role, collecting its direct children's text by name."""

    kind: str  # row, unit, section, part
    depth: int
    attrs: dict
    wanted: frozenset
    children: dict = field(default_factory=dict)
    payload: object = None  # row: its Table; unit / section: (scope, Part, outer unit, outer section); part: (key, Part)
    line: int = 0
    path: str = ""
    unit: Optional[_Scope] = None
    section: Optional[_Scope] = None


@dataclass
class XmlBill:
    """What the collector read; ``file_parts`` turns it into FileRead fields."""

    mapping: Mapping
    rows: list = field(default_factory=list)  # (table, unit, section, item fields, main?, first, last line, path)
    units: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # (meta key or role, Part, values, path)
    recognised: Counter = field(default_factory=Counter)  # (unit scope index, label, kind) → rows
    skipped: Counter = field(default_factory=Counter)
    skipped_examples: dict = field(default_factory=dict)
    bad_numbers: int = 0  # quantity / price / amount values that are not numbers


class Collector:
    """An ElementTree parser target that reads one document through the first mapping matching its root."""

    def __init__(self, mappings: tuple[Mapping, ...]):
        self.mappings = mappings
        self.bill: Optional[XmlBill] = None
        self.expat = None  # set by attach()
        self.events = 0  # start tags seen (the parser's progress check reads it)
        self.depth = 0
        self.max_depth = safe.MAX_DEPTH
        self.stack: list[list] = [[None, 0, {}, None]]  # per open element: [tag, index, attrs, child counts]
        self.captures: list[_Capture] = []
        self.capture_depth = -1  # depth of the innermost open capture
        self.text_into: Optional[tuple[list, int]] = None  # ([(capture, child name)], depth of the child)
        self.text: list[str] = []
        self.text_nested = False  # the value being read has inner elements
        self.unit: Optional[_Scope] = None
        self.section: Optional[_Scope] = None
        self.roles: dict[str, tuple] = {}
        self.wanted: frozenset = frozenset()  # every name a value may come from (child elements read as text)
        self.section_parent: Optional[Part] = None
        self.parent_scope: Optional[_Scope] = None  # the last '..' section made
        self.items = 0

    def attach(self, expat) -> None:
        """The expat parser feeding us: for line numbers, and to receive text only while a value is read."""
        self.expat = expat
        expat.CharacterDataHandler = None

    # --- parser target interface (kept lean: it runs for every element) -------------------------------
    def start(self, tag: str, attrib: dict) -> None:
        self.events += 1
        depth = self.depth = self.depth + 1
        if "}" in tag:
            tag = tag.rpartition("}")[2]
        if depth > self.max_depth:
            safe.refuse_depth()
        parent = self.stack[-1]
        counts = parent[3]
        if counts is None:
            counts = parent[3] = {}
        index = counts[tag] = counts.get(tag, 0) + 1
        self.stack.append([tag, index, attrib, None])
        if self.bill is None:
            self._choose(tag)
        if self.text_into is not None:  # an element inside a value being read (<项目特征><条>…</条>…): a new line
            self.text.append("\n")
            self.text_nested = True
        elif depth == self.capture_depth + 1 and tag in self.wanted:
            into = [(c, tag) for c in self._innermost() if tag in c.wanted]
            if into:
                self.text_into, self.text = (into, depth), []
                if self.expat is not None:
                    self.expat.CharacterDataHandler = self.text.append
        roles = self.roles.get(tag)
        if roles is not None:
            for role in roles:
                self._open(role, tag, attrib, depth)

    def data(self, text: str) -> None:
        if self.text_into is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        depth = self.depth
        into = self.text_into
        if into is not None and into[1] == depth:
            text = "".join(self.text).strip()
            if self.text_nested:  # one line per inner element, the layout's indentation dropped
                text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
                self.text_nested = False
            for capture, name in into[0]:
                capture.children.setdefault(name, text)
            self.text_into, self.text = None, []
            if self.expat is not None:
                self.expat.CharacterDataHandler = None
        if depth == self.capture_depth:
            captures = self.captures
            while captures and captures[-1].depth == depth:
                self._close(captures.pop())
            self.capture_depth = captures[-1].depth if captures else -1
        self.depth = depth - 1
        self.stack.pop()

    def close(self) -> Optional[XmlBill]:
        return self.bill

    def _innermost(self) -> list[_Capture]:
        """The open captures at the innermost capture depth (an element can have several roles)."""
        found = []
        for capture in reversed(self.captures):
            if capture.depth != self.capture_depth:
                break
            found.append(capture)
        return found

    # --- roles ---------------------------------------------------------------------------------------
    def _choose(self, root: str) -> None:
        mapping = mapping_for_root(root, self.mappings)
        if mapping is None:
            known = "; ".join(f"<{'|'.join(m.roots)}> ({m.id})" for m in self.mappings)
            raise InputRefused(f"XML root <{root}> matches no bill schema mapping (known: {known})")
        self.bill = XmlBill(mapping)
        roles: dict[str, list] = {}

        def add(element: str, role: tuple) -> None:
            roles.setdefault(element, []).append(role)

        for table in mapping.tables:
            add(table.row, ("row", table, _wanted(table.fields) | frozenset(table.main_flag)))
        for entry in mapping.recognised:
            add(entry.row, ("recognised", entry))
        for entry in mapping.skip:
            add(entry.row, ("skip", entry))
        if mapping.unit:
            add(mapping.unit.element, ("unit", mapping.unit, _wanted(mapping.unit.values)))
        if mapping.section and mapping.section.element != "..":
            add(mapping.section.element, ("section", mapping.section, _wanted(mapping.section.values)))
        self.section_parent = mapping.section if mapping.section and mapping.section.element == ".." else None
        for key, part in (("project", mapping.project), ("bill", mapping.bill), *mapping.meta):
            if part is not None:
                add(part.element, ("part", key, part, _wanted(part.values)))
        # the row roles last, so that a row sees the unit / section its own element may also open
        self.roles = {tag: tuple(sorted(found, key=lambda r: r[0] == "row")) for tag, found in roles.items()}
        self.wanted = frozenset().union(*(r[-1] for found in roles.values() for r in found
                                          if isinstance(r[-1], frozenset)))

    def _path(self) -> str:
        """The open element's path, an XPath with 1-based indexes below the root: /A/B[2]/C[1]."""
        stack = self.stack
        return "/" + stack[1][0] + "".join(f"/{e[0]}[{e[1]}]" for e in stack[2:])

    def _line(self) -> int:
        return self.expat.CurrentLineNumber if self.expat is not None else 0

    def _open(self, role: tuple, tag: str, attrib: dict, depth: int) -> None:
        kind = role[0]
        bill = self.bill
        if kind == "recognised":
            entry = role[1]
            bill.recognised[(self.unit.index if self.unit else -1, entry.label, entry.kind)] += 1
            return
        if kind == "skip":
            reason = role[1].reason
            bill.skipped[reason] += 1
            examples = bill.skipped_examples.setdefault(reason, [])
            if len(examples) < _EXAMPLES:
                examples.append(f"{self.unit.name if self.unit else ''}!{self._line()}: {_label(attrib) or tag}")
            return
        if kind == "row":
            table: Table = role[1]
            self.items += 1
            if self.items > MAX_ITEMS:
                raise InputRefused(f"XML holds more than {MAX_ITEMS:,} bill rows: refused")
            names = role[2]
            section = self.section
            if self.section_parent is not None and depth >= 2:
                section = self._parent_section(depth)
            capture = _Capture("row", depth, attrib, names, payload=table, line=self._line(), path=self._path(),
                               unit=self.unit, section=section)
        elif kind in ("unit", "section"):
            part: Part = role[1]
            scope = _Scope(index=len(bill.units if kind == "unit" else bill.sections), path=self._path(),
                           line=self._line())
            (bill.units if kind == "unit" else bill.sections).append((scope, part, self.unit))
            capture = _Capture(kind, depth, attrib, role[2], payload=(scope, part, self.unit, self.section))
            _resolve_scope(scope, part, attrib, {}, bill.mapping.blanked)
            if kind == "unit":
                self.unit, self.section = scope, None
            else:
                self.section = scope
        else:
            part = role[2]
            capture = _Capture("part", depth, attrib, role[3], payload=(role[1], part), path=self._path())
        self.captures.append(capture)
        self.capture_depth = depth

    def _parent_section(self, depth: int) -> Optional[_Scope]:
        """The row's parent element as its section (mappings whose section element is '..')."""
        parent_attrs = self.stack[depth - 1][2]
        name = _value(self.section_parent.names("name"), parent_attrs, {}, ())
        if not name:
            return self.section
        path = self._path().rsplit("/", 1)[0]
        cached = self.parent_scope
        if cached is not None and cached.path == path:
            return cached
        scope = _Scope(index=len(self.bill.sections), path=path, line=0, name=name)
        scope.values["amount"] = _value(self.section_parent.names("amount"), parent_attrs, {}, ())
        self.bill.sections.append((scope, self.section_parent, self.unit))
        self.parent_scope = scope
        return scope

    def _close(self, capture: _Capture) -> None:
        bill = self.bill
        if capture.kind == "row":
            table: Table = capture.payload
            attrs, children, blanked = capture.attrs, capture.children, bill.mapping.blanked
            item = {"table": table.kind}
            for name, names in table.fields:
                if len(names) == 1:  # inline of _value's common case: this runs for every row
                    value = attrs.get(names[0])
                    if value is None:
                        value = children.get(names[0], "")
                    value = value.strip()
                    if value in blanked:
                        value = ""
                else:
                    value = _value(names, attrs, children, blanked)
                if name in NUMBER_FIELDS:
                    number = _number(value)
                    if number is None and value:
                        bill.bad_numbers += 1
                    item[name] = number
                elif name == "code":
                    item[name] = value.upper() if value.isascii() and " " not in value else code_text(value)
                else:
                    item[name] = value
            main = bool(table.main_flag) and _value(table.main_flag, attrs, children, ()).lower() in _TRUE
            bill.rows.append((table, capture.unit, capture.section, item, main, capture.line, self._line(),
                              capture.path))
        elif capture.kind in ("unit", "section"):
            scope, part, outer_unit, outer_section = capture.payload
            _resolve_scope(scope, part, capture.attrs, capture.children, bill.mapping.blanked)
            if capture.kind == "unit":
                self.unit, self.section = outer_unit, outer_section
            else:
                self.section = outer_section
        else:
            key, part = capture.payload
            values = {role: _value(names, capture.attrs, capture.children, bill.mapping.blanked)
                      for role, names in part.values}
            bill.parts.append((key, part, values, capture.path))


def _wanted(fields: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset:
    """Every name a set of fields may be given by (read from child elements when not an attribute)."""
    return frozenset(name for _, names in fields for name in names)


def _resolve_scope(scope: _Scope, part: Part, attrs: dict, children: dict, blanked: tuple) -> None:
    for role, names in part.values:
        value = _value(names, attrs, children, blanked)
        if value:
            scope.values[role] = value
    scope.name = scope.values.get("name", scope.name)


def _value(names: tuple[str, ...], attrs: dict, children: dict, blanked: tuple) -> str:
    """The text a field's names give: attributes first, then direct child elements; several joined by "；"."""
    if len(names) == 1:  # the common case, kept short
        value = attrs.get(names[0])
        if value is None:
            value = children.get(names[0], "")
        value = value.strip()
        return "" if value in blanked else value
    found = []
    for name in names:
        value = attrs.get(name)
        if value is None:
            value = children.get(name)
        if value is not None:
            value = value.strip()
            if value and value not in blanked and value not in found:
                found.append(value)
    return "；".join(found) if len(found) > 1 else (found[0] if found else "")


def _label(attrib: dict) -> str:
    picked = [v for k, v in attrib.items() if v and any(w in k.lower() for w in ("code", "name", "编码", "名称"))]
    return " ".join(picked[:2])[:60]


# --- from what was collected to FileRead fields ---------------------------------------------------------
@dataclass(frozen=True)
class FileParts:
    items: tuple[LineItem, ...]
    tables: tuple[TableInfo, ...]
    sheets: tuple[SheetRead, ...]
    skipped: tuple[SkippedRows, ...]
    totals: tuple[DeclaredTotal, ...]
    meta: tuple[tuple[str, str], ...]
    project: str
    warnings: tuple[str, ...]


def file_parts(bill: XmlBill, display_name: str, location_prefix: str = "") -> FileParts:
    """Items (per unit: bill lines in document order, then material rows with main materials first), one
    SheetRead and TableInfo per unit and table, declared totals, facts, skipped rows."""
    unit_names = _unique_names([scope for scope, _, _ in bill.units], "单位工程")
    per_unit: dict[int, list] = {}
    for row in bill.rows:
        per_unit.setdefault(row[1].index if row[1] else -1, []).append(row)
    items: list[LineItem] = []
    tables: list[TableInfo] = []
    sheets: list[SheetRead] = []
    order = sorted(per_unit, key=lambda i: (i < 0, i))
    for unit_index in order:
        rows = per_unit[unit_index]
        boq = [r for r in rows if r[0].kind == "boq"]
        material = sorted((r for r in rows if r[0].kind == "material"), key=lambda r: not r[4])
        counted: Counter = Counter()
        for table, unit, section, item, _, first, last, path in boq + material:
            sheet = unit_names.get(unit.index, "") if unit else table.label
            item["provenance"] = _provenance(file=display_name, sheet=sheet, first_row=first or None,
                                             last_row=last or None, page=None, location=location_prefix + path)
            item["section"] = (section.name if section else "") or table.section
            items.append(LineItem.build(item))
            counted[(table.label, table.kind)] += 1
        unit_name = unit_names.get(unit_index, "")
        for (label, kind), count in counted.items():
            where = f"{unit_name} / {label}" if unit_name else label
            sheets.append(SheetRead(sheet=where, kind=kind, read=True, items=count))
            tables.append(TableInfo(sheet=unit_name or label, kind=kind, header_row=0, columns=(), items=count,
                                    title=label))
    for (unit_index, label, kind), count in sorted(bill.recognised.items(), key=lambda e: (e[0][0] < 0, e[0])):
        unit_name = unit_names.get(unit_index, "")
        sheets.append(SheetRead(sheet=f"{unit_name} / {label}" if unit_name else label, kind=kind, read=False,
                                reason=f"{count} {kind} row(s): recognised, not bill items"))
    skipped = [SkippedRows(reason=f"{label} ({kind} rows)", count=count) for (_, label, kind), count in
               _merge_labels(bill.recognised).items()]
    skipped += [SkippedRows(reason=reason, count=count, examples=tuple(bill.skipped_examples.get(reason, ())))
                for reason, count in bill.skipped.items()]
    totals, meta, project = _totals_and_facts(bill, unit_names, location_prefix)
    warnings = []
    if bill.bad_numbers:
        warnings.append(f"{bill.bad_numbers} quantity / price / amount value(s) are not numbers and were left empty")
    return FileParts(items=tuple(items), tables=tuple(tables), sheets=tuple(sheets), skipped=tuple(skipped),
                     totals=tuple(totals), meta=tuple(meta), project=project, warnings=tuple(warnings))


def _merge_labels(recognised: Counter) -> Counter:
    merged: Counter = Counter()
    for (_, label, kind), count in recognised.items():
        merged[(None, label, kind)] += count
    return merged


def _unique_names(scopes: Iterable[_Scope], fallback: str) -> dict[int, str]:
    """Unit names by scope index; unnamed units get "单位工程N", repeated names get " (2)"."""
    names: dict[int, str] = {}
    seen: Counter = Counter()
    for scope in scopes:
        name = scope.name or f"{fallback}{scope.index + 1}"
        seen[name] += 1
        names[scope.index] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    return names


def _provenance(**values) -> Provenance:
    """The same frozen Provenance, built without its per-field __setattr__ (as LineItem.build does)."""
    provenance = object.__new__(Provenance)
    provenance.__dict__.update(values)
    return provenance


def _number(text: str) -> Optional[float]:
    """A number as typed: plain decimals directly, anything else ("1,234.5") through cells.to_number."""
    if text and "_" not in text:
        try:
            number = float(text)
        except ValueError:
            return to_number(text)
        return number if number - number == 0 else None  # not nan / inf
    return to_number(text)


def _amount(text: str, scale: float) -> Optional[float]:
    number = _number(text)
    return None if number is None else round(number * scale, 6)


def _totals_and_facts(bill: XmlBill, unit_names: dict[int, str], prefix: str):
    totals: list[DeclaredTotal] = []
    for scope, part, _ in bill.units:
        if scope.values.get("amount"):
            totals.append(DeclaredTotal(scope="unit", label=unit_names[scope.index],
                                        amount=_amount(scope.values["amount"], part.scale),
                                        sheet=unit_names[scope.index], location=prefix + scope.path))
    for scope, part, unit in bill.sections:
        if scope.values.get("amount"):
            sheet = unit_names.get(unit.index) if unit else None
            totals.append(DeclaredTotal(scope="section", label=scope.name,
                                        amount=_amount(scope.values["amount"], part.scale),
                                        sheet=sheet, location=prefix + scope.path))
    meta: list[tuple[str, str]] = []
    project = ""
    for key, part, values, path in bill.parts:
        if key == "project":
            project = project or values.get("name", "")
            if values.get("name"):
                meta.append(("project", values["name"]))
        elif key == "bill":
            if values.get("amount"):
                totals.append(DeclaredTotal(scope="bill", label=part.label or part.element,
                                            amount=_amount(values["amount"], part.scale), location=prefix + path))
        elif values.get("value"):
            meta.append((key, values["value"]))
    meta.insert(0, ("schema", bill.mapping.id))
    if bill.mapping.user:  # a user's mapping may share a shipped one's id: its file says which read the bill
        meta.insert(1, ("schema_file", bill.mapping.path))
    return totals, list(dict.fromkeys(meta)), project
