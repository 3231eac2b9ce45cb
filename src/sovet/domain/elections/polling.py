"""SR-7/SR-8 as commands: call, count, verify and annul a deputy election.

``call_election`` fixes the seats (at most the constituency's vacant ones), the
counting method (by name, SR-7; default ``councils.counting_method``), the
polling day and the candidates (each with the franchise on that day, SR-4/SR-5;
a deputy recalled from this constituency only when ``recalled_may_stand``,
SR-10). ``count_election`` counts named ballots from the roll of the polling
day, or — for a constituency with no registered electors, as historical sources
give results — first-preference ``tallies`` within its recorded electorate; the
event keeps every stage of the count. Verification and annulment (SR-8) are
in ``verification``. A by-election (after
a recall) is an election called while the constituency has by-elections due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Literal

from sovet.counting.methods import get_method
from sovet.domain.elections.conduct import (
    Ballot,
    Conduct,
    Stage,
    check_candidates,
    check_conduct,
    count_election,
    count_profile,
    stages_of,
    tally_profile,
)
from sovet.domain.elections.deputies import ConstituencyRecord, by_election_due
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
from sovet.errors import NotEligible, RuleViolation, says

if TYPE_CHECKING:
    from sovet.counting.types import CountResult
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "CallElection",
    "CountElection",
    "ElectionCalled",
    "ElectionCounted",
    "ElectionRecord",
    "ElectionStatus",
    "InConstituency",
    "PollStatus",
    "election_of",
]


ElectionStatus = Literal["called", "counted", "verified", "annulled"]
"""SR-7/SR-8: an election called, counted, then verified or annulled."""

PollStatus = Literal["", "open", "closed"]
"""SR-7: an election's secret poll: none ("") , open or closed."""


@dataclass(slots=True)
class ElectionRecord:
    """SR-7/SR-8: an election from its call to its verification (or annulment)."""

    id: str
    constituency: str
    seats: int
    method: str
    polling_day: str
    candidates: dict[str, str]  # person → faction
    conduct: Conduct
    by_election: bool
    called: EventRef
    status: ElectionStatus = "called"
    elected: tuple[str, ...] = ()
    tallies: dict[str, Fraction] = field(default_factory=dict)  # the last round
    seated: tuple[str, ...] = ()
    refs: list[EventRef] = field(default_factory=list)
    # The secret poll (``polls``): none yet, open or closed; who voted
    # (not how); each published receipt's leaf index; the PollClosed event.
    poll: PollStatus = ""
    voters: set[str] = field(default_factory=set)
    receipts: dict[str, int] = field(default_factory=dict)
    published: EventRef | None = None


def election_of(state: FederationState, election: str) -> ElectionRecord:
    """``state.election(election)``: the election or ``NotFound`` (SR-7)."""
    return state.election(election)


def _open_seats(state: FederationState, constituency: str) -> int:
    """Vacant seats not yet taken by an election in progress."""
    pending = sum(
        e.seats
        for e in state.elections.values()
        if e.constituency == constituency and e.status in ("called", "counted")
    )
    return state.constituency(constituency).vacant - pending


@dataclass(frozen=True, slots=True, kw_only=True)
class InConstituency(DomainEvent):
    """SR-7/SR-8: base of the events of one constituency's stream."""

    constituency: str

    @property
    def stream_id(self) -> str:
        """The constituency's stream."""
        return f"constituency:{self.constituency}"


@command(
    resource="constituencies",
    issuers=Issuers(SECRETARY, field="constituency", reach="constituency"),
)
class CallElection(Command):
    """SR-7: call an election (or by-election) for seats of a constituency."""

    election: Annotated[str, "a new id for the election (e.g. by-election-1)"]
    constituency: Annotated[str, "the id of the constituency"]
    seats: Annotated[
        int,
        "number of seats to fill, at most its vacant seats not already being elected",
    ]
    polling_day: Annotated[
        str,
        "SR-7: the polling day, an ISO 8601 date not before the call",
    ]
    candidates: Annotated[
        tuple[str, ...],
        "SR-4/SR-5: ids of the candidates, each on a register and entitled to vote on "
        "the polling day",
    ]
    conduct: Annotated[
        Conduct,
        "SR-7: who set the polling day, the election commission and the council's "
        "representative",
    ]
    method: Annotated[
        str,
        "the counting method by name (e.g. plurality, irv, stv-scottish); empty = the "
        "constitution's counting_method",
    ] = ""


@event()
class ElectionCalled(InConstituency):
    """SR-7: an election is called, with its method, day and candidates."""

    election: str
    seats: int
    method: str
    polling_day: str
    candidates: dict[str, str]
    conduct: Conduct
    by_election: bool = False

    def describe(self) -> str:
        """One line."""
        kind = "by-election" if self.by_election else "election"
        return (
            f"{kind} {self.election} called in {self.constituency}: {self.seats} "
            f"seat(s) by {self.method} on {self.polling_day}"
        )


@decides(CallElection)
def _call(state: FederationState, cmd: CallElection) -> list[DomainEvent]:
    if cmd.election in state.elections:
        raise RuleViolation(
            "SR-7",
            says("election {election!r} exists", election=cmd.election),
            cmd.election,
        )
    record = state.constituency(cmd.constituency)
    params = state.constitution
    method = cmd.method or params.councils.counting_method
    if cmd.seats > 1 and not get_method(method).multi_winner:
        raise RuleViolation(
            "SR-7",
            says(
                "{method!r} fills one seat, not {seats}", method=method, seats=cmd.seats
            ),
            method,
        )
    if cmd.seats > len(set(cmd.candidates)):
        raise RuleViolation(
            "SR-7",
            says(
                "{count} candidates for {seats} seats",
                count=len(cmd.candidates),
                seats=cmd.seats,
            ),
            cmd.seats,
        )
    if not 1 <= cmd.seats <= _open_seats(state, cmd.constituency):
        raise RuleViolation(
            "SR-7",
            says(
                "{seats} seat(s) called; {constituency!r} has {open} open",
                seats=cmd.seats,
                constituency=cmd.constituency,
                open=_open_seats(state, cmd.constituency),
            ),
            cmd.seats,
        )
    day = polling_date(cmd.polling_day)
    if day < polling_date(cmd.at):
        raise RuleViolation(
            "SR-7", says("polling day {day} lies before the call", day=day), day
        )
    due = by_election_due(state, record)  # once overdue, the sooner the better
    if due is not None and polling_date(cmd.at).isoformat() <= due < day.isoformat():
        raise RuleViolation(
            "SR-10",
            says(
                "the by-election in {constituency!r} must be held by {due} "
                "(chain.by_election_within_days = "
                "{by_election_within_days}), not on {day}",
                constituency=cmd.constituency,
                due=due,
                by_election_within_days=params.chain.by_election_within_days,
                day=day,
            ),
            day.isoformat(),
        )
    check_conduct(
        cmd.conduct,
        council=record.council,
        commission_required=params.councils.commission_required,
        minutes=False,
    )
    candidates = {}
    for pid in cmd.candidates:
        candidates[pid] = state.person(pid).faction or ""
        if pid not in state.electors:
            raise NotEligible(
                "SR-4", says("candidate {pid!r} is on no register", pid=pid), pid
            )
    barred = () if params.recall.recalled_may_stand else record.barred
    check_candidates(
        [state.electors[p] for p in cmd.candidates],
        params.franchise,
        day,
        barred=barred,
    )
    return [
        ElectionCalled(
            at=cmd.at,
            election=cmd.election,
            constituency=cmd.constituency,
            seats=cmd.seats,
            method=method,
            polling_day=day.isoformat(),
            candidates=candidates,
            conduct=cmd.conduct,
            by_election=record.by_elections > 0,
        )
    ]


@evolves(ElectionCalled)
def _called(state: FederationState, evt: ElectionCalled, ref: EventRef) -> None:
    state.elections[evt.election] = ElectionRecord(
        evt.election,
        evt.constituency,
        evt.seats,
        evt.method,
        evt.polling_day,
        dict(evt.candidates),
        evt.conduct,
        evt.by_election,
        ref,
        refs=[ref],
    )


@command(
    resource="constituencies",
    issuers=Issuers(SECRETARY, field="election", reach="election"),
)
class CountElection(Command):
    """SR-7: count an election: named ``ballots`` from the roll, or ``tallies``."""

    election: Annotated[str, "the id of the called election"]
    minutes_signed_by: Annotated[
        tuple[str, ...],
        "SR-7: who signed the minutes: a member of the election commission and the "
        "council's representative",
    ]
    ballots: Annotated[
        tuple[Ballot, ...],
        "the ballots of electors on the roll of the polling day, one each (give "
        "ballots or tallies, not both)",
    ] = ()
    tallies: Annotated[
        dict[str, int],
        "first-preference votes per candidate id, only where the constituency has no "
        "register (historical results)",
    ] = field(default_factory=dict)


@event()
class ElectionCounted(InConstituency):
    """SR-7: the result with every stage of the count."""

    election: str
    method: str
    elected: tuple[str, ...]
    rounds: tuple[dict[str, Fraction], ...]
    ballots_cast: int
    registered: int
    ties: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()  # the stage table (empty in logs before 2026-12)
    quota: Fraction | None = None

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.election} counted ({self.method}, {self.ballots_cast} of "
            f"{self.registered} voted): elected {', '.join(self.elected)}"
        )


def _countable(
    state: FederationState, cmd: CountElection
) -> tuple[ElectionRecord, ConstituencyRecord]:
    """SR-7/SR-8: the election is called, no secret poll, past its polling
    day, and its minutes are signed as its conduct requires."""
    rec = state.election(cmd.election)
    if rec.status != "called":
        raise RuleViolation(
            "SR-7",
            says("{election!r} is {status}", election=cmd.election, status=rec.status),
            rec.status,
        )
    if rec.poll:
        raise RuleViolation(
            "SR-7",
            says(
                "{election!r} is a secret poll ({poll}); it is counted at close",
                election=cmd.election,
                poll=rec.poll,
            ),
            cmd.election,
        )
    if polling_date(cmd.at) < polling_date(rec.polling_day):
        raise RuleViolation(
            "SR-7",
            says("count before polling day {polling_day}", polling_day=rec.polling_day),
            cmd.at,
        )
    signed = Conduct(
        rec.conduct.day_set_by,
        rec.conduct.commission,
        rec.conduct.council_representative,
        cmd.minutes_signed_by,
    )
    constituency = state.constituency(rec.constituency)
    check_conduct(
        signed,
        council=constituency.council,
        commission_required=state.constitution.councils.commission_required,
    )
    return rec, constituency


@decides(CountElection)
def _count(state: FederationState, cmd: CountElection) -> list[DomainEvent]:
    rec, constituency = _countable(state, cmd)
    candidates = tuple(rec.candidates)
    roll = roll_of(state, rec.constituency, rec.polling_day)
    if cmd.tallies and cmd.ballots:
        raise RuleViolation(
            "SR-7", says("give ballots or tallies, not both"), cmd.election
        )
    result: CountResult
    if cmd.tallies:
        if roll.entries:
            raise RuleViolation(
                "SR-7",
                says(
                    "{constituency!r} has a register: count named ballots",
                    constituency=rec.constituency,
                ),
                cmd.election,
            )
        cast, registered = sum(cmd.tallies.values()), constituency.electorate
        if cast > registered:
            raise RuleViolation(
                "SR-7",
                says(
                    "{cast} votes for an electorate of {registered}",
                    cast=cast,
                    registered=registered,
                ),
                cast,
            )
        profile = tally_profile(candidates, cmd.tallies)
        result = count_profile(rec.method, profile, seats=rec.seats)
    else:
        counted = count_election(
            rec.constituency,
            seats=rec.seats,
            method=rec.method,
            candidates=candidates,
            roll=roll,
            ballots=cmd.ballots,
        )
        result, cast, registered = counted.count, counted.ballots_cast, roll.size
    return [
        ElectionCounted(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            method=rec.method,
            elected=tuple(result.elected),
            rounds=tuple(dict(r.tallies) for r in result.rounds),
            ballots_cast=cast,
            registered=registered,
            ties=tuple(f"{t.kind}: {t.chosen} by {t.resolved_by}" for t in result.ties),
            stages=stages_of(result),
            quota=result.quota,
        )
    ]


@evolves(ElectionCounted)
def _counted(state: FederationState, evt: ElectionCounted, ref: EventRef) -> None:
    rec = state.elections[evt.election]
    rec.status, rec.elected = "counted", evt.elected
    rec.tallies = dict(evt.rounds[-1]) if evt.rounds else {}
    rec.refs.append(ref)
