"""SR-26 and SR-28: mandates that end, and who governs at any time T, with proof."""

from __future__ import annotations

from sovet.domain.government.legitimacy import legitimacy
from tests.world import World, government_world, pass_motion


def _next_congress(world: World, at: str = "1918-01-23") -> None:
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        at=at,
        congress="c2",
        body="nat",
        name="Second Congress",
        number=2,
        convened_by="ec1",
        apportioned=100,
    )
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="red", count=55)
    world.do("credential_delegates", congress="c2", faction="green", count=45)


def test_sr28_the_answer_follows_the_contract_and_its_proof_is_in_the_log() -> None:
    world = government_world()
    answer = legitimacy(world.state, "1917-11-09").to_json()
    assert list(answer) == [
        "at",
        "government",
        "bloc",
        "approved_by",
        "ends_when",
        "proof",
        "warnings",
        "vacancies",  # issue 15: what recalls did, and the aggregate mark
        "by_elections",
        "majority",
        "aggregate",
    ]
    assert answer["government"]["name"] == "Council"
    assert answer["approved_by"] == {
        "body": "First Congress",
        "event_seq": answer["approved_by"]["event_seq"],
        "for": 70,
        "against": 30,
        "abstain": 0,
        "seated": 100,
    }
    by_seq = {e.seq: e for e in world.events}
    assert len(answer["proof"]) >= 5
    for item in answer["proof"]:
        assert by_seq[item["seq"]].hash == item["hash"]
        assert by_seq[item["seq"]].type == item["type"]
    assert any("rail" in w and "SR-30" in w for w in answer["warnings"])


def test_sr28_before_any_congress_there_is_no_government() -> None:
    world = government_world()
    answer = legitimacy(world.state, "1917-11-02")
    assert answer.government is None
    assert "SR-1" in answer.warnings[0]


def test_sr28_before_the_approval_the_congress_has_formed_nothing() -> None:
    world = government_world()
    answer = legitimacy(world.state, "1917-11-07")
    assert answer.government is None
    assert "SR-21" in answer.warnings[0]


def test_sr26_the_next_congress_ends_the_mandate_until_it_confirms() -> None:
    world = government_world()
    _next_congress(world)
    ended = legitimacy(world.state, "1918-01-23")
    assert ended.government is None
    assert "SR-26" in ended.warnings[0]
    pass_motion(
        world, "confirm", "c2", "confirm_government", subject="gov", yes=55, no=45
    )
    answer = legitimacy(world.state, "1918-01-24").to_json()
    assert answer["approved_by"]["body"] == "Second Congress"
    assert legitimacy(world.state, "1917-12-01").to_json()["approved_by"]["body"] == (
        "First Congress"
    )


def test_sr26_only_the_next_congress_confirms() -> None:
    world = government_world()
    world.refuse(
        "SR-26",
        "propose_motion",
        motion="m",
        assembly="c1",
        kind="confirm_government",
        text="t",
        subject="gov",
    )


def test_sr26_re_elected_councils_end_the_mandate() -> None:
    world = government_world()
    world.do(
        "record_expiry_event",
        at="1917-12-20",
        condition="council_reelection",
        body="nat",
    )
    assert legitimacy(world.state, "1917-12-19").government is not None
    answer = legitimacy(world.state, "1917-12-21")
    assert answer.government is None
    assert "council_reelection" in answer.warnings[0]


def test_sr26_derived_or_unlisted_conditions_cannot_be_recorded() -> None:
    world = government_world()
    world.refuse("SR-26", "record_expiry_event", condition="next_congress", body="nat")
    world.refuse(
        "SR-26", "record_expiry_event", condition="constituent_assembly", body="nat"
    )
    optional = government_world(
        {"expiry": {"expiry_events": ["next_congress", "constituent_assembly"]}}
    )
    optional.do("record_expiry_event", condition="constituent_assembly", body="nat")
    assert legitimacy(optional.state, "1917-11-30").government is None


def test_sr26_the_committee_forming_a_new_government_ends_the_old() -> None:
    world = government_world()
    # Between sessions: while First Congress sits, approving is its own (SR-20).
    world.do("close_congress", at="1917-11-09", congress="c1")
    world.do(
        "submit_government_list",
        government="g2",
        name="Second Council",
        assembly="ec1",
        nominated_by="red",
        offices=[{"office": "chair", "person": "r3"}],
    )
    pass_motion(world, "m", "ec1", "approve_government", subject="g2", yes=6, no=4)
    assert world.state.governments["gov"].ended_reason == "executive_forms_new"
    answer = legitimacy(world.state, "1917-11-30").to_json()
    assert answer["government"]["name"] == "Second Council"
    assert answer["approved_by"]["body"] == "Committee One"


def test_sr26_four_end_conditions_by_default() -> None:
    world = government_world()
    ends = legitimacy(world.state, "1917-11-09").ends_when
    assert len(ends) == 4
    assert all("SR-26" in e for e in ends)


def test_sr27_a_lost_majority_is_a_warning_naming_who_may_act() -> None:
    world = government_world()
    world.do(
        "record_council_composition",
        at="1917-12-01",
        body="city",
        composition={"red": 200, "green": 400},
    )
    warnings = legitimacy(world.state, "1917-12-02").warnings
    assert any("lost its majority" in w and "Committee One" in w for w in warnings)
    before = legitimacy(world.state, "1917-11-30").warnings
    assert not any("lost its majority" in w for w in before)


def test_sr28_as_of_replays_the_prefix() -> None:
    world = government_world()
    world.do("resign", at="1917-11-17", person="r2", body="gov", office="interior")
    early = legitimacy(world.state, "1917-11-10").to_json()
    late = legitimacy(world.state, "1917-11-18").to_json()
    holders = {o["office"]: o["person"] for o in early["government"]["offices"]}
    assert holders["interior"] == "R2"
    holders = {o["office"]: o["person"] for o in late["government"]["offices"]}
    assert holders["interior"] is None
