"""Options and output helpers shared by the ``sovet`` commands."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

__all__ = ["DbOption", "Format", "FormatOption", "KeyFileOption", "print_json"]


class Format(StrEnum):
    """Output format."""

    text = "text"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or a postgresql:// URL "
        "(default: $SOVET_DB or ./sovet.db).",
        show_default=False,
    ),
]
KeyFileOption = Annotated[
    str | None,
    typer.Option(
        "--key-file",
        help="The signing key's file (default: <db>.key beside a SQLite database; "
        "$SOVET_KEY_FILE for PostgreSQL, which has no other default).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format, typer.Option("--format", help="Output as readable text or as JSON.")
]


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON (UTF-8, not escaped)."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
