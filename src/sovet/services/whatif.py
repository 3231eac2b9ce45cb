"""What if: apply commands to a copy of the log and compare legitimacy (SR-28).

The copy is an in-memory store loaded from the log (same events, same hashes);
the database is only read. The result is hypothetical and labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sovet.adapters.memory import InMemoryUnitOfWork
from sovet.ledger.envelope import JSONValue, NewEvent
from sovet.ports import UnitOfWork
from sovet.services.handlers import StateCache
from sovet.services.queries import check_time, legitimacy_at
from sovet.services.scenario import AppliedStep, Step, apply_steps

__all__ = ["WhatIf", "copy_to_memory", "what_if"]


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Legitimacy at ``at`` before and after the hypothetical steps."""

    at: str
    before: dict[str, JSONValue]
    after: dict[str, JSONValue]
    applied: list[AppliedStep]


def copy_to_memory(uow: UnitOfWork) -> InMemoryUnitOfWork:
    """An in-memory unit of work holding the same log as ``uow``."""
    with uow:
        events = list(uow.events.read())
    copy = InMemoryUnitOfWork()
    if events:
        with copy:
            copy.events.append(
                [
                    NewEvent(e.stream_id, e.type, e.payload, e.recorded_at)
                    for e in events
                ]
            )
            copy.commit()
    return copy


def what_if(uow: UnitOfWork, steps: list[Step], at: str, *, source: str) -> WhatIf:
    """Apply ``steps`` to a copy of the log; legitimacy at ``at`` before and after."""
    check_time(at)
    copy = copy_to_memory(uow)
    cache = StateCache()
    before = legitimacy_at(copy, at, cache=cache)
    applied = list(apply_steps(lambda: copy, steps, source=source, cache=cache))
    after = legitimacy_at(copy, at, cache=cache)
    return WhatIf(at, before, after, applied)
