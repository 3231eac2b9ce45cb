"""SR-9…SR-11: recall of deputies in the three modes of SR-10, and of delegates.

Modes (``recall_mode``), thresholds compared exactly (``Fraction``), "more
than" when ``recall_threshold_strict`` (1917: exactly half is not more than half),
else "at least":

- ``re_election`` (1917 decree): when more than ``recall_threshold`` (1/2) of
  the constituency's registered electorate demands it, the council orders the
  seat re-elected; the seat is filled by that by-election.
- ``petition_ends_mandate``: a petition past ``recall_threshold`` of the
  registered electorate ends the mandate at once; a by-election follows.
- ``recall_vote``: a petition of at least ``recall_petition_share`` of the
  electorate calls a yes/no vote; the deputy is recalled when the yes votes pass
  ``recall_threshold`` (e.g. 2/3, not strict) of the yes/no votes cast
  (``recall_basis`` "votes_cast"; or of the roll, "registered_electorate") and
  the turnout (blank ballots included) is at least ``turnout_floor`` (e.g. 1/5)
  of the roll. A failed vote starts the cool-down.

Recall may start at any time (SR-9) unless ``recall_cooldown_days`` > 0: then
not within that many days of the deputy taking the seat or of a failed
attempt. A recalled deputy loses the seat and the votes held in the council;
every seat above that came from it falls vacant, each by its own event (rule
SR-11, ``elections.seats``); the seat goes to a by-election (in which they may
stand when ``recalled_may_stand``) or to the next on the list
(``refill``).

For the scenario writer (DESIGN §5 step 9, the counterfactual transfer; tested
in ``tests/unit/domain/test_recall.py::test_sr27_…``), on aggregate data:
``register_constituency`` (council, seats, ``electorate``) →
``record_council_composition`` → ``seat_deputy`` (``counted = true``: already in
that composition) → ``petition_recall`` (``signatures`` > half the electorate)
→ ``order_re_election`` (by the council, or by a congress without a petition)
→ ``call_election`` (candidates need ``register_elector``) → ``count_election``
(``tallies``) → ``verify_election``. The council's ``composition`` then shows
the new majority (``deputies.composition_now``); the next congress follows it
through ``apportion_congress`` and its credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from sovet.domain.elections.deputies import SeatHolder, unseat
from sovet.domain.elections.seats import deputy_key, vacate_above
from sovet.domain.franchise.electorate import roll_of
from sovet.domain.franchise.eligibility import polling_date
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
from sovet.domain.recall.recall_rules import (
    PetitionCheck,
    check_cooldown,
    check_mode,
    check_petition,
    holder_of,
    petition_met,
    recall_vote_passes,
)
from sovet.domain.recall.refill import ByElectionScheduled, refill_events
from sovet.errors import RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "ByElectionScheduled",
    "DeputyRecalled",
    "HoldRecallVote",
    "OrderReElection",
    "PetitionRecall",
    "RecallDemanded",
    "RecallVoteCalled",
    "RecallVoteFailed",
    "holder_of",
    "recall_events",
]


# --- commands and events (declared with ``sovet.domain.kernel.messages``) ---


@dataclass(frozen=True, slots=True, kw_only=True)
class _RecallStep(Command):
    constituency: Annotated[str, "the id of the constituency the deputy sits for"]
    deputy: Annotated[str, "the id of the deputy whose recall is sought"]


@command(
    resource="constituencies",
    issuers=Issuers(SECRETARY, field="constituency", reach="constituency"),
)
class PetitionRecall(_RecallStep):
    """SR-9/SR-10: voters petition to recall their deputy.

    ``signers`` are checked against the roll of the day; a constituency with no
    registered electors (historical data) gives ``signatures`` as a count
    against its recorded electorate instead.
    """

    signers: Annotated[
        tuple[str, ...],
        "SR-10: ids of the electors who signed, checked against the roll of the day",
    ] = ()
    signatures: Annotated[
        int | None,
        "SR-10: number of signatures, only where the constituency has no register "
        "(against its recorded electorate)",
    ] = None


@command(resource="constituencies", issuers=Issuers(SECRETARY, field="by_body"))
class OrderReElection(_RecallStep):
    """SR-10 ``re_election``: the council (on a demand) or a congress orders it."""

    by_body: Annotated[
        str,
        "SR-10: the id of the body ordering it: the constituency's council after the "
        "voters' demand, or a congress",
    ]


@command(
    resource="constituencies",
    issuers=Issuers(SECRETARY, field="constituency", reach="constituency"),
)
class HoldRecallVote(_RecallStep):
    """SR-10 ``recall_vote``: the yes/no vote a petition called."""

    yes: Annotated[int, "SR-10: number of votes to recall the deputy"]
    no: Annotated[int, "SR-10: number of votes against the recall"]
    blank: Annotated[
        int,
        "number of blank ballots (they count towards turnout only)",
    ] = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class _RecallEvent(DomainEvent):
    constituency: str
    deputy: str

    @property
    def stream_id(self) -> str:
        """The constituency's stream."""
        return f"constituency:{self.constituency}"


@event()
class RecallDemanded(_RecallEvent):
    """SR-10: more than the threshold of the electorate demands re-election."""

    signed: int
    registered: int

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.signed} of {self.registered} voters of {self.constituency} "
            f"demand the re-election of {self.deputy}"
        )


@event()
class RecallVoteCalled(_RecallEvent):
    """SR-10: a petition calls a yes/no recall vote."""

    signed: int
    registered: int

    def describe(self) -> str:
        """One line."""
        return f"recall vote on {self.deputy} called ({self.signed} signatures)"


@event()
class RecallVoteFailed(_RecallEvent):
    """SR-10: the recall vote failed; the cool-down starts."""

    yes: int
    no: int
    blank: int
    registered: int

    def describe(self) -> str:
        """One line."""
        return f"recall of {self.deputy} failed ({self.yes} yes, {self.no} no)"


@event()
class DeputyRecalled(_RecallEvent):
    """SR-9/SR-10: the deputy loses the seat and every vote held through it."""

    faction: str
    mode: str
    council: str
    basis: str  # the figures that decided it, for the record
    chain: bool = False
    """The seats above are vacated by their own events (``SeatVacated``); logs
    before issue 15 ended the deputy's mandates in open congress sessions here."""

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.deputy} ({self.faction}) recalled from {self.council} "
            f"[{self.mode}: {self.basis}]"
        )


def _holder(state: FederationState, cmd: _RecallStep) -> SeatHolder:
    return holder_of(state, cmd.constituency, cmd.deputy)


def recall_events(
    state: FederationState,
    at: str,
    constituency: str,
    holder: SeatHolder,
    deputy: str,
    basis: str,
) -> list[DomainEvent]:
    """SR-9…SR-11: the deputy loses the seat, every seat above that came from it
    falls vacant (``seats.vacate_above``), and the seat is filled again by a
    by-election or the next on the list (``refill.refill_events``)."""
    council = state.constituencies[constituency].council
    mode = state.constitution.recall.recall_mode
    events: list[DomainEvent] = [
        DeputyRecalled(
            at=at,
            constituency=constituency,
            deputy=deputy,
            faction=holder.faction,
            mode=mode,
            council=council,
            basis=basis,
            chain=True,
        )
    ]
    who = state.display_name(deputy) or deputy
    events += vacate_above(
        state,
        deputy,
        deputy_key(constituency),
        rule="SR-11",
        cause=f"recall of {who} from {state.display_name(council) or council}",
        at=at,
    )
    return events + refill_events(state, at, constituency, deputy)


def _recalled(
    state: FederationState, cmd: _RecallStep, holder: SeatHolder, basis: str
) -> list[DomainEvent]:
    return recall_events(state, cmd.at, cmd.constituency, holder, cmd.deputy, basis)


def _registered(state: FederationState, constituency: str, at: str) -> int:
    roll = roll_of(state, constituency, at)
    return roll.size if roll.entries else state.constituencies[constituency].electorate


@decides(PetitionRecall)
def _petition(state: FederationState, cmd: PetitionRecall) -> list[DomainEvent]:
    params = state.constitution.recall
    holder = _holder(state, cmd)
    record = state.constituencies[cmd.constituency]
    if cmd.deputy in record.pending:
        raise RuleViolation(
            "SR-10",
            says("a recall of {deputy!r} is already pending", deputy=cmd.deputy),
            cmd.deputy,
        )
    check_cooldown(
        polling_date(cmd.at),
        seated_on=polling_date(holder.since),
        last_failed_attempt=(
            polling_date(record.failed_recalls[cmd.deputy])
            if cmd.deputy in record.failed_recalls
            else None
        ),
        cooldown_days=params.recall_cooldown_days,
    )
    roll = roll_of(state, cmd.constituency, cmd.at)
    if cmd.signatures is not None:
        if roll.entries or cmd.signers:
            raise RuleViolation(
                "SR-10",
                says(
                    "{constituency!r} has a register: petition with named signers",
                    constituency=cmd.constituency,
                ),
                cmd.signatures,
            )
        if not 0 <= cmd.signatures <= record.electorate:
            raise RuleViolation(
                "SR-10",
                says(
                    "{signatures} signatures for an electorate of {electorate}",
                    signatures=cmd.signatures,
                    electorate=record.electorate,
                ),
                cmd.signatures,
            )
        check = PetitionCheck(cmd.signatures, record.electorate)
    else:
        check = check_petition(cmd.signers, roll)
    if check.signed < 1 or not petition_met(check, params):
        need = (
            says("at least {share}", share=params.recall_petition_share)
            if params.recall_mode == "recall_vote"
            else says("more than {share}", share=params.recall_threshold)
            if params.recall_threshold_strict
            else says("at least {share}", share=params.recall_threshold)
        )
        raise RuleViolation(
            "SR-10",
            says(
                "the petition has {signed} valid signatures of {registered} "
                "registered voters; {recall_mode} needs {need}",
                signed=check.signed,
                registered=check.registered,
                recall_mode=params.recall_mode,
                need=need,
            ),
            check.signed,
        )
    if params.recall_mode in ("re_election", "recall_vote"):
        step = (
            RecallDemanded if params.recall_mode == "re_election" else RecallVoteCalled
        )
        return [
            step(
                at=cmd.at,
                constituency=cmd.constituency,
                deputy=cmd.deputy,
                signed=check.signed,
                registered=check.registered,
            )
        ]
    basis = f"petition {check.signed} of {check.registered}"
    return _recalled(state, cmd, holder, basis)


@decides(OrderReElection)
def _order(state: FederationState, cmd: OrderReElection) -> list[DomainEvent]:
    check_mode(state.constitution.recall, "re_election")
    holder = _holder(state, cmd)
    record = state.constituencies[cmd.constituency]
    by = state.body(cmd.by_body)
    if by.kind == "congress":
        return _recalled(state, cmd, holder, f"ordered by the congress {by.id}")
    if by.id != record.council:
        raise RuleViolation(
            "SR-10",
            says(
                "re-election in {constituency!r} is ordered by its council "
                "{council!r} or a congress, not {id!r}",
                constituency=cmd.constituency,
                council=record.council,
                id=by.id,
            ),
            by.id,
        )
    if record.pending.get(cmd.deputy) != "re_election":
        raise RuleViolation(
            "SR-10",
            says(
                "no demand of the electorate for the re-election of {deputy!r}",
                deputy=cmd.deputy,
            ),
            cmd.deputy,
        )
    return _recalled(state, cmd, holder, f"ordered by {by.id} on the voters' demand")


@decides(HoldRecallVote)
def _vote(state: FederationState, cmd: HoldRecallVote) -> list[DomainEvent]:
    params = state.constitution.recall
    check_mode(params, "recall_vote")
    holder = _holder(state, cmd)
    if state.constituencies[cmd.constituency].pending.get(cmd.deputy) != "recall_vote":
        raise RuleViolation(
            "SR-10",
            says("no recall vote on {deputy!r} was called", deputy=cmd.deputy),
            cmd.deputy,
        )
    registered = _registered(state, cmd.constituency, cmd.at)
    if recall_vote_passes(
        cmd.yes, cmd.no, cmd.blank, registered=registered, params=params
    ):
        basis = f"vote {cmd.yes} yes, {cmd.no} no, {cmd.blank} blank of {registered}"
        return _recalled(state, cmd, holder, basis)
    return [
        RecallVoteFailed(
            at=cmd.at,
            constituency=cmd.constituency,
            deputy=cmd.deputy,
            yes=cmd.yes,
            no=cmd.no,
            blank=cmd.blank,
            registered=registered,
        )
    ]


@evolves(RecallDemanded)
def _demanded(state: FederationState, evt: RecallDemanded, ref: EventRef) -> None:
    record = state.constituencies[evt.constituency]
    record.pending[evt.deputy] = "re_election"
    record.refs.append(ref)


@evolves(RecallVoteCalled)
def _vote_called(state: FederationState, evt: RecallVoteCalled, ref: EventRef) -> None:
    record = state.constituencies[evt.constituency]
    record.pending[evt.deputy] = "recall_vote"
    record.refs.append(ref)


@evolves(RecallVoteFailed)
def _vote_failed(state: FederationState, evt: RecallVoteFailed, ref: EventRef) -> None:
    record = state.constituencies[evt.constituency]
    record.pending.pop(evt.deputy, None)
    record.failed_recalls[evt.deputy] = evt.at
    record.refs.append(ref)


@evolves(DeputyRecalled)
def _recall_done(state: FederationState, evt: DeputyRecalled, ref: EventRef) -> None:
    unseat(state, evt.constituency, evt.deputy, legacy=not evt.chain)
    record = state.constituencies[evt.constituency]
    record.barred.append(evt.deputy)
    record.refs.append(ref)
    state.bodies[record.council].refs.append(ref)
