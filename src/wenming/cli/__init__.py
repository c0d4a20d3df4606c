"""The ``wenming`` command line: a Typer app whose sub-commands live in sibling modules.

Each module in ``_COMMAND_MODULES`` imports :data:`app` and registers its commands; the
commands parse arguments, call one service or pipeline function and render the result.
The outermost layer: it may import anything (the server, the worker, the runtime…);
:mod:`.itemfile` reads JSONL/CSV item files for the commands.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="wenming",
    help="wenming (文明): screen content against a policy, run the governance service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_COMMAND_MODULES = [
    "screen",
    "serve",
    "db",
    "keys",
    "audit",
    "worker",
    "sweep",
    "users",
    "classify",
    "claims",
]


def _load_commands() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"wenming.cli.{name}")


def main() -> None:
    """Entry point of the ``wenming`` console script."""
    _load_commands()
    app()
