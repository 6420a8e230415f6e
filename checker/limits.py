"""Deliberate limits for untrusted input: a per-file time budget.

Size limits live where the bytes are first seen (read/sniff.py: file size, zip members, cell counts).
The time limit is a SIGALRM timer around one file's reading and checking; it works in the main thread of
the main interpreter (the CLI) and is a no-op elsewhere (tests in threads, embedding applications).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

FILE_SECONDS = 60.0  # one input file: read, match and judge within this many seconds


class FileTimeLimit(BaseException):
    """Raised inside a file's processing when its time is up (BaseException: no reader may swallow it)."""


@contextmanager
def time_limit(seconds: float | None):
    """Raise FileTimeLimit in the block after ``seconds`` (None or 0: no limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise FileTimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
