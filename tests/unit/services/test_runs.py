"""Scenario runs people can repeat (issue 12, item 7), over in-memory stores.

A step is recognised by the hash of its command's content; a re-run skips the
steps a database recorded and applies the rest; a step's record and its events
commit together (a refused step leaves neither); the n-th copy of a command in
a file matches its n-th record; a dry run reads and never writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet.adapters.memory_steps import InMemoryStepUnitOfWork
from sovet.services.bootstrap import Services, in_memory
from sovet.services.runs import (
    SkippedStep,
    already_applied,
    dry_run,
    run_steps,
    step_digest,
    step_units,
)
from sovet.services.scenario import (
    AppliedStep,
    Step,
    StepRefused,
    read_scenario,
    steps_to_run,
)

HEAD = 'preset = "union"\n'
FACTION = """
[[step]]
command = "register_faction"
at = "2025-03-0{day}"
faction = "{faction}"
name = "{name}"
"""


def _scenario(
    tmp_path: Path, *steps: tuple[int, str, str], name: str = "s.toml"
) -> Path:
    text = HEAD + "".join(
        FACTION.format(day=day, faction=faction, name=title)
        for day, faction, title in steps
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(services: Services, path: Path) -> list[AppliedStep | SkippedStep]:
    parsed = read_scenario(path)
    steps = steps_to_run(parsed, services.uow(), cache=services.cache)
    return list(
        run_steps(step_units(services), steps, source=str(path), cache=services.cache)
    )


def _head(services: Services) -> int:
    with services.uow() as uow:
        return uow.events.head()[0]


def test_the_digest_is_the_content_not_the_spelling(tmp_path: Path) -> None:
    one = tmp_path / "one.toml"
    one.write_text(
        '[[step]]\ncommand = "register_faction"\nat = "2025-03-01"\n'
        'faction = "r"\nname = "Reform"\n',
        encoding="utf-8",
    )
    two = tmp_path / "two.toml"
    two.write_text(
        '# the same step, spelled otherwise\n[[step]]\nname = "Reform"  # a name\n'
        'faction = \'r\'\ncommand = "register_faction"\nat = "2025-03-01"\n',
        encoding="utf-8",
    )
    three = _scenario(tmp_path, (1, "r", "Reform Caucus"), name="three.toml")
    digest = [step_digest(read_scenario(p).steps[0]) for p in (one, two, three)]
    assert digest[0] == digest[1]
    assert digest[0] != digest[2]
    assert len(digest[0]) == 64


def test_a_rerun_skips_every_step_and_writes_nothing(tmp_path: Path) -> None:
    services = in_memory()
    path = _scenario(tmp_path, (1, "r", "Reform"), (2, "u", "Unity"))
    first = _run(services, path)
    assert [type(item) for item in first] == [AppliedStep] * 3  # adoption + 2
    head = _head(services)
    again = _run(services, path)
    assert all(isinstance(item, SkippedStep) for item in again)
    assert [(s.step.number, s.first_seq, s.last_seq) for s in again] == [  # type: ignore[union-attr]
        (1, 2, 2),
        (2, 3, 3),
    ]
    assert _head(services) == head


def test_a_fixed_refused_step_is_applied_after_the_applied_ones(tmp_path: Path) -> None:
    services = in_memory()
    bad = _scenario(tmp_path, (1, "r", "Reform"), (2, "u", "Unity"), (3, "r", "Again"))
    with pytest.raises(StepRefused) as refused:
        _run(services, bad)
    assert refused.value.step.number == 3
    assert _head(services) == 3  # adoption, steps 1 and 2
    fixed = _scenario(tmp_path, (1, "r", "Reform"), (2, "u", "Unity"), (3, "x", "Left"))
    items = _run(services, fixed)
    assert [type(item).__name__ for item in items] == [
        "SkippedStep",
        "SkippedStep",
        "AppliedStep",
    ]
    assert [e.seq for e in items[2].events] == [4]  # type: ignore[union-attr]


def test_a_refused_step_leaves_no_record(tmp_path: Path) -> None:
    services = in_memory()
    path = _scenario(tmp_path, (1, "r", "Reform"), (2, "r", "Reform again"))
    with pytest.raises(StepRefused):
        _run(services, path)
    steps = read_scenario(path).steps
    done = already_applied(step_units(services), steps)
    assert done == {1: (2, 2)}


def test_the_nth_copy_of_a_command_matches_its_nth_record(tmp_path: Path) -> None:
    services = in_memory()
    twice = _scenario(tmp_path, (1, "r", "Reform"), (1, "r", "Reform"))
    path_steps: list[Step] = read_scenario(twice).steps
    units = step_units(services)
    digest = step_digest(path_steps[0])
    assert digest == step_digest(path_steps[1])
    unit = units()
    with unit:
        unit.steps.record(digest)
        unit.commit()
    assert already_applied(units, path_steps) == {1: (1, 0)}  # it appended none
    unit = units()
    with unit:
        unit.steps.record(digest)
        unit.commit()
    assert set(already_applied(units, path_steps)) == {1, 2}


def test_a_rolled_back_unit_records_nothing() -> None:
    services = in_memory()
    unit = step_units(services)()
    assert isinstance(unit, InMemoryStepUnitOfWork)
    with unit:
        unit.steps.record("ab" * 32)
    assert unit.steps.applied("ab" * 32) == []


def test_a_dry_run_shows_the_seqs_and_writes_nothing(tmp_path: Path) -> None:
    services = in_memory()
    path = _scenario(tmp_path, (1, "r", "Reform"))
    _run(services, path)
    more = _scenario(tmp_path, (1, "r", "Reform"), (2, "u", "Unity"), name="more.toml")
    items = list(dry_run(services, read_scenario(more)))
    assert isinstance(items[0], SkippedStep)
    assert isinstance(items[1], AppliedStep)
    assert [e.seq for e in items[1].events] == [3]
    assert _head(services) == 2
    assert already_applied(step_units(services), read_scenario(more).steps) == {
        1: (2, 2)
    }


def test_a_dry_run_on_no_database_starts_from_an_empty_log(tmp_path: Path) -> None:
    path = _scenario(tmp_path, (1, "r", "Reform"))
    items = list(dry_run(None, read_scenario(path)))
    assert [item.step.number for item in items] == [0, 1]  # the preset adopted first


def test_a_dry_run_stops_at_the_step_that_would_be_refused(tmp_path: Path) -> None:
    path = _scenario(tmp_path, (1, "r", "Reform"), (2, "r", "Twice"))
    with pytest.raises(StepRefused) as refused:
        list(dry_run(None, read_scenario(path)))
    assert refused.value.step.number == 2
