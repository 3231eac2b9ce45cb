"""SR-7: reading a ballot from a plain form (numbers for ranks, marks, one list)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.ballots import CLOSED_LIST, MARK_ANY, RANKING, MarkedBallot
from sovet.errors import InputError
from sovet.web.voting import ballot_from_form, entered_of, is_ranked

CANDIDATES = ("ann", "bob", "cy", "dee")


def test_ranks_give_the_order_and_blanks_are_unranked() -> None:
    form = {"rank-ann": "2", "rank-bob": "", "rank-cy": "1", "rank-dee": " 3 "}
    assert ballot_from_form(form, CANDIDATES, shape=RANKING) == MarkedBallot(
        "ranking", ("cy", "ann", "dee")
    )


@pytest.mark.parametrize(
    ("form", "message", "key"),
    [
        ({"rank-ann": "1", "rank-bob": "3"}, "without gaps", "rank"),
        ({"rank-ann": "2"}, "without gaps", "rank"),
        ({"rank-ann": "1", "rank-bob": "1"}, "given twice", "rank-bob"),
        ({"rank-ann": "first"}, "not a whole number", "rank-ann"),
        ({"rank-ann": "0"}, "not a whole number", "rank-ann"),
        ({"rank-ann": "-1"}, "not a whole number", "rank-ann"),
        ({}, "at least one", "rank"),
    ],
)
def test_bad_ranks_name_the_field(form: dict[str, str], message: str, key: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        ballot_from_form(form, CANDIDATES, shape=RANKING)
    assert caught.value.key == key


def test_fields_for_other_names_are_ignored() -> None:
    form = {"rank-ann": "1", "rank-mallory": "2", "csrf_token": "x"}
    assert ballot_from_form(form, CANDIDATES, shape=RANKING).choices == ("ann",)


def test_marks_are_read_as_given_nothing_dropped() -> None:
    """Repeats, strangers and blanks reach check_ballot, which refuses them
    whole (the form reader neither dedupes nor drops a mark)."""
    pairs = [("marks", "cy"), ("marks", "ann"), ("marks", "cy"), ("marks", "zed")]
    assert ballot_from_form(pairs, CANDIDATES, shape=MARK_ANY) == MarkedBallot(
        "marks", ("cy", "ann", "cy", "zed")
    )
    assert ballot_from_form([], CANDIDATES, shape=MARK_ANY).choices == ()


def test_a_list_ballot_reads_the_list_and_any_preferences() -> None:
    pairs = [("list", "bob"), ("preferences", "ann"), ("csrf_token", "x")]
    assert ballot_from_form(pairs, CANDIDATES, shape=CLOSED_LIST) == MarkedBallot(
        "list", ("bob",), ("ann",)
    )


def test_the_entered_fields_are_kept_without_the_csrf_token() -> None:
    pairs = [("csrf_token", "secret"), ("marks", "ann"), ("marks", "bob")]
    assert entered_of(pairs) == {"marks": ["ann", "bob"]}


@given(st.permutations(CANDIDATES), st.integers(min_value=1, max_value=4))
def test_any_ranking_round_trips_through_the_form(
    order: list[str], length: int
) -> None:
    ranking = order[:length]
    form = {f"rank-{c}": str(i) for i, c in enumerate(ranking, start=1)}
    assert list(ballot_from_form(form, CANDIDATES, shape=RANKING).choices) == ranking


def test_methods_say_whether_they_read_rankings() -> None:
    assert is_ranked("irv")
    assert is_ranked("stv-scottish")
    assert not is_ranked("approval")
