"""All or nothing on SQLite: a refused command leaves the file byte-for-byte as it was.

The database file is compared after checkpointing its WAL into the main file
(``PRAGMA wal_checkpoint(TRUNCATE)``), and every table is compared as a dump.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from sovet.domain import Constitution
from sovet.errors import RuleViolation, ScenarioError
from sovet.presets.loader import load_preset
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import sign_head
from sovet.services.scenario import StepRefused, apply_steps, read_scenario
from sovet.services.setup import adopt_constitution


def _union_by_counts() -> Constitution:
    """The union preset with seats recorded as counts (``chain.aggregate``), so a
    council's composition can be recorded as numbers."""
    union = load_preset("union")
    return replace(union, chain=replace(union.chain, aggregate=True))


GOOD = """\
[[step]]
command = "register_body"
at = "2024-01-02"
body = "convention"
name = "Convention"
kind = "congress"
level = "convention"

[[step]]
command = "register_body"
at = "2024-01-02"
body = "local-1"
name = "Local 1"
kind = "council"
level = "local"
parent = "convention"

[[step]]
command = "register_faction"
at = "2024-01-03"
faction = "reds"
name = "Reds"

[[step]]
command = "record_council_composition"
at = "2024-01-04"
body = "local-1"
composition = { reds = 5 }
"""

REFUSALS = {
    "unknown body (SR-2)": """\
[[step]]
command = "record_council_composition"
at = "2024-02-01"
body = "local-9"
composition = { reds = 5 }
""",
    "duplicate faction (SR-18)": """\
[[step]]
command = "register_faction"
at = "2024-02-01"
faction = "reds"
name = "Reds again"
""",
    "act out of time order (SR-28)": """\
[[step]]
command = "register_faction"
at = "2023-12-31"
faction = "blues"
name = "Blues"
""",
    "refused after an accepted step": """\
[[step]]
command = "register_faction"
at = "2024-02-01"
faction = "greens"
name = "Greens"

[[step]]
command = "register_body"
at = "2024-02-02"
body = "local-2"
name = "Local 2"
kind = "council"
level = "region"
""",
}


def _file_state(db: Path) -> tuple[bytes, list[str]]:
    connection = sqlite3.connect(db)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = list(connection.iterdump())
    finally:
        connection.close()
    return db.read_bytes(), dump


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite database with the union preset and a small federation."""
    path = tmp_path / "sovet.db"
    services = bootstrap(str(path), create=True)
    adopt_constitution(
        services.uow(), _union_by_counts(), source="union", at="2024-01-01"
    )
    scenario = tmp_path / "good.toml"
    scenario.write_text(GOOD, encoding="utf-8")
    list(apply_steps(services.uow, read_scenario(scenario).steps, source="good"))
    sign_head(services.uow(), services.signer)
    return path


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_refused_step_leaves_the_sqlite_file_as_it_was(
    db: Path, tmp_path: Path, name: str
) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(REFUSALS[name], encoding="utf-8")
    steps = read_scenario(scenario).steps
    services = bootstrap(str(db))
    if len(steps) > 1:
        # the accepted first step is its own unit: apply it, then snapshot
        list(apply_steps(services.uow, steps[:1], source="bad"))
    before = _file_state(db)
    with pytest.raises(StepRefused) as info:
        list(apply_steps(services.uow, steps[-1:], source="bad"))
    assert isinstance(info.value.violation, RuleViolation)
    assert info.value.rule.startswith("SR-")
    assert _file_state(db) == before


def test_a_malformed_scenario_touches_nothing(db: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text('[[step]]\ncommand = "register_faction"\n', encoding="utf-8")
    before = _file_state(db)
    with pytest.raises(ScenarioError, match="missing key 'at'"):
        read_scenario(scenario)
    bootstrap(str(db))
    assert _file_state(db) == before
