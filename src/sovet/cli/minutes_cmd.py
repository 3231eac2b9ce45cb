"""``sovet minutes BODY-OR-SESSION --format html|pdf|csv``: a session's minutes.

The report is ``sovet.services.minutes``'s; this edge opens the database read
only, folds it, and writes the rendering to ``--out`` or standard output.
``--format pdf`` needs the optional extra ``sovet[pdf]`` (WeasyPrint); without
it the command is refused with the ``pip install`` line (exit 2).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import DbOption
from sovet.errors import InputError, says
from sovet.i18n import gettext

__all__ = ["minutes", "register"]


class MinutesFormat(StrEnum):
    """The renderings of the minutes."""

    html = "html"
    pdf = "pdf"
    csv = "csv"


def minutes(
    session: Annotated[
        str,
        typer.Argument(
            help="A session id (congress, executive committee, sitting) or a "
            "body id (its latest session)."
        ),
    ],
    output: Annotated[
        MinutesFormat, typer.Option("--format", help="html, pdf or csv.")
    ] = MinutesFormat.html,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (default: standard output)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """A session's minutes: acts, attendance, motions, named votes, with hashes.

    Every act of the session in log order with its seq and hash; the delegates
    seated per faction and by name; each motion with its outcome, named votes,
    decision and written dissent (SR-16…SR-19, SR-31); the elections counted
    since the body's previous session, each with its count sheet — stages,
    quota, elected at stage, non-transferable — the same figures as ``sovet
    count`` (SR-7/SR-8). Reads only.
    """
    from sovet.services import bootstrap as boot
    from sovet.services.handlers import StateCache
    from sovet.services.minutes import build_minutes, to_csv, to_html, to_pdf

    with edge() as stack:
        services = stack.enter_context(boot.open_read_only(db))
        with services.uow() as uow:
            state = StateCache().current(uow.events)
        report = build_minutes(state, session)
        if output is MinutesFormat.pdf:
            data = to_pdf(report)
        elif output is MinutesFormat.csv:
            data = to_csv(report).encode("utf-8")
        else:
            data = to_html(report).encode("utf-8")
        if out is None:
            typer.echo(data, nl=False)  # bytes: written as they are
            return
        try:
            out.write_bytes(data)
        except OSError as error:
            raise InputError(
                says("cannot write the minutes: {why}", why=error.strerror),
                source=str(out),
            ) from error
    said = gettext(
        "wrote the minutes of {name} ({acts} acts, {motions} motions, {sheets} "
        "count sheets) to {file}"
    )
    told: dict[str, object] = {"acts": len(report.acts), "motions": len(report.motions)}
    told |= {"sheets": len(report.elections), "name": report.name, "file": out}
    console.print(said.format(**told), markup=False)


def register(app: typer.Typer) -> None:
    """Add ``minutes`` to the ``sovet`` app."""
    app.command("minutes")(minutes)
