"""The event envelope: what is appended to the log and what is read back.

An event's payload is JSON made only of ``None``, ``bool``, ``int``, ``str``,
lists and string-keyed objects (no floats: exact values are integers or strings
such as ``"1/3"``).

Every event carries two times (bitemporal):

- ``effective_at``: the ISO-8601 time the act takes effect, carried by the
  command (time is data; the domain never reads the clock);
- ``appended_at``: when the store appended it, taken by the store under the
  head lock as max(server clock, previous ``appended_at`` + 1 µs) — strictly
  increasing along the log, never from a client.

The envelope is versioned. Version 1 (``ENVELOPE_V1``, every event written
before issue 9) has no ``appended_at`` and hashes
``{"payload", "recorded_at", "seq", "stream_id", "type", "version"}`` with its
effective time under the key ``recorded_at``; version 2 (``ENVELOPE_V2``)
hashes ``{"appended_at", "command", "effective_at", "envelope": 2, "payload",
"seq", "stream_id", "type", "version"}``, where ``command`` is the command of
the act on the first event an act appended (what re-checking the act needs)
and ``null`` on the others. Both verify for ever (``ledger.chain``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = [
    "ENVELOPE_V1",
    "ENVELOPE_V2",
    "GENESIS_HASH",
    "EventRow",
    "JSONValue",
    "NewEvent",
    "StoredEvent",
]

JSONValue: TypeAlias = Any
"""A value with a canonical JSON form (see ``sovet.ledger.canonical``)."""

EventRow: TypeAlias = tuple[int, str, str, str, str, str | None]
"""What a fold uses of a stored event: ``(seq, type, payload JSON text,
effective_at, hash, appended_at)`` — a plain tuple, as the database gives it,
without an envelope object or the parsed command (issue 13)."""

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event: 32 zero bytes, hex-encoded."""

ENVELOPE_V1 = 1
"""The envelope of events written before issue 9: one time, ``recorded_at``."""

ENVELOPE_V2 = 2
"""The envelope with two times (``effective_at``, ``appended_at``) and the command."""


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event not yet in the log: the store assigns seq, version, hashes and
    ``appended_at``.

    ``command`` is the act's command (plain form) on the first event of an act.
    Only an import (``services.transfer``) gives ``appended_at`` or
    ``envelope=1``: it stores events exactly as exported.
    """

    stream_id: str
    type: str
    payload: Mapping[str, JSONValue]
    effective_at: str
    command: Mapping[str, JSONValue] | None = None
    appended_at: str | None = None
    envelope: int = ENVELOPE_V2

    @property
    def recorded_at(self) -> str:
        """The effective time (the v1 name)."""
        return self.effective_at


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event in the log: position ``seq`` (1-based), stream version, links."""

    seq: int
    stream_id: str
    version: int
    type: str
    payload: Mapping[str, JSONValue]
    effective_at: str
    prev_hash: str
    hash: str
    appended_at: str | None = None
    envelope: int = ENVELOPE_V1
    command: Mapping[str, JSONValue] | None = None

    @property
    def recorded_at(self) -> str:
        """The effective time (the v1 name)."""
        return self.effective_at

    def as_new(self) -> NewEvent:
        """The same event to append elsewhere exactly as it is (an import, a
        copy): its envelope version, both times and its command kept."""
        return NewEvent(
            self.stream_id,
            self.type,
            self.payload,
            self.effective_at,
            self.command,
            self.appended_at,
            self.envelope,
        )
