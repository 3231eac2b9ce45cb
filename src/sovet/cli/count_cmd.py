"""``sovet count FILE --method M --seats N``: count a ballot file (DESIGN §4).

Reads BLT, PrefLib or CSV (``sovet.ballots.read_ballots``), counts with the
method registered under ``M`` (SR-7, ``get_method``) and prints the stage table
or the JSON of DESIGN §4 — both from the one count report
(``sovet.counting.report.count_report``) that the API and the web render too. A
refused input or count prints one clean message on standard error and exits
with code 2.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sovet.cli.edge import EXIT_ERROR
from sovet.errors import SovetError
from sovet.i18n import gettext, refusal, translate

if TYPE_CHECKING:
    from sovet.counting.report import CountReport

# The readers and the counting modules (numpy) are imported by the command.

__all__ = ["EXIT_REFUSED", "count_command", "register"]

EXIT_REFUSED = EXIT_ERROR
"""Exit code of a refused input or count (the CLI's ``EXIT_ERROR``)."""

_WIDE = 400
"""Output width off a terminal (files, pipes): one table, stages side by side."""


class OutputFormat(StrEnum):
    """How ``sovet count`` prints its result."""

    text = "text"
    json = "json"


def count_command(
    file: Annotated[
        Path, typer.Argument(help="Ballot file: .blt, .soi/.soc/.toi/.toc or .csv.")
    ],
    method: Annotated[
        str, typer.Option("--method", "-m", help="Counting method (e.g. stv-scottish).")
    ],
    seats: Annotated[
        int | None,
        typer.Option(
            help="Seats to fill (default: 1 for a single-winner method, else the "
            "seat count of a BLT file)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed for ties the method's rule leaves to lot.")
    ] = 0,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text (stage table) or json.")
    ] = OutputFormat.text,
) -> None:
    """SR-7: count a ballot file by a registered method; stage table or JSON."""
    from sovet.ballots import read_ballots
    from sovet.counting.methods import get_method
    from sovet.counting.report import count_report, dumps_exact
    from sovet.counting.types import TieBreak

    try:
        info = get_method(method)
        ballots = read_ballots(file, progress=True)
        n = seats if seats is not None else ballots.seats if info.multi_winner else 1
        if n is None:
            said = gettext("{file} carries no seat count: give --seats")
            raise typer.BadParameter(said.format(file=file), param_hint="--seats")
        result = info.func(ballots.profile, seats=n, tie_break=TieBreak(seed=seed))
    except SovetError as exc:
        refused = gettext("error:")
        _say(f"[red]{refused}[/red]", refusal(exc))
        raise typer.Exit(EXIT_REFUSED) from None
    for note in ballots.notes:
        label = gettext("note:")
        _say(f"[yellow]{label}[/yellow]", translate(note))
    report = count_report(result)
    if output is OutputFormat.json:
        typer.echo(dumps_exact(report.to_json()))
    else:
        _print_text(report, ballots.title)


def _say(label: str, text: str) -> None:
    """One message on standard error (Rich imported only when there is one)."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True).print(f"{label} {escape(text)}")


def _print_text(report: CountReport, title: str) -> None:
    """The heading lines and the stage table."""
    from rich.console import Console
    from rich.markup import escape

    from sovet.cli.render_count import count_tables

    console = Console()
    if not console.is_terminal:
        console = Console(width=_WIDE)
    result = report.result
    quota = gettext("none") if result.quota is None else report.number(result.quota)
    head = escape(title or gettext("Count"))
    told: dict[str, object] = {
        "method": result.method,
        "seats": result.seats,
        "quota": quota,
    }
    line = gettext("{method}, {seats} seat(s), quota {quota}").format(**told)
    console.print(f"[bold]{head}[/bold] — {escape(line)}")
    for table in count_tables(report, console.width):
        console.print(table)
    elected = ", ".join(result.elected) or gettext("none")
    console.print(escape(gettext("Elected: {names}").format(names=elected)))
    for tie in result.ties:
        console.print(escape(report.tie_text(tie)))


def register(app: typer.Typer) -> None:
    """Add ``sovet count`` to the CLI."""
    app.command("count")(count_command)
