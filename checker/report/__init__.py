"""Report formats: one module per format, each with a ``render`` function, looked up by name here.

``render(run, **options) -> str`` for the formats written to a file or standard output; the workbook format
writes its own files: ``render(run, output) -> list[str]`` (the paths written).
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

FORMATS: dict[str, str] = {
    "text": "text_report",
    "json": "json_report",
    "html": "html_report",
    "sarif": "sarif_report",
    "junit": "junit_report",
    "xlsx": "xlsx_report",
}
FILE_FORMATS = frozenset({"xlsx"})  # write their own files and need -o (a file or a folder)
VERDICT_TEXT = {"fail": "不通过", "review": "需人工复核", "pass": "通过"}


def renderer(name: str) -> Callable:
    """The render function of a format (imported on first use: jinja2 and openpyxl load only when needed)."""
    if name not in FORMATS:
        raise KeyError(f"unknown report format {name!r} (known: {', '.join(FORMATS)})")
    return import_module(f"{__name__}.{FORMATS[name]}").render
