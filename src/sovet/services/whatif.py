"""What if: apply commands to a copy of the log and compare legitimacy (SR-28).

The copy is an in-memory store loaded from the log (same events, same hashes);
the database is only read. The result is hypothetical and labelled so, and
explains itself (``explain``): the seats, majorities, offices and authority
that would change, or why nothing would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sovet.domain import command_from_mapping
from sovet.ledger.envelope import JSONValue
from sovet.ports import UnitOfWork
from sovet.services.explain import Explanation, explain, state_at
from sovet.services.queries import check_time, legitimacy_at
from sovet.services.scenario import AppliedStep, Step, apply_steps
from sovet.services.shared_state import SharedState

__all__ = ["WhatIf", "copy_log", "steps_from", "what_if"]


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Legitimacy at ``at`` before and after the hypothetical steps."""

    at: str
    before: dict[str, JSONValue]
    after: dict[str, JSONValue]
    applied: list[AppliedStep]
    explanation: Explanation = field(default_factory=Explanation)

    def to_json(self) -> dict[str, JSONValue]:
        """``{hypothetical: true, at, before, after, steps, explanation}``
        (DESIGN §4 answers; ``explanation``: ``explain.Explanation``)."""
        return {
            "hypothetical": True,
            "at": self.at,
            "before": self.before,
            "after": self.after,
            "steps": [applied.to_json() for applied in self.applied],
            "explanation": self.explanation.to_json(),
        }


def steps_from(data: Sequence[Mapping[str, object]], *, source: str) -> list[Step]:
    """Scenario steps from plain mappings (``{"command": …, "at": …, …}``, as
    in a scenario's ``[[step]]`` tables); a malformed one is a ``ScenarioError``
    naming its number."""
    return [
        Step(
            number,
            None,
            command_from_mapping(item, source=f"{source}, step {number}"),
            str(item.get("command")),
        )
        for number, item in enumerate(data, 1)
    ]


def copy_log(uow: UnitOfWork, copy: UnitOfWork) -> UnitOfWork:
    """Fill the empty ``copy`` (e.g. an in-memory unit) with ``uow``'s log and
    the personal data a v2 command is judged from (never written back)."""
    with uow:
        events = list(uow.events.read())
        kept = uow.personal.all()
    if events or kept:
        with copy:
            if events:
                copy.events.append([e.as_new() for e in events])
            for record in kept:
                copy.personal.put(record)
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
    cache = SharedState()  # a fold of the copy, private to this question
    before = legitimacy_at(copy, at, cache=cache)
    with copy:  # a copy: applying the steps evolves the cached state in place
        recorded = state_at(cache.current(copy.events).copy(), at)
    applied = list(apply_steps(lambda: copy, steps, source=source, cache=cache))
    after = legitimacy_at(copy, at, cache=cache)
    with copy:
        changed = state_at(cache.current(copy.events), at)
    events = [event for item in applied for event in item.events]
    explanation = explain(recorded, changed, (before, after), events, at)
    return WhatIf(at, before, after, applied, explanation)
