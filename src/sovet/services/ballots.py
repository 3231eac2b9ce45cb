"""Secret ballots (DESIGN §6, SR-7): open, cast, close, count, result, receipts.

Secrecy model. Who voted and how are stored apart: ``votes_cast`` holds THAT a
member voted (and the log's ``VoteCast`` event says so publicly); the
``ballot_box`` holds each ballot with a 128-bit random ``ballot_id``, its
receipt and its ranking — no member, no timestamp, no sequential id. The
receipt goes to the voter only, in the answer to the cast. At close the box is
read ordered by the random id, shuffled again with ``secrets.SystemRandom``
and appended to the log as ONE batch (``PollClosed``) with its RFC 9162 Merkle
root; the count runs on the profile grouped in the database (``GROUP BY
ranking``) and is published with its stage table (``ElectionCounted``).

Limits — what a database administrator could still correlate, and what we do:

- Physical row order and transaction ids: a ballot row and its ``votes_cast``
  row are written in the same transaction and in the same order, so while the
  poll is open the heap position and ``xmin`` (PostgreSQL), the page layout
  (SQLite) and the WAL can link a ballot to its voter for whoever reads the
  raw storage. What we do: ``ballot_box`` has no sequential column (on SQLite
  it is a ``WITHOUT ROWID`` table kept in random-id order, not arrival order);
  the box is read by random id and reshuffled; and the closing transaction
  empties the box, so after close only the reshuffled batch in the log holds
  the ballots (dead PostgreSQL tuples remain until VACUUM, and WAL archives
  keep what they kept). An operator who must keep ballots secret from the DBA
  during the poll needs a separate ballot database or a mix-net — out of scope.
- The log: ``VoteCast`` events and ``PollClosed`` are in one hash chain, but the
  batch is one event written at close, so its order says nothing about arrival.
- Timing: the ``VoteCast`` event's time and the order of votes are public; the
  ballots carry no time, and the published order is random.
- Small electorates: a unanimous or tiny poll reveals votes by arithmetic, as
  any published count does.
- Not receipt-free: the published batch pairs each receipt with its ranking,
  so a voter who shows their receipt shows how they voted (a buyer or coercer
  could demand it). The receipt is a hash over a secret random id and the
  ranking, so nobody else can link it to the voter.

Concurrency: a cast is all or nothing — the ``votes_cast`` row, the ballot
and the ``VoteCast`` event. Concurrent casts share a transaction
(``services.group_commit``: each in its own savepoint, each its own chained
event, each answered after the commit). On PostgreSQL it runs at SERIALIZABLE
behind a lock on the log's head; serialization failures (40001), deadlocks
and head-of-log conflicts are retried ``ATTEMPTS`` times with jittered
exponential back-off, then reported as ``ConcurrencyConflict`` (409). A second
ballot of one member is a ``DuplicateEntry`` (409), never retried, and takes
nothing from the other casts of its group.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from sovet.adapters.memory import InMemoryUnitOfWork
from sovet.adapters.memory_ballots import InMemoryBallotUnitOfWork
from sovet.adapters.sql import SqlUnitOfWork
from sovet.adapters.sql.ballots_schema import SqlBallotUnitOfWork
from sovet.counting.ballots import BallotKind, BallotShape, MarkedBallot, check_ballot
from sovet.counting.methods import get_method
from sovet.domain import Command, FederationState, event_from_stored
from sovet.domain.elections.polling import ElectionCounted, ElectionRecord
from sovet.domain.elections.polls import (
    ClosePoll,
    OpenPoll,
    PollClosed,
    RecordVoteCast,
    SecretBallot,
    ballot_leaf,
    check_ranking,
    parse_key,
    ranking_key,
    receipt_of,
)
from sovet.errors import (
    BallotRefused,
    ChainBroken,
    DuplicateEntry,
    NotFound,
    says,
)
from sovet.ledger.envelope import StoredEvent
from sovet.ledger.merkle import MerkleTree, verify_inclusion
from sovet.ports import BallotStore
from sovet.services.bootstrap import Services
from sovet.services.group_commit import GroupUnit, committer_for
from sovet.services.live import live_at
from sovet.services.results import election_report

__all__ = [
    "ATTEMPTS",
    "BallotUnit",
    "CastReceipt",
    "ballot_json",
    "ballot_units",
    "cast_ballot",
    "close_poll",
    "election_ballot",
    "election_council",
    "election_view",
    "groups_possible",
    "open_poll",
    "state_now",
    "transact",
    "verify_receipt",
]

ATTEMPTS = 12
"""How many times a conflicting transaction is tried before a 409."""


class BallotUnit(GroupUnit, Protocol):
    """A unit of work that also writes the ballot tables (``ports.BallotStore``),
    with the log lock, savepoints and retry test of ``group_commit.GroupUnit``."""

    @property
    def ballots(self) -> BallotStore: ...


def ballot_units(services: Services) -> Callable[[], BallotUnit]:
    """A factory of ballot units over the same database as ``services.uow``."""
    probe = services.uow()
    if isinstance(probe, SqlUnitOfWork):
        engine = probe.engine
        return lambda: SqlBallotUnitOfWork(engine)
    if isinstance(probe, InMemoryUnitOfWork):
        database = probe.database
        return lambda: InMemoryBallotUnitOfWork(database)
    raise TypeError(f"no ballot tables for {type(probe).__name__}")


def groups_possible(services: Services) -> bool:
    """Whether ``services`` stores the ballot tables, so its acts can be
    committed in groups (``transact``)."""
    return isinstance(services.uow(), SqlUnitOfWork | InMemoryUnitOfWork)


def transact(
    services: Services,
    build: Callable[[BallotUnit, FederationState], Command],
    *,
    attempts: int = ATTEMPTS,
) -> list[StoredEvent]:
    """Run ``build`` (which may write ballot rows) and its command in one unit,
    shared with the process's other live acts (``group_commit``); the events
    are returned once committed.

    ``build`` runs holding the head of the log, on the state that holds the
    acts committed before it (and the earlier ones of its group): a live act
    takes its time there (``live_at``), so acts queued behind each other stay
    in time order.

    Retries transient conflicts; ``RuleViolation`` and ``DuplicateEntry`` end
    at once; after ``attempts`` a ``ConcurrencyConflict`` says it gave up.
    """
    committer = committer_for(services.cache, lambda: ballot_units(services))
    return committer.submit(build, attempts=attempts)


def open_poll(
    services: Services, election: str, *, at: str | None = None
) -> list[StoredEvent]:
    """SR-7: open the poll of a called election."""
    return transact(
        services, lambda _u, _s: OpenPoll(at=live_at(services, at), election=election)
    )


def ballot_json(kind: BallotKind, row: Sequence[str]) -> dict[str, Any]:
    """A stored ballot in the shape the API's ballot body names (``marks``,
    ``ranking`` or ``list``)."""
    if kind == "list":
        return {"list": row[0] if row else None, "preferences": []}
    return {kind: list(row)}


@dataclass(frozen=True, slots=True)
class CastReceipt:
    """DESIGN §6: what the voter takes home (the receipt) and the public record."""

    election: str
    receipt: str
    vote_event: StoredEvent
    ballot: tuple[str, ...] = ()
    """The ballot as stored (marks sorted, a ranking in order, one list)."""
    kind: BallotKind = "ranking"

    def to_json(self) -> dict[str, Any]:
        """``{election, receipt, ballot: {<shape>: …}, recorded: {seq, hash}}``."""
        event = self.vote_event
        return {
            "election": self.election,
            "receipt": self.receipt,
            "ballot": ballot_json(self.kind, self.ballot),
            "recorded": {"seq": event.seq, "hash": event.hash, "type": event.type},
        }


def election_ballot(services: Services, election: str) -> tuple[str, BallotShape, int]:
    """SR-7: the method of ``election``, the ballot it declares and its seats."""
    with state_now(services) as state:
        rec = state.election(election)
        return rec.method, get_method(rec.method).ballot, rec.seats


def cast_ballot(
    services: Services,
    election: str,
    member: str,
    ballot: MarkedBallot | Sequence[str],
    *,
    at: str | None = None,
) -> CastReceipt:
    """SR-7 / DESIGN §6: cast ``member``'s ballot; one transaction, one receipt.

    ``ballot`` names its shape (``MarkedBallot``: marks, a ranking or one list);
    a plain sequence is a ballot of the shape the election's method declares.
    A ballot that does not fit the method's declaration — the wrong shape, more
    marks than it allows, a candidate twice, nobody at all (no constitution
    parameter counts blank ballots, issue 10) — is refused whole
    (``BallotRefused``, SR-7, 422) and uses up nothing; it is never trimmed.
    The ballot stored, published and counted is ``check_ballot``'s: marks
    sorted, a ranking in the voter's order, a list as its one list.
    """
    if not isinstance(ballot, MarkedBallot) and not ballot:
        raise BallotRefused(
            "SR-7",
            says(
                "an empty ballot is not a ballot: blank ballots are not "
                "counted here (no constitution parameter provides for them)"
            ),
            (),
        )
    receipts: list[str] = []
    stored: list[tuple[tuple[str, ...], BallotKind]] = []

    def build(uow: BallotUnit, state: FederationState) -> Command:
        rec = state.election(election)
        shape = get_method(rec.method).ballot
        marked = (
            ballot
            if isinstance(ballot, MarkedBallot)
            else MarkedBallot(shape.kind, tuple(ballot))
        )
        candidates = tuple(rec.candidates)
        row = check_ballot(rec.method, shape, marked, candidates, rec.seats)
        row = check_ranking(row, candidates, rec.method)
        if member in rec.voters:  # the log's VoteCast, committed with its row
            raise DuplicateEntry(
                f"SR-7: {member!r} has already voted in {election!r} (one ballot each)"
            )
        uow.ballots.record_voter(election, member)
        ballot_id, key = secrets.token_hex(16), ranking_key(row)
        receipts.append(receipt_of(election, ballot_id, key))
        stored.append((row, shape.kind))
        uow.ballots.add_ballot(election, ballot_id, receipts[-1], key)
        return RecordVoteCast(
            at=live_at(services, at), election=election, member=member
        )

    events = transact(services, build)
    return CastReceipt(election, receipts[-1], events[0], *stored[-1])


def close_poll(
    services: Services,
    election: str,
    minutes_signed_by: Sequence[str],
    *,
    at: str | None = None,
) -> list[StoredEvent]:
    """SR-7: close the poll, publish the shuffled batch, count, publish the result."""

    def build(uow: BallotUnit, _state: FederationState) -> Command:
        box = [SecretBallot(r, parse_key(k)) for r, k in uow.ballots.ballots(election)]
        secrets.SystemRandom().shuffle(box)
        grouped = uow.ballots.grouped(election)
        uow.ballots.clear_box(election)  # the batch in the log is now the record
        return ClosePoll(
            at=live_at(services, at),
            election=election,
            minutes_signed_by=tuple(minutes_signed_by),
            ballots=tuple(box),
            grouped=grouped,
        )

    return transact(services, build)


def _read(services: Services, seq: int) -> StoredEvent:
    with services.uow() as uow:
        found = list(uow.events.read(after_seq=seq - 1, limit=1))
    if not found:
        raise NotFound("SR-7", says("event {seq} is not in the log", seq=seq), seq)
    return found[0]


def state_now(services: Services) -> AbstractContextManager[FederationState]:
    """The folded state at the head of the log, unchanged while the ``with``
    block reads it (``services.cache.snapshot``: the process's one fold)."""
    return services.cache.snapshot(services.uow)


def _published(services: Services, rec: ElectionRecord) -> tuple[Any, ...]:
    """The count and the batch a secret poll published (receipt proofs)."""
    counted = next(r for r in rec.refs if r.type == "ElectionCounted")
    closed = rec.published
    if closed is None:
        raise NotFound(
            "SR-7", says("{id!r} has no published ballots", id=rec.id), rec.id
        )
    count = event_from_stored(_read(services, counted.seq))
    batch = event_from_stored(_read(services, closed.seq))
    if not isinstance(count, ElectionCounted) or not isinstance(batch, PollClosed):
        raise ChainBroken(closed.seq, f"the published result of {rec.id!r} is not here")
    return count, batch, counted, closed


def election_council(services: Services, election: str) -> tuple[str, bool]:
    """SR-7: the council whose secretary runs ``election``, and whether the
    method takes a ranking (else an approval set)."""
    with state_now(services) as state:
        rec = state.election(election)
        council = state.constituencies[rec.constituency].council
        return council, get_method(rec.method).ranked


def election_view(
    services: Services, election: str, *, at: str | None = None
) -> dict[str, Any]:
    """SR-7: an election (as it stood at ``at``, default now) and, once counted,
    its count report (``services.results``).

    ``result`` has exactly the JSON of ``sovet count --format json`` (DESIGN
    §4: exact numbers, ``Decimal`` for fractions — write it with
    ``dumps_exact``); ``turnout`` the ballots cast and the electors registered;
    ``voted`` the ballots cast once counted, else the voters recorded while the
    poll is open. A count of named ballots or tallies (no secret poll) has its
    result too. No tally while a poll is open.
    """
    with state_now(services) as state:
        then = services.cache.as_of(state, at) if at else state
        return _view(services, then.election(election))


def _view(services: Services, rec: ElectionRecord) -> dict[str, Any]:
    found = election_report(services, rec)
    shape = get_method(rec.method).ballot
    view: dict[str, Any] = {
        "election": rec.id,
        "constituency": rec.constituency,
        "method": rec.method,
        "seats": rec.seats,
        "polling_day": rec.polling_day,
        "candidates": dict(rec.candidates),
        "ballot": shape.to_json(rec.seats, len(rec.candidates)),
        "status": rec.status,
        "poll": rec.poll or "not_open",
        "voted": found.ballots_cast if found else len(rec.voters),
        "turnout": found.turnout() if found else None,
        "result": found.report.to_json() if found else None,
    }
    if found is not None:
        view.update(found.publication())
    return view


def verify_receipt(
    services: Services, receipt: str, *, election: str | None = None
) -> dict[str, Any]:
    """DESIGN §6: the ballot's leaf index, inclusion proof and the published root
    (in ``election`` when given, else in whichever election published it).

    ``ranking`` is the published leaf's content (the domain's name for any
    stored ballot); ``ballot`` the same ballot in the shape of its method."""
    with state_now(services) as state:
        return _receipt(services, state, receipt, election)


def _receipt(
    services: Services, state: FederationState, receipt: str, election: str | None
) -> dict[str, Any]:
    if election is not None:
        elections = [state.election(election)]
    else:
        elections = list(state.elections.values())
    rec = next((r for r in elections if receipt in r.receipts), None)
    if rec is None:
        raise NotFound(
            "SR-7",
            says(
                "no published ballot has the receipt {receipt!r} (ballots "
                "are published when the poll closes)",
                receipt=receipt,
            ),
            receipt,
        )
    _count, batch, _counted, closed = _published(services, rec)
    index = rec.receipts[receipt]
    tree = MerkleTree([ballot_leaf(b) for b in batch.ballots])
    proof = tree.inclusion_proof(index)
    leaf = tree.node(0, index)
    root = bytes.fromhex(batch.merkle_root)
    return {
        "election": rec.id,
        "receipt": receipt,
        "ranking": list(batch.ballots[index].ranking),
        "ballot": ballot_json(
            get_method(rec.method).ballot.kind, batch.ballots[index].ranking
        ),
        "leaf_index": index,
        "tree_size": tree.size,
        "leaf_hash": leaf.hex(),
        "proof": [p.hex() for p in proof],
        "merkle_root": batch.merkle_root,
        "event": {"seq": closed.seq, "hash": closed.hash, "type": closed.type},
        "verified": verify_inclusion(leaf, index, tree.size, proof, root),
    }
