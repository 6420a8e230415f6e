"""`gbm-check compare`: review bids against the tender (清标).  Exit codes: 0 nothing that fails, 1 a bid fails
(conformity, arithmetic, banned green drift, over the control price), 2 a file could not be read."""
from __future__ import annotations

import enum
import sys

import click

from ..compare.model import CompareSettings
from ..compare.render import FILE_FORMATS, FORMATS
from ..report.common import not_checked_line
from ..report.i18n import texts
from .check import _OrderedCommand, pair_outputs
from .options import SettingsError, check_options, limits, load_settings, run_options, validate_outputs
from .util import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED, cannot_write, exit_cleanly_on_sigterm, progress,
                   usage_error, write_output)


class FailOn(str, enum.Enum):
    """The lowest deviation severity that makes the exit code 1."""

    ERROR = "error"  # conformity, arithmetic, banned green drift, over the control price
    WARNING = "warning"  # also price bands, restricted drift or lost green categories, similarity indicators
    NEVER = "never"


def exit_code(comparison, fail_on: str) -> int:
    files = [comparison.tender.report] + [b.report for b in comparison.bidders]
    if comparison.control is not None:
        files.append(comparison.control.report)
    if any(not report.read.ok for report in files):
        return EXIT_NOT_CHECKED
    levels = {"error": ("error",), "warning": ("error", "warning"), "never": ()}[fail_on]
    if any(d.severity in levels for b in comparison.bidders for d in b.deviations):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@click.command(cls=_OrderedCommand)
@click.argument("tender", type=click.Path(exists=True, dir_okay=False))
@click.argument("bids", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--control-price", "control_path", type=click.Path(exists=True, dir_okay=False),
              help="The control price (招标控制价): the tender's bill priced by the owner.")
@click.option("--format", "fmt", multiple=True, type=click.Choice(list(FORMATS)),
              help="Report format (default: text, or the config's [compare] formats); repeatable, each followed "
                   "by its own -o.")
@click.option("-o", "--output", multiple=True, type=click.Path(),
              help="Write the report of the --format before it here; a format without -o goes to stdout "
                   "(at most one; xlsx needs -o).")
@click.option("--fail-on", type=click.Choice([f.value for f in FailOn]), default=None,
              help="Exit 1 when a bid has a deviation of this severity or worse.  [default: error, or the "
                   "config's [compare] fail-on]")
@click.option("--band", type=click.FloatRange(min=0, max=1000), default=None, metavar="PERCENT",
              help="Unit prices beyond ± this many per cent of the control price (or the bidders' median) are "
                   "reported.  [default: 15, or the config's [compare] band]")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the reports.")
@check_options
@run_options
@click.pass_context
def compare(ctx, tender, bids, control_path, fmt, output, fail_on, band, lang, jobs, time_limit, memory_mb,
            **shared) -> None:
    """Review bids (投标报价) against the tender's bill (招标工程量清单): conformity, arithmetic, green drift,
    prices and similarity.  TENDER and each BID are checked like `gbm-check check` first (in worker processes,
    with the same time and memory limits per file)."""
    from ..compare.engine import compare as review
    from ..run import check_files

    exit_cleanly_on_sigterm()
    inputs = [tender] + ([control_path] if control_path else []) + list(bids)
    try:
        loaded = load_settings(**shared)
        options = loaded.config.compare
        outputs = (pair_outputs(ctx.meta.get("gbm-check.order"), fmt, output) if fmt or output
                   else options.outputs or [("text", None)])
        unknown = [name for name, _ in outputs if name not in FORMATS]
        if unknown:
            raise SettingsError(f"{loaded.config.path}: unknown [compare] format {unknown[0]!r} "
                                f"(known: {', '.join(FORMATS)})")
        validate_outputs(outputs, inputs, FILE_FORMATS)
    except (SettingsError, click.UsageError) as exc:
        usage_error(exc.format_message() if isinstance(exc, click.UsageError) else str(exc), lang)
    fail_on = fail_on or options.fail_on or FailOn.ERROR.value
    band = band if band is not None else options.band if options.band is not None else CompareSettings().band * 100
    reports = []
    with progress(len(inputs), label=texts(lang)("note.progress")) as shown:
        for report in check_files(inputs, loaded.check_settings(limits(time_limit, memory_mb)), jobs=jobs):
            reports.append(report)
            if not report.read.ok:
                shown.line(not_checked_line(report.read.path, report.read.error, texts(lang)))
            shown.advance()
    tender_report, rest = reports[0], reports[1:]
    control_report = rest.pop(0) if control_path else None
    comparison = review(tender_report, rest, control_report, CompareSettings(band=band / 100),
                        profile=loaded.profile, catalogs=loaded.catalogs)
    _emit(comparison, outputs, lang)
    sys.exit(exit_code(comparison, fail_on))


def _emit(comparison, outputs: list[tuple[str, str | None]], lang: str) -> None:
    from ..compare.render import renderer

    for fmt, out in outputs:
        render = renderer(fmt)
        if fmt in FILE_FORMATS:
            try:
                render(comparison, out, lang=lang)
            except OSError as exc:
                cannot_write(exc, lang, out)
        elif fmt == "text":
            write_output(render(comparison, lang=lang, color=out is None and sys.stdout.isatty()), out, lang)
        else:
            write_output(render(comparison, lang=lang), out, lang)
