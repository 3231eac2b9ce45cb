"""pref_voting as an oracle for the ranked and single-mark methods.

The properties every method declares (seats, anonymity, neutrality, …) are
checked for all registered methods in ``test_counting_properties.py``.

Oracles (pref_voting, dev dependency) on random profiles (truncated ballots for
plurality, IRV and STV; complete ones for the margin methods):
``plurality``, ``instant_runoff``, ``beat_path`` (Schulze), ``ranked_pairs``
and ``stv_scottish``. Where a method breaks ties differently (pref_voting
returns every tied winner; IRV removes all tied-lowest candidates at once), our
winner must be among pref_voting's winners, and equal to it when no tie arose.

pref_voting documents one deviation from SSI 2007/42 for STV-Scottish: after a
surplus transfer it leaves the truncation remainder with the elected candidate
and may transfer that remainder again, at the papers' *current* value. Rule
48(3)-(4) transfers each transferable paper once, at a value computed from "the
value of the ballot paper when received"; the remainder lost to truncation is
not a new surplus. ``test_truncation_remainder_is_not_a_second_surplus`` shows
the case: both counts elect the same candidates because a second transfer of
the remainder truncates to 0.00000 per paper; we follow the rule text (the
elected candidate keeps exactly the quota, the remainder is recorded as lost).
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff
from pref_voting.margin_based_methods import beat_path, ranked_pairs
from pref_voting.profiles import Profile as PrefProfile
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_scottish
from pref_voting.scoring_methods import plurality

from sovet.counting.methods import count
from sovet.counting.types import CountResult, Profile, TieBreak
from tests.strategies import complete_profiles, profiles


def _run(method: str, profile: Profile, seats: int = 1) -> CountResult:
    return count(method, profile, seats=seats, tie_break=TieBreak(seed=7))


def _pref(profile: Profile) -> PrefProfile | ProfileWithTies:
    """The same ballots for pref_voting (truncated ones as ``ProfileWithTies``)."""
    rankings = [list(r) for r, _ in profile.ballots()]
    weights = [w for _, w in profile.ballots()]
    n = len(profile.candidates)
    if all(len(r) == n for r in rankings):
        return PrefProfile(rankings, rcounts=weights)
    ranks = [{c: i + 1 for i, c in enumerate(r)} for r in rankings]
    return ProfileWithTies(ranks, rcounts=weights, candidates=list(range(n)))


def _winners(result: CountResult) -> list[int]:
    return sorted(result.candidates.index(c) for c in result.elected)


@given(profiles(max_candidates=6))
def test_plurality_matches_pref_voting(profile: Profile) -> None:
    """Plurality winner is one of pref_voting's plurality winners (the only one)."""
    ours = _run("plurality", profile)
    theirs = plurality(_pref(profile))
    assert set(_winners(ours)) <= set(theirs)
    assert bool(ours.ties) == (len(theirs) > 1)


@given(profiles(max_candidates=6))
def test_irv_matches_pref_voting(profile: Profile) -> None:
    """IRV agrees with pref_voting's instant_runoff whenever no tie was met."""
    ours = _run("irv", profile)
    theirs = instant_runoff(_pref(profile))
    if not ours.ties:
        assert _winners(ours) == theirs
    else:
        assert len(ours.elected) == 1


@given(complete_profiles(max_candidates=6))
def test_schulze_matches_pref_voting(profile: Profile) -> None:
    """Schulze winner is among pref_voting's beat_path winners; unique if no tie."""
    ours = _run("schulze", profile)
    theirs = beat_path(_pref(profile))
    assert set(_winners(ours)) <= set(theirs)
    assert bool(ours.ties) == (len(theirs) > 1)


@given(complete_profiles(max_candidates=5))
def test_ranked_pairs_matches_pref_voting(profile: Profile) -> None:
    """Our winner wins under some tie-breaking (pref_voting's ranked_pairs set)."""
    ours = _run("ranked-pairs", profile)
    theirs = ranked_pairs(_pref(profile), algorithm="from_stacks")
    assert set(_winners(ours)) <= set(theirs)
    if not ours.ties:
        assert _winners(ours) == theirs


@given(profiles(max_weight=60), st.integers(1, 3))
def test_stv_scottish_matches_pref_voting(profile: Profile, seats: int) -> None:
    """Same elected set as pref_voting's STV-Scottish (truncated ballots too).

    Compared whenever our count met no tie.
    """
    seats = min(seats, len(profile.candidates) - 1) or 1
    ours = _run("stv-scottish", profile, seats)
    if not ours.ties:
        theirs = stv_scottish(_pref(profile), num_seats=seats, rng=random.Random(0))
        assert _winners(ours) == theirs


def test_truncation_remainder_is_not_a_second_surplus() -> None:
    """AB×5, AC×2, B×2, C×3, 2 seats: A's surplus 2 moves at 0.28571 per paper.

    5×0.28571 + 2×0.28571 = 1.99997 moves; 0.00003 is lost to truncation. By rule
    48 A keeps the quota (5) and the remainder is not transferred again;
    pref_voting leaves A at 5.00003 and tries a second transfer, which moves
    nothing (0.00003 × 0.71429 / 5.00003 truncates to 0.00000). Both elect A, C.
    """
    profile = Profile.from_ballots(
        ("A", "B", "C"), [((0, 1), 5), ((0, 2), 2), ((1,), 2), ((2,), 3)]
    )
    ours = _run("stv-scottish", profile, 2)
    assert ours.rounds[1].tallies["A"] == 5
    assert ours.rounds[1].exhausted == Fraction(3, 100_000)
    theirs = stv_scottish(_pref(profile), num_seats=2, rng=random.Random(0))
    assert _winners(ours) == theirs == [0, 2]


@pytest.mark.parametrize("seed", range(3))
def test_large_random_profile_agrees_with_pref_voting(seed: int) -> None:
    """A 2,000-ballot, 8-candidate profile: same STV-Scottish and IRV winners."""
    gen = np.random.default_rng(seed)
    ballots = [(tuple(int(c) for c in gen.permutation(8)), 1) for _ in range(2000)]
    profile = Profile.from_ballots([f"c{i}" for i in range(8)], ballots)
    ours = _run("stv-scottish", profile, 3)
    if not ours.ties:
        theirs = stv_scottish(_pref(profile), num_seats=3, rng=random.Random(0))
        assert _winners(ours) == theirs
    irv_ours = _run("irv", profile)
    if not irv_ours.ties:
        assert _winners(irv_ours) == instant_runoff(_pref(profile))
