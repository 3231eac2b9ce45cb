"""Ties for the last seats of an apportionment (SR-14), broken only by a declared rule.

A tie is met when more units share the deciding quotient (or remainder) than
seats are left. ``break_tie`` then picks the winners by the declared rule —
``TieBreak.order`` when every tied unit is named in it, otherwise a lot drawn
with ``TieBreak.seed`` — and returns one ``TieRecord`` per seat so decided.
Without a declared rule (``tie_break=None``) the apportionment is refused.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sovet.counting.types import TieBreak, TieRecord
from sovet.errors import RuleViolation, says

__all__ = ["TieBreaker"]


@dataclass(slots=True)
class TieBreaker:
    """SR-14: breaks ties by the declared rule and keeps the record of each."""

    tie_break: TieBreak | None
    records: list[TieRecord] = field(default_factory=list)
    _rng: random.Random | None = None

    def choose(self, tied: Sequence[str], k: int, *, seat: int, what: str) -> list[str]:
        """Pick ``k`` of ``tied`` (``k < len(tied)``) for seats from number ``seat``.

        ``what`` describes the tied value (e.g. "quotient 1200") for the record.
        """
        names = tuple(tied)
        if self.tie_break is None:
            raise RuleViolation(
                "SR-14",
                says(
                    "tie for {k} seat(s) from seat {seat} among {names} "
                    "({what}); declare a tie-break (a lot with a seed, or an "
                    "order)",
                    k=k,
                    seat=seat,
                    names=", ".join(names),
                    what=what,
                ),
                names,
            )
        order = self.tie_break.order
        chosen: list[str] = []
        left = list(names)
        for i in range(k):
            if order is not None and all(name in order for name in left):
                pick = min(left, key=order.index)
                how: str = "order"
            else:
                if self._rng is None:
                    self._rng = random.Random(self.tie_break.seed)
                pick = self._rng.choice(sorted(left))
                how = "lot"
            self.records.append(
                TieRecord(
                    round=seat + i,
                    kind="seat",
                    candidates=tuple(left),
                    resolved_by="order" if how == "order" else "lot",
                    chosen=pick,
                    note=f"{what}; {k - i} seat(s) left for {len(left)} tied",
                )
            )
            chosen.append(pick)
            left.remove(pick)
        return chosen
