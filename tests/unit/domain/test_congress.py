"""SR-15…SR-18: convocation, quorum, credentials, the governing majority."""

from __future__ import annotations

import pytest

from sovet.domain.congress.sessions import bloc_share, majority_faction
from sovet.errors import NotFound, QuorumNotMet
from tests.world import congress_world, pass_motion


def test_sr15_the_executive_committee_convenes_the_next_session() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        at="1918-01-23",
        congress="c2",
        body="nat",
        name="Second Congress",
        number=2,
        convened_by="ec0",
        apportioned=100,
    )
    latest = world.state.latest_congress("nat")
    assert latest is not None
    assert latest.id == "c2"


def test_sr15_a_council_alone_cannot_convene_the_congress() -> None:
    world = congress_world()
    refusal = world.refuse(
        "SR-15",
        "convene_congress",
        congress="c2",
        body="nat",
        name="Second",
        number=2,
        convened_by="city",
    )
    assert refusal.value == "city"


def test_sr15_councils_with_a_third_of_the_population_may_demand_one() -> None:
    world = congress_world()
    world.do(
        "register_body",
        body="hamlet",
        name="Hamlet",
        kind="council",
        level="village",
        population=200,
    )
    refusal = world.refuse(
        "SR-15",
        "convene_congress",
        congress="c2",
        body="nat",
        name="Extraordinary",
        number=2,
        convened_by="councils",
        demanding_councils=["hamlet"],
    )
    assert refusal.value == 200  # 200 of 1,200 < 1/3
    world.do(
        "convene_congress",
        congress="c2",
        body="nat",
        name="Extraordinary",
        number=2,
        convened_by="councils",
        demanding_councils=["rural"],
        apportioned=100,
    )  # 400 of 1,200 = 1/3


def test_sr15_session_numbers_only_go_up() -> None:
    world = congress_world()
    world.refuse(
        "SR-15",
        "convene_congress",
        congress="c0",
        body="nat",
        name="Again",
        number=1,
        convened_by="ec0",
    )


def test_sr17_credentials_commission_first() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        congress="c2",
        body="nat",
        name="Second",
        number=2,
        convened_by="ec0",
        apportioned=100,
    )
    refusal = world.refuse(
        "SR-17", "credential_delegates", congress="c2", faction="red", count=10
    )
    assert refusal.value == "c2"
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="red", count=10)
    assert world.state.assemblies["c2"].seated == {"red": 10}


def test_sr17_only_credentialed_decisive_delegates_vote() -> None:
    world = congress_world()
    world.do("register_person", person="guest", name="Guest", faction="green")
    world.do(
        "credential_delegates",
        congress="c1",
        faction="green",
        count=1,
        kind="consultative",
        persons=["guest"],
    )
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    refusal = world.refuse("SR-17", "vote_by_name", motion="m", votes={"guest": "yes"})
    assert refusal.value == "guest"
    world.do("vote_by_name", motion="m", votes={"r1": "yes", "g1": "no"})
    assert world.state.motions["m"].votes == {"r1": "yes", "g1": "no"}


def test_sr17_unknown_vote_kind_is_refused() -> None:
    world = congress_world()
    world.refuse(
        "SR-17",
        "credential_delegates",
        congress="c1",
        faction="red",
        count=1,
        kind="honorary",
    )


def test_sr17_the_report_replaces_the_composition() -> None:
    world = congress_world()
    world.do(
        "report_credentials",
        congress="c1",
        decisive={"red": 50, "green": 50},
        consultative={"blue": 5},
    )
    session = world.state.assemblies["c1"]
    assert session.seated == {"red": 50, "green": 50}
    assert session.consultative == {"blue": 5}


def test_sr16_votes_are_refused_while_inquorate() -> None:
    world = congress_world()
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    world.do("record_walk_out", congress="c1", faction="red", count=51)
    with pytest.raises(QuorumNotMet) as refused:
        world.do("vote_by_count", motion="m", yes=40)
    assert refused.value.rule == "SR-16"
    assert refused.value.value == 49


def test_sr16_exactly_half_is_quorate_unless_strict() -> None:
    world = congress_world()
    world.do("record_walk_out", congress="c1", faction="red", count=50)
    pass_motion(world, "m", "c1", "general", yes=30, no=20)
    strict = congress_world({"congress": {"quorum_strict": True}})
    strict.do("record_walk_out", congress="c1", faction="red", count=50)
    strict.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    strict.refuse("SR-16", "vote_by_count", motion="m", yes=30, no=20)


def test_sr16_apportioned_basis_needs_apportioned_votes() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        congress="c2",
        body="nat",
        name="Second",
        number=2,
        convened_by="ec0",
    )
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="red", count=10)
    world.do("propose_motion", motion="m", assembly="c2", kind="general", text="t")
    world.refuse("SR-16", "vote_by_count", motion="m", yes=10)


def test_sr18_the_majority_faction_and_blocs() -> None:
    world = congress_world()
    session = world.state.assemblies["c1"]
    assert majority_faction(world.state, session) == "red"
    assert bloc_share(world.state, session, ["green", "blue"]) == (40, 100)
    hung = congress_world(seats={"red": 40, "green": 35, "blue": 25})
    assert majority_faction(hung.state, hung.state.assemblies["c1"]) is None


def test_sr18_walk_outs_count_under_the_present_basis() -> None:
    world = congress_world(
        {"majority": {"majority_basis": "present"}},
        seats={"red": 45, "green": 40, "blue": 15},
    )
    world.do("record_walk_out", congress="c1", faction="blue", count=15)
    assert majority_faction(world.state, world.state.assemblies["c1"]) == "red"


def test_sr19_walk_outs_reduce_present_never_seated() -> None:
    world = congress_world()
    world.do(
        "record_walk_out", congress="c1", faction="green", count=30, persons=["g1"]
    )
    session = world.state.assemblies["c1"]
    assert session.seated_total() == 100
    assert session.present_total() == 70
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    world.refuse("SR-19", "vote_by_name", motion="m", votes={"g1": "no"})
    world.refuse("SR-19", "record_walk_out", congress="c1", faction="green", count=1)


def test_unknown_congress_is_not_found() -> None:
    world = congress_world()
    with pytest.raises(NotFound) as refused:
        world.do("appoint_credentials_commission", congress="nowhere")
    assert refused.value.value == "nowhere"
