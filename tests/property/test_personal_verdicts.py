"""Issue 10, finding 9: verdicts on the chain answer as the data did.

Any sequence of registrations, exclusions, a lowered voting age and erasures,
applied both to a v1 world (the facts on the chain, ``tests.world.World``) and
through the service (v2: the facts in the erasable table, the verdict on the
chain), gives the same roll on every day from the registration on for every
member not erased; erasing a member changes no answer at all. The verifier's
own judgement (``tools/verify_export.py``) equals the domain's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.domain import FederationState, command_from_mapping, fold
from sovet.domain.franchise.electorate import roll_of
from sovet.domain.franchise.eligibility import ExclusionMark, Person
from sovet.domain.franchise.verdicts import franchise_spans, verdict_of
from sovet.domain.kernel.constitution import Constitution
from sovet.errors import RuleViolation
from sovet.services.bootstrap import Services, in_memory
from sovet.services.handlers import execute
from sovet.services.personal import erase
from tests.reliability.helpers import verifier
from tests.world import World

FRANCHISE = {
    "min_age": 18,
    "eligible_categories": ["member"],
    "excluded_categories": ["in_arrears"],
    "age_lowering_needs_approval": False,
}
REGISTERED = date(2026, 1, 1)
SETUP: list[dict[str, Any]] = [
    {
        "command": "register_body",
        "body": "local",
        "name": "Local",
        "kind": "council",
        "level": "gubernia",
        "population": 1000,
    },
    {"command": "register_constituency", "constituency": "c", "council": "local"}
    | {"seats": 1},
]
days = st.integers(min_value=0, max_value=365 * 12).map(
    lambda n: REGISTERED + timedelta(days=n)
)
members = st.lists(
    st.tuples(
        st.dates(min_value=date(1950, 1, 1), max_value=date(2015, 12, 31)),
        st.sampled_from([("member",), ("guest",), ("member", "guest"), ()]),
    ),
    min_size=1,
    max_size=4,
)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("exclude"), st.integers(0, 3), days, st.none() | days),
        st.tuples(st.just("lower"), st.integers(14, 17)),
        st.tuples(st.just("erase"), st.integers(0, 3)),
    ),
    max_size=6,
)


def _rolls(state: FederationState, probes: list[date]) -> dict[str, list[Any]]:
    return {
        day.isoformat(): [
            (e.person, e.eligible) for e in roll_of(state, "c", day.isoformat()).entries
        ]
        for day in probes
    }


class Both:
    """A v1 world and a v2 service fed the same commands."""

    def __init__(self) -> None:
        self.v1 = World({"franchise": FRANCHISE})
        self.services: Services = in_memory()
        self.run(
            {
                "command": "adopt_constitution",
                "preset": "test",
                "constitution": {"chain": {"aggregate": True}, "franchise": FRANCHISE},
            },
            v1=False,
        )
        self.day = REGISTERED

    def run(self, data: dict[str, Any], *, v1: bool = True) -> None:
        data = {"at": self.v1.clock if not v1 else self.day.isoformat(), **data}
        command = command_from_mapping(data, source="test", line=None)
        execute(self.services.uow(), command, cache=self.services.cache)
        if v1:
            self.v1.record(command)

    def v2(self) -> FederationState:
        with self.services.uow() as uow:
            return fold(uow.events.read())


@settings(max_examples=60, deadline=None)
@given(members, ops, st.lists(days, min_size=1, max_size=6))
def test_verdicts_answer_as_the_data_and_erasure_changes_nothing(
    people: list[tuple[date, tuple[str, ...]]],
    steps: list[tuple[Any, ...]],
    probes: list[date],
) -> None:
    both = Both()
    for data in SETUP:
        both.run(data)
    ids = [f"m{i}" for i in range(len(people))]
    for pid, (born, categories) in zip(ids, people, strict=True):
        both.run({"command": "register_person", "person": pid, "name": f"N {pid}"})
        both.run(
            {
                "command": "register_elector",
                "person": pid,
                "birth_date": born.isoformat(),
                "constituency": "c",
                "categories": list(categories),
            }
        )
    erased: set[str] = set()
    lowered = False
    for step in steps:
        both.day += timedelta(days=1)
        if step[0] == "exclude":
            pid = ids[step[1] % len(ids)]
            if pid in erased:
                continue
            since, until = step[2], step[3]
            if until is not None and until <= since:
                until = None
            mark = {"category": "in_arrears", "since": since.isoformat()}
            if until is not None:
                mark["until"] = until.isoformat()
            both.run({"command": "record_exclusion", "person": pid, "exclusion": mark})
        elif step[0] == "lower" and not lowered:
            lowered = True
            both.run(
                {"command": "lower_voting_age", "council": "local", "min_age": step[1]}
            )
        elif step[0] == "erase":
            pid = ids[step[1] % len(ids)]
            if pid in erased:
                continue
            before = _rolls(both.v2(), probes)
            erase(both.services.uow(), pid)
            erased.add(pid)
            assert _rolls(both.v2(), probes) == before
    if lowered and erased:
        return  # an erased member's verdict stays at the age it was judged at
    v1, v2 = _rolls(both.v1.state, probes), _rolls(both.v2(), probes)
    assert v2 == v1


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2015, 12, 31)),
    st.sampled_from([("member",), ("guest",), ()]),
    st.lists(st.tuples(days, st.none() | days), max_size=3),
    st.integers(14, 18),
)
def test_the_verifier_judges_as_the_domain(
    born: date,
    categories: tuple[str, ...],
    marks: list[tuple[date, date | None]],
    min_age: int,
) -> None:
    spans = [(s, u if u is not None and u > s else None) for s, u in marks]
    exclusions = [
        {
            "category": "in_arrears",
            "since": s.isoformat(),
            "until": u.isoformat() if u else None,
        }
        for s, u in spans
    ]
    person = Person(
        "p",
        born,
        frozenset(categories),
        tuple(ExclusionMark("in_arrears", s, u) for s, u in spans),
        "c",
    )
    params = Constitution.from_mapping({"franchise": FRANCHISE}, "test").franchise
    domain = verdict_of(franchise_spans(person, params, min_age, REGISTERED))
    record = {
        "birth_date": born.isoformat(),
        "categories": sorted(categories),
        "exclusions": exclusions,
        "registered": REGISTERED.isoformat(),
    }
    mirror = verifier().verdict_of(record, FRANCHISE, min_age)
    assert mirror == [
        {"since": s.since, "until": s.until, "rules": list(s.rules)} for s in domain
    ]


def test_a_refused_exclusion_of_an_erased_member_names_the_rule() -> None:
    both = Both()
    for data in SETUP:
        both.run(data)
    both.run({"command": "register_person", "person": "m0", "name": "N"})
    both.run(
        {
            "command": "register_elector",
            "person": "m0",
            "birth_date": "1980-01-01",
            "constituency": "c",
            "categories": ["member"],
        }
    )
    erase(both.services.uow(), "m0")
    command = command_from_mapping(
        {
            "command": "record_exclusion",
            "at": "2026-02-01",
            "person": "m0",
            "exclusion": {"category": "in_arrears"},
        },
        source="test",
        line=None,
    )
    with pytest.raises(RuleViolation) as refused:
        execute(both.services.uow(), command, cache=both.services.cache)
    assert refused.value.rule == "SR-5"
    assert "erased" in refused.value.message
