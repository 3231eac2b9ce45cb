"""SR-12…SR-14: congress mandates per sender, 1918 ratios, caps, modern methods."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sovet.domain.bodies.registration import RegisterBody
from sovet.domain.congress.apportion_delegates import (
    ApportionCongress,
    CongressRule,
    DelegateGroup,
    SendingUnit,
    apportion_senders,
    apportioned_total,
    check_mandates,
    check_sender_mandates,
    congress_rule,
    mandates_of,
)
from sovet.domain.kernel.constitution import ApportionmentParams, Constitution
from sovet.errors import NotFound, RuleViolation
from tests.world import World

P1918 = ApportionmentParams()
NATIONAL = congress_rule(P1918, "national", top=True)


def city(name: str, voters: int, inhabitants: int | None = None) -> SendingUnit:
    return SendingUnit(name, "city", voters=voters, inhabitants=inhabitants)


def province(name: str, inhabitants: int) -> SendingUnit:
    return SendingUnit(name, "province", inhabitants=inhabitants)


def test_sr12_national_congress_1918_ratios_floor_no_minimum() -> None:
    units = [
        city("petrograd", 1_200_000),
        city("moscow", 1_049_999),
        city("small-town", 24_999),
        province("tver", 2_500_000),
        province("tiny", 124_999),
    ]
    result = apportion_senders(units, NATIONAL)
    assert result.allocation == {
        "petrograd": 48,
        "moscow": 41,
        "small-town": 0,
        "tver": 20,
        "tiny": 0,
    }
    assert result.total == 109
    assert result.capped is None


def test_sr12_each_unit_must_carry_its_basis_and_belong_to_a_group() -> None:
    with pytest.raises(RuleViolation) as err:
        apportion_senders([SendingUnit("petrograd", "city", inhabitants=10)], NATIONAL)
    assert err.value.rule == "SR-12"
    assert err.value.value == "petrograd"
    with pytest.raises(RuleViolation) as err:
        apportion_senders([SendingUnit("x", "volost-council", members=9)], NATIONAL)
    assert err.value.rule == "SR-12"
    with pytest.raises(RuleViolation) as err:
        apportion_senders([city("a", 1), city("a", 2)], NATIONAL)
    assert err.value.rule == "SR-12"
    with pytest.raises(RuleViolation) as err:
        SendingUnit("a", "city", voters=1).basis("souls")
    assert err.value.rule == "SR-14"


def test_sr13_gubernia_cap_raises_the_divisor_for_both_groups() -> None:
    rule = congress_rule(P1918, "gubernia", top=False)
    assert rule.cap == 300
    units = [city("town", 400_000), province("countryside", 2_000_000)]
    uncapped = apportion_senders(units, replace(rule, cap=None))
    assert uncapped.allocation == {"town": 200, "countryside": 200}
    capped = apportion_senders(units, rule)
    assert capped.total == 300
    assert capped.allocation == {"town": 150, "countryside": 150}
    assert capped.capped is not None
    assert capped.capped.method == "dhondt"


def test_sr13_truncate_cap_rule_scales_down_divisor_fills_the_cap() -> None:
    rule = congress_rule(P1918, "gubernia", top=False)
    units = [city("town", 210_000), province("countryside", 3_000_000)]
    cut = apportion_senders(units, replace(rule, cap_rule="truncate"))
    assert cut.allocation == {"town": 77, "countryside": 222}  # one seat left empty
    full = apportion_senders(units, rule)
    assert full.allocation == {"town": 78, "countryside": 222}


def test_sr13_uyezd_single_group_cap_and_volost_minimum() -> None:
    uyezd = congress_rule(P1918, "uyezd", top=False)
    units = [province("v1", 201_000), province("v2", 150_000)]
    assert apportion_senders(units, uyezd).total == 300
    volost = congress_rule(P1918, "volost", top=False)
    councils = [
        SendingUnit("small", "council", members=7),
        SendingUnit("big", "council", members=25),
    ]
    assert apportion_senders(councils, volost).allocation == {"small": 1, "big": 2}


def test_sr13_divisor_cap_needs_one_rounding() -> None:
    rule = CongressRule(
        (
            DelegateGroup("city", "voters", ratio=10, rounding="floor"),
            DelegateGroup("province", "inhabitants", ratio=10, rounding="ceil"),
        ),
        cap=1,
    )
    with pytest.raises(RuleViolation) as err:
        apportion_senders([city("a", 100), province("b", 100)], rule)
    assert err.value.rule == "SR-13"


def test_sr14_house_size_method_with_minimum_per_branch() -> None:
    params = ApportionmentParams(
        method="hare",
        house_size=10,
        basis_city="paid_dues",
        basis_province="paid_dues",
        min_per_unit=1,
    )
    rule = congress_rule(params, "congress", top=True)
    units = [
        SendingUnit("a", "branch", paid_dues=1000),
        SendingUnit("b", "branch", paid_dues=500),
        SendingUnit("c", "branch", paid_dues=10),
    ]
    result = apportion_senders(units, rule)
    assert result.allocation["c"] == 1
    assert result.allocation["a"] > result.allocation["b"] > 0
    mixed = replace(params, basis_province="members")
    with pytest.raises(RuleViolation) as err:
        congress_rule(mixed, "congress", top=True)
    assert err.value.rule == "SR-14"


def test_sr12_check_mandates() -> None:
    check_mandates("petrograd", 48, {"petrograd": 48})
    with pytest.raises(RuleViolation) as err:
        check_mandates("petrograd", 49, {"petrograd": 48})
    assert err.value.rule == "SR-12"
    assert err.value.value == 49
    with pytest.raises(RuleViolation):
        check_mandates("nowhere", 1, {"petrograd": 48})


def apportion_flow() -> World:
    flow = World.bare(Constitution())
    at = "1917-10-01"
    flow.run(
        RegisterBody(
            at=at, body="national", name="Congress", kind="congress", level="national"
        )
    )
    flow.run(
        RegisterBody(
            at=at, body="petrograd", name="Petrograd", kind="council", level="gubernia"
        )
    )
    flow.run(
        RegisterBody(at=at, body="tver", name="Tver", kind="congress", level="gubernia")
    )
    return flow


def test_sr12_apportion_congress_command_records_the_mandates() -> None:
    flow = apportion_flow()
    units = (city("petrograd", 1_200_000), province("tver", 2_500_000))
    flow.run(
        ApportionCongress(
            at="1917-10-20", congress="national", snapshot="1917-10-01", units=units
        )
    )
    assert mandates_of(flow.state, "national") == {"petrograd": 48, "tver": 20}
    assert mandates_of(flow.state, "tver") is None
    assert apportioned_total(flow.state, "national") == 68
    assert apportioned_total(flow.state, "tver") is None
    check_sender_mandates(flow.state, "tver", "anyone", 1000)
    check_sender_mandates(flow.state, "national", "petrograd", 48)
    with pytest.raises(RuleViolation) as err:
        check_sender_mandates(flow.state, "national", "petrograd", 49)
    assert err.value.rule == "SR-12"


def test_sr12_sr14_apportion_congress_refusals() -> None:
    flow = apportion_flow()
    units = (city("petrograd", 1_200_000),)
    with pytest.raises(RuleViolation) as err:
        flow.run(
            ApportionCongress(
                at="1917-10-20",
                congress="petrograd",
                snapshot="1917-10-01",
                units=units,
            )
        )
    assert err.value.rule == "SR-12"
    with pytest.raises(RuleViolation) as err:
        flow.run(
            ApportionCongress(
                at="1917-10-20", congress="national", snapshot="1917-10-21", units=units
            )
        )
    assert err.value.rule == "SR-14"
    with pytest.raises(RuleViolation) as err:
        flow.run(
            ApportionCongress(
                at="1917-10-20", congress="national", snapshot="Oct 1917", units=units
            )
        )
    assert err.value.rule == "SR-14"
    with pytest.raises(NotFound) as nf:
        flow.run(
            ApportionCongress(
                at="1917-10-20",
                congress="national",
                snapshot="1917-10-01",
                units=(city("kronstadt", 60_000),),
            )
        )
    assert nf.value.rule == "SR-12"
    flow.run(
        RegisterBody(
            at="1917-10-20", body="selo", name="Selo", kind="council", level="village"
        )
    )
    with pytest.raises(RuleViolation) as err:  # a village council sends to its volost
        flow.run(
            ApportionCongress(
                at="1917-10-20",
                congress="national",
                snapshot="1917-10-01",
                units=(SendingUnit("selo", "province", inhabitants=500),),
            )
        )
    assert err.value.rule == "SR-2"
    assert flow.state.apportionments == {}
