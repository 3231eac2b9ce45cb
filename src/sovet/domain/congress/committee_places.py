"""SR-20: places on an elected executive committee — recalling a member and
filling a vacant place (motions of the assembly, SR-19).

The congress that elected a committee recalls its members while it sits
(``recall_committee_member``); a vacant place is filled by that congress, or
by the committee itself once the congress has closed (``fill_committee_place``;
``chain.committee_place_filled_by = "electing_body"`` leaves it to the congress).
"""

from __future__ import annotations

from sovet.domain.congress.authority import check_act
from sovet.domain.congress.executive import _check_member
from sovet.domain.elections.seats import delegate_seat
from sovet.domain.kernel.assembly import (
    Assembly,
    DelegateRecord,
    MotionRecord,
    leave_committee,
)
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.motions import ProposeMotion, motion_kind
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__: list[str] = []


def _check_recall_member(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    """SR-20: the congress that elected a committee recalls one of its members."""
    committee = state.assemblies.get(cmd.subject or "")
    if committee is None or committee.kind != "executive_committee":
        raise RuleViolation(
            "SR-20",
            says("{subject!r} is not an elected committee", subject=cmd.subject),
            cmd.subject,
        )
    if committee.congress != assembly.id or committee.closed_at is not None:
        raise RuleViolation(
            "SR-20",
            says(
                "only the congress that elected {name}, while it sits, "
                "recalls its members",
                name=committee.name,
            ),
            assembly.id,
        )
    check_act(state, assembly, "elect_committee")
    if cmd.person is None or cmd.person not in committee.delegates:
        raise RuleViolation(
            "SR-20",
            says(
                "{person!r} holds no named place on {name}",
                person=cmd.person,
                name=committee.name,
            ),
            cmd.person,
        )


def _recall_member(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    committee = state.assemblies[motion.subject or ""]
    who = state.display_name(motion.person or "") or motion.person
    leave_committee(
        committee,
        motion.person or "",
        rule="SR-20",
        cause=f"{who} recalled by {state.assemblies[motion.assembly].name}",
        ref=ref,
    )


motion_kind("recall_committee_member", "SR-20")((_check_recall_member, _recall_member))


def _check_fill_place(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    """SR-20: the electing congress (while it sits) or the committee itself
    (once it has closed) fills a vacant place with a person holding the seat
    below."""
    committee = state.assemblies.get(cmd.subject or "")
    if committee is None or committee.kind != "executive_committee":
        raise RuleViolation(
            "SR-20",
            says("{subject!r} is not an elected committee", subject=cmd.subject),
            cmd.subject,
        )
    if committee.closed_at is not None:
        raise RuleViolation(
            "SR-20", says("{name} has been replaced", name=committee.name), committee.id
        )
    only_congress = state.constitution.chain.committee_place_filled_by == (
        "electing_body"
    )
    fillers = (
        (committee.congress,)
        if only_congress
        else (
            committee.congress,
            committee.id,
        )
    )
    if assembly.id not in fillers:
        raise RuleViolation(
            "SR-20",
            (
                says(
                    "{body} does not fill places on {committee}: the congress that "
                    "elected it does (chain.committee_place_filled_by = {setting!r})",
                    body=assembly.name,
                    committee=committee.name,
                    setting=state.constitution.chain.committee_place_filled_by,
                )
                if only_congress
                else says(
                    "{body} does not fill places on {committee}: the congress that "
                    "elected it does, or the committee itself once it has closed "
                    "(chain.committee_place_filled_by = {setting!r})",
                    body=assembly.name,
                    committee=committee.name,
                    setting=state.constitution.chain.committee_place_filled_by,
                )
            ),
            assembly.id,
        )
    check_act(state, assembly, "fill_committee")
    if not committee.open_vacancies():
        raise RuleViolation(
            "SR-20",
            says("{name} has no vacant place", name=committee.name),
            committee.id,
        )
    if cmd.person is None:
        raise RuleViolation("SR-20", says("name the person who fills the place"), None)
    record = state.person(cmd.person)
    if cmd.person in committee.delegates:
        raise RuleViolation(
            "SR-20",
            says(
                "{person} already sits on {committee}",
                person=record.name,
                committee=committee.name,
            ),
            cmd.person,
        )
    if not state.constitution.chain.aggregate:
        _check_member(
            state,
            state.assemblies[committee.congress or ""],
            cmd.person,
            record.faction or "",
        )


def _fill_place(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    committee = state.assemblies[motion.subject or ""]
    person = motion.person or ""
    faction = state.persons[person].faction or ""
    committee.delegates[person] = DelegateRecord(
        person,
        faction,
        "decisive",
        committee.congress,
        ref=ref,
        basis=delegate_seat(state, person, committee.congress or "") or (),
    )
    committee.seated[faction] = committee.seated.get(faction, 0) + 1
    for vacancy in committee.open_vacancies():
        vacancy.filled_by, vacancy.filled = person, ref
        break
    committee.credentials.append(ref)


motion_kind("fill_committee_place", "SR-20")((_check_fill_place, _fill_place))
