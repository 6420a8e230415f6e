"""The tender + bids mode of the page (清标): the bid review of ``checker.compare`` over files checked like any
other, its matrix as the page the result shows, its JSON and workbook to download.  Offered only where the
compare package is installed (``AVAILABLE``)."""
from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

from ..engine import FileReport
from .store import Artifact
from .worker import CheckSettings, Input, Rendered, render_reports, shipped

AVAILABLE = importlib.util.find_spec("checker.compare") is not None
ROLES = ("tender", "control", "bid")  # the order the files of a review are checked and listed in


def render_review(reports: list[FileReport], inputs: list[Input], settings: CheckSettings,
                  folder: str) -> Rendered:
    """The check's own reports of every file, plus the bid review: review.html (the matrix the result page
    shows), review.json and review.xlsx.  The verdict is the review's; the counts are the check's, plus bids."""
    from ..compare.engine import compare
    from ..compare.model import CompareSettings
    from ..compare.render import renderer

    checked = render_reports(reports, inputs, settings, folder)
    by_role = {role: [r for r, i in zip(reports, inputs) if i.role == role] for role in ROLES}
    comparison = compare(by_role["tender"][0], by_role["bid"], (by_role["control"] or [None])[0],
                         CompareSettings(band=settings.band), profile=settings.profile, catalogs=shipped())
    workbook = Path(folder) / "review.xlsx"
    renderer("xlsx")(comparison, str(workbook), lang="zh")
    artifacts = (Artifact("review.html", "gbm-check-review.html", "text/html; charset=utf-8",
                          renderer("html")(comparison, lang="zh").encode("utf-8")),
                 Artifact("review.json", "gbm-check-review.json", "application/json",
                          renderer("json")(comparison, lang="zh").encode("utf-8")),
                 Artifact("review.xlsx", "gbm-check-review.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook.read_bytes()))
    counts = dict(checked.counts, bids=len(by_role["bid"]),
                  bids_failing=sum(b.verdict == "fail" for b in comparison.bidders))
    return replace(checked, verdict=comparison.verdict, counts=counts, artifacts=artifacts + checked.artifacts)
