"""The ``sovet`` command line: a thin Typer layer over the services.

Each command module exposes ``register(app)``; errors from the library are
turned into one clean message and a stable exit code here, at the edge.
"""

from __future__ import annotations

from typing import Annotated

import typer

from sovet import i18n
from sovet.cli import (
    apportion_cmd,
    count_cmd,
    engine_cmds,
    generate_cmd,
    key_cmd,
    members_cmd,
    minutes_cmd,
    reference,
    serve_cmd,
    witness_cmd,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="sovet",
    help="sovet: a council-democracy engine — who legitimately governs, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="SOVET_LANG",
            help="Language of the human output: en, sv or ru (default en, whatever "
            "the system locale). JSON, rule ids and field names never change.",
        ),
    ] = None,
) -> None:
    """sovet: a council-democracy engine — who legitimately governs, and why."""
    if lang is not None and i18n.supported(lang) is None:
        raise typer.BadParameter(
            f"{lang!r} is not a shipped language; choose one of "
            + ", ".join(i18n.LANGUAGES),
            param_hint="--lang",
        )
    i18n.use(i18n.cli_language(lang))


for _module in (
    count_cmd,
    apportion_cmd,
    engine_cmds,
    key_cmd,
    members_cmd,
    minutes_cmd,
    reference,
    generate_cmd,
    serve_cmd,
    witness_cmd,
):
    _module.register(app)  # in this order: the order of ``sovet --help``


def main() -> None:
    """Entry point of the ``sovet`` script."""
    app()
