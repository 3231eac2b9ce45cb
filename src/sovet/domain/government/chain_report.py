"""SR-11, SR-18, SR-20, SR-27: what recalls did, as the legitimacy answer says it.

- ``vacancies``: every named seat above the councils that fell vacant and is
  not filled again — delegate seats of each congress body's latest session,
  places on sitting committees — each ``{"body", "person", "since_seq",
  "rule", "replacement"}`` (``replacement``: who fills it, in words: the
  sender, or the body ``authority`` names for a committee place);
- ``by_elections``: council seats due for a by-election, each ``{"body",
  "constituency", "person", "since_seq", "due"}`` (``due``: the last polling
  day under ``chain.by_election_within_days``, or ``None``);
- ``majority``: whether the governing bloc holds a majority of the seated
  decisive delegates of the latest congress now, ``{"body", "bloc", "held",
  "seated", "holds"}``;
- ``is_aggregate``: the constitution is marked aggregate, or some seats the
  answer counts were recorded as counts without names (logs of 0.1 included);
- ``seats``: every seat and office a person holds, at every level, each with
  the event that gave it (``sovet seats``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sovet.domain.congress.authority import authority, who_may_act
from sovet.domain.congress.sessions import bloc_share
from sovet.domain.elections.deputies import by_election_due
from sovet.domain.elections.seats import latest_sessions, seat_name, seats_of
from sovet.domain.kernel.assembly import Assembly, Vacancy
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.state import FederationState
from sovet.errors import says

__all__ = [
    "SeatLine",
    "by_elections",
    "is_aggregate",
    "majority",
    "seats",
    "vacancies",
    "vacancy_causes",
]


def _name(state: FederationState, key: str | None) -> str:
    return state.display_name(key or "") or (key or "")


def _open(state: FederationState) -> list[tuple[Assembly, Vacancy]]:
    """The vacancies still open, in the order they arose."""
    found = [
        (session, vacancy)
        for session in latest_sessions(state).values()
        for vacancy in session.open_vacancies()
    ]
    found += [
        (committee, vacancy)
        for committee in state.assemblies.values()
        if committee.kind == "executive_committee" and committee.closed_at is None
        for vacancy in committee.open_vacancies()
    ]
    return sorted(found, key=lambda pair: pair[1].ref.seq)


def vacancies(state: FederationState) -> list[dict[str, Any]]:
    """SR-11/SR-20: the open vacancies above the councils (see the module)."""
    return [
        {
            "body": assembly.name,
            "person": _name(state, vacancy.person),
            "since_seq": vacancy.ref.seq,
            "rule": vacancy.rule,
            "replacement": _replacement(state, assembly, vacancy),
        }
        for assembly, vacancy in _open(state)
    ]


def vacancy_causes(congress: Assembly) -> list[str]:
    """What emptied the seats still vacant at ``congress`` (for the warning)."""
    return [v.cause for v in congress.open_vacancies()]


def _replacement(state: FederationState, assembly: Assembly, vacancy: Vacancy) -> str:
    if assembly.kind == "congress":
        if vacancy.sender is None:
            body = _name(state, assembly.body)
            return says(
                "nobody: no sender is recorded; the next {body} seats anew", body=body
            )
        sender = _name(state, vacancy.sender)
        return says(
            "{sender} sends a replacement (replace_delegate, SR-11)", sender=sender
        )
    found = authority(state, assembly.body)
    if found.committee is None or found.committee.id != assembly.id:
        latest = found.congress.name if found.congress else says("the next congress")
        return says(
            "nobody: {body} no longer acts; {latest} elects the next committee (SR-20)",
            body=assembly.name,
            latest=latest,
        )
    only_congress = (
        state.constitution.chain.committee_place_filled_by == "electing_body"
    )
    if only_congress and not found.in_session:
        return says(
            "nobody until the next {body} elects a committee "
            "(chain.committee_place_filled_by = electing_body, SR-20)",
            body=_name(state, assembly.body),
        )
    who = who_may_act(state, assembly.body, "fill_committee")
    return says("{who} fills it (fill_committee_place, SR-20)", who=who)


def by_elections(state: FederationState) -> list[dict[str, Any]]:
    """SR-10: the council seats due for a by-election, oldest first."""
    found = []
    for constituency in state.constituencies.values():
        if constituency.by_elections < 1:
            continue
        due = by_election_due(state, constituency)
        for person, ref in constituency.vacated[: constituency.by_elections]:
            found.append(
                {
                    "body": _name(state, constituency.council),
                    "constituency": constituency.id,
                    "person": _name(state, person),
                    "since_seq": ref.seq,
                    "due": due,
                }
            )
    return sorted(found, key=lambda item: int(item["since_seq"]))


def majority(
    state: FederationState, congress: Assembly, bloc: list[str]
) -> dict[str, Any]:
    """SR-18/SR-27: does the bloc hold a majority of the seated decisive
    delegates of ``congress`` now?"""
    held, seated = bloc_share(state, congress, bloc)
    return {
        "body": congress.name,
        "bloc": [_name(state, f) for f in bloc],
        "held": held,
        "seated": seated,
        "holds": 2 * held > seated,
    }


def is_aggregate(state: FederationState) -> bool:
    """Are the seats the answer counts recorded, in whole or in part, as counts
    per faction without names?"""
    if state.constitution.chain.aggregate:
        return True
    if any(s.aggregate for s in latest_sessions(state).values()):
        return True
    if any(
        a.aggregate
        for a in state.assemblies.values()
        if a.kind == "executive_committee" and a.closed_at is None
    ):
        return True
    return any(b.aggregate for b in state.bodies.values() if b.kind == "council")


@dataclass(frozen=True, slots=True)
class SeatLine:
    """One seat or office a person holds, and the event that gave it."""

    body: str
    role: str
    since: EventRef | None

    def to_json(self) -> dict[str, Any]:
        """``{"body", "role", "since_seq"}``."""
        return {
            "body": self.body,
            "role": self.role,
            "since_seq": self.since.seq if self.since else None,
        }


def seats(state: FederationState, person: str) -> list[SeatLine]:
    """Every seat (``elections.seats.seats_of``) and office ``person`` holds
    now, bottom up, offices last; ``NotFound`` for an unknown person."""
    record = state.person(person)
    found = []
    for held in seats_of(state, person):
        since = held.ref
        if held.role == "member":
            since = record.made_by  # membership came with the registration
        found.append(SeatLine(seat_name(state, held), held.role, since))
    for gov in state.governments.values():
        if gov.status != "approved":
            continue
        for office in gov.offices.values():
            if office.person == person:
                title = office.title or office.office
                found.append(SeatLine(gov.name, f"officer: {title}", office.since))
    return found
