"""The pure domain: bodies, elections, recalls, congresses, government, legitimacy.

No I/O and no clock: commands carry the time they take effect (DESIGN §3).

Flow: ``command_from_mapping(step)`` → ``decide(state, cmd)`` (rules, pure,
raises ``RuleViolation(rule, message, value)``) → ``list[DomainEvent]`` →
``to_new_event(evt)`` → the store appends (seq, hash) → ``evolve(state,
stored)`` applies each ``StoredEvent`` in place → ``legitimacy(state, at)``
(SR-28). ``fold(events)`` replays a log from scratch.

Modules: ``registry`` (Command, DomainEvent, EventRef, the registries and
``decide``/``evolve``), ``state`` (``FederationState`` and its records: read
its docstring for the mutability design), ``constitution`` (every parameter),
``convert`` (typed plain-data conversion), ``calendar`` (Julian/Gregorian),
``bodies`` (constitution, bodies, factions, persons), and the concept modules:
``congress`` (SR-15/16/18), ``credentials`` (SR-17), ``motions``/``votes``
(SR-19), ``executive`` (SR-20), ``government`` (SR-1, 21, 22, 27, 30),
``coalition`` (SR-23/24), ``demands`` (SR-25), ``expiry`` (SR-26), ``holds``
(SR-29/30), ``discipline`` (SR-31/32), ``legitimacy`` (SR-28, a query).

How to add a command (e.g. in your concept module ``recalls.py``)::

    @command("recall_deputy")                    # the scenario name
    @dataclass(frozen=True, slots=True, kw_only=True)
    class RecallDeputy(Command):                 # imperative; ``at`` is inherited
        \"\"\"SR-9: the voters who sent a deputy recall them.\"\"\"
        body: str
        deputy: str
        petition: int                            # str, int, bool, Fraction,
                                                 # X | None, tuple[X, ...],
                                                 # dict[str, X], dataclasses
    @event("DeputyRecalled")
    @dataclass(frozen=True, slots=True, kw_only=True)
    class DeputyRecalled(DomainEvent):           # past tense; no floats
        body: str
        deputy: str
        @property
        def stream_id(self) -> str: return f"body:{self.body}"
        def describe(self) -> str:               # ids read as names: ``decide``
            return f"{self.n(self.deputy)} recalled from {self.n(self.body)}"
                                                 # attaches ``names`` for the ids
                                                 # the event mentions

    @decides(RecallDeputy)
    def _recall(state: FederationState, cmd: RecallDeputy) -> list[DomainEvent]:
        body = state.body(cmd.body)              # NotFound names kind and id
        if ...: raise RuleViolation("SR-10", "…names the offending value…", value)
        return [DeputyRecalled(at=cmd.at, body=cmd.body, deputy=cmd.deputy)]

    @evolves(DeputyRecalled)
    def _recalled(state: FederationState, evt: DeputyRecalled, ref: EventRef) -> None:
        ...                                      # mutate in place; keep ``ref``

Then add the module's name to ``_CONCEPT_MODULES`` below (the franchise
developer's ``franchise``, ``ladder``, ``elections``, ``recalls`` and
``apportion_delegates`` are pre-listed and imported when present). Rules:
``decide`` must check everything before returning (all-or-nothing) and never
mutate the state; ``evolve`` must not raise for events ``decide`` produced; a
command's events must all be produced by one ``decide`` call. Read the
constitution from ``state.constitution`` (``constitution.py``: add a parameter
with a default and range metadata to its group). State you need goes in your
own records: add fields with defaults to ``state.py`` records, or keep
franchise data in ``BodyRecord.members``/``composition`` (a council's deputies
by faction, which legitimacy reads to warn when the governing bloc has lost its
majority in the councils, SR-27).
"""

from __future__ import annotations

import importlib
import importlib.util

from sovet.domain.constitution import Constitution
from sovet.domain.registry import (
    COMMANDS,
    EVENTS,
    Command,
    DomainEvent,
    EventRef,
    command,
    command_from_mapping,
    command_to_mapping,
    decide,
    decides,
    event,
    event_from_stored,
    evolve,
    evolves,
    summary,
    to_new_event,
)
from sovet.domain.state import FederationState, fold

__all__ = [
    "COMMANDS",
    "EVENTS",
    "Command",
    "Constitution",
    "DomainEvent",
    "EventRef",
    "FederationState",
    "command",
    "command_from_mapping",
    "command_to_mapping",
    "decide",
    "decides",
    "event",
    "event_from_stored",
    "evolve",
    "evolves",
    "fold",
    "summary",
    "to_new_event",
]

_CONCEPT_MODULES = (
    "bodies",
    "congress",
    "credentials",
    "motions",
    "votes",
    "executive",
    "government",
    "coalition",
    "demands",
    "holds",
    "discipline",
    "expiry",
    "franchise",
    "electorate",
    "ladder",
    "elections",
    "deputies",
    "polling",
    "polls",
    "verification",
    "recalls",
    "petitions",
    "delegates",
    "apportion_delegates",
)
"""Modules whose decorators (``@command``, ``@decides`` …) fill the registries."""

for _name in _CONCEPT_MODULES:
    if importlib.util.find_spec(f"sovet.domain.{_name}") is not None:
        importlib.import_module(f"sovet.domain.{_name}")
