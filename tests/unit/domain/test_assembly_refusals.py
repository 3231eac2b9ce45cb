"""SR-15…SR-20 refusals not covered elsewhere: each names its rule and value.

Executive committee and chair (SR-20), named and counted votes (SR-17/SR-19),
credentials (SR-17), walk-outs (SR-19) and convocation (SR-15/SR-16).
"""

from __future__ import annotations

from typing import Any

import pytest

from sovet.domain.congress.executive import current_executive
from tests.world import congress_world, government_world

EC: dict[str, Any] = {"executive": "ec1", "congress": "c1", "name": "Committee"}


def test_sr20_executive_committee_refusals() -> None:
    world = congress_world()
    assert (
        world.refuse(
            "SR-20", "elect_executive_committee", composition={"red": 0}, **EC
        ).value
        == 0
    )
    assert (
        world.refuse(
            "SR-20", "elect_executive_committee", composition={"red": 201}, **EC
        ).value
        == 201
    )
    assert (
        world.refuse(
            "SR-20",
            "elect_executive_committee",
            composition={"red": 5, "green": -1},
            **EC,
        ).value
        == -1
    )
    assert world.refuse(
        "SR-20",
        "elect_executive_committee",
        composition={"red": 1},
        members={"r1": "red", "r2": "red"},
        **EC,
    ).value in ("r1", "r2")
    assert (
        world.refuse(
            "SR-20",
            "elect_executive_committee",
            composition={"red": 2},
            members={"r1": "red"},
            chair="r2",
            **EC,
        ).value
        == "r2"
    )
    world.do(
        "elect_executive_committee",
        composition={"red": 2},
        members={"r1": "red"},
        chair="r1",
        **EC,
    )
    assert (
        world.refuse(
            "SR-20", "elect_executive_committee", composition={"red": 2}, **EC
        ).value
        == "ec1"
    )


def test_sr20_a_new_committee_replaces_the_sitting_one_and_its_chair() -> None:
    world = congress_world()
    assert current_executive(world.state, "nat") is None
    world.do("elect_executive_committee", composition={"red": 3}, **EC)
    world.do(
        "elect_executive_committee",
        composition={"red": 4},
        **{**EC, "executive": "ec2"},
    )
    sitting = current_executive(world.state, "nat")
    assert sitting is not None
    assert sitting.id == "ec2"
    assert world.state.assemblies["ec1"].closed_at is not None
    assert (
        world.refuse(
            "SR-20", "elect_executive_chair", executive="ec1", chair="r1"
        ).value
        == "ec1"
    )
    assert (
        world.refuse("SR-20", "elect_executive_chair", executive="c1", chair="r1").value
        == "c1"
    )
    world.do("elect_executive_chair", executive="ec2", chair="r2")
    assert world.state.assemblies["ec2"].chair == "r2"


def test_sr19_vote_refusals() -> None:
    world = government_world()
    world.do("propose_motion", motion="m", assembly="c1", kind="general", text="t")
    assert (
        world.refuse("SR-19", "vote_by_name", motion="m", votes={"r1": "maybe"}).value
        == "maybe"
    )
    world.do("vote_by_name", motion="m", votes={"r1": "yes"})
    assert (
        world.refuse("SR-19", "vote_by_name", motion="m", votes={"r1": "no"}).value
        == "r1"
    )
    assert world.refuse("SR-19", "vote_by_count", motion="m", yes=-1, no=2).value == -1
    assert world.refuse("SR-19", "vote_by_count", motion="m").value == 0
    assert world.refuse("SR-19", "vote_by_count", motion="m", yes=100).value == 100
    world.do("vote_by_count", motion="m", yes=60, no=39)
    motion = world.state.motions["m"]
    assert (motion.yes, motion.no, motion.abstain) == (61, 39, 0)


def test_sr17_credential_refusals() -> None:
    world = congress_world()
    fields: dict[str, Any] = {"congress": "c1", "faction": "red"}
    assert world.refuse("SR-17", "credential_delegates", count=0, **fields).value == 0
    assert (
        world.refuse(
            "SR-17", "credential_delegates", count=1, persons=["r3", "g1"], **fields
        ).value
        == 1
    )
    assert (
        world.refuse(
            "SR-17", "credential_delegates", count=1, persons=["r1"], **fields
        ).value
        == "r1"
    )
    assert (
        world.refuse("SR-17", "appoint_credentials_commission", congress="c1").value
        == "c1"
    )


def test_sr17_report_refusals() -> None:
    world = congress_world({"congress": {"vote_kinds": ["decisive"]}})
    assert world.refuse(
        "SR-17",
        "report_credentials",
        congress="c1",
        decisive={"red": 10},
        consultative={"green": 1},
    ).value == {"green": 1}
    assert (
        world.refuse(
            "SR-17", "report_credentials", congress="c1", decisive={"red": -1}
        ).value
        == -1
    )
    assert (
        world.refuse(
            "SR-17", "report_credentials", congress="c1", decisive={"red": 0}
        ).value
        == 0
    )


def test_sr19_walk_out_refusals() -> None:
    world = congress_world()
    fields: dict[str, Any] = {"congress": "c1", "faction": "blue"}
    assert world.refuse("SR-19", "record_walk_out", count=0, **fields).value == 0
    assert world.refuse("SR-19", "record_walk_out", count=11, **fields).value == 11
    assert (
        world.refuse(
            "SR-19", "record_walk_out", count=1, persons=["r1"], **fields
        ).value
        == "r1"
    )


@pytest.mark.parametrize(
    ("fields", "rule", "value"),
    [
        ({"body": "city"}, "SR-15", "city"),
        ({"congress": "c1"}, "SR-15", "c1"),
        ({"number": 1}, "SR-15", 1),
        ({"apportioned": -1}, "SR-16", -1),
    ],
)
def test_sr15_sr16_convocation_refusals(
    fields: dict[str, Any], rule: str, value: object
) -> None:
    world = congress_world()
    base: dict[str, Any] = {
        "congress": "c2",
        "body": "nat",
        "name": "Second",
        "number": 2,
        "convened_by": "ec0",
    }
    assert world.refuse(rule, "convene_congress", **{**base, **fields}).value == value


def test_sr15_a_closed_session_refuses_further_business() -> None:
    world = congress_world()
    world.do("close_congress", congress="c1")
    assert world.refuse("SR-15", "close_congress", congress="c1").value == "c1"
    assert (
        world.refuse(
            "SR-19", "record_walk_out", congress="c1", faction="red", count=1
        ).value
        == "c1"
    )
