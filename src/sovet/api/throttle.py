"""Throttling: in-process token buckets per account and per address (DESIGN §6).

Each key (``"addr:1.2.3.4"``, ``"account:7"``, ``"login:name"`` …) owns a bucket
of ``capacity`` tokens refilled at ``rate`` per second. A request spends one; an
empty bucket raises ``Throttled`` with the seconds until the next token
(``Retry-After``). Buckets are per process and forgotten on restart — enough
for one ``sovet serve``; several workers would each keep their own (use a
shared store behind a load balancer). Other keys are never affected, so one
noisy client does not slow the rest. The clock is ``time.monotonic`` unless a
test passes its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sovet.errors import Throttled

__all__ = ["Limits", "TokenBuckets"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The API's limits; ``create_app(limits=…)`` overrides them (tests do)."""

    requests_per_minute: int = 600
    """Requests per address and per account (burst: the same number)."""
    login_failures: int = 5
    """Failed logins allowed per address and per account name in a burst …"""
    login_refill_seconds: float = 60.0
    """… after which one more is allowed every this many seconds."""
    refusals: int = 30
    """Refused actions (403) per address in a burst, refilled one a minute/30."""
    max_body: int = 64 * 1024
    """The largest request body accepted, in bytes (413 above it)."""


class TokenBuckets:
    """Named token buckets sharing one capacity and refill rate."""

    def __init__(
        self,
        capacity: int,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        what: str = "requests",
    ) -> None:
        self.capacity = float(capacity)
        self.rate = rate
        self.clock = clock
        self.what = what
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, since = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - since) * self.rate)

    def check(self, key: str) -> None:
        """Raise ``Throttled`` when ``key``'s bucket has no whole token left."""
        with self._lock:
            now = self.clock()
            level = self._level(key, now)
            if level < 1.0:
                wait = math.ceil((1.0 - level) / self.rate) if self.rate > 0 else 3600
                raise Throttled(f"too many {self.what}; retry in {wait} s", wait)

    def spend(self, key: str) -> None:
        """Take one token from ``key``'s bucket, or raise ``Throttled``."""
        self.check(key)
        with self._lock:
            now = self.clock()
            self._buckets[key] = (self._level(key, now) - 1.0, now)
