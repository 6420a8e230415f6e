"""Scope conditions of catalog entries, decided from the project profile and the bill line.

A ban or restriction often reaches only some projects: 城市城区 (the urban planning area), buildings of 25 m
and more, 满堂承重支撑架 (full-height load-bearing falsework), bars of Φ22 and over.  An entry lists such
conditions; each is decided as True, False or None (not known from the profile or the line).

Catalog form (``conditions`` in an entry, all must hold):
    {"profile": "urban_area", "is": true, "text": "城市城区"}
    {"profile": "project_type", "is": "住宅", "when_unknown": false, "text": "新建住宅"}
                                                                the rule reaches only what the profile states:
                                                                an unknown project type counts as outside it
    {"height_m_at_least": 25, "text": "25米及以上的建设工程"}   profile height, or 檐高/建筑高度 … m in the line
    {"diameter_mm_at_least": 22, "text": "直径≥22mm钢筋"}        the largest Φ / 直径 in the line
    {"line_any": ["满堂"], "text": "满堂承重支撑架体系"}          the line names one of these
    {"line_number_below": 50, "pattern": "水封[^0-9]{0,6}(\\d+)", "text": "水封小于5厘米"}
                                                                the smallest number the pattern captures
"""
from __future__ import annotations

import re
from typing import Optional

from ..match.normalize import normalize

PROFILE_FIELDS = ("urban_area", "government_invested", "city", "project_type", "district")
_HEIGHT_RE = re.compile(r"(檐高|建筑高度|高度|檐口高度)[:：]?\s*(\d+(?:\.\d+)?)\s*(M|米)")
_DIAMETER_RE = re.compile(r"(?:Φ|直径|D=?)\s*(\d+(?:\.\d+)?)")


def validate_condition(condition: object) -> Optional[str]:
    """A problem with one condition, or None."""
    if not isinstance(condition, dict):
        return "a condition must be an object"
    keys = set(condition) - {"text"}
    if "when_unknown" in keys and not isinstance(condition["when_unknown"], bool):
        return "when_unknown must be true or false"
    if keys in ({"profile", "is"}, {"profile", "is", "when_unknown"}):
        return None if condition["profile"] in PROFILE_FIELDS else f"unknown profile field {condition['profile']!r}"
    if keys in ({"height_m_at_least"}, {"diameter_mm_at_least"}):
        return None if isinstance(next(iter(condition[k] for k in keys)), (int, float)) else "the bound must be a number"
    if keys == {"line_number_below", "pattern"}:
        try:
            re.compile(condition["pattern"])
        except (re.error, TypeError):
            return "pattern must be a regular expression with one group"
        return None if isinstance(condition["line_number_below"], (int, float)) else "the bound must be a number"
    if keys == {"line_any"}:
        ok = isinstance(condition["line_any"], list) and all(isinstance(t, str) and t for t in condition["line_any"])
        return None if ok else "line_any must be a list of strings"
    return f"unknown condition form {sorted(keys)}"


def decide(condition: dict, profile, name: str, features: str) -> Optional[bool]:
    """True / False when the profile or the line settles the condition, None when they do not."""
    if "profile" in condition:
        value = getattr(profile, condition["profile"], None)
        if value is None or value == "":
            return condition.get("when_unknown")
        return value == condition["is"]
    line = normalize(name + ";" + features)
    if "height_m_at_least" in condition:
        heights = [float(m.group(2)) for m in _HEIGHT_RE.finditer(line)]
        height = max(heights) if heights else getattr(profile, "height_m", None)
        return None if height is None else height >= condition["height_m_at_least"]
    if "diameter_mm_at_least" in condition:
        sizes = [float(m.group(1)) for m in _DIAMETER_RE.finditer(line)]
        return None if not sizes else max(sizes) >= condition["diameter_mm_at_least"]
    if "line_number_below" in condition:
        numbers = [float(m.group(1)) for m in re.finditer(condition["pattern"], line)]
        return None if not numbers else min(numbers) < condition["line_number_below"]
    if "line_any" in condition:
        return True if any(normalize(term) in line for term in condition["line_any"]) else None
    return None


def decide_all(conditions, profile, name: str, features: str) -> tuple[Optional[bool], list[str]]:
    """All conditions together (False if any is False, else None if any is unknown), and the unknown ones."""
    unknown: list[str] = []
    for condition in conditions:
        result = decide(condition, profile, name, features)
        if result is False:
            return False, [condition.get("text", "")]
        if result is None:
            unknown.append(condition.get("text", ""))
    return (None if unknown else True), unknown
