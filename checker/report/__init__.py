"""Report formats: one module per format, looked up by name here.

Every format streams: a ``Writer(sink_or_output, options)`` gets ``begin(run)``, then ``add(file_report, summary)``
for each file as it is checked, then ``end(run)`` — so a run's memory stays flat whatever its size.  Callers that
hold a whole run call ``render(run, **options) -> str`` (the workbook format: ``render(run, output) -> list[str]``,
the paths written).
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from .i18n import texts

FORMATS: dict[str, str] = {
    "text": "text_report",
    "json": "json_report",
    "html": "html_report",
    "sarif": "sarif_report",
    "junit": "junit_report",
    "xlsx": "xlsx_report",
}
FILE_FORMATS = frozenset({"xlsx"})  # write their own files and need -o (a file or a folder)
VERDICT_TEXT = {v: texts("zh")(f"verdict.{v}") for v in ("fail", "review", "pass")}  # the web page's (Chinese)


def _module(name: str):
    if name not in FORMATS:
        raise KeyError(f"unknown report format {name!r} (known: {', '.join(FORMATS)})")
    return import_module(f"{__name__}.{FORMATS[name]}")


def renderer(name: str) -> Callable:
    """The render function of a format (imported on first use: jinja2 and openpyxl load only when needed)."""
    return _module(name).render


def writer(name: str) -> type:
    """The streaming Writer class of a format."""
    return _module(name).Writer
