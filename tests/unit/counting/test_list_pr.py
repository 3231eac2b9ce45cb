"""SR-14 list PR as registered counting methods over a ``Profile``."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sovet.counting.apportionment import apportion
from sovet.counting.methods import count, get_method
from sovet.counting.types import Profile, TieBreak
from sovet.errors import RuleViolation

PARTIES = ("A", "B", "C", "D")
VOTES = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


def _profile(votes: dict[str, int], withdrawn: tuple[int, ...] = ()) -> Profile:
    """One party vote per ballot group; a second preference that must not count."""
    names = tuple(votes)
    ballots = [((i, (i + 1) % len(names)), n) for i, n in enumerate(votes.values())]
    return Profile.from_ballots(names, ballots, withdrawn)


@pytest.mark.parametrize(
    "method", ["dhondt", "sainte-lague", "sainte-lague-1.4", "hare"]
)
def test_registered_with_properties(method: str) -> None:
    info = get_method(method)
    assert info.multi_winner
    assert not info.ranked
    assert info.tie_kinds == ("seat",)
    assert "SR-14" in info.rule


def test_dhondt_seat_by_seat() -> None:
    result = count("dhondt", _profile(VOTES), seats=8)
    # quotients: 100k A, 80k B, 50k A, 40k B, 33.3k A, 30k C, 26.7k B, 25k A
    assert result.elected == ("A", "B", "A", "B", "A", "C", "B", "A")
    assert [r.number for r in result.rounds] == list(range(1, 9))
    assert result.rounds[2].tallies == {
        "A": Fraction(50_000),
        "B": Fraction(40_000),
        "C": Fraction(30_000),
        "D": Fraction(20_000),
    }
    assert result.quota is None
    assert result.method == "dhondt"


def test_sainte_lague_shows_published_divisors() -> None:
    result = count("sainte-lague", _profile(VOTES), seats=8)
    assert result.rounds[1].tallies["A"] == Fraction(100_000, 3)
    assert result.rounds[1].elected == ("B",)
    assert sorted(result.elected) == sorted(["A"] * 3 + ["B"] * 3 + ["C", "D"])


def test_modified_sainte_lague_first_divisor_is_1_4() -> None:
    result = count("sainte-lague-1.4", _profile(VOTES), seats=7)
    assert result.rounds[0].tallies["D"] == Fraction(20_000) / Fraction(14, 10)
    tied = count("sainte-lague-1.4", _profile(VOTES), seats=8, tie_break=TieBreak(3))
    assert len(tied.ties) == 1
    assert tied.ties[0].candidates == ("A", "D")
    assert tied.elected[-1] == tied.ties[0].chosen


def test_hare_two_rounds() -> None:
    result = count("hare", _profile(VOTES), seats=8)
    # quota 28,750: full A3 B2 C1; remainders B 22,500 > D 20,000 > A 13,750
    assert result.quota == Fraction(28_750)
    assert result.rounds[0].elected == ("A", "A", "A", "B", "B", "C")
    assert result.rounds[1].elected == ("B", "D")
    assert result.rounds[1].tallies["B"] == Fraction(22_500)
    assert result.elected == result.rounds[0].elected + result.rounds[1].elected


@pytest.mark.parametrize(
    "method", ["dhondt", "sainte-lague", "sainte-lague-1.4", "hare"]
)
def test_agrees_with_apportion(method: str) -> None:
    votes = {"p": 4_711, "q": 2_345, "r": 999, "s": 12}
    result = count(method, _profile(votes), seats=11)
    seats = apportion(votes, method=method, seats=11).allocation
    assert {p: result.elected.count(p) for p in votes} == seats


def test_withdrawn_party_passes_its_votes_on() -> None:
    profile = _profile({"A": 60, "B": 30, "C": 10}, withdrawn=(2,))
    result = count("dhondt", profile, seats=3)
    # C's 10 ballots go to their next preference A: A 70, B 30 → A A B
    assert sorted(result.elected) == ["A", "A", "B"]
    assert "C" not in result.elected


def test_bad_seats_refused() -> None:
    with pytest.raises(RuleViolation, match="SR-14"):
        count("hare", _profile(VOTES), seats=-1)


def test_bundestag_2009_as_a_count() -> None:
    """The 2009 federal distribution (see test_apportion_examples) from ballots."""
    votes = {
        "CDU": 11_828_277,
        "SPD": 9_990_488,
        "FDP": 6_316_080,
        "DIE LINKE": 5_155_933,
        "GRÜNE": 4_643_272,
        "CSU": 2_830_238,
    }
    result = count("sainte-lague", _profile(votes), seats=598)
    assert {p: result.elected.count(p) for p in votes} == {
        "CDU": 173,
        "SPD": 146,
        "FDP": 93,
        "DIE LINKE": 76,
        "GRÜNE": 68,
        "CSU": 42,
    }
    assert len(result.rounds) == 598
    assert result.elected[:3] == ("CDU", "SPD", "FDP")
