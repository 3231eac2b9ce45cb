"""The registries that connect commands and events to the rules, and the fold step.

Commands and events themselves are declared in ``messages``.

- ``@decides(Cmd)``: the function ``(state, cmd) -> list[DomainEvent]`` that
  checks the rules (raising ``RuleViolation`` naming the rule id and value)
  and returns the events. It must not mutate the state.
- ``@evolves(Evt)``: the function ``(state, evt, ref) -> None`` that applies an
  event to the (mutable) state; ``ref`` is its ``EventRef`` (seq, hash, …) to
  remember as proof. It must not raise for events ``decide`` produced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sovet.domain.kernel.calendar import display, parse_at
from sovet.domain.kernel.convert import dataclass_from_plain, to_plain
from sovet.domain.kernel.decode import decode_payload, spliced_decoder
from sovet.domain.kernel.messages import (
    COMMANDS,
    EVENTS,
    Command,
    DomainEvent,
    EventRef,
)
from sovet.errors import RuleViolation, ScenarioError, says
from sovet.ledger.envelope import EventRow, NewEvent, StoredEvent

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "NO_REF",
    "apply_row",
    "command_from_mapping",
    "command_to_mapping",
    "decide",
    "decides",
    "event_from_stored",
    "evolve",
    "evolves",
    "row_plan",
    "summary",
    "to_new_event",
]


Decider = Callable[["FederationState", Any], list[DomainEvent]]
Evolver = Callable[["FederationState", Any, EventRef], None]
_DECIDERS: dict[type[Command], Decider] = {}
_EVOLVERS: dict[type[DomainEvent], Evolver] = {}

F = TypeVar("F", bound=Callable[..., Any])


def decides(cmd_type: type[Command]) -> Callable[[F], F]:
    """Register the rule check of ``cmd_type``: ``(state, cmd) -> events``."""

    def register(fn: F) -> F:
        _DECIDERS[cmd_type] = fn
        return fn

    return register


def evolves(evt_type: type[DomainEvent]) -> Callable[[F], F]:
    """Register how ``evt_type`` changes the state: ``(state, evt, ref) -> None``."""

    def register(fn: F) -> F:
        _EVOLVERS[evt_type] = fn
        return fn

    return register


def decide(state: FederationState, cmd: Command) -> list[DomainEvent]:
    """The events ``cmd`` produces, or ``RuleViolation`` naming rule and value.

    Acts must come in time order (the log is a timeline: legitimacy at T reads
    its prefix, SR-28) unless marked ``late``: a late entry is decided on the
    state in effect at its time (``services.late``); the state is never
    mutated here.
    """
    zone = state.zone
    try:
        when = parse_at(cmd.at, zone)
    except ValueError:
        raise RuleViolation(
            "SR-28",
            says("'at' must be an ISO 8601 date or date-time, got {at!r}", at=cmd.at),
            cmd.at,
        ) from None
    last = state.last_at
    if last is not None and when < parse_at(last, zone) and not cmd.late:
        raise RuleViolation(
            "SR-28",
            says(
                "acts are recorded in time order: {at} is before the last "
                "act ({last}); enter it as a late entry (late = true) to "
                "have it checked against the state at its own time",
                at=cmd.at,
                last=last,
            ),
            cmd.at,
        )
    decider = _DECIDERS.get(type(cmd))
    if decider is None:
        raise RuleViolation(
            "SR-28", says("no rule decides {command}", command=type(cmd).__name__), cmd
        )
    return [_named(state, evt) for evt in decider(state, cmd)]


def _named(state: FederationState, evt: DomainEvent) -> DomainEvent:
    """Attach the display names of the ids the event mentions (for summaries)."""
    found: dict[str, str] = {}

    def walk(value: object) -> None:
        if isinstance(value, str):
            name = state.display_name(value)
            if name is not None and name != value:
                found[value] = name
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(evt.to_payload())
    return replace(evt, names=found) if found else evt


def evolve(state: FederationState, stored: StoredEvent) -> FederationState:
    """Apply one stored event in place (O(1), no copies) and return ``state``."""
    evt = event_from_stored(stored)
    ref = EventRef(
        stored.seq,
        stored.hash,
        stored.type,
        summary(evt),
        stored.effective_at,
        stored.appended_at,
    )
    _EVOLVERS[type(evt)](state, evt, ref)
    state.record(stored)
    return state


def apply_row(state: FederationState, row: EventRow) -> FederationState:
    """``evolve`` for an event read as a row (the fold's fast path): its
    payload decoded straight into the event class (``kernel.decode``); an
    evolver that takes no ref (its parameter named ``_ref``) gets no
    ``EventRef`` or summary built for it."""
    seq, type_, text, at, digest, appended = row
    cls, _, evolver, wants_ref = row_plan(type_, seq)
    evt = decode_payload(cls, text, at, seq)
    if wants_ref:
        evolver(state, evt, EventRef(seq, digest, type_, summary(evt), at, appended))
    else:
        evolver(state, evt, NO_REF)
    state.note(row)
    return state


NO_REF = EventRef(0, "", "", "", "")
"""What an evolver that declares its ref unused (``_ref``) is given."""

RowPlan = tuple[type[DomainEvent], Callable[[str], Any], Evolver, bool]
"""How to apply a row of one type: its class, msgspec's decoder of the payload
with ``at`` spliced in (``decode.spliced``), its evolver, whether it takes a ref."""

_ROW_PLANS: dict[str, RowPlan] = {}


def row_plan(type_: str, seq: int) -> RowPlan:
    """The ``RowPlan`` of event type ``type_`` (``ScenarioError`` if unknown)."""
    plan = _ROW_PLANS.get(type_)
    if plan is None:
        cls = EVENTS.get(type_)
        if cls is None:
            raise ScenarioError(
                says("unknown event type {type!r}", type=type_),
                source=f"event {seq}",
            )
        evolver = _EVOLVERS[cls]
        plan = (cls, spliced_decoder(cls), evolver, not takes_no_ref(evolver))
        _ROW_PLANS[type_] = plan
    return plan


def takes_no_ref(evolver: Callable[..., Any]) -> bool:
    """True when ``evolver``'s third parameter is named unused (``_ref``):
    ruff's ARG rules keep a used one from being so named, and a unit test
    reads every such evolver's source for a use of it."""
    code = evolver.__code__
    return code.co_argcount >= 3 and code.co_varnames[2].startswith("_")


def event_from_stored(stored: StoredEvent) -> DomainEvent:
    """Rebuild the domain event of a stored one (``ScenarioError`` if unknown).

    The payload is checked by the event class's compiled decoder
    (``convert.dataclass_from_plain``): the same checks as a scenario step.
    """
    cls = EVENTS.get(stored.type)
    if cls is None:
        raise ScenarioError(
            says("unknown event type {type!r}", type=stored.type),
            source=f"event {stored.seq}",
        )

    def fail(reason: str, key: str) -> NoReturn:
        raise ScenarioError(reason, source=f"event {stored.seq}", key=key)

    built: DomainEvent = dataclass_from_plain(
        cls, stored.payload, key="", fail=fail, extra={"at": stored.recorded_at}
    )
    return built


def to_new_event(evt: DomainEvent) -> NewEvent:
    """The envelope to append for ``evt`` (its ``at`` becomes ``recorded_at``)."""
    return NewEvent(evt.stream_id, evt.type_name, evt.to_payload(), evt.at)


_DISPLAYED: dict[str, str] = {}


def summary(evt: DomainEvent) -> str:
    """One readable line, dated as the sources date it (FACTS §10)."""
    when = _DISPLAYED.get(evt.at)
    if when is None:
        when = display(evt.at)
        if len(_DISPLAYED) < 100_000:  # bounded: a log repeats few distinct times
            _DISPLAYED[evt.at] = when
    return f"{when}: {evt.describe()}"


def command_from_mapping(
    data: Mapping[str, object], *, source: str, line: int | None = None
) -> Command:
    """Build a command from a scenario step (bad keys: ``ScenarioError``)."""

    def fail(reason: str, key: str) -> NoReturn:
        raise ScenarioError(reason, source=source, line=line, key=key)

    name = data.get("command")
    if not isinstance(name, str) or name not in COMMANDS:
        known = ", ".join(sorted(COMMANDS))
        fail(
            says("unknown command {name!r} (known: {known})", name=name, known=known),
            "command",
        )
    fields = {k: v for k, v in data.items() if k != "command"}
    built: Command = dataclass_from_plain(COMMANDS[name], fields, key="", fail=fail)
    try:
        parse_at(built.at)
    except ValueError:
        fail(
            says("'at' must be an ISO 8601 date or date-time, got {at!r}", at=built.at),
            "at",
        )
    return built


def command_to_mapping(cmd: Command) -> dict[str, Any]:
    """The plain form of ``cmd``; ``command_from_mapping`` reads it back."""
    plain = {k: v for k, v in to_plain(cmd).items() if v is not None}
    return {"command": cmd.command_name, **plain}


def has_decider(cmd_type: type[Command]) -> bool:
    """True when a ``@decides`` function exists for ``cmd_type``."""
    return cmd_type in _DECIDERS


def has_evolver(evt_type: type[DomainEvent]) -> bool:
    """True when an ``@evolves`` function exists for ``evt_type``."""
    return evt_type in _EVOLVERS
