"""SR-29…SR-32: holds on resignation, vacancies, binding decisions, dissent, breaches.

A body may hold its members' resignations until named organisations take a
position (SR-29); with ``holds.breach_effect`` a resignation under an active
hold is a breach citing the hold (``record``, 1917: the member leaves and the
breach is recorded), refused (``block``) or *pending* (``refer``: the member
stays, so nothing is breached, until the hold ends with the last organisation's
position; then it takes effect — ``holds``). An effective resignation from a
government office vacates it (SR-30). Decisions (motions of kind
``decision``/``programme``) bind every member: written dissent is recorded with
them; acting against them is a breach (SR-31); a lower body cannot set aside a
higher body's decision (SR-32).
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.government.holds import BreachRecorded
from sovet.domain.kernel.assembly import Assembly, DecisionRecord
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.motions import MOTION_KINDS, MotionKind, ProposeMotion
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = [
    "ActAgainstDecision",
    "DeclareDissent",
    "DissentDeclared",
]


def _decision(state: FederationState, decision: str, rule: str) -> DecisionRecord:
    record = state.decisions.get(decision)
    if record is None:
        raise RuleViolation(
            rule, says("no binding decision {decision!r}", decision=decision), decision
        )
    return record


def _bound(state: FederationState, person: str, record: DecisionRecord) -> None:
    """SR-31/SR-32: the decision binds the members of the deciding body.

    Delegates credentialed in bulk have no names, so a person whose faction
    sits in the deciding assembly counts as bound (the sources give counts).
    """
    assembly = state.assemblies.get(record.body)
    body = state.bodies.get(record.body)
    faction = state.persons[person].faction
    bound = (
        (assembly is not None and person in assembly.delegates)
        or (body is not None and person in body.members)
        or (assembly is not None and bool(faction) and faction in assembly.seated)
    )
    if not bound:
        raise RuleViolation(
            "SR-31",
            says(
                "{person!r} is not bound by {motion!r}",
                person=person,
                motion=record.motion,
            ),
            person,
        )


@command(
    resource="holds",
    issuers=Issuers(SECRETARY, field="decision", reach="decision", self_field="person"),
)
class DeclareDissent(Command):
    """SR-31: a written declaration disclaiming responsibility for a decision."""

    decision: Annotated[
        str,
        "SR-31: the id of the binding decision (the carried decision or programme "
        "motion)",
    ]
    person: Annotated[
        str,
        "the id of the member declaring dissent, who is bound by the decision",
    ]
    text: Annotated[str, "SR-31: the written declaration"]


@event()
class DissentDeclared(DomainEvent):
    """SR-31: dissent recorded with the decision (the decision still binds)."""

    decision: str
    person: str
    text: str

    @property
    def stream_id(self) -> str:
        """The decision's stream."""
        return f"motion:{self.decision}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.person)} declared dissent from {self.n(self.decision)}"


@decides(DeclareDissent)
def _dissent(state: FederationState, cmd: DeclareDissent) -> list[DomainEvent]:
    if not state.constitution.dissent.dissent_declaration:
        raise RuleViolation(
            "SR-31", says("this constitution has no dissent declarations"), cmd.decision
        )
    record = _decision(state, cmd.decision, "SR-31")
    state.person(cmd.person)
    _bound(state, cmd.person, record)
    return [
        DissentDeclared(
            at=cmd.at, decision=cmd.decision, person=cmd.person, text=cmd.text
        )
    ]


@evolves(DissentDeclared)
def _dissented(state: FederationState, evt: DissentDeclared, _ref: EventRef) -> None:
    state.decisions[evt.decision].dissent[evt.person] = evt.text


_ACTS = ("public_criticism", "contrary_action", "leave_body")


@command(
    resource="holds", issuers=Issuers(SECRETARY, field="decision", reach="decision")
)
class ActAgainstDecision(Command):
    """SR-31: a member acts against a binding decision (recorded as a breach)."""

    decision: Annotated[
        str,
        "SR-31: the id of the binding decision (the carried decision or programme "
        "motion)",
    ]
    person: Annotated[
        str,
        "the id of the member who acted, who is bound by the decision",
    ]
    act: Annotated[str, "SR-31: public_criticism, contrary_action or leave_body"]
    disruptive: Annotated[
        bool,
        "SR-31: whether public criticism disrupted the decided action (if not, it is "
        "no breach where the constitution allows it)",
    ] = True
    description: Annotated[
        str,
        "what was done, in words, for the record (default: the kind of act)",
    ] = ""


@decides(ActAgainstDecision)
def _act(state: FederationState, cmd: ActAgainstDecision) -> list[DomainEvent]:
    record = _decision(state, cmd.decision, "SR-31")
    state.person(cmd.person)
    _bound(state, cmd.person, record)
    if cmd.act not in _ACTS:
        raise RuleViolation(
            "SR-31",
            says("act {act!r} is not one of {acts}", act=cmd.act, acts=_ACTS),
            cmd.act,
        )
    tolerant = state.constitution.dissent.public_criticism_after_decision
    if cmd.act == "public_criticism" and tolerant != "breach" and not cmd.disruptive:
        raise RuleViolation(
            "SR-31",
            says(
                "non-disruptive public criticism is allowed after a decision "
                "here (public_criticism_after_decision = "
                "allowed_if_not_disruptive): no breach"
            ),
            cmd.act,
        )
    act = cmd.description or cmd.act.replace("_", " ")
    return [
        BreachRecorded(
            at=cmd.at, person=cmd.person, rule="SR-31", of=cmd.decision, act=act
        )
    ]


def _level(state: FederationState, assembly: Assembly) -> int:
    levels = state.constitution.levels
    body = state.bodies.get(assembly.body)
    return levels.index(body.level) if body and body.level in levels else -1


def _check_decision(
    state: FederationState, assembly: Assembly, cmd: ProposeMotion
) -> None:
    """SR-32: only a higher body sets aside another body's decision."""
    if cmd.subject is None or cmd.subject not in state.decisions:
        return
    other = state.decisions[cmd.subject]
    higher = state.assemblies.get(other.body)
    if (
        higher is not None
        and state.constitution.centralism.higher_binds_lower
        and higher.body != assembly.body
        and _level(state, higher) > _level(state, assembly)
    ):
        raise RuleViolation(
            "SR-32",
            says(
                "{assembly} is bound by {higher}'s decision {subject!r}: a lower "
                "body cannot set it aside",
                assembly=assembly.name,
                higher=higher.name,
                subject=cmd.subject,
            ),
            cmd.subject,
        )


for _kind in ("decision", "programme"):
    _old = MOTION_KINDS[_kind]
    MOTION_KINDS[_kind] = MotionKind(_kind, _old.rule, _check_decision, _old.effect)
