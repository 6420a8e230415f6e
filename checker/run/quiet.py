"""Library chatter (logging records, Python warnings) kept off stderr and turned into a file's warnings.

pdfminer logs "Invalid MediaBox …", "Data-loss while decompressing …" and the like through ``logging``; with no
handler configured Python prints them on stderr, which breaks the one-line promise for a bad file.  While a
file is read, a handler on the root logger collects them instead (they also stay out of the terminal in forked
page workers, which inherit it), and ``warnings.warn`` calls are recorded the same way.  Output written straight
to file descriptor 2 by native code is the batch worker's business (``checker.run.worker`` redirects it).
"""
from __future__ import annotations

import logging
import warnings
from collections import Counter
from contextlib import contextmanager

MAX_NOTES = 3  # distinct library messages kept per file


class _Collect(logging.Handler):
    def __init__(self, notes: Counter):
        super().__init__(level=logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a library's bad format string: keep the template
            message = str(record.msg)
        self.notes[(record.name.split(".")[0], _one_line(message))] += 1


@contextmanager
def library_output():
    """Collect library log records and warnings during the block; yields a Counter of (library, message)."""
    notes: Counter = Counter()
    handler = _Collect(notes)
    root = logging.getLogger()
    root.addHandler(handler)
    previous_raise = logging.raiseExceptions
    logging.raiseExceptions = False  # a handler error must not print a traceback either
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")

            def show(message, category, filename, lineno, file=None, line=None):
                library = (getattr(category, "__module__", "") or "python").split(".")[0]
                notes[(library if library != "builtins" else category.__name__, _one_line(str(message)))] += 1

            warnings.showwarning = show
            yield notes
    finally:
        root.removeHandler(handler)
        logging.raiseExceptions = previous_raise


def as_warnings(notes: Counter) -> tuple[str, ...]:
    """The most frequent library messages as report warnings: 'pdfminer: Invalid MediaBox … (12×)'."""
    lines = []
    for (library, message), count in notes.most_common(MAX_NOTES):
        lines.append(f"{library}: {message}" + (f" ({count}×)" if count > 1 else ""))
    if len(notes) > MAX_NOTES:
        lines.append(f"… and {len(notes) - MAX_NOTES} more kinds of reader messages")
    return tuple(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:160]
