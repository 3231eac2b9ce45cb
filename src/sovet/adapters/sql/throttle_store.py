"""The throttles' windows in PostgreSQL: a ``limits`` storage (issue 13, item 5).

``limits`` keeps rate-limit windows in memory, Redis, Memcached or MongoDB; it
has no SQL storage, so several ``sovet serve`` processes on one PostgreSQL
would each count on their own. ``SqlThrottleStorage`` is that storage, for
the moving window (``MovingWindowRateLimiter``, what ``api.throttle`` uses)
and the fixed window.

One row per key (``throttle_windows``): ``hits`` holds the times of the last
``limit`` hits, newest first, as the memory storage's list does. Taking an
entry is ONE statement — an UPSERT whose ``SET`` reads the old row — so it is
atomic under concurrency from any number of servers (the row is locked by
``ON CONFLICT … DO UPDATE``); ``accepted`` says whether it went in. Expired
rows are deleted every ``PRUNE_EVERY`` entries, so keys an attacker makes up
do not accumulate. Times are the server's clock (``time.time``), as in
``limits``' own storages.
"""

from __future__ import annotations

import time

from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from sovet.adapters.sql.schema import metadata

__all__ = ["PRUNE_EVERY", "SqlThrottleStorage", "throttle_windows"]

throttle_windows = Table(
    "throttle_windows",
    metadata,
    Column("key", String(512), nullable=False),
    Column("hits", ARRAY(Float()).with_variant(Text(), "sqlite"), nullable=False),
    Column("counter", Integer, nullable=False, server_default="0"),
    Column("expires_at", Float(), nullable=False),
    Column("accepted", Boolean, nullable=False, server_default="true"),
    PrimaryKeyConstraint("key", name="pk_throttle_windows"),
)
"""Rate-limit windows shared by every server on the database (PostgreSQL)."""

PRUNE_EVERY = 500
"""Entries taken between two deletions of expired windows."""

_FULL = "COALESCE(t.hits[CAST(:nth AS integer)] >= :since, false)"
"""Whether the window is full: its ``nth`` newest hit is still inside it."""

_ACQUIRE = text(
    f"""
    INSERT INTO throttle_windows AS t (key, hits, counter, expires_at, accepted)
    VALUES (:key, :fresh, 0, :expires, true)
    ON CONFLICT (key) DO UPDATE SET
      accepted = NOT {_FULL},
      hits = CASE WHEN {_FULL} THEN t.hits
                  ELSE (EXCLUDED.hits || t.hits)[1:CAST(:limit AS integer)] END,
      expires_at = CASE WHEN {_FULL} THEN t.expires_at ELSE EXCLUDED.expires_at END
    RETURNING accepted
    """
)

_INCR = text(
    """
    INSERT INTO throttle_windows AS t (key, hits, counter, expires_at, accepted)
    VALUES (:key, '{}', :amount, :expires, true)
    ON CONFLICT (key) DO UPDATE SET
      counter = CASE WHEN t.expires_at <= :now THEN :amount
                     ELSE t.counter + :amount END,
      expires_at = CASE WHEN t.expires_at <= :now THEN :expires
                        ELSE t.expires_at END
    RETURNING counter
    """
)


class SqlThrottleStorage(Storage, MovingWindowSupport):
    """``limits`` storage on a PostgreSQL engine (see the module docstring)."""

    STORAGE_SCHEME = None  # made from an engine, never from a URI

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        # Every entry is one statement: in autocommit it is its own transaction,
        # with no BEGIN or COMMIT round trip around it (the pool is shared).
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._taken = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """Driver errors, which ``limits`` may wrap as its own."""
        return SQLAlchemyError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record ``amount`` hits on ``key`` if its window has room; whether it had."""
        if amount > limit:
            return False
        now = time.time()
        with self.engine.connect() as conn:
            accepted = conn.execute(
                _ACQUIRE,
                {
                    "key": key,
                    "fresh": [now] * amount,
                    "expires": now + expiry,
                    "nth": limit - amount + 1,
                    "since": now - expiry,
                    "limit": limit,
                },
            ).scalar_one()
        self._prune(now)
        return bool(accepted)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """``(start of the window, hits in it)`` for ``key``."""
        now = time.time()
        with self.engine.connect() as conn:
            hits = conn.execute(
                select(throttle_windows.c.hits).where(throttle_windows.c.key == key)
            ).scalar_one_or_none()
        inside = [h for h in hits or () if h >= now - expiry][:limit]
        if not inside:
            return now, 0
        return inside[-1], len(inside)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """The fixed window's counter of ``key``, raised by ``amount``."""
        now = time.time()
        with self.engine.connect() as conn:
            found = conn.execute(
                _INCR,
                {"key": key, "amount": amount, "now": now, "expires": now + expiry},
            ).scalar_one()
        self._prune(now)
        return int(found)

    def get(self, key: str) -> int:
        """The fixed window's counter of ``key`` (0 once expired)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(throttle_windows.c.counter).where(
                    throttle_windows.c.key == key,
                    throttle_windows.c.expires_at > time.time(),
                )
            ).scalar_one_or_none()
        return int(found or 0)

    def get_expiry(self, key: str) -> float:
        """When ``key``'s window ends (now, if it has none)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(throttle_windows.c.expires_at).where(
                    throttle_windows.c.key == key
                )
            ).scalar_one_or_none()
        return float(found) if found is not None else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every window; how many there were."""
        with self.engine.begin() as conn:
            count = conn.execute(
                select(func.count()).select_from(throttle_windows)
            ).scalar_one()
            conn.execute(delete(throttle_windows))
        return int(count)

    def clear(self, key: str) -> None:
        """Forget ``key``'s window."""
        with self.engine.begin() as conn:
            conn.execute(delete(throttle_windows).where(throttle_windows.c.key == key))

    def _prune(self, now: float) -> None:
        self._taken += 1
        if self._taken % PRUNE_EVERY:
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(throttle_windows).where(throttle_windows.c.expires_at < now)
            )
