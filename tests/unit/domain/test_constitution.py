"""The constitution tree: defaults, round trip, refusals naming key, value, reason."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from importlib import resources

import pytest

from sovet.domain.kernel.constitution import EXPIRY_EVENTS_1918, Constitution
from sovet.errors import ConstitutionError


def test_defaults_are_the_1918_ones() -> None:
    c = Constitution()
    assert c.franchise.min_age == 18
    assert c.executive.ec_size_max == 200
    assert c.congress.quorum_share == Fraction(1, 2)
    assert c.expiry.expiry_events == EXPIRY_EVENTS_1918
    assert c.holds.breach_effect == "record"


def test_to_mapping_round_trips_without_floats() -> None:
    plain = Constitution().to_mapping()
    assert Constitution.from_mapping(plain, "x") == Constitution()
    assert plain["congress"]["quorum_share"] == "1/2"


def test_the_rsfsr1918_preset_loads() -> None:
    text = (
        resources.files("sovet.presets") / "rsfsr1918" / "constitution.toml"
    ).read_text(encoding="utf-8")
    c = Constitution.from_mapping(tomllib.loads(text), "rsfsr1918")
    assert c.name == "rsfsr1918"
    assert c.government.allow_unrecorded_tally is True
    assert c.congress.quorum_basis == "seated"
    assert not c.binds("executive.ec_size_max", "1918-01-31")  # SR-20, C18 art 28
    assert c.binds("executive.ec_size_max", "1918-07-10T12:00")
    assert c.binds("recall.recall_mode", "1917-11-07")  # undated: always


@pytest.mark.parametrize(
    ("data", "key", "fragment"),
    [
        ({"congress": {"bogus": 1}}, "congress.bogus", "unknown key"),
        ({"bogus": {}}, "bogus", "unknown key"),
        ({"franchise": {"min_age": "18"}}, "franchise.min_age", "integer"),
        ({"congress": {"quorum_share": 0.5}}, "congress.quorum_share", "fraction"),
        ({"congress": {"quorum_share": "3/2"}}, "congress.quorum_share", "maximum"),
        ({"holds": {"breach_effect": "shoot"}}, "holds.breach_effect", "not allowed"),
        ({"expiry": {"expiry_events": ["coup"]}}, "expiry.expiry_events", "'coup'"),
        ({"executive": {"ec_size_max": 0}}, "executive.ec_size_max", "minimum"),
        (
            {"demands": {"demands_binding": True}},
            "demands.demands_binding",
            "not allowed",
        ),
        ({"levels": []}, "levels", "at least one level"),
        (
            {"recall": {"recall_anytime": False}},
            "recall.recall_anytime",
            "recall_cooldown_days",
        ),
        ({"in_force": {"recall.recall_mode": "1918-07-10"}}, "in_force", "'recall"),
        (
            {"in_force": {"executive.ec_size_max": "19180710"}},
            "in_force.executive.ec_size_max",
            "ISO date",
        ),
    ],
)
def test_bad_values_are_refused_naming_the_key(
    data: dict[str, object], key: str, fragment: str
) -> None:
    with pytest.raises(ConstitutionError) as refused:
        Constitution.from_mapping(data, "mine.toml")
    assert refused.value.key == key
    assert refused.value.source == "mine.toml"
    assert fragment in str(refused.value)


def test_adopting_a_bad_constitution_is_refused_naming_the_key() -> None:
    from tests.world import World

    world = World()
    refusal = world.refuse(
        "SR-2",
        "adopt_constitution",
        preset="mine",
        constitution={"holds": {"breach_effect": "exile"}},
    )
    assert refusal.value == "holds.breach_effect"
    assert world.state.constitution.holds.breach_effect == "record"
