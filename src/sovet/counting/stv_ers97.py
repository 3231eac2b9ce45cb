"""ERS97 STV (``stv-ers97``): the Electoral Reform Society's rules of 1997.

Rule text: Electoral Reform Society, *How to conduct an election by the Single
Transferable Vote*, 3rd edition (1997), sections 5 and 6 (read in the copy
that OpenSTV's ERS97 plugin reproduces). Followed here, by section:

- 5.1.2 papers with no first preference for a standing candidate are invalid;
- 5.1.6 quota: total valid vote / (places + 1) to two decimals; if not exact,
  the remainder is ignored and 0.01 added;
- 5.1.7, 5.3.13, 5.4.9: in descending order of votes, deem elected whoever
  reaches the quota or the total active vote (6.20) / (places unfilled + 1);
  5.6.2: equal votes straddling the last place go by the first stage or the
  earliest later point where they differed, and if always equal none is
  deemed elected at that stage;
- 5.2.2 surpluses are deferred while their total cannot save the lowest
  candidate(s): it does not exceed (a) the gap between the two lowest or
  (b) the gap between a group excludable under 5.2.5 and the candidate above;
- 5.2.3 the largest surplus first (ties: greatest vote at the first stage or
  earliest point where they differed, then lot);
- 5.2.5 bulk exclusion of as many of the lowest as possible whose votes plus
  the deferred surpluses do not exceed the next candidate's vote (ties:
  fewest votes at the first stage or earliest point, then lot);
- 5.3.1/5.3.2 a surplus is taken from all papers at the first stage, else from
  the last received batch only; 5.3.7 transfer value = surplus / transferable
  papers to two decimals, remainder ignored, capped at the papers' value;
  5.3.9 the non-transferable difference is recorded;
- 5.4 excluded candidates' papers go in batches of descending transfer value,
  one sub-stage each; 5.4.8 the quota is recalculated on non-transferable
  papers until someone is deemed elected; 5.4.10 no papers to the newly elected;
- 5.5.1/5.5.2 completion when continuing candidates equal the places left,
  or when all places are filled.

Arithmetic is in integer hundredths of a vote, as the rules round.

Readings where the text leaves a choice (each also OpenSTV's, whose ERS97
count was validated against the ERS's own eSTV program):
- 5.2.2 "does not exceed either (a) … or (b)": either condition defers;
- 5.1.7(b): the vote is compared with the exact quotient (no rounding), and a
  candidate with no votes is never deemed elected by it;
- 6.20 votes awaiting transfer are the untransferred surpluses and, during an
  exclusion, the excluded candidates' papers not yet transferred;
- 5.5.2: once all places are filled nothing more moves, so an excluded
  candidate may keep untransferred papers on the last stage's sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from sovet.counting._stv_common import (
    BoolArray,
    IntArray,
    StvTies,
    check_stv_seats,
    fractions_of,
    next_continuing,
)
from sovet.counting.ballots import RANKING
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak, Transfer

__all__ = ["stv_ers97"]

SCALE = 100  # hundredths of a vote (5.1.6, 5.3.7)
CONTINUING, ELECTED, EXCLUDED = 0, 1, 2


@dataclass(slots=True, eq=False)
class _Batch:
    """Papers received together at one value (6.1): rows, counts and positions."""

    rows: IntArray
    counts: IntArray
    pos: IntArray
    value: int


class _Ers97Count:
    """The state of one ERS97 count: papers held, votes, stages and ties."""

    def __init__(self, profile: Profile, seats: int, tie_break: TieBreak) -> None:
        self.names = profile.candidates
        self.n = len(self.names)
        self.seats = seats
        self.rankings = profile.rankings
        self.status = np.full(self.n, CONTINUING, dtype=np.int8)
        for c in profile.withdrawn:
            self.status[c] = EXCLUDED
        self.votes = np.zeros(self.n, dtype=np.int64)
        self.batches: list[list[_Batch]] = [[] for _ in range(self.n)]
        self.nontransferable = 0
        self.elected: list[int] = []
        self.pending: list[int] = []  # deemed elected, surplus not yet transferred
        self.history: list[IntArray] = []
        self.rounds: list[Round] = []
        self.ties = StvTies(tie_break, self.names)
        self.stage = 1
        self.stage_elected: list[int] = []
        rows = np.arange(self.rankings.shape[0], dtype=np.int64)
        counts = profile.weights.astype(np.int64)
        start = np.full(rows.shape[0], -1, dtype=np.int64)
        dest, pos = next_continuing(self.rankings, rows, start, self.continuing())
        self._place(rows, counts, dest, pos, SCALE)
        invalid = int(counts[dest < 0].sum())
        self.valid = (profile.total - invalid) * SCALE  # 5.1.2
        self.quota = self._droop(self.valid)
        self.history.append(self.votes.copy())

    # -- helpers ---------------------------------------------------------------
    def continuing(self) -> BoolArray:
        """6.3: candidates neither deemed elected nor excluded."""
        cont: BoolArray = self.status == CONTINUING
        return cont

    def _droop(self, total: int) -> int:
        """5.1.6: total / (places + 1) in hundredths, raised by 0.01 if inexact."""
        return -(-total // (self.seats + 1))

    def _place(
        self,
        rows: IntArray,
        counts: IntArray,
        dest: IntArray,
        pos: IntArray,
        value: int,
    ) -> None:
        """Credit each continuing candidate with the papers whose next preference
        they are, as one new batch at ``value`` per paper."""
        for c in np.unique(dest[dest >= 0]):
            sel = dest == c
            batch = _Batch(rows[sel], counts[sel], pos[sel], value)
            self.batches[int(c)].append(batch)
            self.votes[c] += int(batch.counts.sum()) * value

    def _record(
        self, transferred: Transfer | None = None, excluded: tuple[int, ...] = ()
    ) -> None:
        self.rounds.append(
            Round(
                number=self.stage,
                tallies=fractions_of(self.names, self.votes, SCALE),
                elected=tuple(self.names[c] for c in self.stage_elected),
                excluded=tuple(self.names[c] for c in excluded),
                transferred=transferred,
                exhausted=Fraction(self.nontransferable, SCALE),
            )
        )
        self.stage += 1
        self.stage_elected = []

    # -- 5.1.7 / 5.3.13 / 5.4.9 -----------------------------------------------
    def deem_elected(self, held: int = 0) -> None:
        """Deem elected, in descending order of votes, whoever reaches the quota
        or the total active vote / (places unfilled + 1); ``held`` counts votes
        of excluded candidates still awaiting transfer (6.20)."""
        while True:
            remaining = self.seats - len(self.elected)
            cont = np.flatnonzero(self.continuing())
            if remaining <= 0 or cont.size == 0:
                return
            awaiting = sum(int(self.votes[p]) - self.quota for p in self.pending)
            active = int(self.votes[cont].sum()) + awaiting + held
            reach = [
                int(c)
                for c in cont
                if self.votes[c] > 0
                and (
                    self.votes[c] >= self.quota
                    or self.votes[c] * (remaining + 1) >= active
                )
            ]
            chosen = self._within_places(reach, remaining)
            if not chosen:
                return
            for c in chosen:
                self.status[c] = ELECTED
                self.elected.append(c)
                self.stage_elected.append(c)
                if self.votes[c] > self.quota:
                    self.pending.append(c)

    def _within_places(self, reach: list[int], places: int) -> list[int]:
        """Those of ``reach`` deemed elected, highest first, with 5.6.2 for ties."""
        chosen: list[int] = []
        for value in sorted({int(self.votes[c]) for c in reach}, reverse=True):
            group = [c for c in reach if self.votes[c] == value]
            if len(chosen) + len(group) <= places:
                chosen.extend(group)
                continue
            while len(chosen) < places:
                best = self.ties.first_difference(group, self.history, lowest=False)
                if len(best) != 1:
                    note = "equal at every point: none deemed elected (5.6.2)"
                    self.ties.record(group, self.stage, "elect", "rule", None, note)
                    return chosen
                note = "most votes at the first point where they differed (5.6.2)"
                self.ties.record(
                    group, self.stage, "elect", "earlier-stage", best[0], note
                )
                chosen.append(best[0])
                group.remove(best[0])
            break
        return chosen

    # -- 5.2.2 / 5.2.5 ----------------------------------------------------------
    def excludable(self, surplus: int) -> list[int]:
        """5.2.5: the largest group of lowest candidates whose votes plus ``surplus``
        do not exceed the vote of the candidate next above, leaving enough
        candidates for the places (equal votes are never split)."""
        cont = sorted(np.flatnonzero(self.continuing()).tolist(), key=self._vote)
        clusters: list[list[int]] = []
        for c in cont:
            if clusters and self._vote(clusters[-1][0]) == self._vote(c):
                clusters[-1].append(c)
            else:
                clusters.append([c])
        most = len(cont) - (self.seats - len(self.elected))
        group: list[int] = []
        found: list[int] = []
        total = surplus
        for i, cluster in enumerate(clusters[:-1]):
            group += cluster
            total += self._vote(cluster[0]) * len(cluster)
            if len(group) > most:
                break
            if total <= self._vote(clusters[i + 1][0]):
                found = list(group)
        return found

    def _vote(self, c: int) -> int:
        return int(self.votes[c])

    # -- 5.3 ---------------------------------------------------------------------
    def transfer_surplus(self) -> None:
        """5.2.3 and 5.3: transfer the largest surplus from its last received batch."""
        largest = max(self._vote(p) - self.quota for p in self.pending)
        tied = [p for p in self.pending if self._vote(p) - self.quota == largest]
        c = self.ties.pick(tied, self.history, self.stage, "surplus", lowest=False)
        surplus = self._vote(c) - self.quota
        batch = self.batches[c][-1]  # 5.3.1 (the only batch) / 5.3.2 (the last)
        dest, pos = next_continuing(
            self.rankings, batch.rows, batch.pos, self.continuing()
        )
        papers = int(batch.counts[dest >= 0].sum())
        value = batch.value  # 5.3.7: at most the papers' present value
        if papers * value > surplus:
            value = surplus // papers
        self._place(batch.rows, batch.counts, dest, pos, value)
        self.nontransferable += surplus - papers * value  # 5.3.9
        self.votes[c] = self.quota
        self.pending.remove(c)
        self.history.append(self.votes.copy())
        self.deem_elected()
        self._record(Transfer(self.names[c], "surplus", Fraction(surplus, SCALE)))

    # -- 5.4 ---------------------------------------------------------------------
    def exclude(self, group: list[int]) -> None:
        """5.4: transfer the excluded candidates' papers batch by batch, highest
        transfer value first, deeming candidates elected after each batch.

        The stage's ``Round.excluded`` lists the whole group (lowest first);
        its ``Transfer`` names the lowest as source and carries the group's
        total vote, since a ``Transfer`` has one source candidate."""
        moved = sum(self._vote(c) for c in group)
        for c in group:
            self.status[c] = EXCLUDED
        values = sorted({b.value for c in group for b in self.batches[c]}, reverse=True)
        for value in values:
            parts = [(c, b) for c in group for b in self.batches[c] if b.value == value]
            rows = np.concatenate([b.rows for _, b in parts])
            counts = np.concatenate([b.counts for _, b in parts])
            after = np.concatenate([b.pos for _, b in parts])
            dest, pos = next_continuing(self.rankings, rows, after, self.continuing())
            self._place(rows, counts, dest, pos, value)
            self.nontransferable += int(counts[dest < 0].sum()) * value
            for c, b in parts:
                self.votes[c] -= int(b.counts.sum()) * value
                self.batches[c].remove(b)
            self.history.append(self.votes.copy())
            if not self.elected and self.nontransferable:  # 5.4.8
                self.quota = self._droop(self.valid - self.nontransferable)
            self.deem_elected(held=sum(self._vote(c) for c in group))
            if len(self.elected) == self.seats:  # 5.5.2
                break
        transfer = Transfer(self.names[group[0]], "exclusion", Fraction(moved, SCALE))
        self._record(transfer, tuple(group))

    # -- 5.2 -----------------------------------------------------------------------
    def run(self) -> None:
        """The count: first stage, then surpluses or exclusions until complete."""
        self.deem_elected()
        self._record()
        while len(self.elected) < self.seats:
            cont = np.flatnonzero(self.continuing()).tolist()
            places = self.seats - len(self.elected)
            if len(cont) <= places:  # 4.3 / 5.5.1: the rest are deemed elected
                self._elect_rest(cont)
                return
            surplus = sum(self._vote(p) - self.quota for p in self.pending)
            group = self.excludable(surplus)
            if self.pending and not group:
                self.transfer_surplus()
                continue
            if not group:
                low = min(self._vote(c) for c in cont)
                tied = [c for c in cont if self._vote(c) == low]
                group = [
                    self.ties.pick(
                        tied, self.history, self.stage, "exclude", lowest=True
                    )
                ]
            if len(cont) - len(group) <= places:  # 5.5.1
                for c in group:
                    self.status[c] = EXCLUDED
                rest = [c for c in cont if c not in group]
                self._elect_in_order(rest)
                self._record(excluded=tuple(group))
                return
            self.exclude(group)

    def _elect_in_order(self, rest: list[int]) -> None:
        for c in sorted(rest, key=lambda c: (-self._vote(c), c)):
            self.status[c] = ELECTED
            self.elected.append(c)
            self.stage_elected.append(c)

    def _elect_rest(self, rest: list[int]) -> None:
        before = len(self.elected)
        self._elect_in_order(rest)
        last = self.rounds[-1]
        extra = tuple(self.names[c] for c in self.elected[before:])
        self.rounds[-1] = replace(last, elected=last.elected + extra)
        self.stage_elected = []

    def result(self) -> CountResult:
        """The count as a ``CountResult`` (values in hundredths, ``decimals=2``)."""
        return CountResult(
            method="stv-ers97",
            seats=self.seats,
            candidates=self.names,
            elected=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
            quota=Fraction(self.quota, SCALE),
            exhausted=Fraction(self.nontransferable, SCALE),
            ties=tuple(self.ties.records),
            decimals=2,
        )


@counting_method(
    "stv-ers97",
    multi_winner=True,
    ranked=True,
    tie_kinds=("elect", "exclude", "surplus"),
    rule=(
        "Electoral Reform Society, How to conduct an election by the Single "
        "Transferable Vote, 3rd ed. (1997), sections 5-6"
    ),
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
def stv_ers97(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: count ``profile`` for ``seats`` places by the ERS97 STV rules.

    Ties go by the first stage or the earliest later point where the tied
    candidates differed (5.2.3, 5.2.5, 5.6.2), then by lot seeded with
    ``tie_break.seed``; every tie is reported.
    """
    check_stv_seats(profile, seats, "stv-ers97")
    count = _Ers97Count(profile, seats, tie_break)
    count.run()
    return count.result()
