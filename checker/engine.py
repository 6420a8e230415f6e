"""The pipeline core: read → match → judge, one file at a time, with no user interface in it."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .catalog import CatalogSet
from .judge import Judge, Profile
from .matcher import Matcher
from .model import CheckedItem, FileRead
from .readers import read_path

BILL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".pdf", ".txt", ".tsv")


@dataclass(frozen=True)
class FileReport:
    """One input file: what was read and what was found."""

    read: FileRead
    items: tuple[CheckedItem, ...]
    seconds: float


@dataclass
class RunReport:
    """A whole run: every file, the catalogs and profile used."""

    files: list[FileReport]
    catalogs: CatalogSet
    profile: Profile
    tool_version: str = __version__
    started: float = field(default_factory=time.time)

    def counts(self) -> dict[str, int]:
        """Lines per status and findings per kind over all files."""
        counts = {"files": len(self.files), "files_ok": sum(f.read.ok for f in self.files),
                  "files_error": sum(not f.read.ok for f in self.files),
                  "items": sum(len(f.items) for f in self.files), "banned": 0, "restricted": 0, "promoted": 0,
                  "clean": 0, "needs_manual_check": 0, "green_items": 0}
        for report in self.files:
            for checked in report.items:
                counts[checked.status] += 1
                counts["needs_manual_check"] += any(f.needs_manual_check for f in checked.findings)
                counts["green_items"] += bool(checked.green_categories)
        return counts


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus the bill files found by walking named directories (sorted)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(BILL_SUFFIXES) and not name.startswith((".", "~$")):
                        found.append(os.path.join(root, name))
        else:
            found.append(path)
    return found


def check_file(path: str, matcher: Matcher, judge: Judge) -> FileReport:
    """Read and judge one file.  Never raises for bad input (see readers.read_path)."""
    started = time.perf_counter()
    read = read_path(path, display_name=str(Path(path)))
    checked = tuple(judge.judge(item, matcher.match_item(item)) for item in read.items)
    return FileReport(read=read, items=checked, seconds=time.perf_counter() - started)


def check_paths(paths: Iterable[str], catalogs: CatalogSet, profile: Profile) -> Iterator[FileReport]:
    """Check every file, one after the other; a bad file yields an error report and the batch goes on."""
    matcher, judge = Matcher(catalogs), Judge(catalogs, profile)
    for path in paths:
        yield check_file(path, matcher, judge)
