"""Properties of the domain core (hypothesis).

- Replaying the log (``fold``) gives exactly the live state, after any sequence
  of commands, accepted or refused.
- A refused command leaves the state as it was (all-or-nothing: ``decide``
  checks everything before any event is applied).
- Legitimacy at T computed on the full state equals legitimacy computed on the
  fold of the events recorded up to T (SR-28 "as of T").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sovet.domain import fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import RuleViolation
from tests.world import World

FACTIONS = ("red", "green", "blue")
PERSONS = {"r1": "red", "r2": "red", "g1": "green", "b1": "blue"}
GOVS = ("g0", "g0", "g1")
MOTIONS = ("m0", "m1", "m2", "m3")
ASSEMBLIES = ("c1", "c1", "c1", "c2", "ec1", "ec2")  # weighted towards c1
OFFICES = ("chair", "interior", "rail")
KINDS = (
    "approve_government",  # listed twice: most histories start with a government
    "general",
    "decision",
    "approve_government",
    "confirm_government",
    "withdraw_government",
    "recall_officer",
    "fill_vacancy",
    "adopt_demand",
)

SETUP: list[dict[str, Any]] = [
    {
        "command": "register_body",
        "body": "nat",
        "name": "Congress",
        "kind": "congress",
        "level": "national",
    },
    {
        "command": "register_body",
        "body": "ec0",
        "name": "Old EC",
        "kind": "executive_committee",
        "level": "national",
        "parent": "nat",
    },
    {
        "command": "register_body",
        "body": "city",
        "name": "City",
        "kind": "council",
        "level": "gubernia",
        "population": 100,
    },
    {
        "command": "register_body",
        "body": "cc",
        "name": "CC",
        "kind": "faction_leadership",
        "level": "national",
    },
    {
        "command": "register_body",
        "body": "org",
        "name": "Org",
        "kind": "organisation",
        "level": "gubernia",
    },
    *({"command": "register_faction", "faction": f, "name": f} for f in FACTIONS),
    *(
        {
            "command": "register_person",
            "person": p,
            "name": p,
            "faction": f,
            "bodies": ["cc"],
        }
        for p, f in PERSONS.items()
    ),
    {
        "command": "convene_congress",
        "congress": "c1",
        "body": "nat",
        "name": "C1",
        "number": 1,
        "convened_by": "ec0",
        "apportioned": 100,
    },
    {"command": "appoint_credentials_commission", "congress": "c1"},
    {
        "command": "credential_delegates",
        "congress": "c1",
        "faction": "red",
        "count": 55,
        "persons": ["r1", "r2"],
    },
    {
        "command": "credential_delegates",
        "congress": "c1",
        "faction": "green",
        "count": 35,
        "persons": ["g1"],
    },
    {
        "command": "credential_delegates",
        "congress": "c1",
        "faction": "blue",
        "count": 10,
        "persons": ["b1"],
    },
    {
        "command": "submit_government_list",
        "government": "g0",
        "name": "G0",
        "assembly": "c1",
        "nominated_by": "red",
        "offices": [
            {"office": "chair", "person": "r1"},
            {"office": "interior", "person": "r2"},
        ],
    },
    {
        "command": "propose_motion",
        "motion": "approve",
        "assembly": "c1",
        "kind": "approve_government",
        "text": "t",
        "subject": "g0",
    },
    {"command": "vote_by_count", "motion": "approve", "yes": 55, "no": 45},
    {"command": "close_motion", "motion": "approve"},
    {
        "command": "elect_executive_committee",
        "executive": "ec1",
        "congress": "c1",
        "name": "EC1",
        "composition": {"red": 6, "green": 4},
    },
]
"""A congress with a majority, an approved government and its committee."""

_faction = st.sampled_from(FACTIONS)
_count = st.integers(min_value=0, max_value=60)
_motion = st.sampled_from(MOTIONS)
_gov = st.sampled_from(GOVS)
_person = st.sampled_from(sorted(PERSONS))

PASS = st.builds(
    lambda m, a, k, g, o, p, y, n: [
        {
            "command": "propose_motion",
            "motion": m,
            "assembly": a,
            "kind": k,
            "text": "t",
            "subject": g,
            "office": o,
            "person": p,
        },
        {"command": "vote_by_count", "motion": m, "yes": y, "no": n},
        {"command": "close_motion", "motion": m},
    ],
    _motion,
    st.sampled_from(ASSEMBLIES),
    st.sampled_from(KINDS),
    _gov,
    st.sampled_from(OFFICES),
    _person,
    st.integers(0, 60),
    st.integers(0, 40),
)
"""Propose, vote and close in a row (each still all-or-nothing on its own)."""

SINGLE = st.one_of(
    st.builds(
        lambda f, n: {
            "command": "credential_delegates",
            "congress": "c1",
            "faction": f,
            "count": n,
        },
        _faction,
        _count,
    ),
    st.builds(
        lambda f, n: {
            "command": "record_walk_out",
            "congress": "c1",
            "faction": f,
            "count": n,
        },
        _faction,
        _count,
    ),
    st.builds(
        lambda m, a, k, g, o, p: {
            "command": "propose_motion",
            "motion": m,
            "assembly": a,
            "kind": k,
            "text": "t",
            "subject": g,
            "office": o,
            "person": p,
        },
        _motion,
        st.sampled_from(ASSEMBLIES),
        st.sampled_from(KINDS),
        _gov,
        st.sampled_from(OFFICES),
        _person,
    ),
    st.builds(
        lambda m, y, n: {"command": "vote_by_count", "motion": m, "yes": y, "no": n},
        _motion,
        _count,
        _count,
    ),
    st.builds(lambda m: {"command": "close_motion", "motion": m}, _motion),
    st.builds(
        lambda m, f: {
            "command": "record_unrecorded_outcome",
            "motion": m,
            "supported_by": [f],
        },
        _motion,
        _faction,
    ),
    st.builds(
        lambda g, a, f: {
            "command": "submit_government_list",
            "government": g,
            "name": g,
            "assembly": a,
            "nominated_by": f,
            "offices": [
                {"office": "chair", "person": "r1"},
                {"office": "interior", "person": "r2"},
                {"office": "rail"},
            ],
        },
        _gov,
        st.sampled_from(ASSEMBLIES),
        _faction,
    ),
    st.builds(
        lambda e, c, r, g: {
            "command": "elect_executive_committee",
            "executive": e,
            "congress": c,
            "name": e,
            "composition": {"red": r, "green": g},
        },
        st.just("ec2"),
        st.sampled_from(("c1", "c2")),
        st.integers(0, 8),
        st.integers(0, 8),
    ),
    st.builds(
        lambda by: {
            "command": "convene_congress",
            "congress": "c2",
            "body": "nat",
            "name": "C2",
            "number": 2,
            "convened_by": by,
            "apportioned": 100,
        },
        st.just("ec1"),
    ),
    st.builds(lambda: {"command": "appoint_credentials_commission", "congress": "c2"}),
    st.builds(
        lambda r, g: {
            "command": "report_credentials",
            "congress": "c2",
            "decisive": {"red": r, "green": g},
        },
        _count,
        _count,
    ),
    st.builds(
        lambda o, g, f, t: {
            "command": "offer_seats",
            "offer": o,
            "government": g,
            "by_faction": f,
            "to_faction": t,
            "persons": ["g1"],
            "offices": ["rail"],
        },
        st.sampled_from(("o1", "o2")),
        _gov,
        _faction,
        _faction,
    ),
    st.builds(
        lambda o, a, b: {
            "command": "accept_offer",
            "offer": o,
            "subordinate_to_majority": a,
            "carry_out_programme": b,
        },
        st.sampled_from(("o1", "o2")),
        st.booleans(),
        st.booleans(),
    ),
    st.builds(
        lambda o: {"command": "decline_offer", "offer": o},
        st.sampled_from(("o1", "o2")),
    ),
    st.builds(
        lambda o: {"command": "withdraw_commitment", "offer": o},
        st.sampled_from(("o1", "o2")),
    ),
    st.builds(
        lambda p, g, o: {"command": "resign", "person": p, "body": g, "office": o},
        _person,
        _gov,
        st.sampled_from(OFFICES),
    ),
    st.builds(lambda p: {"command": "resign", "person": p, "body": "cc"}, _person),
    st.builds(
        lambda h, p: {
            "command": "place_hold",
            "hold": h,
            "body": "cc",
            "persons": [p],
            "until": ["org"],
            "scope": ["cc", "g0"],
        },
        st.sampled_from(("h1", "h2")),
        _person,
    ),
    st.builds(
        lambda h: {"command": "record_position", "hold": h, "organisation": "org"},
        st.sampled_from(("h1", "h2")),
    ),
    st.builds(
        lambda: {
            "command": "record_demand",
            "demand": "d",
            "by": "blue",
            "addressed_to": "c1",
        }
    ),
    st.builds(
        lambda r, g: {
            "command": "record_council_composition",
            "body": "city",
            "composition": {"red": r, "green": g},
        },
        _count,
        _count,
    ),
    st.builds(
        lambda: {
            "command": "record_expiry_event",
            "condition": "council_reelection",
            "body": "nat",
        }
    ),
    st.builds(
        lambda m, p: {
            "command": "declare_dissent",
            "decision": m,
            "person": p,
            "text": "no",
        },
        _motion,
        _person,
    ),
)

STEP = st.one_of(PASS, SINGLE.map(lambda step: [step]))


def _run(batches: list[list[dict[str, Any]]]) -> tuple[World, int]:
    log = World.bare()
    log.apply(
        {
            "command": "adopt_constitution",
            "preset": "prop",
            # seats by counts per faction, as the 1917 sources (chain.aggregate)
            "constitution": {
                "government": {"allow_unrecorded_tally": True},
                "chain": {"aggregate": True},
            },
        }
    )
    for data in SETUP:
        log.apply(data)
    day = date(1917, 11, 1)
    refused = 0
    for data in (step for batch in batches for step in batch):
        day += timedelta(days=1)
        log.clock = day.isoformat()
        before = log.state.copy()
        count = len(log.events)
        try:
            log.apply(data)
        except RuleViolation:
            refused += 1
            assert log.state == before
            assert len(log.events) == count
    return log, refused


@given(st.lists(STEP, min_size=10, max_size=40))
def test_fold_of_the_log_equals_the_live_state(
    steps: list[list[dict[str, Any]]],
) -> None:
    log, _ = _run(steps)
    assert fold(log.events) == log.state


@given(st.lists(STEP, min_size=10, max_size=40), st.integers(min_value=0, max_value=45))
def test_legitimacy_as_of_t_equals_the_fold_of_the_prefix(
    steps: list[list[dict[str, Any]]], offset: int
) -> None:
    log, _ = _run(steps)
    at = (date(1917, 11, 1) + timedelta(days=offset)).isoformat()
    prefix = [e for e in log.events if e.recorded_at <= at]
    assert legitimacy(log.state, at).to_json() == legitimacy(fold(prefix), at).to_json()


def test_the_generator_reaches_accepted_and_refused_commands() -> None:
    """Guard against a vacuous property: a fixed sequence both passes and fails."""
    steps: list[dict[str, Any]] = [
        {
            "command": "propose_motion",
            "motion": "m0",
            "assembly": "ec1",
            "kind": "recall_officer",
            "text": "t",
            "subject": "g0",
            "office": "interior",
        },
        {"command": "vote_by_count", "motion": "m0", "yes": 6, "no": 4},
        {"command": "close_motion", "motion": "m0"},
        {
            "command": "submit_government_list",
            "government": "g1",
            "name": "G",
            "assembly": "cc",
            "nominated_by": "red",
            "offices": [{"office": "chair", "person": "r1"}],
        },
    ]
    log, refused = _run([steps])
    assert refused == 1
    assert log.state.governments["g0"].status == "approved"
    assert log.state.governments["g0"].offices["interior"].person is None
