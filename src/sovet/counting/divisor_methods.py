"""Divisor (highest-averages) methods, exact (SR-13, SR-14).

A unit holding ``k`` seats competes for its next seat with the quotient
``population / d(k)``; seats go one by one to the highest quotient. In the
rounding form (``d`` below) a unit gets ``k + 1`` seats at divisor ``D`` when
``population / D ≥ d(k)``:

* ``dhondt``: d(k) = k + 1; published divisors 1, 2, 3, …; p / D rounded down
  (Jefferson).
* ``sainte-lague``: d(k) = k + 1/2; published 1, 3, 5, …; rounded to the
  nearest, a half up (Webster).
* ``sainte-lague-1.4``: d(0) = 7/10, then k + 1/2; published 1.4, 3, 5, ….
* ``adams``: d(k) = k; published 0, 1, 2, …; rounded up.
* ``huntington-hill``: d(k) = √(k(k+1)); published 0, √2, √6, …; the
  geometric mean of k and k + 1.

All arithmetic is on integers and ``Fraction``. Huntington–Hill's quotients are
compared by their squares ``p² / (k(k+1))``, so no square root is ever taken.
A divisor of 0 (Adams, Huntington–Hill, first seat) gives an infinite quotient:
every unit with a population gets a seat before any unit gets a second; when
there are fewer seats than such units, the larger population goes first (the
limit of ``p / d`` as ``d → 0``). A unit of population 0 never wins a seat.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

from sovet.counting.apportion_ties import TieBreaker
from sovet.errors import RuleViolation, says

__all__ = [
    "DIVISOR_METHODS",
    "Award",
    "DivisorRun",
    "highest_averages",
    "published_divisor",
    "rounding_divisor",
]

DIVISOR_METHODS: tuple[str, ...] = (
    "dhondt",
    "sainte-lague",
    "sainte-lague-1.4",
    "adams",
    "huntington-hill",
)

_HALF = Fraction(1, 2)


def rounding_divisor(method: str, k: int) -> Fraction:
    """SR-14: ``d(k)`` in rounding form for the rational divisor methods."""
    if method == "dhondt":
        return Fraction(k + 1)
    if method == "sainte-lague":
        return k + _HALF
    if method == "sainte-lague-1.4":
        return Fraction(7, 10) if k == 0 else k + _HALF
    if method == "adams":
        return Fraction(k)
    raise ValueError(f"{method!r} has no rational divisor")


def published_divisor(method: str, k: int) -> Fraction:
    """SR-14: the divisor as published (Sainte-Laguë 1, 3, 5 …; 1.4, 3, 5 …)."""
    d = rounding_divisor(method, k)
    return 2 * d if method.startswith("sainte-lague") else d


@dataclass(frozen=True, slots=True)
class Award:
    """One seat: its number in the house, the unit, and the winning priority.

    ``priority`` is ``population / d(k)`` (Huntington–Hill: its square), or
    ``None`` when ``d(k) = 0`` made it infinite.
    """

    seat: int
    unit: str
    priority: Fraction | None


@dataclass(frozen=True, slots=True)
class DivisorRun:
    """The allocation, the seats in award order, and the final divisor.

    ``divisor`` is the last winning quotient in rounding form (population per
    seat); ``None`` for Huntington–Hill or when the last seat had divisor 0.
    """

    allocation: dict[str, int]
    awards: tuple[Award, ...]
    divisor: Fraction | None


# Heap key: smaller is better. (0, -p) = infinite quotient, larger p first;
# (1, -q) = finite quotient q.
_Key = tuple[int, Fraction]


def _key(method: str, population: int, k: int) -> _Key:
    if method in ("adams", "huntington-hill") and k == 0:
        return (0, Fraction(-population))
    if method == "huntington-hill":
        return (1, -Fraction(population * population, k * (k + 1)))
    return (1, -(population / rounding_divisor(method, k)))


def _priority(key: _Key) -> Fraction | None:
    return None if key[0] == 0 else -key[1]


def _ceil(q: Fraction) -> int:
    return -(-q.numerator // q.denominator)


def _seats_above(method: str, y: Fraction) -> int:
    """How many seats ``k = 0, 1, …`` have ``d(k) < y`` (priority above ``p / y``).

    Never more than ``y + 1``, for every method.
    """
    if method == "huntington-hill":
        a, b = (y * y).numerator, (y * y).denominator
        k = isqrt(a // b)
        while k > 0 and k * (k + 1) * b >= a:
            k -= 1
        while (k + 1) * (k + 2) * b < a:
            k += 1
        return k + 1
    if method == "dhondt":
        return max(0, _ceil(y) - 1)
    if method == "sainte-lague":
        return max(0, _ceil(y - _HALF))
    if method == "sainte-lague-1.4":
        return (1 if y > Fraction(7, 10) else 0) + max(0, _ceil(y - _HALF) - 1)
    return max(0, _ceil(y))


def _sure_seats(
    populations: Mapping[str, int], held: Mapping[str, int], left: int, method: str
) -> dict[str, int]:
    """Seats whose priority beats ``x = P / (left − U − 1)``, given at once.

    Each unit has at most ``p / x + 1`` seats above ``x``, so together fewer
    than ``left``: all of them are among the winners, and at least one seat is
    still competed for one by one (ties included) after them.
    """
    units = [name for name, pop in populations.items() if pop > 0]
    if left <= 2 * len(units) + 1:
        return {}
    x = Fraction(sum(populations[name] for name in units), left - len(units) - 1)
    return {
        name: max(0, _seats_above(method, populations[name] / x) - held[name])
        for name in units
    }


def highest_averages(
    populations: Mapping[str, int],
    house: int,
    method: str,
    ties: TieBreaker,
    start: Mapping[str, int] | None = None,
    *,
    stepwise: bool = False,
) -> DivisorRun:
    """SR-14: apportion ``house`` seats by divisor ``method``, seat by seat.

    ``start`` gives seats already held (a minimum taken from the others): the
    competition continues from them, which equals ``max(start, round(p / D))``
    for the final divisor ``D``. Ties for the last seats go to ``ties``.
    In a large house the seats that are sure to be won are given at once
    (``_sure_seats``) and ``awards`` lists only the rest; ``stepwise=True``
    lists every seat (a count sheet needs them all).
    """
    if method not in DIVISOR_METHODS:
        raise RuleViolation(
            "SR-14", says("unknown divisor method {method!r}", method=method), method
        )
    held = {name: (start or {}).get(name, 0) for name in populations}
    left = house - sum(held.values())
    if left < 0:
        raise RuleViolation(
            "SR-14",
            says(
                "house of {house} is smaller than the seats already held", house=house
            ),
            house,
        )
    if not stepwise:
        for name, extra in _sure_seats(populations, held, left, method).items():
            held[name] += extra
            left -= extra
    index = {name: i for i, name in enumerate(populations)}
    heap: list[tuple[_Key, int, str]] = [
        (_key(method, pop, held[name]), index[name], name)
        for name, pop in populations.items()
        if pop > 0
    ]
    heapq.heapify(heap)
    awards: list[Award] = []
    seat = sum(held.values()) + 1
    while left > 0:
        if not heap:
            raise RuleViolation(
                "SR-14",
                says("{left} seat(s) left but no unit has a population", left=left),
                left,
            )
        top = heap[0][0]
        group: list[tuple[_Key, int, str]] = []
        while heap and heap[0][0] == top:
            group.append(heapq.heappop(heap))
        names = [name for _, _, name in group]
        if len(group) > left:
            shown = _priority(top)
            what = "divisor 0" if shown is None else f"priority {shown}"
            names = ties.choose(names, left, seat=seat, what=what)
        for name in names:
            awards.append(Award(seat, name, _priority(top)))
            held[name] += 1
            seat += 1
            left -= 1
            key = _key(method, populations[name], held[name])
            heapq.heappush(heap, (key, index[name], name))
    last = awards[-1].priority if awards else None
    divisor = None if method == "huntington-hill" else last
    return DivisorRun(held, tuple(awards), divisor)
