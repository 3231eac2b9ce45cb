"""The pure domain: the rules SR-1…SR-32 as commands, events and a fold.

No I/O and no clock: commands carry the time they take effect (DESIGN §3).

Flow: ``command_from_mapping(step)`` → ``decide(state, cmd)`` (rules, pure,
raises ``RuleViolation(rule, message, value)``) → ``list[DomainEvent]`` →
``to_new_event(evt)`` → the store appends (seq, hash) → ``evolve(state,
stored)`` applies each ``StoredEvent`` in place → ``legitimacy(state, at)``
(SR-28). ``fold(events)`` replays a log from scratch.

Rooms, one per section of the rules, each importing only the kernel and the
rooms before it (an import-linter contract checks the order):

- ``kernel``: messages, registry and fold, state, calendar, convert,
  constitution, and decisions of any body in session (assembly, motions,
  votes, sittings of any body with members);
- ``bodies`` (A1, SR-1…3), ``franchise`` (A2, SR-4/5), ``elections`` (A3,
  SR-6…8), ``recall`` (A4, SR-9…11), ``congress`` (A5–A8, SR-12…20),
  ``government`` (A9–A12, SR-21…32, legitimacy).

A rule module declares its commands and events (``@command``, ``@event``)
and registers their decider and evolver (``@decides``, ``@evolves``); it is
listed below, so a missing or renamed module fails at import.
"""

from sovet.domain.bodies import ladder, registration
from sovet.domain.congress import (
    apportion_delegates,
    committee_places,
    composition,
    credentials,
    delegates,
    executive,
    sessions,
)
from sovet.domain.elections import (
    conduct,
    deputies,
    polling,
    polls,
    seats,
    verification,
)
from sovet.domain.franchise import electorate, eligibility, verdicts
from sovet.domain.government import (
    coalition,
    demands,
    discipline,
    expiry,
    formation,
    holds,
    legitimacy,
    offices,
    resignations,
)
from sovet.domain.kernel import corrections, motions, sittings, votes
from sovet.domain.kernel.constitution import Constitution
from sovet.domain.kernel.messages import (
    COMMANDS,
    EVENTS,
    Command,
    DomainEvent,
    EventRef,
    command,
    event,
)
from sovet.domain.kernel.registry import (
    command_from_mapping,
    command_to_mapping,
    decide,
    decides,
    event_from_stored,
    evolve,
    evolves,
    summary,
    to_new_event,
)
from sovet.domain.kernel.state import FederationState, fold
from sovet.domain.recall import petitions, recall_rules, recalls, refill

RULE_MODULES = (
    motions,
    votes,
    sittings,
    corrections,
    ladder,
    registration,
    electorate,
    eligibility,
    verdicts,
    conduct,
    deputies,
    polling,
    polls,
    verification,
    seats,
    recall_rules,
    recalls,
    refill,
    petitions,
    apportion_delegates,
    sessions,
    credentials,
    composition,
    delegates,
    executive,
    committee_places,
    formation,
    offices,
    coalition,
    demands,
    expiry,
    holds,
    resignations,
    discipline,
    legitimacy,
)
"""Every module whose declarations fill the registries, room by room."""

__all__ = [
    "COMMANDS",
    "EVENTS",
    "RULE_MODULES",
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
