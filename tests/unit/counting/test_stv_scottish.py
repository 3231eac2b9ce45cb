"""stv-scottish on small profiles whose counts are derived by hand (SSI 2007/42).

Votes are shown to five decimals, as the rule computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest

from sovet.counting._ranked import earlier_stage
from sovet.counting.methods import count
from sovet.counting.types import CountResult, Profile, TieBreak
from sovet.errors import RuleViolation

F5 = 100_000


def _profile(
    names: str, ballots: Sequence[tuple[str, int]], withdrawn: str = ""
) -> Profile:
    """Ballots as ``("ABC", weight)``; candidates are single letters."""
    index = {c: i for i, c in enumerate(names)}
    return Profile.from_ballots(
        tuple(names),
        (([index[c] for c in r], w) for r, w in ballots),
        withdrawn=[index[c] for c in withdrawn],
    )


def _stv(profile: Profile, seats: int, seed: int = 0) -> CountResult:
    return count("stv-scottish", profile, seats=seats, tie_break=TieBreak(seed=seed))


def test_transfer_value_is_truncated_to_five_decimals() -> None:
    """Rule 48(3): the remainder beyond five decimals is ignored, not rounded.

    AB×5, AC×2, B×2, C×3 (12 papers), 2 seats: quota 12//3+1 = 5 (rule 46).
    Stage 1: A 7 elected. Stage 2: surplus 2, TV = 2/7 = 0.285714… → 0.28571;
    B +5×0.28571 = 3.42855, C +2×0.28571 = 3.57142; 0.00003 lost to truncation.
    Stage 3: B lowest, excluded; its papers have no further continuing
    preference (exhausted 3.42858). C is the only continuing candidate for the
    last seat (rule 52).
    """
    result = _stv(_profile("ABC", [("AB", 5), ("AC", 2), ("B", 2), ("C", 3)]), 2)
    assert result.quota == 5
    assert result.elected == ("A", "C")
    stage2 = result.rounds[1]
    assert stage2.tallies == {
        "A": 5,
        "B": Fraction(342855, F5),
        "C": Fraction(357142, F5),
    }
    assert stage2.exhausted == Fraction(3, F5)
    assert stage2.transferred is not None
    assert stage2.transferred.value == 2
    assert result.rounds[2].excluded == ("B",)
    assert result.rounds[2].exhausted == Fraction(342858, F5)
    assert result.rounds[2].elected == ("C",)


def test_second_surplus_uses_value_when_received() -> None:
    """Rule 48(3)-(4): a paper moves at surplus × its value when received / total.

    ABC×12, BD×3, C×3, D×2 (20 papers), 3 seats: quota 20//4+1 = 6.
    Stage 1: A 12 elected. Stage 2: A's surplus 6 at TV 6×1/12 = 0.5: B 3+6 = 9,
    elected. Stage 3: B's surplus 3 over 9 votes: first-preference papers (value
    1) move at 3×1/9 = 0.33333, papers received at 0.5 at 3×0.5/9 = 0.16666;
    C +12×0.16666 = 1.99992 → 4.99992, D +3×0.33333 = 0.99999 → 2.99999.
    Stage 4: D excluded; C takes the last seat (rule 52).
    """
    result = _stv(_profile("ABCD", [("ABC", 12), ("BD", 3), ("C", 3), ("D", 2)]), 3)
    assert result.quota == 6
    assert result.elected == ("A", "B", "C")
    assert [r.elected for r in result.rounds] == [("A",), ("B",), (), ("C",)]
    stage3 = result.rounds[2]
    assert stage3.tallies["C"] == Fraction(499992, F5)
    assert stage3.tallies["D"] == Fraction(299999, F5)
    assert stage3.exhausted == Fraction(9, F5)


def test_exclusion_tie_broken_at_most_recent_unequal_stage() -> None:
    """Rule 51(2)(a): equal lowest — exclude the lowest at the latest unequal stage.

    AC×8, B×3, C×2, D×5 (18), 2 seats: quota 7. Stage 1: A 8 elected. Stage 2:
    surplus 1 at TV 0.125: C 2+1 = 3 = B. B and C tie for lowest; at stage 1 C
    had 2 < 3, so C is excluded (stage 3). B and D then continue for one seat:
    B (3) is excluded (stage 4) and D takes the seat by rule 52.
    """
    result = _stv(_profile("ABCD", [("AC", 8), ("B", 3), ("C", 2), ("D", 5)]), 2)
    assert result.rounds[2].excluded == ("C",)
    assert result.elected == ("A", "D")
    (tie,) = result.ties
    assert (tie.kind, tie.resolved_by, tie.chosen) == ("exclude", "earlier-stage", "C")
    assert set(tie.candidates) == {"B", "C"}


def test_equal_surpluses_by_most_recent_unequal_stage() -> None:
    """Rule 49(2): equal surpluses — first the one higher at the latest unequal stage.

    AB×4, AC×6, BE×4, CD×3, D×3, E×2 (22), 4 seats: quota 22//5+1 = 5.
    Stage 1: A 10 elected. Stage 2: A's surplus 5 at TV 0.5: B 4+2 = 6,
    C 3+3 = 6, both elected with equal surpluses of 1. At stage 1 B had 4 > 3,
    so B's surplus goes first (stage 3): its first-preference papers at 1/6 =
    0.16666 give E 4×0.16666 = 0.66664; then C's (stage 4): D +0.49998.
    """
    ballots = [("AB", 4), ("AC", 6), ("BE", 4), ("CD", 3), ("D", 3), ("E", 2)]
    result = _stv(_profile("ABCDE", ballots), 4)
    assert result.quota == 5
    sources = [r.transferred.source for r in result.rounds[1:4] if r.transferred]
    assert sources == ["A", "B", "C"]
    assert result.rounds[2].tallies["E"] == 2 + Fraction(66664, F5)
    assert result.rounds[3].tallies["D"] == 3 + Fraction(49998, F5)
    assert result.ties[0].kind == "surplus"
    assert result.ties[0].resolved_by == "earlier-stage"
    assert result.ties[0].chosen == "B"
    assert result.elected == ("A", "B", "C", "D")


def test_tie_equal_at_all_stages_is_decided_by_seeded_lot() -> None:
    """Rule 51(2)(b): A×3, B×3, C×1, 1 seat (quota 4): C out, then A/B by lot.

    The lot is reproducible for a seed, and different seeds can pick either.
    """
    profile = _profile("ABC", [("A", 3), ("B", 3), ("C", 1)])
    winners = {_stv(profile, 1, seed).elected for seed in range(12)}
    assert winners == {("A",), ("B",)}
    first = _stv(profile, 1, 5)
    assert first == _stv(profile, 1, 5)
    assert first.ties[-1].resolved_by == "lot"
    assert first.ties[-1].kind == "exclude"


def test_withdrawn_candidate_is_skipped() -> None:
    """A withdrawn first preference passes to the next: AB×5, B×2, C×4, A withdrawn.

    Valid papers 11, 1 seat: quota 6; stage 1: B 7 (elected), C 4.
    """
    result = _stv(_profile("ABC", [("AB", 5), ("B", 2), ("C", 4)], "A"), 1)
    assert result.quota == 6
    assert result.rounds[0].tallies == {"B": 7, "C": 4}
    assert result.elected == ("B",)


def test_last_vacancies_filled_without_transfer() -> None:
    """Rule 52: 2 candidates for 2 seats are elected at stage 1, no transfer made."""
    result = _stv(_profile("AB", [("AB", 9), ("B", 1)]), 2)
    assert result.elected == ("A", "B")
    assert len(result.rounds) == 1


@pytest.mark.parametrize("seats", [0, 4])
def test_impossible_seat_numbers_are_refused(seats: int) -> None:
    """SR-7: seats must be between 1 and the number of candidates standing."""
    with pytest.raises(RuleViolation, match="SR-7"):
        _stv(_profile("ABC", [("A", 1)]), seats)


def test_three_way_tie_walks_back_stage_by_stage() -> None:
    """Rules 49(2)/51(2) with three tied: keep narrowing at earlier unequal stages.

    Totals of candidates 0, 1, 2 at stages 1-3: (3, 3, 1), (7, 5, 5), (6, 6, 6).
    Lowest: stage 3 all equal; stage 2 keeps {1, 2}; stage 1 keeps {2}.
    Highest: stage 2 keeps {0}.
    """
    history = [np.array(t, dtype=np.int64) for t in ((3, 3, 1), (7, 5, 5), (6, 6, 6))]
    assert earlier_stage([0, 1, 2], history, lowest=True) == [2]
    assert earlier_stage([0, 1, 2], history, lowest=False) == [0]
    assert earlier_stage([0, 1], history[1:], lowest=True) == [1]
    assert earlier_stage([1, 2], history[1:], lowest=True) == [1, 2]


def test_registry_count_defaults_the_tie_break() -> None:
    """``count(name, profile, seats=...)`` works without a tie-break argument."""
    profile = _profile("ABC", [("AB", 5), ("C", 4)])
    assert count("stv-scottish", profile, seats=1).elected == ("A",)
