"""stv-meek: the reference Meek rule's fixed-point steps, counted by hand."""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_meek as pv_meek

from sovet.counting.methods import count, get_method
from sovet.counting.stv_meek import SCALE, distribute, reduce_for_round
from sovet.counting.types import Profile, TieBreak
from sovet.errors import RuleViolation
from tests.strategies import profiles


def _profile(
    names: str, ballots: Sequence[tuple[str, int]], withdrawn: str = ""
) -> Profile:
    index = {c: i for i, c in enumerate(names)}
    return Profile.from_ballots(
        tuple(names),
        [([index[c] for c in r], w) for r, w in ballots],
        [index[c] for c in withdrawn],
    )


def test_registered_with_its_rule_and_properties() -> None:
    """SR-7: the registry knows stv-meek as a ranked multi-winner method."""
    info = get_method("stv-meek")
    assert info.multi_winner
    assert info.ranked
    assert set(info.tie_kinds) == {"elect", "exclude"}
    assert "Algorithm 123" in info.rule


def test_distribution_rounds_each_share_up() -> None:
    """B.2.a: keep values 0.5, 0.333333333, 1 on A>B>C: A gets 0.5; B gets
    0.5 × 0.333333333 = 0.1666666665, rounded up to 0.166666667; C gets what
    is left, 0.333333333. A ranking that ends leaves its weight unused."""
    rankings = np.array([[0, 1, 2], [0, -1, -1]], dtype=np.int32)
    keep = np.array([SCALE // 2, 333_333_333, SCALE], dtype=np.int64)
    tally = distribute(rankings, np.array([1, 4], dtype=np.int64), keep)
    assert tally.tolist() == [
        SCALE // 2 * 5,
        166_666_667,
        333_333_333,
    ]


def test_keep_value_update_rounds_up_twice() -> None:
    """B.2.b/B.2.f: 6 A>B, 1 B, 3 C, 2 seats.  Quota = 10/3 truncated to 9
    decimals + 10⁻⁹ = 3.333333334; round 1 elects A (6).  Next iteration: A's
    keep value = (1 × 3.333333334, rounded up) / 6, rounded up = 0.555555556;
    A keeps 6 × 0.555555556 = 3.333333336 and B gets 1 + 6 × 0.444444444 =
    3.666666664 ≥ quota: elected."""
    result = count(
        "stv-meek", _profile("ABC", [("AB", 6), ("B", 1), ("C", 3)]), seats=2
    )
    assert result.elected == ("A", "B")
    assert result.quota == Fraction(3_333_333_334, SCALE)
    assert result.decimals == 9
    round2 = result.rounds[1]
    assert dict(round2.tallies) == {
        "A": Fraction(3_333_333_336, SCALE),
        "B": Fraction(3_666_666_664, SCALE),
        "C": 3,
    }


def test_quota_falls_as_votes_exhaust() -> None:
    """B.2.b: 61 A, 60 A>B, 30 C>D, 29 D>C, 2 seats (the quota is 60 at
    first).  A is elected; as A's keep value falls, the part of its 61
    single-preference papers that passes on is non-transferable, so the quota
    falls below 60 and stays the Droop quota of the votes still held."""
    profile = _profile("ABCD", [("A", 61), ("AB", 60), ("CD", 30), ("DC", 29)])
    result = count("stv-meek", profile, seats=2)
    assert result.elected[0] == "A"
    assert result.quota is not None
    assert result.quota < 60
    last = result.rounds[-1]
    held = sum(last.tallies.values())
    assert held + last.exhausted == 180
    assert result.quota == Fraction(int(held * SCALE) // 3 + 1, SCALE)


def test_tie_for_exclusion_goes_by_seeded_lot() -> None:
    """B.3: 4 A, 3 B, 3 C, 2 seats: A is elected, its excess exhausts, and B
    and C settle level below the quota: one is defeated by lot (recorded),
    reproducibly for a seed, and either can lose."""
    profile = _profile("ABC", [("A", 4), ("B", 3), ("C", 3)])
    winners = set()
    for seed in range(8):
        result = count("stv-meek", profile, seats=2, tie_break=TieBreak(seed=seed))
        assert result == count("stv-meek", profile, seats=2, tie_break=TieBreak(seed))
        (tie,) = result.ties
        assert (tie.kind, tie.resolved_by, tie.candidates) == (
            "exclude",
            "lot",
            ("B", "C"),
        )
        assert result.elected[0] == "A"
        assert tie.chosen not in result.elected
        winners.add(result.elected[1])
    assert winners == {"B", "C"}


def test_withdrawn_candidates_have_keep_value_zero() -> None:
    """A: withdrawn candidates start with keep value 0, so papers pass on."""
    profile = _profile("ABW", [("WA", 3), ("B", 2)], withdrawn="W")
    result = count("stv-meek", profile, seats=1)
    assert dict(result.rounds[0].tallies) == {"A": 3, "B": 2, "W": 0}
    assert result.elected == ("A",)


def test_more_seats_than_candidates_elects_everyone() -> None:
    """B.1/C: elected plus hopeful within the seats: all are elected."""
    result = count("stv-meek", _profile("AB", [("A", 2), ("B", 1)]), seats=3)
    assert result.elected == ("A", "B")


def test_zero_seats_refused() -> None:
    """SR-7: a count needs at least one seat."""
    with pytest.raises(RuleViolation, match="SR-7"):
        count("stv-meek", _profile("AB", [("A", 2)]), seats=0)


@given(profiles(max_weight=20), st.integers(1, 4), st.integers(0, 3))
def test_final_quota_is_the_droop_quota_of_the_votes_held(
    profile: Profile, seats: int, seed: int
) -> None:
    """B.2.b: the final quota is the quota of the votes still held (seats as
    asked, even beyond the candidates). Seats, anonymity and whole-vote
    stages are checked for every method in test_counting_properties.py."""
    result = count("stv-meek", profile, seats=seats, tie_break=TieBreak(seed))
    held = sum(result.rounds[-1].tallies.values())
    assert result.quota == Fraction(int(held * SCALE) // (seats + 1) + 1, SCALE)


@st.composite
def _clear_winners(draw: st.DrawFn) -> tuple[Profile, int, set[str]]:
    """``seats`` candidates each with a block of first preferences that is a
    quota under every variant's rule, plus a few other ballots."""
    n = draw(st.integers(3, 7))
    seats = draw(st.integers(1, n - 1))
    winners = draw(st.permutations(range(n)))[:seats]
    orders = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple(p[:k]))
    )
    others = draw(st.lists(st.tuples(orders, st.integers(1, 5)), max_size=8))
    noise = sum(w for _, w in others)
    block = noise + seats + 2  # B ≥ N + seats + 1: above every variant's quota
    ballots = list(others)
    for w in winners:
        tail = draw(st.permutations([c for c in range(n) if c != w]))
        ballots.append(((w, *tail[: draw(st.integers(0, n - 1))]), block))
    names = tuple(f"c{i}" for i in range(n))
    return Profile.from_ballots(names, ballots), seats, {names[w] for w in winners}


@given(_clear_winners())
def test_meek_and_gregory_agree_when_winners_reach_quota_on_firsts(
    case: tuple[Profile, int, set[str]],
) -> None:
    """When every seat's winner has a quota of first preferences, Meek, the
    Scottish weighted inclusive Gregory method and ERS97 elect the same set."""
    profile, seats, winners = case
    for method in ("stv-meek", "stv-scottish", "stv-ers97"):
        result = count(method, profile, seats=seats)
        assert set(result.elected) == winners, method
        assert set(result.rounds[0].elected) == winners, method


SCALE_UP = 1000
"""Ballot weights are multiplied by this before a knife-edge is looked for."""


def _knife_edge(profile: Profile, seats: int, other: set[str]) -> bool:
    """Whether ``other`` is what our count elects once one ballot row moves by
    a thousandth of a ballot: then the profile is tied in the limit of Meek's
    iteration, which stops short of it and may fall either way (e.g.
    ``c0×4, c4×3, [c1,c2,c3]×13``, 3 seats: c3 and c4 both tend to 3 votes)."""
    rows = [(r, w * SCALE_UP) for r, w in profile.ballots()]
    for index in range(len(rows)):
        for step in (-1, 1):
            moved = list(rows)
            moved[index] = (rows[index][0], rows[index][1] + step)
            again = Profile.from_ballots(profile.candidates, moved)
            if set(count("stv-meek", again, seats=seats).elected) == other:
                return True
    return False


def test_a_tie_in_the_limit_is_a_knife_edge() -> None:
    """The profile hypothesis found, where pref_voting and we part: each
    answer is one thousandth of a ballot away from the other."""
    names = ("c0", "c1", "c2", "c3", "c4")
    profile = Profile.from_ballots(names, [((0,), 4), ((4,), 3), ((1, 2, 3), 13)])
    ours = set(count("stv-meek", profile, seats=3).elected)
    assert ours == {"c0", "c1", "c2"}
    assert _knife_edge(profile, 3, {"c1", "c2", "c3"})
    assert not _knife_edge(profile, 3, {"c0", "c3", "c4"})


@given(profiles(max_weight=20), st.integers(1, 4))
def test_agrees_with_pref_voting_meek(profile: Profile, seats: int) -> None:
    """Oracle (dev dependency): pref_voting's ``stv_meek`` (Hill, Wichmann &
    Woodall 1987, in floats) elects the same set whenever our count met no
    tie. Its quota has no 10⁻⁹ guard and its arithmetic is binary, so ties
    (and only ties, exact or in the iteration's limit: a knife-edge) may part
    the two."""
    seats = min(seats, len(profile.candidates))
    ours = count("stv-meek", profile, seats=seats)
    assume(not ours.ties)
    rows = list(profile.ballots())
    theirs = ProfileWithTies(
        [{c: rank + 1 for rank, c in enumerate(r)} for r, _ in rows],
        rcounts=[w for _, w in rows],
        candidates=list(range(len(profile.candidates))),
    )
    elected = {profile.candidates[c] for c in pv_meek(theirs, num_seats=seats)}
    assert elected == set(ours.elected) or _knife_edge(profile, seats, elected)


@given(profiles(max_weight=20), st.data())
def test_round_reduction_is_exact(profile: Profile, data: st.DataObject) -> None:
    """Within a round the statuses are fixed: dropping defeated candidates,
    cutting after the first hopeful one and summing hopeful-first rows once
    gives exactly the same B.2.a votes for any keep values."""
    n = len(profile.candidates)
    status = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    keep = np.array(
        [
            SCALE if s == 0 else 0 if s == 2 else data.draw(st.integers(1, SCALE))
            for s in status
        ],
        dtype=np.int64,
    )
    weights = profile.weights.astype(np.int64)
    reduced = reduce_for_round(profile.rankings, weights, status.astype(np.int8))
    assert reduced is not None
    fixed, rankings, grouped = reduced
    whole = distribute(profile.rankings, weights, keep)
    assert (fixed + distribute(rankings, grouped, keep)).tolist() == whole.tolist()
    assert rankings.shape[0] <= profile.rankings.shape[0]


def test_many_elected_candidates_run_on_the_whole_profile() -> None:
    """When a cut ranking could not be keyed in 64 bits (31 candidates, 13
    elected) the round is not reduced, and the count still holds every vote."""
    n = 31
    status = np.zeros(n, dtype=np.int8)
    status[:13] = 1
    rankings = np.array([list(range(n))], dtype=np.int32)
    assert reduce_for_round(rankings, np.array([1], dtype=np.int64), status) is None
    rng = random.Random(3)
    ballots = [(tuple(rng.sample(range(n), 20)), rng.randint(1, 9)) for _ in range(80)]
    profile = Profile.from_ballots(tuple(f"c{i}" for i in range(n)), ballots)
    result = count("stv-meek", profile, seats=15)
    assert len(result.elected) == 15
    for r in result.rounds:
        assert sum(r.tallies.values()) + r.exhausted == profile.total
