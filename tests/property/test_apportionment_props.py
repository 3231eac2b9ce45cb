"""SR-12…SR-14 properties of every apportionment method, on random inputs.

Checked: the house size is honoured (or grows exactly as documented for a
minimum); every divisor method's result is a divisor allocation (each seat
held beats every seat not held: the min–max inequality, squares for
Huntington–Hill); house monotonicity of divisor methods; the quota property of
Hare; minimums, pairs and caps; neutrality under reordering the units.
"""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.apportion_ties import TieBreaker
from sovet.counting.apportionment import apportion
from sovet.counting.divisor_methods import (
    DIVISOR_METHODS,
    highest_averages,
    rounding_divisor,
)
from sovet.counting.largest_remainder import LR_QUOTAS
from sovet.counting.types import TieBreak
from sovet.errors import RuleViolation

HOUSE_METHODS = (*DIVISOR_METHODS, "hare", "hagenbach-bischoff")
"""Droop is left out where a tiny electorate makes its quota refuse the house."""

populations = (
    st.lists(st.integers(min_value=0, max_value=200_000), min_size=1, max_size=8)
    .filter(any)
    .map(lambda pops: {f"u{i}": p for i, p in enumerate(pops)})
)
seeds = st.integers(min_value=0, max_value=2**16)


def _priority(method: str, pop: int, k: int) -> Fraction | None:
    """The claim of a unit holding ``k`` seats on its next one (None = infinite)."""
    if method == "huntington-hill":
        return None if k == 0 else Fraction(pop * pop, k * (k + 1))
    d = rounding_divisor(method, k)
    return None if d == 0 else pop / d


def _beats(a: Fraction | None, b: Fraction | None) -> bool:
    return a is None or (b is not None and a >= b)


@given(populations, st.sampled_from(HOUSE_METHODS), st.integers(0, 60), seeds)
def test_house_size_is_honoured(
    pops: dict[str, int], method: str, seats: int, seed: int
) -> None:
    result = apportion(pops, method=method, seats=seats, tie_break=TieBreak(seed))
    assert result.seats == seats == sum(result.allocation.values())
    assert set(result.allocation) == set(pops)
    assert all(result.allocation[u] == 0 for u, p in pops.items() if p == 0)


@given(populations, st.sampled_from(DIVISOR_METHODS), st.integers(1, 60), seeds)
def test_divisor_allocation_min_max_inequality(
    pops: dict[str, int], method: str, seats: int, seed: int
) -> None:
    alloc = apportion(
        pops, method=method, seats=seats, tie_break=TieBreak(seed)
    ).allocation
    held = [_priority(method, p, alloc[u] - 1) for u, p in pops.items() if alloc[u] > 0]
    missed = [_priority(method, p, alloc[u]) for u, p in pops.items() if p > 0]
    weakest_held = min(held, key=lambda q: (q is None, q or 0))
    for claim in missed:
        assert _beats(weakest_held, claim)


@given(populations, st.sampled_from(DIVISOR_METHODS), st.integers(0, 40), seeds)
def test_divisor_methods_are_house_monotone(
    pops: dict[str, int], method: str, seats: int, seed: int
) -> None:
    small = apportion(pops, method=method, seats=seats, tie_break=TieBreak(seed))
    large = apportion(pops, method=method, seats=seats + 1, tie_break=TieBreak(seed))
    assert all(large.allocation[u] >= small.allocation[u] for u in pops)


@given(populations, st.integers(1, 60), seeds)
def test_hare_stays_within_quota(pops: dict[str, int], seats: int, seed: int) -> None:
    alloc = apportion(
        pops, method="hare", seats=seats, tie_break=TieBreak(seed)
    ).allocation
    total = sum(pops.values())
    for unit, pop in pops.items():
        quota = Fraction(pop * seats, total)
        assert quota - 1 < alloc[unit] < quota + 1


@given(
    populations,
    st.sampled_from((*DIVISOR_METHODS, *LR_QUOTAS)),
    st.integers(0, 3),
    st.integers(0, 30),
    st.booleans(),
    seeds,
)
def test_minimum_is_honoured_either_way(
    pops: dict[str, int],
    method: str,
    minimum: int,
    extra: int,
    grows: bool,
    seed: int,
) -> None:
    seats = minimum * len(pops) + extra
    try:
        result = apportion(
            pops,
            method=method,
            seats=seats,
            min_per_unit=minimum,
            minimum_adds_seats=grows,
            tie_break=TieBreak(seed),
        )
    except RuleViolation as exc:
        refusal = exc.message
    else:
        refusal = ""
    if refusal:
        assert method == "droop"
        assert "too large for the quota" in refusal
        return
    assert all(v >= minimum for v in result.allocation.values())
    if grows:
        assert result.seats >= seats
    else:
        assert result.seats == seats


@given(populations, st.sampled_from(HOUSE_METHODS), st.integers(0, 30), seeds)
def test_pairs_are_even(
    pops: dict[str, int], method: str, pairs: int, seed: int
) -> None:
    result = apportion(
        pops, method=method, seats=2 * pairs, seat_unit=2, tie_break=TieBreak(seed)
    )
    assert result.seats == 2 * pairs
    assert all(v % 2 == 0 for v in result.allocation.values())


@given(
    populations,
    st.integers(1, 20_000),
    st.sampled_from(["floor", "nearest", "ceil"]),
    st.integers(0, 2),
    st.integers(0, 40),
    seeds,
)
def test_fixed_ratio_cap_is_honoured(
    pops: dict[str, int],
    ratio: int,
    rounding: str,
    minimum: int,
    cap_extra: int,
    seed: int,
) -> None:
    cap = minimum * len(pops) + cap_extra
    free = apportion(
        pops,
        method="fixed-ratio",
        ratio=ratio,
        rounding=rounding,  # type: ignore[arg-type]
        min_per_unit=minimum,
    )
    capped = apportion(
        pops,
        method="fixed-ratio",
        ratio=ratio,
        rounding=rounding,  # type: ignore[arg-type]
        min_per_unit=minimum,
        cap=cap,
        tie_break=TieBreak(seed),
    )
    assert capped.seats == min(cap, free.seats)
    assert all(v >= minimum for v in capped.allocation.values())
    if free.seats <= cap:
        assert capped.allocation == free.allocation


@given(populations, st.sampled_from(HOUSE_METHODS), st.integers(0, 40), st.randoms())
def test_neutral_under_reordering(
    pops: dict[str, int], method: str, seats: int, rnd: random.Random
) -> None:
    try:
        result = apportion(pops, method=method, seats=seats)
    except RuleViolation as exc:
        refusal = exc.message
    else:
        refusal = ""
    if refusal:
        assert "tie for" in refusal
        return
    names = list(pops)
    rnd.shuffle(names)
    shuffled = apportion({n: pops[n] for n in names}, method=method, seats=seats)
    assert shuffled.allocation == result.allocation


@given(populations, st.sampled_from(HOUSE_METHODS), st.integers(1, 40), seeds)
def test_threshold_excludes_exactly_the_units_below_it(
    pops: dict[str, int], method: str, seats: int, seed: int
) -> None:
    threshold = Fraction(1, 10)
    total = sum(pops.values())
    passing = {u for u, p in pops.items() if p * 10 >= total}
    result = apportion(
        pops, method=method, seats=seats, threshold=threshold, tie_break=TieBreak(seed)
    )
    assert {u for u, v in result.allocation.items() if v} <= passing
    assert result.seats == seats


@given(
    populations,
    st.sampled_from(DIVISOR_METHODS),
    st.integers(0, 400),
    st.integers(0, 3),
    seeds,
)
def test_sure_seats_shortcut_changes_nothing(
    pops: dict[str, int], method: str, seats: int, minimum: int, seed: int
) -> None:
    """Large houses give the sure seats at once; the result must equal seat by seat."""
    start = dict.fromkeys(pops, minimum)
    house = seats + minimum * len(pops)
    fast_ties, slow_ties = TieBreaker(TieBreak(seed)), TieBreaker(TieBreak(seed))
    fast = highest_averages(pops, house, method, fast_ties, start)
    slow = highest_averages(pops, house, method, slow_ties, start, stepwise=True)
    assert fast.allocation == slow.allocation
    assert fast.divisor == slow.divisor
    assert fast_ties.records == slow_ties.records
    assert fast.awards == slow.awards[len(slow.awards) - len(fast.awards) :]
