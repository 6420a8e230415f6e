"""Deliberate limits for untrusted input: a per-file time budget and a per-file memory budget.

Size limits live where the bytes are first seen (read/sniff.py: file size, zip members; read/preflight.py: the
cells, text and objects a file would expand to).  The time budget of a file is proportional to the work
pre-flight measured (cells, pages, scanned pages), stretched by the machine's load when the run starts
(``slowdown``), unless the user fixes it (``--time-limit``); it is enforced
twice: a SIGALRM timer around one file's reading and checking (main thread only; a no-op elsewhere), and, in
the batch runner (``checker.run``), a hard kill of the worker process that overruns it.  The memory budget is
the worker's address-space limit (``resource.setrlimit``).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

FILE_SECONDS = 60.0  # the base budget of one file: read, match and judge within this many seconds
SECONDS_PER_MILLION_CELLS = 40.0  # added for big workbooks and CSV files (a 2-core machine under load)
SECONDS_PER_PAGE = 0.5  # added per PDF page (pdfminer layout of a dense bill page takes ~0.1–0.3 s)
MAX_SLOWDOWN = 4.0  # a machine's load stretches a default time budget at most this much
MEMORY_BYTES = 1 << 30  # one file's worker process: address-space limit
OCR_ADDRESS_SPACE = 3 << 30  # added while a file with scanned pages is read by OCR: onnxruntime, OpenCV and the
# PP-OCRv4 models map ~1.9 GB of address space for one page (800 MB resident), measured on the scanned real bill


class FileTimeLimit(BaseException):
    """Raised inside a file's processing when its time is up (BaseException: no reader may swallow it)."""


@dataclass(frozen=True)
class Work:
    """What pre-flight measured of one file before any parser saw it: the work its budget is made of."""

    cells: int = 0  # workbook/CSV cells (the extent of every sheet)
    pages: int = 0  # PDF pages
    scanned_pages: int = 0  # PDF pages without a text layer (read by OCR when --ocr is on)
    # (sheet part, rows) of a workbook's formula cells saved without a value, found on the way (the reader
    # marks such a line's amount as missing, not zero: ``read.formulas``)
    uncached_formulas: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def describe(self) -> str:
        """'1.2 million cells', '501 pages (40 scanned)', '2 scanned pages' or '' (each a message of
        templates/messages.toml, ``run.work_*``: a Chinese report says it in Chinese)."""
        parts = []
        if self.cells >= 100_000:
            parts.append(f"{self.cells / 1e6:.1f} million cells")
        elif self.cells:
            parts.append(f"{self.cells} cells")
        plural = "s" * (self.pages != 1)
        if self.pages and self.scanned_pages >= self.pages:
            parts.append(f"{self.pages} scanned page{plural}")
        elif self.pages:
            parts.append(f"{self.pages} page{plural}"
                         + (f" ({self.scanned_pages} scanned)" if self.scanned_pages else ""))
        return ", ".join(parts)


@dataclass(frozen=True)
class Limits:
    """The limits of one file.  ``seconds``: a fixed time limit (``--time-limit``; 0 = none), or None for a
    budget proportional to the work; ``memory``: bytes of address space for a worker process (0 = none)."""

    seconds: float | None = None
    memory: int = MEMORY_BYTES
    slowdown: float = 1.0  # the proportional budget × this: how much slower the machine runs now (``slowdown``)

    def seconds_for(self, work: Work | None = None, *, ocr: bool = False) -> float:
        """The time budget of a file (0: no limit)."""
        if self.seconds is not None:
            return max(0.0, self.seconds)
        work = work or Work()
        budget = FILE_SECONDS + SECONDS_PER_MILLION_CELLS * work.cells / 1e6 + SECONDS_PER_PAGE * work.pages
        if ocr and work.scanned_pages:
            budget += ocr_seconds(work.scanned_pages)
        return budget * max(1.0, self.slowdown)

    def memory_for(self, work: Work | None = None, *, ocr: bool = False) -> int:
        """The address space a file's worker may use (0: no limit): more while its scanned pages are read by OCR."""
        if self.memory and ocr and work is not None and work.scanned_pages:
            return self.memory + OCR_ADDRESS_SPACE
        return self.memory

    @staticmethod
    def soft_seconds(budget: float) -> float:
        """When a file's own timer stops it politely: a little before its budget, at which a worker process
        that did not stop is killed (0: no limit)."""
        return max(0.8 * budget, budget - 5.0) if budget else 0.0

    def explain(self, seconds: float, work: Work | None) -> str:
        """The one-line reason of a file that overran its budget."""
        if self.seconds is not None:
            return f"not checked: took longer than the {seconds:g} s limit per file (--time-limit)"
        what = work.describe() if work else ""
        busy = f", ×{self.slowdown:.1f} for the machine's load" if self.slowdown > 1.05 else ""
        return (f"not checked: took longer than the {seconds:.0f} s limit for this file"
                + (f" ({FILE_SECONDS:.0f} s + time for {what}{busy})" if what and seconds > FILE_SECONDS else
                   f" ({FILE_SECONDS:.0f} s{busy})" if busy else "")
                + "; give it more time with --time-limit SECONDS")


def slowdown(cores: int | None = None) -> float:
    """How much slower than on an idle machine a file is checked now: the run queue per core this process may
    use (the 1-minute load average), between 1 and ``MAX_SLOWDOWN``.  A default budget is measured on a
    machine that is not shared; on a busy one a legitimate bill must not meet it for the load of others."""
    try:
        load = os.getloadavg()[0]
        cores = cores or len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return 1.0
    return min(MAX_SLOWDOWN, max(1.0, load / max(1, cores)))


def ocr_seconds(pages: int) -> float:
    """Extra seconds for OCR of scanned pages, from the OCR reader when it says (a guarded import: the OCR
    module may not provide it), else 20 s a page."""
    try:
        from .read.pdf_ocr import ocr_budget_seconds
    except ImportError:
        return 20.0 * pages
    try:
        return float(ocr_budget_seconds(pages))
    except Exception:  # the OCR module's own estimate failed: fall back, never fail the file for it
        return 20.0 * pages


class _Timer:
    """The running limit of one ``time_limit`` block; ``extend`` re-arms it to a new total budget."""

    def __init__(self, seconds: float | None, armed: bool):
        self.started = time.monotonic()
        self.seconds = seconds
        self.armed = armed

    def extend(self, seconds: float | None) -> None:
        """Make the block's whole budget ``seconds`` (from its start; None or 0: no limit)."""
        self.seconds = seconds
        if self.armed:
            left = (seconds - (time.monotonic() - self.started)) if seconds else 0.0
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001) if seconds else 0)


@contextmanager
def time_limit(seconds: float | None):
    """Raise FileTimeLimit in the block after ``seconds`` (None or 0: no limit).  Yields a handle whose
    ``extend(seconds)`` changes the budget once the work is known."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    timer = _Timer(seconds, armed=usable)
    if not usable:
        yield timer
        return

    def expire(signum, frame):
        raise FileTimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    if seconds:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield timer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
