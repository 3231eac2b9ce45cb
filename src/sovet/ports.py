"""Ports: what the services need from the outside world, as Protocols.

Adapters (``sovet.adapters``) implement them. Storage errors live here::

    SovetError (sovet.errors)
    └── StorageError            the store failed to do what was asked
        └── ConcurrencyConflict another writer got there first (UNIQUE(stream, version))
            └── DuplicateEntry  a second vote or signature (UNIQUE(…, member))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import NamedTuple, Protocol, Self

from sovet.ledger.checkpoint import CheckpointRecord
from sovet.ledger.envelope import EventRow, JSONValue, NewEvent, StoredEvent
from sovet.ledger.keyring import KeyRecord

__all__ = [
    "BallotStore",
    "Checkpoint",
    "CheckpointStore",
    "Clock",
    "EventStore",
    "KeyRecordStore",
    "PersonalRecord",
    "PersonalStore",
    "ProjectionStore",
    "Signer",
    "SnapshotInfo",
    "SnapshotStore",
    "StepStore",
    "UnitOfWork",
]


class BallotStore(Protocol):
    """DESIGN §6: who voted, the ballot box (apart from them), petition signatures.

    The ballot box rows carry no member, no time and no sequence; only the
    election, a random ballot id, the receipt and the ranking text.
    """

    def record_voter(self, election: str, member: str) -> None:
        """Note that ``member`` voted; ``DuplicateEntry`` on a second vote."""
        ...

    def has_voted(self, election: str, member: str) -> bool:
        """Whether ``member`` has voted in ``election``."""
        ...

    def add_ballot(
        self, election: str, ballot_id: str, receipt: str, ranking: str
    ) -> None:
        """Put one ballot in the box."""
        ...

    def ballots(self, election: str) -> list[tuple[str, str]]:
        """Every ``(receipt, ranking)`` of the election, in no meaningful order."""
        ...

    def clear_box(self, election: str) -> None:
        """Empty the election's box (at close, once the batch is in the log)."""
        ...

    def grouped(self, election: str) -> dict[str, int]:
        """The compressed profile: ranking text → number of ballots (GROUP BY)."""
        ...

    def add_signature(self, petition: str, member: str) -> None:
        """Record a signature; ``DuplicateEntry`` when ``member`` signed already."""
        ...

    def signatures(self, petition: str) -> int:
        """How many members signed ``petition``."""
        ...


class EventStore(Protocol):
    """The append-only, hash-chained log. No update, no delete."""

    def append(
        self,
        events: Sequence[NewEvent],
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[StoredEvent]:
        """Append in order, assigning seq, per-stream version and hash links.

        ``expected_versions`` maps a stream to the version the writer last saw;
        any mismatch (or a lost race on ``UNIQUE(stream_id, version)``) raises
        ``ConcurrencyConflict``.
        """
        ...

    def read(
        self, after_seq: int = 0, limit: int | None = None
    ) -> Iterator[StoredEvent]:
        """Events with ``seq > after_seq`` in order, at most ``limit`` of them."""
        ...

    def read_rows(
        self, after_seq: int = 0, upto_seq: int | None = None
    ) -> Iterator[EventRow]:
        """What the fold uses of the events ``after_seq < seq <= upto_seq``, in
        order (``envelope.EventRow``: no envelope object, no JSON parsed)."""
        ...

    def read_rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs`` in the order given."""
        ...

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event, or ``(0, GENESIS_HASH)`` when empty."""
        ...

    def stream_version(self, stream_id: str) -> int:
        """The stream's current version (0 when it has no event)."""
        ...


class ProjectionStore(Protocol):
    """Query tables derived from the log, written in the append's transaction."""

    def put(self, kind: str, key: str, value: JSONValue) -> None:
        """Insert or replace the row ``(kind, key)``."""
        ...

    def delete(self, kind: str, key: str) -> None:
        """Remove the row ``(kind, key)`` if present."""
        ...

    def get(self, kind: str, key: str) -> JSONValue | None:
        """The row's value, or ``None``."""
        ...

    def all(self, kind: str) -> dict[str, JSONValue]:
        """Every row of one kind, by key."""
        ...

    def clear(self) -> None:
        """Drop every row (before a rebuild by replay)."""
        ...


class Checkpoint(Protocol):
    """A signed statement of the log's head: size, Merkle root, head hash.

    Read-only members, so frozen dataclasses (``ledger.checkpoint.SignedCheckpoint``)
    satisfy it.
    """

    @property
    def size(self) -> int: ...
    @property
    def root_hash(self) -> str: ...
    @property
    def head_hash(self) -> str: ...
    @property
    def signature(self) -> str: ...
    @property
    def public_key(self) -> str: ...


class CheckpointStore(Protocol):
    """Signed checkpoints, append-only."""

    def add(
        self,
        checkpoint: Checkpoint,
        *,
        appended_at: str | None = None,
        peaks: Sequence[str] | None = None,
    ) -> None:
        """Store a checkpoint, with when it was made and its tree's compact range."""
        ...

    def list(self) -> list[Checkpoint]:
        """All checkpoints, oldest first."""
        ...

    def latest(self) -> CheckpointRecord | None:
        """The largest checkpoint with what was stored beside it, or ``None``."""
        ...

    def at(self, size: int) -> Checkpoint | None:
        """The checkpoint of ``size`` events, or ``None``."""
        ...

    def resign(self, checkpoint: Checkpoint) -> None:
        """Replace the signature (and snapshot hash) of the stored checkpoint of
        the same size, root, head and key (``StorageError`` if none)."""
        ...

    def lock_signing(self) -> None:
        """Wait until this unit is the only one signing (held to its end).

        PostgreSQL: a transaction-scoped advisory lock, so that of several
        servers one signs at a time. SQLite and memory: nothing (one writer at
        a time; a second checkpoint of one size is refused).
        """
        ...


class SnapshotInfo(NamedTuple):
    """A stored snapshot's log size, format (``services.snapshots.FORMAT``) and
    the SHA-256 (hex) of its bytes."""

    size: int
    format: str
    sha256: str


class SnapshotStore(Protocol):
    """Snapshots of the folded state, one per log size (a cache of the log)."""

    def put(self, info: SnapshotInfo, data: bytes) -> None:
        """Store (or replace) the snapshot at ``info.size``."""
        ...

    def list(self) -> list[SnapshotInfo]:
        """Every snapshot without its bytes, largest size first."""
        ...

    def data(self, size: int) -> bytes | None:
        """The bytes of the snapshot at ``size``, or ``None``."""
        ...

    def delete(self, size: int) -> None:
        """Drop the snapshot at ``size`` (if any)."""
        ...


class KeyRecordStore(Protocol):
    """The signing key's certificates and rotations (``ledger.keyring``), in order."""

    def add(self, record: KeyRecord) -> None:
        """Store a record after the others."""
        ...

    def list(self) -> list[KeyRecord]:
        """All records, in the order they were added."""
        ...


@dataclass(frozen=True, slots=True)
class PersonalRecord:
    """A member's personal data (v2 logs, issue 10 finding 9), kept off the
    chain and erasable: ``data`` is the record the chain's commitment covers
    (``services.personal``), ``secret`` the member's HMAC key (hex)."""

    person: str
    secret: str
    data: Mapping[str, JSONValue]


class PersonalStore(Protocol):
    """The erasable table of personal data, written in the unit's transaction."""

    def get(self, person: str) -> PersonalRecord | None:
        """The member's record, or ``None`` (never kept, or erased)."""
        ...

    def put(self, record: PersonalRecord) -> None:
        """Store or replace the member's record."""
        ...

    def erase(self, person: str) -> bool:
        """Remove the member's record and secret; ``False`` if there was none."""
        ...

    def all(self) -> list[PersonalRecord]:
        """Every record, by person id."""
        ...


class UnitOfWork(Protocol):
    """One transaction: rolls back on exit unless ``commit()`` was called."""

    # Read-only members, so adapters may declare their concrete store types.
    @property
    def events(self) -> EventStore: ...
    @property
    def projections(self) -> ProjectionStore: ...
    @property
    def checkpoints(self) -> CheckpointStore: ...
    @property
    def key_records(self) -> KeyRecordStore: ...
    @property
    def snapshots(self) -> SnapshotStore: ...
    @property
    def personal(self) -> PersonalStore: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make everything done in this unit durable, atomically."""
        ...

    def rollback(self) -> None:
        """Discard everything done in this unit."""
        ...


class StepStore(Protocol):
    """The scenario steps a database has applied, by content hash (``sovet run``).

    A step is recorded in the unit of work that applies it, so its record and
    its events commit together or not at all; a step applied several times
    (the same command twice in a file) has one record per time.
    """

    def applied(self, digest: str) -> list[tuple[int, int]]:
        """``(first_seq, last_seq)`` of each time a step with this hash was
        applied, oldest first (``last_seq < first_seq`` when it appended none)."""
        ...

    def record(self, digest: str) -> None:
        """Note that a step with this hash is applied in the open unit; it is
        written when the unit commits, with the seqs of the events appended."""
        ...


class Clock(Protocol):
    """The only way 'now' enters the system."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class Signer(Protocol):
    """Signs checkpoint messages (Ed25519 in ``sovet.adapters.signing``)."""

    def public_key_hex(self) -> str:
        """The raw public key, hex-encoded."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message``."""
        ...
