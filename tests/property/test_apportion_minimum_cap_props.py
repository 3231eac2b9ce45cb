"""SR-13/SR-14 (issue 8, class 4): a congress's cap holds with minimums, and the
congress path counts as ``sovet.counting.apportionment`` does.

For random senders, figures, minimum and cap: the mandates handed out never
exceed the cap and every sender gets at least its minimum whenever
cap ≥ minimum × senders (below that the cap is refused, SR-13). Under the
``divisor`` cap rule the allocation equals the counting package's for the same
inputs: one group's figures directly, two fixed-ratio groups' figures scaled to
their common ratio.
"""

from __future__ import annotations

from math import lcm

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.apportionment import apportion
from sovet.counting.types import TieBreak
from sovet.domain.congress.apportion_delegates import (
    CongressRule,
    DelegateGroup,
    SendingUnit,
    apportion_senders,
)
from sovet.errors import RuleViolation

figures = st.lists(st.integers(0, 400_000), min_size=1, max_size=6)
cap_rules = st.sampled_from(["divisor", "truncate"])
roundings = st.sampled_from(["floor", "nearest", "ceil"])


def _units(cities: list[int], provinces: list[int]) -> list[SendingUnit]:
    units = [SendingUnit(f"c{i}", "city", voters=v) for i, v in enumerate(cities)]
    units += [
        SendingUnit(f"p{i}", "province", inhabitants=v) for i, v in enumerate(provinces)
    ]
    return units


def _order(units: list[SendingUnit]) -> TieBreak:
    return TieBreak(order=tuple(u.name for u in units))


@given(
    figures,
    figures,
    st.integers(1, 20_000),
    st.integers(1, 100_000),
    roundings,
    st.integers(0, 4),
    st.integers(0, 60),
    cap_rules,
)
def test_sr13_sr14_two_groups_cap_is_a_cap_and_minimums_fit_inside(
    cities: list[int],
    provinces: list[int],
    r_city: int,
    r_province: int,
    rounding: str,
    minimum: int,
    cap: int,
    cap_rule: str,
) -> None:
    units = _units(cities, provinces)
    groups = tuple(
        DelegateGroup(kind, basis, ratio=ratio, rounding=rounding, min_per_unit=minimum)
        for kind, basis, ratio in (
            ("city", "voters", r_city),
            ("province", "inhabitants", r_province),
        )
    )
    rule = CongressRule(groups, cap, cap_rule)
    order = _order(units)
    free = apportion_senders(units, CongressRule(groups), tie_break=order)
    if free.total > cap and minimum * len(units) > cap:
        with pytest.raises(RuleViolation) as err:
            apportion_senders(units, rule, tie_break=order)
        assert err.value.rule == "SR-13"
        return
    result = apportion_senders(units, rule, tie_break=order)
    assert result.total <= cap
    assert all(seats >= minimum for seats in result.allocation.values())
    if cap_rule == "divisor":
        common = lcm(r_city, r_province)
        scaled = {f"c{i}": v * (common // r_city) for i, v in enumerate(cities)}
        scaled |= {f"p{i}": v * (common // r_province) for i, v in enumerate(provinces)}
        counted = apportion(
            scaled,
            method="fixed-ratio",
            ratio=common,
            rounding=rounding,  # type: ignore[arg-type]
            min_per_unit=minimum,
            cap=cap,
            tie_break=order,
        )
        assert result.allocation == counted.allocation


@given(
    st.lists(st.integers(1, 400_000), min_size=1, max_size=6),
    st.sampled_from(["fixed-ratio", "hare", "dhondt", "sainte-lague"]),
    st.integers(1, 50_000),
    st.integers(0, 4),
    st.integers(0, 60),
    st.integers(0, 80),
    cap_rules,
)
def test_sr13_sr14_one_group_cap_is_a_cap_and_equals_the_counting_package(
    members: list[int],
    method: str,
    ratio: int,
    minimum: int,
    cap: int,
    house: int,
    cap_rule: str,
) -> None:
    units = [SendingUnit(f"u{i}", "branch", members=v) for i, v in enumerate(members)]
    fixed = method == "fixed-ratio"
    if not fixed and house < minimum * len(units):
        house = minimum * len(units)  # a house must hold its own minimums (SR-14)
    group = DelegateGroup(
        "*",
        "members",
        method,
        ratio=ratio if fixed else None,
        seats=None if fixed else house,
        min_per_unit=minimum,
    )
    rule = CongressRule((group,), cap, cap_rule)
    order = _order(units)
    if minimum * len(units) > cap:
        with pytest.raises(RuleViolation):
            apportion_senders(units, rule, tie_break=order)
        return
    result = apportion_senders(units, rule, tie_break=order)
    assert result.total <= cap
    assert all(seats >= minimum for seats in result.allocation.values())
    if cap_rule == "divisor":
        counted = apportion(
            {u.name: u.basis("members") for u in units},
            method=method,
            ratio=ratio if fixed else None,
            seats=None if fixed else house,
            min_per_unit=minimum,
            cap=cap,
            tie_break=order,
        )
        assert result.allocation == counted.allocation
