"""What if: apply commands to a copy of the log and compare legitimacy (SR-28).

The copy is an in-memory store loaded from the log (same events, same hashes);
the database is only read. The result is hypothetical and labelled so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sovet.ledger.envelope import JSONValue, NewEvent
from sovet.ports import UnitOfWork
from sovet.services.handlers import StateCache
from sovet.services.queries import check_time, legitimacy_at
from sovet.services.scenario import AppliedStep, Step, apply_steps

__all__ = ["WhatIf", "copy_log", "what_if"]


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Legitimacy at ``at`` before and after the hypothetical steps."""

    at: str
    before: dict[str, JSONValue]
    after: dict[str, JSONValue]
    applied: list[AppliedStep]

    def to_json(self) -> dict[str, JSONValue]:
        """``{hypothetical: true, at, before, after, steps}`` (DESIGN §4 answers)."""
        return {
            "hypothetical": True,
            "at": self.at,
            "before": self.before,
            "after": self.after,
            "steps": [applied.to_json() for applied in self.applied],
        }


def copy_log(uow: UnitOfWork, copy: UnitOfWork) -> UnitOfWork:
    """Fill the empty ``copy`` (e.g. an in-memory unit) with ``uow``'s log."""
    with uow:
        events = list(uow.events.read())
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


def what_if(
    uow: UnitOfWork,
    steps: list[Step],
    at: str,
    *,
    source: str,
    scratch: Callable[[], UnitOfWork],
) -> WhatIf:
    """Apply ``steps`` to a copy of the log; legitimacy at ``at`` before and after.

    ``scratch`` makes the empty store the copy lives in (``Services.scratch``:
    in memory).
    """
    check_time(at)
    copy = copy_log(uow, scratch())
    cache = StateCache()
    before = legitimacy_at(copy, at, cache=cache)
    applied = list(apply_steps(lambda: copy, steps, source=source, cache=cache))
    after = legitimacy_at(copy, at, cache=cache)
    return WhatIf(at, before, after, applied)
