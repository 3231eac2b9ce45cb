"""``SqlEventStore``: the hash-chained log on SQLAlchemy Core (SQLite, PostgreSQL).

Append reads the head and the streams' versions inside the unit's transaction
(once: later appends of the same transaction go on from its own, until
``forget`` at its commit or rollback), links the batch
(``ledger.chain.link_batch``) and writes it with one ``executemany`` INSERT. A
lost race surfaces as ``ConcurrencyConflict``: the database's
``PRIMARY KEY(seq)`` or ``UNIQUE(stream_id, version)`` rejects the second writer
(``IntegrityError``), or SQLite reports the log locked by another writer. The
adapter never updates or deletes an event.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, LargeBinary, cast, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from sovet.adapters.memory import check_expected_versions, utc_now
from sovet.adapters.sql.engine import is_busy
from sovet.adapters.sql.event_rows import stored_events
from sovet.adapters.sql.schema import events
from sovet.errors import (
    ConcurrencyConflict,
    InputError,
    StorageError,
)
from sovet.ledger.canonical import canonical_json
from sovet.ledger.chain import link_batch
from sovet.ledger.envelope import GENESIS_HASH, EventRow, NewEvent, StoredEvent

__all__ = ["READ_BATCH", "SqlEventStore"]

READ_BATCH = 5_000
"""Rows fetched per round trip when streaming the log."""

_IN_CHUNK = 500
_COLUMNS = (
    events.c.seq,
    events.c.stream_id,
    events.c.version,
    events.c.type,
    events.c.payload,
    events.c.recorded_at,
    events.c.prev_hash,
    events.c.hash,
    events.c.appended_at,
    events.c.envelope,
    events.c.command,
)
_TEXT = {
    "stream_id",
    "type",
    "payload",
    "recorded_at",
    "prev_hash",
    "hash",
    "appended_at",
    "command",
}
_LENIENT_COLUMNS = tuple(
    cast(c, LargeBinary) if c.name in _TEXT else c for c in _COLUMNS
)


def _no_nul(text: str, key: str) -> None:
    """PostgreSQL text cannot hold NUL: refuse it on every backend alike."""
    if "\x00" in text:
        raise InputError(
            "a NUL character (0x00) cannot be stored in an id or type", key=key
        )


class SqlEventStore:
    """A ``ports.EventStore`` bound to one connection (the unit's transaction)."""

    def __init__(
        self, connection: Connection, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._conn = connection
        self.clock = clock
        """The store's clock: each new event's ``appended_at`` comes from it."""
        self._sqlite_done = False
        self.failed = False
        """Set when an append failed: the transaction must not be committed."""
        self._tail: tuple[tuple[int, str], str | None] | None = None
        self._appended: dict[str, int] = {}
        self.deferring = False
        """Hold appended rows until ``flush`` (a group's one INSERT at commit)."""
        self._pending: list[tuple[Any, ...]] = []
        self.locked = False
        """Set by a unit that locked the log for its transaction (``lock_log``):
        no other writer can move the head or a stream meanwhile, so the head and
        the versions read are kept until the unit ends (``forget``)."""

    def _insert_sql(self) -> str:
        mark = self._mark()
        names = ", ".join(c.name for c in _COLUMNS)
        marks = ", ".join([mark] * len(_COLUMNS))
        return f"INSERT INTO {events.name} ({names}) VALUES ({marks})"

    def _mark(self) -> str:
        return "?" if self._conn.dialect.paramstyle == "qmark" else "%s"

    def forget(self) -> None:
        """Forget this transaction's own appends (its unit committed or rolled
        back): the next append reads the head and the versions again."""
        self._tail, self._appended, self._pending = None, {}, []
        self.deferring = self.locked = False

    def flush(self) -> None:
        """Write the rows held back (``deferring``) with one ``executemany``."""
        rows, self._pending = self._pending, []
        if rows:
            self._write(rows)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        # One DBAPI executemany; SQLAlchemy's per-row parameter handling
        # would cost as much as the INSERT itself.
        with self._refusals():
            self._conn.exec_driver_sql(self._insert_sql(), rows)

    @contextlib.contextmanager
    def _refusals(self) -> Iterator[None]:
        """The database's refusal of an append as the store's errors; the unit
        will not commit (``failed``) and the transaction's own head is forgotten."""
        try:
            yield
        except IntegrityError as e:
            self.failed = True
            self.forget()
            raise ConcurrencyConflict(
                "another writer appended first (PRIMARY KEY(seq) or "
                "UNIQUE(stream_id, version) rejected this append); "
                "nothing was written"
            ) from e
        except OperationalError as e:
            self.failed = True
            self.forget()
            if is_busy(e.orig):
                raise ConcurrencyConflict(
                    "another writer holds the log (SQLite busy); nothing was written"
                ) from e
            raise StorageError(f"the database refused the append: {e.orig}") from e
        except DBAPIError as e:
            self.failed = True
            self.forget()
            raise StorageError(f"the database refused the append: {e.orig}") from e

    def _versions(self, streams: set[str]) -> dict[str, int]:
        """Each stream's last version, one index seek per stream.

        (``max(version) … GROUP BY`` would scan every version of every stream,
        and SQLAlchemy compiling a large VALUES list costs more than the query.)
        """
        found: dict[str, int] = {}
        ordered = sorted(streams)
        for i in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[i : i + _IN_CHUNK]
            rows = ", ".join([f"({self._mark()})"] * len(chunk))
            query = (
                f"WITH wanted(stream_id) AS (VALUES {rows}) "
                "SELECT w.stream_id, (SELECT max(e.version) FROM events e "
                "WHERE e.stream_id = w.stream_id) FROM wanted w"
            )
            for stream, version in self._conn.exec_driver_sql(query, tuple(chunk)):
                if version is not None:
                    found[stream] = int(version)
        return found

    def append(
        self,
        events_: Sequence[NewEvent],
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[StoredEvent]:
        """Append in order with seq, versions and hash links (see ``ports``).

        A refused append writes nothing. When the database itself refused the
        INSERT, ``failed`` is set and the unit of work will not commit.
        """
        for event in events_:
            for key in ("stream_id", "type", "effective_at"):
                _no_nul(getattr(event, key), key)
        with self._refusals():
            streams = {event.stream_id for event in events_}
            streams.update(expected_versions or {})
            known = self._appended
            versions = {s: known[s] for s in streams if s in known}
            unknown = streams - versions.keys()
            if unknown:
                versions.update(self._versions(unknown))
            check_expected_versions(expected_versions, versions)
            if not events_:
                return []
            head, last_appended = self._tail or self._head_and_appended()
            stored, payloads = link_batch(
                events_,
                head=head,
                versions=versions,
                last_appended=last_appended,
                now=self.clock(),
            )
            rows = [
                (
                    e.seq,
                    e.stream_id,
                    e.version,
                    e.type,
                    p.decode("utf-8"),
                    e.effective_at,
                    e.prev_hash,
                    e.hash,
                    e.appended_at,
                    e.envelope,
                    None
                    if e.command is None
                    else canonical_json(e.command).decode("utf-8"),
                )
                for e, p in zip(stored, payloads, strict=True)
            ]
            if self.deferring:
                self._pending += rows
            else:
                self._write(rows)
        # Within this transaction the head and these versions are its own (a
        # SQLite writer holds the file; a PostgreSQL rival's INSERT of the same
        # seq or version fails): later appends need not read them again.
        self._tail = (stored[-1].seq, stored[-1].hash), stored[-1].appended_at
        for linked in stored:
            self._appended[linked.stream_id] = linked.version
        return stored

    def read(
        self, after_seq: int = 0, limit: int | None = None
    ) -> Iterator[StoredEvent]:
        """Events with ``seq > after_seq`` in order, streamed in batches.

        A stored payload that is not JSON (or not canonical) raises
        ``ChainBroken`` naming its event. Text that is not valid UTF-8 (a damaged
        SQLite file) is read on from that point with undecodable bytes kept as
        lone surrogates, so ``chain.verify`` names the damaged event.
        """
        return self._read(after_seq, limit)

    def _read(self, after_seq: int, limit: int | None) -> Iterator[StoredEvent]:
        last, count, lenient = after_seq, 0, False
        if self._conn.dialect.name == "sqlite":
            for rows in self._sqlite_batches(after_seq, limit):
                yield from stored_events(rows, False)
                last, count = rows[-1][0], count + len(rows)
            if self._sqlite_done:
                return
        while True:
            columns = _LENIENT_COLUMNS if lenient else _COLUMNS
            query = select(*columns).where(events.c.seq > last).order_by(events.c.seq)
            if limit is not None:
                query = query.limit(max(limit - count, 0))
            result = None
            try:
                # Per statement: Connection.execution_options would change the
                # connection, and a later INSERT would use a server-side cursor.
                result = self._conn.execute(
                    query, execution_options={"yield_per": READ_BATCH}
                )
                for batch in result.partitions(READ_BATCH):
                    yield from stored_events(batch, lenient)
                    last, count = batch[-1][0], count + len(batch)
                return
            except OperationalError as e:
                if lenient or "decode" not in str(e.orig):
                    raise StorageError(
                        f"the database refused the read: {e.orig}"
                    ) from e
                lenient = True  # go on from the last whole batch, reading bytes
            finally:
                if result is not None:
                    result.close()

    def _sqlite_batches(
        self, after_seq: int, limit: int | None
    ) -> Iterator[Sequence[Any]]:
        """Plain row tuples from the sqlite3 cursor (SQLAlchemy's rows cost as
        much as the JSON). Sets ``_sqlite_done``; stops early, without it, at
        text that is not UTF-8, which the lenient path then reads."""
        self._sqlite_done = False
        names = ", ".join(c.name for c in _COLUMNS)
        sql = f"SELECT {names} FROM {events.name} WHERE seq > ? ORDER BY seq"
        params: tuple[int, ...] = (after_seq,)
        if limit is not None:
            sql, params = f"{sql} LIMIT ?", (after_seq, max(limit, 0))
        cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            try:
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(READ_BATCH):
                    yield rows
            except sqlite3.OperationalError as e:
                if "decode" not in str(e):
                    raise StorageError(f"the database refused the read: {e}") from e
                return
        finally:
            cursor.close()
        self._sqlite_done = True

    def read_rows(
        self, after_seq: int = 0, upto_seq: int | None = None
    ) -> Iterator[EventRow]:
        """What the fold uses of the events ``after_seq < seq <= upto_seq``, in
        order: ``(seq, type, payload text, effective_at, hash, appended_at)``
        tuples as the driver gives them (no envelope, no JSON parsed)."""
        where, params = "seq > ?", [after_seq]
        if upto_seq is not None:
            where, params = f"{where} AND seq <= ?", [after_seq, upto_seq]
        return self._rows(where, params)

    def read_rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs``, in the order given (missing ones
        raise ``StorageError``): the fold reads a log out of seq order so."""
        for i in range(0, len(seqs), _IN_CHUNK):
            chunk = seqs[i : i + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            found = {r[0]: r for r in self._rows(f"seq IN ({marks})", list(chunk))}
            for seq in chunk:
                row = found.get(seq)
                if row is None:
                    raise StorageError(f"event {seq} is not in the log")
                yield row

    def _rows(self, where: str, params: list[int]) -> Iterator[EventRow]:
        sql = (
            "SELECT seq, type, payload, recorded_at, hash, appended_at "
            f"FROM {events.name} WHERE {where} ORDER BY seq"
        )
        if self._conn.dialect.name != "sqlite":
            sql = sql.replace("?", "%s")
            result = self._conn.exec_driver_sql(sql, tuple(params))
            try:
                while batch := result.fetchmany(READ_BATCH):
                    yield from (tuple(r) for r in batch)
            finally:
                result.close()
            return
        cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(READ_BATCH):
                yield from rows
        except sqlite3.OperationalError as e:
            raise StorageError(
                f"the database refused the read ({e}): `sovet verify` names "
                "the damaged event"
            ) from e
        finally:
            cursor.close()

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event, or ``(0, GENESIS_HASH)``."""
        return self._head_and_appended()[0]

    def _head_and_appended(self) -> tuple[tuple[int, str], str | None]:
        """The head and its ``appended_at`` (None when empty or v1): read once
        per transaction once the log is locked or this store appended."""
        self.flush()
        if self._tail is not None:
            return self._tail
        row = self._conn.execute(
            select(events.c.seq, events.c.hash, events.c.appended_at)
            .order_by(events.c.seq.desc())
            .limit(1)
        ).first()
        found = (
            ((0, GENESIS_HASH), None)
            if row is None
            else (
                (int(row[0]), str(row[1])),
                row[2],
            )
        )
        if self.locked:
            self._tail = found
        return found

    def stream_version(self, stream_id: str) -> int:
        """The stream's current version (0 when it has none)."""
        _no_nul(stream_id, "stream_id")
        known = self._appended.get(stream_id)
        if known is not None:
            return known
        version = self._conn.execute(
            select(func.max(events.c.version)).where(events.c.stream_id == stream_id)
        ).scalar()
        found = 0 if version is None else int(version)
        if self.locked:
            self._appended[stream_id] = found
        return found
