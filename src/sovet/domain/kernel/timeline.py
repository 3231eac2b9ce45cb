"""SR-28 at scale: a time index of the log, so a question "at T" costs a lookup.

A state answers ``legitimacy(state, T)`` for a past T on the state folded from
the events recorded up to T (``FederationState.as_of``): a refold of the log
prefix, seconds on a million events. The log is a timeline (``decide`` refuses
acts out of time order), so every T selects a prefix that ends after a *group*
of events sharing one recorded moment. ``TimeIndex`` folds the log once and
evaluates the question after each group — only after groups holding an event
that can change the answer; the others reuse the previous answer — and keeps
the answers with the moments of their groups. ``at(T)`` is then a bisection.

Correct for any T by construction: the answer for T is the one computed on
exactly the prefix ``as_of(T)`` folds. ``QUIET_EVENTS`` names the event types
whose ``@evolves`` functions write only the electoral registers and the
elections table (``state.electors``/``state.elections``), which the legitimacy
question never reads; tests compare indexed answers with fresh folds at random
times. A log whose moments go backwards (never written by ``decide``) is not
indexed: the caller refolds. When the log grows by the acts of one moment (one
command), ``extend`` adds their group from the live state instead of a refold.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.registry import apply_row
from sovet.domain.kernel.state import VOID_TYPES, FederationState
from sovet.ledger.envelope import EventRow

__all__ = ["QUIET_EVENTS", "TimeIndex"]

QUIET_EVENTS = frozenset({"ElectorRegistered", "ExclusionRecorded", "ElectionCalled"})
"""Event types that never change a legitimacy answer (see the module docstring)."""

A = TypeVar("A")


@dataclass(frozen=True, slots=True)
class TimeIndex(Generic[A]):
    """Answers after each group of equal-moment events, with their moments.

    ``covered`` is the number of log events indexed; ``before`` the answer on
    the empty state (a T before the first event).
    """

    moments: tuple[datetime, ...]
    answers: tuple[A, ...]
    covered: int
    before: A

    @classmethod
    def build(
        cls,
        rows: Iterable[EventRow],
        evaluate: Callable[[FederationState], A],
        *,
        voided: frozenset[int] = frozenset(),
        zone: str = "UTC",
    ) -> TimeIndex[A] | None:
        """Fold ``rows`` once, evaluating after each group; ``None`` if unordered.

        ``rows`` are in the domain's order (a state's ``replay.ordered_rows``);
        the ``voided`` events are skipped as the fold skips them."""
        state = FederationState(kept=None)  # evaluated, never refolded
        state.voided = voided
        before = evaluate(state)
        moments: list[datetime] = []
        answers: list[A] = []
        current: datetime | None = None
        answer, changed = before, False
        seen: dict[str, datetime] = {}
        was_enabled = gc.isenabled()
        gc.disable()  # as in ``fold``: no full collections over the growing heap
        try:
            for row in rows:
                at = row[3]
                when = seen.get(at)
                if when is None:
                    when = seen[at] = moment(at, zone=zone)
                if current is not None and when != current:
                    if when < current:
                        return None
                    answer = evaluate(state) if changed else answer
                    moments.append(current)
                    answers.append(answer)
                    changed = False
                current = when
                if row[0] in voided:
                    state.note(row, applied=False)
                    continue
                apply_row(state, row)
                changed = changed or row[1] not in QUIET_EVENTS
        finally:
            if was_enabled:
                gc.enable()
        if current is not None:
            moments.append(current)
            answers.append(evaluate(state) if changed else answer)
        return cls(tuple(moments), tuple(answers), state.size, before)

    def extend(
        self,
        live: FederationState,
        evaluate: Callable[[FederationState], A],
    ) -> TimeIndex[A] | None:
        """The index after the events ``live`` recorded since (its ``recent``),
        when they are acts of one moment (a command just applied): their
        group's answer is that of ``live``. ``None`` otherwise."""
        count = live.size - self.covered
        if count <= 0 or count > len(live.recent):
            return None
        new = list(live.recent)[-count:]
        if any(seq in live.voided or type_ in VOID_TYPES for seq, type_, _ in new):
            return None
        moments = {moment(at, zone=live.zone) for _, _, at in new}
        if len(moments) != 1:
            return None
        when = moments.pop()
        last = self.moments[-1] if self.moments else None
        if last is not None and when < last:
            return None
        previous = self.answers[-1] if self.answers else self.before
        quiet = all(type_ in QUIET_EVENTS for _, type_, _ in new)
        answer = previous if quiet else evaluate(live)
        if when == last:
            answers = (*self.answers[:-1], answer)
            return TimeIndex(self.moments, answers, live.size, self.before)
        return TimeIndex(
            (*self.moments, when), (*self.answers, answer), live.size, self.before
        )

    def at(self, limit: datetime) -> A:
        """The answer on the prefix of the log recorded at or before ``limit``."""
        group = bisect_right(self.moments, limit) - 1
        return self.before if group < 0 else self.answers[group]
