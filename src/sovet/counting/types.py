"""Types shared by every counting method: the compressed profile and the result.

A ``Profile`` stores each distinct ranking once with its weight, as numpy
integer arrays, so a count costs in distinct rankings, not ballots.
Tallies are exact (``Fraction``); a method whose rule rounds to decimals keeps
its arithmetic in integers and reports ``decimals`` for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CountResult",
    "Profile",
    "Round",
    "TieBreak",
    "TieHow",
    "TieKind",
    "TieRecord",
    "Transfer",
]


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """Distinct rankings with weights.

    ``rankings[i]`` lists candidate indices in preference order, padded with -1
    (shape: distinct ballots × longest ballot, int32); ``weights[i]`` is how many
    ballots carry that ranking (int64). For unranked methods (approval) a row is
    the set of approved candidates in any order.
    """

    candidates: tuple[str, ...]
    rankings: npt.NDArray[np.int32]
    weights: npt.NDArray[np.int64]
    withdrawn: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[tuple[Sequence[int], int]],
        withdrawn: Iterable[int] = (),
    ) -> Profile:
        """Group ``(ranking, weight)`` pairs: identical rankings are kept once.

        Rankings are candidate indices (0-based), strict and without repeats;
        empty rankings and zero weights are dropped.
        """
        grouped: dict[tuple[int, ...], int] = {}
        n = len(candidates)
        for ranking, weight in ballots:
            key = tuple(int(c) for c in ranking)
            if weight < 0:
                raise ValueError(f"negative ballot weight {weight}")
            if any(c < 0 or c >= n for c in key) or len(set(key)) != len(key):
                raise ValueError(f"ranking {key} is not a strict ranking of 0..{n - 1}")
            if key and weight:
                grouped[key] = grouped.get(key, 0) + int(weight)
        width = max((len(k) for k in grouped), default=0)
        rankings = np.full((len(grouped), width), -1, dtype=np.int32)
        weights = np.zeros(len(grouped), dtype=np.int64)
        for i, (key, weight) in enumerate(grouped.items()):
            rankings[i, : len(key)] = key
            weights[i] = weight
        return cls(tuple(candidates), rankings, weights, frozenset(withdrawn))

    @property
    def total(self) -> int:
        """The number of (weighted) ballots."""
        return int(self.weights.sum())

    def ballots(self) -> Iterable[tuple[tuple[int, ...], int]]:
        """Each distinct ranking (without padding) with its weight."""
        for row, weight in zip(self.rankings, self.weights, strict=True):
            yield tuple(int(c) for c in row if c >= 0), int(weight)


@dataclass(frozen=True, slots=True)
class TieBreak:
    """How a method may break ties it cannot break by its own rule.

    ``seed`` makes lots reproducible; ``order`` is a declared priority of
    candidate names (first = favoured) for methods whose rule allows one.
    """

    seed: int = 0
    order: tuple[str, ...] | None = None


TieKind = Literal["elect", "exclude", "surplus", "winner", "seat"]
"""What a tie was for: who is elected or excluded, whose surplus moves first,
the winner (Condorcet methods) or a seat (plurality, approval, list PR)."""

TieHow = Literal["earlier-stage", "lot", "order", "rule"]
"""How a tie was broken."""


@dataclass(frozen=True, slots=True)
class TieRecord:
    """One tie met during a count and how the method's rule broke it."""

    round: int
    kind: TieKind
    candidates: tuple[str, ...]
    resolved_by: TieHow
    chosen: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Transfer:
    """The votes moved at a stage: whose, why and how much."""

    source: str
    kind: Literal["surplus", "exclusion", "elimination"]
    value: Fraction


@dataclass(frozen=True, slots=True)
class Round:
    """One stage of a count, as count sheets publish it."""

    number: int
    tallies: Mapping[str, Fraction]
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    transferred: Transfer | None = None
    exhausted: Fraction = Fraction(0)


@dataclass(frozen=True, slots=True)
class CountResult:
    """A count's outcome: winners in order of election, every stage, every tie."""

    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[str, ...]
    rounds: tuple[Round, ...]
    quota: Fraction | None = None
    exhausted: Fraction = Fraction(0)
    ties: tuple[TieRecord, ...] = ()
    decimals: int | None = None
    """Decimal places the rule rounds to (Scottish STV: 5); ``None`` if exact."""
