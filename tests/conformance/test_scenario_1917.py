"""SR-28 conformance: the 1917 scenario (DESIGN §5) gives the three required answers.

The scenario runs from its TOML through ``command_from_mapping`` and ``decide``
into the tests' list log (``tests.world.World``) that links events with
``sovet.ledger.chain`` (seq and sha256 hashes as the real store computes them),
then ``evolve``.
"""

from __future__ import annotations

import pytest

from sovet.domain import (
    command_from_mapping,
    decide,
    evolve,
    fold,
)
from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import RuleViolation
from sovet.ledger.chain import verify
from tests.world import PRESET, World, load_preset, scenario_1917


@pytest.fixture(scope="module")
def log() -> World:
    return scenario_1917()


def test_the_log_verifies_and_replays_to_the_same_state(log: World) -> None:
    count, head = verify(log.events)
    assert count == len(log.events)
    assert head == log.events[-1].hash
    assert fold(log.events) == log.state


def test_on_18_nov_1917_the_second_congress_government_is_legitimate(
    log: World,
) -> None:
    answer = legitimacy(log.state, "1917-11-18").to_json()
    assert set(answer) == {
        "at",
        "government",
        "bloc",
        "approved_by",
        "ends_when",
        "proof",
        "warnings",
        "vacancies",
        "by_elections",
        "majority",
        "aggregate",
    }
    assert answer["aggregate"] is True  # the 1917 sources give counts, not names
    assert answer["vacancies"] == []
    assert answer["government"]["name"] == "Council of People's Commissars"
    assert answer["bloc"] == ["Bolsheviks"]
    approved = answer["approved_by"]
    assert approved["body"] == "Second All-Russian Congress of Soviets"
    assert approved["for"] is None
    assert approved["against"] is None
    assert approved["seated"] == 625
    assert any("no recorded count" in w for w in answer["warnings"])
    vacant = {
        o["office"] for o in answer["government"]["offices"] if o["person"] is None
    }
    assert vacant == {
        "Interior",
        "Agriculture",
        "Commerce and Industry",
        "Food",
        "Railways (temporarily vacant)",
    }
    for name in ("Rykov", "Milyutin", "Nogin", "Teodorovich"):
        assert any(name in w and "resignation" in w for w in answer["warnings"])
    assert len(answer["ends_when"]) == 4
    assert len(answer["proof"]) >= 5
    hashes = {e.seq: e.hash for e in log.events}
    for item in answer["proof"]:
        assert hashes[item["seq"]] == item["hash"]
    assert approved["event_seq"] in {p["seq"] for p in answer["proof"]}


def test_on_1_nov_1917_there_is_no_government_and_the_answer_says_why(
    log: World,
) -> None:
    answer = legitimacy(log.state, "1917-11-01").to_json()
    assert answer["government"] is None
    assert answer["approved_by"] is None
    assert any("no session" in w and "SR-1" in w for w in answer["warnings"])


def test_on_1_feb_1918_the_third_congress_confirmed_the_coalition(log: World) -> None:
    answer = legitimacy(log.state, "1918-02-01").to_json()
    assert answer["approved_by"]["body"] == "Third All-Russian Congress of Soviets"
    assert answer["bloc"] == ["Bolsheviks", "Left Socialist Revolutionaries"]
    holders = {o["person"]: o["faction"] for o in answer["government"]["offices"]}
    assert holders["A. L. Kolegaev"] == "Left Socialist Revolutionaries"
    assert holders["I. Z. Steinberg"] == "Left Socialist Revolutionaries"
    assert "Russian Soviet Republic" in answer["government"]["name"]


def test_between_convening_and_confirmation_the_old_mandate_has_ended(
    log: World,
) -> None:
    answer = legitimacy(log.state, "1918-01-23").to_json()
    assert answer["government"] is None
    assert any("SR-26" in w and "Third" in w for w in answer["warnings"])


def test_the_breaches_of_the_hold_are_recorded(log: World) -> None:
    breaches = {(b.person, b.rule) for b in log.state.breaches}
    assert breaches == {
        (p, "SR-29") for p in ("kamenev", "zinoviev", "rykov", "milyutin", "nogin")
    }


def test_the_third_congress_elected_a_cec_of_306(log: World) -> None:
    """SR-20: FACTS §8 gives 306; C18 art 28's cap of 200 binds from 10 Jul 1918."""
    vtsik = log.state.assemblies["vtsik-3"]
    assert vtsik.size == 306
    assert vtsik.seated["bolsheviks"] == 160
    assert vtsik.seated["left-srs"] == 125
    assert log.state.assemblies["vtsik-2"].closed_at == "1918-01-31"
    answer = legitimacy(log.state, "1918-02-01").to_json()
    assert any("third convocation" in end for end in answer["ends_when"])


def test_a_cec_of_306_after_c18_came_into_force_is_refused(log: World) -> None:
    """SR-20: the same committee elected after 10 Jul 1918 exceeds the cap."""
    step = {
        "command": "elect_executive_committee",
        "at": "1918-07-10",
        "executive": "vtsik-5",
        "congress": "congress-3",
        "name": "All-Russian Central Executive Committee (test)",
        "composition": dict(log.state.assemblies["vtsik-3"].seated),
    }
    state = log.state.copy()
    state.assemblies["congress-3"].closed_at = None
    with pytest.raises(RuleViolation) as refused:
        decide(state, command_from_mapping(step, source="test"))
    assert refused.value.rule == "SR-20"
    assert refused.value.value == 306


@pytest.fixture(scope="module")
def counterfactual(log: World) -> World:
    """DESIGN §5 step 9 on its own log: history, then the COUNTERFACTUAL file."""
    branch = World.bare()
    for stored in log.events:
        branch.events.append(stored)
        branch.versions[stored.stream_id] = stored.version
        evolve(branch.state, stored)
    steps = load_preset("scenario_1917_counterfactual.toml")["step"]
    for index, step in enumerate(steps, start=1):
        branch.record(
            command_from_mapping(step, source="counterfactual.toml", line=index)
        )
    return branch


def test_counterfactual_steps_are_all_labelled() -> None:
    text = (PRESET / "scenario_1917_counterfactual.toml").read_text(encoding="utf-8")
    blocks = text.split("[[step]]")[1:]
    assert blocks
    assert all("COUNTERFACTUAL" in block for block in blocks)


def test_counterfactual_recalls_cost_the_bloc_its_council_majority(
    counterfactual: World,
) -> None:
    answer = legitimacy(counterfactual.state, "1918-02-26").to_json()
    assert answer["approved_by"]["body"] == "Third All-Russian Congress of Soviets"
    lost = [w for w in answer["warnings"] if "lost its majority in the councils" in w]
    assert lost
    assert "third convocation" in lost[0]  # the VTsIK the Third Congress elected


def test_counterfactual_power_passes_by_the_next_congress_decision(
    counterfactual: World,
) -> None:
    assert legitimacy(counterfactual.state, "1918-03-14").government is None
    answer = legitimacy(counterfactual.state, "1918-03-15").to_json()
    assert answer["approved_by"]["body"] == (
        "Fourth All-Russian Congress of Soviets (COUNTERFACTUAL)"
    )
    assert answer["bloc"] == ["Mensheviks"]
    assert answer["approved_by"]["for"] == 520
    assert fold(counterfactual.events) == counterfactual.state
