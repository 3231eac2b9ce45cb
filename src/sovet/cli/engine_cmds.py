"""The engine commands: demo, init, run (and, from ``query_cmds``, legitimacy,
seats, log, whatif; from ``ledger_cmds``, verify, export, import, checkpoint).

Thin: parse the options, call a service, render. Every ``SovetError`` becomes one
clean message naming its rule (or file, line and key) and exit code 2; a log
that fails verification exits 1 (``EXIT_VERIFY``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sovet.cli import ledger_cmds, query_cmds
from sovet.cli.edge import EXIT_ERROR, EXIT_VERIFY, console, edge, errors
from sovet.cli.options import (
    DbOption,
    Format,
    FormatOption,
    KeyFileOption,
    print_json,
)
from sovet.errors import InputError, RuleViolation, Says, says
from sovet.i18n import gettext as _
from sovet.i18n import ngettext

if TYPE_CHECKING:
    from sovet.cli.render import Narrator
    from sovet.services.bootstrap import Services
    from sovet.services.runs import SkippedStep
    from sovet.services.scenario import AppliedStep, Scenario, StepRefused

# Each command imports what it uses inside its body, so that ``sovet count``
# (and ``sovet --help``) never load the domain, the services or SQLAlchemy.

__all__ = ["EXIT_ERROR", "EXIT_VERIFY", "register"]

PROGRESS_FROM = 50
"""``run`` shows a progress bar instead of the narrative above this many steps."""


class _Skips:
    """Consecutive steps already applied, told as one line."""

    def __init__(self) -> None:
        self.run: list[SkippedStep] = []
        self.total = 0

    def add(self, item: SkippedStep) -> None:
        self.run.append(item)
        self.total += 1

    def flush(self, narrator: Narrator) -> None:
        from rich.markup import escape

        run, self.run = self.run, []
        if not run:
            return
        narrator.flush()
        first, last = run[0], run[-1]
        steps = (
            _("step {n}").format(n=first.step.number)
            if len(run) == 1
            else _("steps {first}–{last}").format(
                first=first.step.number, last=last.step.number
            )
        )
        low, high = first.first_seq, last.last_seq
        events = _("events #{low}–#{high}").format(low=low, high=high)
        if high <= low:
            events = _("no events") if high < low else _("event #{seq}").format(seq=low)
        line = _("{steps}: already applied ({events}), skipped")
        console.print(f"[dim]{escape(line.format(steps=steps, events=events))}[/dim]")


def _run_file(
    services: Services,
    scenario: Path,
    *,
    narrate: bool,
    progress: bool,
    preset: str | None = None,
    parsed: Scenario | None = None,
) -> list[AppliedStep]:
    """Apply a scenario's steps not yet applied (skipping those that are)."""
    applied, _skipped = _apply(
        services,
        scenario,
        narrate=narrate,
        progress=progress,
        preset=preset,
        parsed=parsed,
    )
    return applied


def _with_preset(parsed: Scenario, preset: str | None) -> Scenario:
    if parsed.preset is None and preset is not None:
        return dataclasses.replace(parsed, preset=preset)
    return parsed


def _apply(
    services: Services | None,
    scenario: Path,
    *,
    narrate: bool,
    progress: bool,
    preset: str | None = None,
    parsed: Scenario | None = None,
    dry: bool = False,
) -> tuple[list[AppliedStep], int]:
    """Run (or with ``dry``, try on a copy) a scenario; the steps applied and
    the number skipped as already applied."""
    from rich.markup import escape
    from rich.progress import Progress

    from sovet.cli.query_cmds import narrate_step
    from sovet.cli.render import Narrator
    from sovet.services.checkpoints import sign_head
    from sovet.services.runs import SkippedStep, dry_run, run_steps, step_units
    from sovet.services.scenario import StepRefused, read_scenario, steps_to_run

    parsed = _with_preset(parsed or read_scenario(scenario), preset)
    if dry:
        runner = dry_run(services, parsed)
        total = None
    else:
        assert services is not None
        steps = steps_to_run(parsed, services.uow(), cache=services.cache)
        total = len(steps)
        runner = run_steps(
            step_units(services), steps, source=str(scenario), cache=services.cache
        )
    applied: list[AppliedStep] = []
    skips = _Skips()
    narrator = Narrator(console)
    try:
        if progress and total is not None and total > PROGRESS_FROM:
            with Progress(console=errors, transient=True) as bar:
                doing = _("applying {file}").format(file=scenario.name)
                task = bar.add_task(escape(doing), total=total)
                for item in runner:
                    if isinstance(item, SkippedStep):
                        skips.total += 1
                    else:
                        applied.append(item)
                    bar.advance(task)
        else:
            for item in runner:
                if isinstance(item, SkippedStep):
                    if narrate:
                        skips.add(item)
                    else:
                        skips.total += 1
                    continue
                skips.flush(narrator)
                applied.append(item)
                if narrate:
                    narrate_step(narrator, item)
    except StepRefused as refused:
        hint = _adoption_hint(services, refused) if services is not None else None
        if hint is None:
            raise
        message = Says("{message}{hint}", message=refused.violation.message, hint=hint)
        violation = RuleViolation(refused.rule, message)
        raise StepRefused(refused.step, str(scenario), violation) from None
    finally:
        skips.flush(narrator)
        narrator.flush()
        if applied and not dry and services is not None:
            # the steps applied before a refusal stay: sign them too (with a
            # snapshot of the state the run holds, when one is due)
            sign_head(
                services.uow(),
                services.signer,
                clock=services.clock,
                held=services.cache.held(),
            )
    return applied, skips.total


def _adoption_hint(services: Services, refused: StepRefused) -> str | None:
    """SR-28: when a scenario starts before the constitution ``sovet init``
    adopted (dated now by default), say how to date the adoption earlier."""
    from sovet.domain.kernel.calendar import moment

    if refused.rule != "SR-28":
        return None
    with services.uow() as uow:
        state = services.cache.current(uow.events)
    adopted = state.constitution_ref
    if adopted is None or state.head is None or state.head[0] != adopted.seq:
        return None
    first = refused.step.command.at
    if moment(first) >= moment(adopted.at):
        return None
    return says(
        "; the constitution was adopted at {adopted}, after this step: adopt it "
        "earlier with `sovet init --at {first}`, or let `sovet run` adopt the "
        "scenario's preset in a new database",
        adopted=adopted.at,
        first=first[:10],
    )


def demo(
    db: Annotated[
        str, typer.Option("--db", help="SQLite file for the demo (replaced each run).")
    ] = "demo.db",
    output: FormatOption = Format.text,
) -> None:
    """Build the 1917 scenario in a fresh database and say who governs on 18 Nov 1917.

    If the preset has one, the counterfactual branch (SR-27: power passing by
    recall, re-election and a new congress) is built too, clearly labelled, in
    its own database ``<db stem>-counterfactual.db``. The output ends with the
    historical answer for 5 (18) Nov 1917.
    """
    from rich.markup import escape

    from sovet.cli import render
    from sovet.services import bootstrap as boot
    from sovet.services.demo import DEMO_PRESET, demo_branches
    from sovet.services.queries import legitimacy_at

    text = output is Format.text
    result: dict[str, Any] = {}
    with edge() as stack:
        for branch in demo_branches(db):
            if text:
                console.rule(f"[bold]{branch.title}[/bold]")
            boot.remove_database(branch.db)
            services = stack.enter_context(boot.bootstrap(branch.db, create=True))
            applied: list[AppliedStep] = []
            for index, scenario in enumerate(branch.files):
                # a branch re-applies the files before its own one silently
                quiet = branch.key != "history" and index < len(branch.files) - 1
                steps = _run_file(
                    services,
                    scenario,
                    narrate=text and not quiet,
                    progress=False,
                    preset=DEMO_PRESET,
                )
                applied += steps
                if text and quiet:
                    again = ngettext(
                        "(the {n} step of {file} shown above, applied again to {db})",
                        "(the {n} steps of {file} shown above, applied again to {db})",
                        len(steps),
                    ).format(n=len(steps), file=scenario.name, db=branch.db)
                    console.print(escape(again))
            at = branch.at or applied[-1].step.command.at
            answer = legitimacy_at(services.uow(), at, cache=services.cache)
            result[branch.key] = {
                "db": branch.db,
                "steps": [a.to_json() for a in applied],
                "legitimacy": answer,
            }
            if text and branch.key != "history":
                render.render_legitimacy(console, answer, label=branch.label)
    if not text:
        print_json(result)
        return
    head = _("The answer, from the historical log in {db}").format(db=db)
    console.rule(f"[bold]{escape(head)}[/bold]")
    render.render_legitimacy(console, result["history"]["legitimacy"])


def init(
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset", help="A bundled constitution: rsfsr1918, union, party."
        ),
    ] = None,
    constitution: Annotated[
        Path | None,
        typer.Option("--constitution", help="Your own constitution TOML file."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When it takes effect (ISO 8601; default: now)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a database governed by a preset or your own constitution.

    The database's checkpoint signing key (Ed25519) is created beside it as
    ``<db>.key`` (mode 0600); keep it private, and back it up with the database.
    A refused ``init`` on a new path leaves no database or key behind.
    """
    from rich.markup import escape

    from sovet.cli.render import format_date
    from sovet.presets.loader import (
        available_presets,
        load_constitution_file,
        load_preset,
    )
    from sovet.services import bootstrap as boot
    from sovet.services.setup import adopt_constitution

    with edge() as stack:
        if preset is not None and constitution is None:
            chosen, source = load_preset(preset), preset
        elif constitution is not None and preset is None:
            chosen, source = load_constitution_file(constitution), str(constitution)
        else:
            raise InputError(
                says(
                    "give exactly one of --preset NAME or --constitution FILE "
                    "(presets: {presets})",
                    presets=", ".join(available_presets()),
                ),
                source="init",
            )
        stack.enter_context(boot.removed_if_refused(db))
        services = stack.enter_context(boot.bootstrap(db, create=True))
        when = at or services.clock.now().isoformat(timespec="seconds")
        events = adopt_constitution(
            services.uow(), chosen, source=source, at=when, cache=services.cache
        )
        done = _("initialised {db}: constitution {source} adopted {date} (event {seq})")
        console.print(
            escape(
                done.format(
                    db=services.location,
                    source=source,
                    date=format_date(when),
                    seq=events[-1].seq,
                )
            )
        )


def run(
    scenario: Annotated[
        Path, typer.Argument(help=r"A TOML file of \[\[step]] commands.")
    ],
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="Constitution to adopt first on an empty database, when the "
            "scenario names none (e.g. rsfsr1918).",
        ),
    ] = None,
    dry_run_: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Show what would be applied (on a copy of the log), write nothing.",
        ),
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Apply a scenario, each step all-or-nothing; stop at the first refused step.

    Steps already applied to this database (the same command with the same
    fields, recognised by their content hash) are skipped, so a file can be run
    again after adding steps or fixing a refused one. Each step is shown with
    the seqs (#n) of the events it appended to the log. With ``--dry-run`` the
    steps are applied to an in-memory copy of the log instead: the output shows
    what would be appended, or the step that would be refused, and nothing is
    written. The file is read before the database is opened; a run refused
    before any step was applied to a new path leaves no database or key behind.
    """
    from rich.markup import escape

    from sovet.config import Settings
    from sovet.services import bootstrap as boot
    from sovet.services.scenario import read_scenario

    with edge() as stack:
        parsed = read_scenario(scenario)
        if dry_run_:
            location = db or Settings().db
            exists = boot.is_url(location) or Path(location).exists()
            services = stack.enter_context(boot.bootstrap(db)) if exists else None
            said = _("applied to a copy of the log; nothing is written")
            console.print(f"[bold magenta]DRY RUN[/bold magenta] — {escape(said)}")
        else:
            stack.enter_context(boot.removed_if_refused(db))
            services = stack.enter_context(
                boot.bootstrap(db, create=True, key_file=key_file)
            )
            services.require_key()  # it signs what it applies
        applied, skipped = _apply(
            services,
            scenario,
            narrate=True,
            progress=not dry_run_,
            preset=preset,
            parsed=parsed,
            dry=dry_run_,
        )
        count = sum(len(a.events) for a in applied)
        seqs = [e.seq for a in applied for e in a.events]
        told: dict[str, object] = {
            "steps": ngettext("{n} step", "{n} steps", len(applied)).format(
                n=len(applied)
            ),
            "events": ngettext("{n} event", "{n} events", count).format(n=count),
            "span": f" (#{seqs[0]}–#{seqs[-1]})" if seqs else "",
            "also": _("; {n} already applied, skipped").format(n=skipped)
            if skipped
            else "",
        }
        if dry_run_:
            said = _("would apply {steps}, {events}{span}{also}; nothing written")
        elif applied:
            said = _("applied {steps}, {events}{span}{also}; checkpoint signed")
        else:
            said = _("nothing to apply: all {n} steps already applied")
            told = {"n": str(skipped)}
        console.print(escape(said.format(**told)))


def register(app: typer.Typer) -> None:
    """Add the engine commands to the ``sovet`` app (with ``query_cmds``' and
    ``ledger_cmds``')."""

    for function in (
        demo,
        init,
        run,
        query_cmds.legitimacy,
        query_cmds.seats,
        ledger_cmds.verify,
        query_cmds.log,
        ledger_cmds.export,
        query_cmds.whatif,
        ledger_cmds.checkpoint,
    ):
        app.command()(function)
    app.command("import")(ledger_cmds.import_)
