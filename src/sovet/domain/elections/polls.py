"""SR-7 / DESIGN §6: the secret poll of an election — open, votes cast, close.

``open_poll`` opens the poll of a called election on or after its polling day.
``record_vote_cast`` records THAT an elector on the roll of the polling day
voted (member and election, never the content), once each, only while the poll
is open. ``close_poll`` takes the ballot box as one batch, already shuffled by
the caller (the domain has no randomness): each ``SecretBallot`` is a receipt
and a ranking (an approval set is sorted). It checks that the box holds exactly
one ballot per recorded voter, that every ranking names candidates once, and
that the grouped profile (``grouped``: ranking key → count, built by the store
with ``GROUP BY``) is the batch's; then it publishes the batch with its RFC 9162
Merkle root (``PollClosed``) and the count with its stage table
(``ElectionCounted``). A published result never changes: the election is then
"counted" and its poll "closed", and both refuse every later poll command.

Receipts: ``receipt_of(election, ballot_id, key)`` is the hex SHA-256 of the
election id, the random ballot id and the ranking key, joined by NUL bytes. A
Merkle leaf is the canonical JSON of ``{"ranking": [...], "receipt": ...}``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from sovet.counting.methods import get_method
from sovet.counting.types import Profile
from sovet.domain.elections.conduct import (
    Conduct,
    check_conduct,
    count_profile,
    stages_of,
)
from sovet.domain.elections.polling import ElectionCounted, InConstituency
from sovet.domain.franchise.electorate import roll_of
from sovet.domain.franchise.eligibility import Roll, electoral_roll, polling_date
from sovet.domain.kernel.messages import (
    ADMINISTRATOR,
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.errors import NotEligible, RuleViolation, joined, says
from sovet.ledger.canonical import canonical_json
from sovet.ledger.merkle import MerkleTree

if TYPE_CHECKING:
    from sovet.domain.elections.polling import ElectionRecord
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "ClosePoll",
    "OpenPoll",
    "PollClosed",
    "PollOpened",
    "RecordVoteCast",
    "SecretBallot",
    "VoteCast",
    "ballot_leaf",
    "check_ranking",
    "parse_key",
    "ranking_key",
    "receipt_of",
]


@dataclass(frozen=True, slots=True)
class SecretBallot:
    """DESIGN §6: one published ballot — its receipt and its ranking, no voter."""

    receipt: Annotated[
        str,
        "the ballot's receipt: hex SHA-256 of the election id, the random ballot id "
        "and the ranking",
    ]
    ranking: Annotated[
        tuple[str, ...],
        "candidate ids in order of preference (approval: the approved candidates, "
        "sorted)",
    ]


def ranking_key(ranking: Sequence[str]) -> str:
    """The stored text of a ranking (compact JSON list; what ``GROUP BY`` groups)."""
    return json.dumps(list(ranking), separators=(",", ":"), ensure_ascii=False)


def parse_key(key: str) -> tuple[str, ...]:
    """The ranking stored as ``key`` (``ranking_key``'s inverse); SR-7 if damaged."""
    try:
        value = json.loads(key)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise RuleViolation(
            "SR-7", says("stored ranking {key!r} is not a list", key=key), key
        )
    return tuple(value)


def receipt_of(election: str, ballot_id: str, key: str) -> str:
    """DESIGN §6: the voter's receipt, ``sha256(election ‖ ballot_id ‖ ranking)``."""
    data = b"\x00".join(s.encode("utf-8") for s in (election, ballot_id, key))
    return hashlib.sha256(data).hexdigest()


def ballot_leaf(ballot: SecretBallot) -> bytes:
    """The Merkle leaf data of a published ballot (canonical JSON)."""
    return canonical_json({"ranking": list(ballot.ranking), "receipt": ballot.receipt})


def check_ranking(
    ranking: Sequence[str], candidates: Sequence[str], method: str
) -> tuple[str, ...]:
    """SR-7: a ballot names candidates of the election once each; an approval
    ballot (a method that is not ranked) is returned as a sorted set."""
    unknown = sorted({c for c in ranking if c not in candidates})
    if unknown:
        raise RuleViolation(
            "SR-7",
            says("ballot names non-candidates {unknown}", unknown=unknown),
            unknown,
        )
    if len(set(ranking)) != len(ranking):
        raise RuleViolation(
            "SR-7",
            says("ballot repeats a candidate: {ranking}", ranking=list(ranking)),
            tuple(ranking),
        )
    return tuple(ranking) if get_method(method).ranked else tuple(sorted(ranking))


@command(
    resource="polls", issuers=Issuers(SECRETARY, field="election", reach="election")
)
class OpenPoll(Command):
    """SR-7: open the secret poll of a called election on its polling day."""

    election: Annotated[
        str,
        "the id of a called election; its poll opens on or after the polling day",
    ]


@command(
    resource="polls",
    issuers=Issuers(ADMINISTRATOR, service_only=True),
    ballot="election",
)
class RecordVoteCast(Command):
    """SR-7: an elector of the roll voted in an open poll (the content is apart)."""

    election: Annotated[str, "the id of the election whose poll is open"]
    member: Annotated[
        str,
        "the id of the elector who voted, on the roll of the polling day (that they "
        "voted, never how)",
    ]


@command(resource="polls", issuers=Issuers(ADMINISTRATOR, service_only=True))
class ClosePoll(Command):
    """SR-7: close the poll, publish the shuffled ballots, count and publish."""

    election: Annotated[str, "the id of the election whose poll is open"]
    minutes_signed_by: Annotated[
        tuple[str, ...],
        "SR-7: who signed the minutes: a member of the election commission and the "
        "council's representative",
    ]
    ballots: Annotated[
        tuple[SecretBallot, ...],
        "the ballot box as one shuffled batch, one ballot per recorded voter, no "
        "voter named",
    ]
    grouped: Annotated[
        dict[str, int],
        "the ballot store's count per ranking (a compact JSON list → ballots), "
        "checked against the batch",
    ] = field(default_factory=dict)


@event()
class PollOpened(InConstituency):
    """SR-7: the poll is open; votes may be cast."""

    election: str

    def describe(self) -> str:
        """One line."""
        return f"poll of {self.election} opened in {self.constituency}"


@event()
class VoteCast(InConstituency):
    """SR-7 / DESIGN §6: ``member`` voted in ``election`` (not how)."""

    election: str
    member: str

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.member)} voted in {self.election}"


@event()
class PollClosed(InConstituency):
    """SR-7 / DESIGN §6: the ballots as one shuffled batch with its Merkle root."""

    election: str
    ballots: tuple[SecretBallot, ...]
    merkle_root: str
    ballots_cast: int

    def describe(self) -> str:
        """One line."""
        return (
            f"poll of {self.election} closed: {self.ballots_cast} ballots published "
            f"(Merkle root {self.merkle_root[:16]}…)"
        )


def _open_record(state: FederationState, election: str) -> ElectionRecord:
    rec = state.election(election)
    if rec.poll != "open":
        when = says("has not opened") if not rec.poll else says("is closed")
        raise RuleViolation(
            "SR-7",
            says(
                "the poll of {election!r} {when}: no vote now",
                election=election,
                when=when,
            ),
            rec.poll,
        )
    return rec


@decides(OpenPoll)
def _open(state: FederationState, cmd: OpenPoll) -> list[DomainEvent]:
    rec = state.election(cmd.election)
    if rec.status != "called" or rec.poll:
        raise RuleViolation(
            "SR-7",
            says(
                "{election!r} is {status} (poll {poll}); only a called "
                "election opens its poll, once",
                election=cmd.election,
                status=rec.status,
                poll=rec.poll or says("never opened"),
            ),
            rec.status,
        )
    if polling_date(cmd.at) < polling_date(rec.polling_day):
        raise RuleViolation(
            "SR-7",
            says(
                "the poll opens on the polling day {polling_day} set by the "
                "council, not before",
                polling_day=rec.polling_day,
            ),
            cmd.at,
        )
    return [PollOpened(at=cmd.at, election=cmd.election, constituency=rec.constituency)]


def _roll_of_one(
    state: FederationState, constituency: str, member: str, day: str
) -> Roll:
    """``roll_of`` restricted to ``member`` (a vote costs O(1), not O(electorate))."""
    person = state.electors.get(member)
    record = state.constituencies[constituency]
    council = state.bodies.get(record.council)
    return electoral_roll(
        [person] if person else [],
        constituency,
        state.constitution.franchise,
        polling_date(day),
        min_age=council.voting_age if council else None,
    )


@decides(RecordVoteCast)
def _vote(state: FederationState, cmd: RecordVoteCast) -> list[DomainEvent]:
    rec = _open_record(state, cmd.election)
    if cmd.member in rec.voters:
        raise RuleViolation(
            "SR-7",
            says(
                "{member!r} has already voted in {election!r}",
                member=cmd.member,
                election=cmd.election,
            ),
            cmd.member,
        )
    roll = _roll_of_one(state, rec.constituency, cmd.member, rec.polling_day)
    if cmd.member not in roll.voters:
        entry = roll.entry(cmd.member)
        why = (
            joined("; ", (r.said() for r in entry.reasons))
            if entry
            else says(
                "not on the roll of {constituency!r}", constituency=rec.constituency
            )
        )
        raise NotEligible(
            "SR-4",
            says("{member!r} may not vote: {why}", member=cmd.member, why=why),
            cmd.member,
        )
    return [
        VoteCast(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            member=cmd.member,
        )
    ]


def _check_batch(rec: ElectionRecord, cmd: ClosePoll) -> Counter[str]:
    if len(cmd.ballots) != len(rec.voters):
        raise RuleViolation(
            "SR-7",
            says(
                "the ballot box holds {ballots} ballots for {voters} recorded voters",
                ballots=len(cmd.ballots),
                voters=len(rec.voters),
            ),
            len(cmd.ballots),
        )
    receipts = [b.receipt for b in cmd.ballots]
    if len(set(receipts)) != len(receipts):
        raise RuleViolation("SR-7", says("two ballots share a receipt"), cmd.election)
    candidates = tuple(rec.candidates)
    keys: Counter[str] = Counter()
    for ballot in cmd.ballots:
        ranking = check_ranking(ballot.ranking, candidates, rec.method)
        if ranking != ballot.ranking:
            raise RuleViolation(
                "SR-7",
                says(
                    "approval ballot {ranking} is not sorted",
                    ranking=list(ballot.ranking),
                ),
                ranking,
            )
        keys[ranking_key(ranking)] += 1
    if cmd.grouped and dict(keys) != dict(cmd.grouped):
        raise RuleViolation(
            "SR-7",
            says("the grouped profile does not match the published batch"),
            cmd.election,
        )
    return keys


@decides(ClosePoll)
def _close(state: FederationState, cmd: ClosePoll) -> list[DomainEvent]:
    rec = _open_record(state, cmd.election)
    constituency = state.constituency(rec.constituency)
    check_conduct(
        Conduct(
            rec.conduct.day_set_by,
            rec.conduct.commission,
            rec.conduct.council_representative,
            cmd.minutes_signed_by,
        ),
        council=constituency.council,
        commission_required=state.constitution.councils.commission_required,
    )
    keys = _check_batch(rec, cmd)
    candidates = tuple(rec.candidates)
    index = {name: i for i, name in enumerate(candidates)}
    profile = Profile.from_ballots(
        candidates, (([index[c] for c in parse_key(k)], n) for k, n in keys.items())
    )
    result = count_profile(rec.method, profile, seats=rec.seats)
    tree = MerkleTree([ballot_leaf(b) for b in cmd.ballots])
    registered = roll_of(state, rec.constituency, rec.polling_day).size
    return [
        PollClosed(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            ballots=cmd.ballots,
            merkle_root=tree.root().hex(),
            ballots_cast=len(cmd.ballots),
        ),
        ElectionCounted(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            method=rec.method,
            elected=tuple(result.elected),
            rounds=tuple(dict(r.tallies) for r in result.rounds),
            ballots_cast=len(cmd.ballots),
            registered=registered,
            ties=tuple(f"{t.kind}: {t.chosen} by {t.resolved_by}" for t in result.ties),
            stages=stages_of(result),
            quota=result.quota,
        ),
    ]


@evolves(PollOpened)
def _opened(state: FederationState, evt: PollOpened, ref: EventRef) -> None:
    rec = state.elections[evt.election]
    rec.poll = "open"
    rec.refs.append(ref)


@evolves(VoteCast)
def _voted(state: FederationState, evt: VoteCast, _ref: EventRef) -> None:
    state.elections[evt.election].voters.add(evt.member)


@evolves(PollClosed)
def _closed(state: FederationState, evt: PollClosed, ref: EventRef) -> None:
    rec = state.elections[evt.election]
    rec.poll = "closed"
    rec.receipts = {b.receipt: i for i, b in enumerate(evt.ballots)}
    rec.published = ref
    rec.refs.append(ref)
