"""Checks in progress: each upload becomes a job that runs its bills in worker processes (at most
``max_jobs`` jobs at once, the others wait), reports its progress for the page to poll, and ends in the history."""
from __future__ import annotations

import asyncio
import datetime as _dt
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from ..engine import FileReport
from .settings import ServeSettings
from .store import CheckRecord, History, StoredFile, keep_uploads
from .uploads import Upload
from .kinds import RENDERERS, ROLES, role_of
from .worker import (CheckSettings, Input, Workers, WorkerError, WorkerTimeout, check_one, load_named_registry,
                     not_checked)

GRACE_SECONDS = 15.0  # a worker gets this long past the per-file limit before it is stopped
REPORT_SECONDS = 600.0  # rendering every report of one check
KEEP_CHOICES = {"none": None, "7d": 7, "30d": 30, "always": 0}  # days the uploads are kept (0: until deleted)


@dataclass
class Job:
    """A check as the page polls it."""

    id: str
    names: list[str]
    kind: str = "check"  # what the job makes of its files (kinds.RENDERERS)
    roles: list[str] = field(default_factory=list)  # of each file in names: bill; tender, control, bid
    state: str = "waiting"  # waiting → running → done | failed
    done: int = 0  # bills checked so far
    current: str = ""  # what the worker is doing now
    message: str | None = None  # the one-line reason of a failed job
    errors: list[str] = field(default_factory=list)  # one line per bill that could not be checked
    started: float = field(default_factory=time.time)

    def status(self) -> dict:
        data = asdict(self)
        data["total"] = len(self.names)
        return data


class Jobs:
    """Every job of this server, by id; starts them and keeps the tasks alive until they end."""

    def __init__(self, settings: ServeSettings, history: History):
        self.settings, self.history = settings, history
        self.workers = Workers()
        self.jobs: dict[str, Job] = {}
        self.tasks: set[asyncio.Task] = set()
        self._slots: asyncio.Semaphore | None = None

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _prune(self, hours: float = 24.0) -> None:
        """Forget the jobs that ended long ago (their checks are in the history)."""
        limit = time.time() - hours * 3600
        for job_id in [j.id for j in self.jobs.values() if j.state in ("done", "failed") and j.started < limit]:
            del self.jobs[job_id]

    def forget(self, job_id: str) -> None:
        """Drop a finished job (its check was deleted from the history)."""
        job = self.jobs.get(job_id)
        if job is not None and job.state in ("done", "failed"):
            del self.jobs[job_id]

    def start(self, upload: Upload, settings: CheckSettings, keep: str, kind: str = "check") -> Job:
        """Queue a job of the upload's files (a check, or a bid review); it starts when a slot is free."""
        self._prune()
        order = ROLES[kind]
        files = sorted((f for f in upload.files if f.field != "registry"),
                       key=lambda f: order.index(role_of(f.field, kind)))
        inputs = [Input(n, f.name, str(f.path), f.size, f.sha256, role_of(f.field, kind)) for n, f in enumerate(files)]
        registry = next((f for f in upload.files if f.field == "registry"), None)
        if registry is not None:
            settings = replace(settings, registry=Input(len(inputs), registry.name, str(registry.path), registry.size,
                                                        registry.sha256, "registry"))
        job = Job(id=secrets.token_urlsafe(12), names=[i.name for i in inputs], kind=kind,
                  roles=[i.role for i in inputs])
        self.jobs[job.id] = job
        task = asyncio.get_running_loop().create_task(self._run(job, upload, inputs, settings, keep))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job

    async def _run(self, job: Job, upload: Upload, inputs: list[Input], settings: CheckSettings, keep: str) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.max_jobs)
        try:
            async with self._slots:
                job.state = "running"
                if settings.registry is not None:
                    job.current = settings.registry.name
                    await self.workers.call(load_named_registry, settings.registry, timeout=REPORT_SECONDS)
                reports = []
                for bill in inputs:
                    job.current = bill.name
                    reports.append(await self._check(bill, settings))
                    if not reports[-1].read.ok:
                        job.errors.append(f"gbm-check: {bill.name}: {reports[-1].read.error}")
                    job.done += 1
                job.current = "报告"
                rendered = await self.workers.call(RENDERERS[job.kind], reports, inputs, settings, str(upload.folder),
                                                   timeout=REPORT_SECONDS)
            await run_in_threadpool(self._store, job, inputs, settings, reports, rendered, keep)
            job.state = "done"
        except (WorkerError, OSError) as exc:
            job.message = f"gbm-check: {exc}"
            job.state = "failed"
        except Exception as exc:  # noqa: BLE001 — a job never ends silently: the page gets one line
            job.message = f"gbm-check: the check failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
            job.state = "failed"
        finally:
            upload.discard()

    async def _check(self, bill: Input, settings: CheckSettings) -> FileReport:
        """One bill in its own worker: a worker that overruns the limit or dies makes the bill not checked,
        and the batch goes on."""
        started = time.monotonic()
        try:
            return await self.workers.call(check_one, bill, settings,
                                           timeout=settings.file_seconds + GRACE_SECONDS)
        except WorkerTimeout:
            why = f"took longer than the {settings.file_seconds:.0f} s limit per file"
        except WorkerError as exc:
            why = str(exc)
        return not_checked(bill, time.monotonic() - started, why)

    def _store(self, job, inputs, settings, reports, rendered, keep) -> None:
        now = _dt.datetime.now()
        days = KEEP_CHOICES.get(keep)
        kept: dict[int, str] = {}
        if days is not None:
            everything = inputs + ([settings.registry] if settings.registry else [])
            kept = keep_uploads([(i.position, Path(i.path)) for i in everything], self.history.upload_folder(job.id))
        files = [StoredFile(b.position, b.role, b.name, b.sha256, b.size, r.read.format, r.read.error,
                            kept.get(b.position)) for b, r in zip(inputs, reports)]
        if settings.registry is not None:
            r = settings.registry
            files.append(StoredFile(r.position, "registry", r.name, r.sha256, r.size, None, None, kept.get(r.position)))
        profile = settings.profile
        record = CheckRecord(
            id=job.id, created=now.isoformat(timespec="seconds"), kind=job.kind, verdict=rendered.verdict,
            counts=rendered.counts, error=None,
            profile={"city": profile.city, "district": profile.district, "project_type": profile.project_type,
                     "bid_date": profile.bid_date.isoformat(), "urban_area": profile.urban_area,
                     "government_invested": profile.government_invested, "ocr": settings.ocr,
                     **({"band": settings.band} if job.kind == "review" else {})},
            keep_until=None if days is None else ("9999-12-31" if days == 0 else
                                                  (now + _dt.timedelta(days=days)).isoformat(timespec="seconds")),
            files=tuple(files))
        self.history.add(record, rendered.report_json, list(rendered.artifacts))

    async def close(self) -> None:
        """Stop every worker and wait for the jobs to wind up (their uploads are removed)."""
        self.workers.stop_all()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
