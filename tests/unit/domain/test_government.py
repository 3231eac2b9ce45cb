"""SR-1, SR-20…SR-22, SR-27, SR-30: executive committee, formation, accountability."""

from __future__ import annotations

from sovet.domain.government.legitimacy import legitimacy
from tests.world import congress_world, government_world, pass_motion

OFFICES = [{"office": "chair", "person": "r1"}]


def test_sr1_a_faction_leadership_cannot_create_a_government() -> None:
    world = congress_world()
    refusal = world.refuse(
        "SR-1",
        "submit_government_list",
        government="junta",
        name="Junta",
        assembly="red-cc",
        nominated_by="red",
        offices=OFFICES,
    )
    assert refusal.value == "red-cc"


def test_sr20_the_congress_elects_its_committee_within_the_cap() -> None:
    world = congress_world({"executive": {"ec_size_max": 10}})
    refusal = world.refuse(
        "SR-20",
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="Too Big",
        composition={"red": 11},
    )
    assert refusal.value == 11
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="EC",
        composition={"red": 6, "green": 4},
        members={"r3": "red"},
        chair="r3",
    )
    ec = world.state.assemblies["ec1"]
    assert ec.size == 10
    assert ec.chair == "r3"
    assert world.state.assemblies["c1"].executive == "ec1"


def test_sr20_only_a_sitting_congress_elects() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    world.refuse(
        "SR-20",
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="EC",
        composition={"red": 5},
    )


def test_sr21_the_majority_faction_submits_and_the_congress_approves() -> None:
    world = congress_world()
    refusal = world.refuse(
        "SR-21",
        "submit_government_list",
        government="g",
        name="Green Council",
        assembly="c1",
        nominated_by="green",
        offices=OFFICES,
    )
    assert refusal.value == "green"
    world.do(
        "submit_government_list",
        government="g",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=OFFICES,
    )
    pass_motion(world, "approve", "c1", "approve_government", subject="g")
    gov = world.state.governments["g"]
    assert gov.status == "approved"
    assert gov.bloc == ["red"]


def test_sr21_a_rejected_approval_forms_nothing() -> None:
    world = congress_world()
    world.do(
        "submit_government_list",
        government="g",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=OFFICES,
    )
    pass_motion(
        world, "approve", "c1", "approve_government", subject="g", yes=40, no=60
    )
    assert world.state.governments["g"].status == "proposed"


def test_sr21_the_1918_mode_lets_only_the_committee_form_it() -> None:
    world = congress_world({"government": {"formed_by": ["executive_committee"]}})
    world.refuse(
        "SR-21",
        "submit_government_list",
        government="g",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=OFFICES,
    )
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="EC",
        composition={"red": 6, "green": 4},
    )
    world.do(
        "submit_government_list",
        government="g",
        name="Council",
        assembly="ec1",
        nominated_by="red",
        offices=OFFICES,
    )
    pass_motion(world, "approve", "ec1", "approve_government", subject="g", yes=6, no=4)
    assert world.state.governments["g"].status == "approved"


def test_sr18_no_majority_no_approval_unless_a_bloc_commits() -> None:
    world = congress_world(seats={"red": 40, "green": 35, "blue": 25})
    world.do(
        "submit_government_list",
        government="g",
        name="Council",
        assembly="c1",
        nominated_by="red",
        offices=OFFICES,
    )
    world.refuse(
        "SR-18",
        "propose_motion",
        motion="m",
        assembly="c1",
        kind="approve_government",
        text="t",
        subject="g",
    )
    world.do(
        "offer_seats",
        offer="o",
        government="g",
        by_faction="red",
        to_faction="green",
        persons=["g1"],
        offices=["deputy"],
    )
    world.do(
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
    )
    pass_motion(world, "m", "c1", "approve_government", subject="g")
    assert world.state.governments["g"].bloc == ["red", "green"]


def test_sr22_the_committee_recalls_a_commissioner() -> None:
    world = government_world()
    pass_motion(
        world,
        "recall",
        "ec1",
        "recall_officer",
        subject="gov",
        office="interior",
        yes=6,
        no=4,
    )
    office = world.state.governments["gov"].offices["interior"]
    assert office.person is None
    assert office.vacated is not None
    world.refuse(
        "SR-22",
        "propose_motion",
        motion="again",
        assembly="ec1",
        kind="recall_officer",
        text="t",
        subject="gov",
        office="interior",
    )


def test_sr22_the_committee_withdraws_the_government() -> None:
    world = government_world()
    pass_motion(world, "out", "ec1", "withdraw_government", subject="gov", yes=6, no=4)
    assert world.state.governments["gov"].ended_reason == "withdrawn_by_majority"
    assert legitimacy(world.state, "1917-11-30").government is None


def test_sr27_a_superseded_committee_cannot_act() -> None:
    world = government_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        at="1918-01-23",
        congress="c2",
        body="nat",
        name="Second Congress",
        number=2,
        convened_by="ec1",
        apportioned=100,
    )
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="green", count=60)
    world.do("credential_delegates", congress="c2", faction="red", count=40)
    world.do(
        "elect_executive_committee",
        executive="ec2",
        congress="c2",
        name="EC 2",
        composition={"green": 6, "red": 4},
    )
    refusal = world.refuse(
        "SR-27",
        "submit_government_list",
        government="old",
        name="Restored",
        assembly="ec1",
        nominated_by="red",
        offices=OFFICES,
    )
    assert refusal.value == "ec1"
    world.refuse(
        "SR-27",
        "propose_motion",
        motion="m",
        assembly="c1",
        kind="withdraw_government",
        text="t",
        subject="gov",
    )


def test_sr27_power_passes_by_the_new_congress_decision() -> None:
    world = government_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        at="1918-01-23",
        congress="c2",
        body="nat",
        name="Second Congress",
        number=2,
        convened_by="ec1",
        apportioned=100,
    )
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="green", count=60)
    world.do("credential_delegates", congress="c2", faction="red", count=40)
    world.do(
        "submit_government_list",
        government="new",
        name="Green Council",
        assembly="c2",
        nominated_by="green",
        offices=[{"office": "chair", "person": "g1"}],
    )
    pass_motion(world, "m", "c2", "approve_government", subject="new", yes=60, no=40)
    assert world.state.governments["gov"].status == "ended"
    answer = legitimacy(world.state, "1918-01-24")
    assert answer.government is not None
    assert answer.government["name"] == "Green Council"


def test_sr30_filling_a_vacancy_is_not_a_new_government() -> None:
    world = government_world()
    world.do("resign", person="r2", body="gov", office="interior")
    approvals = list(world.state.governments["gov"].approvals)
    pass_motion(
        world,
        "fill",
        "ec1",
        "fill_vacancy",
        subject="gov",
        office="interior",
        person="r3",
        yes=6,
        no=4,
    )
    gov = world.state.governments["gov"]
    assert gov.offices["interior"].person == "r3"
    assert gov.approvals == approvals
    assert gov.status == "approved"
    world.refuse(
        "SR-30",
        "propose_motion",
        motion="again",
        assembly="ec1",
        kind="fill_vacancy",
        text="t",
        subject="gov",
        office="interior",
        person="r2",
    )


def test_sr30_forming_body_only_when_the_constitution_says_so() -> None:
    world = government_world({"government": {"vacancy_filled_by": "forming_body"}})
    world.refuse(
        "SR-30",
        "propose_motion",
        motion="fill",
        assembly="ec1",
        kind="fill_vacancy",
        text="t",
        subject="gov",
        office="rail",
        person="r3",
    )
    pass_motion(
        world, "fill", "c1", "fill_vacancy", subject="gov", office="rail", person="r3"
    )
    assert world.state.governments["gov"].offices["rail"].person == "r3"
