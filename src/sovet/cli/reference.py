"""``sovet commands [NAME]``: the engine commands and their fields, from the code.

Everything shown comes from each command's one declaration
(``sovet.services.reference``). ``python -m sovet.cli.reference --write FILE``
writes the same reference as Markdown (``docs/commands.md``, ``make
docs-commands``); ``--check FILE`` exits 1 when the file differs from what
would be written (``make docs`` runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import Format, FormatOption, print_json
from sovet.errors import InputError, says

if TYPE_CHECKING:
    from sovet.services.reference import CommandDoc

# The reference is read from the domain's declarations only when asked for.

__all__ = ["commands", "main", "register"]


def _plain(text: str) -> str:
    """Docstring text for a terminal: ````x```` as ``x``."""
    from rich.markup import escape

    return escape(text.replace("``", ""))


def _render_one(doc: CommandDoc) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{doc.name}[/bold] — {_plain(doc.summary)}", soft_wrap=True)
    if doc.details:
        for paragraph in doc.details.split("\n\n"):
            console.print()
            console.print(_plain(paragraph))
    console.print()
    console.print(f"HTTP: {escape(doc.route or 'none (its own service issues it)')}")
    console.print(f"issued by: {_plain(doc.issuers).replace('`', '')}")
    if doc.aliases:
        console.print(f"also accepted as: {', '.join(doc.aliases)}")
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for column in ("field", "type", "required", "description"):
        table.add_column(column, overflow="fold")
    for item in doc.fields:
        table.add_row(
            escape(item.name),
            escape(item.type),
            "yes" if item.required else "no",
            _plain(item.description),
        )
    console.print(table)


def commands(
    name: Annotated[
        str | None,
        typer.Argument(help="A command to show in full (default: list them all)."),
    ] = None,
    output: FormatOption = Format.text,
) -> None:
    """The engine's commands — scenario steps and API requests — with their fields.

    Without NAME, one line per command; with NAME, its fields with their type,
    whether each is required, and its description. ``--format json`` gives a
    list of {name, summary, fields: [{name, type, required, description}]}
    (one element with NAME). The same reference is docs/commands.md.
    """
    from sovet.services.reference import command_reference, find_command, to_json

    with edge():
        if name is None:
            docs = command_reference()
        else:
            found = find_command(name)
            if found is None:
                known = ", ".join(doc.name for doc in command_reference())
                raise InputError(
                    says(
                        "no command {name!r}; the commands are: {known}",
                        name=name,
                        known=known,
                    ),
                    source="commands",
                )
            docs = [found]
    if output is Format.json:
        print_json(to_json(docs))
    elif name is not None:
        _render_one(docs[0])
    else:
        width = max(len(doc.name) for doc in docs)
        for doc in docs:
            console.print(
                f"[bold]{doc.name:<{width}}[/bold]  {_plain(doc.summary)}",
                soft_wrap=True,
            )
        console.print(
            f"\n{len(docs)} commands; `sovet commands NAME` shows one with its fields."
        )


def register(app: typer.Typer) -> None:
    """Add ``commands`` to the ``sovet`` app."""
    app.command()(commands)


def main(argv: list[str] | None = None) -> int:
    """``python -m sovet.cli.reference --write FILE | --check FILE``."""
    parser = argparse.ArgumentParser(
        prog="python -m sovet.cli.reference",
        description="Write or check the Markdown command reference.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="FILE", help="write FILE")
    group.add_argument(
        "--check", type=Path, metavar="FILE", help="exit 1 when FILE is out of date"
    )
    args = parser.parse_args(argv)
    from sovet.services.reference import command_reference, to_markdown

    text = to_markdown(command_reference())
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
        return 0
    path: Path = args.check
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != text:
        sys.stderr.write(
            f"{path} is out of date with the commands' declarations: "
            "run `make docs-commands` and commit it\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
