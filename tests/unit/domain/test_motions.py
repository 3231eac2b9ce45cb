"""SR-19: motions voted by name or count, with the majority the rules require."""

from __future__ import annotations

import pytest

from sovet.domain.kernel.motions import carries
from tests.world import congress_world, pass_motion


@pytest.mark.parametrize(
    ("majority", "basis", "yes", "no", "abstain", "expected"),
    [
        ("simple", "votes_cast", 30, 29, 40, True),
        ("simple", "votes_cast", 30, 30, 0, False),
        ("absolute", "votes_cast", 30, 20, 11, False),
        ("absolute", "votes_cast", 31, 20, 10, True),
        ("absolute", "seated", 50, 0, 0, False),
        ("absolute", "seated", 51, 0, 0, True),
        ("absolute", "present", 41, 0, 0, True),
        ("two_thirds", "votes_cast", 40, 20, 0, True),
        ("two_thirds", "votes_cast", 39, 20, 1, False),
        ("two_thirds", "seated", 66, 0, 0, False),
    ],
)
def test_required_majorities(
    majority: str, basis: str, yes: int, no: int, abstain: int, expected: bool
) -> None:
    assert (
        carries(majority, basis, yes, no, abstain, present=80, seated=100) is expected
    )


def test_sr19_carried_and_failed_motions() -> None:
    world = congress_world()
    pass_motion(world, "yes", "c1", "decision", yes=51, no=49)
    assert world.state.motions["yes"].status == "adopted"
    assert "yes" in world.state.decisions
    pass_motion(world, "no", "c1", "general", yes=40, no=41)
    assert world.state.motions["no"].status == "rejected"


def test_sr19_a_stricter_majority_per_motion_but_never_weaker() -> None:
    world = congress_world({"majority": {"decision_majority": "absolute"}})
    world.refuse(
        "SR-19",
        "propose_motion",
        motion="m",
        assembly="c1",
        kind="general",
        text="t",
        majority="simple",
    )
    pass_motion(world, "m", "c1", "general", majority="two_thirds", yes=60, no=40)
    assert world.state.motions["m"].status == "rejected"


def test_sr19_no_more_votes_than_delegates_present() -> None:
    world = congress_world()
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    world.do("vote_by_count", motion="m", yes=90)
    refusal = world.refuse("SR-19", "vote_by_count", motion="m", no=11)
    assert refusal.value == 11


def test_sr19_one_named_vote_each() -> None:
    world = congress_world()
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    world.do("vote_by_name", motion="m", votes={"r1": "yes"})
    world.refuse("SR-19", "vote_by_name", motion="m", votes={"r1": "no"})
    world.refuse("SR-19", "vote_by_name", motion="m", votes={"r2": "maybe"})


def test_sr19_closed_motions_take_no_votes() -> None:
    world = congress_world()
    pass_motion(world, "m", "c1", "general")
    world.refuse("SR-19", "vote_by_count", motion="m", yes=1)


def test_sr19_unknown_motion_kind() -> None:
    world = congress_world()
    world.refuse(
        "SR-19", "propose_motion", motion="m", assembly="c1", kind="coup", text="t"
    )


def test_sr19_unrecorded_outcome_needs_the_constitution_to_allow_it() -> None:
    world = congress_world()
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    world.refuse("SR-19", "record_unrecorded_outcome", motion="m", supported_by=["red"])


def test_sr19_unrecorded_outcome_is_checked_against_the_composition() -> None:
    world = congress_world({"government": {"allow_unrecorded_tally": True}})
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    refusal = world.refuse(
        "SR-19", "record_unrecorded_outcome", motion="m", supported_by=["green", "blue"]
    )
    assert refusal.value == 40
    world.do("record_unrecorded_outcome", motion="m", supported_by=["red"])
    motion = world.state.motions["m"]
    assert motion.unrecorded
    assert motion.status == "adopted"
    assert motion.supporters_seats == 60


def test_sr19_a_closed_congress_takes_no_motions() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    refusal = world.refuse(
        "SR-19", "propose_motion", motion="m", assembly="c1", kind="general", text="t"
    )
    assert refusal.value == "c1"
