"""Options every command that checks bills shares: catalogs, config, the project profile, certification, OCR.

``@check_options`` adds them to a command; ``load_settings`` turns their values (and the config file) into the
catalogs, profile and certification the per-file check runs with.  Errors are one line (``SettingsError``).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

import click

from ..judge.certificates import Registry, RegistryError, load_registry
from ..judge.certification import Certification
from ..judge.rules import Profile
from ..limits import MEMORY_BYTES, Limits, slowdown
from ..match.catalog import CatalogError, CatalogSet, load_catalogs

if TYPE_CHECKING:  # imported when the runner is needed (start-up stays light)
    from ..run import CheckSettings

_OPTIONS = (
    click.option("--catalog", "extra_catalogs", multiple=True, type=click.Path(exists=True, dir_okay=False),
                 help="Extra catalog file (adds or overrides entries); repeatable."),
    click.option("--xml-mapping", "xml_mappings", multiple=True, type=click.Path(exists=True, dir_okay=False),
                 help="Your own XML schema mapping (TOML, as checker/read/xmlbill/mappings/*.toml), tried before "
                      "the shipped ones; repeatable."),
    click.option("--city", default=None, help="Project city (city-only rules use it).  [default: 聊城]"),
    click.option("--bid-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Bid date (default: today)."),
    click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
                 help="Config file (default: ./gbm-check.toml, or [tool.gbm-check] in ./pyproject.toml)."),
    click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False),
                 help="Certificate registry export (CSV/xlsx): certification evidence for every green line."),
    click.option("--uncertified", type=click.Choice(["warning", "error"]), default=None,
                 help="Severity of green lines without certification evidence.  [default: warning]"),
    click.option("--project-type", default=None, help="医院, 学校, 办公楼, 综合体, 展览馆, 会展中心, 体育馆, 保障房 …"),
    click.option("--district", default=None, help="District of the project (e.g. 东昌府区)."),
    click.option("--urban-area", type=click.Choice(["yes", "no", "unknown"]), default=None,
                 help="Inside the urban planning area (城区规划范围内)?  [default: yes]"),
    click.option("--government-invested", type=click.Choice(["yes", "no", "unknown"]), default=None,
                 help="Government-invested project?  [default: yes]"),
    click.option("--height", "height_m", type=click.FloatRange(min=0), default=None,
                 help="Building height in metres (height-bound restrictions)."),
    click.option("--ocr/--no-ocr", default=True, show_default=True,
                 help="Read scanned PDF pages and bill images (png, jpg, tiff) by OCR; --no-ocr refuses them."),
    click.option("--ocr-engine", type=click.Choice(["rapidocr", "tesseract"]), default="rapidocr", show_default=True,
                 help="OCR engine: rapidocr (installed with gbm-check) or tesseract (optional system package)."),
)
_TRI = {"yes": True, "no": False, "unknown": None}


_JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Worker processes checking files in parallel.  [default: the machine's cores]")
_LIMIT_OPTIONS = (
    click.option("--time-limit", "time_limit", type=click.FloatRange(min=0), default=None,
                 help="Seconds per file (0: none).  [default: 60 s, more for big workbooks, long PDFs and "
                      "scanned pages]"),
    click.option("--memory-limit", "memory_mb", type=click.IntRange(min=0), default=None, metavar="MB",
                 help="Memory per file, in MB (0: none); a file that would need more is refused.  [default: 1024]"),
)


def check_options(command: Callable) -> Callable:
    """Add the shared options (see the module doc) to a click command."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def limit_options(command: Callable) -> Callable:
    """Add the per-file limits of the batch runner (``--time-limit``, ``--memory-limit``) to a click command."""
    for option in reversed(_LIMIT_OPTIONS):
        command = option(command)
    return command


def run_options(command: Callable) -> Callable:
    """Add the options of the batch runner (``--jobs`` and the per-file limits) to a click command."""
    return _JOBS_OPTION(limit_options(command))


def limits(time_limit: float | None = None, memory_mb: int | None = None) -> Limits:
    """The per-file limits from ``--time-limit`` (None: a budget proportional to the work, stretched by the
    machine's load) and ``--memory-limit`` (MB; None: the default)."""
    return Limits(seconds=time_limit, memory=MEMORY_BYTES if memory_mb is None else memory_mb << 20,
                  slowdown=slowdown())


class SettingsError(ValueError):
    """The catalogs, config, registry or profile cannot be used (one line, for the CLI)."""


@dataclass(frozen=True)
class Settings:
    """What the per-file check runs with."""

    config: object  # checker.config.Config
    catalogs: CatalogSet
    profile: Profile
    registry: Optional[Registry]
    certification: Optional[Certification]
    ocr: bool
    ocr_engine: str = "rapidocr"
    xml_mappings: tuple = ()  # the user's XML schema mappings (xmlbill.Mapping)

    def check_settings(self, limits: Limits) -> "CheckSettings":
        """What the batch runner (``checker.run.check_files``) checks each file with."""
        from ..run import CheckSettings

        return CheckSettings(catalogs=self.catalogs, profile=self.profile, ocr=self.ocr, ocr_engine=self.ocr_engine,
                             registry=self.registry,
                             uncertified=self.certification.severity if self.certification else "warning",
                             limits=limits, xml_mappings=self.xml_mappings)


def load_settings(*, extra_catalogs=(), city=None, bid_date=None, config_path=None, registry_path=None,
                  uncertified=None, project_type=None, district=None, urban_area=None, government_invested=None,
                  height_m=None, ocr=True, formats: tuple[str, ...] = (), ocr_engine: str = "rapidocr",
                  xml_mappings=()) -> Settings:
    """The settings from the shared options' values and the config file (command-line values win)."""
    from .. import config as configuration
    from ..read.xmlbill import MappingError, user_mappings

    try:
        config = configuration.load(config_path, cwd=os.getcwd(), formats=formats)
        catalogs = load_catalogs(extra_catalogs or config.catalogs)
        mappings = user_mappings(xml_mappings or config.xml_mappings)
        registry_file = registry_path or config.registry
        registry = load_registry(registry_file) if registry_file else None
    except (CatalogError, configuration.ConfigError, RegistryError, MappingError) as exc:
        raise SettingsError(str(exc)) from None
    settings = dict(config.profile)
    if city:
        settings["city"] = city
    if bid_date:
        settings["bid_date"] = bid_date.date() if isinstance(bid_date, _dt.datetime) else bid_date
    settings.setdefault("bid_date", _dt.date.today())
    for key, value in (("project_type", project_type), ("district", district), ("height_m", height_m)):
        if value is not None:
            settings[key] = value
    for key, value in (("urban_area", urban_area), ("government_invested", government_invested)):
        if value is not None:
            settings[key] = _TRI[value]
    profile = Profile(**settings)
    certification = (Certification(registry, profile, uncertified or config.uncertified or "warning")
                     if registry is not None else None)
    return Settings(config=config, catalogs=catalogs, profile=profile, registry=registry,
                    certification=certification, ocr=ocr, ocr_engine=ocr_engine, xml_mappings=mappings)


def validate_outputs(outputs: list[tuple[str, str | None]], inputs: list[str], file_formats: frozenset[str],
                     workbook_hint: str = "-o FILE.xlsx") -> None:
    """At most one report on stdout, none over an input or over another report, file formats with -o
    (raises click.UsageError; ``workbook_hint`` says what -o a file format takes)."""
    from pathlib import Path

    if sum(out is None for _, out in outputs) > 1:
        raise click.UsageError("more than one --format without -o: at most one report can go to stdout")
    targets = {Path(p).resolve() for p in inputs}
    seen = set()
    for fmt, out in outputs:
        if out is None:
            if fmt in file_formats:
                raise click.UsageError(f"--format {fmt} writes workbooks: give it {workbook_hint}")
            continue
        key = Path(out).resolve()
        if key in targets:
            raise click.UsageError(f"refusing to write the report over an input file: {out}")
        if key in seen:
            raise click.UsageError(f"two reports to the same file: {out}")
        seen.add(key)
