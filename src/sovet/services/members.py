"""Members in: a CSV list, registered all or nothing (``sovet members import``).

The file has a header row. Its columns are ``person, name, constituency,
birth_date, categories`` and, optionally, ``faction``, ``bodies`` and ``at``
(``categories`` and ``bodies`` hold several ids separated by ``;``). Each row
registers a person (``register_person``: person, name, faction, bodies) —
unless that person is registered already, under the same name — and puts them
on the register of their constituency (``register_elector``: person,
birth_date, constituency, categories), both taking effect at the row's ``at``
or the import's.

Every row is checked before anything is kept: first the file's shape (known
columns, no required cell empty, ISO dates, each person once), then the rules,
by deciding every row's commands in order in one unit of work on the
database's state. The first refusal names the file, the line, the column and
the rule (``RowRefused``) or the malformed cell (``InputError``), and nothing
is written; otherwise the unit commits every row's events at once. A dry run
decides the same way and rolls the unit back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sovet.domain import Command, decide, evolve
from sovet.domain.bodies.registration import RegisterPerson
from sovet.domain.franchise.electorate import RegisterElector
from sovet.domain.kernel.calendar import parse_at
from sovet.errors import InputError, RuleViolation, Says, says
from sovet.ledger.envelope import NewEvent, StoredEvent
from sovet.ports import UnitOfWork
from sovet.services.handlers import StateCache, to_new_events
from sovet.services.member_columns import COLUMNS, OPTIONAL
from sovet.services.personal import follow_ups, redact
from sovet.services.projector import project
from sovet.services.setup import describe_events

__all__ = [
    "COLUMNS",
    "OPTIONAL",
    "ImportedRow",
    "MemberRow",
    "RowRefused",
    "import_members",
    "read_members",
]

_REQUIRED_CELLS = ("person", "name", "constituency", "birth_date")
_FIELDS_OF: dict[type[Command], tuple[str, ...]] = {
    RegisterPerson: ("person", "name", "faction", "bodies"),
    RegisterElector: ("person", "birth_date", "constituency", "categories"),
}
"""The columns each command is made from, in the order a refusal is matched."""


class RowRefused(RuleViolation):
    """A row of a members file breaks a rule: names file, line, column and rule."""

    def __init__(
        self, source: str, line: int, column: str, violation: RuleViolation
    ) -> None:
        super().__init__(
            violation.rule,
            Says(  # the place keeps its shape in every language; the sentence not
                "{source}, line {line}, column {column}: {message}",
                source=source,
                line=line,
                column=column,
                message=violation.message,
            ),
            violation.value,
        )
        self.line = line
        self.column = column
        self.violation = violation


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One data row: its line in the file and its cells by column."""

    line: int
    cells: Mapping[str, str]

    def ids(self, column: str) -> tuple[str, ...]:
        """The ``;``-separated ids of a list column (empty cell: none)."""
        return tuple(
            p.strip() for p in self.cells.get(column, "").split(";") if p.strip()
        )


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """A row with the events its commands appended (or would append)."""

    row: MemberRow
    events: list[StoredEvent]

    def to_json(self) -> dict[str, Any]:
        """``{line, person, events: [{seq, hash, type, summary}]}``."""
        lines = describe_events(self.events)
        return {
            "line": self.row.line,
            "person": self.row.cells["person"],
            "events": [
                {"seq": e.seq, "hash": e.hash, "type": e.type, "summary": s}
                for e, s in zip(self.events, lines, strict=True)
            ],
        }


def _iso_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def read_members(text: str, *, source: str) -> list[MemberRow]:
    """The rows of a members file; its shape checked (``InputError`` names the
    line and column of the first problem)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise InputError(
            says("the file is empty: a header row is needed"), source=source
        ) from None
    except csv.Error as e:
        raise InputError(says("not CSV: {e}", e=e), source=source, line=1) from e
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            says(
                "no column {missing!r} (the columns are {columns}, and "
                "optionally {optional})",
                missing=missing[0],
                columns=", ".join(COLUMNS),
                optional=", ".join(OPTIONAL),
            ),
            source=source,
            line=1,
            key=missing[0],
        )
    for column in header:
        if column not in COLUMNS + OPTIONAL or header.count(column) > 1:
            why = says("twice") if header.count(column) > 1 else says("unknown")
            raise InputError(
                says(
                    "{why} column {column!r} (the columns are {columns}, and "
                    "optionally {optional})",
                    why=why,
                    column=column,
                    columns=", ".join(COLUMNS),
                    optional=", ".join(OPTIONAL),
                ),
                source=source,
                line=1,
                key=column,
            )
    rows: list[MemberRow] = []
    first_line: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise InputError(
                    says(
                        "{cells} cells in a row of {columns} columns",
                        cells=len(cells),
                        columns=len(header),
                    ),
                    source=source,
                    line=line,
                )
            row = MemberRow(
                line, {k: v.strip() for k, v in zip(header, cells, strict=True)}
            )
            for column in _REQUIRED_CELLS:
                if not row.cells[column]:
                    raise InputError(
                        says("empty"), source=source, line=line, key=column
                    )
            if not _iso_day(row.cells["birth_date"]):
                raise InputError(
                    says(
                        "{birth_date!r} is not a date (YYYY-MM-DD)",
                        birth_date=row.cells["birth_date"],
                    ),
                    source=source,
                    line=line,
                    key="birth_date",
                )
            when = row.cells.get("at", "")
            if when:
                try:
                    parse_at(when)
                except ValueError:
                    raise InputError(
                        says(
                            "{when!r} is not an ISO 8601 date or date-time", when=when
                        ),
                        source=source,
                        line=line,
                        key="at",
                    ) from None
            person = row.cells["person"]
            if person in first_line:
                raise InputError(
                    says(
                        "{person!r} is already on line {first_line}",
                        person=person,
                        first_line=first_line[person],
                    ),
                    source=source,
                    line=line,
                    key="person",
                )
            first_line[person] = line
            rows.append(row)
    except csv.Error as e:
        raise InputError(
            says("not CSV: {e}", e=e), source=source, line=reader.line_num
        ) from e
    if not rows:
        raise InputError(says("no members: the file has a header only"), source=source)
    return rows


def _commands(row: MemberRow, at: str, registered: Mapping[str, str]) -> list[Command]:
    """The row's commands: ``register_person`` unless the person is registered."""
    cells, when = row.cells, row.cells.get("at") or at
    made: list[Command] = []
    person = cells["person"]
    if person not in registered:
        made.append(
            RegisterPerson(
                at=when,
                person=person,
                name=cells["name"],
                faction=cells.get("faction") or None,
                bodies=row.ids("bodies"),
            )
        )
    made.append(
        RegisterElector(
            at=when,
            person=person,
            birth_date=cells["birth_date"],
            constituency=cells["constituency"],
            categories=row.ids("categories"),
        )
    )
    return made


def _column(row: MemberRow, command: Command, violation: RuleViolation) -> str:
    """The column a refusal is about: the one holding its offending value, else
    the first of the command's columns whose field cites the rule, else the
    command's first column."""
    columns = _FIELDS_OF[type(command)]
    value = violation.value
    text = value.isoformat() if isinstance(value, date) else str(value)
    for column in columns:
        cell = row.cells.get(column, "")
        if value is not None and cell and (cell == text or text in row.ids(column)):
            return column
    fields = type(command).declaration.fields
    for column in columns:
        if fields.get(column, "").startswith(violation.rule):
            return column
    return columns[0]


def _append(uow: UnitOfWork, new: Sequence[NewEvent]) -> list[StoredEvent]:
    if not new:
        return []
    expected = {
        stream: uow.events.stream_version(stream)
        for stream in dict.fromkeys(event.stream_id for event in new)
    }
    return uow.events.append(new, expected_versions=expected)


def import_members(
    uow: UnitOfWork,
    rows: list[MemberRow],
    *,
    at: str,
    source: str,
    cache: StateCache | None = None,
    dry_run: bool = False,
) -> list[ImportedRow]:
    """Register every row's member in one unit of work, or none (``RowRefused``).

    With ``dry_run`` every command is decided and appended in the unit as for
    real, and the unit is rolled back: the events returned are the ones an
    import would append, with their seqs.
    """
    cache = cache if cache is not None else StateCache()
    done: list[ImportedRow] = []
    with uow:
        state = cache.current(uow.events)
        try:
            registered = {key: person.name for key, person in state.persons.items()}
            for kept in uow.personal.all():  # v2: names off the chain
                if kept.person in registered and "name" in kept.data:
                    registered[kept.person] = str(kept.data["name"])
            for row in rows:
                name = registered.get(row.cells["person"])
                if name is not None and name != row.cells["name"]:
                    raise InputError(
                        says(
                            "{person!r} is registered as {name!r}, not {given!r}",
                            person=row.cells["person"],
                            name=name,
                            given=row.cells["name"],
                        ),
                        source=source,
                        line=row.line,
                        key="name",
                    )
                events: list[StoredEvent] = []
                for command in _commands(row, at, registered):
                    try:
                        issued = redact(uow, state, command)
                        decided = decide(state, issued)
                    except RuleViolation as violation:
                        column = _column(row, command, violation)
                        raise RowRefused(source, row.line, column, violation) from None
                    decided = follow_ups(uow, state, decided)
                    stored = _append(uow, to_new_events(decided, issued.at, issued))
                    for event in stored:
                        state = evolve(state, event)
                    project(uow.projections, state, stored)
                    events += stored
                done.append(ImportedRow(row, events))
            if dry_run:
                uow.rollback()
            else:
                uow.commit()
        except BaseException:
            cache.invalidate()  # the state was changed in place
            raise
    if dry_run:
        cache.invalidate()
    elif done and done[-1].events:
        cache.advance(state, done[-1].events[-1])
    return done
