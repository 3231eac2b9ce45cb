"""SR-7: reading a ballot from a plain form (numbers for ranks, ticks for approval)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.errors import InputError
from sovet.web.voting import ballot_from_form, is_ranked

CANDIDATES = ("ann", "bob", "cy", "dee")


def test_ranks_give_the_order_and_blanks_are_unranked() -> None:
    form = {"rank-ann": "2", "rank-bob": "", "rank-cy": "1", "rank-dee": " 3 "}
    assert ballot_from_form(form, CANDIDATES, ranked=True) == ["cy", "ann", "dee"]


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
        ballot_from_form(form, CANDIDATES, ranked=True)
    assert caught.value.key == key


def test_fields_for_other_names_are_ignored() -> None:
    form = {"rank-ann": "1", "rank-mallory": "2", "csrf_token": "x"}
    assert ballot_from_form(form, CANDIDATES, ranked=True) == ["ann"]


def test_approval_ticks_in_form_order_once_each() -> None:
    pairs = [("approve", "cy"), ("approve", "ann"), ("approve", "cy")]
    assert ballot_from_form(pairs, CANDIDATES, ranked=False) == ["cy", "ann"]


def test_approval_refuses_strangers_and_empty_ballots() -> None:
    with pytest.raises(InputError, match="not a candidate"):
        ballot_from_form([("approve", "mallory")], CANDIDATES, ranked=False)
    with pytest.raises(InputError, match="at least one"):
        ballot_from_form([], CANDIDATES, ranked=False)


@given(st.permutations(CANDIDATES), st.integers(min_value=1, max_value=4))
def test_any_ranking_round_trips_through_the_form(
    order: list[str], length: int
) -> None:
    ranking = order[:length]
    form = {f"rank-{c}": str(i) for i, c in enumerate(ranking, start=1)}
    assert ballot_from_form(form, CANDIDATES, ranked=True) == ranking


def test_methods_say_whether_they_read_rankings() -> None:
    assert is_ranked("irv")
    assert is_ranked("stv-scottish")
    assert not is_ranked("approval")
