"""Scenarios: [[step]] tables applied one by one; the first refusal stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.errors import ScenarioError
from sovet.services.scenario import (
    StepRefused,
    apply_steps,
    read_scenario,
    steps_to_run,
)

GOOD = """\
# a tiny federation
[[step]]
command = "register_body"
at = "1917-10-25"
body = "petrograd"
name = "Petrograd Soviet"
kind = "council"
level = "gubernia"

[[step]]  # the congress
command = "register_body"
at = "1917-10-25"
body = "congress"
name = "All-Russian Congress"
kind = "congress"
level = "national"
"""

REFUSED = """\
[[step]]
command = "register_faction"
at = "1917-10-25"
faction = "b"
name = "Bolsheviks"

[[step]]
command = "register_body"
at = "1917-10-26"
body = "moscow"
name = "Moscow Soviet"
kind = "council"
level = "gubernia"
parent = "nowhere"

[[step]]
command = "register_faction"
at = "1917-10-27"
faction = "m"
name = "Mensheviks"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_steps_know_their_number_and_toml_line(tmp_path: Path) -> None:
    steps = read_scenario(_write(tmp_path, GOOD)).steps
    assert [(s.number, s.line, s.name) for s in steps] == [
        (1, 2, "register_body"),
        (2, 10, "register_body"),
    ]


def test_a_scenario_applies_step_by_step(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    database = InMemoryDatabase()
    applied = list(
        apply_steps(
            lambda: InMemoryUnitOfWork(database),
            read_scenario(path).steps,
            source=str(path),
        )
    )
    assert [len(a.events) for a in applied] == [1, 1]
    assert applied[1].events[0].seq == 2


def test_the_first_refused_step_stops_the_run_naming_step_line_and_rule(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, REFUSED)
    database = InMemoryDatabase()
    with pytest.raises(StepRefused) as info:
        list(
            apply_steps(
                lambda: InMemoryUnitOfWork(database),
                read_scenario(path).steps,
                source=str(path),
            )
        )
    error = info.value
    assert error.rule == "SR-2"
    assert error.step.number == 2
    assert error.step.line == 7
    assert "step 2" in str(error)
    assert f"{path}, line 7" in str(error)
    assert "nowhere" in str(error)
    uow = InMemoryUnitOfWork(database)
    with uow:
        # step 1 stays applied (its own unit); steps 2 and 3 wrote nothing
        assert [e.type for e in uow.events.read()] == ["FactionRegistered"]


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('[[step]]\ncommand = "register_body"\nat = "1917-10-25"\n', "body", 1),
        ('[[step]]\ncommand = "seize_power"\nat = "1917-10-25"\n', "command", 1),
        (
            '[[step]]\ncommand = "register_faction"\nat = "yesterday"\n'
            'faction = "x"\nname = "X"\n',
            "at",
            1,
        ),
        ("[[step]\ncommand = 1\n", None, 1),
        ('title = "x"\n', "step", None),
        ('[[steps]]\ncommand = "x"\n', "steps", None),
    ],
)
def test_malformed_scenarios_name_line_and_key(
    tmp_path: Path, text: str, key: str | None, line: int | None
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    assert info.value.source == str(path)
    assert info.value.key == key
    assert info.value.line == line


def test_a_missing_scenario_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        read_scenario(tmp_path / "nope.toml")


PRESET = """\
preset = "union"
title = "a union with one local"

[[step]]
command = "register_body"
at = "2024-01-02"
body = "local-1"
name = "Local 1"
kind = "council"
level = "local"
"""


def test_a_preset_scenario_adopts_its_constitution_on_an_empty_log(
    tmp_path: Path,
) -> None:
    scenario = read_scenario(_write(tmp_path, PRESET))
    assert scenario.preset == "union"
    database = InMemoryDatabase()
    steps = steps_to_run(scenario, InMemoryUnitOfWork(database))
    assert [s.number for s in steps] == [0, 1]
    assert steps[0].command.at == "2024-01-02"
    applied = list(apply_steps(lambda: InMemoryUnitOfWork(database), steps, source="x"))
    assert [a.events[0].type for a in applied] == [
        "ConstitutionAdopted",
        "BodyRegistered",
    ]
    # on a log that has the constitution, the steps run as they are
    assert steps_to_run(scenario, InMemoryUnitOfWork(database)) == scenario.steps


def test_a_scenario_for_another_preset_is_refused(tmp_path: Path) -> None:
    database = InMemoryDatabase()
    party = _write(tmp_path, PRESET.replace('"union"', '"party"', 1))
    steps = steps_to_run(read_scenario(party), InMemoryUnitOfWork(database))
    list(apply_steps(lambda: InMemoryUnitOfWork(database), steps[:1], source="x"))
    union = read_scenario(_write(tmp_path, PRESET))
    with pytest.raises(ScenarioError, match="governed by 'party'") as info:
        steps_to_run(union, InMemoryUnitOfWork(database))
    assert info.value.key == "preset"


def test_an_empty_log_needs_a_preset_or_an_adopted_constitution(
    tmp_path: Path,
) -> None:
    scenario = read_scenario(_write(tmp_path, GOOD))
    with pytest.raises(ScenarioError, match="no constitution yet") as info:
        steps_to_run(scenario, InMemoryUnitOfWork(InMemoryDatabase()))
    assert info.value.key == "preset"
