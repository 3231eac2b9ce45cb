"""Every registered counting method satisfies the properties it declares.

One property test runs over ``COUNTING_METHODS`` (as pref_voting runs one test
over every method): each method's registry entry names its properties from the
closed set ``registry.Property`` and ``CHECKS`` holds one check per property.
A method added without properties is refused at registration; a property
without a check, or a check that cannot fail, is caught below.

The checks (random truncated profiles from ``tests.strategies``; seats 1–4,
one for a single-winner method):

* ``fills-seats``: min(seats, candidates) distinct candidates; asking for more
  seats than candidates either elects everyone or is refused (SR-7).
* ``fills-seats-by-list``: exactly ``seats`` seats, each to a list.
* ``anonymity``: reordering the ballots and splitting a ranking's weight give
  the same result, stages and lots included (lots are seeded).
* ``neutrality``: renaming and re-indexing the candidates renames the winners,
  when neither count broke a tie.
* ``monotonicity``: moving a winner up one place on some ballots (or adding it
  at the end where it was not marked) keeps its seats, when neither count
  broke a tie; one seat for ranked methods.
* ``vote-conservation``: at every stage the tallies plus the exhausted vote are
  the valid vote, and no tally is negative.
* ``fixed-decimals``: the result names its decimals and every tally is a whole
  number of them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.ballots import MARK_ANY
from sovet.counting.methods import COUNTING_METHODS, get_method
from sovet.counting.registry import (
    PROPERTIES,
    CountingMethod,
    MethodInfo,
    Property,
    counting_method,
)
from sovet.counting.types import CountResult, Profile, Round, TieBreak
from sovet.errors import RuleViolation
from tests.strategies import profiles

METHODS = sorted(COUNTING_METHODS)

Check = Callable[[MethodInfo, Profile, int, random.Random], None]


def _run(info: MethodInfo, profile: Profile, seats: int) -> CountResult:
    return info.func(profile, seats=seats, tie_break=TieBreak(seed=7))


def _seats(info: MethodInfo, profile: Profile, seats: int) -> int:
    """The seats a method can always fill: one, or at most the candidates."""
    return min(seats, len(profile.candidates)) if info.multi_winner else 1


def fills_seats(
    info: MethodInfo, profile: Profile, seats: int, _: random.Random
) -> None:
    n = len(profile.candidates)
    fill = _seats(info, profile, seats)
    result = _run(info, profile, fill)
    assert len(result.elected) == fill
    assert len(set(result.elected)) == fill
    assert set(result.elected) <= set(profile.candidates)
    if info.multi_winner and seats > n:
        try:
            everyone: tuple[str, ...] | str = _run(info, profile, seats).elected
        except RuleViolation as refused:
            everyone = refused.rule
        assert everyone == "SR-7" or sorted(everyone) == sorted(profile.candidates)


def fills_seats_by_list(
    info: MethodInfo, profile: Profile, seats: int, _: random.Random
) -> None:
    result = _run(info, profile, seats)
    assert len(result.elected) == seats
    assert set(result.elected) <= set(profile.candidates)


def anonymity(
    info: MethodInfo, profile: Profile, seats: int, rnd: random.Random
) -> None:
    seats = _seats(info, profile, seats)
    split: list[tuple[tuple[int, ...], int]] = []
    for ranking, weight in profile.ballots():
        first = rnd.randint(0, weight)
        split += [(ranking, first), (ranking, weight - first)]
    rnd.shuffle(split)
    other = Profile.from_ballots(profile.candidates, split)
    assert _run(info, other, seats) == _run(info, profile, seats)


def neutrality(
    info: MethodInfo, profile: Profile, seats: int, rnd: random.Random
) -> None:
    seats = _seats(info, profile, seats)
    n = len(profile.candidates)
    perm = list(range(n))
    rnd.shuffle(perm)  # candidate i becomes index perm[i]
    names = [""] * n
    for i, name in enumerate(profile.candidates):
        names[perm[i]] = name
    moved = Profile.from_ballots(
        names, ((tuple(perm[c] for c in r), w) for r, w in profile.ballots())
    )
    before = _run(info, profile, seats)
    after = _run(info, moved, seats)
    if not before.ties and not after.ties:
        assert sorted(after.elected) == sorted(before.elected)


def _raised(profile: Profile, winner: int, rnd: random.Random) -> Profile:
    """Some ballots rank ``winner`` one place higher (or mark it last if absent)."""
    ballots = []
    for ranking, weight in profile.ballots():
        if rnd.random() < 0.5:
            if winner not in ranking:
                ranking = (*ranking, winner)
            elif (at := ranking.index(winner)) > 0:
                order = list(ranking)
                order[at - 1], order[at] = order[at], order[at - 1]
                ranking = tuple(order)
        ballots.append((ranking, weight))
    return Profile.from_ballots(profile.candidates, ballots)


def monotonicity(
    info: MethodInfo, profile: Profile, seats: int, rnd: random.Random
) -> None:
    seats = 1 if info.ranked else _seats(info, profile, seats)
    before = _run(info, profile, seats)
    if before.ties or not before.elected:
        return
    name = rnd.choice(before.elected)
    after = _run(info, _raised(profile, profile.candidates.index(name), rnd), seats)
    if not after.ties:
        assert Counter(after.elected)[name] >= Counter(before.elected)[name]


def vote_conservation(
    info: MethodInfo, profile: Profile, seats: int, _: random.Random
) -> None:
    result = _run(info, profile, _seats(info, profile, seats))
    for stage in result.rounds:
        assert sum(stage.tallies.values()) + stage.exhausted == profile.total
        assert all(v >= 0 for v in stage.tallies.values())
        assert stage.exhausted >= 0


def fixed_decimals(
    info: MethodInfo, profile: Profile, seats: int, _: random.Random
) -> None:
    result = _run(info, profile, _seats(info, profile, seats))
    assert result.decimals is not None
    unit = 10**result.decimals
    for stage in result.rounds:
        assert all((v * unit).denominator == 1 for v in stage.tallies.values())


CHECKS: dict[Property, Check] = {
    "fills-seats": fills_seats,
    "fills-seats-by-list": fills_seats_by_list,
    "anonymity": anonymity,
    "neutrality": neutrality,
    "monotonicity": monotonicity,
    "vote-conservation": vote_conservation,
    "fixed-decimals": fixed_decimals,
}


@pytest.mark.parametrize("method", METHODS)
@given(
    profile=profiles(max_weight=20),
    seats=st.integers(1, 4),
    rnd=st.randoms(use_true_random=False),
)
def test_every_method_satisfies_its_declared_properties(
    method: str, profile: Profile, seats: int, rnd: random.Random
) -> None:
    """Each registered method, each property it declares, on one random profile."""
    info = get_method(method)
    for prop in sorted(info.properties):
        try:
            CHECKS[prop](info, profile, seats, rnd)
        except AssertionError as failed:
            raise AssertionError(f"{method} is not {prop}") from failed


def test_every_property_has_a_check_and_a_description() -> None:
    assert set(CHECKS) == set(PROPERTIES) == set(get_args(Property))


def test_every_method_declares_how_it_fills_seats() -> None:
    for info in COUNTING_METHODS.values():
        assert info.properties, info.name
        assert len(info.properties & {"fills-seats", "fills-seats-by-list"}) == 1


def test_a_method_without_declared_properties_is_refused() -> None:
    nothing = get_method("approval").func
    for properties in (
        frozenset[Property](),
        frozenset[Property]({"anonymity"}),  # how seats are filled is missing
    ):
        with pytest.raises(ValueError, match="declare"):
            counting_method(
                "x",
                multi_winner=True,
                ranked=False,
                tie_kinds=("seat",),
                rule="",
                ballot=MARK_ANY,
                properties=properties,
            )(nothing)
    assert "x" not in COUNTING_METHODS


def _first_listed(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """Elects the first candidates named, with a made-up stage: not neutral."""
    del tie_break  # a fake meets no ties
    return CountResult(
        method="first-listed",
        seats=seats,
        candidates=profile.candidates,
        elected=profile.candidates[:seats],
        rounds=(Round(1, {c: Fraction(1, 3) for c in profile.candidates}),),
    )


def _fewest_firsts(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """Elects the candidates with the fewest first preferences: not monotone."""
    del tie_break  # a fake meets no ties
    firsts = Counter(dict.fromkeys(profile.candidates, 0))
    for ranking, weight in profile.ballots():
        firsts[profile.candidates[ranking[0]]] += weight
    order = sorted(profile.candidates, key=lambda c: firsts[c])
    return CountResult(
        method="fewest-firsts",
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(order[:seats]),
        rounds=(),
    )


def _first_ballot(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """Elects the first stored ranking's choices: not anonymous, seats unfilled."""
    del tie_break  # a fake meets no ties
    first = next(iter(profile.ballots()))[0][:seats]
    return CountResult(
        method="first-ballot",
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(profile.candidates[c] for c in first),
        rounds=(),
    )


@pytest.mark.parametrize(
    ("func", "prop"),
    [
        (_first_listed, "neutrality"),
        (_first_listed, "vote-conservation"),
        (_first_listed, "fixed-decimals"),
        (_fewest_firsts, "monotonicity"),
        (_first_ballot, "anonymity"),
        (_first_ballot, "fills-seats"),
        (_first_ballot, "fills-seats-by-list"),
    ],
)
def test_a_check_fails_a_method_without_the_property(
    func: CountingMethod, prop: Property
) -> None:
    """The checks can fail: a made-up method that lacks the property is caught."""
    info = MethodInfo(
        "fake", func, True, False, ("seat",), "", MARK_ANY, frozenset({prop})
    )
    profile = Profile.from_ballots(
        ("a", "b", "c"), [((0,), 1), ((1, 0), 2), ((2, 1), 5)]
    )
    failures = 0
    for seed in range(20):
        for seats in (1, 4):
            try:
                CHECKS[prop](info, profile, seats, random.Random(seed))
            except AssertionError:
                failures += 1
    assert failures
