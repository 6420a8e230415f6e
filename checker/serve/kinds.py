"""The kinds of job the page runs: what each makes of its checked files (run in a worker process), the page its
result shows, and the roles its files come in (the form fields they are uploaded in)."""
from __future__ import annotations

from typing import Callable

from . import review
from .worker import render_reports

RENDERERS: dict[str, Callable] = {"check": render_reports}
MAIN_VIEW: dict[str, str] = {"check": "report.html"}
ROLES: dict[str, tuple[str, ...]] = {"check": ("bill",)}
FIELD_ROLE = {"bills": "bill", "tender": "tender", "control": "control"}  # a form field → the role of its files

if review.AVAILABLE:
    RENDERERS["review"] = review.render_review
    MAIN_VIEW["review"] = "review.html"
    ROLES["review"] = review.ROLES


def role_of(field: str, kind: str) -> str:
    """The role of a file uploaded in ``field`` for a job of ``kind`` (in a review, the bills are the bids)."""
    role = FIELD_ROLE[field]
    return "bid" if role == "bill" and kind == "review" else role


def upload_problem(kind: str, fields: list[str]) -> str | None:
    """Why the files uploaded (their form fields) do not fit the kind of job, or None."""
    if kind not in RENDERERS:
        return "the bid review (清标) mode is not available in this installation" if kind == "review" \
            else f"unknown mode {kind!r}"
    roles = [role_of(f, kind) for f in fields if f in FIELD_ROLE]
    if any(role not in ROLES[kind] for role in roles):
        return "a tender or control price file needs the bid review (清标) mode"
    if kind == "review" and roles.count("tender") != 1:
        return "a bid review needs the tender's bill (招标工程量清单)"
    if not [r for r in roles if r in ("bill", "bid")]:
        return "choose at least one bill file" if kind == "check" else "choose at least one bid file"
    return None
