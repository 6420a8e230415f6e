"""What every report writer shares: its options, where it writes (a sink), and the begin / add / end protocol."""
from __future__ import annotations

import dataclasses

import datetime as _dt
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Optional

from ..engine import FileReport, FileSummary, RunReport
from .common import FLAGGED


@dataclass(frozen=True)
class ReportOptions:
    """How the reports are written (the same for every format of a run)."""

    lang: str = "zh"  # zh or en
    color: bool = False  # text: ANSI colours
    max_lines: Optional[int] = None  # text: flagged lines shown per file (None: all)
    item_table: Optional[bool] = None  # html: the full item table (None: only when one file is checked)
    now: Optional[_dt.datetime] = None  # the time printed on reports (tests fix it)


class ReportOutputError(ValueError):
    """A report cannot be written where it was asked to go (one line, for the CLI)."""


class Sink:
    """Where a report goes: a file, written under a temporary name and renamed when complete (never
    half-written), or an open binary stream (standard output, a buffer)."""

    def __init__(self, output: str | None = None, stream: IO[bytes] | None = None):
        self.output = output
        self._tmp: Path | None = None
        if output is not None:
            target = Path(output)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            self.stream: IO[bytes] = open(self._tmp, "wb")
        else:
            self.stream = stream if stream is not None else io.BytesIO()

    def write(self, data: bytes | str) -> None:
        self.stream.write(data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data)

    def close(self) -> str | None:
        """Finish: rename the file into place; return its path (None for a stream)."""
        if self._tmp is None:
            self.stream.flush()
            return None
        self.stream.close()
        os.replace(self._tmp, self.output)
        self._tmp = None
        return self.output

    def abort(self) -> None:
        if self._tmp is not None:
            self.stream.close()
            self._tmp.unlink(missing_ok=True)
            self._tmp = None


class Writer:
    """A report written as the run goes: ``begin(run)``, ``add(report, summary)`` per file, ``end(run)``.
    ``end`` returns the paths written (empty for a stream)."""

    needs_lines = True  # False: ``add`` also takes a file digested by its worker, without its items (``digest``)
    digest_parts: frozenset = frozenset()  # what such a writer needs in a digest: "json_items", "flagged"

    def __init__(self, sink: Sink, options: ReportOptions = ReportOptions()):
        self.sink = sink
        self.options = options
        self._prepared: dict[int, tuple[tuple, list]] = {}  # id(lines) → (lines, what ``keep`` was given)

    def begin(self, run: RunReport) -> None:
        pass

    def prepare(self, lines: tuple) -> None:
        """Optional: a file's lines, read and not yet judged (``checker.run.check_files(on_lines=…)``), for
        work that depends on the lines alone; its report comes later through ``add`` (or not, if it fails)."""

    def keep(self, lines: tuple, encodings: list) -> None:
        """For ``prepare``: keep what was encoded of each of a file's lines, for ``add`` to ``take_prepared``."""
        self._prepared[id(lines)] = (lines, encodings)

    def take_prepared(self, lines: tuple) -> list | None:
        """What ``keep`` was given for exactly these lines, or None; what it kept of other lines goes too
        (lines prepared for a file that then failed: their report will not come)."""
        prepared = self._prepared.pop(id(lines), None)
        self._prepared.clear()
        return prepared[1] if prepared is not None and prepared[0] is lines else None

    def add(self, report: FileReport, summary: FileSummary) -> None:
        pass

    def end(self, run: RunReport) -> list[str]:
        path = self.sink.close()
        return [path] if path else []

    def abort(self) -> None:
        """Stop without leaving a half-written report behind."""
        self.sink.abort()


def write_run(writer: Writer, run: RunReport) -> list[str]:
    """Feed a whole run (its ``files`` kept) through a writer."""
    writer.begin(run)
    for report, summary in zip(run.files, run.file_summaries()):
        # the run keeps a file's outcome, not what reading found in it: the writers get the read back
        writer.add(report, dataclasses.replace(summary, read=dataclasses.replace(report.read, items=())))
    return writer.end(run)


def statuses(report: FileReport, summary: FileSummary) -> tuple[str, ...]:
    """Each line's status: from the summary when it carries them (computed once), else from the lines."""
    if len(summary.statuses) == len(report.items):
        return summary.statuses
    return tuple(checked.status for checked in report.items)


def flagged_lines(report: FileReport, summary: FileSummary | None = None):
    """(line, status) for each line with a banned, restricted or uncertified finding, in file order — every
    line a text, SARIF or JUnit report lists: what a file digested by its worker brings (``digest.flagged``),
    else picked from its items (statuses from ``summary`` when given)."""
    digest = report.digest
    if digest is not None:
        return zip(digest.flagged, digest.flagged_statuses)
    return flagged_of(report.items, statuses(report, summary) if summary is not None else
                      (c.status for c in report.items))


def flagged_of(items, line_statuses):
    """The (line, status) pairs of ``items`` that have a finding of a kind the reports flag (``FLAGGED``)."""
    return ((checked, status) for checked, status in zip(items, line_statuses)
            if any(f.kind in FLAGGED for f in checked.findings))


def line_count(report: FileReport) -> int:
    """The file's lines (a digested file carries their number, not the lines)."""
    return report.digest.lines if report.digest is not None else len(report.items)


def render_run(writer_class: type, run: RunReport, **options) -> str:
    """A whole run's report as text (for callers that hold the run: tests, serve, compare)."""
    buffer = io.BytesIO()
    write_run(writer_class(Sink(stream=buffer), ReportOptions(**options)), run)
    return buffer.getvalue().decode("utf-8")

