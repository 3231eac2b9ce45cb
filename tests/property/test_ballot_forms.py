"""SR-7, issue 11: over every registered method, a ballot the web form can
produce is counted exactly as the voter marked it.

The form is the real template (``_ballot.html``) rendered for a random
election of each method; a submission is drawn from what its inputs allow a
browser to send (a required radio group: one value; checkboxes: any subset;
number fields: blank or a whole number within min … max). It then goes the way
a cast ballot goes: ``ballot_from_form`` → ``check_ballot`` (the service's
check) → the domain's ``check_ranking`` and stored key; at close the domain
parses the keys, groups them into a ``Profile`` and counts it with
``count_profile``. The property:

- a submission is either refused whole (``InputError`` for unreadable ranks,
  ``BallotRefused`` naming SR-7) or stored exactly as marked — the marks
  (sorted), the ranking in the voter's order, the one list;
- a form of radio buttons (one mark, one list) is never refused;
- the count reads every stored ballot whole: each mark is one vote (stage 1),
  each list ballot one vote for its list (``party_votes``), each ranking is a
  row of the profile as ranked; and when every voter casts the same ballot,
  the marked candidates (``seats`` of them), the first ``seats`` of the
  ranking (its first choice first), or every seat for the list, are elected.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.ballots import BallotShape, check_ballot
from sovet.counting.list_pr import party_votes
from sovet.counting.methods import COUNTING_METHODS, get_method
from sovet.counting.types import Profile
from sovet.domain.elections.conduct import count_profile
from sovet.domain.elections.polls import check_ranking, parse_key, ranking_key
from sovet.errors import BallotRefused, InputError
from sovet.web.render import env
from sovet.web.voting import ballot_from_form

METHODS = sorted(COUNTING_METHODS)
UNANIMOUS = 12
"""Copies of one ballot in the unanimity check (enough for any quota)."""


@dataclass(frozen=True)
class Input:
    """An ``<input>`` of the ballot form."""

    type: str
    name: str
    value: str
    required: bool
    low: int
    high: int


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Input] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        a = dict(attrs)
        self.found.append(
            Input(
                a.get("type") or "text",
                a.get("name") or "",
                a.get("value") or "",
                "required" in a,
                int(a.get("min") or 0),
                int(a.get("max") or 0),
            )
        )


def form_inputs(method: str, candidates: tuple[str, ...], seats: int) -> list[Input]:
    """The inputs of the ballot form the web shows for this election."""
    shape = get_method(method).ballot
    html = env.get_template("_ballot.html").render(
        election=SimpleNamespace(id="e", voters=set()),
        user="v0",
        may_vote=True,
        council="Council",
        refusal=None,
        csrf_token="token",
        shape=shape,
        max_marks=shape.max_marks(seats, len(candidates)),
        instruction=shape.instruction(seats, len(candidates)),
        candidates=[(c, c.upper()) for c in candidates],
        factions=dict.fromkeys(candidates, "f"),
        entered={},
    )
    parser = _Inputs()
    parser.feed(html)
    return parser.found


@st.composite
def submissions(draw: st.DrawFn, inputs: list[Input]) -> list[tuple[str, str]]:
    """What a browser can send from ``inputs`` (constraints it enforces)."""
    sent: list[tuple[str, str]] = []
    radios: dict[str, list[Input]] = {}
    for field in inputs:
        if field.type == "hidden":
            sent.append((field.name, field.value))
        elif field.type == "radio":
            radios.setdefault(field.name, []).append(field)
        elif field.type == "checkbox":
            if draw(st.booleans()):
                sent.append((field.name, field.value))
        elif field.type == "number":
            number = draw(st.none() | st.integers(field.low, field.high))
            sent.append((field.name, "" if number is None else str(number)))
        else:
            raise AssertionError(f"unexpected input {field}")
    for name, group in radios.items():
        required = any(f.required for f in group)
        choice = draw(st.sampled_from(group) if required else st.none())
        if choice is not None:
            sent.append((name, choice.value))
    return sent


@st.composite
def elections(draw: st.DrawFn, method: str) -> tuple[str, tuple[str, ...], int]:
    n = draw(st.integers(2, 5))
    candidates = tuple(f"c{i}" for i in range(n))
    multi = get_method(method).multi_winner
    seats = draw(st.integers(1, min(3, n))) if multi else 1
    return method, candidates, seats


def intended(shape: BallotShape, sent: list[tuple[str, str]]) -> tuple[str, ...]:
    """What the voter marked, read off the submission independently of the app."""
    if shape.kind == "ranking":
        ranks = {
            int(v): k.removeprefix("rank-")
            for k, v in sent
            if k.startswith("rank-") and v
        }
        return tuple(ranks[r] for r in sorted(ranks))
    field = "list" if shape.kind == "list" else "marks"
    return tuple(v for k, v in sent if k == field)


def stored_row(
    method: str, candidates: tuple[str, ...], seats: int, sent: list[tuple[str, str]]
) -> tuple[str, ...]:
    """The row the service stores for ``sent`` (the cast's own checks)."""
    shape = get_method(method).ballot
    marked = ballot_from_form(sent, candidates, shape=shape)
    row = check_ballot(method, shape, marked, candidates, seats)
    return parse_key(ranking_key(check_ranking(row, candidates, method)))


def close_and_count(
    method: str, candidates: tuple[str, ...], seats: int, rows: list[tuple[str, ...]]
) -> tuple[Profile, dict[str, int], tuple[str, ...]]:
    """As the domain's close: group the keys, build the profile, count it."""
    keys = Counter(ranking_key(r) for r in rows)
    index = {c: i for i, c in enumerate(candidates)}
    profile = Profile.from_ballots(
        candidates, (([index[c] for c in parse_key(k)], n) for k, n in keys.items())
    )
    result = count_profile(method, profile, seats=seats)
    first = {c: int(v) for c, v in result.rounds[0].tallies.items()}
    return profile, first, result.elected


@pytest.mark.parametrize("method", METHODS)
@given(data=st.data())
def test_a_ballot_the_form_can_produce_is_counted_as_marked(
    method: str, data: st.DataObject
) -> None:
    _method, candidates, seats = data.draw(elections(method))
    shape = get_method(method).ballot
    inputs = form_inputs(method, candidates, seats)
    one_choice = all(f.type in ("radio", "hidden") for f in inputs)
    sent_ballots = data.draw(st.lists(submissions(inputs), min_size=1, max_size=6))
    rows: list[tuple[str, ...]] = []
    for sent in sent_ballots:
        want = intended(shape, sent)
        try:
            row = stored_row(method, candidates, seats, sent)
        except (BallotRefused, InputError):
            assert not one_choice, f"a radio form was refused: {sent}"
            continue
        expected = want if shape.kind == "ranking" else tuple(sorted(want))
        assert row == expected, (sent, row)
        rows.append(row)
    if not rows:
        return
    profile, first, _elected = close_and_count(method, candidates, seats, rows)
    if shape.kind == "marks":
        votes = Counter(c for row in rows for c in row)
        assert first == {c: votes[c] for c in candidates}
    elif shape.kind == "list":
        votes = Counter(row[0] for row in rows)
        assert party_votes(profile) == {c: votes[c] for c in candidates}
    else:
        assert Counter(dict(profile.ballots())) == Counter(
            tuple(candidates.index(c) for c in row) for row in rows
        )
    row = rows[0]
    if shape.kind == "list" or len(row) >= seats:
        _p, _f, elected = close_and_count(method, candidates, seats, [row] * UNANIMOUS)
        if shape.kind == "ranking":  # the order of the last seats may be a rule's
            assert set(elected) == set(row[:seats])
            assert elected[0] == row[0]
        elif shape.kind == "list":
            assert elected == (row[0],) * seats
        elif len(row) == seats:
            assert set(elected) == set(row)


@pytest.mark.parametrize("method", METHODS)
def test_the_form_follows_the_declared_ballot(method: str) -> None:
    """Radio buttons for one mark or one list, checkboxes for several marks,
    numbers for a ranking — one input per candidate, nothing else."""
    candidates = ("c0", "c1", "c2")
    shape = get_method(method).ballot
    for seats in (1, 2) if get_method(method).multi_winner else (1,):
        fields = [
            f for f in form_inputs(method, candidates, seats) if f.name != "csrf_token"
        ]
        kinds = {f.type for f in fields}
        if shape.kind == "ranking":
            assert kinds == {"number"}
        elif shape.kind == "list" or shape.max_marks(seats, 3) == 1:
            assert kinds == {"radio"}
            assert all(f.required for f in fields)
        else:
            assert kinds == {"checkbox"}
        assert len(fields) == len(candidates)
