"""SR-11: recall up the chain — a sending body replaces its delegates; binding
instructions (the Commune's *mandat impératif*).

``replace_delegate`` lets the body that sent a delegate (``delegate_recall_by``
= ``sending_body``) withdraw them from the latest session of a congress —
sitting or closed: a delegate's seat lasts until the next session convenes —
and credential a replacement of its choosing in the same seat (decisive or
consultative), so the session's counts per faction follow the sender's
decision; the withdrawn delegate's seats above (a committee place) fall vacant
(SR-11). The same command fills a seat that fell vacant (its delegate
recalled below, or resigned): ``delegate`` then names whose seat it was.
Outside an aggregate constitution the replacement must hold the seat below in
the sender, as any delegate (``elections.seats.sender_seat``).
``instruct_delegate`` records the sending body's formal instruction to its
delegate on a motion (yes, no or abstain); ``check_instructions`` is the rule a
vote by name applies when the constitution sets ``imperative_mandate``: a vote
against that instruction is invalid and refused. Without an imperative mandate
(1918) instructions are recorded but bind nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from sovet.domain.elections.seats import delegate_key, sender_seat, vacate_above
from sovet.domain.kernel.assembly import Assembly, DelegateRecord
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.errors import NotFound, RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "DelegateInstructed",
    "DelegateReplaced",
    "InstructDelegate",
    "ReplaceDelegate",
    "check_delegate_recall",
]


def check_delegate_recall(by_body: str, sending_body: str | None) -> None:
    """SR-11: only the body that sent a delegate may recall or replace them."""
    if sending_body is None or by_body != sending_body:
        raise RuleViolation(
            "SR-11",
            says(
                "a delegate sent by {sender!r} cannot be replaced by {by_body!r}",
                sender=sending_body or says("no recorded body"),
                by_body=by_body,
            ),
            by_body,
        )


@command(resource="congress", issuers=Issuers(SECRETARY, field="by_body"))
class ReplaceDelegate(Command):
    """SR-11: the sending body recalls its delegate (or fills the seat that fell
    vacant) and sends ``replacement``."""

    congress: Annotated[
        str, "the id of the congress session (its latest, sitting or closed)"
    ]
    by_body: Annotated[
        str,
        "SR-11: the id of the body that sent the delegate (only it may replace them)",
    ]
    delegate: Annotated[
        str, "the id of the delegate withdrawn, or of the person whose seat fell vacant"
    ]
    replacement: Annotated[
        str,
        "the id of the person sent in their place, in the same seat",
    ]


@event()
class DelegateReplaced(DomainEvent):
    """SR-11: a delegate recalled by the sending body and replaced."""

    congress: str
    by_body: str
    delegate: str
    replacement: str
    old_faction: str
    new_faction: str
    kind: str
    vacant: bool = False  # the seat had fallen vacant: nobody is withdrawn

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        sends = f"sends {self.n(self.replacement)} ({self.n(self.new_faction)})"
        if self.vacant:
            return (
                f"{self.n(self.by_body)} {sends} to the seat of "
                f"{self.n(self.delegate)}, vacant, at {self.n(self.congress)}"
            )
        return (
            f"{self.n(self.by_body)} recalls its delegate {self.n(self.delegate)} "
            f"({self.n(self.old_faction)}) and {sends}"
        )


def _latest_session(state: FederationState, congress: str) -> Assembly:
    """SR-11: the congress session whose seats are still held (its body's latest)."""
    session = state.assembly(congress)
    latest = state.latest_congress(session.body)
    if session.kind != "congress" or latest is None:
        raise RuleViolation(
            "SR-11",
            says("{congress!r} is no congress session", congress=congress),
            congress,
        )
    if latest.id != session.id:
        raise RuleViolation(
            "SR-11",
            says(
                "the delegates' seats of {session} ended when {latest} convened",
                session=session.name,
                latest=latest.name,
            ),
            congress,
        )
    return session


@decides(ReplaceDelegate)
def _replace(state: FederationState, cmd: ReplaceDelegate) -> list[DomainEvent]:
    session = _latest_session(state, cmd.congress)
    state.body(cmd.by_body)
    old = session.delegates.get(cmd.delegate)
    vacancy = next(
        (v for v in session.open_vacancies() if v.person == cmd.delegate), None
    )
    if old is None and vacancy is None:
        raise NotFound(
            "SR-11",
            says(
                "{delegate!r} is no delegate of {name} and left no vacant seat there",
                delegate=cmd.delegate,
                name=session.name,
            ),
            cmd.delegate,
        )
    sender = old.sender if old is not None else vacancy.sender if vacancy else None
    if state.constitution.recall.delegate_recall_by == "sending_body":
        check_delegate_recall(cmd.by_body, sender)
    new = state.person(cmd.replacement)
    if cmd.replacement in session.delegates:
        raise RuleViolation(
            "SR-11",
            says("{replacement!r} is already a delegate", replacement=cmd.replacement),
            cmd.replacement,
        )
    if not state.constitution.chain.aggregate and (
        sender_seat(state, cmd.replacement, (cmd.by_body,)) is None
    ):
        raise RuleViolation(
            "SR-12",
            says(
                "{name} holds no seat in {by_body!r} that it could send them "
                "through (a delegate is chosen from those who hold a seat in "
                "the sending body)",
                name=new.name,
                by_body=cmd.by_body,
            ),
            cmd.replacement,
        )
    held = old if old is not None else vacancy
    assert held is not None
    events: list[DomainEvent] = [
        DelegateReplaced(
            at=cmd.at,
            congress=cmd.congress,
            by_body=cmd.by_body,
            delegate=cmd.delegate,
            replacement=cmd.replacement,
            old_faction=held.faction,
            new_faction=new.faction or "",
            kind=held.kind,
            vacant=old is None,
        )
    ]
    if old is not None:  # the withdrawn delegate's seats above go with it
        events += vacate_above(
            state,
            cmd.delegate,
            delegate_key(session.id),
            rule="SR-11",
            cause=f"replaced as delegate by {state.display_name(cmd.by_body)}",
            at=cmd.at,
        )
    return events


@evolves(DelegateReplaced)
def _replaced(state: FederationState, evt: DelegateReplaced, ref: EventRef) -> None:
    session = state.assemblies[evt.congress]
    table = session.seated if evt.kind == "decisive" else session.consultative
    if evt.vacant:
        for vacancy in session.open_vacancies():
            if vacancy.person == evt.delegate:
                vacancy.filled_by, vacancy.filled = evt.replacement, ref
                break
    else:
        old = session.delegates.pop(evt.delegate)
        table[evt.old_faction] = table.get(evt.old_faction, 0) - 1
        if table[evt.old_faction] == 0:
            del table[evt.old_faction]
        if not old.present:
            session.absent[evt.old_faction] = session.absent.get(evt.old_faction, 0) - 1
    table[evt.new_faction] = table.get(evt.new_faction, 0) + 1
    found = sender_seat(state, evt.replacement, (evt.by_body,))
    session.delegates[evt.replacement] = DelegateRecord(
        evt.replacement,
        evt.new_faction,
        evt.kind,
        evt.by_body,
        ref=ref,
        basis=found[1] if found is not None else (),
    )
    session.credentials.append(ref)


@command(resource="congress", issuers=Issuers(SECRETARY, field="by_body"))
class InstructDelegate(Command):
    """SR-11: the sending body binds its delegate's vote on ``motion``."""

    congress: Annotated[str, "the id of the open congress session"]
    by_body: Annotated[str, "SR-11: the id of the body that sent the delegate"]
    delegate: Annotated[str, "the id of the delegate instructed"]
    motion: Annotated[str, "the id of the open motion the instruction is about"]
    choice: Annotated[
        str,
        "SR-11: the vote instructed: yes, no or abstain (binding only under an "
        "imperative mandate)",
    ]


@event()
class DelegateInstructed(DomainEvent):
    """SR-11: a formal instruction (mandat impératif) on one motion."""

    congress: str
    by_body: str
    delegate: str
    motion: str
    choice: str

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.n(self.by_body)} instructs its delegate {self.n(self.delegate)} "
            f"to vote {self.choice} on {self.n(self.motion)}"
        )


@decides(InstructDelegate)
def _instruct(state: FederationState, cmd: InstructDelegate) -> list[DomainEvent]:
    session = state.assembly(cmd.congress)
    if session.closed_at is not None:
        raise RuleViolation(
            "SR-11", says("{name} has closed", name=session.name), cmd.congress
        )
    state.body(cmd.by_body)
    delegate = session.delegates.get(cmd.delegate)
    if delegate is None:
        raise NotFound(
            "SR-11",
            says(
                "{delegate!r} is no delegate of {name}",
                delegate=cmd.delegate,
                name=session.name,
            ),
            cmd.delegate,
        )
    check_delegate_recall(cmd.by_body, delegate.sender)
    motion = state.motion(cmd.motion)
    if motion.assembly != cmd.congress or motion.status != "open":
        raise RuleViolation(
            "SR-11",
            says(
                "motion {motion!r} is not open in {name}",
                motion=cmd.motion,
                name=session.name,
            ),
            cmd.motion,
        )
    if cmd.choice not in ("yes", "no", "abstain"):
        raise RuleViolation(
            "SR-11",
            says("instruction {choice!r} is not yes, no or abstain", choice=cmd.choice),
            cmd.choice,
        )
    return [
        DelegateInstructed(
            at=cmd.at,
            congress=cmd.congress,
            by_body=cmd.by_body,
            delegate=cmd.delegate,
            motion=cmd.motion,
            choice=cmd.choice,
        )
    ]


@evolves(DelegateInstructed)
def _instructed(state: FederationState, evt: DelegateInstructed, ref: EventRef) -> None:
    session = state.assemblies[evt.congress]
    session.delegates[evt.delegate].instructions[evt.motion] = evt.choice
    session.credentials.append(ref)
