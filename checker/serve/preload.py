"""Imported once by the fork server that starts the worker processes: every worker then begins with the
checker, the shipped catalogs and their matcher, the report modules and the compiled report templates already
in memory (about 1.5 s saved per worker on a small machine)."""
from ..report import html_report, json_report, sarif_report, xlsx_report  # noqa: F401
from . import worker  # noqa: F401

html_report.environment().get_template("report.html.j2")
html_report.environment().get_template("report.js")
worker.shipped()
