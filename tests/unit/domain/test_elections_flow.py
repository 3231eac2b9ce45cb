"""SR-6…SR-8 through the commands: constituencies, call, count, verify, annul."""

from __future__ import annotations

import pytest

import sovet.counting.plurality  # noqa: F401  (registers "plurality")
from sovet.counting.methods import count
from sovet.counting.types import Profile
from sovet.domain.bodies.registration import RegisterBody, RegisterPerson
from sovet.domain.elections.conduct import Ballot, stages_of
from sovet.domain.elections.deputies import (
    RegisterConstituency,
    SeatDeputy,
    composition_now,
    terms_ended,
)
from sovet.domain.elections.polling import CallElection, CountElection, ElectionCounted
from sovet.domain.elections.verification import AnnulElection, VerifyElection
from sovet.domain.franchise.electorate import Exclusion, RecordExclusion, roll_of
from sovet.errors import (
    BallotRefused,
    NotEligible,
    RuleViolation,
    UnknownCountingMethod,
)
from tests.world import CONDUCT, World


def called(flow: World, **kw: object) -> None:
    args: dict[str, object] = {
        "at": "1917-11-01",
        "election": "e1",
        "constituency": "putilov",
        "seats": 2,
        "polling_day": "1917-11-05",
        "candidates": ("a", "b", "c"),
        "conduct": CONDUCT,
    }
    args.update(kw)
    flow.run(CallElection(**args))  # type: ignore[arg-type]


def ballots(*choices: str) -> tuple[Ballot, ...]:
    return tuple(Ballot(f"v{i}", (c,)) for i, c in enumerate(choices))


def test_sr7_sr8_election_seats_deputies_and_updates_composition() -> None:
    flow = World.bare()
    flow.town()
    called(flow)
    events = flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            ballots=ballots("a", "a", "a", "b", "b", "c"),
        )
    )
    counted = events[0]
    assert isinstance(counted, ElectionCounted)
    assert counted.elected == ("a", "b")
    assert counted.rounds[0]["a"] == 3
    assert (counted.ballots_cast, counted.registered) == (6, 10)
    flow.run(VerifyElection(at="1917-11-06", election="e1", confirmed=("a", "b")))
    assert composition_now(flow.state)["petrograd"] == {
        "bolsheviks": 1,
        "mensheviks": 1,
    }
    assert set(flow.state.constituencies["putilov"].holders) == {"a", "b"}
    assert flow.state.elections["e1"].status == "verified"


def test_sr7_unknown_method_and_too_many_seats_refused() -> None:
    flow = World.bare()
    flow.town()
    with pytest.raises(UnknownCountingMethod):
        called(flow, method="lottery")
    with pytest.raises(RuleViolation) as err:
        called(flow, seats=3)
    assert err.value.rule == "SR-7"
    with pytest.raises(RuleViolation) as err:
        called(flow, candidates=("a",))
    assert err.value.rule == "SR-7"
    assert err.value.value == 2
    assert flow.state.elections == {}


def test_sr7_conduct_is_checked_at_call_and_count() -> None:
    flow = World.bare()
    flow.town()
    with pytest.raises(RuleViolation) as err:
        called(flow, conduct=CONDUCT.__class__("okhrana", ("k1",), "rep"))
    assert err.value.rule == "SR-7"
    called(flow)
    with pytest.raises(RuleViolation) as err:
        flow.run(
            CountElection(
                at="1917-11-05", election="e1", minutes_signed_by=("k1",), ballots=()
            )
        )
    assert err.value.rule == "SR-7"


def test_sr5_excluded_candidate_refused_with_reason() -> None:
    flow = World.bare()
    flow.town()
    flow.run(
        RecordExclusion(
            at="1917-10-02", person="c", exclusion=Exclusion("clergy", note="priest")
        )
    )
    with pytest.raises(NotEligible) as err:
        called(flow)
    assert err.value.rule == "SR-5"
    assert err.value.value == "c"
    roll = roll_of(flow.state, "narva", "1917-11-05")
    assert [r.code for r in roll.excluded["c"]] == ["clergy"]


def test_sr4_ballot_from_off_the_roll_refused_and_nothing_counted() -> None:
    flow = World.bare()
    flow.town()
    called(flow)
    with pytest.raises(NotEligible) as err:
        flow.run(
            CountElection(
                at="1917-11-05",
                election="e1",
                minutes_signed_by=("k1", "rep"),
                ballots=(Ballot("a", ("a",)),),  # a lives in narva
            )
        )
    assert err.value.rule == "SR-4"
    assert flow.state.elections["e1"].status == "called"


def test_sr7_aggregate_tallies_only_without_a_register() -> None:
    flow = World.bare()
    flow.town(electors=0, electorate=100)
    called(flow)
    flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            tallies={"a": 40, "b": 35, "c": 20},
        )
    )
    assert flow.state.elections["e1"].elected == ("a", "b")
    flow2 = World.bare()
    flow2.town(electors=0, electorate=50)
    called(flow2)
    with pytest.raises(RuleViolation) as err:
        flow2.run(
            CountElection(
                at="1917-11-05",
                election="e1",
                minutes_signed_by=("k1", "rep"),
                tallies={"a": 40, "b": 35},
            )
        )
    assert err.value.rule == "SR-7"


def test_sr8_unconfirmed_seat_stays_vacant_then_annulment_unseats() -> None:
    flow = World.bare()
    flow.town()
    called(flow)
    flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            ballots=ballots("a", "a", "b"),
        )
    )
    flow.run(
        VerifyElection(
            at="1917-11-06",
            election="e1",
            confirmed=("a",),
            contested=("b",),
            decisions={"b": False},
        )
    )
    putilov = flow.state.constituencies["putilov"]
    assert set(putilov.holders) == {"a"}
    assert putilov.vacant == 1
    flow.run(
        RegisterBody(
            at="1917-11-07",
            body="uyezd-congress",
            name="Uyezd congress",
            kind="congress",
            level="uyezd",
        )
    )
    with pytest.raises(RuleViolation) as err:
        flow.run(
            AnnulElection(at="1917-11-07", election="e1", by_body="uyezd-congress")
        )
    assert err.value.rule == "SR-8"
    flow.run(
        RegisterBody(
            at="1917-11-07",
            body="oblast-congress",
            name="Northern oblast congress",
            kind="congress",
            level="oblast",
        )
    )
    flow.run(AnnulElection(at="1917-11-08", election="e1", by_body="oblast-congress"))
    assert putilov.holders == {}
    assert composition_now(flow.state)["petrograd"] == {}


def test_sr6_constituency_seats_bounded_by_council_size() -> None:
    flow = World.bare()
    flow.run(
        RegisterBody(
            at="1917-10-01",
            body="village",
            name="Village",
            kind="council",
            level="village",
            population=450,
        )
    )
    flow.run(
        RegisterConstituency(
            at="1917-10-01", constituency="v1", council="village", seats=4
        )
    )
    with pytest.raises(RuleViolation) as err:
        flow.run(
            RegisterConstituency(
                at="1917-10-01", constituency="v2", council="village", seats=1
            )
        )
    assert err.value.rule == "SR-6"
    assert err.value.value == 5


def test_sr8_seat_deputy_counted_in_recorded_composition() -> None:
    flow = World.bare()
    flow.town()
    with pytest.raises(RuleViolation) as err:
        flow.run(
            SeatDeputy(
                at="1917-11-01", constituency="putilov", person="a", counted=True
            )
        )
    assert err.value.rule == "SR-8"
    flow.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="a"))
    flow.run(RegisterPerson(at="1917-11-01", person="z", name="z"))
    flow.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="z"))
    with pytest.raises(RuleViolation):
        flow.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="b"))
    assert composition_now(flow.state)["petrograd"] == {"bolsheviks": 1, "": 1}


def test_sr6_deputy_terms_end_after_three_months() -> None:
    flow = World.bare()
    flow.town()
    flow.run(SeatDeputy(at="1917-11-30", constituency="putilov", person="a"))
    assert terms_ended(flow.state, "1918-02-27") == []
    assert terms_ended(flow.state, "1918-02-28") == [("putilov", "a")]


def test_sr8_annul_by_national_executive_only_when_the_constitution_says() -> None:
    from dataclasses import replace

    from sovet.domain import Constitution

    base = Constitution()
    flow = World.bare(
        replace(
            base,
            councils=replace(base.councils, annul_by="national_executive_committee"),
        )
    )
    flow.town()
    called(flow)
    flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            ballots=ballots("a", "b"),
        )
    )
    for body, kind, level in (
        ("oblast-congress", "congress", "oblast"),
        ("cec", "executive_committee", "national"),
    ):
        flow.run(
            RegisterBody(at="1917-11-07", body=body, name=body, kind=kind, level=level)
        )
    with pytest.raises(RuleViolation) as err:
        flow.run(
            AnnulElection(at="1917-11-08", election="e1", by_body="oblast-congress")
        )
    assert err.value.rule == "SR-8"
    flow.run(AnnulElection(at="1917-11-08", election="e1", by_body="cec"))
    assert flow.state.elections["e1"].status == "annulled"


def test_sr4_council_lowers_the_voting_age_only_with_central_approval() -> None:
    from sovet.domain.franchise.electorate import LowerVotingAge, RegisterElector

    flow = World.bare()
    flow.town(electors=2)
    flow.run(RegisterPerson(at="1917-10-01", person="yuri", name="Yuri"))
    flow.run(
        RegisterElector(
            at="1917-10-01",
            person="yuri",
            birth_date="1901-01-01",
            constituency="putilov",
            categories=("labour",),
        )
    )
    assert "yuri" in roll_of(flow.state, "putilov", "1917-11-05").excluded
    for body, kind, level in (
        ("cec", "executive_committee", "national"),
        ("uyezd-congress", "congress", "uyezd"),
    ):
        flow.run(
            RegisterBody(at="1917-10-02", body=body, name=body, kind=kind, level=level)
        )
    refusals = [
        LowerVotingAge(at="1917-10-03", council="petrograd", min_age=16),
        LowerVotingAge(
            at="1917-10-03",
            council="petrograd",
            min_age=16,
            approved_by="uyezd-congress",
        ),
        LowerVotingAge(
            at="1917-10-03", council="petrograd", min_age=18, approved_by="cec"
        ),
        LowerVotingAge(at="1917-10-03", council="cec", min_age=16, approved_by="cec"),
    ]
    for cmd in refusals:
        with pytest.raises(RuleViolation) as err:
            flow.run(cmd)
        assert err.value.rule == "SR-4"
    flow.run(
        LowerVotingAge(
            at="1917-10-03", council="petrograd", min_age=16, approved_by="cec"
        )
    )
    assert "yuri" in roll_of(flow.state, "putilov", "1917-11-05").voters


def test_sr7_method_picked_by_name_irv_single_seat() -> None:
    flow = World.bare()
    flow.town()
    with pytest.raises(RuleViolation) as err:
        called(flow, method="irv")
    assert err.value.rule == "SR-7"
    assert err.value.value == "irv"
    called(flow, method="irv", seats=1)
    rankings = [("a",), ("a",), ("b", "a"), ("c", "b"), ("c", "b")]
    events = flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            ballots=tuple(Ballot(f"v{i}", r) for i, r in enumerate(rankings)),
        )
    )
    counted = events[0]
    assert isinstance(counted, ElectionCounted)
    assert counted.method == "irv"
    assert counted.elected == ("a",)
    assert len(counted.rounds) == 2


def test_sr7_a_named_count_records_its_stage_table_and_quota() -> None:
    flow = World.bare()
    flow.town()
    called(flow, method="stv-scottish", seats=2)
    rankings = [("a", "b"), ("a", "b"), ("a", "c"), ("b",), ("c", "b"), ("c",)]
    events = flow.run(
        CountElection(
            at="1917-11-05",
            election="e1",
            minutes_signed_by=("k1", "rep"),
            ballots=tuple(Ballot(f"v{i}", r) for i, r in enumerate(rankings)),
        )
    )
    counted = events[0]
    assert isinstance(counted, ElectionCounted)
    index = {c: i for i, c in enumerate(("a", "b", "c"))}
    expected = count(
        "stv-scottish",
        Profile.from_ballots(
            ("a", "b", "c"), [([index[c] for c in r], 1) for r in rankings]
        ),
        seats=2,
    )
    assert counted.quota == expected.quota is not None
    assert counted.stages == stages_of(expected)
    assert len(counted.stages) == len(counted.rounds) >= 1
    assert [s.number for s in counted.stages] == list(range(1, len(counted.stages) + 1))


@pytest.mark.parametrize(
    ("method", "seats", "ranking"),
    [
        ("plurality", 1, ("a", "b")),  # one mark for one seat
        ("irv", 1, ("a", "a")),  # a ranking names each candidate once
        ("plurality", 1, ("zed",)),  # only candidates standing
    ],
)
def test_sr7_a_named_ballot_that_does_not_fit_the_method_is_refused(
    method: str, seats: int, ranking: tuple[str, ...]
) -> None:
    flow = World.bare()
    flow.town()
    called(flow, method=method, seats=seats)
    before = len(flow.events)
    with pytest.raises(BallotRefused) as err:
        flow.run(
            CountElection(
                at="1917-11-05",
                election="e1",
                minutes_signed_by=("k1", "rep"),
                ballots=(Ballot("v0", ("a",)), Ballot("v1", ranking)),
            )
        )
    assert err.value.rule == "SR-7"
    assert len(flow.events) == before
    assert flow.state.elections["e1"].status == "called"
