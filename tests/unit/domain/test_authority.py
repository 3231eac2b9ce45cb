"""Authority over time (issue 8): only the latest congress, or its committee, acts.

Each test is a sequence that went wrong before ``congress.authority``: a
committee acting after it was superseded, a majority checked only when a list
was proposed, an expiry earlier the same day ending a later approval.
"""

from __future__ import annotations

import pytest

from sovet.domain import command_from_mapping
from sovet.domain.congress.authority import authority, who_may_act
from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import RuleViolation
from tests.world import World, government_world, pass_motion, scenario_1917


def _second_session(world: World, seats: dict[str, int]) -> None:
    """Close First Congress, convene Second Congress (by Committee One), seat it."""
    world.do("close_congress", at="1917-11-20", congress="c1")
    world.do(
        "convene_congress",
        at="1917-12-01",
        congress="c2",
        body="nat",
        name="Second Congress",
        number=2,
        convened_by="ec1",
        apportioned=sum(seats.values()),
    )
    world.do("appoint_credentials_commission", congress="c2")
    for faction, count in seats.items():
        world.do(
            "credential_delegates",
            congress="c2",
            faction=faction,
            count=count,
            senders=["city"],
        )


def _elect_second_committee(world: World) -> None:
    world.do(
        "elect_executive_committee",
        executive="ec2",
        congress="c2",
        name="Committee Two",
        composition={"red": 6, "green": 4},
    )
    world.do("close_congress", at="1917-12-03", congress="c2")


# --- class 1: a replaced committee still acts ---------------------------------


def test_a_standing_committee_stops_convening_once_a_congress_elected_one() -> None:
    world = government_world()
    world.do("close_congress", at="1917-11-20", congress="c1")
    refusal = world.refuse(
        "SR-15",
        "convene_congress",
        at="1917-12-01",
        congress="rump",
        body="nat",
        name="Rump Session",
        number=2,
        convened_by="ec0",
    )
    assert "Committee One may" in str(refusal)
    assert refusal.value == "ec0"


def test_a_committee_superseded_by_a_new_congress_forms_nothing() -> None:
    world = government_world()
    _second_session(world, {"red": 60, "green": 40})
    _elect_second_committee(world)
    refusal = world.refuse(
        "SR-27",
        "submit_government_list",
        at="1917-12-04",
        government="g-old",
        name="Old Committee's Council",
        assembly="ec1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    assert "mandate ended when Second Congress convened" in str(refusal)
    assert "Committee Two may" in str(refusal)
    refusal = world.refuse(
        "SR-15",
        "convene_congress",
        at="1917-12-04",
        congress="c3",
        body="nat",
        name="Third Congress",
        number=3,
        convened_by="ec1",
    )
    assert "Committee Two may" in str(refusal)


def test_while_the_new_congress_sits_the_old_committee_cannot_withdraw() -> None:
    world = government_world()
    _second_session(world, {"red": 60, "green": 40})
    refusal = world.refuse(
        "SR-27",
        "propose_motion",
        at="1917-12-02",
        motion="out",
        assembly="ec1",
        kind="withdraw_government",
        text="withdraw",
        subject="gov",
    )
    assert str(refusal).endswith("; Second Congress may")


def test_while_a_congress_sits_it_alone_approves_a_government() -> None:
    world = government_world()
    world.do(
        "submit_government_list",
        at="1917-11-09",
        government="g2",
        name="Committee's Council",
        assembly="c1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    refusal = world.refuse(
        "SR-21",
        "submit_government_list",
        government="g3",
        name="Another",
        assembly="ec1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    assert "First Congress is in session" in str(refusal)


def test_who_may_act_never_names_a_superseded_body() -> None:
    world = government_world()
    _second_session(world, {"red": 60, "green": 40})
    _elect_second_committee(world)
    found = authority(world.state, "nat")
    assert found.congress is not None
    assert found.congress.id == "c2"
    assert found.committee is not None
    assert found.committee.id == "ec2"
    for act in ("approve", "withdraw", "fill", "convene"):
        named = who_may_act(world.state, "nat", act)
        assert "Committee One" not in named
        assert "Old Committee" not in named
    answer = legitimacy(world.state, "1917-12-05")
    assert not any("Committee One" in w for w in answer.warnings)
    assert not any("Committee One" in e for e in answer.ends_when)


@pytest.fixture(scope="module")
def history_1917() -> World:
    return scenario_1917()


def test_the_pre_october_committee_cannot_convene_a_congress_in_1918(
    history_1917: World,
) -> None:
    state = history_1917.state
    with pytest.raises(RuleViolation) as refused:
        history_1917.record(
            command_from_mapping(
                {
                    "command": "convene_congress",
                    "at": "1918-02-10",
                    "congress": "rump-congress",
                    "body": "national-congress",
                    "name": "A rump congress",
                    "number": 9,
                    "convened_by": "vtsik-1",
                },
                source="test",
            )
        )
    assert refused.value.rule == "SR-15"
    assert "third convocation" in str(refused.value)
    assert legitimacy(state, "1918-02-11").government is not None


# --- class 2: majority at the vote, and for confirmations ---------------------


def test_the_majority_is_checked_again_when_the_list_is_voted_on() -> None:
    world = government_world()
    world.do(
        "submit_government_list",
        at="1917-11-09",
        government="g2",
        name="Red Council",
        assembly="c1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    world.do(
        "propose_motion",
        motion="m2",
        assembly="c1",
        kind="approve_government",
        text="approve",
        subject="g2",
    )
    # Late credentials: red now holds 60 of 150 seated decisive delegates.
    world.do(
        "credential_delegates",
        congress="c1",
        faction="green",
        count=50,
        senders=["rural"],
    )
    world.do("vote_by_count", motion="m2", yes=80, no=70)
    refusal = world.refuse("SR-18", "close_motion", motion="m2")
    assert "60 of 150" in str(refusal)
    assert world.state.governments["g2"].status == "proposed"


def test_a_minority_cannot_confirm_the_government_at_the_next_congress() -> None:
    world = government_world()
    _second_session(world, {"red": 10, "green": 90})
    refusal = world.refuse(
        "SR-18",
        "propose_motion",
        at="1917-12-02",
        motion="confirm",
        assembly="c2",
        kind="confirm_government",
        text="confirm",
        subject="gov",
    )
    assert "10 of 100" in str(refusal)


def test_a_carried_motion_records_the_composition_it_was_checked_against() -> None:
    world = government_world()
    motion = world.state.motions["approve"]
    assert motion.composition == {"red": 60, "green": 30, "blue": 10}


# --- class 3: same-instant expiry ---------------------------------------------


def test_an_expiry_earlier_the_same_day_does_not_end_a_later_approval() -> None:
    world = government_world()
    world.do("close_congress", at="1917-11-20", congress="c1")
    world.do(
        "record_expiry_event",
        at="1917-11-25",
        condition="council_reelection",
        body="nat",
    )
    assert legitimacy(world.state, "1917-11-25").government is None
    world.do(
        "submit_government_list",
        at="1917-11-25",
        government="g2",
        name="Second Council",
        assembly="ec1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    pass_motion(world, "m2", "ec1", "approve_government", subject="g2", yes=6, no=4)
    for at in ("1917-11-25", "1917-11-26"):
        answer = legitimacy(world.state, at).government
        assert answer is not None
        assert answer["name"] == "Second Council"


def test_an_expiry_later_the_same_day_ends_the_approval() -> None:
    world = government_world()
    world.do(
        "record_expiry_event",
        at="1917-11-08",
        condition="council_reelection",
        body="nat",
    )
    assert legitimacy(world.state, "1917-11-08").government is None


# --- class 6: bodies that decide -----------------------------------------------


def _central_committee() -> World:
    """Red's leadership with five named members: r1–r3 (majority), g1, b1."""
    world = government_world()
    for person in ("g1", "b1"):
        world.do(
            "register_person",
            person=f"{person}-cc",
            name=f"{person.upper()} of the CC",
            faction="red",
            bodies=["red-cc"],
        )
    return world


def test_a_faction_leadership_decides_by_named_vote_binding_its_minority() -> None:
    world = _central_committee()
    world.do("convene_sitting", sitting="cc-1", body="red-cc", name="CC sitting")
    sitting = world.state.assemblies["cc-1"]
    assert sitting.size == 5
    world.do(
        "propose_motion",
        motion="line",
        assembly="cc-1",
        kind="decision",
        text="no coalition without our programme",
    )
    world.do(
        "vote_by_name",
        motion="line",
        votes={"r1": "yes", "r2": "yes", "r3": "yes", "g1-cc": "no", "b1-cc": "no"},
    )
    world.do("close_motion", motion="line")
    assert "line" in world.state.decisions
    world.do("declare_dissent", decision="line", person="g1-cc", text="we dissent")
    world.do("resign", person="g1-cc", body="red-cc", statement="we leave")
    assert "g1-cc" not in world.state.bodies["red-cc"].members


def test_a_body_without_named_members_cannot_sit() -> None:
    world = government_world()
    world.refuse("SR-19", "convene_sitting", sitting="s", body="org-a", name="Org A")


def test_a_sitting_counts_its_quorum_on_its_members() -> None:
    world = _central_committee()
    world.do("convene_sitting", sitting="cc-1", body="red-cc", name="CC sitting")
    world.do("propose_motion", motion="m", assembly="cc-1", kind="decision", text="t")
    world.do("vote_by_name", motion="m", votes={"r1": "yes", "r2": "no"})
    world.do("close_motion", motion="m")  # 2 of 5 voted; all 5 are present
    assert world.state.motions["m"].status == "rejected"


def test_a_named_member_resigns_from_an_elected_committee() -> None:
    world = government_world()
    assert "r3" in world.state.assemblies["ec1"].delegates
    world.do("resign", person="r3", body="ec1", statement="I leave the committee")
    committee = world.state.assemblies["ec1"]
    assert "r3" not in committee.delegates
    assert committee.seated["red"] == 5
    assert committee.size == 10
    world.refuse("SR-20", "resign", person="r3", body="ec1")


def test_the_electing_congress_recalls_a_committee_member() -> None:
    world = government_world()
    pass_motion(
        world,
        "recall-r3",
        "c1",
        "recall_committee_member",
        subject="ec1",
        person="r3",
    )
    assert "r3" not in world.state.assemblies["ec1"].delegates
    world.do("close_congress", at="1917-11-20", congress="c1")
    world.refuse(
        "SR-19",
        "propose_motion",
        motion="again",
        assembly="c1",
        kind="recall_committee_member",
        text="t",
        subject="ec1",
        person="r1",
    )
