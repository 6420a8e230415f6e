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

    main()
