"""The gbm-check command line: one module per command, registered on the ``main`` group here."""
from __future__ import annotations

import click

from .. import __version__
from .catalog import catalog, explain
from .check import check
from .compare import compare
from .serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gbm-check")
def main() -> None:
    """Check bills of quantities (工程量清单) against China's green building material rules."""


main.add_command(check)
main.add_command(catalog)
main.add_command(explain)
main.add_command(compare)
main.add_command(serve)
