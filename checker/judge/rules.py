"""Judge: the project profile and the policy turn a line's catalog hits into findings.

Defaults are the project's brief: a 聊城 government-invested project inside the urban planning area, bid
today, so national, Shandong and 聊城 city rules all apply.  A rule whose scope the bill cannot settle is
reported as "needs manual check", never silently passed and never called a certain ban.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Callable

from ..match.catalog import CatalogSet, Entry
from .conditions import decide_all
from ..match.matcher import Hit, LineMatch, hit_evidence
from ..match.memo import RepeatMemo
from ..match.normalize import normalize
from ..model import CheckedItem, Finding, LineItem

LIAOCHENG_BAN_RULE = "LC-M3-BAN"  # 聊城措施（三）: 严禁使用国家、省明令淘汰的建材产品
# Green categories whose section of GB 50854 names the product bought: they go first for lines of that section.
SECTION_CATEGORIES: dict[str, tuple[str, ...]] = {
    "0104": ("砌体材料",),
    "0105": ("预拌混凝土", "预制构件"),
    "0108": ("建筑门窗及配件", "钢质户门"),
    "0109": ("防水卷材", "防水涂料"),
    "0110": ("保温系统材料",),
    "0114": ("墙面涂料",),
}
_SCHEME_RANK = {"GBM1": 0, "GBM2": 1, "CGP1": 2}
LOCATION_TEXT = {"exterior": "exterior (外墙/室外)", "interior": "interior (室内/内墙)", "floor": "a floor (楼地面)",
                 "unknown": "of a location the line does not state"}
_KIND_RANK = {"banned": 0, "restricted": 1, "not_applicable": 2}
_VIOLATIONS = frozenset(("banned", "restricted", "not_applicable"))
_PROMOTIONS = frozenset(("promoted",))
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
_JURISDICTION_RANK = {"national": 0, "shandong": 1, "city": 2}


@dataclass(frozen=True)
class Profile:
    """What the rules need to know about the project."""

    city: str = "聊城"
    province: str = "山东"
    government_invested: bool | None = True
    urban_area: bool | None = True  # inside the urban planning area (城区规划范围内); None: not known
    bid_date: _dt.date = field(default_factory=_dt.date.today)
    project_type: str = ""
    district: str = ""
    height_m: float | None = None


class Judge:
    """Turns a line's hits into findings under one profile.  Results are memoised per line text, like the
    matcher's, since findings depend only on the text, the code section, the catalogs and the profile."""

    def __init__(self, catalogs: CatalogSet, profile: Profile):
        self.catalogs = catalogs
        self.profile = profile
        self._memo: RepeatMemo[tuple[tuple[str, ...], tuple[Finding, ...]]] = RepeatMemo(100_000)
        self._applies: dict[str, bool] = {}  # entry id → applies under this profile (jurisdiction, dates)
        self._main_for = tuple(e for e in catalogs.entries.values() if e.list == "green" and e.main_for_work_items)
        self._context_work_items: dict[str, str] = {}

    def judge(self, item: LineItem, match: LineMatch) -> CheckedItem:
        return self.judge_line(item, lambda _: match)

    def judge_line(self, item: LineItem, match_item: Callable[[LineItem], LineMatch]) -> CheckedItem:
        """``judge(item, match_item(item))``, matching only when the memo does not already hold the line's
        judgement (its key holds all the matcher's: a repeated line is not looked up twice)."""
        # the section heading or sheet name can tell where a line is (外立面工程) when the line does not
        key = (item.name, item.features, item.code[:9] if item.code else "", _context(item))
        cached = self._memo.get(key)
        if cached is None:
            cached = self._judge(item, match_item(item))
            self._memo.put(key, cached)
        return CheckedItem.build(item, cached[0], cached[1])

    def _judge(self, item: LineItem, match: LineMatch) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
        drafts: list[dict] = []
        greens: list[Hit] = []
        applies = self._applies
        for hit in match.hits:
            entry = hit.entry
            if entry.list == "green":
                greens.append(hit)
            else:
                known = applies.get(entry.id)
                if known is None:
                    known = applies[entry.id] = _applies(entry, self.profile)
                if known:
                    drafts.append(_draft(hit, item, match, self.catalogs, self.profile))
        for draft, (decisive, also) in zip(drafts, concurrence(drafts)):
            draft["decisive"], draft["also"] = decisive, also
        findings = [Finding(**draft) for draft in drafts]
        findings.sort(key=lambda f: (_SEVERITY_RANK.get(f.severity, 3), not f.decisive, f.rule))
        categories = _ordered_categories(greens, item, match)
        if self._main_for:
            categories = self._main_category(categories, item, match)
        return categories, tuple(findings)

    def _main_category(self, categories: tuple[str, ...], item: LineItem, match: LineMatch) -> tuple[str, ...]:
        """Put first a category that is the line's main one by its work item (catalogs/SCHEMA.md, ``main_for``):
        the line's own work item, or — when the line's text names none — its section heading's or sheet name's,
        where the line supplies one of the entry's products (a 幕墙 sheet's line that only names 铝单板)."""
        reader = match.reader
        context = _context(item)
        if reader is None or match.demolition or not context and not any(e.name in categories
                                                                          for e in self._main_for):
            return categories
        own = match.work_item
        for entry in self._main_for:
            if own:
                main = own in entry.main_for_work_items and entry.name in categories
            elif context:
                known = self._context_work_items.get(context)
                if known is None:
                    known = self._context_work_items[context] = reader.line_head("", normalize(context))[1]
                main = known in entry.main_for_work_items and bool(
                    not entry.main_for_products or match.structure.products.intersection(entry.main_for_products))
            else:
                main = False
            if main:
                return (entry.name,) + tuple(c for c in categories if c != entry.name)
        return categories


def judge_item(item: LineItem, match: LineMatch, catalogs: CatalogSet, profile: Profile) -> CheckedItem:
    """Findings and green categories of one line (no memo; for one-off use and tests)."""
    return Judge(catalogs, profile).judge(item, match)


def _applies(entry: Entry, profile: Profile) -> bool:
    if entry.jurisdiction == "city" and entry.city and entry.city != profile.city:
        return False
    if entry.jurisdiction == "shandong" and profile.province != "山东":
        return False
    if entry.effective:
        try:
            if _dt.date.fromisoformat(entry.effective[:10]) > profile.bid_date:
                return False
        except ValueError:
            pass
    return True


ALTERNATIVE_NOTE = "; the line offers it as one option among others (the bidder may choose it)"


def _draft(hit: Hit, item: LineItem, match: LineMatch, catalogs: CatalogSet, profile: Profile) -> dict:
    """The fields of one finding: the entry's list, narrowed by what the line and the profile can decide."""
    entry = hit.entry
    evidence, clause, start, spans = hit_evidence(hit, match)
    kind, severity, manual, message = _decide(hit, item, match, catalogs, profile)
    if hit.alternative and kind in ("banned", "restricted"):
        message += ALTERNATIVE_NOTE
    return dict(rule=entry.id, kind=kind, severity=severity, entry=entry.name, source=entry.source,
                evidence=evidence, matched=hit.text, field=hit.field, start=start, scope=entry.scope,
                replacement=entry.replacement, needs_manual_check=manual, message=message, clause=clause,
                alternative=hit.alternative, spans=spans)


def concurrence(findings: list) -> list[tuple[bool, tuple[str, ...]]]:
    """(decisive, also) for each finding (Finding objects or their field dicts).

    One decisive finding per thing found: findings of the same family (violations: banned, restricted, not
    applicable; or promoted) whose evidence overlaps concur; the worst of them decides and lists the others in
    ``also``, the others are not decisive.  Findings about different words stay decisive."""
    out: list[tuple[bool, tuple[str, ...]]] = [(True, ())] * len(findings)
    if len(findings) < 2:
        return out
    view = [f if isinstance(f, dict) else dataclasses.asdict(f) for f in findings]
    for family in (_VIOLATIONS, _PROMOTIONS):
        members = [i for i, f in enumerate(view) if f["kind"] in family]
        if len(members) < 2:
            continue
        members.sort(key=lambda i: _decisive_rank(view[i]))
        groups: list[list[int]] = []
        for i in members:
            spans = view[i]["spans"]
            for group in groups:
                if any(_overlap(spans, view[j]["spans"]) for j in group):
                    group.append(i)
                    break
            else:
                groups.append([i])
        for first, *others in groups:
            if others:
                out[first] = (True, tuple(dict.fromkeys(view[j]["rule"] for j in others)))
                for j in others:
                    out[j] = (False, ())
    return out


def settle(findings: list[Finding]) -> list[Finding]:
    """The findings with ``decisive`` and ``also`` set (see ``concurrence``)."""
    return [dataclasses.replace(f, decisive=d, also=a) for f, (d, a) in zip(findings, concurrence(findings))]


def _decisive_rank(finding: dict) -> tuple:
    return (_KIND_RANK.get(finding["kind"], 3), _SEVERITY_RANK.get(finding["severity"], 3),
            finding["needs_manual_check"], finding["rule"])


def _overlap(a: tuple, b: tuple) -> bool:
    return any(fa == fb and sa < eb and sb < ea for fa, sa, ea in a for fb, sb, eb in b)


def _context(item: LineItem) -> str:
    """The section heading and the sheet name of a line: where it stands in the bill."""
    sheet = item.provenance.sheet or ""
    return f"{item.section} {sheet}" if item.section or sheet else ""


def _location_decision(hit: Hit, match: LineMatch, item: LineItem) -> tuple[str, str]:
    """(severity, location) from the entry's or pattern's ``severity_by_location``; ("", "") without one.
    The line decides the location; when it says nothing, its section heading or sheet name."""
    entry = hit.entry
    table = dict(entry.patterns[hit.pattern].severity_by_location) if hit.pattern >= 0 else {}
    table = table or dict(entry.severity_by_location)
    if not table:
        return "", ""
    structure = match.structure
    location = structure.location if structure else ""
    if not location and structure is not None:
        context = _context(item)
        location = structure.reader.location_in(context) if context else ""
        if location == "floor" and structure.reader.work_items.get(structure.work_item, {}).get("location") == "wall":
            location = ""  # a wall item under a floor heading: the heading does not say where this wall is
    location = location or "unknown"
    return table.get(location, table.get("unknown", "manual")), location


def _decide(hit: Hit, item: LineItem, match: LineMatch, catalogs: CatalogSet,
            profile: Profile) -> tuple[str, str, bool, str]:
    """(kind, severity, needs manual check, message) for a hit."""
    entry = hit.entry
    if entry.list == "promoted":
        return "promoted", "info", False, ""
    scope, unknown = (decide_all([dict(c) for c in entry.conditions], profile, item.name, item.features)
                      if entry.conditions else (True, []))
    if hit.via == "vague":
        return ("restricted", "warning", True,
                f"the line says 「{hit.text}」 but not whether it is the kind this rule bans ({entry.name}): "
                "needs manual check")
    pattern = entry.patterns[hit.pattern] if hit.pattern >= 0 else None
    if pattern is not None and pattern.manual:
        return "restricted", "warning", True, f"{pattern.message or entry.name}: needs manual check"
    if scope is False:
        return "not_applicable", "info", False, f"outside the rule's scope ({'; '.join(unknown)})"
    severity, location = _location_decision(hit, match, item) if not (entry.conditions and scope) else ("", "")
    if severity == "not_applicable":
        return "not_applicable", "info", False, f"outside the rule's scope: the line is {LOCATION_TEXT[location]}"
    if severity == "manual" and entry.list == "banned":
        where = ", ".join(loc for loc, sev in (pattern.severity_by_location if pattern and
                                                 pattern.severity_by_location else entry.severity_by_location)
                          if sev == "banned") or "some locations"
        return ("restricted", "warning", True,
                f"{entry.list} for {where}; this line is {LOCATION_TEXT[location]}, where the source's scope is "
                f"unverified: needs manual check" + (f" ({pattern.message})" if pattern and pattern.message else ""))
    if entry.list == "banned" and entry.code_prefixes and not re.match(r"^\d{9}", item.code or ""):
        return ("restricted", "warning", True,
                f"banned for item sections {', '.join(entry.code_prefixes)}; this line has no item code to tell "
                "its section: needs manual check")
    if scope is None:
        return ("restricted", "warning", True,
                f"{'banned' if entry.list == 'banned' else 'restricted'} where: {'; '.join(unknown)} — the "
                "profile and the line do not say: needs manual check")
    if entry.list == "banned" and not entry.decidable:
        return ("restricted", "warning", True,
                f"listed as banned by {entry.source}, but its scope is not verified: needs manual check")
    if entry.confidence == "low":  # a low-confidence source gives a manual check, never a certain finding
        return ("restricted", "warning", True,
                f"{entry.list} according to a low-confidence source ({entry.notes.split('；')[0]}): needs manual check")
    if entry.list == "restricted":
        if entry.conditions:  # every condition decided true: the use is inside the restricted scope
            return ("restricted", "error", False,
                    "used inside its restricted scope: " + "; ".join(str(dict(c).get("text", "")) for c in entry.conditions))
        return "restricted", "warning", True, "restricted: check the conditions below against the project (needs manual check)"
    message = "banned"
    basis = catalogs.get(LIAOCHENG_BAN_RULE)
    if basis is not None and profile.city == "聊城" and entry.jurisdiction in ("national", "shandong"):
        message += f"; 聊城 forbids products the state or province eliminated ({basis.source})"
    return "banned", "error", False, message


def _ordered_categories(hits: list[Hit], item: LineItem, match: LineMatch) -> tuple[str, ...]:
    """Section-typical categories first; then what the line uses before where it is (部位: 浴缸四周); then the
    certification catalogue before activity one; features first, earliest first."""
    if len(hits) < 2:
        return tuple(h.entry.name for h in hits)
    code = item.code
    preferred = SECTION_CATEGORIES.get(code[:4], ()) if code else ()

    def rank(hit: Hit) -> tuple:
        name = hit.entry.name
        where = hit.where or (match.structure.role_at(hit.field, hit.start, hit.end) if hit.field == "features" else "")
        return (
            preferred.index(name) if name in preferred else len(preferred),
            where == "location",
            _SCHEME_RANK.get(hit.entry.id.split("-")[0], 3),
            hit.field != "features",
            hit.start,
        )

    names: list[str] = []
    for hit in sorted(hits, key=rank):
        if hit.entry.name not in names:
            names.append(hit.entry.name)
    return tuple(names)
