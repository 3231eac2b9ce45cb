"""plurality, approval, irv, schulze and ranked-pairs on hand-checked profiles."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from sovet.counting.methods import count, get_method
from sovet.counting.types import CountResult, Profile, TieBreak
from sovet.errors import RuleViolation, UnknownCountingMethod


def _profile(names: str, ballots: Sequence[tuple[str, int]]) -> Profile:
    index = {c: i for i, c in enumerate(names)}
    return Profile.from_ballots(
        tuple(names), (([index[c] for c in r], w) for r, w in ballots)
    )


def _count(
    method: str, profile: Profile, seats: int = 1, tie_break: TieBreak | None = None
) -> CountResult:
    return count(method, profile, seats=seats, tie_break=tie_break or TieBreak())


# ABC×8, BCA×5, CBA×4 (17 ballots): plurality and IRV disagree.
CLASSIC = [("ABC", 8), ("BCA", 5), ("CBA", 4)]


def test_plurality_elects_highest_first_preferences() -> None:
    """Plurality: A 8, B 5, C 4 — A wins, B second with two seats."""
    result = _count("plurality", _profile("ABC", CLASSIC), seats=2)
    assert result.elected == ("A", "B")
    assert result.rounds[0].tallies == {"A": 8, "B": 5, "C": 4}
    assert result.ties == ()


def test_plurality_tie_by_declared_order_or_lot() -> None:
    """A 2, B 2, C 1: the tie for the seat goes to the declared order, else a lot."""
    profile = _profile("ABC", [("A", 2), ("B", 2), ("C", 1)])
    ordered = _count("plurality", profile, tie_break=TieBreak(order=("B", "A", "C")))
    assert ordered.elected == ("B",)
    assert ordered.ties[0].resolved_by == "order"
    lots = {
        _count("plurality", profile, tie_break=TieBreak(seed=s)).elected
        for s in range(12)
    }
    assert lots == {("A",), ("B",)}


def test_irv_transfers_until_majority() -> None:
    """IRV: round 1 A 8, B 5, C 4, no majority of 17; C excluded, B 9 > 8.5 wins."""
    result = _count("irv", _profile("ABC", CLASSIC))
    assert result.elected == ("B",)
    assert [r.tallies for r in result.rounds] == [
        {"A": 8, "B": 5, "C": 4},
        {"A": 8, "B": 9},
    ]
    assert result.rounds[1].excluded == ("C",)


def test_irv_majority_is_of_continuing_votes() -> None:
    """A 5, B 4, C 2 (C ballots end there): after C, A holds 5 of 9 continuing votes."""
    result = _count("irv", _profile("ABC", [("A", 5), ("B", 4), ("C", 2)]))
    assert result.elected == ("A",)
    assert result.rounds[-1].exhausted == 2


def test_irv_exclusion_tie_by_earlier_round() -> None:
    """B and C tie for lowest at round 2 only; the earlier round decides.

    A×6, B×4, C×3, DC×1 (14): round 1 D 1 excluded → C 4 = B 4. At round 1 C had
    3 < 4, so C is excluded; C's ballots end, A 6 > 5 of 10 continuing wins.
    """
    result = _count("irv", _profile("ABCD", [("A", 6), ("B", 4), ("C", 3), ("DC", 1)]))
    assert result.rounds[2].excluded == ("C",)
    assert result.ties[0].resolved_by == "earlier-stage"
    assert result.elected == ("A",)


def test_approval_counts_every_approved_candidate() -> None:
    """{A,B}×3, {B}×2, {C}×4: A 3, B 5, C 4 — two seats go to B and C."""
    result = _count("approval", _profile("ABC", [("AB", 3), ("B", 2), ("C", 4)]), 2)
    assert result.rounds[0].tallies == {"A": 3, "B": 5, "C": 4}
    assert result.elected == ("B", "C")


# Schulze (2011), §3.1 example: 45 voters, winner E (ranking E > A > C > B > D).
SCHULZE_45 = [
    ("ACBED", 5),
    ("ADECB", 5),
    ("BEDAC", 8),
    ("CABED", 3),
    ("CAEBD", 7),
    ("CBADE", 2),
    ("DCEBA", 7),
    ("EBADC", 8),
]


def test_schulze_published_example() -> None:
    """The 45-voter example of Schulze's paper: E wins; repeated, A is next."""
    result = _count("schulze", _profile("ABCDE", SCHULZE_45), seats=2)
    assert result.elected[0] == "E"
    assert result.elected[1] == "A"
    assert result.ties == ()


# Tennessee capital: Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17.
TENNESSEE = [("MNCK", 42), ("NCKM", 26), ("CKNM", 15), ("KCNM", 17)]


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs"])
def test_condorcet_winner_wins(method: str) -> None:
    """Nashville beats every other city head to head (58–42 against Memphis)."""
    assert _count(method, _profile("MNCK", TENNESSEE)).elected == ("N",)


def test_ranked_pairs_skips_the_weakest_cycle_pair() -> None:
    """ABC×3, BCA×2, CAB×2: A>B +3, B>C +3, C>A +1; C>A would close a cycle, A wins."""
    result = _count(
        "ranked-pairs", _profile("ABC", [("ABC", 3), ("BCA", 2), ("CAB", 2)])
    )
    assert result.elected == ("A",)
    assert result.ties == ()


def test_ranked_pairs_equal_margins_follow_the_tie_ranking() -> None:
    """ABC, BCA, CAB once each: all margins +1; the first of the TBRC wins, reported."""
    profile = _profile("ABC", [("ABC", 1), ("BCA", 1), ("CAB", 1)])
    for order in (("A", "B", "C"), ("C", "A", "B"), ("B", "C", "A")):
        result = _count("ranked-pairs", profile, tie_break=TieBreak(order=order))
        assert result.elected == (order[0],)
        assert result.ties[0].resolved_by == "order"


def test_single_winner_methods_refuse_more_seats() -> None:
    """SR-7: irv elects one; the error names the method and the seats."""
    with pytest.raises(RuleViolation, match="irv is a single-winner method"):
        _count("irv", _profile("ABC", CLASSIC), seats=2)


def test_unknown_method_is_refused() -> None:
    """SR-7: an unknown method name lists the known ones."""
    with pytest.raises(UnknownCountingMethod, match="stv-scottish"):
        get_method("borda-count")


@pytest.mark.parametrize(
    ("name", "multi", "ranked"),
    [
        ("plurality", True, False),
        ("approval", True, False),
        ("irv", False, True),
        ("stv-scottish", True, True),
        ("schulze", True, True),
        ("ranked-pairs", True, True),
    ],
)
def test_declared_properties(name: str, multi: bool, ranked: bool) -> None:
    """The registry declares each method's properties and cites its rule."""
    info = get_method(name)
    assert (info.multi_winner, info.ranked) == (multi, ranked)
    assert info.rule
    assert info.tie_kinds


@pytest.mark.parametrize(
    ("method", "seats"),
    [
        ("plurality", 2),
        ("approval", 2),
        ("irv", 1),
        ("stv-scottish", 2),
        ("schulze", 2),
        ("ranked-pairs", 2),
    ],
)
def test_no_ballots_fills_seats_by_reported_lot(method: str, seats: int) -> None:
    """With no ballots every candidate is equal: seats go by lot, each reported."""
    profile = Profile.from_ballots(("A", "B", "C"), [])
    result = _count(method, profile, seats=seats, tie_break=TieBreak(seed=3))
    assert len(set(result.elected)) == seats
    assert result.ties
    assert all(t.resolved_by == "lot" for t in result.ties)
    assert result == _count(method, profile, seats=seats, tie_break=TieBreak(seed=3))
