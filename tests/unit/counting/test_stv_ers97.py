"""stv-ers97: each ERS97 rule (1997 text, by section) on a profile counted by hand."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pytest

from sovet.counting.methods import count, get_method
from sovet.counting.types import Profile, Round, TieBreak
from sovet.errors import RuleViolation


def _profile(
    names: str, ballots: Sequence[tuple[str, int]], withdrawn: str = ""
) -> Profile:
    index = {c: i for i, c in enumerate(names)}
    return Profile.from_ballots(
        tuple(names),
        [([index[c] for c in r], w) for r, w in ballots],
        [index[c] for c in withdrawn],
    )


def _tallies(stage: Round) -> dict[str, Fraction]:
    return dict(stage.tallies)


def test_registered_with_its_rule_and_properties() -> None:
    """SR-7: the registry knows stv-ers97 as a ranked multi-winner method."""
    info = get_method("stv-ers97")
    assert info.multi_winner
    assert info.ranked
    assert set(info.tie_kinds) == {"elect", "exclude", "surplus"}
    assert "1997" in info.rule


@pytest.mark.parametrize(
    ("ballots", "seats", "quota"),
    [
        ([("A", 6), ("B", 4)], 1, Fraction(5)),  # 10/2 = 5.00 exactly
        ([("A", 5), ("B", 3), ("C", 2)], 2, Fraction("3.34")),  # 3.333… → 3.34
        ([("A", 7), ("B", 3), ("C", 1)], 2, Fraction("3.67")),  # 3.666… → 3.67
    ],
)
def test_quota_to_two_decimals(
    ballots: list[tuple[str, int]], seats: int, quota: Fraction
) -> None:
    """5.1.6: divide to two decimals; if not exact, ignore the rest, add 0.01."""
    result = count("stv-ers97", _profile("ABC", ballots), seats=seats)
    assert result.quota == quota
    assert result.decimals == 2


def test_transfer_value_truncated_and_difference_recorded() -> None:
    """5.3.7/5.3.9: 7 A>B, 3 B, 2 C, 2 seats: quota 12/3 = 4.00; A's surplus
    3.00 over 7 papers = 0.428… → 0.42 each, B gets 2.94 (5.94 ≥ 4: elected)
    and 0.06 is the non-transferable difference."""
    result = count(
        "stv-ers97", _profile("ABC", [("AB", 7), ("B", 3), ("C", 2)]), seats=2
    )
    assert result.elected == ("A", "B")
    stage2 = result.rounds[1]
    assert _tallies(stage2) == {"A": 4, "B": Fraction("5.94"), "C": 2}
    assert stage2.exhausted == Fraction("0.06")


def test_model_election_first_two_stages() -> None:
    """ERS97 section 8 (the booklet's model election, as reproduced by C.
    Rosenstiel, rosenstiel.co.uk/stvrules/model.htm): 753 valid votes, 6
    places, so the quota is 753/7 = 107.5714… → 107.58; Smith's 134 exceed it;
    the surplus 26.42 exceeds the gap between the two lowest (24 − 23 = 1), so
    it is transferred: 123 of Smith's papers are transferable, at 26.42/123 =
    0.21 each, and 26.42 − 123 × 0.21 = 0.59 is the non-transferable
    difference.  The booklet's ballots are not published, so the other papers
    here are made up to match those figures."""
    others = "BCDEFGHIJK"
    firsts = [70, 70, 70, 70, 72, 73, 74, 73, 24, 23]  # J 24 and K 23 lowest
    ballots = [(name, votes) for name, votes in zip(others, firsts, strict=True)]
    ballots += [("SB", 60), ("SC", 40), ("SK", 23), ("S", 11)]
    profile = _profile("S" + others, ballots)
    assert profile.total == 753
    result = count("stv-ers97", profile, seats=6)
    assert result.quota == Fraction("107.58")
    assert result.rounds[0].elected == ("S",)
    stage2 = result.rounds[1]
    assert stage2.transferred is not None
    assert (stage2.transferred.source, stage2.transferred.value) == (
        "S",
        Fraction("26.42"),
    )
    assert stage2.tallies["B"] - 70 == 60 * Fraction("0.21")
    assert stage2.tallies["K"] - 23 == 23 * Fraction("0.21")
    assert stage2.exhausted == Fraction("0.59")
    assert stage2.tallies["S"] == Fraction("107.58")


def test_transfer_value_capped_at_present_value() -> None:
    """5.3.7: if the transferable papers are worth no more than the surplus
    they go at their present value: 1 A>B, 6 A, 3 B, 2 C (quota 4.00): A's
    surplus 3.00 has one transferable paper, so B gets 1.00 and 2.00 is lost."""
    profile = _profile("ABC", [("AB", 1), ("A", 6), ("B", 3), ("C", 2)])
    result = count("stv-ers97", profile, seats=2)
    stage2 = result.rounds[1]
    assert _tallies(stage2) == {"A": 4, "B": 4, "C": 2}
    assert stage2.exhausted == 2
    assert result.elected == ("A", "B")


def test_deferred_surplus_and_bulk_exclusion() -> None:
    """5.2.2/5.2.5: 10 A>B, 5 B, 6 C, 1 D>C, 2 E>B, 2 seats, quota 8.00.
    Stage 1: A elected, surplus 2.00.  D (1) + E (2) + 2.00 = 5 does not
    exceed B (5), so the surplus is deferred and D and E go together
    (adding B, 8 + 2 > 6, would not).  Stage 2: B 7, C 7.  Stage 3: B and C
    are level, so nothing can be deferred: A's surplus at 0.20 a paper puts B
    at 9.00, elected."""
    profile = _profile("ABCDE", [("AB", 10), ("B", 5), ("C", 6), ("DC", 1), ("EB", 2)])
    result = count("stv-ers97", profile, seats=2)
    assert result.elected == ("A", "B")
    stage2, stage3 = result.rounds[1], result.rounds[2]
    assert stage2.excluded == ("D", "E")
    assert stage2.transferred is not None
    assert stage2.transferred.kind == "exclusion"
    assert stage2.transferred.source == "D"  # the lowest of the group
    assert stage2.transferred.value == 3
    assert stage2.tallies["B"] == stage2.tallies["C"] == 7
    assert stage3.transferred is not None
    assert stage3.transferred.source == "A"
    assert _tallies(stage3)["B"] == 9


def test_exclusion_by_batches_skips_candidates_elected_meanwhile() -> None:
    """5.4.1–5.4.11: 12 A>X>Y>V, 12 A>V, 6 X>Y, 15 Y, 10 V, 12 F, 3 seats:
    quota 67/4 = 16.75.  Stage 1: A 24 elected.  Stage 2: A's surplus 7.25
    over 24 papers = 0.30 each: X 9.60, V 13.60 (0.05 lost).  Stage 3: X goes;
    its 1.00 batch (6 X>Y) first: Y 21 ≥ 16.75, elected; then its 0.30 batch
    (12 A>X>Y>V) passes over Y (5.4.10) to V: 13.60 + 3.60 = 17.20, elected."""
    profile = _profile(
        "AFVXY",
        [("AXYV", 12), ("AV", 12), ("XY", 6), ("Y", 15), ("V", 10), ("F", 12)],
    )
    result = count("stv-ers97", profile, seats=3)
    assert result.quota == Fraction("16.75")
    assert result.elected == ("A", "Y", "V")
    assert _tallies(result.rounds[1])["X"] == Fraction("9.60")
    stage3 = result.rounds[2]
    assert stage3.excluded == ("X",)
    assert stage3.elected == ("Y", "V")
    assert _tallies(stage3) == {
        "A": Fraction("16.75"),
        "F": 12,
        "V": Fraction("17.20"),
        "X": 0,
        "Y": 21,
    }


def test_exclusion_tie_goes_by_the_first_stage() -> None:
    """5.2.5: 5 A>C, 5 A>D, 5 B, 4 C, 6 D, 7 E, 3 seats, quota 8.00.  A's
    surplus 2.00 (0.20 a paper) makes B and C level at 5; at the first stage C
    had 4 against B's 5, so C is excluded, and D and E (7 each) then reach the
    total active vote / (places + 1) = 20/3 (5.4.9 b)."""
    profile = _profile(
        "ABCDE", [("AC", 5), ("AD", 5), ("B", 5), ("C", 4), ("D", 6), ("E", 7)]
    )
    result = count("stv-ers97", profile, seats=3)
    assert result.elected == ("A", "D", "E")
    (tie,) = result.ties
    assert (tie.kind, tie.candidates, tie.resolved_by, tie.chosen) == (
        "exclude",
        ("B", "C"),
        "earlier-stage",
        "C",
    )
    assert tie.round == 3


def test_equal_at_every_stage_goes_by_lot_and_completes_by_5_5_1() -> None:
    """5.6.2, 5.2.5, 5.5.1: 10 A, 2 B, 2 C, 2 seats.  After A's surplus is lost,
    B and C both reach the total active vote / 2 but only one place is left
    and they were always level: neither is deemed elected (5.6.2).  The
    exclusion tie goes by lot, and the one left is deemed elected."""
    profile = _profile("ABC", [("A", 10), ("B", 2), ("C", 2)])
    winners = set()
    for seed in range(8):
        result = count("stv-ers97", profile, seats=2, tie_break=TieBreak(seed=seed))
        again = count("stv-ers97", profile, seats=2, tie_break=TieBreak(seed=seed))
        assert result == again
        assert [t.resolved_by for t in result.ties] == ["rule", "lot"]
        last = result.rounds[-1]
        assert len(last.excluded) == 1
        assert last.elected == (result.elected[1],)
        assert result.ties[1].chosen == last.excluded[0]
        winners.add(result.elected[1])
    assert winners == {"B", "C"}


def test_quota_recalculated_before_the_first_election() -> None:
    """5.4.8: 4 A, 3 B, 2 C, 1 seat: quota 4.50; C's 2 papers go
    non-transferable, so the quota becomes 7/2 = 3.50 and A (4) is elected."""
    result = count(
        "stv-ers97", _profile("ABC", [("A", 4), ("B", 3), ("C", 2)]), seats=1
    )
    assert result.elected == ("A",)
    assert result.quota == Fraction("3.50")
    assert result.rounds[1].excluded == ("C",)


def test_withdrawn_candidates_are_passed_over() -> None:
    """A withdrawn candidate's papers count for the next preference (BLT)."""
    profile = _profile("ABW", [("WA", 3), ("B", 2), ("W", 1)], withdrawn="W")
    result = count("stv-ers97", profile, seats=1)
    assert _tallies(result.rounds[0]) == {"A": 3, "B": 2, "W": 0}
    assert result.quota == Fraction("2.50")  # 5 valid papers: W-only is invalid
    assert result.elected == ("A",)


def test_more_seats_than_candidates_elects_everyone() -> None:
    """4.3: as many candidates left as places: all are elected."""
    result = count("stv-ers97", _profile("AB", [("A", 2), ("B", 1)]), seats=3)
    assert set(result.elected) == {"A", "B"}


def test_zero_seats_refused() -> None:
    """SR-7: a count needs at least one seat."""
    with pytest.raises(RuleViolation, match="SR-7"):
        count("stv-ers97", _profile("AB", [("A", 2)]), seats=0)
