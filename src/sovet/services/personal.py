"""Personal data off the chain (issue 10, finding 9): the service's half.

Every command passes ``redact`` on its way to the log (``handlers.execute``,
``members.import_members``): a command that carries personal data is checked
as it is (the v1 decider, so the refusals are the same), its data go to the
erasable table (``uow.personal``, in the same transaction) and the command
that is decided, stored on the chain and re-checked by late entries is its v2
form: ``register_person`` of a member who sits in no body keeps the name in the
table (the chain names them by id); ``register_elector`` becomes
``enrol_elector`` and ``record_exclusion`` of an enrolled member becomes
``record_verdict`` — the person id, the commitment and the verdict, no birth
date, category or ground.

``follow_ups`` adds the events the data make necessary to the same act: a new
verdict for each enrolled member a voting age or a constitution changes, and
``NamePublished`` for a member who becomes a candidate or takes an office.

The commitment is HMAC-SHA256 under the member's random secret over the
canonical JSON of the record (``ledger.canonical``); the record and the secret
live side by side, so ``erase`` removes both and leaves the chain verifiable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sovet.domain import Command, DomainEvent, FederationState, decide
from sovet.domain.bodies.registration import ConstitutionAdopted, RegisterPerson
from sovet.domain.franchise.electorate import (
    Exclusion,
    RecordExclusion,
    RegisterElector,
    VotingAgeLowered,
)
from sovet.domain.franchise.eligibility import FranchiseParams, Person
from sovet.domain.franchise.verdicts import (
    EnrolElector,
    NamePublished,
    RecordVerdict,
    VerdictRecorded,
    VerdictSpan,
    franchise_spans,
    verdict_of,
)
from sovet.domain.kernel.constitution import Constitution
from sovet.errors import InputError, RuleViolation
from sovet.ledger.canonical import canonical_json
from sovet.ports import PersonalRecord, PersonalStore, UnitOfWork

__all__ = [
    "DATA_FORMAT",
    "OFFICE_FIELDS",
    "commitment",
    "data_export",
    "erase",
    "follow_ups",
    "judge",
    "redact",
]

DATA_FORMAT = "sovet-personal/1"
"""The format of ``data_export``: what ``tools/verify_export.py --personal``
reads to check eligibility itself."""

OFFICE_FIELDS: dict[str, tuple[str, ...]] = {
    "ElectionCalled": ("candidates",),
    "ElectionCounted": ("elected",),
    "DeputySeated": ("person",),
    "CredentialsCommissionAppointed": ("members",),
    "DelegatesCredentialed": ("persons",),
    "ExecutiveCommitteeElected": ("members", "chair"),
    "ChairElected": ("chair",),
    "DelegateReplaced": ("replacement",),
    "OfferAccepted": ("persons",),
    "GovernmentListSubmitted": ("offices",),
}
"""The events that make a person a candidate or an office holder, and the
fields naming them: such a person's name is published on the chain."""


def commitment(record: PersonalRecord) -> str:
    """HMAC-SHA256 (hex) of the record's canonical JSON under its secret."""
    key = bytes.fromhex(record.secret)
    return hmac.new(key, canonical_json(dict(record.data)), hashlib.sha256).hexdigest()


def _record(store: PersonalStore, person: str) -> PersonalRecord:
    found = store.get(person)
    return found or PersonalRecord(person, secrets.token_hex(32), {"person": person})


def _council_age(state: FederationState, constituency: str) -> int | None:
    place = state.constituencies.get(constituency)
    council = state.bodies.get(place.council) if place else None
    return council.voting_age if council else None


def judge(
    data: Mapping[str, Any], params: FranchiseParams, council_age: int | None
) -> tuple[tuple[VerdictSpan, ...], int]:
    """SR-4/SR-5: the verdict of a personal record and the age it used."""
    marks = tuple(Exclusion(**e).mark() for e in data.get("exclusions", ()))
    person = Person(
        str(data["person"]),
        date.fromisoformat(str(data["birth_date"])),
        frozenset(data.get("categories", ())),
        marks,
        str(data["constituency"]),
    )
    min_age = params.min_age if council_age is None else council_age
    floor = date.fromisoformat(str(data["registered"]))
    return verdict_of(franchise_spans(person, params, min_age, floor)), min_age


def _exclusion(item: Exclusion) -> dict[str, Any]:
    return {
        "category": item.category,
        "since": item.since,
        "until": item.until,
        "note": item.note,
    }


def redact(uow: UnitOfWork, state: FederationState, command: Command) -> Command:
    """The v2 form of ``command`` (itself if it carries no personal data),
    its data kept in ``uow.personal``; refused as the v1 command would be (its
    decider runs first, except ``register_person``'s, which ignores the name).
    A verdict is only ever written from data the service holds: an
    ``enrol_elector`` or ``record_verdict`` from outside is refused."""
    if isinstance(command, EnrolElector | RecordVerdict):
        plain = {EnrolElector: "register_elector", RecordVerdict: "record_exclusion"}
        raise RuleViolation(
            "SR-4",
            f"{command.command_name} is written by the service from the personal "
            f"data; issue {plain[type(command)]}",
            command.command_name,
        )
    personal = (RegisterPerson, RegisterElector, RecordExclusion)
    if isinstance(command, personal) and "\x00" in command.person:
        raise InputError(
            f"person {command.person!r} contains NUL, which cannot be stored",
            key="person",
        )
    if isinstance(command, RegisterPerson) and not command.bodies:
        record = _record(uow.personal, command.person)
        uow.personal.put(replace(record, data={**record.data, "name": command.name}))
        return replace(command, name=command.person)
    if isinstance(command, RegisterElector):
        decide(state, command)
        record = _record(uow.personal, command.person)
        data = {
            **record.data,
            "birth_date": command.birth_date[:10],
            "categories": sorted(command.categories),
            "constituency": command.constituency,
            "exclusions": [_exclusion(e) for e in command.exclusions],
            "registered": command.at[:10],
        }
        record = replace(record, data=data)
        uow.personal.put(record)
        age = _council_age(state, command.constituency)
        verdict, min_age = judge(data, state.constitution.franchise, age)
        return EnrolElector(
            at=command.at,
            late=command.late,
            person=command.person,
            constituency=command.constituency,
            commitment=commitment(record),
            verdict=verdict,
            min_age=min_age,
        )
    if isinstance(command, RecordExclusion):
        elector = state.electors.get(command.person)
        if elector is None or elector.verdict is None:
            return command  # a v1 elector: the facts are on the chain already
        decide(state, command)
        found = uow.personal.get(command.person)
        if found is None:
            raise RuleViolation(
                "SR-5",
                f"the personal data of {command.person!r} were erased: no "
                "exclusion can be judged",
                command.person,
            )
        items = [*found.data.get("exclusions", ()), _exclusion(command.exclusion)]
        record = replace(found, data={**found.data, "exclusions": items})
        uow.personal.put(record)
        age = _council_age(state, str(record.data["constituency"]))
        verdict, min_age = judge(record.data, state.constitution.franchise, age)
        return RecordVerdict(
            at=command.at,
            late=command.late,
            person=command.person,
            commitment=commitment(record),
            verdict=verdict,
            min_age=min_age,
            cause="exclusion",
        )
    return command


def _rejudged(
    uow: UnitOfWork,
    people: Sequence[Person],
    params: FranchiseParams,
    ages: Mapping[str, int | None],
    at: str,
    cause: str,
) -> Iterator[DomainEvent]:
    for person in people:
        found = uow.personal.get(person.id)
        if person.verdict is None or found is None or person.constituency is None:
            continue  # v1, or erased: the verdict on the chain stands
        verdict, min_age = judge(found.data, params, ages[person.constituency])
        yield VerdictRecorded(
            at=at,
            person=person.id,
            commitment=commitment(found),
            verdict=verdict,
            min_age=min_age,
            cause=cause,
        )


def _named(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        yield from (k for k in value if isinstance(k, str))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _named(getattr(item, "person", item))


def follow_ups(
    uow: UnitOfWork, state: FederationState, events: Sequence[DomainEvent]
) -> list[DomainEvent]:
    """``events`` and what they make necessary in the same act: new verdicts,
    and the names of new candidates and office holders (published by
    ``NamePublished`` and shown in the event that gives the office)."""
    extra: list[DomainEvent] = []
    published: set[str] = set()
    named: list[DomainEvent] = []
    for evt in events:
        if isinstance(evt, VotingAgeLowered):
            places = [
                c.id for c in state.constituencies.values() if c.council == evt.council
            ]
            people = [p for c in places for p in state.electors_in(c)]
            ages: dict[str, int | None] = dict.fromkeys(places, evt.min_age)
            params = state.constitution.franchise
            extra += _rejudged(uow, people, params, ages, evt.at, "voting_age")
        elif isinstance(evt, ConstitutionAdopted):
            params = Constitution.from_mapping(evt.constitution, evt.preset).franchise
            ages = {c: _council_age(state, c) for c in state.constituencies}
            people = list(state.electors.values())
            extra += _rejudged(uow, people, params, ages, evt.at, "constitution")
        names: dict[str, str] = {}
        for field in OFFICE_FIELDS.get(type(evt).__name__, ()):
            for person in _named(getattr(evt, field, None)):
                record = state.persons.get(person)
                found = uow.personal.get(person)
                name = found.data.get("name") if found else None
                if record and record.name == person and name:
                    names[person] = str(name)
        for person, name in names.items():
            if person not in published:
                published.add(person)
                extra.append(NamePublished(at=evt.at, person=person, name=name))
        named.append(replace(evt, names={**evt.names, **names}) if names else evt)
    return named + extra


def erase(uow: UnitOfWork, person: str) -> None:
    """Remove ``person``'s personal data and secret (``InputError`` if none)."""
    with uow:
        if not uow.personal.erase(person):
            raise InputError(f"no personal data is kept for {person!r}", key="person")
        uow.commit()


def data_export(uow: UnitOfWork) -> dict[str, Any]:
    """Every kept record with its secret and commitment (for the role-holder
    and the independent verifier; never public)."""
    with uow:
        records = uow.personal.all()
    return {
        "format": DATA_FORMAT,
        "records": [
            {
                "person": r.person,
                "secret": r.secret,
                "record": dict(r.data),
                "commitment": commitment(r),
            }
            for r in records
        ],
    }
