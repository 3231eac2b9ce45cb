"""``sovet members import FILE.csv``: register a membership list, all or nothing;
``sovet members erase PERSON`` and ``sovet members data FILE``: the erasable
personal data of a v2 log (``services.personal``).

The file's columns, the checks and the all-or-nothing unit are
``sovet.services.members``'s. A refusal is one message naming the file, the
line, the column and the rule (exit 2), and nothing is written; ``--dry-run``
shows what would be written (on a database that does not exist yet, against an
empty one) and writes nothing, not even a new database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import DbOption, Format, FormatOption, print_json
from sovet.i18n import gettext, ngettext
from sovet.services.member_columns import COLUMNS, OPTIONAL

# The command imports the services it uses in its body (a lean start-up).

__all__ = ["members", "register"]

members = typer.Typer(
    name="members",
    help="Membership lists: register members from a file; erase or export "
    "their personal data.",
    no_args_is_help=True,
)


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help=f"A CSV file with a header row: {', '.join(COLUMNS)} "
            f"(optionally {', '.join(OPTIONAL)}); lists separated by ';'."
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="When the registrations take effect, unless a row's `at` "
            "says (ISO 8601; default: now).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Check every row and show what would be written; write nothing.",
        ),
    ] = False,
    db: DbOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Register the members of a CSV file, every row checked first: all or nothing.

    Each row registers a person (unless registered already under the same
    name) and puts them on their constituency's register (register_person,
    register_elector). The first row that breaks a rule or is malformed is
    refused naming its line, column and rule, and nothing is written.
    """
    from rich.markup import escape

    from sovet.config import Settings
    from sovet.files import MAX_TOML_BYTES, read_text
    from sovet.services import bootstrap as boot
    from sovet.services.checkpoints import sign_head
    from sovet.services.members import import_members, read_members
    from sovet.services.setup import describe_events

    with edge() as stack:
        source = str(file)
        rows = read_members(read_text(file, limit=MAX_TOML_BYTES), source=source)
        if dry_run:
            location = db or Settings().db
            exists = boot.is_url(location) or Path(location).exists()
            services = (
                stack.enter_context(boot.bootstrap(db)) if exists else boot.in_memory()
            )
        else:
            services = stack.enter_context(boot.bootstrap(db))
        when = at or services.clock.now().isoformat(timespec="seconds")
        done = import_members(
            services.uow(),
            rows,
            at=when,
            source=source,
            cache=services.cache,
            dry_run=dry_run,
        )
        if not dry_run:
            sign_head(services.uow(), services.signer)
    if output is Format.json:
        print_json({"dry_run": dry_run, "rows": [item.to_json() for item in done]})
        return
    if dry_run:
        said = gettext("checked on the database, rolled back; nothing is written")
        console.print(f"[bold magenta]DRY RUN[/bold magenta] — {escape(said)}")
    for item in done:
        lines = describe_events(item.events)
        head = escape(gettext("line {n}").format(n=item.row.line))
        console.print(f"[bold]{head}[/bold]  {escape(item.row.cells['person'])}")
        for event, line in zip(item.events, lines, strict=True):
            console.print(f"      • #{event.seq} {escape(line)}")
    seqs = [e.seq for item in done for e in item.events]
    span = f" (#{seqs[0]}–#{seqs[-1]})" if seqs else ""
    told: dict[str, object] = {
        "members": ngettext("{n} member", "{n} members", len(done)).format(n=len(done)),
        "events": ngettext("{n} event", "{n} events", len(seqs)).format(n=len(seqs)),
        "span": span,
    }
    said = (
        gettext("would register {members}, {events}{span}; nothing written")
        if dry_run
        else gettext("registered {members}, {events}{span}; checkpoint signed")
    )
    console.print(escape(said.format(**told)))


def erase(
    person: Annotated[str, typer.Argument(help="The id of the member.")],
    db: DbOption = None,
) -> None:
    """Erase a member's personal data and secret (name, birth date, categories,
    exclusions). The chain keeps only the commitment and the verdict: it stays
    verifiable and every answer stays the same."""
    from sovet.services import bootstrap as boot
    from sovet.services.personal import erase as erase_data

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        erase_data(services.uow(), person)
    console.print(f"erased the personal data of {person}; the log is unchanged")


def data(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON (mode 0600).")],
    db: DbOption = None,
) -> None:
    """Write the personal data kept off the chain, with each member's secret and
    commitment: for the role-holder and `tools/verify_export.py --personal`.
    Never publish it."""
    import json
    import os

    from sovet.services import bootstrap as boot
    from sovet.services.personal import data_export

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        found = data_export(services.uow())
    text = json.dumps(found, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    console.print(f"wrote the personal data of {len(found['records'])} members")


def register(app: typer.Typer) -> None:
    """Add the ``members`` group to the ``sovet`` app."""
    members.command("import")(import_)
    members.command("erase")(erase)
    members.command("data")(data)
    app.add_typer(members)
