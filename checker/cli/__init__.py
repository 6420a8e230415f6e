"""The gbm-check command line: one module per command, registered on the ``main`` group here.

Commands are imported when they are run (``COMMANDS``: name → "module:attribute"), so that ``gbm-check --version``
and a small check do not pay for every other command's imports.
"""
from __future__ import annotations

from importlib import import_module

import click

from .. import __version__

COMMANDS = {
    "check": "checker.cli.check:check",
    "catalog": "checker.cli.catalog:catalog",
    "explain": "checker.cli.catalog:explain",
    "compare": "checker.cli.compare:compare",
    "serve": "checker.cli.serve:serve",
}


class _LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            self.add_command(getattr(import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gbm-check")
def main() -> None:
    """Check bills of quantities (工程量清单) against China's green building material rules."""
