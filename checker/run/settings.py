"""What the per-file check needs, in one picklable value, and the checker a process builds from it once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..judge.certificates import Registry
from ..judge.rules import Profile
from ..limits import Limits
from ..match.catalog import CatalogSet


@dataclass(frozen=True)
class CheckSettings:
    """The catalogs, the project profile and the options of a run: everything ``check_file`` depends on.
    Picklable, so that a Dask worker on another machine checks exactly as this process would."""

    catalogs: CatalogSet
    profile: Profile
    ocr: bool = True
    ocr_engine: str = "rapidocr"
    registry: Registry | None = None
    uncertified: str = "warning"  # severity of uncertified findings (with a registry)
    limits: Limits = field(default_factory=Limits)
    xml_mappings: tuple = ()  # the user's XML schema mappings (xmlbill.Mapping), tried before the shipped ones

    def checker(self) -> "Checker":
        return Checker(self)


class Checker:
    """The matcher, judge and certification of one process, built once and used for many files."""

    def __init__(self, settings: CheckSettings):
        from ..judge.rules import Judge
        from ..match.matcher import Matcher

        self.settings = settings
        self.matcher = Matcher(settings.catalogs)
        self.judge = Judge(settings.catalogs, settings.profile)
        self.certification = None
        if settings.registry is not None:
            from ..judge.certification import Certification

            self.certification = Certification(settings.registry, settings.profile, settings.uncertified)

    def check(self, path: str, on_budget: Callable | None = None, on_read: Callable | None = None,
              spare_core: bool = False):
        """``check_file`` under the run's settings (a FileReport; never raises for bad input); ``spare_core``: a
        worker process may fork a child to judge half the lines (``checker.run.split``)."""
        from ..engine import check_file
        from .split import judge_on_two_cores

        return check_file(path, self.matcher, self.judge, ocr=self.settings.ocr, ocr_engine=self.settings.ocr_engine,
                          certification=self.certification,
                          limits=self.settings.limits, on_budget=on_budget, on_read=on_read,
                          judge_lines=judge_on_two_cores if spare_core else None,
                          xml_mappings=self.settings.xml_mappings)


def display_path(path: str) -> str:
    """The name a file goes by in reports (as ``check_file`` gives it)."""
    return str(Path(path))
