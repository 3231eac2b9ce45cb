"""SR-23…SR-25: offers, the loyalty commitment, demands that bind nothing."""

from __future__ import annotations

from typing import Any

from sovet.domain.government.legitimacy import legitimacy
from tests.world import World, government_world, pass_motion


def _offer(world: World, offer: str = "o", **extra: Any) -> None:
    fields: dict[str, Any] = {
        "offer": offer,
        "government": "gov",
        "by_faction": "red",
        "to_faction": "green",
        "persons": ["g1"],
        "offices": ["rail"],
        **extra,
    }
    world.do("offer_seats", **fields)


def test_sr23_only_the_majority_offers() -> None:
    world = government_world()
    refusal = world.refuse(
        "SR-23",
        "offer_seats",
        offer="o",
        government="gov",
        by_faction="blue",
        to_faction="green",
        persons=["g1"],
    )
    assert refusal.value == "blue"


def test_sr23_a_decline_leaves_the_offices_to_the_majority() -> None:
    world = government_world()
    _offer(world)
    world.do("decline_offer", offer="o", reason="no")
    assert world.state.offers["o"].status == "declined"
    assert world.state.governments["gov"].offices["rail"].person is None
    world.refuse(
        "SR-23",
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
    )
    _offer(world, "o2")  # renewed "at any moment"
    assert world.state.offers["o2"].status == "open"


def test_sr23_offers_expire_when_the_constitution_says_so() -> None:
    world = government_world({"coalition": {"offer_expires_days": 10}})
    _offer(world)
    world.refuse(
        "SR-23",
        "accept_offer",
        at="1917-11-30",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
    )


def test_sr24_acceptance_needs_the_commitment() -> None:
    world = government_world()
    _offer(world)
    world.refuse(
        "SR-24",
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=False,
    )
    refusal = world.refuse(
        "SR-24",
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
        changes=["drop the chairman"],
    )
    assert "counter-demand" in refusal.message
    world.do(
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
    )
    gov = world.state.governments["gov"]
    assert gov.offices["rail"].person == "g1"
    assert gov.bloc == ["red", "green"]


def test_sr24_withdrawing_the_commitment_vacates_its_offices() -> None:
    world = government_world()
    _offer(world)
    world.do(
        "accept_offer",
        offer="o",
        subordinate_to_majority=True,
        carry_out_programme=True,
    )
    world.do("withdraw_commitment", offer="o", reason="treaty")
    gov = world.state.governments["gov"]
    assert gov.offices["rail"].person is None
    assert gov.bloc == ["red"]
    world.refuse("SR-24", "withdraw_commitment", offer="o")


def test_sr25_a_demand_is_recorded_and_changes_nothing() -> None:
    world = government_world()
    before = legitimacy(world.state, "1917-11-09").to_json()
    world.do(
        "record_demand",
        at="1917-11-09",
        demand="d",
        by="blue",
        addressed_to="c1",
        conditions=["drop the chairman"],
        threat="walk-out",
    )
    after = legitimacy(world.state, "1917-11-09").to_json()
    assert after["government"] == before["government"]
    assert after["bloc"] == before["bloc"]
    assert world.state.demands["d"].adopted_by is None


def test_sr25_only_a_majority_decision_adopts_a_demand() -> None:
    world = government_world()
    world.refuse(
        "SR-25",
        "propose_motion",
        motion="m",
        assembly="c1",
        kind="adopt_demand",
        text="t",
        subject="nothing",
    )
    world.do("record_demand", demand="d", by="blue", addressed_to="c1")
    pass_motion(world, "m", "c1", "adopt_demand", subject="d", yes=30, no=70)
    assert world.state.demands["d"].adopted_by is None
    pass_motion(world, "m2", "c1", "adopt_demand", subject="d")
    assert world.state.demands["d"].adopted_by == "m2"
