"""The gbm-check command line: check bills, inspect catalogs.  Exit codes: 0 clean, 1 findings, 2 not checked."""
from __future__ import annotations

import datetime as _dt
import enum
import os
import sys
from pathlib import Path

import click

from . import __version__
from .catalog import CatalogError, load_catalogs
from .engine import RunReport, check_paths, expand_paths
from .judge import Profile

EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED = 0, 1, 2


class FailOn(str, enum.Enum):
    """The lowest finding level that makes the exit code 1."""

    BANNED = "banned"
    RESTRICTED = "restricted"
    NEVER = "never"


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


def exit_code(run: RunReport, fail_on: FailOn) -> int:
    """2 if any input could not be checked; else 1 if a finding reaches the fail level; else 0."""
    counts = run.counts()
    if counts["files_error"]:
        return EXIT_NOT_CHECKED
    if fail_on is FailOn.BANNED and counts["banned"]:
        return EXIT_FINDINGS
    if fail_on is FailOn.RESTRICTED and (counts["banned"] or counts["restricted"]):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gbm-check")
def main() -> None:
    """Check bills of quantities (工程量清单) against China's green building material rules."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--fail-on", type=click.Choice([f.value for f in FailOn]), default="banned", show_default=True,
              help="Exit 1 when a finding at or above this level is found.")
@click.option("--catalog", "extra_catalogs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra catalog file (adds or overrides entries); repeatable.")
@click.option("--city", default="聊城", show_default=True, help="Project city (city-only rules use it).")
@click.option("--bid-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Bid date (default: today).")
def check(paths, fmt, output, fail_on, extra_catalogs, city, bid_date) -> None:
    """Check bill files (xlsx, xls, ods, csv, pdf); directories are walked."""
    files = expand_paths(paths)
    if not files:
        _usage_error("no bill files found in the given paths")
    if output and _is_one_of(output, files):
        _usage_error(f"refusing to write the report over an input file: {output}")
    try:
        catalogs = load_catalogs(extra_catalogs)
    except CatalogError as exc:
        _usage_error(str(exc))
    profile = Profile(city=city, bid_date=bid_date.date() if bid_date else _dt.date.today())
    reports = []
    show_bar = sys.stderr.isatty() and len(files) >= 5
    with click.progressbar(files, label="checking", file=sys.stderr, show_pos=True) if show_bar else _nullbar(files) as bar:
        for report in check_paths(bar, catalogs, profile):
            reports.append(report)
            if not report.read.ok:
                click.echo(f"gbm-check: {report.read.path}: {report.read.error}", err=True)
    run = RunReport(files=reports, catalogs=catalogs, profile=profile)
    if fmt == OutputFormat.JSON.value:
        from .report.json_report import render as render_json

        text = render_json(run)
    else:
        from .report.text_report import render as render_text

        text = render_text(run, color=output is None and sys.stdout.isatty())
    _write(text, output)
    sys.exit(exit_code(run, FailOn(fail_on)))


class _nullbar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def _is_one_of(output: str, inputs: list[str]) -> bool:
    target = Path(output).resolve()
    return any(Path(p).resolve() == target for p in inputs)


def _write(text: str, output: str | None) -> None:
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


def _usage_error(message: str) -> None:
    click.echo(f"gbm-check: {message}", err=True)
    sys.exit(EXIT_NOT_CHECKED)
