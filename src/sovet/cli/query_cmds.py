"""The read-only questions: legitimacy, seats, log and whatif.

``legitimacy``, ``log`` and ``whatif`` open the database read-only
(``bootstrap.open_read_only``): they create no key and write no file.
``engine_cmds.register`` adds them to the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import (
    DbOption,
    Format,
    FormatOption,
    print_json,
)

if TYPE_CHECKING:
    from sovet.cli.render import Narrator
    from sovet.services.scenario import AppliedStep

# Each command imports what it uses inside its body (a lean start-up, issue 13).

__all__ = ["legitimacy", "log", "narrate_step", "seats", "whatif"]


def narrate_step(narrator: Narrator, item: AppliedStep) -> None:
    """One applied step, each event line led by its seq in the log."""
    from sovet.services.setup import describe_events

    step = item.step
    lines = describe_events(item.events)
    changes = [f"#{e.seq} {line}" for e, line in zip(item.events, lines, strict=True)]
    narrator.step(step.number, step.command.at, step.name, changes)


def legitimacy(
    at: Annotated[
        str | None,
        typer.Option("--at", help="The time to ask about (ISO 8601; default: now)."),
    ] = None,
    as_known_at: Annotated[
        str | None,
        typer.Option(
            "--as-known-at",
            help="As the records stood then: only acts entered by that time count "
            "(ISO 8601; default: the records as they stand).",
        ),
    ] = None,
    db: DbOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Who legitimately governs at a time, and the proof (SR-28), as the records
    stood at another time (--as-known-at: late entries and corrections made
    since do not count). Reads only."""
    from sovet.cli.render import render_legitimacy
    from sovet.services import bootstrap as boot
    from sovet.services.queries import legitimacy_at

    with edge() as stack:
        services = stack.enter_context(boot.open_read_only(db))
        when = at or services.clock.now().isoformat(timespec="seconds")
        answer = legitimacy_at(
            services.uow(), when, cache=services.cache, as_known_at=as_known_at
        )
    if output is Format.json:
        print_json(answer)
    else:
        render_legitimacy(console, answer)


def seats(
    person: Annotated[str, typer.Argument(help="The person's id.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="The time to ask about (ISO 8601; default: now)."),
    ] = None,
    db: DbOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Every seat and office a person holds at a time, at every level (the
    council, the congress, its committee, the government), each with the event
    that gave it. JSON: a list of {"body", "role", "since_seq"}."""
    from sovet.cli.render import render_seats
    from sovet.services import bootstrap as boot
    from sovet.services.queries import seats_at

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        when = at or services.clock.now().isoformat(timespec="seconds")
        found = seats_at(services.uow(), person, when, cache=services.cache)
    if output is Format.json:
        print_json([line.to_json() for line in found])
    else:
        render_seats(console, person, when, found)


def log(
    start: Annotated[
        int, typer.Option("--from", help="First event number.", min=1)
    ] = 1,
    limit: Annotated[int, typer.Option("--limit", help="How many events.", min=1)] = 50,
    db: DbOption = None,
) -> None:
    """Show a page of the event log with hashes and summaries. Reads only."""
    from sovet.cli.render import render_log
    from sovet.services import bootstrap as boot
    from sovet.services.queries import log_page

    with edge() as stack:
        page = log_page(
            stack.enter_context(boot.open_read_only(db)).uow(),
            start=start,
            limit=limit,
        )
    render_log(console, page.events, page.summaries)


def whatif(
    scenario: Annotated[
        Path, typer.Argument(help=r"Hypothetical \[\[step]] commands.")
    ],
    at: Annotated[str, typer.Option("--at", help="The time to compare legitimacy at.")],
    db: DbOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Apply commands to a copy of the log and show how legitimacy would change.

    The answer is HYPOTHETICAL: the database is only read. It names what would
    change — seats, majorities, offices, who may act — or why nothing would.
    """
    from sovet.cli import render
    from sovet.services import bootstrap as boot
    from sovet.services.scenario import read_scenario
    from sovet.services.whatif import what_if

    with edge() as stack:
        steps = read_scenario(scenario).steps
        services = stack.enter_context(boot.open_read_only(db))
        result = what_if(
            services.uow(), steps, at, source=str(scenario), scratch=services.scratch
        )
    if output is Format.json:
        print_json(result.to_json())
    else:
        from rich.markup import escape

        from sovet.i18n import gettext

        head = escape(gettext("HYPOTHETICAL steps (on a copy)"))
        console.rule(f"[bold magenta]{head}[/bold magenta]")
        narrator = render.Narrator(console)
        for item in result.applied:
            narrate_step(narrator, item)
        narrator.flush()
        render.render_legitimacy_change(
            console, result.before, result.after, result.explanation.to_json()
        )
