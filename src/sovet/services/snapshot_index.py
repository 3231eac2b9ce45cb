"""A snapshot keeps the legitimacy time index of its state (``kernel.timeline``),
and the tail folded onto it carries the index on, so that a question at an
earlier T on a cold process is a lookup, not a refold of the whole log.

``evolve_tail`` evolves the tail onto the snapshot's state in the domain's
order and, for each index the snapshot holds (by body), evaluates the answer
after each group of equal-moment events, as ``TimeIndex.build`` would have on
the whole log: the snapshot's events all come before the tail's (``serves``),
so the index of the whole is the snapshot's with the tail's groups after it (a
group continuing the snapshot's last moment replaces its answer).
``tests/property/test_snapshot_fold.py`` compares it with a fresh build.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sovet.domain import FederationState, evolve
from sovet.domain.government.legitimacy import index_answer
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.timeline import QUIET_EVENTS, TimeIndex
from sovet.ledger.envelope import StoredEvent

__all__ = ["evolve_tail", "kept_indexes"]


def kept_indexes(state: FederationState, size: int) -> dict[str | None, object]:
    """The time indexes of ``state`` that cover exactly its first ``size`` events."""
    found = getattr(state, "time_indexes", {})
    return {
        body: index
        for body, index in found.items()
        if isinstance(index, TimeIndex) and index.covered == size
    }


class _Growing:
    """One index being carried on over the tail."""

    def __init__(
        self, index: TimeIndex[Any], evaluate: Callable[[FederationState], Any]
    ) -> None:
        self.index, self.evaluate = index, evaluate
        self.moments = list(index.moments)
        self.answers = list(index.answers)
        self.answer = self.answers[-1] if self.answers else index.before

    def close(self, state: FederationState, group: datetime, changed: bool) -> None:
        """The group at ``group`` ended: its answer, replacing the snapshot's
        last one when the group continues it."""
        if changed:
            self.answer = self.evaluate(state)
        if self.moments and self.moments[-1] == group:
            self.answers[-1] = self.answer
        else:
            self.moments.append(group)
            self.answers.append(self.answer)

    def done(self, covered: int) -> TimeIndex[Any]:
        return TimeIndex(
            tuple(self.moments), tuple(self.answers), covered, self.index.before
        )


def evolve_tail(
    state: FederationState,
    tail: Sequence[StoredEvent],
    skip: frozenset[int],
    zone: str,
    size: int,
) -> None:
    """Evolve ``tail`` (in the domain's order) onto ``state``, the fold of the
    log's first ``size`` events, skipping ``skip``; carry on its time indexes."""
    growing = {
        body: _Growing(index, index_answer(body))
        for body, index in kept_indexes(state, size).items()
        if isinstance(index, TimeIndex)
    }
    if hasattr(state, "time_indexes"):
        state.time_indexes = {}
    current: datetime | None = None
    changed = False
    seen: dict[str, datetime] = {}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for stored in tail:
            if growing:
                when = seen.get(stored.effective_at)
                if when is None:
                    when = seen[stored.effective_at] = moment(
                        stored.effective_at, zone=zone
                    )
                if current is not None and when != current:
                    for grow in growing.values():
                        grow.close(state, current, changed)
                    changed = False
                current = when
            if stored.seq in skip:
                state.record(stored, applied=False)
                continue
            evolve(state, stored)
            changed = changed or stored.type not in QUIET_EVENTS
    finally:
        if was_enabled:
            gc.enable()
    if current is not None:
        for grow in growing.values():
            grow.close(state, current, changed)
    if growing:
        covered = size + len(tail)
        state.time_indexes = {b: g.done(covered) for b, g in growing.items()}
