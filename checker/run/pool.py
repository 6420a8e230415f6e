"""The batch runner: every file checked in a worker process with hard limits, results in input order.

``check_files(paths, settings, jobs=N)`` yields one ``FileReport`` per path, in the order of ``paths``, as files
finish.  Each file is read and checked in a worker process (``checker.run.worker``) that

- has an address-space limit (``Limits.memory``): a file that needs more is reported, never swaps the machine;
- has a wall-clock budget proportional to the file's work (``Limits.seconds_for``): the worker's own timer
  stops a slow file politely a little before (``Limits.soft_seconds``), and if it does not stop (a native
  loop, a ``finally`` that loops again) the runner kills the worker's whole process group when the budget is
  spent and reports the file as one line;
- cannot print: its stdout/stderr come to the runner, whose last lines explain a crash (a Rust allocation
  failure, a segfault) in the file's one-line reason — unless the early pre-flight refused the file (its
  first sheet may be parsed before that answer is in: ``checker.early``), whose own reason is then given.

The last file of a run, handed out while another core has nothing to do (a run of one big bill), goes with
that core: its worker judges half of the lines in a forked child (``checker.run.split``).

A dead or killed worker is replaced and the batch goes on.  The runner holds at most ``window`` finished files
ahead of the next one to yield, as pickled bytes (a few MB for a 50,000-line bill), and stops handing out
files while that buffer is full, so its memory does not grow with the number of files.

Workers are forked (they inherit the built matcher and judge); in a process with other threads, where fork is
unsafe, they are started as ``python -m checker.run.worker`` and receive the settings.  Without ``os.fork``
(Windows) files are checked in this process with the SIGALRM timer only.

One case is checked in this process on purpose (the *fast path*): a run of a single small CSV/text file
(``FAST_PATH_BYTES``).  Reading it is pure Python over a bounded input (codec, csv module, charset detection;
no native parser that could panic, print or allocate beyond the pre-flight estimate), interruptible by the
timer, so isolation would only add the cost of a worker.
"""
from __future__ import annotations

import gc
import os
import pickle
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .. import early
from ..engine import FileReport
from ..limits import Work
from ..model import FileRead, LineItem
from . import codec
from . import worker as protocol
from .settings import Checker, CheckSettings, display_path

if TYPE_CHECKING:
    from ..report.digest import DigestSpec

__all__ = ["check_files", "CheckSettings", "default_jobs"]

FAST_PATH_BYTES = 1 << 20  # a single CSV/text file up to this size is checked in-process
BUFFER_BYTES = 256 << 20  # finished reports held for in-order output, at most (pickled bytes)
START = "auto"  # how workers start: "fork", "exec" (a fresh interpreter), or "auto" (fork unless threads run)
TAIL_BYTES = 4096  # of a worker's output for the current file, kept to explain a crash (first and last half)


def default_jobs() -> int:
    """Worker processes by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_files(paths: Iterable[str], settings: CheckSettings, jobs: int | None = None, *,
                isolate: bool | None = None, checker: Checker | None = None,
                window: int | None = None,
                on_lines: Callable[[tuple[LineItem, ...]], None] | None = None,
                digest: DigestSpec | None = None) -> Iterator[FileReport]:
    """One FileReport per path, in input order, as files finish (a bad file is an error report, never an
    exception).  ``jobs``: worker processes (default: the cores); ``isolate``: False checks in this process
    (trusted input, tests), None decides (workers, except the fast path and where processes cannot fork);
    ``checker``: an already built checker for these settings (saves building one; forked workers inherit it,
    workers started without fork build their own from ``settings``).  ``on_lines(lines)``: told a file's
    lines when a worker sends them ahead, while it judges them (the report writers prepare their part; the
    FileReport yielded later holds this same tuple as ``read.items``; files checked in this process are
    not told).  ``digest``: files checked by workers come as their digests (``checker.report.digest``: no
    items; ``on_lines`` is not told unless the spec sends the lines ahead), for a run whose reports need no
    line."""
    paths = list(paths)
    jobs = max(1, jobs or default_jobs())
    if isolate is None:
        isolate = hasattr(os, "fork") and not (len(paths) == 1 and _fast_path(paths[0]))
    if not isolate or not paths:
        checker = checker or settings.checker()
        for path in paths:
            yield checker.check(path)
        return
    pool = _Pool(settings, checker, min(jobs, len(paths)), window, on_lines, cores=jobs, digest=digest)
    try:
        yield from pool.run(paths)
    finally:
        pool.close()


def _fast_path(path: str) -> bool:
    """A small file that sniffs as CSV/text (see the module docstring for why in-process is safe there)."""
    from ..read.sniff import InputRefused, sniff_file

    try:
        if not 0 < os.path.getsize(path) <= FAST_PATH_BYTES:
            return False
        return sniff_file(path)[1] == "csv"
    except (OSError, InputRefused):
        return False


@dataclass
class _Task:
    index: int
    path: str
    started: float
    budget: float  # seconds (0: no limit)
    work: Work | None = None
    retried: bool = False
    lines: tuple | None = None  # the file's lines, sent ahead of its judged result
    size: int = 0  # bytes received for it so far (counted in the runner's buffer)


@dataclass
class _Worker:
    pid: int
    requests: int  # fd we write file requests to
    results: int  # fd we read budgets and reports from
    output: int  # fd we read the worker's stdout/stderr from
    process: subprocess.Popen | None = None
    task: _Task | None = None
    tail: bytearray = field(default_factory=bytearray)


class _Pool:
    def __init__(self, settings: CheckSettings, checker: Checker | None, jobs: int, window: int | None,
                 on_lines: Callable[[tuple], None] | None = None, cores: int | None = None,
                 digest: DigestSpec | None = None):
        self.settings = settings
        self.digest = digest
        self.on_lines = on_lines
        self.limits = settings.limits
        self.checker = checker
        self.jobs = jobs  # worker processes at most
        self.cores = cores or jobs  # cores the run may use (a last file's worker may borrow an idle one)
        self.window = window or max(4, 4 * jobs)
        self.fork = hasattr(os, "fork") and (START == "fork" or (START == "auto" and threading.active_count() == 1))
        self.selector = selectors.DefaultSelector()
        self.workers: list[_Worker] = []
        self.done: dict[int, tuple[bytes, tuple | None, int] | FileReport] = {}  # finished, not yet yielded
        self.buffered = 0
        self.again: list[_Task] = []  # files whose worker exited cleanly before finishing them

    # -- workers ---------------------------------------------------------------------------------------------

    def _start(self) -> _Worker:
        _reap_exited()
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
        output_read, output_write = os.pipe()
        if self.fork:
            if self.checker is None:
                self.checker = self.settings.checker()
            gc.freeze()  # the parent's objects stay out of the worker's collector: fewer copied pages
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    for fd in (request_write, result_read, output_read):
                        os.close(fd)
                    for other in self.workers:
                        for fd in (other.requests, other.results, other.output):
                            _close(fd)
                    self.selector = None
                    protocol.prepare_process(self.limits.memory, output_write)
                    os.close(output_write)
                    protocol.serve(request_read, result_write, self.checker, self.limits.memory, self.digest)
                except BaseException:
                    code = 70
                finally:
                    os._exit(code)
            gc.unfreeze()
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass
            process = None
        else:
            process = subprocess.Popen(
                [sys.executable, "-m", "checker.run.worker", str(request_read), str(result_write)],
                pass_fds=(request_read, result_write), stdin=subprocess.DEVNULL, stdout=output_write,
                stderr=output_write, start_new_session=True)
            pid = process.pid
        for fd in (request_read, result_write, output_write):
            os.close(fd)
        os.set_blocking(output_read, False)  # draining what a worker printed never waits for it
        worker = _Worker(pid, request_write, result_read, output_read, process)
        if not self.fork:
            protocol.write_message(worker.requests, protocol.SETTINGS, 0,
                                   pickle.dumps((self.settings, self.digest), protocol=pickle.HIGHEST_PROTOCOL))
        self.selector.register(result_read, selectors.EVENT_READ, (worker, "results"))
        self.selector.register(output_read, selectors.EVENT_READ, (worker, "output"))
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool = False, wait: bool = True) -> int | None:
        """Stop a worker (killing its process group if asked) and return how it ended (-signal or code);
        ``wait=False``: a worker that has not ended yet is reaped later (``_reap_exited``)."""
        if kill:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except OSError:
                try:
                    os.kill(worker.pid, signal.SIGKILL)
                except OSError:
                    pass
        self._drain_output(worker)
        for fd in (worker.results, worker.output):
            try:
                self.selector.unregister(fd)
            except (KeyError, ValueError):
                pass
            _close(fd)
        _close(worker.requests)
        if not wait:
            _EXITING.append(worker)
            _reap_exited()
            status = None
        else:
            status = _reap(worker, wait=kill or worker.task is not None)
        if worker in self.workers:
            self.workers.remove(worker)
        return status

    def _drain_output(self, worker: _Worker) -> None:
        while True:
            try:
                chunk = os.read(worker.output, 65536)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            _keep(worker.tail, chunk)
            if len(chunk) < 65536:
                return

    # -- the run ---------------------------------------------------------------------------------------------

    def run(self, paths: list[str]) -> Iterator[FileReport]:
        following = 0  # next index to hand out
        emitted = 0  # next index to yield
        total = len(paths)
        while emitted < total:
            while emitted in self.done:
                item = self.done.pop(emitted)
                if isinstance(item, tuple):
                    data, lines, size = item
                    self.buffered -= size
                    item = _decoded(data, lines, paths[emitted])
                emitted += 1
                yield item
            if emitted >= total:
                break
            idle = [w for w in self.workers if w.task is None]
            while self.again and (idle or len(self.workers) < self.jobs):
                task = self.again.pop()
                self._assign(idle.pop() if idle else self._start(), task.index, task.path, retried=True)
            while (following < total and following - emitted < self.window and self.buffered < BUFFER_BYTES
                   and (idle or len(self.workers) < self.jobs)):
                worker = idle.pop() if idle else self._start()
                busy = sum(w.task is not None for w in self.workers)
                spare = following + 1 == total and self.cores - busy >= 2  # the last file, and a core nobody needs
                self._assign(worker, following, paths[following], spare_core=spare)
                following += 1
            self._wait()

    def _assign(self, worker: _Worker, index: int, path: str, retried: bool = False,
                spare_core: bool = False) -> None:
        """Hand a file to an idle worker (``spare_core``: it may judge the lines on two cores)."""
        budget = self.limits.seconds_for(None, ocr=self.settings.ocr)
        worker.task = _Task(index, path, time.monotonic(), budget, retried=retried)
        worker.tail.clear()
        try:
            protocol.write_message(worker.requests, protocol.FILE_WITH_CORE if spare_core else protocol.FILE,
                                   index, os.fsencode(path))
        except protocol.Closed:  # died while idle: the read side reports it
            pass

    def _wait(self) -> None:
        now = time.monotonic()
        deadlines = [w.task.started + w.task.budget for w in self.workers
                     if w.task is not None and w.task.budget]
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        for key, _ in self.selector.select(timeout):
            worker, kind = key.data
            if worker not in self.workers:
                continue
            if kind == "output":
                try:
                    chunk = os.read(worker.output, 65536)
                except OSError:
                    chunk = b""
                if chunk:
                    _keep(worker.tail, chunk)
                else:
                    self.selector.unregister(worker.output)
                continue
            try:
                tag, index, payload = protocol.read_message(worker.results)
            except (protocol.Closed, OSError):
                self._died(worker)
                continue
            task = worker.task
            if task is None or index != task.index:
                continue
            if tag == protocol.BUDGET_TAG:
                seconds, cells, pages, scanned = protocol.BUDGET.unpack(payload)
                task.budget, task.work = seconds, Work(cells, pages, scanned)
            elif tag == protocol.LINES:  # decoded now, while the worker judges them
                # ahead of a digest, the report writers take what they need of them (``codec.ColumnLines``)
                lines_ahead = self.digest is not None and self.digest.lines_ahead
                task.lines = codec.ColumnLines(payload) if lines_ahead else codec.decode_lines(payload)
                task.size = len(payload)
                self.buffered += task.size
                if self.on_lines is not None and task.lines:
                    self.on_lines(task.lines)
            elif tag in (protocol.RESULT, protocol.LAST_RESULT):
                worker.task = None
                self.done[index] = (payload, task.lines, task.size + len(payload))
                self.buffered += len(payload)
                if tag == protocol.LAST_RESULT:
                    self._retire(worker)
        now = time.monotonic()
        for worker in list(self.workers):
            task = worker.task
            if task is not None and task.budget and now > task.started + task.budget:
                self._retire(worker, kill=True)
                self._finish(task, self.limits.explain(task.budget, task.work), now)

    def _died(self, worker: _Worker) -> None:
        task = worker.task
        status = self._retire(worker)
        if task is None:
            return
        if status == 0 and not task.retried:  # a clean exit is never the file's doing: give it another worker
            task.retried = True
            self.again.append(task)
            return
        refused = early.refusal(task.path, self.limits.memory)  # a refused file parsed ahead of its answer
        if refused is not None:
            self._finish(task, refused[1], time.monotonic(), refused[0])
        else:
            self._finish(task, _crash_reason(status, bytes(worker.tail), self.limits.memory), time.monotonic())

    def _finish(self, task: _Task, reason: str, now: float, fmt: str = "unknown") -> None:
        self.buffered -= task.size  # lines sent ahead of a result that will never come
        self.done[task.index] = _not_checked(task.path, reason, now - task.started, fmt)

    def close(self) -> None:
        """Idle workers are told to quit and not waited for (they are reaped later); busy ones are killed."""
        for worker in list(self.workers):
            if worker.task is None:
                try:
                    protocol.write_message(worker.requests, protocol.QUIT, 0)
                except protocol.Closed:
                    pass
                self._retire(worker, wait=False)
            else:
                self._retire(worker, kill=True)
        self.selector.close()


def _decoded(data: bytes, lines: tuple | None, path: str) -> FileReport:
    """A worker's report of ``path`` (one that cannot be decoded, a bug, is still one line: not checked)."""
    try:
        return codec.decode_result(data, lines)
    except Exception as exc:
        return _not_checked(path, f"internal error while checking (the worker's report could not be read: "
                                  f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]})", 0.0)


def _not_checked(path: str, reason: str, seconds: float, fmt: str = "unknown") -> FileReport:
    """The report of a file no worker's report came for: not checked, and why."""
    read = FileRead(path=display_path(path), format=fmt, sha256=_sha256(path), error=reason)
    return FileReport(read=read, items=(), seconds=seconds)


def _keep(tail: bytearray, chunk: bytes) -> None:
    """Append a worker's output, keeping its first and its last TAIL_BYTES / 2 bytes."""
    tail += chunk
    half = TAIL_BYTES // 2
    if len(tail) > TAIL_BYTES:
        del tail[half:len(tail) - half]


def _size(count: int) -> str:
    for unit, scale in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _crash_reason(status: int | None, tail: bytes, memory: int) -> str:
    """Why a worker ended in the middle of a file, in one line."""
    text = tail.decode("utf-8", "replace")
    limit = f"{memory / 2**30:.1f} GB" if memory else "available"
    if "memory allocation of" in text or "MemoryError" in text or "Cannot allocate memory" in text:
        import re

        asked = re.search(r"memory allocation of (\d+) bytes", text)
        detail = f" (a reader asked for {_size(int(asked.group(1)))} at once)" if asked else ""
        return f"needs more memory than the {limit} limit per file{detail}; NOT checked"
    if status is not None and status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        if -status == signal.SIGKILL:
            return f"the check was killed ({name}; out of memory?); NOT checked"
        first = next((line.strip() for line in text.splitlines() if "panicked" in line), "")
        return f"the reader crashed ({name}{': ' + first[:120] if first else ''}); NOT checked"
    return f"the check process ended unexpectedly (exit code {status}); NOT checked"


_EXITING: list[_Worker] = []  # workers told to quit, not yet reaped


def _reap_exited() -> None:
    """Reap the workers that have quit since (no zombies pile up in a long-running process)."""
    for worker in list(_EXITING):
        try:
            if worker.process is not None:
                done = worker.process.poll() is not None
            else:
                done = os.waitpid(worker.pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            done = True
        if done:
            _EXITING.remove(worker)


def _reap(worker: _Worker, wait: bool) -> int | None:
    """The worker's end status: -signal, or its exit code (None if it is still running and not waited for)."""
    if worker.process is not None:
        try:
            return worker.process.wait(timeout=10 if wait else 2)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            return worker.process.wait()
    deadline = time.monotonic() + (10 if wait else 2)
    while True:
        try:
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except OSError:
                pass
            deadline = time.monotonic() + 10
        time.sleep(0.005)


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _sha256(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
