"""SR-2 ladder, SR-3 executive-committee sizes, SR-6 council size and term."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from sovet.domain.bodies.ladder import (
    LEVELS_1918,
    CouncilSize,
    LadderViolation,
    check_ec_size,
    check_sends_to,
    city_ec_bounds,
    council_size,
    higher_level,
    term_end,
)
from sovet.errors import RuleViolation


@pytest.mark.parametrize(("low", "high"), list(itertools.pairwise(LEVELS_1918)))
def test_sr2_each_level_sends_to_the_next(low: str, high: str) -> None:
    check_sends_to(low, high)
    assert higher_level(low) == high


def test_sr2_top_has_no_higher_level() -> None:
    assert higher_level("national") is None


def test_sr2_sending_down_or_sideways_is_refused() -> None:
    for low, high in [("gubernia", "uyezd"), ("uyezd", "uyezd")]:
        with pytest.raises(LadderViolation) as err:
            check_sends_to(low, high)
        assert err.value.rule == "SR-2"
        assert err.value.value == high


def test_sr2_skipping_a_held_congress_is_refused_but_fallback_allowed() -> None:
    with pytest.raises(LadderViolation) as err:
        check_sends_to("uyezd", "national")
    assert "(gubernia)" in str(err.value)
    check_sends_to("uyezd", "national", not_held=("gubernia",))
    check_sends_to("gubernia", "national")  # C18 art 25: oblast is optional
    with pytest.raises(LadderViolation):
        check_sends_to("gubernia", "national", optional=())
    check_sends_to("uyezd", "national", not_held=("gubernia", "oblast"), optional=())
    with pytest.raises(LadderViolation):
        check_sends_to("volost", "national", not_held=("gubernia",))


@pytest.mark.parametrize("level", ["gubernia", "oblast", "national"])
def test_sr2_city_councils_feed_upper_congresses_directly(level: str) -> None:
    check_sends_to("city", level, city=True)


def test_sr2_city_council_cannot_send_to_volost_small_town_sits_in_uyezd() -> None:
    with pytest.raises(LadderViolation) as err:
        check_sends_to("city", "volost", city=True)
    assert err.value.rule == "SR-2"
    with pytest.raises(LadderViolation):
        check_sends_to("city", "uyezd", city=True)
    check_sends_to("city", "uyezd", city=True, small_town=True)


def test_sr2_unknown_level_is_named() -> None:
    with pytest.raises(LadderViolation) as err:
        check_sends_to("parish", "volost")
    assert err.value.value == "parish"


def test_sr3_ec_sizes_per_level() -> None:
    check_ec_size("national", 200)
    check_ec_size("volost", 10)
    for level, size in [
        ("national", 201),
        ("gubernia", 26),
        ("uyezd", 21),
        ("village", 6),
    ]:
        with pytest.raises(RuleViolation) as err:
            check_ec_size(level, size)
        assert err.value.rule == "SR-3"
        assert err.value.value == size


def test_sr3_level_without_a_cap_and_empty_ec() -> None:
    check_ec_size("parish", 300)
    with pytest.raises(RuleViolation) as err:
        check_ec_size("national", 0)
    assert err.value.rule == "SR-3"


def test_sr3_city_ec_is_one_per_fifty_deputies_between_3_and_15() -> None:
    assert city_ec_bounds(500) == (3, 10)
    assert city_ec_bounds(100) == (3, 3)
    assert city_ec_bounds(1000) == (3, 15)
    assert city_ec_bounds(1000, capital=True) == (3, 20)
    assert city_ec_bounds(3000, capital=True) == (3, 40)
    check_ec_size("city", 10, city_deputies=500)
    with pytest.raises(RuleViolation) as err:
        check_ec_size("city", 11, city_deputies=500)
    assert err.value.rule == "SR-3"
    with pytest.raises(RuleViolation):
        check_ec_size("city", 2, city_deputies=500)


@pytest.mark.parametrize(
    ("population", "city", "deputies"),
    [
        (2_300_000, True, 1000),  # Petrograd: capped at 1,000
        (120_000, True, 120),
        (20_000, True, 50),  # minimum 50
        (9_999, False, 50),
        (1_234, False, 12),
        (150, False, 3),  # minimum 3
    ],
)
def test_sr6_council_size_from_population(
    population: int, city: bool, deputies: int
) -> None:
    assert council_size(population, city=city) == CouncilSize(deputies, assembly=False)


def test_sr6_assembly_instead_below_and_bad_inputs() -> None:
    assert council_size(80, city=False, assembly_instead_below=100) == CouncilSize(
        0, True
    )
    assert council_size(100, city=False, assembly_instead_below=100).deputies == 3
    with pytest.raises(RuleViolation) as err:
        council_size(10_000, city=False)
    assert err.value.rule == "SR-6"
    with pytest.raises(RuleViolation):
        council_size(-1, city=True)


def test_sr6_deputy_term_is_three_months() -> None:
    assert term_end(date(1917, 11, 25)) == date(1918, 2, 25)
    assert term_end(date(1917, 11, 30)) == date(1918, 2, 28)
    assert term_end(date(1917, 12, 31), months=2) == date(1918, 2, 28)
    with pytest.raises(RuleViolation) as err:
        term_end(date(1917, 1, 1), months=-1)
    assert err.value.rule == "SR-6"
