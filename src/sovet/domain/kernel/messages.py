"""The messages of the domain: commands, events, and where an event sits in the log.

- ``Command``: imperative, frozen; ``at`` is when the act takes effect. Each is
  declared once with ``@command(resource=…, issuers=…)``: the decorator makes
  the dataclass, registers it in ``COMMANDS`` under its class name in
  snake_case, and keeps what the edges read (URL, roles, ballot, the
  descriptions of the command and of each ``Annotated`` field) in
  ``cls.declaration``.
- ``DomainEvent``: past tense, frozen; declared with ``@event()`` and
  registered in ``EVENTS`` under its class name; it names its ``stream_id``
  and describes itself in one line (``describe``).
- ``EventRef``: an applied event's seq, hash, type and summary (SR-28 proofs).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar, dataclass_transform

from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.convert import to_plain

__all__ = [
    "ADMINISTRATOR",
    "COMMANDS",
    "CREDENTIALS",
    "EVENTS",
    "SECRETARY",
    "Command",
    "Declaration",
    "DomainEvent",
    "EventRef",
    "Issuers",
    "Reach",
    "Role",
    "command",
    "descriptions",
    "event",
    "snake_case",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """Base of every command: ``at`` is the ISO 8601 (Gregorian) effective time."""

    command_name: ClassVar[str] = ""
    declaration: ClassVar[Declaration]
    at: Annotated[
        str,
        "when the act takes effect: an ISO 8601 date (the whole day) or date-time",
    ]
    late: Annotated[
        bool | None,
        "SR-28: a late entry, dated before the latest act in effect: checked against "
        "the state at its own time; the later acts it invalidates are voided",
    ] = None


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
    appended_at: str | None = None

    def order(self) -> tuple[datetime, int]:
        """The domain's order of acts: effective time, then place in the log.

        Acts on the same day (a bare date is its first instant) or at the same
        instant come in the order the log recorded them.
        """
        return moment(self.at), self.seq

    def to_json(self) -> dict[str, Any]:
        """``{seq, hash, type, summary, effective_at, appended_at}`` (DESIGN §4
        ``proof``): both times of the act (``appended_at`` null on v1 events)."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "type": self.type,
            "summary": self.summary,
            "effective_at": self.at,
            "appended_at": self.appended_at,
        }


COMMANDS: dict[str, type[Command]] = {}
"""Every command class by its scenario name (``command = "…"``)."""

EVENTS: dict[str, type[DomainEvent]] = {}
"""Every event class by its stored type name."""


Role = Literal[
    "administrator", "secretary", "credentials_committee", "member", "deputy"
]
"""The roles an account can hold in a body (DESIGN §6)."""

Reach = Literal[
    "body",
    "assembly",
    "motion",
    "government",
    "offer",
    "hold",
    "constituency",
    "election",
    "petition",
    "decision",
]
"""What the field a command acts on names, and so how it leads to a body: a
body itself, or a session, motion, government, offer, hold, constituency,
election, petition or binding decision that belongs to one."""

ADMINISTRATOR: tuple[Role, ...] = ("administrator",)
SECRETARY: tuple[Role, ...] = ("secretary",)
CREDENTIALS: tuple[Role, ...] = ("credentials_committee", "secretary")


@dataclass(frozen=True, slots=True)
class Issuers:
    """DESIGN §6: who may issue a command, and in which body.

    ``roles`` (any of them) must be held in the body that ``field`` leads to
    (``reach`` says what the field names); ``field=None`` is a federation-wide
    act. ``self_field`` names a person field that the person concerned may
    fill with themselves (resigning, dissenting, signing). ``service_only``
    commands have no generic route: their own service issues them (secret
    ballots: the vote row and its event in one transaction).
    """

    roles: tuple[Role, ...]
    field: str | None = None
    reach: Reach = "body"
    self_field: str | None = None
    service_only: bool = False


@dataclass(frozen=True, slots=True)
class Declaration:
    """Everything the edges need to know of a command, from its one declaration.

    ``name`` (the scenario key and URL segment: the class name in snake_case),
    ``resource`` (the API resource: ``POST /api/{resource}/commands/{name}``),
    ``issuers``, ``ballot`` (the field that carries a secret ballot, if any),
    ``summary`` (the docstring's first paragraph), ``fields`` (each field's
    description, from ``Annotated[type, "description"]``) and ``aliases``
    (old names that still work after a rename).
    """

    name: str
    resource: str
    issuers: Issuers
    summary: str
    fields: dict[str, str]
    ballot: str | None = None
    aliases: tuple[str, ...] = ()


def snake_case(name: str) -> str:
    """``RecallDeputy`` → ``recall_deputy``."""
    return "".join(
        f"_{ch.lower()}" if ch.isupper() and i else ch.lower()
        for i, ch in enumerate(name)
    )


def first_paragraph(text: str) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join(text.strip().split("\n\n", 1)[0].split())


def descriptions(cls: type[Any]) -> dict[str, str]:
    """Each field's description: the first string in its ``Annotated`` type."""
    hints = typing.get_type_hints(cls, include_extras=True)
    found = {}
    for item in dataclasses.fields(cls):
        extras = getattr(hints.get(item.name), "__metadata__", ())
        texts = [extra for extra in extras if isinstance(extra, str)]
        if texts:
            found[item.name] = texts[0]
    return found


C = TypeVar("C", bound=Command)
E = TypeVar("E", bound=DomainEvent)


@dataclass_transform(frozen_default=True, kw_only_default=True)
def command(
    *,
    resource: str,
    issuers: Issuers,
    ballot: str | None = None,
    aliases: tuple[str, ...] = (),
) -> Callable[[type[C]], type[C]]:
    """Declare a command: a frozen, slotted, keyword-only dataclass, registered
    in ``COMMANDS`` under its class name in snake_case (and any ``aliases``).

    What every edge reads — its URL's ``resource``, the ``issuers``, its
    ``ballot`` field, the descriptions of the command and its fields — is kept
    in ``cls.declaration``.
    """

    def declare(cls: type[C]) -> type[C]:
        made = dataclass(frozen=True, slots=True, kw_only=True)(cls)
        name = snake_case(made.__name__)
        made.command_name = name
        made.declaration = Declaration(
            name=name,
            resource=resource,
            issuers=issuers,
            summary=first_paragraph(made.__doc__ or name),
            fields=descriptions(made),
            ballot=ballot,
            aliases=aliases,
        )
        for key in (name, *aliases):
            if key in COMMANDS:
                raise ValueError(f"command {key!r} declared twice")
            COMMANDS[key] = made
        return made

    return declare


@dataclass_transform(frozen_default=True, kw_only_default=True)
def event(*, aliases: tuple[str, ...] = ()) -> Callable[[type[E]], type[E]]:
    """Declare an event: a frozen, slotted, keyword-only dataclass, registered
    in ``EVENTS`` under its class name (the ``type`` hashed into the log) and
    any ``aliases`` (old type names that stored logs still carry)."""

    def declare(cls: type[E]) -> type[E]:
        made = dataclass(frozen=True, slots=True, kw_only=True)(cls)
        made.type_name = made.__name__
        for key in (made.__name__, *aliases):
            if key in EVENTS:
                raise ValueError(f"event {key!r} declared twice")
            EVENTS[key] = made
        return made

    return declare
