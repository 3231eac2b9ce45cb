"""The event envelope: what is appended to the log and what is read back.

An event's payload is JSON made only of ``None``, ``bool``, ``int``, ``str``,
lists and string-keyed objects (no floats: exact values are integers or strings
such as ``"1/3"``). ``recorded_at`` is the ISO-8601 time the act takes effect,
carried by the command (time is data; nothing reads the clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = ["GENESIS_HASH", "JSONValue", "NewEvent", "StoredEvent"]

JSONValue: TypeAlias = Any
"""A value with a canonical JSON form (see ``sovet.ledger.canonical``)."""

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first event: 32 zero bytes, hex-encoded."""


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event not yet in the log: the store assigns seq, version and hashes."""

    stream_id: str
    type: str
    payload: Mapping[str, JSONValue]
    recorded_at: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event in the log: position ``seq`` (1-based), stream version, links."""

    seq: int
    stream_id: str
    version: int
    type: str
    payload: Mapping[str, JSONValue]
    recorded_at: str
    prev_hash: str
    hash: str
