"""``sovet apportion FILE.csv --method M --seats N`` (DESIGN §4, SR-12…SR-14).

The CSV has a header ``name,population`` and one unit per row. The result is a
Rich table, or the JSON ``{method, seats, allocation, ties, notes, divisor}``
(``divisor`` as an exact fraction string, or null). A malformed file or a
refused apportionment prints one clean message on standard error and exits
with code 2. Ties are refused unless ``--seed`` declares a lot.
"""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sovet.cli.edge import EXIT_ERROR
from sovet.errors import InputError, SovetError, says
from sovet.i18n import gettext, refusal, translate

if TYPE_CHECKING:
    from sovet.counting.apportionment import Apportionment

# The counting modules (and numpy) are imported by the command that uses them.

__all__ = [
    "EXIT_REFUSED",
    "apportion_command",
    "apportionment_json",
    "read_populations",
    "register",
]

EXIT_REFUSED = EXIT_ERROR
"""Exit code of a refused input or apportionment (the CLI's ``EXIT_ERROR``)."""


class OutputFormat(StrEnum):
    """How ``sovet apportion`` prints its result."""

    text = "text"
    json = "json"


class RoundingOption(StrEnum):
    """SR-12: how a fixed ratio rounds."""

    floor = "floor"
    nearest = "nearest"
    ceil = "ceil"


def read_populations(path: Path) -> dict[str, int]:
    """A ``name,population`` CSV as an ordered mapping; refuses with file and line."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            says("cannot read the file: {exc}", exc=exc), source=source
        ) from None
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise InputError(
            says("empty file: a header name,population is required"), source=source
        ) from None
    except csv.Error as exc:
        raise InputError(
            says("malformed CSV: {exc}", exc=exc), source=source, line=1
        ) from None
    if header != ["name", "population"]:
        raise InputError(
            says(
                "the header must be name,population, not {header}",
                header=",".join(header),
            ),
            source=source,
            line=1,
        )
    units: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 2:
                raise InputError(
                    says(
                        "expected 2 fields (name,population), found {count}",
                        count=len(row),
                    ),
                    source=source,
                    line=line,
                )
            name, raw = row[0].strip(), row[1].strip()
            if not name:
                raise InputError(says("empty unit name"), source=source, line=line)
            if name in units:
                raise InputError(
                    says("unit {name!r} appears twice", name=name),
                    source=source,
                    line=line,
                )
            if not raw.isascii() or not raw.isdigit():
                raise InputError(
                    says(
                        "population of {name!r} is not a whole number ≥ 0: {raw!r}",
                        name=name,
                        raw=raw,
                    ),
                    source=source,
                    line=line,
                )
            units[name] = int(raw)
    except csv.Error as exc:
        raise InputError(
            says("malformed CSV: {exc}", exc=exc), source=source, line=reader.line_num
        ) from None
    if not units:
        raise InputError(says("no units after the header"), source=source)
    return units


def _exact(text: str | None, option: str) -> Fraction | None:
    """An exact number from the command line: ``0.05``, ``1/20`` or ``25000``."""
    if text is None:
        return None
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise typer.BadParameter(
            f"{text!r} is not an exact number (try 0.05 or 1/20)", param_hint=option
        ) from None


def apportionment_json(result: Apportionment) -> dict[str, Any]:
    """The JSON of DESIGN §4: method, seats, allocation, plus ties, notes, divisor."""
    return {
        "method": result.method,
        "seats": result.seats,
        "allocation": dict(result.allocation),
        "ties": [
            {
                "seat": tie.round,
                "candidates": list(tie.candidates),
                "chosen": tie.chosen,
                "resolved_by": tie.resolved_by,
                "note": tie.note,
            }
            for tie in result.ties
        ],
        "notes": list(result.notes),
        "divisor": None if result.divisor is None else str(result.divisor),
    }


def apportion_command(
    file: Annotated[Path, typer.Argument(help="CSV with a header name,population.")],
    method: Annotated[
        str, typer.Option("--method", "-m", help="e.g. dhondt, hare, fixed-ratio.")
    ],
    seats: Annotated[
        int | None, typer.Option(help="House size (not for fixed-ratio).")
    ] = None,
    minimum: Annotated[int, typer.Option("--min", help="Minimum seats per unit.")] = 0,
    min_from_others: Annotated[
        bool,
        typer.Option(
            "--min-from-others",
            help="Take the minimum from the other units (default: the house grows).",
        ),
    ] = False,
    base: Annotated[int, typer.Option("--base", help="Base seats per unit.")] = 0,
    pairs: Annotated[
        bool, typer.Option("--pairs", help="Allot seats in pairs (seat_unit 2).")
    ] = False,
    cap: Annotated[int | None, typer.Option(help="Cap on the house (SR-13).")] = None,
    threshold: Annotated[
        str | None, typer.Option(help="Share of the total needed, e.g. 0.05.")
    ] = None,
    ratio: Annotated[
        str | None, typer.Option(help="fixed-ratio: population per seat.")
    ] = None,
    rounding: Annotated[
        RoundingOption, typer.Option(help="fixed-ratio: floor, nearest or ceil.")
    ] = RoundingOption.floor,
    seed: Annotated[
        int | None,
        typer.Option(help="Break ties by a lot with this seed (default: refuse)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text (table) or json.")
    ] = OutputFormat.text,
) -> None:
    """SR-12…SR-14: apportion seats among the units of a CSV by a method."""
    from rich.console import Console
    from rich.markup import escape

    from sovet.counting.apportionment import apportion
    from sovet.counting.types import TieBreak

    err = Console(stderr=True)
    share = _exact(threshold, "--threshold")
    per_seat = _exact(ratio, "--ratio")
    try:
        populations = read_populations(file)
        result = apportion(
            populations,
            method=method,
            seats=seats,
            ratio=per_seat,
            rounding=rounding.value,
            min_per_unit=minimum,
            base_seats=base,
            seat_unit=2 if pairs else 1,
            cap=cap,
            threshold=share,
            minimum_adds_seats=not min_from_others,
            tie_break=None if seed is None else TieBreak(seed=seed),
        )
    except SovetError as exc:
        label = escape(gettext("error:"))
        err.print(f"[red]{label}[/red] {escape(refusal(exc))}")
        raise typer.Exit(EXIT_REFUSED) from None
    if output is OutputFormat.json:
        typer.echo(json.dumps(apportionment_json(result), ensure_ascii=False))
    else:
        _print_text(result, populations)


def _print_text(result: Apportionment, populations: dict[str, int]) -> None:
    """A Rich table: unit, population, seats, and both shares."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from sovet.counting.apportionment import format_fraction

    console = Console()
    total = sum(populations.values())
    none = gettext("none")
    divisor = none if result.divisor is None else format_fraction(result.divisor)
    title = gettext("{method}: {seats} seat(s), divisor {divisor}")
    told: dict[str, object] = {
        "method": result.method,
        "seats": result.seats,
        "divisor": divisor,
    }
    table = Table(title=escape(title.format(**told)), title_justify="left")
    table.add_column(gettext("unit"), justify="left")
    for heading in (
        gettext("population"),
        gettext("seats"),
        gettext("% population"),
        gettext("% seats"),
    ):
        table.add_column(heading, justify="right")
    for name, pop in populations.items():
        got = result.allocation[name]
        table.add_row(
            escape(name),
            f"{pop:,}",
            str(got),
            format_fraction(Fraction(100 * pop, total or 1)),
            format_fraction(Fraction(100 * got, result.seats or 1)),
        )
    console.print(table)
    for note in result.notes:
        label = gettext("note:")
        console.print(f"{escape(label)} {escape(translate(note))}")
    for tie in result.ties:
        line = gettext("tie for seat {seat} among {names}: {chosen} by {how} ({note})")
        told = {
            "seat": tie.round,
            "names": ", ".join(tie.candidates),
        }
        told |= {"chosen": tie.chosen, "how": tie.resolved_by, "note": tie.note}
        console.print(escape(line.format(**told)))


def register(app: typer.Typer) -> None:
    """Add ``sovet apportion`` to the CLI."""
    app.command("apportion")(apportion_command)
