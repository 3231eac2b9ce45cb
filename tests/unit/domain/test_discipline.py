"""SR-29, SR-31, SR-32: holds on resignation, binding decisions, dissent, centralism."""

from __future__ import annotations

from sovet.domain.government.legitimacy import legitimacy
from tests.world import World, government_world, pass_motion


def _hold(world: World) -> None:
    world.do(
        "place_hold",
        hold="h",
        body="red-cc",
        persons=["r1", "r2"],
        until=["org-a", "org-b"],
        scope=["red-cc", "gov"],
    )


def test_sr29_leaving_under_a_hold_is_a_recorded_breach() -> None:
    world = government_world()
    _hold(world)
    world.do("resign", at="1917-11-17", person="r2", body="gov", office="interior")
    breach = world.state.breaches[-1]
    assert (breach.person, breach.rule, breach.of, breach.effect) == (
        "r2",
        "SR-29",
        "h",
        "record",
    )
    assert world.state.governments["gov"].offices["interior"].person is None
    world.do("resign", person="r1", body="red-cc")
    assert "r1" not in world.state.bodies["red-cc"].members
    assert len(world.state.breaches) == 2


def test_sr29_block_refuses_the_resignation() -> None:
    world = government_world({"holds": {"breach_effect": "block"}})
    _hold(world)
    refusal = world.refuse(
        "SR-29", "resign", person="r2", body="gov", office="interior"
    )
    assert refusal.value == "h"


def test_sr29_refer_keeps_the_resignation_pending() -> None:
    world = government_world({"holds": {"breach_effect": "refer"}})
    _hold(world)
    world.do("resign", person="r2", body="gov", office="interior")
    assert world.state.resignations[-1].status == "pending"
    assert world.state.governments["gov"].offices["interior"].person == "r2"
    assert world.state.breaches == []  # the member has not left (issue 8, class 5)
    warnings = legitimacy(world.state, "1917-11-30").warnings
    assert any("pending" in w and "SR-29" in w for w in warnings)


def test_sr29_once_the_organisations_decide_resignation_is_free() -> None:
    world = government_world()
    _hold(world)
    world.do("record_position", hold="h", organisation="org-a")
    assert world.state.holds["h"].active()
    world.do("record_position", hold="h", organisation="org-b")
    assert not world.state.holds["h"].active()
    world.do("resign", person="r2", body="gov", office="interior")
    assert world.state.breaches == []
    world.refuse("SR-29", "record_position", hold="h", organisation="city")


def test_sr29_a_hold_covers_only_its_scope() -> None:
    world = government_world()
    world.do("place_hold", hold="h", body="red-cc", persons=["r2"], until=["org-a"])
    world.do("resign", person="r2", body="gov", office="interior")
    assert world.state.breaches == []


def test_sr30_a_resignation_vacates_the_office_but_not_the_government() -> None:
    world = government_world()
    world.do("resign", at="1917-11-17", person="r2", body="gov", office="interior")
    answer = legitimacy(world.state, "1917-11-18")
    assert answer.government is not None
    assert any("Interior" in w or "interior" in w for w in answer.warnings)
    world.refuse("SR-30", "resign", person="r2", body="gov", office="interior")


def test_sr31_dissent_is_recorded_and_the_decision_still_binds() -> None:
    world = government_world()
    pass_motion(world, "line", "c1", "decision")
    world.do("declare_dissent", decision="line", person="g1", text="we disagree")
    assert world.state.decisions["line"].dissent == {"g1": "we disagree"}
    world.do(
        "act_against_decision", decision="line", person="g1", act="contrary_action"
    )
    assert world.state.breaches[-1].rule == "SR-31"


def test_sr31_criticism_allowed_in_the_1906_variant_if_not_disruptive() -> None:
    world = government_world(
        {"dissent": {"public_criticism_after_decision": "allowed_if_not_disruptive"}}
    )
    pass_motion(world, "line", "c1", "decision")
    world.refuse(
        "SR-31",
        "act_against_decision",
        decision="line",
        person="g1",
        act="public_criticism",
        disruptive=False,
    )
    world.do(
        "act_against_decision",
        decision="line",
        person="g1",
        act="public_criticism",
        disruptive=True,
    )
    assert len(world.state.breaches) == 1


def test_sr31_no_dissent_declarations_when_the_constitution_has_none() -> None:
    world = government_world({"dissent": {"dissent_declaration": False}})
    pass_motion(world, "line", "c1", "decision")
    world.refuse("SR-31", "declare_dissent", decision="line", person="g1", text="no")


def test_sr31_only_decisions_bind() -> None:
    world = government_world()
    pass_motion(world, "chat", "c1", "general")
    world.refuse(
        "SR-31",
        "act_against_decision",
        decision="chat",
        person="g1",
        act="contrary_action",
    )


def test_sr32_a_lower_body_cannot_set_aside_a_higher_decision() -> None:
    world = government_world()
    pass_motion(world, "line", "c1", "decision")
    world.do(
        "register_body",
        body="prov",
        name="Provincial Congress",
        kind="congress",
        level="gubernia",
        parent="nat",
    )
    world.do(
        "convene_congress",
        congress="p1",
        body="prov",
        name="Provincial",
        number=1,
        convened_by="councils",
        demanding_councils=["city"],
        apportioned=10,
    )
    world.do("appoint_credentials_commission", congress="p1")
    world.do("credential_delegates", congress="p1", faction="green", count=10)
    refusal = world.refuse(
        "SR-32",
        "propose_motion",
        motion="undo",
        assembly="p1",
        kind="decision",
        text="ignore the line",
        subject="line",
    )
    assert refusal.value == "line"
    pass_motion(world, "local", "p1", "decision", yes=10, no=0)
    pass_motion(world, "amend", "c1", "decision", subject="local")
    assert "amend" in world.state.decisions


def test_sr31_a_decision_binds_only_its_body() -> None:
    world = government_world()
    pass_motion(world, "line", "c1", "decision")
    world.do("register_faction", faction="grey", name="Grey")
    world.do("register_person", person="x1", name="X1", faction="grey")
    refusal = world.refuse(
        "SR-31",
        "act_against_decision",
        decision="line",
        person="x1",
        act="contrary_action",
    )
    assert refusal.value == "x1"
