"""Bid review reports: one module per format, each with a ``render`` function, looked up by name here.

``render(comparison, lang=...) -> str`` for text, json and html; the workbook writes its file:
``render(comparison, output, lang=...) -> list[str]``.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

FORMATS: dict[str, str] = {"text": "text", "json": "json_report", "html": "html", "xlsx": "xlsx"}
FILE_FORMATS = frozenset({"xlsx"})


def renderer(name: str) -> Callable:
    if name not in FORMATS:
        raise KeyError(f"unknown bid review format {name!r} (known: {', '.join(FORMATS)})")
    return import_module(f"{__name__}.{FORMATS[name]}").render
