"""Commands and events: registries, plain-data round trips, refusals naming the key."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from sovet.domain import (
    COMMANDS,
    EVENTS,
    command_from_mapping,
    command_to_mapping,
    event_from_stored,
)
from sovet.domain.kernel.registry import has_decider, has_evolver
from sovet.errors import ScenarioError
from sovet.ledger.canonical import canonical_json
from tests.world import government_world

SCENARIO = resources.files("sovet.presets") / "rsfsr1918" / "scenario_1917.toml"


def test_every_command_has_a_decider_and_every_event_an_evolver() -> None:
    assert [n for n, c in COMMANDS.items() if not has_decider(c)] == []
    assert [n for n, e in EVENTS.items() if not has_evolver(e)] == []


def test_scenario_commands_round_trip_through_plain_data() -> None:
    steps = tomllib.loads(SCENARIO.read_text(encoding="utf-8"))["step"]
    assert len(steps) > 50
    for index, step in enumerate(steps, start=1):
        cmd = command_from_mapping(step, source="s", line=index)
        again = command_from_mapping(command_to_mapping(cmd), source="s", line=index)
        assert again == cmd


def test_stored_events_rebuild_and_payloads_are_canonical() -> None:
    world = government_world()
    for stored in world.events:
        rebuilt = event_from_stored(stored)
        assert rebuilt.to_payload() == stored.payload
        assert rebuilt.stream_id == stored.stream_id
        canonical_json(stored.payload)  # raises on floats or bad values


@pytest.mark.parametrize(
    ("step", "key", "fragment"),
    [
        ({"command": "seize_power", "at": "1917-11-07"}, "command", "unknown command"),
        (
            {"command": "register_faction", "at": "1917-11-07", "name": "X"},
            "faction",
            "missing key",
        ),
        (
            {
                "command": "register_faction",
                "at": "1917-11-07",
                "faction": "x",
                "name": "X",
                "colour": "red",
            },
            "colour",
            "unknown key",
        ),
        (
            {
                "command": "register_body",
                "at": "1917-11-07",
                "body": "b",
                "name": "B",
                "kind": "council",
                "level": "national",
                "population": "many",
            },
            "population",
            "integer",
        ),
        (
            {
                "command": "submit_government_list",
                "at": "1917-11-07",
                "government": "g",
                "name": "G",
                "assembly": "c",
                "nominated_by": "r",
                "offices": [{"office": "x", "holder": "y"}],
            },
            "offices[0].holder",
            "unknown key",
        ),
        (
            {"command": "close_congress", "at": "7 Nov 1917", "congress": "c"},
            "at",
            "ISO 8601",
        ),
    ],
)
def test_bad_steps_are_refused_naming_the_key(
    step: dict[str, object], key: str, fragment: str
) -> None:
    with pytest.raises(ScenarioError) as refused:
        command_from_mapping(step, source="file.toml", line=7)
    assert refused.value.key == key
    assert refused.value.line == 7
    assert fragment in str(refused.value)


def test_acts_must_come_in_time_order() -> None:
    """SR-28: legitimacy at T reads a prefix of the log, so time never runs back."""
    world = government_world()
    refusal = world.refuse(
        "SR-28", "register_faction", at="1917-10-01", faction="late", name="Late"
    )
    assert refusal.value == "1917-10-01"
