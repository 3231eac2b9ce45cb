"""Which events end a deputy's mandate, for the accounts (SR-9, SR-10, SR-30).

The server's after-execute hook ends the roles, sessions and tokens of those
deputies (``api.app``); the types are known so the hook decodes no other event.
"""

from __future__ import annotations

from collections.abc import Iterable

from sovet.domain import DomainEvent
from sovet.domain.elections.verification import ElectionAnnulled
from sovet.domain.government.holds import ResignationTookEffect
from sovet.domain.recall.recalls import DeputyRecalled

__all__ = ["ENDING_TYPES", "ended_deputies"]

ENDING_TYPES: frozenset[str] = frozenset(
    cls.type_name for cls in (DeputyRecalled, ResignationTookEffect, ElectionAnnulled)
)
"""The event types ``ended_deputies`` reads: the others end no deputy, so a
hook need not decode them."""


def ended_deputies(events: Iterable[DomainEvent]) -> list[tuple[str, str]]:
    """SR-9/SR-10/SR-30: ``(person, body)`` of each deputy whose mandate an event ended.

    A recall ends the deputy's seat in their council; a resignation that took
    effect ends it in the body resigned from; an annulled election unseats its
    deputies (body ``""``: the deputy role everywhere).
    """
    ended: list[tuple[str, str]] = []
    for evt in events:
        if isinstance(evt, DeputyRecalled):
            ended.append((evt.deputy, evt.council))
        elif isinstance(evt, ResignationTookEffect):
            ended.append((evt.person, evt.body))
        elif isinstance(evt, ElectionAnnulled):
            ended.extend((person, "") for person in evt.unseated)
    return ended
