"""`gbm-check check`: check bill files and write the reports.  Exit codes: 0 clean, 1 findings, 2 not checked."""
from __future__ import annotations

import enum
import sys

import click

from ..engine import FAIL_KINDS, RunReport, check_paths, expand_paths, is_failing
from ..report import FILE_FORMATS, FORMATS

from .options import SettingsError, check_options, load_settings, validate_outputs
from .util import EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_CHECKED, usage_error, write_output


class FailOn(str, enum.Enum):
    """The lowest finding level that makes the exit code 1."""

    BANNED = "banned"
    RESTRICTED = "restricted"
    NEVER = "never"


OutputFormat = enum.Enum("OutputFormat", {name.upper(): name for name in FORMATS}, type=str)
OutputFormat.__doc__ = "Report formats (see checker.report)."


def exit_code(run: RunReport, fail_on: FailOn) -> int:
    """2 if any input could not be checked; else 1 if a finding reaches the fail level (not waived, not in the
    baseline); else 0."""
    if any(not report.read.ok for report in run.files):
        return EXIT_NOT_CHECKED
    kinds = FAIL_KINDS[FailOn(fail_on).value]
    if any(is_failing(f, kinds) for r in run.files for c in r.items for f in c.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


class _OrderedCommand(click.Command):
    """Remembers the order of the options as given, so that each -o goes with the --format before it."""

    def make_parser(self, ctx):
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args):
            opts, largs, order = parse(args=args)
            ctx.meta["gbm-check.order"] = [param.name for param in order]
            return opts, largs, order

        parser.parse_args = parse_args
        return parser


def pair_outputs(order: list[str] | None, formats: tuple[str, ...], outputs: tuple[str, ...]
                 ) -> list[tuple[str, str | None]]:
    """(format, output or None for stdout) pairs: each -o belongs to the --format before it (or, given first,
    to the next one); -o alone is the text report."""
    if order is None:  # invoked without a command line to read the order from: pair by position
        order = []
        for index in range(max(len(formats), len(outputs))):
            order += ["fmt"] * (index < len(formats)) + ["output"] * (index < len(outputs))
    fmts, outs = iter(formats), iter(outputs)
    pairs: list[list] = []
    pending: str | None = None
    for name in order:
        if name == "fmt":
            pairs.append([next(fmts), pending])
            pending = None
        elif name == "output":
            out = next(outs)
            if pairs and pairs[-1][1] is None and pending is None:
                pairs[-1][1] = out
            elif pending is None:
                pending = out
            else:
                raise click.UsageError(f"-o {pending} and -o {out}: give each -o its own --format")
    if pending is not None:
        if pairs:
            raise click.UsageError(f"-o {pending} follows no --format")
        pairs.append(["text", pending])
    return [(fmt, out) for fmt, out in pairs]


@click.command(cls=_OrderedCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", multiple=True, type=click.Choice([f.value for f in OutputFormat]),
              help="Report format (default: text); repeatable, each followed by its own -o.")
@click.option("-o", "--output", multiple=True, type=click.Path(),
              help="Write the report of the --format before it here (xlsx: a file or a folder); "
                   "a format without -o goes to stdout (at most one).")
@click.option("--fail-on", type=click.Choice([f.value for f in FailOn]), default=None,
              help="Exit 1 when a finding at or above this level is found (not waived, not in the baseline).  "
                   "[default: banned]")
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML file of accepted exceptions (rule, item, reason, approver, expires).")
@click.option("--baseline", "baseline_path", type=click.Path(exists=True, dir_okay=False),
              help="A previous JSON report: fail only on findings it does not hold.")
@check_options
@click.pass_context
def check(ctx, paths, fmt, output, fail_on, extra_catalogs, city, bid_date, waivers_path, baseline_path,
          config_path, registry_path, uncertified, project_type, district, urban_area, government_invested, height_m,
          ocr, ocr_engine) -> None:
    """Check bill files (xlsx, xls, ods, csv, pdf; scanned pages and png, jpg, tiff images by OCR); directories are
    walked."""
    from ..gate import baseline, waivers

    files = expand_paths(paths)
    if not files:
        usage_error("no bill files found in the given paths")
    try:
        loaded = load_settings(extra_catalogs=extra_catalogs, city=city, bid_date=bid_date, config_path=config_path,
                               registry_path=registry_path, uncertified=uncertified, project_type=project_type,
                               district=district, urban_area=urban_area, government_invested=government_invested,
                               height_m=height_m, ocr=ocr, formats=tuple(FORMATS), ocr_engine=ocr_engine)
        config = loaded.config
        outputs = (pair_outputs(ctx.meta.get("gbm-check.order"), fmt, output) if fmt or output
                   else config.outputs or [("text", None)])
        _check_outputs(outputs, files)
        waiver_list = waivers.load(waivers_path or config.waivers) if (waivers_path or config.waivers) else []
        known = baseline.load(baseline_path or config.baseline) if (baseline_path or config.baseline) else None
    except (SettingsError, waivers.WaiverError, baseline.BaselineError, click.UsageError) as exc:
        usage_error(exc.format_message() if isinstance(exc, click.UsageError) else str(exc))
    fail_on = fail_on or config.fail_on or FailOn.BANNED.value
    catalogs, profile, registry, certification = loaded.catalogs, loaded.profile, loaded.registry, loaded.certification
    reports = []
    show_bar = sys.stderr.isatty() and len(files) >= 5
    with click.progressbar(files, label="checking", file=sys.stderr, show_pos=True) if show_bar else _nullbar(files) as bar:
        for report in check_paths(bar, catalogs, profile, ocr=ocr, certification=certification,
                                  ocr_engine=ocr_engine):
            reports.append(report)
            if not report.read.ok:
                click.echo(f"gbm-check: {report.read.path}: {report.read.error}", err=True)
    run = RunReport(files=reports, catalogs=catalogs, profile=profile, fail_on=fail_on, registry=registry)
    if registry is not None and registry.example_data:
        run.warnings.append(f"the certificate registry {registry.path} is EXAMPLE DATA (fictional certificates)")
    waivers.apply(run, waiver_list)
    if known is not None:
        baseline.apply(run, known, origin=baseline_path or config.baseline)
    for warning in run.warnings:
        click.echo(f"gbm-check: warning: {warning}", err=True)
    _emit(run, outputs)
    sys.exit(exit_code(run, FailOn(fail_on)))


def _check_outputs(outputs: list[tuple[str, str | None]], files: list[str]) -> None:
    """At most one report on stdout, none over an input or over another report; file formats need -o."""
    validate_outputs(outputs, files, FILE_FORMATS, "-o FILE.xlsx or -o FOLDER")


def _emit(run: RunReport, outputs: list[tuple[str, str | None]]) -> None:
    """Render every requested format; workbooks first, so a fallback they note reaches the other reports."""
    from ..report import renderer
    from ..report.xlsx_report import XlsxOutputError

    for fmt, out in sorted(outputs, key=lambda pair: pair[0] not in FILE_FORMATS):
        render = renderer(fmt)
        if fmt in FILE_FORMATS:
            try:
                render(run, out)
            except (XlsxOutputError, OSError) as exc:
                click.echo(f"gbm-check: cannot write {out}: {getattr(exc, 'strerror', None) or exc}", err=True)
                sys.exit(EXIT_NOT_CHECKED)
        elif fmt == "text":
            write_output(render(run, color=out is None and sys.stdout.isatty()), out)
        else:
            write_output(render(run), out)


class _nullbar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False

