"""``sovet generate``: write a seeded synthetic federation (issue 5, "Scale").

Thin: parse the options, call ``services.generate`` with a Rich progress bar,
sign the head, print a summary (text or JSON).
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from sovet.cli.edge import console, edge, errors
from sovet.cli.options import DbOption, Format, FormatOption, print_json
from sovet.i18n import gettext as _

__all__ = ["register"]


def generate_cmd(
    db: DbOption = None,
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            help="Fraction of the full federation (1M members, 10k councils).",
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1917,
    batch: Annotated[
        int, typer.Option("--batch", help="Events per transaction.", min=1)
    ] = 20_000,
    output: FormatOption = Format.text,
) -> None:
    """Write a seeded synthetic federation into a new database (SR-4…SR-28).

    Members on the registers, councils and their elections, a national congress
    apportioned from them, an executive, a government, then recalls and
    by-elections: every event decided by the rules and hash-chained.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from sovet.services import bootstrap as boot
    from sovet.services.checkpoints import sign_head
    from sovet.services.generate import expected_events, generate, plan_for

    with edge() as stack:
        plan = plan_for(scale, seed=seed, batch=batch)
        services = stack.enter_context(boot.bootstrap(db, create=True))
        services.require_key()  # it signs what it writes
        started = time.perf_counter()
        with Progress(
            TextColumn("generating"),
            BarColumn(),
            TextColumn("{task.completed:,} / ≈{task.total:,} events"),
            TimeRemainingColumn(),
            console=errors,
            transient=True,
        ) as bar:
            task = bar.add_task("generate", total=expected_events(plan))
            result = generate(
                services.uow, plan, progress=lambda n: bar.advance(task, n)
            )
        elapsed = time.perf_counter() - started
        sign_head(services.uow(), services.signer, clock=services.clock)
    summary = {
        "db": services.location,
        "members": plan.members,
        "councils": plan.councils,
        "recalls": plan.recalls,
        "seed": plan.seed,
        "events": result.events,
        "head": {"seq": result.head[0], "hash": result.head[1]},
        "seconds": round(elapsed, 2),
    }
    if output is Format.json:
        print_json(summary)
        return
    said = _(
        "{events:,} events written to {db} in {seconds:.1f} s ({rate:,.0f} events/s): "
        "{members:,} members, {councils:,} councils, {recalls:,} recall(s); head "
        "{head}… (seed {seed})"
    )
    told: dict[str, object] = {
        "events": result.events,
        "db": services.location,
        "seconds": elapsed,
    }
    told |= {"rate": result.events / max(elapsed, 1e-9), "members": plan.members}
    told |= {"councils": plan.councils, "recalls": plan.recalls, "seed": plan.seed}
    console.print(said.format(**told, head=result.head[1][:16]))


def register(app: typer.Typer) -> None:
    """Add ``sovet generate`` to ``app``."""
    app.command("generate")(generate_cmd)
