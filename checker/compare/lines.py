"""Which lines of a checked bill take part in a review, and the keys they are compared by.

Bill lines (表-08 and variants, table "boq") are compared; material tables, analysis tables and fee tables are not
(a bid's 主材表 has no counterpart line in the tender).  Rows that state a total (不含税小计, 合计, 本页小计 …)
but were read as lines, because they carry a 序号, become stated totals here: their amount is what the lines
before them should add up to.  When the reader lists such totals itself (``FileRead.totals``) those are used too.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from ..engine import FileReport
from ..match.normalize import CLAUSE_BREAK, normalize
from ..model import DeclaredTotal, LineItem
from .model import Line

_TOTAL_LABEL = re.compile(r"(小计|合计|总计|总价|汇总)$")
_PAGE_LABEL = re.compile(r"^(本页|本表)")
_SECTION_LABEL = re.compile(r"(分部|分项|本章|小计$)")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)%?$")
# units written several ways (平方米, ㎡, m2, M2 …): one spelling each, for comparison only
_UNIT_SYNONYMS = {"平方米": "m2", "平米": "m2", "米2": "m2", "立方米": "m3", "米3": "m3", "方": "m3", "米": "m",
                  "延长米": "m", "吨": "t", "千克": "kg", "公斤": "kg"}


def split(report: FileReport) -> tuple[list[Line], list[DeclaredTotal]]:
    """The file's bill lines in order, and its stated totals (the reader's, plus total rows read as lines)."""
    lines: list[Line] = []
    totals: list[DeclaredTotal] = list(report.read.totals)
    for checked in report.items:
        item = checked.item
        if item.table != "boq":
            continue
        if is_total_row(item):
            p = item.provenance
            totals.append(DeclaredTotal(scope=total_scope(item.name), label=item.name, amount=item.amount,
                                        sheet=p.sheet, row=p.first_row, location=p.location))
            continue
        lines.append(Line(index=len(lines), checked=checked))
    return lines, totals


def is_total_row(item: LineItem) -> bool:
    """A row that states a total: its name ends in 小计 / 合计 / 总计 …, and it has no unit and no quantity."""
    if item.unit or item.quantity is not None or item.code:
        return False
    return bool(_TOTAL_LABEL.search(text_key(item.name)))


def total_scope(label: str) -> str:
    """page (本页小计), section (分部小计, 小计) or sheet (合计 and the rest) — for people; checks try them all."""
    key = text_key(label)
    if _PAGE_LABEL.search(key):
        return "page"
    return "section" if _SECTION_LABEL.search(key) else "sheet"


@lru_cache(maxsize=1 << 16)
def text_key(text: str) -> str:
    """Text for comparison: the matcher's normal form (width, spaces, 砼 …), clause breaks and end marks dropped.
    Memoised: a tender's texts come back in every bid."""
    key = normalize(text or "")
    return key.replace(CLAUSE_BREAK, "").rstrip("。.,，")


_CLAUSE_NUMBER = re.compile(r"^(\(?\d{1,2}(\.(?!\d)|[、)）])|[(（]\d{1,2}[)）])+")


@lru_cache(maxsize=1 << 16)
def clause_key(clause: str) -> str:
    """One clause for comparison: its numbering (1. / 1、 / (1) …, even doubled: 1、1.) dropped."""
    return _CLAUSE_NUMBER.sub("", text_key(clause))


@lru_cache(maxsize=1 << 16)
def features_key(text: str) -> str:
    """A 项目特征 for comparison: clause by clause, without clause numbering or empty clauses."""
    clauses = (_CLAUSE_NUMBER.sub("", part).rstrip("。.,，") for part in normalize(text or "").split(CLAUSE_BREAK))
    return CLAUSE_BREAK.join(c for c in clauses if c)


def is_placeholder(text: str) -> bool:
    """A 项目特征 cell that holds only a number (0, 0.09, 9%): a value the bidder fills in (a tax rate), not text."""
    return bool(_NUMBER.match(text_key(text)))


def unit_key(unit: str) -> str:
    key = unicodedata.normalize("NFKC", unit or "").strip().lower().replace(" ", "")
    key = key.replace("²", "2").replace("³", "3")
    return _UNIT_SYNONYMS.get(key, key)


def scope_key(item: LineItem) -> tuple[str, str]:
    """(sheet, section) with the section's own numbering dropped (3 二、墙体工程 → 墙体工程)."""
    return (text_key(item.provenance.sheet or ""), section_key(item.section))


@lru_cache(maxsize=1 << 12)
def section_key(section: str) -> str:
    key = text_key(section)
    return re.sub(r"^[\dA-Z.]*[\s]*([一二三四五六七八九十百]+[、.])?", "", key)


def bill_code(item: LineItem) -> Optional[str]:
    code = (item.code or "").strip().upper()
    return code or None
