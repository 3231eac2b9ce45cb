"""Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42).

Schedule 1, rules 45–52 (renumbered 46–53, same text, in SSI 2011/399, used in
2022), implemented as written:

* rule 45: stage 1 credits each valid paper to its first preference;
* rule 46: quota = floor(valid papers / (seats + 1)) + 1 (an integer);
* rule 47(1): a candidate whose votes equal or exceed the quota at any stage is
  deemed elected;
* rule 48: the surplus of an elected candidate is transferred by examining *all*
  the papers they hold (weighted inclusive Gregory): each transferable paper
  moves at transfer value ``surplus × value of the paper when received / total
  votes of the candidate``, "the calculation being made to five decimal places
  (any remainder being ignored)" — truncated, never rounded; the value on
  non-transferable papers is lost, and the candidate keeps the quota;
* rule 49(1): when several candidates exceed the quota, the highest surplus is
  transferred first (one surplus per stage; surpluses arising later compete on
  size); 49(2): equal surpluses — first the candidate "who had the highest
  number of votes at the end of the most recent preceding stage at which they
  had unequal numbers of votes"; 49(3): equal at all stages — by lot;
* rule 50: when no surplus remains, the candidate with the then lowest number of
  votes is excluded and all their papers pass, in one stage, at the value at
  which they were received (one for first preferences);
* rule 51(2): a tie for lowest — "regard shall be had to the total number of
  votes credited to those candidates at the end of the most recently preceding
  stage of the count at which they had an unequal number of votes and the
  candidate with the lowest number of votes at that stage shall be excluded";
  equal at all stages — by lot;
* rule 52: when continuing candidates equal the vacancies left they are deemed
  elected and no further transfer is made.

With three or more tied candidates, rules 49(2)/51(2) are applied by walking back
stage by stage, keeping those highest (49) or lowest (51) at the most recent
stage where the tied candidates differed, until one remains; lot (with
``tie_break.seed``) decides among candidates equal at every stage.

All arithmetic is in int64 fixed point (units of 10⁻⁵ vote), vectorised over the
distinct rankings of the profile: papers with the same ranking travel together
and always carry the same value. "Valid papers" are those with at least one
preference for a candidate standing. ``exhausted`` counts the value of
non-transferable papers plus the fractions lost to truncation, so that
``sum(tallies) + exhausted == valid papers`` at every stage. ``Round.tallies``
lists the continuing and the elected candidates (an elected candidate shows the
quota once their surplus has been transferred); excluded candidates are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from sovet.counting._ranked import (
    BoolArray,
    IntArray,
    TieBreaker,
    TieKind,
    check_seats,
    continuing_mask,
    earlier_stage,
    int_tally,
    next_preference,
)
from sovet.counting.ballots import RANKING
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak, Transfer

__all__ = ["SCALE", "stv_scottish"]

SCALE = 100_000
"""Fixed-point unit: rule 48(3) works to five decimal places."""


@dataclass(slots=True)
class _Count:
    """The state of a count: one entry per distinct ranking, one per candidate."""

    profile: Profile
    weights: IntArray
    cont: BoolArray
    pos: IntArray
    holder: IntArray
    value: IntArray
    tally: IntArray
    quota: int
    exhausted: int = 0
    elected: list[int] = field(default_factory=list)
    history: list[IntArray] = field(default_factory=list)
    stages: list[Round] = field(default_factory=list)

    def move(self, rows: IntArray, values: IntArray) -> int:
        """Pass papers ``rows`` at ``values`` to their next continuing preference.

        Returns the value that found a continuing candidate (units).
        """
        pos, cand = next_preference(
            self.profile.rankings, self.pos[rows] + 1, self.cont, rows
        )
        amounts = self.weights[rows] * values
        live = cand >= 0
        self.tally += int_tally(cand[live], amounts[live], len(self.cont))
        self.pos[rows] = pos
        self.holder[rows] = cand
        self.value[rows] = values
        return int(amounts[live].sum())

    def elect_reached(self) -> list[int]:
        """Rule 47(1): continuing candidates at or above quota, highest first."""
        reached = np.flatnonzero(self.cont & (self.tally >= self.quota))
        order = sorted((int(c) for c in reached), key=lambda c: -int(self.tally[c]))
        for c in order:
            self.cont[c] = False
            self.elected.append(c)
        return order

    def stage(
        self, elected: list[int], excluded: tuple[int, ...], moved: Transfer | None
    ) -> None:
        """Close a stage: record totals (continuing and elected) and history."""
        names = self.profile.candidates
        shown = self.cont.copy()
        shown[self.elected] = True
        tallies = {
            names[c]: Fraction(int(self.tally[c]), SCALE) for c in np.flatnonzero(shown)
        }
        self.history.append(self.tally.copy())
        self.stages.append(
            Round(
                number=len(self.stages) + 1,
                tallies=tallies,
                elected=tuple(names[c] for c in elected),
                excluded=tuple(names[c] for c in excluded),
                transferred=moved,
                exhausted=Fraction(self.exhausted, SCALE),
            )
        )


@counting_method(
    "stv-scottish",
    multi_winner=True,
    ranked=True,
    tie_kinds=("surplus", "exclude"),
    rule="SSI 2007/42 Schedule 1 rules 45-52 (Scottish STV, WIGM, 5 decimals, "
    "truncated)",
    ballot=RANKING,
    properties=frozenset(
        {
            "fills-seats",
            "anonymity",
            "neutrality",
            "vote-conservation",
            "fixed-decimals",
        }
    ),
)
def stv_scottish(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: Scottish STV by SSI 2007/42 Sch. 1 rules 45–52 (see module docstring)."""
    check_seats(profile, seats, "stv-scottish", multi=True)
    names = profile.candidates
    n = len(names)
    cont = continuing_mask(profile)
    rows = profile.rankings.shape[0]
    weights = profile.weights.astype(np.int64)
    pos, holder = next_preference(profile.rankings, np.zeros(rows, np.int64), cont)
    valid = int(weights[holder >= 0].sum())  # rule 45(3)
    quota = valid // (seats + 1) + 1  # rule 46
    value = np.full(rows, SCALE, dtype=np.int64)
    tally = int_tally(holder, weights * SCALE, n)  # rule 45(2)
    count = _Count(profile, weights, cont, pos, holder, value, tally, quota * SCALE)
    breaker = TieBreaker(tie_break, names, use_order=False)
    count.stage(count.elect_reached(), (), None)
    while len(count.elected) < seats:
        number = len(count.stages) + 1
        if int(count.cont.sum()) == seats - len(count.elected):  # rule 52
            last = [int(c) for c in np.flatnonzero(count.cont)]
            last.sort(key=lambda c: -int(count.tally[c]))
            count.cont[last] = False
            count.elected.extend(last)
            final = count.stages[-1]
            count.stages[-1] = Round(
                final.number,
                final.tallies,
                final.elected + tuple(names[c] for c in last),
                final.excluded,
                final.transferred,
                final.exhausted,
            )
            break
        surplus = [c for c in count.elected if count.tally[c] > count.quota]
        if surplus:
            c = _pick(surplus, count, breaker, number, surplus=True)  # rule 49
            moved = _transfer_surplus(count, c)
            count.stage(count.elect_reached(), (), moved)
        else:
            live = [int(c) for c in np.flatnonzero(count.cont)]
            c = _pick(live, count, breaker, number, surplus=False)  # rules 50-51
            moved = _exclude(count, c)
            count.stage(count.elect_reached(), (c,), moved)
    return CountResult(
        method="stv-scottish",
        seats=seats,
        candidates=names,
        elected=tuple(names[c] for c in count.elected),
        rounds=tuple(count.stages),
        quota=Fraction(quota),
        exhausted=Fraction(count.exhausted, SCALE),
        ties=tuple(breaker.records),
        decimals=5,
    )


def _pick(
    among: list[int], count: _Count, breaker: TieBreaker, number: int, *, surplus: bool
) -> int:
    """Rule 49 (highest surplus) or rule 50 (lowest total), ties by rules 49/51."""
    values = [int(count.tally[c]) for c in among]
    best = max(values) if surplus else min(values)
    tied = [c for c, v in zip(among, values, strict=True) if v == best]
    if len(tied) == 1:
        return tied[0]
    kind: TieKind = "surplus" if surplus else "exclude"
    left = earlier_stage(tied, count.history, lowest=not surplus)
    if len(left) == 1:
        rule = "rule 49(2)" if surplus else "rule 51(2)(a)"
        breaker.record(tied, number, kind, "earlier-stage", left[0], rule)
        return left[0]
    rule = "rule 49(3)" if surplus else "rule 51(2)(b)"
    return breaker.lot(left, number, kind, f"{rule}: equal at all stages")


def _transfer_surplus(count: _Count, c: int) -> Transfer:
    """Rule 48: transfer all of ``c``'s papers at truncated transfer values."""
    total = int(count.tally[c])
    surplus = total - count.quota
    rows = np.flatnonzero(count.holder == c)
    values = (surplus * count.value[rows]) // total  # rule 48(3): remainder ignored
    moved = count.move(rows, values)
    count.exhausted += surplus - moved
    count.tally[c] = count.quota
    return Transfer(count.profile.candidates[c], "surplus", Fraction(surplus, SCALE))


def _exclude(count: _Count, c: int) -> Transfer:
    """Rule 50: exclude ``c``; papers pass at the value they were received at."""
    total = int(count.tally[c])
    count.cont[c] = False
    rows = np.flatnonzero(count.holder == c)
    moved = count.move(rows, count.value[rows])
    count.exhausted += total - moved
    count.tally[c] = 0
    return Transfer(count.profile.candidates[c], "exclusion", Fraction(total, SCALE))
