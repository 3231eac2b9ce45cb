"""SR-11: recall up the chain — a sending body replaces its delegates; binding
instructions (the Commune's *mandat impératif*).

``replace_delegate`` lets the body that sent a delegate (``delegate_recall_by``
= ``sending_body``) withdraw them from an open congress session and credential
a replacement of its choosing in the same seat (decisive or consultative), so
the session's counts per faction follow the sender's decision.
``instruct_delegate`` records the sending body's formal instruction to its
delegate on a motion (yes, no or abstain); ``check_instructions`` is the rule a
vote by name applies when the constitution sets ``imperative_mandate``: a vote
against that instruction is invalid and refused. Without an imperative mandate
(1918) instructions are recorded but bind nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from sovet.domain.kernel.assembly import DelegateRecord
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
from sovet.errors import NotFound, RuleViolation

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
            f"a delegate sent by {sending_body or 'no recorded body'!r} cannot be "
            f"replaced by {by_body!r}",
            by_body,
        )


@command(resource="congress", issuers=Issuers(SECRETARY, field="by_body"))
class ReplaceDelegate(Command):
    """SR-11: the sending body recalls its delegate and sends ``replacement``."""

    congress: Annotated[str, "the id of the open congress session"]
    by_body: Annotated[
        str,
        "SR-11: the id of the body that sent the delegate (only it may replace them)",
    ]
    delegate: Annotated[str, "the id of the delegate withdrawn"]
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

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.by_body} recalls its delegate {self.delegate} ({self.old_faction}) "
            f"and sends {self.replacement} ({self.new_faction})"
        )


@decides(ReplaceDelegate)
def _replace(state: FederationState, cmd: ReplaceDelegate) -> list[DomainEvent]:
    session = state.assembly(cmd.congress)
    if session.closed_at is not None:
        raise RuleViolation("SR-11", f"{session.name} has closed", cmd.congress)
    state.body(cmd.by_body)
    old = session.delegates.get(cmd.delegate)
    if old is None:
        raise NotFound(
            "SR-11", f"{cmd.delegate!r} is no delegate of {session.name}", cmd.delegate
        )
    if state.constitution.recall.delegate_recall_by == "sending_body":
        check_delegate_recall(cmd.by_body, old.sender)
    new = state.person(cmd.replacement)
    if cmd.replacement in session.delegates:
        raise RuleViolation(
            "SR-11", f"{cmd.replacement!r} is already a delegate", cmd.replacement
        )
    return [
        DelegateReplaced(
            at=cmd.at,
            congress=cmd.congress,
            by_body=cmd.by_body,
            delegate=cmd.delegate,
            replacement=cmd.replacement,
            old_faction=old.faction,
            new_faction=new.faction or "",
            kind=old.kind,
        )
    ]


@evolves(DelegateReplaced)
def _replaced(state: FederationState, evt: DelegateReplaced, ref: EventRef) -> None:
    session = state.assemblies[evt.congress]
    old = session.delegates.pop(evt.delegate)
    table = session.seated if evt.kind == "decisive" else session.consultative
    table[evt.old_faction] = table.get(evt.old_faction, 0) - 1
    table[evt.new_faction] = table.get(evt.new_faction, 0) + 1
    if not old.present:
        session.absent[evt.old_faction] = session.absent.get(evt.old_faction, 0) - 1
    session.delegates[evt.replacement] = DelegateRecord(
        evt.replacement, evt.new_faction, evt.kind, evt.by_body
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
        raise RuleViolation("SR-11", f"{session.name} has closed", cmd.congress)
    state.body(cmd.by_body)
    delegate = session.delegates.get(cmd.delegate)
    if delegate is None:
        raise NotFound(
            "SR-11", f"{cmd.delegate!r} is no delegate of {session.name}", cmd.delegate
        )
    check_delegate_recall(cmd.by_body, delegate.sender)
    motion = state.motion(cmd.motion)
    if motion.assembly != cmd.congress or motion.status != "open":
        raise RuleViolation(
            "SR-11",
            f"motion {cmd.motion!r} is not open in {session.name}",
            cmd.motion,
        )
    if cmd.choice not in ("yes", "no", "abstain"):
        raise RuleViolation(
            "SR-11", f"instruction {cmd.choice!r} is not yes, no or abstain", cmd.choice
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
