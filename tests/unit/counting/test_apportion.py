"""SR-12…SR-14: the apportionment methods on hand-checked cases, options and errors.

The two small elections are the textbook cases (Wikipedia, "D'Hondt method",
"Sainte-Laguë method", "Largest remainder method"); every figure below was
re-derived by hand in the comments.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from sovet.counting.apportionment import APPORTIONMENT_METHODS, apportion
from sovet.counting.types import TieBreak
from sovet.errors import RuleViolation

# 230,000 votes, 8 seats.
FOUR = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
# 100,000 votes, 10 seats.
SIX = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}


@pytest.mark.parametrize(
    ("method", "expected", "divisor"),
    [
        # quotients /1,/2,/3,/4: 100k 80k 50k 40k 33.3k 30k(C) 26.7k 25k(A) → A4 B3 C1
        ("dhondt", {"A": 4, "B": 3, "C": 1, "D": 0}, Fraction(25_000)),
        # /1,/3,/5: 100k 80k 33.3k 30k 26.7k 20k(A) 20k(D) 16k(B) → A3 B3 C1 D1;
        # the 8th seat's quotient 16,000 on divisor 1, 3, 5 is 32,000 per seat
        ("sainte-lague", {"A": 3, "B": 3, "C": 1, "D": 1}, Fraction(32_000)),
        # every unit 1 seat first, then /1,/2: 100k 80k 50k 40k → A3 B3 C1 D1
        ("adams", {"A": 3, "B": 3, "C": 1, "D": 1}, Fraction(40_000)),
        ("huntington-hill", {"A": 3, "B": 3, "C": 1, "D": 1}, None),
        # Hare quota 28,750: 3.48 2.78 1.04 0.70 → 3 2 1 0 + remainders B, D
        ("hare", {"A": 3, "B": 3, "C": 1, "D": 1}, Fraction(28_750)),
        # Droop ⌊230000/9⌋+1 = 25,556: 3.91 3.13 1.17 0.78 → 3 3 1 0 + A
        ("droop", {"A": 4, "B": 3, "C": 1, "D": 0}, Fraction(25_556)),
        ("hagenbach-bischoff", {"A": 4, "B": 3, "C": 1, "D": 0}, Fraction(230_000, 9)),
    ],
)
def test_textbook_four_parties(
    method: str, expected: dict[str, int], divisor: Fraction | None
) -> None:
    result = apportion(FOUR, method=method, seats=8)
    assert result.allocation == expected
    assert result.seats == 8
    assert result.divisor == divisor
    assert result.ties == ()


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # quota 10,000: 4 1 1 1 0 0 full; remainders A .70, E .61, B .60 → +A +E +B
        ("hare", {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}),
        # quota 9,091: 5 1 1 1 0 0 full; remainders B 6909, C 6709 → +B +C
        ("droop", {"A": 5, "B": 2, "C": 2, "D": 1, "E": 0, "F": 0}),
        ("hagenbach-bischoff", {"A": 5, "B": 2, "C": 2, "D": 1, "E": 0, "F": 0}),
    ],
)
def test_textbook_largest_remainder(method: str, expected: dict[str, int]) -> None:
    assert apportion(SIX, method=method, seats=10).allocation == expected


def test_modified_sainte_lague_meets_an_exact_tie() -> None:
    """A/7 = 100000/7 and D/1.4 = 20000/1.4 are the same rational number.

    Modified Sainte-Laguë (1.4, 3, 5, 7): 71,429(A) 57,143(B) 33,333(A)
    26,667(B) 21,429(C) 20,000(A) 16,000(B), then A's 100000/7 and D's
    20000/1.4 tie for the 8th seat. Binary floats may or may not see the tie;
    the exact count must, and must refuse it without a declared rule.
    """
    assert apportion(FOUR, method="sainte-lague-1.4", seats=7).allocation == {
        "A": 3,
        "B": 3,
        "C": 1,
        "D": 0,
    }
    with pytest.raises(RuleViolation, match=r"SR-14: tie for 1 seat.* A, D") as info:
        apportion(FOUR, method="sainte-lague-1.4", seats=8)
    assert info.value.value == ("A", "D")
    result = apportion(FOUR, method="sainte-lague-1.4", seats=8, tie_break=TieBreak(7))
    (tie,) = result.ties
    assert (tie.round, tie.kind, tie.candidates, tie.resolved_by) == (
        8,
        "seat",
        ("A", "D"),
        "lot",
    )
    assert result.allocation[tie.chosen] == FOUR_AFTER_7[tie.chosen] + 1
    again = apportion(FOUR, method="sainte-lague-1.4", seats=8, tie_break=TieBreak(7))
    assert again == result


FOUR_AFTER_7 = {"A": 3, "B": 3, "C": 1, "D": 0}


@pytest.mark.parametrize("first", ["A", "D"])
def test_tie_broken_by_declared_order(first: str) -> None:
    order = (first, "D" if first == "A" else "A")
    result = apportion(
        FOUR, method="sainte-lague-1.4", seats=8, tie_break=TieBreak(order=order)
    )
    assert result.ties[0].resolved_by == "order"
    assert result.ties[0].chosen == first
    assert result.allocation[first] == FOUR_AFTER_7[first] + 1


def test_largest_remainder_tie_is_reported() -> None:
    # Hare quota 10: remainders 5 and 5 for the last seat.
    with pytest.raises(RuleViolation, match="remainder 5"):
        apportion({"X": 15, "Y": 15}, method="hare", seats=3)
    result = apportion({"X": 15, "Y": 15}, method="hare", seats=3, tie_break=TieBreak())
    assert sorted(result.allocation.values()) == [1, 2]
    assert result.ties[0].candidates == ("X", "Y")


def test_hagenbach_bischoff_over_allocation_takes_a_seat_back() -> None:
    # Quota 2/(1+1) = 1: both units hold a full quota for a house of 1.
    result = apportion(
        {"X": 1, "Y": 1}, method="hagenbach-bischoff", seats=1, tie_break=TieBreak()
    )
    assert result.seats == 1
    assert "loses a seat" in result.ties[0].note


def test_threshold_excludes_and_boundary_passes() -> None:
    pops = {"big": 90, "edge": 5, "small": 4, "tiny": 1}
    result = apportion(pops, method="dhondt", seats=10, threshold=Fraction(5, 100))
    assert result.allocation["small"] == 0
    assert result.allocation["tiny"] == 0
    assert result.allocation["edge"] >= 0
    assert result.seats == 10
    assert any("small" in note and "threshold" in note for note in result.notes)
    assert not any(note.startswith("edge") for note in result.notes)


def test_coalition_threshold_is_separate() -> None:
    pops = {"party": 6, "bloc": 7, "rest": 87}
    result = apportion(
        pops,
        method="sainte-lague",
        seats=20,
        threshold=Fraction(5, 100),
        coalition_threshold=Fraction(8, 100),
        coalitions={"bloc": ("P1", "P2")},
    )
    assert result.allocation["bloc"] == 0
    assert result.allocation["party"] == 1
    assert any("coalition threshold" in note for note in result.notes)


def test_base_seats_then_hare() -> None:
    # 2 base seats each, 6 left by Hare on 600: quota 100 → 3 2 1.
    result = apportion(
        {"a": 300, "b": 200, "c": 100}, method="hare", seats=12, base_seats=2
    )
    assert result.allocation == {"a": 5, "b": 4, "c": 3}


def test_minimum_grows_the_house_or_is_taken_from_others() -> None:
    # Hare quota 100: 8.7 1.2 0.1 → 8 1 0 + a. D'Hondt: a's 870 … 108.75 and b's
    # 120 take the ten seats (a 9, b 1). Taking c's seat from the others: Hare
    # re-runs a, b on 9 seats (quota 110: 7.91 1.09 → 7 1 + a).
    pops = {"a": 870, "b": 120, "c": 10}
    grown = apportion(pops, method="hare", seats=10, min_per_unit=1)
    assert grown.allocation == {"a": 9, "b": 1, "c": 1}
    assert grown.seats == 11
    assert any("grows from 10 to 11" in note for note in grown.notes)
    kept = apportion(
        pops, method="hare", seats=10, min_per_unit=1, minimum_adds_seats=False
    )
    assert kept.seats == 10
    assert kept.allocation == {"a": 8, "b": 1, "c": 1}
    dh = apportion(pops, method="dhondt", seats=10, min_per_unit=1)
    assert dh.allocation == {"a": 9, "b": 1, "c": 1}
    dh_kept = apportion(
        pops, method="dhondt", seats=10, min_per_unit=1, minimum_adds_seats=False
    )
    assert dh_kept.allocation == {"a": 8, "b": 1, "c": 1}


def test_pairs_are_even_and_adams_gives_every_unit_a_pair() -> None:
    result = apportion(
        {"a": 10_000, "b": 500, "c": 20}, method="adams", seats=10, seat_unit=2
    )
    assert all(v % 2 == 0 and v >= 2 for v in result.allocation.values())
    assert result.seats == 10
    with pytest.raises(RuleViolation, match="seats 9 is not a multiple of seat_unit 2"):
        apportion({"a": 1, "b": 1}, method="adams", seats=9, seat_unit=2)


def test_cap_reduces_a_house_size() -> None:
    result = apportion(FOUR, method="dhondt", seats=12, cap=8)
    assert result.seats == 8
    assert result.allocation == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert any("cap 8" in note for note in result.notes)


def test_growth_past_cap_is_taken_from_others() -> None:
    pops = {"a": 900, "b": 90, "c": 10}
    result = apportion(pops, method="hare", seats=10, min_per_unit=1, cap=10)
    assert result.seats == 10
    assert result.allocation == {"a": 8, "b": 1, "c": 1}


@pytest.mark.parametrize(
    ("rounding", "equivalent"),
    [("floor", "dhondt"), ("nearest", "sainte-lague"), ("ceil", "adams")],
)
def test_fixed_ratio_cap_is_the_divisor_method_of_its_rounding(
    rounding: str, equivalent: str
) -> None:
    pops = {"u1": 123_456, "u2": 98_765, "u3": 45_678, "u4": 12_345, "u5": 2_000}
    free = apportion(pops, method="fixed-ratio", ratio=1_000, rounding=rounding)  # type: ignore[arg-type]
    assert free.seats > 100
    capped = apportion(
        pops,
        method="fixed-ratio",
        ratio=1_000,
        rounding=rounding,  # type: ignore[arg-type]
        cap=100,
    )
    assert capped.seats == 100
    assert capped.allocation == apportion(pops, method=equivalent, seats=100).allocation
    assert capped.divisor is not None
    assert capped.divisor > 1_000
    assert any("cap 100 reached" in note for note in capped.notes)


def test_raised_divisor_reproduces_the_floor_allocation() -> None:
    pops = {"u1": 123_456, "u2": 98_765, "u3": 45_678, "u4": 12_345}
    capped = apportion(pops, method="fixed-ratio", ratio=1_000, cap=50)
    assert capped.divisor is not None
    for name, pop in pops.items():
        assert capped.allocation[name] == pop // capped.divisor


@pytest.mark.parametrize(
    ("kwargs", "rule", "fragment"),
    [
        ({"method": "borda", "seats": 3}, "SR-14", "unknown apportionment method"),
        ({"method": "dhondt"}, "SR-14", "needs a house size"),
        ({"method": "dhondt", "seats": 3, "ratio": 10}, "SR-14", "fixed-ratio only"),
        ({"method": "fixed-ratio"}, "SR-12", "needs a ratio"),
        ({"method": "fixed-ratio", "ratio": 0}, "SR-12", "ratio must be"),
        ({"method": "fixed-ratio", "ratio": 5, "seats": 3}, "SR-12", "not a house"),
        (
            {"method": "fixed-ratio", "ratio": 5, "rounding": "up"},
            "SR-12",
            "unknown rounding",
        ),
        ({"method": "hare", "seats": 2, "min_per_unit": 1}, "SR-14", "cannot give 3"),
        ({"method": "hare", "seats": -1}, "SR-14", "seats must be"),
        (
            {"method": "hare", "seats": 3, "threshold": 0.05},
            "SR-14",
            "exact Fraction",
        ),
        (
            {"method": "hare", "seats": 3, "threshold": Fraction(3, 2)},
            "SR-14",
            "share in",
        ),
        (
            {"method": "adams", "seats": 4, "seat_unit": 2, "cap": 3},
            "SR-13",
            "cap 3",
        ),
        (
            {"method": "hare", "seats": 3, "coalitions": {"nobody": ("x",)}},
            "SR-14",
            "name no unit",
        ),
    ],
)
def test_refusals_cite_their_rule(
    kwargs: dict[str, object], rule: str, fragment: str
) -> None:
    with pytest.raises(RuleViolation, match=fragment) as info:
        apportion({"a": 10, "b": 20, "c": 30}, **kwargs)  # type: ignore[arg-type]
    assert info.value.rule == rule


@pytest.mark.parametrize(
    ("populations", "fragment"),
    [
        ({}, "no units"),
        ({"a": -1}, "negative: -1"),
        ({"a": 1.5}, "not a whole number"),
        ({"": 3}, "empty"),
        ({"a": 0, "b": 0}, "population"),
    ],
)
def test_bad_populations_are_refused(
    populations: dict[str, object], fragment: str
) -> None:
    with pytest.raises(RuleViolation, match=fragment):
        apportion(populations, method="dhondt", seats=2)  # type: ignore[arg-type]


def test_fixed_ratio_cap_below_minimums_is_refused() -> None:
    with pytest.raises(RuleViolation, match="SR-13: cap 2 cannot give 3"):
        apportion(
            {"a": 10, "b": 20, "c": 30},
            method="fixed-ratio",
            ratio=1,
            min_per_unit=1,
            cap=2,
        )


def test_zero_seats_and_zero_populations() -> None:
    result = apportion({"a": 0, "b": 5}, method="adams", seats=0)
    assert result.allocation == {"a": 0, "b": 0}
    assert apportion({"a": 0, "b": 5}, method="adams", seats=3).allocation == {
        "a": 0,
        "b": 3,
    }
    assert apportion({"a": 0, "b": 5}, method="hare", seats=0).divisor is None


def test_fewer_seats_than_units_under_divisor_zero() -> None:
    result = apportion({"a": 5, "b": 50, "c": 500}, method="huntington-hill", seats=2)
    assert result.allocation == {"a": 0, "b": 1, "c": 1}
    assert any("largest units" in note for note in result.notes)


def test_every_method_is_listed() -> None:
    assert set(APPORTIONMENT_METHODS) == {
        "dhondt",
        "sainte-lague",
        "sainte-lague-1.4",
        "adams",
        "huntington-hill",
        "hare",
        "droop",
        "hagenbach-bischoff",
        "fixed-ratio",
    }
