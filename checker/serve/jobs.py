"""Checks in progress: each upload becomes a job whose process checks its bills through the batch runner (at most
``max_jobs`` jobs at once, the others wait), reports its progress for the page to poll, and ends in the history —
a failed job too, with its reason."""
from __future__ import annotations

import asyncio
import datetime as _dt
import secrets
import sqlite3
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from ..report.common import not_checked_line
from ..report.i18n import texts
from .settings import ServeSettings
from .store import CheckRecord, History, StoredFile, keep_uploads
from .uploads import Upload
from .kinds import ROLES, role_of
from .worker import CheckSettings, Input, Rendered, Workers, WorkerError, check_and_render

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
        files: list[tuple[str | None, str | None]] = []  # (format, error) of each file checked so far

        def progress(message: tuple) -> None:
            if message[0] == "checked":
                _, name, fmt, error = message
                files.append((fmt, error))
                if error:
                    job.errors.append(not_checked_line(name, error, texts("zh")))
                job.done += 1
                job.current = inputs[job.done].name if job.done < len(inputs) else ""
            elif message[0] == "reports":
                job.current = "报告"

        rendered: Rendered | None = None
        try:
            async with self._slots:
                job.state = "running"
                job.current = settings.registry.name if settings.registry is not None else inputs[0].name
                rendered = await self.workers.call(check_and_render, inputs, settings, str(upload.folder), job.kind,
                                                   timeout=None, progress=progress)
        except asyncio.CancelledError:  # the server stops: nothing to store
            upload.discard()
            raise
        except (WorkerError, OSError) as exc:
            job.message = f"gbm-check: {exc}"
        except Exception as exc:  # noqa: BLE001 — a job never ends silently: the page gets one line
            job.message = f"gbm-check: the check failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
        try:
            await run_in_threadpool(self._store, job, inputs, settings, rendered,
                                    list(rendered.files) if rendered else files, keep)
        except (OSError, sqlite3.Error) as exc:
            job.message = job.message or f"gbm-check: cannot store the check in the history: {exc}"
        finally:
            upload.discard()
        job.state = "failed" if job.message else "done"

    def _store(self, job: Job, inputs: list[Input], settings: CheckSettings, rendered: Rendered | None,
               files: list[tuple[str | None, str | None]], keep: str) -> None:
        """The check in the history: its reports, or — a job that failed — its reason, and each file's outcome
        as far as it got (a file never reached has neither format nor error)."""
        now = _dt.datetime.now()
        days = KEEP_CHOICES.get(keep)
        kept: dict[int, str] = {}
        if days is not None:
            everything = inputs + ([settings.registry] if settings.registry else [])
            kept = keep_uploads([(i.position, Path(i.path)) for i in everything if Path(i.path).is_file()],
                                self.history.upload_folder(job.id))
        outcomes = files + [(None, None)] * (len(inputs) - len(files))
        stored = [StoredFile(b.position, b.role, b.name, b.sha256, b.size, fmt, error, kept.get(b.position))
                  for b, (fmt, error) in zip(inputs, outcomes)]
        if settings.registry is not None:
            r = settings.registry
            stored.append(StoredFile(r.position, "registry", r.name, r.sha256, r.size, None, None,
                                     kept.get(r.position)))
        profile = settings.profile
        record = CheckRecord(
            id=job.id, created=now.isoformat(timespec="seconds"), kind=job.kind,
            verdict=rendered.verdict if rendered else None, counts=rendered.counts if rendered else {},
            error=None if rendered else job.message,
            profile={"city": profile.city, "district": profile.district, "project_type": profile.project_type,
                     "bid_date": profile.bid_date.isoformat(), "urban_area": profile.urban_area,
                     "government_invested": profile.government_invested, "ocr": settings.ocr,
                     **({"band": settings.band} if job.kind == "review" else {})},
            keep_until=None if days is None else ("9999-12-31" if days == 0 else
                                                  (now + _dt.timedelta(days=days)).isoformat(timespec="seconds")),
            files=tuple(stored))
        self.history.add(record, rendered.report_json if rendered else None,
                         list(rendered.artifacts) if rendered else [])

    async def close(self) -> None:
        """Stop every worker and wait for the jobs to wind up (their uploads are removed)."""
        self.workers.stop_all()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
