"""SR-13/SR-14 (issue 8, class 4): minimums are met inside a congress's cap.

A cap is a cap (SR-13): with a minimum per sender (SR-14) the minimum seats are
taken from the other senders, never added on top of the cap, under both cap
rules; the divisor rule gives what ``sovet.counting.apportionment`` gives.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sovet.counting.apportionment import apportion
from sovet.domain.bodies.registration import RegisterBody
from sovet.domain.congress.apportion_delegates import (
    ApportionCongress,
    SendingUnit,
    apportion_senders,
    congress_rule,
    mandates_of,
)
from sovet.domain.kernel.constitution import ApportionmentParams, Constitution
from sovet.errors import RuleViolation
from tests.world import World

MIN2_CAP10 = ApportionmentParams(min_per_unit=2, caps={"gubernia": 10})
GUBERNIA = congress_rule(MIN2_CAP10, "gubernia", top=False)
UNITS = (
    SendingUnit("town", "city", voters=40_000),  # 20 seats at 1 per 2,000
    SendingUnit("countryside", "province", inhabitants=5_000),  # 0, minimum 2
)


def test_sr13_sr14_minimum_is_met_inside_a_divisor_cap() -> None:
    result = apportion_senders(UNITS, GUBERNIA)
    assert result.total == 10
    assert result.allocation == {"town": 8, "countryside": 2}
    # the same count as the counting package's, on figures at one common ratio
    # (1 per 10,000: voters x5, inhabitants x1)
    same = apportion(
        {"town": 200_000, "countryside": 5_000},
        method="fixed-ratio",
        ratio=10_000,
        min_per_unit=2,
        cap=10,
    )
    assert result.allocation == same.allocation


def test_sr13_sr14_minimum_is_met_inside_a_truncated_cap() -> None:
    result = apportion_senders(UNITS, replace(GUBERNIA, cap_rule="truncate"))
    assert result.total <= 10
    assert result.allocation == {"town": 8, "countryside": 2}


def test_sr13_a_cap_below_the_minimums_is_refused() -> None:
    units = (*UNITS, SendingUnit("other", "province", inhabitants=1))
    tight = replace(GUBERNIA, cap=5)
    for rule in (tight, replace(tight, cap_rule="truncate")):
        with pytest.raises(RuleViolation) as err:
            apportion_senders(units, rule)
        assert err.value.rule == "SR-13"
        assert err.value.value == 5


def test_sr13_truncate_keeps_base_seats_and_seat_pairs() -> None:
    params = replace(MIN2_CAP10, min_per_unit=0, base_seats_per_unit=2, seat_unit=2)
    rule = replace(congress_rule(params, "gubernia", top=False), cap_rule="truncate")
    units = (
        SendingUnit("a", "city", voters=30_000),  # 2 + 2 x floor(30,000 / 4,000) = 16
        SendingUnit("b", "province", inhabitants=15_000),  # 2 + 0 = 2
    )
    result = apportion_senders(units, rule)
    assert result.total <= 10
    assert all(seats % 2 == 0 and seats >= 2 for seats in result.allocation.values())
    assert result.allocation == {"a": 8, "b": 2}


def test_sr13_sr14_apportion_congress_meets_the_minimum_inside_the_cap() -> None:
    base = Constitution()
    flow = World.bare(replace(base, apportionment=MIN2_CAP10))
    at = "1917-10-01"
    for body, kind, level in (
        ("gub", "congress", "gubernia"),
        ("town", "council", "uyezd"),
        ("countryside", "congress", "uyezd"),
    ):
        flow.run(RegisterBody(at=at, body=body, name=body, kind=kind, level=level))
    flow.run(ApportionCongress(at=at, congress="gub", snapshot=at, units=UNITS))
    assert mandates_of(flow.state, "gub") == {"town": 8, "countryside": 2}
