"""The work of a check, done in a worker process so that the page stays responsive: one process per check (a
*job process*) checks its files through the batch runner of the command line (``checker.run.check_files``:
each file in a process of its own with the per-file time and memory limits, a budget that grows with the work
and with scanned pages read by OCR), telling the server each file as it finishes, then renders the reports.
The parent side, ``Workers.call``, starts a process, waits for its answer off the event loop, passes its
progress on, and stops it when it overruns or the server stops."""
from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..engine import FileReport, RunReport
from ..judge.certificates import Registry, RegistryError, load_registry
from ..judge.rules import Profile
from ..limits import Limits
from ..match.catalog import CatalogSet, load_catalogs
from .store import Artifact

REPORT_SECONDS = 600.0  # rendering every report of one check

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
    """What every file of one check shares: the profile, the registry, the per-file limits, OCR."""

    profile: Profile
    registry: Input | None = None
    uncertified: str = "warning"
    limits: Limits = field(default_factory=Limits)  # per file, as the command line's (--time-limit, --memory-limit)
    ocr: bool = True  # scanned pages and bill images read by OCR, as `gbm-check check` does by default
    band: float = 0.15  # a bid review's price band (unit prices beyond ± this share of the reference)
    workers: int = 1  # worker processes the batch runner checks this check's files in
    xml_mappings: tuple = ()  # the server's user XML schema mappings (xmlbill.Mapping)


@dataclass(frozen=True)
class Rendered:
    """The reports of a check, made in the worker: the summary the history lists and the files to download."""

    verdict: str
    counts: dict
    report_json: str
    artifacts: tuple[Artifact, ...]
    warnings: tuple[str, ...]
    files: tuple[tuple[str, str | None], ...] = ()  # (format, error or None) of each checked file, in order


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
def shipped() -> CatalogSet:
    """The shipped catalogs: loaded once in the fork server, inherited by every worker."""
    return load_catalogs(())


def check_and_render(inputs: list[Input], settings: CheckSettings, folder: str, kind: str,
                     tell: Callable[..., None]) -> Rendered:
    """The whole of a check, in its job process: every file through the batch runner (``tell``-ing the server
    ("checked", name, format, error) as each finishes, in order), then ``("reports",)`` and the reports of the
    job's ``kind`` (``kinds.RENDERERS``)."""
    from ..run import CheckSettings as RunSettings
    from ..run import check_files
    from .kinds import RENDERERS

    run = RunSettings(catalogs=shipped(), profile=settings.profile, ocr=settings.ocr,
                      registry=load_named_registry(settings.registry), uncertified=settings.uncertified,
                      limits=settings.limits, xml_mappings=settings.xml_mappings)
    reports = []
    for bill, report in zip(inputs, check_files([i.path for i in inputs], run, jobs=settings.workers)):
        reports.append(renamed(report, bill.path, bill.name))
        tell(("checked", bill.name, report.read.format, reports[-1].read.error))
    tell(("reports",), deadline=REPORT_SECONDS)
    rendered = RENDERERS[kind](reports, inputs, settings, folder)
    return replace(rendered, files=tuple((r.read.format, r.read.error) for r in reports))


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
    catalogs = shipped()
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


def _child(conn, function: Callable, args: tuple, progress: bool) -> None:
    """A worker process: run ``function(*args)`` and send back ("ok", result) or ("error", one line); with
    ``progress``, the function gets ``tell(message, deadline=None)``, which sends ("progress", message, deadline)
    (a deadline in seconds replaces the caller's)."""
    def tell(message, deadline: float | None = None) -> None:
        conn.send(("progress", message, deadline))

    try:
        conn.send(("ok", function(*args, tell=tell) if progress else function(*args)))
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

    async def call(self, function: Callable, *args, timeout: float | None,
                   progress: Callable[[Any], None] | None = None) -> Any:
        """``function(*args)`` in a new worker process; WorkerTimeout after ``timeout`` seconds (None: no limit
        until the worker names one; the process is stopped), WorkerError when it fails or dies.  With
        ``progress``, the function is given ``tell`` and each message it tells is passed to ``progress`` on the
        event loop.  The process is not daemonic: its own workers (the batch runner's, a PDF's page readers) may
        start processes; ``stop_all`` ends it with the server."""
        loop = asyncio.get_running_loop()
        receiving, sending = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_child, args=(sending, function, args, progress is not None))
        process.start()
        sending.close()
        self.running.add(process)
        started, answer = time.monotonic(), None
        told = (lambda message: loop.call_soon_threadsafe(progress, message)) if progress else None
        try:
            answer = await asyncio.to_thread(_receive, receiving, timeout, told)
        finally:
            receiving.close()
            if answer in (None, "died") and process.is_alive():
                process.kill()
            await asyncio.to_thread(process.join, 5)
            if process.is_alive():
                process.kill()
                await asyncio.to_thread(process.join, 5)
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


def _receive(conn, timeout: float | None, progress: Callable | None):
    """The worker's answer, "died" when it ended without one, or None when it overran; progress messages go to
    ``progress`` on the way (and may set a new deadline)."""
    deadline = time.monotonic() + timeout if timeout is not None else None
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not conn.poll(wait):
            return None
        try:
            answer = conn.recv()
        except (EOFError, OSError):
            return "died"
        if answer[0] != "progress":
            return answer
        _, message, new_deadline = answer
        if new_deadline is not None:
            deadline = time.monotonic() + new_deadline
        if progress is not None:
            progress(message)
