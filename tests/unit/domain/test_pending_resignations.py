"""SR-29/SR-30 (issue 8, class 5): a resignation pending under a hold completes.

Under ``breach_effect = "refer"`` a resignation handed in while a hold is in
force is pending: the member has not left, so nothing is breached. When the
last organisation named in the hold records its position, every resignation
pending under that hold takes effect (an event naming SR-29 and the hold; an
office falls vacant, SR-30), and the legitimacy answer no longer calls it
pending.
"""

from __future__ import annotations

from sovet.domain.government.legitimacy import legitimacy
from tests.world import World, government_world, pass_motion

REFER = {"holds": {"breach_effect": "refer"}}


def _held(world: World) -> None:
    world.do(
        "place_hold",
        hold="h",
        body="red-cc",
        persons=["r1", "r2"],
        until=["org-a", "org-b"],
        scope=["red-cc", "gov"],
    )


def test_sr29_pending_resignation_takes_effect_once_the_organisations_decide() -> None:
    world = government_world(REFER)
    _held(world)
    world.do("resign", at="1917-11-17", person="r2", body="gov", office="interior")
    assert world.state.breaches == []  # the member has not left
    interior = world.state.governments["gov"].offices["interior"]
    assert interior.person == "r2"
    world.do("record_position", at="1917-11-18", hold="h", organisation="org-a")
    assert interior.person == "r2"  # org-b has not decided yet
    assert world.state.resignations[-1].status == "pending"
    stored = world.do(
        "record_position", at="1917-11-19", hold="h", organisation="org-b"
    )
    assert [e.type for e in stored] == ["PositionTaken", "ResignationTookEffect"]
    took = stored[1].payload
    assert (took["person"], took["office"], took["hold"], took["rule"]) == (
        "r2",
        "interior",
        "h",
        "SR-29",
    )
    assert interior.person is None
    assert interior.vacated is not None
    assert interior.vacated.seq == stored[1].seq
    record = world.state.resignations[-1]
    assert (record.status, record.hold) == ("effective", "h")
    assert record.pending is not None
    assert world.state.breaches == []
    warnings = legitimacy(world.state, "1917-11-20").warnings
    assert not any("pending" in w for w in warnings)
    assert any("vacant" in w and "R2" in w for w in warnings)


def test_sr29_a_pending_body_resignation_leaves_the_body_when_the_hold_ends() -> None:
    world = government_world(REFER)
    _held(world)
    world.do("resign", person="r1", body="red-cc")
    assert "r1" in world.state.bodies["red-cc"].members
    world.do("record_position", hold="h", organisation="org-a")
    world.do("record_position", hold="h", organisation="org-b")
    assert "r1" not in world.state.bodies["red-cc"].members
    assert world.state.resignations[-1].status == "effective"
    again = world.do("record_position", hold="h", organisation="org-b")
    assert [e.type for e in again] == ["PositionTaken"]  # completes only once


def test_sr29_a_resignation_already_pending_is_not_handed_in_twice() -> None:
    world = government_world(REFER)
    _held(world)
    world.do("resign", person="r2", body="gov", office="interior")
    world.refuse("SR-29", "resign", person="r2", body="gov", office="interior")


def test_sr29_the_warning_lists_only_resignations_still_pending() -> None:
    world = government_world(REFER)
    _held(world)
    world.do("resign", person="r1", body="gov", office="chair")
    world.do("resign", person="r2", body="gov", office="interior")
    warnings = legitimacy(world.state, "1917-11-30").warnings
    pending = [w for w in warnings if "pending" in w]
    assert len(pending) == 2
    assert all("SR-29" in w for w in pending)
    world.do("record_position", hold="h", organisation="org-a")
    world.do("record_position", hold="h", organisation="org-b")
    warnings = legitimacy(world.state, "1917-11-30").warnings
    assert not any("pending" in w for w in warnings)


def test_sr29_an_office_vacated_meanwhile_is_no_longer_pending() -> None:
    world = government_world(REFER)
    _held(world)
    world.do("resign", person="r2", body="gov", office="interior")
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
    warnings = legitimacy(world.state, "1917-11-30").warnings
    assert not any("pending" in w for w in warnings)
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
    world.do("record_position", hold="h", organisation="org-a")
    world.do("record_position", hold="h", organisation="org-b")
    assert world.state.resignations[-1].status == "effective"
    # the resignation that completes does not unseat the one who filled the office
    assert world.state.governments["gov"].offices["interior"].person == "r3"


def test_sr29_a_resignation_waits_for_every_hold_on_the_member() -> None:
    world = government_world(REFER)
    _held(world)
    world.do(
        "place_hold",
        hold="h2",
        body="red-cc",
        persons=["r2"],
        until=["city"],
        scope=["gov"],
    )
    world.do("resign", person="r2", body="gov", office="interior")
    world.do("record_position", hold="h", organisation="org-a")
    stored = world.do("record_position", hold="h", organisation="org-b")
    assert [e.type for e in stored] == ["PositionTaken", "ResignationPending"]
    assert stored[1].payload["hold"] == "h2"
    pending = [r for r in world.state.resignations if r.status == "pending"]
    assert [(r.person, r.hold) for r in pending] == [("r2", "h2")]
    assert world.state.governments["gov"].offices["interior"].person == "r2"
    stored = world.do("record_position", hold="h2", organisation="city")
    assert [e.type for e in stored] == ["PositionTaken", "ResignationTookEffect"]
    assert stored[1].payload["hold"] == "h2"
    assert world.state.governments["gov"].offices["interior"].person is None
    assert [r.status for r in world.state.resignations] == ["effective"]
