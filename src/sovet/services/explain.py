"""What a hypothetical change would do (``whatif``), in words and as data.

``explain`` compares the states before and after the steps, at the question
time, on what legitimacy rests on:

- **seats**: every seat and office gained or lost by the persons the steps'
  events name (``chain_report.seats``: the council, the congress, its
  committee, the government);
- **majorities**: the seated decisive delegates per faction of each congress
  body's latest session, and whether the governing bloc keeps its majority;
- **offices**: the government in office and who holds each office;
- **who may act**: for each congress body, who may approve a government,
  convene the congress, withdraw the government, fill a vacant office or a
  vacant committee place (``congress.authority.who_may_act``);
- and, as context, the vacancies and by-elections the answer lists.

``changed`` is false when none of seats above the councils, majorities,
offices or who may act changed; ``reason`` then says why (a recalled deputy
who held no seat above; how many seats the bloc keeps). One report is
rendered by the CLI, the API and the web.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sovet.domain import FederationState
from sovet.domain.congress.authority import Act, who_may_act
from sovet.domain.elections.seats import latest_sessions
from sovet.domain.government.chain_report import seats
from sovet.domain.kernel.calendar import moment
from sovet.errors import NotFound, joined, says
from sovet.ledger.envelope import JSONValue, StoredEvent

__all__ = ["Explanation", "explain", "state_at"]

ACTS: tuple[tuple[Act, str], ...] = (
    ("approve", says("approve a government")),
    ("convene", says("convene the congress")),
    ("withdraw", says("withdraw the government")),
    ("fill", says("fill a vacant office")),
    ("fill_committee", says("fill a vacant committee place")),
)
"""The acts whose authority the explanation compares (SR-15…SR-30)."""

_COUNCIL_ROLES = ("deputy", "member")


@dataclass(frozen=True, slots=True)
class Explanation:
    """The difference the steps make, by kind, and the report in words."""

    seats: list[dict[str, JSONValue]] = field(default_factory=list)
    majorities: list[dict[str, JSONValue]] = field(default_factory=list)
    offices: list[dict[str, JSONValue]] = field(default_factory=list)
    who_may_act: list[dict[str, JSONValue]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    changed: bool = False
    reason: str | None = None

    def to_json(self) -> dict[str, JSONValue]:
        """``{changed, reason, lines, seats, majorities, offices, who_may_act}``."""
        return {
            "changed": self.changed,
            "reason": self.reason,
            "lines": list(self.lines),
            "seats": list(self.seats),
            "majorities": list(self.majorities),
            "offices": list(self.offices),
            "who_may_act": list(self.who_may_act),
        }


def state_at(state: FederationState, at: str) -> FederationState:
    """``state`` as recorded up to ``at`` (itself when ``at`` is not earlier)."""
    if state.last_at is not None and moment(state.last_at) > moment(
        at, end_of_day=True
    ):
        return state.as_of(at)
    return state


def explain(
    before: FederationState,
    after: FederationState,
    answers: tuple[Mapping[str, Any], Mapping[str, Any]],
    events: Iterable[StoredEvent],
    at: str,
) -> Explanation:
    """What changes between ``before`` and ``after`` (states at the question
    time ``at``, with their legitimacy ``answers``), for the persons the
    ``events`` recorded by then name."""
    limit = moment(at, end_of_day=True)
    everything = list(events)
    events = [e for e in everything if moment(e.recorded_at) <= limit]
    seat_diff = _seats(before, after, _persons(after, events))
    majorities = _majorities(before, after)
    offices = _offices(answers[0], answers[1])
    acting = _who_may_act(before, after)
    lines = _lines(seat_diff, majorities, offices, acting)
    lines += _context(answers[0], answers[1])
    changed = bool(
        [s for s in seat_diff if s["role"] not in _COUNCIL_ROLES]
        or majorities
        or offices
        or acting
    )
    reason = None
    if not changed:
        reason = _reason(after, answers[1], events)
        if everything and not events:
            reason = f"the steps take effect after {at}; {reason}"
    return Explanation(
        seat_diff, majorities, offices, acting, lines, changed=changed, reason=reason
    )


def _persons(state: FederationState, events: list[StoredEvent]) -> list[str]:
    """The persons the events name, in order of first mention."""
    found: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, str):
            if value in state.persons:
                found[value] = None
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for event in events:
        walk(event.payload)
    return list(found)


def _held(state: FederationState, person: str) -> list[tuple[str, str]]:
    try:
        return [(line.body, line.role) for line in seats(state, person)]
    except NotFound:  # not registered yet
        return []


def _seats(
    before: FederationState, after: FederationState, persons: list[str]
) -> list[dict[str, JSONValue]]:
    out: list[dict[str, JSONValue]] = []
    for person in persons:
        old, new = _held(before, person), _held(after, person)
        name = after.display_name(person) or person
        out += [
            {"person": name, "body": body, "role": role, "change": "loses"}
            for body, role in old
            if (body, role) not in new
        ]
        out += [
            {"person": name, "body": body, "role": role, "change": "gains"}
            for body, role in new
            if (body, role) not in old
        ]
    return out


def _composition(state: FederationState) -> dict[str, dict[str, int]]:
    return {
        session.name: {
            state.display_name(f) or f: n for f, n in sorted(session.seated.items())
        }
        for session in latest_sessions(state).values()
    }


def _majorities(
    before: FederationState, after: FederationState
) -> list[dict[str, JSONValue]]:
    old, new = _composition(before), _composition(after)
    out: list[dict[str, JSONValue]] = []
    for body in new.keys() | old.keys():
        was, now = old.get(body, {}), new.get(body, {})
        if was != now:
            out.append({"body": body, "before": dict(was), "after": dict(now)})
    return sorted(out, key=lambda item: str(item["body"]))


def _offices(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[dict[str, JSONValue]]:
    def holders(answer: Mapping[str, Any]) -> dict[str, str | None]:
        gov = answer.get("government") or {}
        name = gov.get("name")
        found = {"government": name}
        for office in gov.get("offices") or []:
            found[f"{name}: {office.get('office')}"] = office.get("person")
        return found

    old, new = holders(before), holders(after)
    return [
        {"office": key, "before": old.get(key), "after": new.get(key)}
        for key in dict.fromkeys([*old, *new])
        if old.get(key) != new.get(key)
    ]


def _who_may_act(
    before: FederationState, after: FederationState
) -> list[dict[str, JSONValue]]:
    out: list[dict[str, JSONValue]] = []
    for body in sorted(b.id for b in after.bodies.values() if b.kind == "congress"):
        for act, words in ACTS:
            old = who_may_act(before, body, act) if body in before.bodies else None
            new = who_may_act(after, body, act)
            if old != new:
                name = after.display_name(body) or body
                out.append({"body": name, "act": words, "before": old, "after": new})
    return out


def _lines(
    seat_diff: list[dict[str, JSONValue]],
    majorities: list[dict[str, JSONValue]],
    offices: list[dict[str, JSONValue]],
    acting: list[dict[str, JSONValue]],
) -> list[str]:
    lines: list[str] = []
    by_person: dict[tuple[object, object], list[str]] = {}
    for item in seat_diff:
        key = (item["person"], item["change"])
        place = says("{role} of {body}", role=item["role"], body=item["body"])
        by_person.setdefault(key, []).append(place)
    for (who, change), what in by_person.items():
        places = joined(", ", what)
        if change == "gains":
            lines.append(says("{person} gains: {places}", person=who, places=places))
        else:
            lines.append(says("{person} loses: {places}", person=who, places=places))
    for item in majorities:
        was, now = item["before"], item["after"]
        assert isinstance(was, dict)
        assert isinstance(now, dict)
        parts = [
            f"{f} {was.get(f, 0)} → {now.get(f, 0)}"
            for f in dict.fromkeys([*was, *now])
            if was.get(f, 0) != now.get(f, 0)
        ]
        lines.append(
            says(
                "seated decisive delegates at {body}: {parts}",
                body=item["body"],
                parts=", ".join(parts),
            )
        )
    for item in offices:
        lines.append(
            says(
                "{office}: {before} → {after}",
                office=item["office"],
                before=item["before"] or says("none"),
                after=item["after"] or says("vacant"),
            )
        )
    for item in acting:
        lines.append(
            says(
                "who may {act} for {body}: {before} → {after}",
                act=item["act"],
                body=item["body"],
                before=item["before"],
                after=item["after"],
            )
        )
    return lines


def _context(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The answer's majority verdict, vacancies and by-elections, where changed."""
    lines: list[str] = []
    old, new = before.get("majority") or {}, after.get("majority") or {}
    if new and (old.get("held"), old.get("seated")) != (
        new.get("held"),
        new.get("seated"),
    ):
        verdict = (
            says("keeps its majority")
            if new.get("holds")
            else says("has lost its majority (SR-27)")
            if old.get("holds", True)
            else says("still has no majority (SR-27)")
        )
        lines.append(
            says(
                "the governing bloc holds {held} of {seated} at {body} (was {was} of "
                "{was_seated}): it {verdict}",
                held=new.get("held"),
                seated=new.get("seated"),
                body=new.get("body"),
                was=old.get("held"),
                was_seated=old.get("seated"),
                verdict=verdict,
            )
        )
    for key, words in (
        ("vacancies", says("vacant")),
        ("by_elections", says("by-election due")),
    ):
        olds = before.get(key) or []
        for item in after.get(key) or []:
            if item not in olds:
                told = {"words": words, "person": item.get("person")}
                told["place"] = item.get("constituency") or item.get("body")
                lines.append(
                    says(
                        "{words}: {person}'s seat at {place} — {replacement}",
                        **told,
                        replacement=item["replacement"],
                    )
                    if item.get("replacement")
                    else says("{words}: {person}'s seat at {place}", **told)
                )
        news = after.get(key) or []
        for item in olds:
            if item not in news:
                place = item.get("constituency") or item.get("body")
                said = says(
                    "filled: {person}'s seat at {place}",
                    person=item.get("person"),
                    place=place,
                )
                lines.append(said)
    return lines


def _reason(
    after: FederationState, answer: Mapping[str, Any], events: list[StoredEvent]
) -> str:
    """Why nothing that legitimacy rests on changed."""
    notes: list[str] = []  # sentences (errors.says), said in the reader's language
    vacated = {str(e.payload.get("person")) for e in events if e.type == "SeatVacated"}
    for event in events:
        if event.type == "DeputyRecalled":
            deputy = str(event.payload.get("deputy"))
            name = after.display_name(deputy) or deputy
            if deputy not in vacated:
                said = says("the recalled deputy {name} held no seat above", name=name)
                notes.append(said)
    if not notes:
        kinds = ", ".join(dict.fromkeys(e.type for e in events)) or "nothing"
        notes.append(
            says(
                "the steps recorded {kinds}, which moves no seat above the councils, "
                "no majority, no office and no authority",
                kinds=kinds,
            )
        )
    held = answer.get("majority")
    if held:
        told = {"held": held.get("held"), "seated": held.get("seated")}
        told["body"] = held.get("body")
        notes.append(
            says("the bloc keeps {held} of {seated} at {body}", **told)
            if held.get("holds")
            else says("the bloc still holds only {held} of {seated} at {body}", **told)
        )
    elif not answer.get("government"):
        notes.append(says("no government is in office either way"))
    return joined("; ", notes)
