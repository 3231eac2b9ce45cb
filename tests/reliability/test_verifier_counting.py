"""The verifier's own counting agrees with sovet's (issue 5, the independent verifier).

Two implementations written apart must agree on every round of every count:
random profiles (hypothesis) for plurality, IRV and Scottish STV, and the City
of Edinburgh 2022 wards (real cast-vote records), where the verifier must also
reach the officially declared elected candidates. Ties broken by lot are handed
to the verifier as the published tie records, as ``ElectionCounted`` carries them.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.ballots.blt import read_blt
from sovet.counting.methods import count
from sovet.counting.types import CountResult, Profile, TieBreak
from tests.reliability.helpers import verifier

Ballots = list[tuple[list[str], int]]


def _ballots(profile: Profile) -> Ballots:
    names = profile.candidates
    return [([names[c] for c in r], w) for r, w in profile.ballots()]


def _mine(
    method: str, profile: Profile, seats: int, result: CountResult
) -> tuple[list[str], list[dict[str, Fraction]]]:
    tool = verifier()
    lots = tool.Lots([f"{t.kind}: {t.chosen} by {t.resolved_by}" for t in result.ties])
    names, ballots = list(profile.candidates), _ballots(profile)
    if method == "plurality":
        return tool.count_plurality(names, ballots, seats, lots)  # type: ignore[no-any-return]
    if method == "irv":
        return tool.count_irv(names, ballots, lots)  # type: ignore[no-any-return]
    return tool.count_scottish_stv(names, ballots, seats, lots)  # type: ignore[no-any-return]


@st.composite
def profiles(draw: st.DrawFn) -> tuple[Profile, int]:
    """Small profiles with many ties: 2-6 candidates, up to 25 distinct rankings."""
    n = draw(st.integers(2, 6))
    names = [f"c{i}" for i in range(n)]
    rows = draw(
        st.lists(
            st.tuples(st.permutations(range(n)), st.integers(0, n), st.integers(1, 9)),
            min_size=1,
            max_size=25,
        )
    )
    profile = Profile.from_ballots(names, ((p[: max(k, 1)], w) for p, k, w in rows))
    seats = draw(st.integers(1, n - 1))
    return profile, seats


@pytest.mark.parametrize("method", ["plurality", "irv", "stv-scottish"])
@given(case=profiles(), seed=st.integers(0, 2**16))
def test_verifier_counts_every_round_as_sovet_does(
    method: str, case: tuple[Profile, int], seed: int
) -> None:
    profile, seats = case
    seats = 1 if method == "irv" else seats
    result = count(method, profile, seats=seats, tie_break=TieBreak(seed=seed))
    elected, rounds = _mine(method, profile, seats, result)
    assert sorted(elected) == sorted(result.elected)
    assert rounds == [dict(r.tallies) for r in result.rounds]


EDINBURGH = {
    "ward2": ("BRUCE", "GARDINER", "JENKINSON", "GLASGOW"),
    "ward9": ("COWDY", "WALKER", "KEY"),
    "ward12": ("RAE", "MCNEESE-MECHAN", "DALGLEISH", "CALDWELL"),
}
"""Officially declared, in order of election (see tests/conformance)."""


@pytest.mark.parametrize("ward", sorted(EDINBURGH))
def test_verifier_scottish_stv_on_edinburgh_2022(
    reference_data: Path, ward: str
) -> None:
    path = reference_data / "scot-edinburgh-2022" / f"edinburgh_2022_{ward}.blt"
    profile = read_blt(path).profile
    seats = len(EDINBURGH[ward])
    result = count("stv-scottish", profile, seats=seats, tie_break=TieBreak())
    elected, rounds = _mine("stv-scottish", profile, seats, result)
    official = [
        next(c for c in profile.candidates if f" {surname} " in f" {c} ")
        for surname in EDINBURGH[ward]
    ]
    assert elected == official
    assert rounds == [dict(r.tallies) for r in result.rounds]
