"""SR-28: late entries and corrections, re-checking the acts after them.

A late entry (``late = true``) is decided on the state in effect at its own
time — the fold of the acts effective up to then — not refused because later
acts exist. A correction (``annul_entry``) annuls a mistaken act. Either way
the acts effective after it are re-checked in the domain's order (effective
time, seq), each from the command its first event carries (envelope v2): one
that now breaks a rule is voided by an ``ActVoided`` event naming the rule and
the entry, appended in the same unit of work; an act with no command recorded
(a v1 log) stands unless its events no longer apply at all. The fold skips
voided acts; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sovet.domain import (
    Command,
    DomainEvent,
    FederationState,
    command_from_mapping,
    decide,
    evolve,
    fold,
)
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.corrections import ActVoided, AnnulEntry, acts
from sovet.domain.kernel.state import VOID_TYPES
from sovet.errors import RuleViolation, ScenarioError, SovetError
from sovet.ledger.envelope import StoredEvent

__all__ = ["Plan", "Void", "needs_recheck", "plan", "recheck", "void_events"]


@dataclass(frozen=True, slots=True)
class Void:
    """A later act that fails once re-checked: its events, the rule, why."""

    act: tuple[StoredEvent, ...]
    rule: str
    reason: str


def needs_recheck(command: Command) -> bool:
    """True for a late entry or a correction."""
    return bool(command.late) or isinstance(command, AnnulEntry)


def _key(zone: str) -> Callable[[StoredEvent], tuple[datetime, int]]:
    """The domain's order of events: (effective moment, seq)."""
    seen: dict[str, datetime] = {}

    def key(stored: StoredEvent) -> tuple[datetime, int]:
        found = seen.get(stored.effective_at)
        if found is None:
            found = seen[stored.effective_at] = moment(stored.effective_at, zone=zone)
        return found, stored.seq

    return key


def recheck(
    state: FederationState, later: Sequence[StoredEvent], skip: frozenset[int]
) -> list[Void]:
    """Re-check ``later`` (in the domain's order) on ``state``, evolving it with
    each act that still holds; the acts that fail, with the rule broken."""
    voids: list[Void] = []
    kept = [e for e in later if e.seq not in skip]
    for act in acts(kept):
        first = act[0]
        command = None
        if first.command is not None and first.type not in VOID_TYPES:
            try:
                command = command_from_mapping(
                    first.command, source=f"event {first.seq}"
                )
            except ScenarioError:
                command = None  # a command this version cannot read: it stands
        if command is not None:
            try:
                decide(state, command)
            except RuleViolation as violation:
                voids.append(Void(tuple(act), violation.rule, violation.message))
                continue
        trial = state.copy() if command is None else None
        try:
            for stored in act:
                evolve(state, stored)
        except (SovetError, LookupError, ValueError, TypeError) as error:
            if trial is None:
                raise
            state = trial  # the act no longer applies to what came before it
            voids.append(Void(tuple(act), "SR-28", f"it no longer applies: {error}"))
    return voids


@dataclass(slots=True)
class Plan:
    """What a late entry or a correction does, before anything is appended.

    ``events``: the command's own events; ``state``: the state they act on
    (for a late entry, evolve it with the appended events: ``apply_entry``);
    ``later``: the acts to re-check after them, in the domain's order;
    ``skip``: the events that no longer count.
    """

    events: list[DomainEvent]
    state: FederationState
    later: list[StoredEvent]
    skip: frozenset[int]
    apply_entry: bool


def plan(full: FederationState, command: Command) -> Plan:
    """The plan of ``command`` on ``full``, the state of the whole log.

    Raises ``RuleViolation`` (nothing written) when the command itself fails:
    a late entry is decided on the state in effect at its own time, a
    correction on the whole log.
    """
    key = _key(full.zone)
    log = sorted(full.events(), key=key)  # read again from the store
    if isinstance(command, AnnulEntry):
        events = decide(full, command)
        annulled = frozenset(getattr(events[0], "seqs", ()))
        pivot = key(next(e for e in log if e.seq == min(annulled)))
        skip = full.voided | annulled
        state = fold([e for e in log if key(e) < pivot], voided=skip)
        later = [e for e in log if key(e) > pivot]
        return Plan(events, state, later, skip, apply_entry=False)
    when = moment(command.at, zone=full.zone)
    state = fold([e for e in log if key(e)[0] <= when], voided=full.voided)
    later = [e for e in log if key(e)[0] > when]
    return Plan(decide(state, command), state, later, full.voided, apply_entry=True)


def void_events(voids: Sequence[Void], at: str, by: int) -> list[DomainEvent]:
    """One ``ActVoided`` per void, effective at the entry's time ``at``."""
    return [
        ActVoided(
            at=at,
            seqs=tuple(e.seq for e in void.act),
            rule=void.rule,
            reason=void.reason,
            by=by,
            summary=void.act[0].type,
        )
        for void in voids
    ]
