"""What every gbm-check command shares: exit codes, one-line errors, writing an output file safely."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2


def write_output(text: str, output: str | None) -> None:
    """Text to stdout, or to ``output`` through a temporary file and an atomic rename (never half-written)."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        tmp = f"{output}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        click.echo(f"gbm-check: cannot write {output}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_NOT_CHECKED)


def usage_error(message: str) -> None:
    """One line on stderr and exit 2: a usage, config or catalog problem, never a traceback."""
    click.echo(f"gbm-check: {message}", err=True)
    sys.exit(EXIT_NOT_CHECKED)
