"""`gbm-check check`: check bill files and write the reports.  Exit codes: 0 clean, 1 findings, 2 not checked."""
from __future__ import annotations

import enum
import os
import re
import sys
from pathlib import Path

import click

from ..collector import paused
from ..engine import RunReport, expand_paths
from ..report import FILE_FORMATS, FORMATS
from ..report.common import exit_status, not_checked_line, summary_line
from ..report.i18n import texts
from ..report.stream import ReportOptions, ReportOutputError, Sink
from ..run import check_files
from ..run.cluster import ClusterError

from .options import SettingsError, check_options, limits, load_settings, run_options, validate_outputs
from .util import cannot_write, exit_cleanly_on_sigterm, progress, usage_error


class FailOn(str, enum.Enum):
    """The lowest finding level that makes the exit code 1."""

    BANNED = "banned"
    RESTRICTED = "restricted"
    NEVER = "never"


OutputFormat = enum.Enum("OutputFormat", {name.upper(): name for name in FORMATS}, type=str)
OutputFormat.__doc__ = "Report formats (see checker.report)."


def exit_code(run: RunReport, fail_on: FailOn | None = None) -> int:
    """2 if any input could not be checked; else 1 if a finding reaches the fail level (not waived, not in the
    baseline); else 0.  (The fail level is the run's: ``fail_on`` is kept for callers that pass it.)"""
    return exit_status(run.counts())


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
@click.option("-f", "--format", "--output-format", "fmt", multiple=True,
              type=click.Choice([f.value for f in OutputFormat]),
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
@run_options
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Check the files on a Dask cluster (tcp://scheduler:8786, or 'local' for a LocalCluster); "
                   "needs the [dask] extra.  Also writes a per-file summary table.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False), default=None,
              help="Write a per-file summary table (.csv, or .parquet with pyarrow).  [default with --dask: "
                   "gbm-check-summary.parquet with pyarrow, else .csv]")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the reports (Chinese by default).")
@click.option("--max-lines", type=click.IntRange(min=0), default=None,
              help="Text report: show at most this many flagged lines per file (default: all).")
@click.option("--item-table/--no-item-table", default=None,
              help="HTML report: the full item table (default: with one input file; flagged lines are always shown).")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only the final summary line and the files not checked (reports asked for are written).")
@click.option("--no-color", is_flag=True, help="No colours in the text report (also when NO_COLOR is set).")
@click.pass_context
def check(ctx, paths, fmt, output, fail_on, extra_catalogs, city, bid_date, waivers_path, baseline_path,
          config_path, registry_path, uncertified, project_type, district, urban_area, government_invested, height_m,
          ocr, ocr_engine, xml_mappings, jobs, time_limit, memory_mb, dask_address, summary_path, lang, max_lines,
          item_table, quiet, no_color) -> None:
    """Check bill files (xlsx, xls, ods, csv, pdf, xml; scanned pages and png, jpg, tiff images by OCR); directories
    are walked."""
    from ..gate import baseline, waivers

    exit_cleanly_on_sigterm()
    files = expand_paths(paths)
    if not files:
        usage_error("no bill files found in the given paths", lang)
    try:
        loaded = load_settings(extra_catalogs=extra_catalogs, city=city, bid_date=bid_date, config_path=config_path,
                               registry_path=registry_path, uncertified=uncertified, project_type=project_type,
                               district=district, urban_area=urban_area, government_invested=government_invested,
                               height_m=height_m, ocr=ocr, formats=tuple(FORMATS), ocr_engine=ocr_engine,
                               xml_mappings=xml_mappings)
        config = loaded.config
        outputs = (pair_outputs(ctx.meta.get("gbm-check.order"), fmt, output) if fmt or output
                   else config.outputs or [("text", None)])
        _check_outputs(outputs, files)
        waiver_list = waivers.load(waivers_path or config.waivers) if (waivers_path or config.waivers) else []
        known, known_files = (baseline.load_known(baseline_path or config.baseline)
                              if (baseline_path or config.baseline) else (None, frozenset()))
    except (SettingsError, waivers.WaiverError, baseline.BaselineError, click.UsageError) as exc:
        usage_error(exc.format_message() if isinstance(exc, click.UsageError) else str(exc), lang)
    fail_on = fail_on or config.fail_on or FailOn.BANNED.value
    catalogs, profile, registry = loaded.catalogs, loaded.profile, loaded.registry
    check_settings = loaded.check_settings(limits(time_limit, memory_mb))
    table = None
    if dask_address or summary_path:
        from ..run.summary import SummaryTable, default_name

        table = SummaryTable(summary_path or default_name())
    run = RunReport(catalogs=catalogs, profile=profile, fail_on=fail_on, registry=registry)
    if registry is not None and registry.example_data:
        run.warnings.append(f"the certificate registry {registry.path} is EXAMPLE DATA (fictional certificates)")
    waiver_gate = waivers.WaiverGate(waiver_list)
    run.expired_waivers.extend(waiver_gate.expired)
    run.warnings.extend(waivers.expired_message(w) for w in waiver_gate.expired)
    baseline_gate = None
    if known is not None:
        baseline_gate = baseline.BaselineGate(known, known_files)
        run.baseline = baseline_path or config.baseline
    if quiet and not (fmt or output or config.outputs):
        outputs = []  # quiet and no report asked for: only the summary line
    color = wants_color(no_color, os.environ, sys.stdout)
    options = ReportOptions(lang=lang, color=color, max_lines=max_lines, item_table=item_table)
    t = texts(lang)
    writers = _writers(outputs, options)
    try:
        for writer in writers:
            writer.begin(run)
        if dask_address:
            from ..run.cluster import check_on_cluster

            results = check_on_cluster(files, check_settings, dask_address)
        else:
            def prepare(lines: tuple) -> None:  # while the worker judges them
                with paused():
                    for writer in writers:
                        writer.prepare(lines)

            # where the reports allow, the workers digest their files for this process (counts, encoded
            # items): in a batch it is busy with the files before; one file's lines still come ahead, and
            # this process encodes what was read of them while the worker judges them
            digest = None
            if table is None and baseline_gate is None and not waiver_gate.live \
                    and not any(writer.needs_lines for writer in writers):
                from ..report.digest import DigestSpec

                parts = set().union(*(writer.digest_parts for writer in writers))
                digest = DigestSpec(fail_kinds=run.fail_kinds, json_items="json_items" in parts,
                                    flagged="flagged" in parts, html="html" in parts, lang=lang,
                                    item_table=item_table is not False,
                                    lines_ahead=bool(parts & {"json_items", "html"}) and len(files) == 1)
            results = check_files(files, check_settings, jobs=jobs, on_lines=prepare if len(files) == 1 else None,
                                  digest=digest)
        with progress(len(files) if not quiet else 0, label=t("note.progress")) as shown:
            for report in results:
                report = waiver_gate.mark(report)
                if baseline_gate is not None:
                    report = baseline_gate.mark(report)
                if table is not None:
                    table.add(report)
                if not report.read.ok:
                    shown.line(not_checked_line(report.read.path, report.read.error, t))
                with paused():  # a big file's report is many small objects and no cycles (checker.collector)
                    summary = run.add(report)
                    for writer in writers:
                        writer.add(report, summary)
                shown.advance()
        if table is not None:
            table.write()
        run.warnings.extend(waivers.unused_message(w) for w in waiver_gate.unused())
        if baseline_gate is not None and baseline_gate.files and not baseline_gate.matched_files:
            run.warnings.append(baseline.no_file_message(run.baseline, baseline_gate.files))
        if not quiet:
            for warning in run.warnings:
                click.echo(t("note.warning", text=t.msg(warning)), err=True)
        written = []
        with paused():
            for writer in writers:
                written += writer.end(run)
    except ClusterError as exc:  # only raised on the --dask path
        for writer in writers:
            writer.abort()
        usage_error(str(exc), lang)
    except (ReportOutputError, OSError) as exc:
        for writer in writers:
            writer.abort()
        cannot_write(exc, lang)
    if not quiet:
        for path in written:
            click.echo(t("note.wrote", path=path), err=True)
    text_on_stdout = any(fmt_ == "text" and out is None for fmt_, out in outputs)
    if not text_on_stdout:  # the text report ends with the summary line; else it goes where it disturbs nothing
        stdout_taken = any(out is None for _, out in outputs)
        click.echo(summary_line(run.counts(), t), err=stdout_taken)
    sys.exit(exit_code(run))


def wants_color(no_color: bool, environ, stream) -> bool:
    """Colours only on a terminal, and never with --no-color or NO_COLOR set (https://no-color.org)."""
    return not no_color and not environ.get("NO_COLOR") and stream.isatty()


def _writers(outputs: list[tuple[str, str | None]], options: ReportOptions) -> list:
    """One writer per requested report; workbooks first, so a fallback they note reaches the other reports."""
    from ..report import writer

    made = []
    try:
        for fmt, out in sorted(outputs, key=lambda pair: pair[0] not in FILE_FORMATS):
            if fmt in FILE_FORMATS:
                made.append(writer(fmt)(out, options))
            else:
                made.append(writer(fmt)(Sink(out, None if out is not None else sys.stdout.buffer),
                                        options))
    except (ReportOutputError, OSError) as exc:
        for done in made:
            done.abort()
        cannot_write(exc, options.lang)
    return made


def _check_outputs(outputs: list[tuple[str, str | None]], files: list[str]) -> None:
    """At most one report on stdout, none over an input or over another report; file formats need -o; workbooks
    for several inputs need a folder, and a workbook folder must not receive a name that is an input of the run."""
    validate_outputs(outputs, files, FILE_FORMATS, "-o FILE.xlsx or -o FOLDER")
    for fmt, out in outputs:
        if fmt == "xlsx" and out is not None:
            from ..report.xlsx_report import check_output

            try:
                check_output(out, len(files))
            except ReportOutputError as exc:
                raise click.UsageError(str(exc)) from None
        clash = _workbook_over_input(out, files) if fmt in FILE_FORMATS and out else None
        if clash:
            raise click.UsageError(f"refusing to write --format {fmt} into {out}: it would overwrite {clash}, "
                                   f"an input of this run (give another folder)")


def _workbook_over_input(output: str, inputs: list[str]) -> str | None:
    """An input the workbook reports written into folder ``output`` could overwrite (NAME.checked.xlsx,
    NAME.findings.xlsx, NAME-2.checked.xlsx … for an input NAME.*), if any."""
    out = Path(output)
    if not (out.is_dir() or output.endswith(("/", os.sep)) or not out.suffix):
        return None
    folder = out.resolve()
    stems = {Path(p).stem for p in inputs}
    for path in inputs:
        resolved = Path(path).resolve()
        match = _REPORT_NAME.fullmatch(resolved.name)
        if resolved.parent == folder and match and (match.group(1) in stems or match.group(2) in stems):
            return str(resolved)
    return None


_REPORT_NAME = re.compile(r"((.+?)(?:-\d+)?)\.(?:checked|findings)\.xlsx", re.IGNORECASE)
