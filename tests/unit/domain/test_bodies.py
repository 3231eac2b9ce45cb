"""SR-2 and the registers: bodies on the constitution's levels, factions, persons."""

from __future__ import annotations

from tests.world import World


def test_sr2_bodies_sit_on_the_constitution_levels() -> None:
    world = World({"levels": ["local", "convention"]})
    refusal = world.refuse(
        "SR-2", "register_body", body="b", name="B", kind="council", level="national"
    )
    assert refusal.value == "national"
    world.do("register_body", body="b", name="B", kind="council", level="local")
    world.refuse(
        "SR-2", "register_body", body="b", name="B again", kind="council", level="local"
    )
    world.refuse(
        "SR-2", "register_body", body="c", name="C", kind="junta", level="local"
    )
    world.refuse(
        "SR-2",
        "register_body",
        body="c",
        name="C",
        kind="council",
        level="local",
        parent="nowhere",
    )


def test_sr32_no_factions_when_the_constitution_forbids_them() -> None:
    world = World({"centralism": {"factions_allowed": False}})
    world.refuse("SR-32", "register_faction", faction="f", name="F")


def test_persons_join_bodies_and_factions_that_exist() -> None:
    world = World()
    world.do(
        "register_body",
        body="cc",
        name="CC",
        kind="faction_leadership",
        level="national",
    )
    world.do("register_faction", faction="f", name="F", leadership="cc")
    world.do("register_person", person="p", name="P", faction="f", bodies=["cc"])
    assert world.state.bodies["cc"].members == {"p": "f"}
    world.refuse("SR-18", "register_person", person="q", name="Q", faction="nope")
    world.refuse("SR-4", "register_person", person="p", name="P again")


def test_sr6_council_composition_only_for_councils() -> None:
    world = World()
    world.do(
        "register_body",
        body="cc",
        name="CC",
        kind="faction_leadership",
        level="national",
    )
    world.do("register_faction", faction="f", name="F")
    world.refuse("SR-6", "record_council_composition", body="cc", composition={"f": 3})
    world.do("register_body", body="k", name="K", kind="council", level="village")
    world.do("record_council_composition", body="k", composition={"f": 3})
    assert world.state.bodies["k"].composition == {"f": 3}
