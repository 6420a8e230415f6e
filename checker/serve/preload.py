"""Imported once by the fork server that starts the job processes: every job then begins with the checker, the
batch runner, the shipped catalogs, the report modules and the compiled report templates already in memory (about
1.5 s saved per job on a small machine); the runner's workers are forked from the job and inherit them too."""
from ..match import matcher  # noqa: F401
from ..report import html_report, json_report, sarif_report, xlsx_report  # noqa: F401
from ..run import pool  # noqa: F401
from . import worker  # noqa: F401

html_report.environment().get_template("report.html.j2")
html_report.environment().get_template("report.js")
worker.shipped()
