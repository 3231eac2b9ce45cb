"""Worked examples where Meek, Scottish (weighted inclusive Gregory) and ERS97 differ.

Each profile is small enough to count by hand; the docstring derives every
method's result stage by stage, and the test checks the implementation agrees.
``stv-scottish`` is another module's method (SSI 2007/42): the comparison
with it is made through the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sovet.counting.methods import count
from sovet.counting.stv_meek import SCALE
from sovet.counting.types import Profile


def _profile(names: str, ballots: Sequence[tuple[str, int]]) -> Profile:
    index = {c: i for i, c in enumerate(names)}
    return Profile.from_ballots(
        tuple(names), [([index[c] for c in r], w) for r, w in ballots]
    )


# D. R. MacIver, "A small STV election for Meek's method" (2016): 3 seats.
SPREAD = _profile("ABCD", [("DABC", 1), ("ABCD", 2), ("DACB", 3)])


def test_meek_spreads_the_cost_of_a_shared_second_choice() -> None:
    """Meek elects B; Scottish and ERS97 elect C.

    Ballots (6): 1 D>A>B>C, 2 A>B>C>D, 3 D>A>C>B; 3 seats.

    Meek (quota = 6/4 truncated to 9 decimals + 10⁻⁹ = 1.500000001):
      round 1: A 2, D 4 reach the quota: both elected.
      round 2: keep values settle where D keeps kD of its 4 papers and A keeps
        kA of its own 2 papers plus of the (1 − kD) passed on by D's 4:
        4·kD = 1.5 → kD = 0.375; kA·(2 + 4·0.625) = 1.5 → kA = 1/3.
        B gets 2·(2/3) + 1·0.625·(2/3) = 1.75, C gets 3·0.625·(2/3) = 1.25:
        B passes the quota on the way there and is elected.
    Scottish (quota = floor(6/4) + 1 = 2):
      stage 1: A 2, D 4 elected.  stage 2: D's surplus 2 at 2/4 = 0.5 per
      paper, A being elected is skipped: B 0.5 (D>A>B>C), C 1.5 (3 D>A>C>B).
      A's surplus is 0.  stage 3: B (0.5) excluded, its paper goes to C: C 2.
    ERS97 (quota = 6/4 = 1.50, exact, 5.1.6):
      stage 1: D 4, A 2 deemed elected; surpluses 2.50 and 0.50.
      stage 2 (B 0, C 0 tie, so nothing is deferred under 5.2.2): D's surplus
      over its 4 papers, 2.50/4 = 0.625 → 0.62 (5.3.7): B 0.62, C 1.86, and the
      non-transferable difference 0.02 (5.3.9).  C ≥ 1.50: elected.
    """
    meek = count("stv-meek", SPREAD, seats=3)
    assert meek.elected == ("D", "A", "B")
    assert meek.quota == Fraction(1_500_000_001, SCALE)
    assert [r.elected for r in meek.rounds] == [("D", "A"), ("B",)]

    scottish = count("stv-scottish", SPREAD, seats=3)
    assert set(scottish.elected) == {"A", "C", "D"}

    ers97 = count("stv-ers97", SPREAD, seats=3)
    assert ers97.elected == ("D", "A", "C")
    assert ers97.quota == Fraction(3, 2)
    stage2 = ers97.rounds[1]
    assert dict(stage2.tallies) == {
        "A": 2,
        "B": Fraction("0.62"),
        "C": Fraction("1.86"),
        "D": Fraction("1.50"),
    }
    assert stage2.exhausted == Fraction("0.02")


# Last parcel against all papers: 2 seats.
PARCEL = _profile("EPQX", [("XP", 34), ("EXQ", 10), ("P", 30), ("Q", 32)])


def test_ers97_takes_the_surplus_from_the_last_parcel_only() -> None:
    """ERS97 elects Q; Meek and Scottish elect P.

    Ballots (106): 34 X>P, 10 E>X>Q, 30 P, 32 Q; 2 seats.  First preferences:
    X 34, Q 32, P 30, E 10.  Every method excludes E first and E's 10 papers
    put X over the quota; the methods differ in whose papers carry X's surplus.

    ERS97 (quota = 106/3 = 35.333… → 35.34, 5.1.6):
      stage 2: E excluded (10 ≤ 30: the only group under 5.2.5); X 44 ≥ 35.34.
      stage 3: X's surplus 8.66 is not deferred (30 + 8.66 > 32); it comes
      from the last received batch only (5.3.2): E's 10 papers, next
      preference Q: 8.66/10 = 0.866 → 0.86 each, Q 32 + 8.60 = 40.60 ≥ quota.
      Non-transferable difference 0.06.
    Scottish (quota = floor(106/3) + 1 = 36): stage 2: E excluded, X 44.
      stage 3: X's surplus 8 over all 44 papers at 8/44 = 0.18181 (five
      decimals, truncated): P gets 34 × 0.18181 = 6.18154 → 36.18154 ≥ 36.
    Meek (quota 35.333333334): round 1: first preferences, nobody elected;
      round 2: E defeated, X 44; round 3: X elected; round 4: X keeps
      k = 35.333…/44 ≈ 0.80303 of every paper it holds and passes 0.19697
      on: P 30 + 34 × 0.19697 ≈ 36.70 ≥ quota (Q ≈ 33.97): P elected.
    """
    ers97 = count("stv-ers97", PARCEL, seats=2)
    assert ers97.elected == ("X", "Q")
    assert ers97.quota == Fraction("35.34")
    stage3 = ers97.rounds[2]
    assert stage3.transferred is not None
    assert stage3.transferred.source == "X"
    assert stage3.transferred.value == Fraction("8.66")
    assert stage3.tallies["Q"] == Fraction("40.60")
    assert stage3.tallies["P"] == 30
    assert stage3.exhausted == Fraction("0.06")

    scottish = count("stv-scottish", PARCEL, seats=2)
    assert set(scottish.elected) == {"X", "P"}

    meek = count("stv-meek", PARCEL, seats=2)
    assert meek.elected == ("X", "P")
    assert [(r.elected, r.excluded) for r in meek.rounds] == [
        ((), ()),
        ((), ("E",)),
        (("X",), ()),
        (("P",), ()),
    ]
    assert meek.rounds[1].tallies["X"] == 44
    assert meek.rounds[-1].tallies["P"] > Fraction(3669, 100)
