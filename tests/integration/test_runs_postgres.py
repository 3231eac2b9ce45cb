"""Repeatable runs on PostgreSQL: the step records commit with their events.

Marked ``postgres`` (the server of the ``postgres`` fixture, a schema of its
own): the union example applied once, then again — every step skipped, the
log unchanged; a refused step leaves no record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap
from sovet.services.runs import SkippedStep, already_applied, run_steps, step_units
from sovet.services.scenario import StepRefused, read_scenario, steps_to_run
from tests.conftest import Postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema_url(postgres: Postgres) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    with postgres.schema("sovet_runs") as url:
        yield url


def test_a_rerun_on_postgres_skips_every_step(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    scenario = read_scenario(preset_file("union", "scenario_example.toml"))
    with bootstrap(schema_url, create=True) as services:
        units = step_units(services)
        steps = steps_to_run(scenario, services.uow(), cache=services.cache)
        applied = list(run_steps(units, steps, source="union", cache=services.cache))
        assert len(applied) == len(scenario.steps) + 1  # with the adoption
        with services.uow() as uow:
            head = uow.events.head()
        steps = steps_to_run(scenario, services.uow(), cache=services.cache)
        again = list(run_steps(units, steps, source="union", cache=services.cache))
        assert all(isinstance(item, SkippedStep) for item in again)
        last = head[0]
        assert [(s.first_seq, s.last_seq) for s in again][-1] == (last, last)  # type: ignore[union-attr]
        with services.uow() as uow:
            assert uow.events.head() == head


def test_a_refused_step_leaves_no_record_on_postgres(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    path = tmp_path / "twice.toml"
    path.write_text(
        'preset = "union"\n'
        + '[[step]]\ncommand = "register_faction"\nat = "2025-03-01"\n'
        'faction = "r"\nname = "Reform"\n' * 2,
        encoding="utf-8",
    )
    scenario = read_scenario(path)
    with bootstrap(schema_url, create=True) as services:
        units = step_units(services)
        steps = steps_to_run(scenario, services.uow(), cache=services.cache)
        with pytest.raises(StepRefused):
            list(run_steps(units, steps, source="twice", cache=services.cache))
        assert already_applied(units, scenario.steps) == {1: (2, 2)}
