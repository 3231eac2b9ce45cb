"""Throttling with the ``limits`` library's windows (DESIGN §6, issue 10).

Each ``Throttle`` holds one or more rate limits (``limits.RateLimitItem``) and
applies all of them to each key (``"addr:1.2.3.4"``, ``"account:7"``,
``"login:alice@1.2.3.4"`` …). ``spend`` records a hit and raises ``Throttled``
with the seconds until the window lets the next one through (``Retry-After``);
the test-and-hit is one atomic step of the library's storage, and its memory
storage forgets a key once its windows have passed, so attacker-chosen keys
cannot grow memory for long. Other keys are never affected.

Failed logins are counted per account *and* address, in three windows — a
minute, an hour and a day — so the wait grows with persistence (a stepped
backoff) while nobody elsewhere can lock the account's owner out; the address
alone has a window too, which bounds the password-hashing work one client can
cause. Where the windows live is the ``storage`` given (``services.bootstrap.
throttle_storage``): on PostgreSQL the database, so every server on it counts
the same hits (``adapters.sql.throttle_store``); otherwise this process's
memory (``MemoryStorage``). Each throttle's keys are namespaced by what it
counts, so two throttles never share a window.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
)
from starlette.concurrency import run_in_threadpool

from sovet.errors import Throttled

__all__ = ["Limits", "Throttle"]

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class Limits:
    """The API's limits; ``create_app(limits=…)`` overrides them (tests do)."""

    requests_per_minute: int = 600
    """Requests per address and per account, per minute (API and web pages)."""
    login_failures: int = 5
    """Failed logins in a minute (×4 an hour, ×10 a day), per account and
    address, and the same per address whatever the account."""
    refusals: int = 30
    """Refused actions (403) per address per 15 minutes."""
    logged_refusals: int = 20
    """Entries an address may add to the security log per minute (the rest are
    counted in the log's last entry of that minute, not written one by one)."""
    max_body: int = 64 * 1024
    """The largest request body accepted, in bytes (413 above it)."""

    def requests(self, storage: Storage | None = None) -> Throttle:
        """Requests per address and per account (fixed windows: one counter)."""
        return Throttle(
            [f"{self.requests_per_minute}/minute"],
            what="requests",
            storage=storage,
            fixed=True,
        )

    def logins(self, storage: Storage | None = None) -> Throttle:
        """Failed logins (keys ``login:NAME@ADDRESS`` and ``addr:ADDRESS``)."""
        n = self.login_failures
        return Throttle(
            [f"{n}/minute", f"{4 * n}/hour", f"{10 * n}/day"],
            what="failed logins",
            storage=storage,
        )

    def refused(self, storage: Storage | None = None) -> Throttle:
        """Refused actions per address."""
        return Throttle(
            [f"{self.refusals}/15minutes"],
            what="refused actions",
            storage=storage,
            fixed=True,
        )

    def logged(self, storage: Storage | None = None) -> Throttle:
        """Security-log entries per address."""
        return Throttle(
            [f"{self.logged_refusals}/minute"], what="logged refusals", storage=storage
        )


class Throttle:
    """Rate limits applied to named keys, kept in ``storage`` (this process's
    memory unless given): ``limits``' moving window, which remembers the time
    of each of the last ``limit`` hits, or with ``fixed`` its fixed window, a
    counter per key and window — one integer to update per hit instead of a
    list as long as the limit, for the throttles every request pays (a client
    may then spend up to twice its limit across a window's edge)."""

    def __init__(
        self,
        items: Sequence[str | RateLimitItem],
        *,
        what: str,
        storage: Storage | None = None,
        fixed: bool = False,
    ) -> None:
        self.items = tuple(parse(i) if isinstance(i, str) else i for i in items)
        self.what = what
        kind = FixedWindowRateLimiter if fixed else MovingWindowRateLimiter
        self.limiter: RateLimiter = kind(storage or MemoryStorage())

    def _refuse(self, item: RateLimitItem, key: str) -> Throttled:
        reset = self.limiter.get_window_stats(item, self.what, key).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        return Throttled(f"too many {self.what}; retry in {wait} s", wait)

    def check(self, key: str) -> None:
        """Raise ``Throttled`` when one more hit on ``key`` would be refused."""
        for item in self.items:
            if not self.limiter.test(item, self.what, key):
                raise self._refuse(item, key)

    def spend(self, key: str) -> None:
        """Record a hit on ``key``, or raise ``Throttled``.

        With one limit the hit is its own test (one atomic step of the
        storage); with several, all are tested first so that a refusal by one
        spends nothing of the others. A moving window records nothing it
        refuses; a fixed window counts the refused hit too (its client waits
        for the next window either way).
        """
        if len(self.items) > 1:
            self.check(key)
        for item in self.items:
            if not self.limiter.hit(item, self.what, key):
                raise self._refuse(item, key)

    def allows(self, key: str) -> bool:
        """Record a hit on ``key`` if the limits allow it; whether they did."""
        try:
            self.spend(key)
        except Throttled:
            return False
        return True

    async def acheck(self, key: str) -> None:
        """``check`` for async code: off the event loop unless in memory."""
        await self._off_loop(self.check, key)

    async def aspend(self, key: str) -> None:
        """``spend`` for async code: off the event loop unless in memory."""
        await self._off_loop(self.spend, key)

    async def aallows(self, key: str) -> bool:
        """``allows`` for async code: off the event loop unless in memory."""
        return await self._off_loop(self.allows, key)

    async def _off_loop(self, call: Callable[[str], _R], key: str) -> _R:
        if isinstance(self.limiter.storage, MemoryStorage):
            return call(key)  # no I/O: not worth a thread
        return await run_in_threadpool(call, key)
