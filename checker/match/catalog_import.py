"""Turn an official list published as a table (xlsx, xls, csv, PDF table) into a catalog file.

This is how an officer loads the provincial Shandong catalogue, which this project could not obtain.  Lists
are usually laid out as 序号 | 技术（产品）名称 | 技术要点/主要内容 | 适用范围/限制条件 | 替代技术 | 备注, grouped under
section rows such as "一、推广应用类" / "二、限制使用类" / "三、禁止使用类"; a 类别 column may say the same per row.
Columns are found by header synonyms or named explicitly with a mapping (``name=技术名称,list=类别``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from .catalog import SCHEMA_ID
from .normalize import header_key
from ..read.cells import cell_text

FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("序号", "编号", "编码"),
    "name": ("技术名称", "产品名称", "技术(产品)名称", "技术、产品名称", "名称", "技术产品名称", "项目名称", "材料名称"),
    "list": ("类别", "类型", "目录类别", "分类"),
    "scope": ("限制使用范围", "禁止使用范围", "限制条件", "限制使用条件", "使用范围", "适用范围", "限制或禁止使用的范围",
              "限制和禁止使用的原因及范围", "限制禁止范围", "限制、禁止范围"),
    "replacement": ("替代技术", "可替代的技术", "替代产品", "替代技术产品", "可替代技术"),
    "notes": ("备注", "说明", "技术要点", "主要技术内容", "技术内容", "禁止使用原因", "限制原因"),
    "terms": ("别名", "俗称", "关键词"),
}
LIST_WORDS = (("禁止", "banned"), ("淘汰", "banned"), ("限制", "restricted"), ("推广", "promoted"), ("推荐", "promoted"))


class ImportProblem(Exception):
    """The table could not be turned into a catalog; one-line reason."""


@dataclass(frozen=True)
class ImportOptions:
    catalog_id: str
    title: str
    edition: str
    source: str
    jurisdiction: str = "shandong"
    city: str = ""
    id_prefix: str = "SD"
    confidence: str = "high"
    default_list: Optional[str] = None
    mapping: tuple[tuple[str, str], ...] = ()  # (field, header text)
    provincial: bool = True


def parse_mapping(text: str) -> tuple[tuple[str, str], ...]:
    """``name=技术名称,list=类别`` → (("name", "技术名称"), ("list", "类别"))."""
    pairs = []
    for part in filter(None, (p.strip() for p in re.split(r"[,，]", text or ""))):
        if "=" not in part:
            raise ImportProblem(f"mapping part {part!r} is not FIELD=HEADER")
        key, value = (s.strip() for s in part.split("=", 1))
        if key not in FIELD_SYNONYMS:
            raise ImportProblem(f"unknown mapping field {key!r}; use one of {', '.join(FIELD_SYNONYMS)}")
        pairs.append((key, value))
    return tuple(pairs)


def read_rows(path: Path) -> list[list[object]]:
    """All rows of the table file (every sheet or page, one after the other)."""
    from ..read.csvfile import decode_text
    from ..read.sniff import InputRefused, sniff_file

    try:
        fmt = sniff_file(str(path))[1]
    except InputRefused as exc:
        raise ImportProblem(str(exc)) from None
    if fmt == "csv":
        import csv
        import io

        text, _ = decode_text(path.read_bytes())
        return [list(r) for r in csv.reader(io.StringIO(text))]
    if fmt == "pdf":
        import pdfplumber

        rows: list[list[object]] = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    rows.extend([c or "" for c in row] for row in table)
        return rows
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    rows = []
    for name in workbook.sheet_names:
        rows.extend(workbook.get_sheet_by_name(name).to_python())
    return rows


def find_columns(rows: Sequence[Sequence[object]], mapping: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The header row index and field → column, by the explicit mapping first, then by synonyms."""
    wanted = {f: (header_key(mapping[f]),) if f in mapping else tuple(header_key(s) for s in syn)
              for f, syn in FIELD_SYNONYMS.items()}
    for index, row in enumerate(rows[:200]):
        keys = [header_key(cell_text(c)) for c in row]
        columns: dict[str, int] = {}
        for field, names in wanted.items():
            for col, key in enumerate(keys):
                if key and key in names and col not in columns.values():
                    columns[field] = col
                    break
        if "name" in columns and len(columns) >= 2:
            return index, columns
    raise ImportProblem("no header row with a name column found; give --map name=<header text>")


def _list_of(text: str) -> Optional[str]:
    for word, list_name in LIST_WORDS:
        if word in text:
            return list_name
    return None


def build_catalog(rows: Sequence[Sequence[object]], options: ImportOptions) -> dict:
    """The catalog document (schema gbm-check/catalog@1) for the table's rows."""
    header_index, columns = find_columns(rows, dict(options.mapping))
    current_list = options.default_list
    entries = []
    for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = [cell_text(c) for c in row]
        get = lambda field: cells[columns[field]] if field in columns and columns[field] < len(cells) else ""  # noqa: E731
        name = get("name").replace("\n", "")
        texts = [c for c in cells if c]
        if len(texts) == 1 and _list_of(texts[0]):
            current_list = _list_of(texts[0])  # a section row: 三、禁止使用类
            continue
        if not name or header_key(name) in (header_key(s) for s in FIELD_SYNONYMS["name"]):
            continue
        list_name = _list_of(get("list")) or current_list
        if list_name is None:
            raise ImportProblem(f"row {number}: cannot tell banned / restricted / promoted for {name!r}; "
                                "add a 类别 column, section rows, or --list")
        terms = [t.strip() for t in re.split(r"[|、;；]", get("terms")) if t.strip()] or [name]
        entry = {
            "id": f"{options.id_prefix}-{len(entries) + 1:03d}",
            "list": list_name,
            "name": name,
            "jurisdiction": options.jurisdiction,
            "terms": terms,
            "scope": get("scope"),
            "decidable": list_name == "banned" and not get("scope"),
            "replacement": get("replacement"),
            "source": options.source,
            "edition": options.edition,
            "confidence": options.confidence,
            "notes": f"imported from row {number}" + (f"; {get('notes')}" if get("notes") else ""),
            "alias_note": "terms = the printed name (and 别名 column if any); add trade names before relying on it",
        }
        if options.city:
            entry["city"] = options.city
        entries.append(entry)
    if not entries:
        raise ImportProblem("the table has a header but no entry rows")
    return {
        "schema": SCHEMA_ID,
        "id": options.catalog_id,
        "title": options.title,
        "edition": options.edition,
        "jurisdiction": options.jurisdiction,
        "source": options.source,
        "gaps": [],
        "provincial": options.provincial and options.jurisdiction == "shandong" and not options.city,
        "entries": entries,
    }
