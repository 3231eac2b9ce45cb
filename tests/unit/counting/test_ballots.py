"""SR-7: every counting method declares its ballot, and a ballot that does not
fit is refused whole — never trimmed to its first mark or read as a ranking."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sovet.counting.ballots import (
    CLOSED_LIST,
    MARK_ANY,
    MARK_ONE,
    MARK_UP_TO_SEATS,
    RANKING,
    BallotShape,
    MarkedBallot,
    check_ballot,
)
from sovet.counting.methods import COUNTING_METHODS, count, get_method
from sovet.counting.registry import counting_method
from sovet.counting.types import Profile
from sovet.errors import BallotRefused, RuleViolation

CANDIDATES = ("ann", "bob", "cy", "dee")


@pytest.mark.parametrize(
    ("method", "shape"),
    [
        ("plurality", MARK_ONE),
        ("block-vote", MARK_UP_TO_SEATS),
        ("approval", MARK_ANY),
        ("irv", RANKING),
        ("stv-scottish", RANKING),
        ("stv-meek", RANKING),
        ("stv-ers97", RANKING),
        ("schulze", RANKING),
        ("ranked-pairs", RANKING),
        ("dhondt", CLOSED_LIST),
        ("sainte-lague", CLOSED_LIST),
        ("sainte-lague-1.4", CLOSED_LIST),
        ("hare", CLOSED_LIST),
    ],
)
def test_each_method_declares_its_ballot(method: str, shape: BallotShape) -> None:
    assert get_method(method).ballot == shape


def test_every_registered_method_declares_a_ballot_matching_ranked() -> None:
    for info in COUNTING_METHODS.values():
        assert (info.ballot.kind == "ranking") == info.ranked, info.name


def test_the_registry_refuses_a_declaration_it_cannot_store() -> None:
    nothing = get_method("plurality").func
    with pytest.raises(ValueError, match="ranked method takes a ranking"):
        counting_method(
            "x",
            multi_winner=True,
            ranked=True,
            tie_kinds=(),
            rule="",
            ballot=MARK_ANY,
            properties=frozenset({"fills-seats"}),
        )(nothing)
    with pytest.raises(ValueError, match="preference votes"):
        counting_method(
            "x",
            multi_winner=True,
            ranked=False,
            tie_kinds=(),
            rule="",
            ballot=BallotShape("list", preferences=True),
            properties=frozenset({"fills-seats-by-list"}),
        )(nothing)
    assert "x" not in COUNTING_METHODS


def marks(*names: str) -> MarkedBallot:
    return MarkedBallot("marks", names)


def refused(method: str, ballot: MarkedBallot, seats: int = 1) -> str:
    with pytest.raises(BallotRefused) as caught:
        check_ballot(method, get_method(method).ballot, ballot, CANDIDATES, seats)
    assert caught.value.rule == "SR-7"
    assert isinstance(caught.value, RuleViolation)
    return caught.value.message


def test_two_marks_for_one_plurality_seat_are_refused_not_trimmed() -> None:
    message = refused("plurality", marks("bob", "ann"))
    assert "a ballot marks one candidate" in message
    assert "this ballot has 2" in message
    # with several seats plurality is still one vote a ballot (SNTV): block
    # vote is the method that takes one mark a seat
    assert "one candidate" in refused("plurality", marks("bob", "ann"), seats=2)


def test_one_mark_fits_plurality_and_is_stored_as_given() -> None:
    shape = get_method("plurality").ballot
    assert check_ballot("plurality", shape, marks("cy"), CANDIDATES, 1) == ("cy",)


def test_block_vote_takes_one_to_seats_marks_stored_sorted() -> None:
    shape = get_method("block-vote").ballot
    got = check_ballot("block-vote", shape, marks("dee", "ann"), CANDIDATES, 2)
    assert got == ("ann", "dee")
    assert check_ballot("block-vote", shape, marks("bob"), CANDIDATES, 2) == ("bob",)
    assert "1 to 2 candidates" in refused("block-vote", marks("ann", "bob", "cy"), 2)


def test_approval_takes_any_number_of_marks() -> None:
    shape = get_method("approval").ballot
    every = check_ballot("approval", shape, marks(*CANDIDATES[::-1]), CANDIDATES, 1)
    assert every == tuple(sorted(CANDIDATES))


def test_a_ranking_keeps_its_order() -> None:
    shape = get_method("irv").ballot
    ranking = MarkedBallot("ranking", ("cy", "ann", "dee"))
    assert check_ballot("irv", shape, ranking, CANDIDATES, 1) == ("cy", "ann", "dee")


def test_a_list_ballot_is_one_list_without_preferences() -> None:
    shape = get_method("dhondt").ballot
    one = MarkedBallot("list", ("bob",))
    assert check_ballot("dhondt", shape, one, CANDIDATES, 3) == ("bob",)
    assert "one list" in refused("dhondt", MarkedBallot("list", ("bob", "cy")), 3)
    message = refused("dhondt", MarkedBallot("list", ("bob",), ("ann",)), 3)
    assert "no preference votes" in message


@pytest.mark.parametrize(
    ("method", "ballot", "words"),
    [
        ("plurality", MarkedBallot("ranking", ("ann",)), "plurality counts marks"),
        ("irv", marks("ann", "bob"), "irv counts a ranking, not marks"),
        ("dhondt", marks("ann"), "dhondt counts a list, not marks"),
        ("approval", marks(), "a ballot without a mark is not a ballot"),
        ("irv", MarkedBallot("ranking", ()), "an empty ranking is not a ballot"),
        ("dhondt", MarkedBallot("list", ()), "without a list is not a ballot"),
        ("approval", marks("ann", "zed"), "'zed', not standing"),
        ("irv", MarkedBallot("ranking", ("ann", "bob", "ann")), "'ann' more than"),
        ("approval", marks("ann", "ann"), "'ann' more than once"),
    ],
)
def test_a_ballot_of_the_wrong_shape_names_the_rule(
    method: str, ballot: MarkedBallot, words: str
) -> None:
    assert words in refused(method, ballot, seats=1)


def test_block_vote_counts_every_mark_once() -> None:
    profile = Profile.from_ballots(
        CANDIDATES, [([0, 1], 3), ([2, 3], 2), ([1], 1), ([3, 0], 1)]
    )
    result = count("block-vote", profile, seats=2)
    assert dict(result.rounds[0].tallies) == {
        "ann": Fraction(4),
        "bob": Fraction(4),
        "cy": Fraction(2),
        "dee": Fraction(3),
    }
    assert set(result.elected) == {"ann", "bob"}
    assert not result.ties  # level at the top, but both are elected


def test_read_from_a_ranked_file_block_vote_takes_the_first_seats_preferences() -> None:
    """And plurality still reads first preferences, approval every one ranked."""
    profile = Profile.from_ballots(CANDIDATES, [([0, 1, 2, 3], 5), ([3, 2, 1], 2)])
    block = count("block-vote", profile, seats=2).rounds[0].tallies
    assert block == {"ann": 5, "bob": 5, "cy": 2, "dee": 2}
    plural = count("plurality", profile, seats=2).rounds[0].tallies
    assert plural == {"ann": 5, "bob": 0, "cy": 0, "dee": 2}
    approve = count("approval", profile, seats=2).rounds[0].tallies
    assert approve == {"ann": 5, "bob": 7, "cy": 7, "dee": 7}


def test_block_vote_passes_a_withdrawn_mark_to_the_next_preference() -> None:
    profile = Profile.from_ballots(
        CANDIDATES, [([0, 1, 2], 4)], withdrawn=frozenset({1})
    )
    tallies = count("block-vote", profile, seats=2).rounds[0].tallies
    assert tallies == {"ann": 4, "cy": 4, "dee": 0}
