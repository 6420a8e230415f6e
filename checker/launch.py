"""The ``gbm-check`` executable: ``--version`` answered before the command line (click and every command) is
imported, the rest handed to ``checker.cli.main``.  Keeps ``gbm-check --version`` near the interpreter's own
start-up time.  A ``check`` of one big workbook has its pre-flight started first (``checker.early``)."""
from __future__ import annotations

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"gbm-check, version {__version__}")  # what click's version option prints
        return
    from . import early

    early.start(sys.argv[1:])  # a big workbook's pre-flight, while the command imports and loads its catalogs
    from .cli import main

    try:
        main()
    except SystemExit as done:
        leave(done.code)


def leave(code: object) -> None:
    """End the process as ``sys.exit(code)`` would, without the interpreter's teardown: freeing a big bill's
    report objects one by one took 0.1–0.2 s after the report was written.  Exit handlers still run (the early
    pre-flight's child is reaped, temporary files are removed) and standard streams are flushed."""
    import atexit
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on standard error, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said there
            pass
    os._exit(status & 0xFF)
