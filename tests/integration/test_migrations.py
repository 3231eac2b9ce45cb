"""Alembic's migrations create exactly the schema of ``adapters/sql/schema.py``
and of the tables other modules add to its ``metadata`` (``accounts_schema.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, UniqueConstraint, inspect

import sovet.adapters.sql.accounts_schema  # noqa: F401  (its tables join metadata)
import sovet.adapters.sql.ballots_schema as _ballots  # noqa: F401  (tables join metadata)
import sovet.adapters.sql.steps_schema as _steps  # noqa: F401  (its table joins metadata)
from sovet.adapters.sql import make_engine, migrate
from sovet.adapters.sql.migrate import MIGRATIONS, alembic_config
from sovet.adapters.sql.schema import metadata

ACCOUNT_TABLES = {
    "accounts",
    "api_tokens",
    "role_bindings",
    "security_log",
    "web_sessions",
}


def _shape_of_metadata(meta: MetaData) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for table in meta.sorted_tables:
        shape[table.name] = {
            "columns": [(c.name, c.nullable) for c in table.columns],
            "primary_key": (
                table.primary_key.name,
                [c.name for c in table.primary_key.columns],
            ),
            "unique": sorted(
                (u.name, [c.name for c in u.columns])
                for u in table.constraints
                if isinstance(u, UniqueConstraint)
            ),
        }
    return shape


def _shape_of_database(engine: Engine) -> dict[str, Any]:
    found = inspect(engine)
    shape: dict[str, Any] = {}
    for name in sorted(found.get_table_names()):
        if name == "alembic_version":
            continue
        pk = found.get_pk_constraint(name)
        shape[name] = {
            "columns": [(c["name"], c["nullable"]) for c in found.get_columns(name)],
            "primary_key": (pk["name"], pk["constrained_columns"]),
            "unique": sorted(
                (u["name"], u["column_names"])
                for u in found.get_unique_constraints(name)
            ),
        }
    return shape


def _check(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)  # a second run is a no-op
    expected = _shape_of_metadata(metadata)
    got = _shape_of_database(engine)
    assert got == expected
    assert {"checkpoints", "events", "projections"} | ACCOUNT_TABLES <= set(got)
    assert got["events"]["unique"] == [
        ("uq_events_stream_version", ["stream_id", "version"])
    ]
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT version_num FROM alembic_version"
        ).all() == [(head,)]


def test_migration_files_ship_inside_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert (MIGRATIONS / "versions" / "0001_initial.py").is_file()
    assert (MIGRATIONS / "versions" / "0002_accounts.py").is_file()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(tmp_path / "fresh.db"))
    yield engine
    engine.dispose()


def test_sqlite_upgrade_creates_the_schema(sqlite_engine: Engine) -> None:
    _check(sqlite_engine)


@pytest.mark.postgres
def test_postgres_upgrade_creates_the_schema(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        _check(engine)
    finally:
        engine.dispose()


def test_sqlite_downgrade_to_the_initial_schema_and_back(sqlite_engine: Engine) -> None:
    migrate(sqlite_engine)
    config = alembic_config()
    with sqlite_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert sorted(inspect(sqlite_engine).get_table_names()) == [
        "alembic_version",
        "checkpoints",
        "events",
        "projections",
    ]
    _check(sqlite_engine)
