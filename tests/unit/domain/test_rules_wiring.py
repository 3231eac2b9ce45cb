"""SR-3, SR-11, SR-12/17, SR-16, SR-20: rules wired into the commands that need them.

Mandates per sender under an apportionment, the quorum basis taken from it,
binding instructions under an imperative mandate, executive-committee caps per
level, and caps that bind only from the date the constitution gives them.
"""

from __future__ import annotations

from typing import Any

from tests.world import World, pass_motion


def apportioned_world(constitution: dict[str, Any] | None = None) -> World:
    """A national congress apportioned 2 mandates to ``city`` and 4 to ``prov``."""
    world = World(constitution)
    world.do(
        "register_body",
        body="nat",
        name="National Congress",
        kind="congress",
        level="national",
    )
    world.do(
        "register_body",
        body="ec0",
        name="Old Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    world.do(
        "register_body", body="city", name="City", kind="council", level="gubernia"
    )
    world.do(
        "register_body", body="prov", name="Province", kind="congress", level="gubernia"
    )
    world.do("register_faction", faction="red", name="Red")
    world.do("register_faction", faction="green", name="Green")
    world.do(
        "apportion_congress",
        congress="nat",
        snapshot="1917-10-01",
        units=[
            {"name": "city", "kind": "city", "voters": 50_000},
            {"name": "prov", "kind": "province", "inhabitants": 500_000},
        ],
    )
    world.do(
        "convene_congress",
        at="1917-11-07",
        congress="c1",
        body="nat",
        name="First Congress",
        number=1,
        convened_by="ec0",
    )
    world.do("appoint_credentials_commission", congress="c1")
    return world


def test_sr16_quorum_basis_defaults_to_the_apportioned_mandates() -> None:
    world = apportioned_world()
    assert world.state.assemblies["c1"].apportioned == 6


def test_sr16_an_explicit_basis_is_kept() -> None:
    world = apportioned_world()
    world.do("close_congress", congress="c1")
    world.do(
        "convene_congress",
        congress="c2",
        body="nat",
        name="Second",
        number=2,
        convened_by="ec0",
        apportioned=9,
    )
    assert world.state.assemblies["c2"].apportioned == 9


def test_sr16_without_an_apportionment_the_basis_stays_zero() -> None:
    world = World()
    world.do(
        "register_body", body="nat", name="Congress", kind="congress", level="national"
    )
    world.do(
        "register_body",
        body="ec0",
        name="Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    world.do(
        "convene_congress",
        congress="c1",
        body="nat",
        name="First",
        number=1,
        convened_by="ec0",
    )
    assert world.state.assemblies["c1"].apportioned == 0


def test_sr12_credentials_within_each_senders_mandates() -> None:
    world = apportioned_world()
    world.do(
        "credential_delegates", congress="c1", faction="red", count=1, senders=["city"]
    )
    world.do(
        "credential_delegates",
        congress="c1",
        faction="green",
        count=1,
        senders=["city"],
    )
    assert world.state.assemblies["c1"].sent == {"city": 2}
    refusal = world.refuse(
        "SR-12",
        "credential_delegates",
        congress="c1",
        faction="red",
        count=1,
        senders=["city"],
    )
    assert refusal.value == 3
    world.do(
        "credential_delegates", congress="c1", faction="red", count=4, senders=["prov"]
    )
    assert world.state.assemblies["c1"].sent == {"city": 2, "prov": 4}


def test_sr12_consultative_credentials_take_no_mandate() -> None:
    world = apportioned_world()
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        count=5,
        kind="consultative",
        senders=["city"],
    )
    assert world.state.assemblies["c1"].sent == {}


def test_sr12_unnamed_senders_refused_under_an_apportionment() -> None:
    world = apportioned_world()
    refusal = world.refuse(
        "SR-12", "credential_delegates", congress="c1", faction="red", count=1
    )
    assert refusal.value == 1


def test_sr12_joint_senders_fill_their_mandates_in_order() -> None:
    world = apportioned_world()
    world.do(
        "credential_delegates", congress="c1", faction="red", count=1, senders=["city"]
    )
    stored = world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        count=3,
        senders=["city", "prov"],
    )
    assert stored[0].payload["mandates"] == {"city": 1, "prov": 2}
    assert world.state.assemblies["c1"].sent == {"city": 2, "prov": 2}
    refusal = world.refuse(
        "SR-12",
        "credential_delegates",
        congress="c1",
        faction="green",
        count=3,
        senders=["prov", "city"],
    )
    assert refusal.value == 3
    world.do(
        "credential_delegates",
        congress="c1",
        faction="green",
        count=2,
        senders=["prov", "city"],
    )
    assert world.state.assemblies["c1"].sent == {"city": 2, "prov": 4}


def test_sr12_a_sender_without_mandates_is_refused() -> None:
    world = apportioned_world()
    world.do(
        "register_body", body="town", name="Town", kind="council", level="gubernia"
    )
    world.refuse(
        "SR-12",
        "credential_delegates",
        congress="c1",
        faction="red",
        count=1,
        senders=["town"],
    )


def test_sr12_joint_bulk_credentials_pass_without_an_apportionment() -> None:
    """The 1917 congresses: no apportionment on record, no per-sender limit."""
    world = World()
    world.do(
        "register_body", body="nat", name="Congress", kind="congress", level="national"
    )
    world.do(
        "register_body",
        body="ec0",
        name="Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    for body in ("a", "b"):
        world.do(
            "register_body", body=body, name=body, kind="council", level="gubernia"
        )
    world.do("register_faction", faction="red", name="Red")
    world.do(
        "convene_congress",
        congress="c1",
        body="nat",
        name="First",
        number=1,
        convened_by="ec0",
    )
    world.do("appoint_credentials_commission", congress="c1")
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        count=390,
        senders=["a", "b"],
    )
    session = world.state.assemblies["c1"]
    assert session.seated == {"red": 390}
    assert session.sent == {}


def test_sr12_a_report_may_not_seat_more_than_apportioned() -> None:
    world = apportioned_world()
    refusal = world.refuse(
        "SR-12", "report_credentials", congress="c1", decisive={"red": 5, "green": 2}
    )
    assert refusal.value == 7
    world.refuse(
        "SR-12",
        "report_credentials",
        congress="c1",
        decisive={"red": 3},
        senders=["city"],
    )
    world.do("report_credentials", congress="c1", decisive={"red": 4}, senders=["prov"])
    assert world.state.assemblies["c1"].sent == {"prov": 4}
    world.do("report_credentials", congress="c1", decisive={"red": 6})
    assert world.state.assemblies["c1"].sent == {}


def imperative_world(imperative: bool) -> World:
    """A quorate session where ``r1`` was sent by ``city`` and a motion is open."""
    world = World({"recall": {"imperative_mandate": imperative}})
    world.do(
        "register_body", body="nat", name="Congress", kind="congress", level="national"
    )
    world.do(
        "register_body",
        body="ec0",
        name="Committee",
        kind="executive_committee",
        level="national",
        parent="nat",
    )
    world.do(
        "register_body", body="city", name="City", kind="council", level="gubernia"
    )
    world.do(
        "register_body", body="other", name="Other", kind="council", level="gubernia"
    )
    world.do("register_faction", faction="red", name="Red")
    for person in ("r1", "r2"):
        world.do("register_person", person=person, name=person, faction="red")
    world.do(
        "convene_congress",
        congress="c1",
        body="nat",
        name="First",
        number=1,
        convened_by="ec0",
        apportioned=2,
    )
    world.do("appoint_credentials_commission", congress="c1")
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        count=1,
        senders=["city"],
        persons=["r1"],
    )
    world.do(
        "credential_delegates",
        congress="c1",
        faction="red",
        count=1,
        senders=["other"],
        persons=["r2"],
    )
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="peace")
    world.do(
        "instruct_delegate",
        congress="c1",
        by_body="city",
        delegate="r1",
        motion="m",
        choice="yes",
    )
    return world


def test_sr11_imperative_mandate_refuses_a_vote_against_instructions() -> None:
    world = imperative_world(True)
    refusal = world.refuse("SR-11", "vote_by_name", motion="m", votes={"r1": "no"})
    assert refusal.value == "no"
    world.refuse("SR-11", "vote_by_name", motion="m", votes={"r2": "no", "r1": "no"})
    world.do("vote_by_name", motion="m", votes={"r1": "yes", "r2": "no"})
    assert world.state.motions["m"].votes == {"r1": "yes", "r2": "no"}


def test_sr11_without_imperative_mandate_instructions_bind_nothing() -> None:
    world = imperative_world(False)
    world.do("vote_by_name", motion="m", votes={"r1": "no"})
    assert world.state.motions["m"].no == 1


def test_sr11_only_the_sending_body_instructs_an_open_motion() -> None:
    world = imperative_world(True)
    fields: dict[str, Any] = {
        "congress": "c1",
        "by_body": "other",
        "delegate": "r1",
        "motion": "m",
        "choice": "no",
    }
    assert world.refuse("SR-11", "instruct_delegate", **fields).value == "other"
    world.refuse("SR-11", "instruct_delegate", **{**fields, "delegate": "nobody"})
    world.refuse(
        "SR-11", "instruct_delegate", **{**fields, "by_body": "city", "choice": "maybe"}
    )
    world.do("vote_by_name", motion="m", votes={"r1": "yes", "r2": "yes"})
    world.do("close_motion", motion="m")
    world.refuse("SR-11", "instruct_delegate", **{**fields, "by_body": "city"})


def ec_world(level: str, constitution: dict[str, Any] | None = None) -> World:
    """A quorate congress at ``level`` (100 seated) ready to elect its committee."""
    world = World(constitution)
    world.do("register_body", body="cg", name="Congress", kind="congress", level=level)
    world.do(
        "register_body",
        body="ec0",
        name="Committee",
        kind="executive_committee",
        level=level,
        parent="cg",
    )
    world.do("register_faction", faction="red", name="Red")
    world.do(
        "convene_congress",
        at="1918-01-23",
        congress="c1",
        body="cg",
        name="Congress",
        number=1,
        convened_by="ec0",
        apportioned=100,
    )
    world.do("appoint_credentials_commission", congress="c1")
    world.do("credential_delegates", congress="c1", faction="red", count=100)
    return world


def test_sr3_each_level_has_its_executive_committee_cap() -> None:
    for level, cap in (("gubernia", 25), ("uyezd", 20), ("volost", 10)):
        world = ec_world(level)
        refusal = world.refuse(
            "SR-3",
            "elect_executive_committee",
            executive="ec1",
            congress="c1",
            name="EC",
            composition={"red": cap + 1},
        )
        assert refusal.value == cap + 1
        world.do(
            "elect_executive_committee",
            executive="ec1",
            congress="c1",
            name="EC",
            composition={"red": cap},
        )
        assert world.state.assemblies["ec1"].size == cap


def test_sr20_national_cap_binds_only_once_in_force() -> None:
    dated = {"in_force": {"executive.ec_size_max": "1918-07-10"}}
    world = ec_world("national", {**dated, "councils": {"ec_max_size": {}}})
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="CEC",
        composition={"red": 306},
    )
    assert world.state.assemblies["ec1"].size == 306
    later = ec_world("national", {**dated, "councils": {"ec_max_size": {}}})
    refusal = later.refuse(
        "SR-20",
        "elect_executive_committee",
        at="1918-07-10",
        executive="ec1",
        congress="c1",
        name="CEC",
        composition={"red": 201},
    )
    assert refusal.value == 201


def test_sr3_level_caps_bind_only_once_in_force() -> None:
    world = ec_world("gubernia", {"in_force": {"councils.ec_max_size": "1918-07-10"}})
    world.do(
        "elect_executive_committee",
        executive="ec1",
        congress="c1",
        name="EC",
        composition={"red": 30},
    )
    world.do("close_congress", congress="c1", at="1918-07-10")
    world.do(
        "convene_congress",
        congress="c2",
        body="cg",
        name="Congress",
        number=2,
        convened_by="ec1",
        apportioned=100,
    )
    world.do("appoint_credentials_commission", congress="c2")
    world.do("credential_delegates", congress="c2", faction="red", count=100)
    world.refuse(
        "SR-3",
        "elect_executive_committee",
        executive="ec2",
        congress="c2",
        name="EC",
        composition={"red": 30},
    )


def test_pass_motion_helper_still_carries_by_count() -> None:
    """The imperative mandate leaves votes by count (bulk delegates) alone."""
    world = imperative_world(True)
    pass_motion(world, "m2", "c1", "general", yes=2, no=0)
    assert world.state.motions["m2"].status == "adopted"


def test_sr15_a_replaced_executive_committee_no_longer_convenes() -> None:
    world = ec_world("national")
    for executive in ("ec1", "ec2"):
        world.do(
            "elect_executive_committee",
            executive=executive,
            congress="c1",
            name=executive,
            composition={"red": 10},
        )
    world.do("close_congress", congress="c1")
    fields: dict[str, Any] = {
        "congress": "c2",
        "body": "cg",
        "name": "Next",
        "number": 2,
        "apportioned": 100,
    }
    refusal = world.refuse("SR-15", "convene_congress", convened_by="ec1", **fields)
    assert refusal.value == "ec1"
    world.do("convene_congress", convened_by="ec2", **fields)


def test_sr11_a_replacement_is_present_and_unbound() -> None:
    """Replacing a delegate who walked out seats a present, uninstructed one."""
    world = imperative_world(True)
    world.do("register_person", person="r3", name="r3", faction="red")
    world.do("record_walk_out", congress="c1", faction="red", count=1, persons=["r1"])
    session = world.state.assemblies["c1"]
    assert session.present_total() == 1
    world.do(
        "replace_delegate",
        congress="c1",
        by_body="city",
        delegate="r1",
        replacement="r3",
    )
    assert session.present_total() == 2
    assert session.delegates["r3"].instructions == {}
    world.do("vote_by_name", motion="m", votes={"r3": "no"})
    world.do("close_congress", congress="c1")
    fields: dict[str, Any] = {"congress": "c1", "by_body": "city"}
    # issue 15: a delegate's seat lasts until the next session convenes, so the
    # sender may still replace its delegate in the closed session …
    world.do("replace_delegate", delegate="r3", replacement="r1", **fields)
    assert "r1" in session.delegates
    assert "r3" not in session.delegates
    # … but not instruct a vote there any more
    assert (
        world.refuse(
            "SR-11",
            "instruct_delegate",
            delegate="r1",
            motion="m",
            choice="yes",
            **fields,
        ).value
        == "c1"
    )
