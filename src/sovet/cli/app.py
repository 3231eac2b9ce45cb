"""The ``sovet`` command line: a thin Typer layer over the services.

Each command module exposes ``register(app)``; errors from the library are
turned into one clean message and a stable exit code here, at the edge.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="sovet",
    help="sovet: a council-democracy engine — who legitimately governs, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules under sovet.cli that add commands to ``app`` through ``register(app)``.
_COMMAND_MODULES: tuple[str, ...] = (
    "count_cmd",
    "apportion_cmd",
    "engine_cmds",
    "generate_cmd",
    "serve_cmd",
)


@app.callback()
def _root() -> None:
    """sovet: a council-democracy engine — who legitimately governs, and why."""


for _name in _COMMAND_MODULES:
    importlib.import_module(f"sovet.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the ``sovet`` script."""
    app()
