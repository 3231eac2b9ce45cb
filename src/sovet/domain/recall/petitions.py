"""SR-9/SR-10: recall petitions signed one elector at a time, with progress.

``open_recall_petition`` starts a petition against a deputy holding a seat of
a constituency with a register (named electors); the cool-down of SR-9 and a
pending recall refuse it. ``sign_recall_petition`` adds one signature: only an
elector on the constituency's roll of the day signs, once (SR-10). The
signature that takes the petition past the constitution's threshold
(``recall_rules.petition_met``) acts in the recall mode, in the same decision:

- ``re_election``: the electorate's demand (``RecallDemanded``), the council's
  order, the seat vacated (``DeputyRecalled``) and the by-election scheduled
  (``ByElectionScheduled``);
- ``petition_ends_mandate``: the seat vacated and the by-election scheduled;
- ``recall_vote``: the recall vote is called (``RecallVoteCalled``; then
  ``hold_recall_vote``).

The petition is then "succeeded" and takes no more signatures.
``petition_progress`` answers signatures / electorate / threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Literal

from sovet.domain.franchise.electorate import roll_of
from sovet.domain.franchise.eligibility import polling_date
from sovet.domain.kernel.messages import (
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.recall.recall_rules import (
    PetitionCheck,
    check_cooldown,
    holder_of,
    petition_met,
)
from sovet.domain.recall.recalls import (
    RecallDemanded,
    RecallVoteCalled,
    recall_events,
)
from sovet.errors import NotEligible, RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "OpenRecallPetition",
    "PetitionProgress",
    "PetitionRecord",
    "PetitionStatus",
    "RecallPetitionOpened",
    "RecallPetitionSigned",
    "SignRecallPetition",
    "petition_of",
    "petition_progress",
]


PetitionStatus = Literal["open", "succeeded"]
"""SR-10: a recall petition collecting signatures, or past its threshold."""


@dataclass(slots=True)
class PetitionRecord:
    """SR-10: a petition, its signers (public) and its outcome."""

    id: str
    constituency: str
    deputy: str
    opened: EventRef
    signers: set[str] = field(default_factory=set)
    status: PetitionStatus = "open"
    refs: list[EventRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PetitionProgress:
    """SR-10: where a petition stands against the constitution's threshold."""

    petition: str
    constituency: str
    deputy: str
    status: PetitionStatus
    mode: str
    signatures: int
    electorate: int
    threshold: Fraction
    strict: bool
    needed: int  # signatures that pass the threshold on today's electorate


def petition_of(state: FederationState, petition: str) -> PetitionRecord:
    """``state.petition(petition)``: the recall petition or ``NotFound`` (SR-10)."""
    return state.petition(petition)


def _share(state: FederationState) -> tuple[Fraction, bool]:
    params = state.constitution.recall
    if params.recall_mode == "recall_vote":
        return params.recall_petition_share, False
    return params.recall_threshold, params.recall_threshold_strict


def petition_progress(
    state: FederationState, petition: str, at: str
) -> PetitionProgress:
    """SR-10: signatures, the registered electorate on ``at`` and the threshold."""
    rec = state.petition(petition)
    electorate = roll_of(state, rec.constituency, at).size
    share, strict = _share(state)
    whole = share.numerator * electorate
    needed = (
        whole // share.denominator + 1 if strict else -(-whole // share.denominator)
    )
    return PetitionProgress(
        petition=rec.id,
        constituency=rec.constituency,
        deputy=rec.deputy,
        status=rec.status,
        mode=state.constitution.recall.recall_mode,
        signatures=len(rec.signers),
        electorate=electorate,
        threshold=share,
        strict=strict,
        needed=max(needed, 1),
    )


@command(
    resource="petitions",
    issuers=Issuers(
        ("member", "secretary"), field="constituency", reach="constituency"
    ),
)
class OpenRecallPetition(Command):
    """SR-9/SR-10: open a petition to recall a constituency's deputy."""

    petition: Annotated[str, "a new id for the petition"]
    constituency: Annotated[
        str,
        "the id of the constituency, which must have a register of electors",
    ]
    deputy: Annotated[
        str,
        "the id of the deputy holding a seat there whose recall is sought",
    ]


@command(
    resource="petitions",
    issuers=Issuers((), field="petition", reach="petition", self_field="member"),
)
class SignRecallPetition(Command):
    """SR-10: an elector of the constituency signs a recall petition, once."""

    petition: Annotated[str, "the id of the open petition"]
    member: Annotated[
        str,
        "SR-10: the id of the elector signing, on the constituency's roll of the day "
        "(once each)",
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class _PetitionEvent(DomainEvent):
    petition: str
    constituency: str

    @property
    def stream_id(self) -> str:
        """The constituency's stream."""
        return f"constituency:{self.constituency}"


@event()
class RecallPetitionOpened(_PetitionEvent):
    """SR-10: a recall petition is open for signatures."""

    deputy: str

    def describe(self) -> str:
        """One line."""
        return f"recall petition {self.petition} against {self.n(self.deputy)} opened"


@event()
class RecallPetitionSigned(_PetitionEvent):
    """SR-10: one more elector signed; ``signed`` of ``registered`` so far."""

    member: str
    signed: int
    registered: int
    reached: bool = False

    def describe(self) -> str:
        """One line."""
        line = f"{self.n(self.member)} signed {self.petition}"
        line += f" ({self.signed}/{self.registered})"
        return f"{line} — threshold reached" if self.reached else line


@decides(OpenRecallPetition)
def _open(state: FederationState, cmd: OpenRecallPetition) -> list[DomainEvent]:
    if cmd.petition in state.petitions:
        raise RuleViolation(
            "SR-10",
            says("petition {petition!r} exists", petition=cmd.petition),
            cmd.petition,
        )
    record = state.constituency(cmd.constituency)
    holder = holder_of(state, cmd.constituency, cmd.deputy)
    if cmd.deputy in record.pending:
        raise RuleViolation(
            "SR-10",
            says("a recall of {deputy!r} is already pending", deputy=cmd.deputy),
            cmd.deputy,
        )
    if any(
        p.status == "open"
        and p.deputy == cmd.deputy
        and p.constituency == cmd.constituency
        for p in state.petitions.values()
    ):
        raise RuleViolation(
            "SR-10",
            says("a petition against {deputy!r} is already open", deputy=cmd.deputy),
            cmd.deputy,
        )
    failed = record.failed_recalls.get(cmd.deputy)
    check_cooldown(
        polling_date(cmd.at),
        seated_on=polling_date(holder.since),
        last_failed_attempt=polling_date(failed) if failed else None,
        cooldown_days=state.constitution.recall.recall_cooldown_days,
    )
    if not roll_of(state, cmd.constituency, cmd.at).entries:
        raise RuleViolation(
            "SR-10",
            says(
                "{constituency!r} has no register of electors to sign "
                "against; use petition_recall with a count of signatures",
                constituency=cmd.constituency,
            ),
            cmd.constituency,
        )
    return [
        RecallPetitionOpened(
            at=cmd.at,
            petition=cmd.petition,
            constituency=cmd.constituency,
            deputy=cmd.deputy,
        )
    ]


@decides(SignRecallPetition)
def _sign(state: FederationState, cmd: SignRecallPetition) -> list[DomainEvent]:
    rec = state.petition(cmd.petition)
    if rec.status != "open":
        raise RuleViolation(
            "SR-10",
            says(
                "petition {petition!r} is {status}",
                petition=cmd.petition,
                status=rec.status,
            ),
            rec.status,
        )
    if cmd.member in rec.signers:
        raise RuleViolation(
            "SR-10",
            says(
                "{member!r} has already signed {petition!r}",
                member=cmd.member,
                petition=cmd.petition,
            ),
            cmd.member,
        )
    roll = roll_of(state, rec.constituency, cmd.at)
    if cmd.member not in roll.voters:
        raise NotEligible(
            "SR-10",
            says(
                "{member!r} is not an elector on the roll of {constituency!r}",
                member=cmd.member,
                constituency=rec.constituency,
            ),
            cmd.member,
        )
    holder = holder_of(state, rec.constituency, rec.deputy)
    check = PetitionCheck(len(rec.signers) + 1, roll.size)
    params = state.constitution.recall
    reached = petition_met(check, params)
    events: list[DomainEvent] = [
        RecallPetitionSigned(
            at=cmd.at,
            petition=cmd.petition,
            constituency=rec.constituency,
            member=cmd.member,
            signed=check.signed,
            registered=check.registered,
            reached=reached,
        )
    ]
    if not reached:
        return events
    basis = f"petition {cmd.petition}: {check.signed} of {check.registered}"
    where, deputy = rec.constituency, rec.deputy
    signed, registered = check.signed, check.registered
    if params.recall_mode == "recall_vote":
        called = RecallVoteCalled(
            at=cmd.at,
            constituency=where,
            deputy=deputy,
            signed=signed,
            registered=registered,
        )
        return [*events, called]
    if params.recall_mode == "re_election":
        council = state.constituencies[where].council
        events.append(
            RecallDemanded(
                at=cmd.at,
                constituency=where,
                deputy=deputy,
                signed=signed,
                registered=registered,
            )
        )
        basis += f"; re-election ordered by {council} on the voters' demand"
    return events + recall_events(
        state, cmd.at, rec.constituency, holder, rec.deputy, basis
    )


@evolves(RecallPetitionOpened)
def _opened(state: FederationState, evt: RecallPetitionOpened, ref: EventRef) -> None:
    state.petitions[evt.petition] = PetitionRecord(
        evt.petition, evt.constituency, evt.deputy, ref, refs=[ref]
    )


@evolves(RecallPetitionSigned)
def _signed(state: FederationState, evt: RecallPetitionSigned, ref: EventRef) -> None:
    rec = state.petitions[evt.petition]
    rec.signers.add(evt.member)
    if evt.reached:
        rec.status = "succeeded"
        rec.refs.append(ref)
