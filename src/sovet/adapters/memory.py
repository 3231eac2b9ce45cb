"""In-memory stores with the semantics of the SQL ones (unit tests, demo, ``whatif``).

Values are kept as canonical JSON bytes and parsed afresh on every read, so a
caller mutating what it wrote or read never changes the store — as with SQL.

``InMemoryUnitOfWork`` copies the committed state on begin and works on the copy;
``commit()`` merges it back atomically, ``rollback()`` (the default on exit)
drops it. A commit whose events were appended on a log that another unit has
grown since this one began raises ``ConcurrencyConflict`` (the SQL stores reject
it by ``PRIMARY KEY(seq)`` / ``UNIQUE(stream_id, version)``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sovet.adapters.memory_keys import InMemoryKeyRecordStore
from sovet.adapters.memory_personal import InMemoryPersonalStore
from sovet.adapters.memory_snapshots import InMemorySnapshotStore
from sovet.errors import ConcurrencyConflict, StorageError
from sovet.ledger.canonical import canonical_json
from sovet.ledger.chain import link_batch
from sovet.ledger.checkpoint import CheckpointRecord, SignedCheckpoint
from sovet.ledger.envelope import (
    GENESIS_HASH,
    EventRow,
    JSONValue,
    NewEvent,
    StoredEvent,
)
from sovet.ports import Checkpoint

__all__ = [
    "InMemoryCheckpointStore",
    "InMemoryDatabase",
    "InMemoryEventStore",
    "InMemoryKeyRecordStore",
    "InMemoryProjectionStore",
    "InMemoryUnitOfWork",
    "check_expected_versions",
    "utc_now",
]


def check_expected_versions(
    expected: Mapping[str, int] | None, actual: Mapping[str, int]
) -> None:
    """Raise ``ConcurrencyConflict`` when a stream moved past what the writer saw."""
    for stream, version in (expected or {}).items():
        now = actual.get(stream, 0)
        if now != version:
            raise ConcurrencyConflict(
                f"stream {stream!r} is at version {now}, not the expected {version}: "
                "another writer appended first"
            )


def utc_now() -> datetime:
    """The system clock in UTC: where a store takes ``appended_at`` from."""
    return datetime.now(UTC)


class InMemoryEventStore:
    """The append-only, hash-chained log held in lists (a ``ports.EventStore``).

    A unit's store shares the committed lists (append-only, so the first
    ``_base`` entries never change) and keeps its own appends apart until the
    commit: beginning a unit costs O(streams), not O(events).
    """

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._events: list[StoredEvent] = []
        self._payloads: list[bytes] = []
        self._base = 0
        self._new_events: list[StoredEvent] = []
        self._new_payloads: list[bytes] = []
        self._versions: dict[str, int] = {}
        self.clock = clock
        """The store's clock: each new event's ``appended_at`` comes from it."""

    def _fork(self) -> InMemoryEventStore:
        copy = InMemoryEventStore(self.clock)
        copy._events = self._events
        copy._payloads = self._payloads
        copy._base = len(self._events)
        copy._versions = self._versions.copy()
        return copy

    def _merge(self, work: InMemoryEventStore) -> None:
        self._events.extend(work._new_events)
        self._payloads.extend(work._new_payloads)
        self._base = len(self._events)
        for event in work._new_events:
            self._versions[event.stream_id] = event.version

    def _conflicts_with(self, work: InMemoryEventStore) -> bool:
        return bool(work._new_events) and len(self._events) != work._base

    def append(
        self,
        events: Sequence[NewEvent],
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[StoredEvent]:
        """Append in order with seq, versions and hash links (see ``ports``)."""
        check_expected_versions(expected_versions, self._versions)
        stored, payloads = link_batch(
            events,
            head=self.head(),
            versions=self._versions,
            last_appended=self._last_appended(),
            now=self.clock() if events else None,
        )
        self._new_events.extend(stored)
        self._new_payloads.extend(payloads)
        for event in stored:
            self._versions[event.stream_id] = event.version
        return [_with_payload(e, p) for e, p in zip(stored, payloads, strict=True)]

    def read(
        self, after_seq: int = 0, limit: int | None = None
    ) -> Iterator[StoredEvent]:
        """Events with ``seq > after_seq`` in order, at most ``limit``."""
        base = self._base
        start = max(after_seq, 0)
        stop = base + len(self._new_events)
        if limit is not None:
            stop = min(stop, start + max(limit, 0))
        if start < base:
            end = min(stop, base)
            for event, payload in zip(
                self._events[start:end], self._payloads[start:end], strict=True
            ):
                yield _with_payload(event, payload)
        first, last = max(start - base, 0), max(stop - base, 0)
        for event, payload in zip(
            self._new_events[first:last], self._new_payloads[first:last], strict=True
        ):
            yield _with_payload(event, payload)

    def read_rows(
        self, after_seq: int = 0, upto_seq: int | None = None
    ) -> Iterator[EventRow]:
        """The fold's rows of the events ``after_seq < seq <= upto_seq``."""
        limit = None if upto_seq is None else max(upto_seq - after_seq, 0)
        return self._rows(after_seq, limit)

    def read_rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs``, in the order given."""
        size = self._base + len(self._new_events)
        for seq in seqs:
            if not 0 < seq <= size:
                raise StorageError(f"event {seq} is not in the log")
            yield next(self._rows(seq - 1, 1))

    def _rows(self, after: int, limit: int | None) -> Iterator[EventRow]:
        base, start = self._base, max(after, 0)
        stop = base + len(self._new_events)
        stop = stop if limit is None else min(stop, start + limit)
        for i in range(start, stop):
            new = i >= base
            e = self._new_events[i - base] if new else self._events[i]
            text = (self._new_payloads[i - base] if new else self._payloads[i]).decode()
            yield e.seq, e.type, text, e.effective_at, e.hash, e.appended_at

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event, or ``(0, GENESIS_HASH)``."""
        if self._new_events:
            last = self._new_events[-1]
        elif self._base:
            last = self._events[self._base - 1]
        else:
            return 0, GENESIS_HASH
        return last.seq, last.hash

    def _last_appended(self) -> str | None:
        if self._new_events:
            return self._new_events[-1].appended_at
        return self._events[self._base - 1].appended_at if self._base else None

    def stream_version(self, stream_id: str) -> int:
        """The stream's current version (0 when it has none)."""
        return self._versions.get(stream_id, 0)


def _with_payload(event: StoredEvent, payload: bytes) -> StoredEvent:
    command = event.command
    return replace(
        event,
        payload=json.loads(payload),
        command=None if command is None else json.loads(json.dumps(command)),
    )


class InMemoryProjectionStore:
    """Query rows by ``(kind, key)``, values kept as canonical JSON."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], bytes] = {}
        self._changes: dict[tuple[str, str], bytes | None] = {}
        self._cleared = False

    def _fork(self) -> InMemoryProjectionStore:
        copy = InMemoryProjectionStore()
        copy._rows = self._rows.copy()
        return copy

    def _merge(self, work: InMemoryProjectionStore) -> None:
        if work._cleared:
            self._rows.clear()
        for row, value in work._changes.items():
            if value is None:
                self._rows.pop(row, None)
            else:
                self._rows[row] = value

    def put(self, kind: str, key: str, value: JSONValue) -> None:
        """Insert or replace the row ``(kind, key)``."""
        data = canonical_json(value, path=f"projection {kind}/{key}")
        self._rows[kind, key] = data
        self._changes[kind, key] = data

    def delete(self, kind: str, key: str) -> None:
        """Remove the row ``(kind, key)`` if present."""
        self._rows.pop((kind, key), None)
        self._changes[kind, key] = None

    def get(self, kind: str, key: str) -> JSONValue | None:
        """The row's value, or ``None``."""
        data = self._rows.get((kind, key))
        return None if data is None else json.loads(data)

    def all(self, kind: str) -> dict[str, JSONValue]:
        """Every row of one kind, by key (in key order, as SQL returns them)."""
        rows = {key: data for (k, key), data in self._rows.items() if k == kind}
        return {key: json.loads(rows[key]) for key in sorted(rows)}

    def clear(self) -> None:
        """Drop every row."""
        self._rows.clear()
        self._changes.clear()
        self._cleared = True


class InMemoryCheckpointStore:
    """Signed checkpoints, append-only, one per log size."""

    def __init__(self) -> None:
        self._items: list[CheckpointRecord] = []
        self._base = 0
        self._resigned: dict[int, CheckpointRecord] = {}

    def _fork(self) -> InMemoryCheckpointStore:
        copy = InMemoryCheckpointStore()
        copy._items = self._items.copy()
        copy._base = len(self._items)
        return copy

    def _clash(self, work: InMemoryCheckpointStore) -> int | None:
        sizes = {item.checkpoint.size for item in self._items}
        for item in work._items[work._base :]:
            if item.checkpoint.size in sizes:
                return item.checkpoint.size
        return None

    def _merge(self, work: InMemoryCheckpointStore) -> None:
        self._items.extend(work._items[work._base :])
        self._items = [work._resigned.get(i.checkpoint.size, i) for i in self._items]
        self._items.sort(key=lambda item: item.checkpoint.size)

    def add(
        self,
        checkpoint: Checkpoint,
        *,
        appended_at: str | None = None,
        peaks: Sequence[str] | None = None,
    ) -> None:
        """Store a checkpoint; a second one for the same size is refused."""
        if any(item.checkpoint.size == checkpoint.size for item in self._items):
            raise StorageError(f"a checkpoint for size {checkpoint.size} exists")
        signed = SignedCheckpoint(
            checkpoint.size,
            checkpoint.root_hash,
            checkpoint.head_hash,
            checkpoint.signature,
            checkpoint.public_key,
            getattr(checkpoint, "snapshot", None),
        )
        kept = None if peaks is None else tuple(peaks)
        self._items.append(CheckpointRecord(signed, appended_at, kept))

    def list(self) -> list[Checkpoint]:
        """All checkpoints, oldest (smallest size) first."""
        ordered = sorted(self._items, key=lambda item: item.checkpoint.size)
        return [item.checkpoint for item in ordered]

    def latest(self) -> CheckpointRecord | None:
        """The largest checkpoint and what was kept beside it."""
        return max(self._items, key=lambda item: item.checkpoint.size, default=None)

    def at(self, size: int) -> Checkpoint | None:
        """The checkpoint of ``size`` events, or ``None``."""
        found = [i.checkpoint for i in self._items if i.checkpoint.size == size]
        return found[0] if found else None

    def resign(self, checkpoint: Checkpoint) -> None:
        """Replace the signature (and snapshot hash) of the same checkpoint."""
        for n, item in enumerate(self._items):
            cp = item.checkpoint
            if (cp.size, cp.root_hash, cp.head_hash, cp.public_key) == (
                checkpoint.size,
                checkpoint.root_hash,
                checkpoint.head_hash,
                checkpoint.public_key,
            ):
                snapshot = getattr(checkpoint, "snapshot", None)
                signed = replace(cp, signature=checkpoint.signature, snapshot=snapshot)
                self._items[n] = self._resigned[cp.size] = replace(
                    item, checkpoint=signed
                )
                return
        raise StorageError(
            f"no checkpoint of {checkpoint.size} events by that key to re-sign"
        )

    def lock_signing(self) -> None:
        """Nothing to lock: a unit's commit refuses a second checkpoint of a size."""


class InMemoryUnitOfWork:
    """A ``ports.UnitOfWork`` over one in-memory database; reusable and nestable.

    Each outermost ``with`` begins on a copy of the committed state; nested
    ``with`` blocks on the same object join the open unit. Several units made
    with ``InMemoryUnitOfWork(other.database)`` share one database.
    """

    events: InMemoryEventStore
    projections: InMemoryProjectionStore
    checkpoints: InMemoryCheckpointStore
    key_records: InMemoryKeyRecordStore
    snapshots: InMemorySnapshotStore
    personal: InMemoryPersonalStore

    def __init__(self, database: InMemoryDatabase | None = None) -> None:
        self.database = database or InMemoryDatabase()
        self._depth = 0
        self._begin()

    def _begin(self) -> None:
        db = self.database
        with db.lock:
            self.events = db.events._fork()
            self.projections = db.projections._fork()
            self.checkpoints = db.checkpoints._fork()
            self.key_records = db.key_records._fork()
            self.snapshots = db.snapshots._fork()
            self.personal = db.personal._fork()

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._begin()
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()

    def commit(self) -> None:
        """Merge this unit's appends, rows and checkpoints, or none of them."""
        db = self.database
        with db.lock:
            if db.events._conflicts_with(self.events):
                self._begin()
                raise ConcurrencyConflict(
                    "another writer appended to the log since this unit began "
                    "(seq already taken); nothing was written"
                )
            size = db.checkpoints._clash(self.checkpoints)
            if size is not None:
                self._begin()
                raise StorageError(f"a checkpoint for size {size} exists")
            if db.key_records._clash(self.key_records):
                self._begin()
                raise ConcurrencyConflict(
                    "another writer recorded a key change since this unit began; "
                    "nothing was written"
                )
            db.events._merge(self.events)
            db.projections._merge(self.projections)
            db.checkpoints._merge(self.checkpoints)
            db.key_records._merge(self.key_records)
            db.snapshots._merge(self.snapshots)
            db.personal._merge(self.personal)
            self._begin()

    def rollback(self) -> None:
        """Discard everything done since the unit began (or last committed)."""
        self._begin()


class InMemoryDatabase:
    """The committed state several in-memory units of work share."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self.events = InMemoryEventStore(clock)
        self.projections = InMemoryProjectionStore()
        self.checkpoints = InMemoryCheckpointStore()
        self.key_records = InMemoryKeyRecordStore()
        self.snapshots = InMemorySnapshotStore()
        self.personal = InMemoryPersonalStore()
