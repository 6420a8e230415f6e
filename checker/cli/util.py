"""What every gbm-check command shares: exit codes, one-line errors, writing an output file safely."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..report.i18n import localize
from ..textsafe import encode, printable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2


def write_output(text: str, output: str | None, lang: str = "en") -> None:
    """Text to stdout, or to ``output`` through a temporary file and an atomic rename (never half-written, no
    temporary file left behind whatever fails; ``lang``: of the error line).  Lone surrogates (undecodable
    file-name bytes, user catalog text) are written as ``\\udcff`` escapes, never an encoding error."""
    data = encode(text)
    if output is None:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:
            click.echo(data.decode("utf-8"), nl=False)
        else:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        return
    if os.path.isdir(output):
        usage_error(f"cannot write {printable(output)}: it is a directory (give a file name)", lang)
    tmp = f"{output}.tmp-{os.getpid()}"
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, output)
    except OSError as exc:
        cannot_write(exc, lang, output)
    finally:
        if os.path.lexists(tmp):
            try:
                os.unlink(tmp)
            except OSError:
                pass


def usage_error(message: str, lang: str = "en") -> None:
    """One line on stderr and exit 2: a usage, config or catalog problem, never a traceback.  ``lang``: the
    command's language (check and compare pass their --lang; catalog and serve speak English); the message is
    shown from the message table where it has a template."""
    click.echo(f"gbm-check: {printable(localize(message, lang))}", err=True)
    sys.exit(EXIT_NOT_CHECKED)


def cannot_write(exc: BaseException, lang: str, output: str | None = None) -> None:
    """A report that cannot be written (to ``output``, or the report being written): one line and exit 2."""
    detail = getattr(exc, "strerror", None) or exc
    usage_error(f"cannot write {printable(output)}: {detail}" if output else f"cannot write the report: {detail}",
                lang)


class _Progress:
    """What a run reports as files finish: a bar on a terminal, and lines that do not run into it."""

    def __init__(self, bar=None):
        self.bar = bar

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def line(self, text: str) -> None:
        """One line on stderr (the bar, if any, is cleared first and redrawn on the next file)."""
        if self.bar is not None:
            sys.stderr.write("\r\033[K")
        click.echo(text, err=True)


@contextmanager
def progress(total: int, minimum: int = 5, label: str = "checking"):
    """A progress bar on stderr when it is a terminal and there are at least ``minimum`` files."""
    if not (sys.stderr.isatty() and total >= minimum):
        yield _Progress()
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True) as bar:
        yield _Progress(bar)


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI job cancelled, ``kill``) exits through Python's normal exit path, so that ``finally``
    blocks remove temporary report files and stop worker processes (the default action skips them)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)
