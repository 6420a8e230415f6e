"""The work of a check, done in worker processes so that the page stays responsive: one process per bill
(read, match, judge within the per-file time limit), then one that renders the reports.  The parent side,
``call``, starts a process, waits for its answer off the event loop, and stops it when it overruns."""
from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ..engine import FileReport, RunReport, check_file
from ..judge.certificates import Registry, RegistryError, load_registry
from ..judge.certification import Certification
from ..judge.rules import Judge, Profile
from ..match.catalog import CatalogSet, load_catalogs
from ..match.matcher import Matcher
from ..model import FileRead
from .store import Artifact

# Workers start from a fork server that has the checker and the report templates loaded (fast, and safe in a
# threaded server); where there is none (Windows), they are spawned.
if "forkserver" in multiprocessing.get_all_start_methods():
    _CONTEXT = multiprocessing.get_context("forkserver")
    _CONTEXT.set_forkserver_preload(["checker.serve.preload"])
else:  # pragma: no cover - Windows
    _CONTEXT = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Input:
    """An uploaded file as the worker sees it: the generated path to read and the client's name to show."""

    position: int
    name: str
    path: str
    size: int
    sha256: str
    role: str = "bill"  # bill; in a bid review: tender, control or bid; registry


@dataclass(frozen=True)
class CheckSettings:
    """What every file of one check shares: the profile, the registry, the time limit, OCR."""

    profile: Profile
    registry: Input | None = None
    uncertified: str = "warning"
    file_seconds: float = 60.0
    ocr: bool = False
    band: float = 0.15  # a bid review's price band (unit prices beyond ± this share of the reference)


@dataclass(frozen=True)
class Rendered:
    """The reports of a check, made in the worker: the summary the history lists and the files to download."""

    verdict: str
    counts: dict
    report_json: str
    artifacts: tuple[Artifact, ...]
    warnings: tuple[str, ...]


class WorkerError(Exception):
    """A worker could not do its job; the message is one line for the page."""


class WorkerTimeout(WorkerError):
    pass


# ---- in the worker process ----

def load_named_registry(registry: Input | None) -> Registry | None:
    """The certificate registry, named by its client name (never the generated path) in reports and errors."""
    if registry is None:
        return None
    try:
        loaded = load_registry(registry.path)
    except RegistryError as exc:
        raise WorkerError(str(exc).replace(registry.path, registry.name)) from None
    return replace(loaded, path=registry.name)


@functools.lru_cache(maxsize=1)
def shipped() -> tuple[CatalogSet, Matcher]:
    """The shipped catalogs and their matcher: built once in the fork server, inherited by every worker."""
    catalogs = load_catalogs(())
    return catalogs, Matcher(catalogs)


def check_one(bill: Input, settings: CheckSettings) -> FileReport:
    """Check one uploaded bill (the CLI's per-file check and time limit) and name it by the client's name."""
    catalogs, matcher = shipped()
    registry = load_named_registry(settings.registry)
    certification = (Certification(registry, settings.profile, settings.uncertified)
                     if registry is not None else None)
    report = check_file(bill.path, matcher, Judge(catalogs, settings.profile), settings.file_seconds,
                        ocr=settings.ocr, certification=certification)
    return renamed(report, bill.path, bill.name)


def renamed(report: FileReport, path: str, name: str) -> FileReport:
    """The report with the generated path replaced by the client's name everywhere it shows."""
    provenances: dict[int, Any] = {}

    def item(line):
        if id(line) not in provenances:
            provenances[id(line)] = replace(line, provenance=replace(line.provenance, file=name))
        return provenances[id(line)]

    read = report.read
    read = replace(read, path=name, items=tuple(item(i) for i in read.items),
                   error=read.error.replace(path, name) if read.error else read.error,
                   warnings=tuple(w.replace(path, name) for w in read.warnings))
    items = tuple(replace(c, item=item(c.item)) for c in report.items)
    return replace(report, read=read, items=items)


def check_run(reports: list[FileReport], settings: CheckSettings) -> RunReport:
    """The run of checked files, as the command line makes it (catalogs, profile, registry and its notes)."""
    catalogs = shipped()[0]
    registry = load_named_registry(settings.registry)
    run = RunReport(files=reports, catalogs=catalogs, profile=settings.profile, registry=registry)
    if registry is not None and registry.example_data:
        run.warnings.append(f"the certificate registry {registry.path} is EXAMPLE DATA (fictional certificates)")
    return run


def render_reports(reports: list[FileReport], inputs: list[Input], settings: CheckSettings,
                   folder: str) -> Rendered:
    """Every report of a check: JSON (the history keeps it), HTML, SARIF, and an annotated workbook per bill
    (the xlsx format's own choice: a copy of an xlsx/xlsm with the results, else a findings workbook), written
    from the uploads (``inputs``, in the order of ``reports``) into ``folder``."""
    from ..report import renderer

    run = check_run(reports, settings)
    artifacts = list(workbooks(run, {n: i.path for n, i in enumerate(inputs)}, Path(folder) / "workbooks"))
    report_json = renderer("json")(run)
    artifacts[:0] = [Artifact("report.html", "gbm-check-report.html", "text/html; charset=utf-8",
                              renderer("html")(run).encode("utf-8")),
                     Artifact("report.json", "gbm-check-report.json", "application/json",
                              report_json.encode("utf-8")),
                     Artifact("report.sarif", "gbm-check-report.sarif", "application/sarif+json",
                              renderer("sarif")(run).encode("utf-8"))]
    return Rendered(verdict=run.verdict(), counts=run.counts(), report_json=report_json,
                    artifacts=tuple(artifacts), warnings=tuple(run.warnings))


def workbooks(run: RunReport, sources: dict[int, str], folder: Path) -> list[Artifact]:
    """The annotated workbooks, through the xlsx format's ``render`` (which reads each bill from its path: the
    generated one), offered for download under the client's names; the format's notes join ``run.warnings``."""
    from ..report import renderer

    names = {Path(sources[n]).stem: report.read.path for n, report in enumerate(run.files)}
    positions = {Path(sources[n]).stem: n for n in range(len(run.files))}
    os.chdir(Path(sources[0]).parent)  # this worker's own process: the workbooks name bills-1.xlsx …, no folder
    local = {n: Path(path).name for n, path in sources.items()}
    on_disk = RunReport(files=[replace(r, read=replace(r.read, path=local[n])) for n, r in enumerate(run.files)],
                        catalogs=run.catalogs, profile=run.profile, registry=run.registry)
    if not any(r.read.ok for r in on_disk.files):
        return []
    written = renderer("xlsx")(on_disk, f"{folder}{os.sep}")
    for warning in on_disk.warnings:
        for n, report in enumerate(run.files):
            warning = warning.replace(local[n], report.read.path)
        run.warnings.append(warning)
    artifacts = []
    for path in map(Path, written):
        stem, _, rest = path.name.partition(".")  # generated stems hold no dot: bill-0.checked.xlsx
        client = Path(names[stem]).stem or "bill"
        artifacts.append(Artifact(f"workbook-{positions[stem]}", f"{client}.{rest}",
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                  path.read_bytes()))
    return artifacts


def _child(conn, function: Callable, args: tuple) -> None:
    """A worker process: run ``function(*args)`` and send back ("ok", result) or ("error", one line)."""
    try:
        conn.send(("ok", function(*args)))
    except WorkerError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 — the parent shows one line, never a traceback
        conn.send(("error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"))
    finally:
        conn.close()


# ---- in the server ----

class Workers:
    """Starts worker processes and keeps track of them, so that the server can stop them all when it stops."""

    def __init__(self) -> None:
        self.running: set = set()

    async def call(self, function: Callable, *args, timeout: float) -> Any:
        """``function(*args)`` in a new worker process; WorkerTimeout after ``timeout`` seconds (the process is
        stopped), WorkerError when it fails or dies."""
        receiving, sending = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_child, args=(sending, function, args), daemon=True)
        process.start()
        sending.close()
        self.running.add(process)
        started, answer = time.monotonic(), None
        try:
            answer = await asyncio.to_thread(_receive, receiving, timeout)
        finally:
            receiving.close()
            if answer in (None, "died") and process.is_alive():
                process.kill()
            await asyncio.to_thread(process.join, 5)
            if process.is_alive():
                process.kill()
            self.running.discard(process)
        if answer is None:
            raise WorkerTimeout(f"took longer than {time.monotonic() - started:.0f} s and was stopped")
        if answer == "died":
            raise WorkerError(f"the worker process stopped (exit code {process.exitcode})")
        status, value = answer
        if status == "error":
            raise WorkerError(value)
        return value

    def stop_all(self) -> None:
        for process in list(self.running):
            if process.is_alive():
                process.kill()


def _receive(conn, timeout: float):
    """The worker's answer, "died" when it ended without one, or None when it overran."""
    if not conn.poll(timeout):
        return None
    try:
        return conn.recv()
    except (EOFError, OSError):
        return "died"


def not_checked(bill: Input, seconds: float, why: str) -> FileReport:
    """The report of a bill whose worker had to be stopped or died: not checked, with the reason."""
    return FileReport(read=FileRead(path=bill.name, format="unknown", sha256=bill.sha256,
                                    error=f"not checked: {why}"), items=(), seconds=seconds)
