"""SR-17 and SR-19: votes on a motion, by name or by count.

Named votes come from credentialed decisive delegates who are present (SR-17,
SR-19); delegates credentialed in bulk vote as counts. No more votes than
decisive delegates present; the assembly must be quorate (SR-16).

Imperative mandate (SR-11): when the constitution sets ``imperative_mandate``,
a named vote against the binding instruction the delegate's sending body gave
on that motion (``instruct_delegate``) is *invalid*: the whole command is
refused citing SR-11, so no such vote ever enters the log (engine choice over
recording and flagging it: an invalid vote must not count towards a majority).
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.kernel.assembly import Assembly, MotionRecord
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.motions import cast_so_far, open_motion
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = ["VoteByCount", "VoteByName", "VotesCast", "check_instructions"]


@command(resource="motions", issuers=Issuers(SECRETARY, field="motion", reach="motion"))
class VoteByName(Command):
    """SR-19: named votes (``person → yes|no|abstain``) of decisive delegates."""

    motion: Annotated[str, "the id of the open motion"]
    votes: Annotated[
        dict[str, str],
        "SR-19: each vote by name, person id → yes, no or abstain (decisive delegates "
        "present)",
    ]


@command(resource="motions", issuers=Issuers(SECRETARY, field="motion", reach="motion"))
class VoteByCount(Command):
    """SR-19: votes of delegates credentialed in bulk, as counts."""

    motion: Annotated[str, "the id of the open motion"]
    yes: Annotated[int, "number of votes for"] = 0
    no: Annotated[int, "number of votes against"] = 0
    abstain: Annotated[int, "number of abstentions"] = 0


@event()
class VotesCast(DomainEvent):
    """SR-19: votes cast on a motion (named and/or counted)."""

    motion: str
    votes: dict[str, str]
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def stream_id(self) -> str:
        """The motion's stream."""
        return f"motion:{self.motion}"

    def describe(self) -> str:
        """One line."""
        named = f", {len(self.votes)} by name" if self.votes else ""
        return (
            f"votes on {self.n(self.motion)}: {self.yes} for, {self.no} against, "
            f"{self.abstain} abstaining{named}"
        )


@decides(VoteByName)
def _vote_by_name(state: FederationState, cmd: VoteByName) -> list[DomainEvent]:
    motion, assembly = open_motion(state, cmd.motion)
    for person, choice in cmd.votes.items():
        if choice not in ("yes", "no", "abstain"):
            raise RuleViolation(
                "SR-19",
                says("vote {choice!r} of {person!r}", choice=choice, person=person),
                choice,
            )
        delegate = assembly.delegates.get(person)
        if delegate is None or delegate.kind != "decisive":
            raise RuleViolation(
                "SR-17",
                says(
                    "{person!r} holds no decisive credential in {name}",
                    person=person,
                    name=assembly.name,
                ),
                person,
            )
        if not delegate.present:
            raise RuleViolation(
                "SR-19",
                says(
                    "{person!r} walked out of {name}", person=person, name=assembly.name
                ),
                person,
            )
        if person in motion.votes:
            raise RuleViolation(
                "SR-19",
                says("{person!r} already voted on {id!r}", person=person, id=motion.id),
                person,
            )
        check_instructions(
            choice,
            delegate.instructions.get(motion.id),
            imperative_mandate=state.constitution.recall.imperative_mandate,
        )
    tally = {"yes": 0, "no": 0, "abstain": 0}
    for choice in cmd.votes.values():
        tally[choice] += 1
    _check_room(assembly, motion, sum(tally.values()))
    return [
        VotesCast(
            at=cmd.at,
            motion=cmd.motion,
            votes=dict(cmd.votes),
            yes=tally["yes"],
            no=tally["no"],
            abstain=tally["abstain"],
        )
    ]


def _check_room(assembly: Assembly, motion: MotionRecord, extra: int) -> None:
    present = assembly.present_total()
    if cast_so_far(motion) + extra > present:
        raise RuleViolation(
            "SR-19",
            says(
                "{votes} votes on {motion!r} but only {present} decisive delegates "
                "present",
                votes=cast_so_far(motion) + extra,
                motion=motion.id,
                present=present,
            ),
            extra,
        )


@decides(VoteByCount)
def _vote_by_count(state: FederationState, cmd: VoteByCount) -> list[DomainEvent]:
    motion, assembly = open_motion(state, cmd.motion)
    if min(cmd.yes, cmd.no, cmd.abstain) < 0 or cmd.yes + cmd.no + cmd.abstain == 0:
        raise RuleViolation(
            "SR-19", says("counts must be non-negative, not all zero"), cmd.yes
        )
    _check_room(assembly, motion, cmd.yes + cmd.no + cmd.abstain)
    return [
        VotesCast(
            at=cmd.at,
            motion=cmd.motion,
            votes={},
            yes=cmd.yes,
            no=cmd.no,
            abstain=cmd.abstain,
        )
    ]


@evolves(VotesCast)
def _votes_cast(state: FederationState, evt: VotesCast, _ref: EventRef) -> None:
    motion = state.motions[evt.motion]
    motion.votes.update(evt.votes)
    motion.yes += evt.yes
    motion.no += evt.no
    motion.abstain += evt.abstain


def check_instructions(
    choice: str, instructions: str | None, *, imperative_mandate: bool
) -> None:
    """SR-11: under an imperative mandate a vote against the electors' formal
    instruction is invalid."""
    if imperative_mandate and instructions is not None and choice != instructions:
        raise RuleViolation(
            "SR-11",
            says(
                "vote {choice!r} goes against the binding instruction {instructions!r}",
                choice=choice,
                instructions=instructions,
            ),
            choice,
        )
