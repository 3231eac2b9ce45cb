"""The messages of the domain: commands, events, and where an event sits in the log.

- ``Command``: imperative, frozen; ``at`` is when the act takes effect. Each is
  declared with ``@command("name")`` and listed in ``COMMANDS``.
- ``DomainEvent``: past tense, frozen; declared with ``@event("Name")`` and
  listed in ``EVENTS``; it names its ``stream_id`` and describes itself in one
  line (``describe``).
- ``EventRef``: an applied event's seq, hash, type and summary (SR-28 proofs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from sovet.domain.kernel.convert import to_plain

__all__ = [
    "COMMANDS",
    "EVENTS",
    "Command",
    "DomainEvent",
    "EventRef",
    "command",
    "event",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """Base of every command: ``at`` is the ISO 8601 (Gregorian) effective time."""

    command_name: ClassVar[str] = ""
    at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """Base of every event (past tense); ``at`` comes from ``recorded_at``."""

    type_name: ClassVar[str] = ""
    at: str
    names: dict[str, str] = field(default_factory=dict)  # id → display name

    def n(self, key: str | None) -> str:
        """The display name of id ``key`` when the event recorded one."""
        return self.names.get(key or "", key or "")

    @property
    def stream_id(self) -> str:
        """The stream the event belongs to, e.g. ``"congress:2"`` (override it)."""
        return "federation"

    def describe(self) -> str:
        """One readable line without the date (see ``summary``)."""
        return self.type_name

    def to_payload(self) -> dict[str, Any]:
        """The canonical-JSON-safe payload (no floats; ``at`` is the envelope's)."""
        plain: dict[str, Any] = to_plain(self)
        plain.pop("at", None)
        return plain


@dataclass(frozen=True, slots=True)
class EventRef:
    """Where an event sits in the log: the proof items of SR-28."""

    seq: int
    hash: str
    type: str
    summary: str
    at: str

    def to_json(self) -> dict[str, Any]:
        """``{seq, hash, type, summary}`` as in DESIGN §4 (``proof``)."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "type": self.type,
            "summary": self.summary,
        }


COMMANDS: dict[str, type[Command]] = {}
"""Every command class by its scenario name (``command = "…"``)."""

EVENTS: dict[str, type[DomainEvent]] = {}
"""Every event class by its stored type name."""


C = TypeVar("C", bound=type[Command])
E = TypeVar("E", bound=type[DomainEvent])


def command(name: str) -> Callable[[C], C]:
    """Register a command class under ``name`` (its scenario ``command``)."""

    def register(cls: C) -> C:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} registered twice")
        cls.command_name = name
        COMMANDS[name] = cls
        return cls

    return register


def event(type_name: str) -> Callable[[E], E]:
    """Register an event class under its stored ``type`` name."""

    def register(cls: E) -> E:
        if type_name in EVENTS:
            raise ValueError(f"event {type_name!r} registered twice")
        cls.type_name = type_name
        EVENTS[type_name] = cls
        return cls

    return register
