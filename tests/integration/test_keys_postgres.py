"""Issue 9, item 6 on PostgreSQL: the private key is configured, never found.

A command that writes (and so signs) on PostgreSQL without ``SOVET_KEY_FILE``
or ``--key-file`` is refused with a message naming them, and leaves no
``sovet.key`` in the folder it ran from (it used to create one there). With a
key configured it runs; ``sovet verify`` then reads only — its connections run
``READ ONLY`` — trusts the configured key file or ``--public-key``, and without
either says the log is consistent but its signer not authenticated (exit 3).

Marked ``postgres``: it needs the server of the ``postgres`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.cli.edge import EXIT_UNAUTHENTICATED
from sovet.presets.loader import preset_file
from sovet.services.bootstrap import open_read_only
from sovet.services.scenario import read_scenario
from tests.conftest import Postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema_url(postgres: Postgres) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    with postgres.schema("sovet_keys") as url:
        yield url


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_postgres_needs_a_configured_key_and_verify_only_reads(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOVET_KEY_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    scenario = str(preset_file("union", "scenario_example.toml"))
    refused = _invoke("run", scenario, "--db", schema_url)
    assert refused.exit_code == 2
    assert "SOVET_KEY_FILE or give --key-file" in refused.output
    assert list(tmp_path.iterdir()) == []  # no ./sovet.key, nothing else
    key = tmp_path / "keys" / "pg.key"
    key.parent.mkdir()
    done = _invoke("run", scenario, "--db", schema_url, "--key-file", str(key))
    assert done.exit_code == 0, done.output
    public = _invoke("key", "show", "--key-file", str(key), "--format", "json")
    own = public.output.split('"public_key": "')[1][:64]
    keyless = _invoke("verify", "--db", schema_url)
    assert keyless.exit_code == EXIT_UNAUTHENTICATED
    assert "consistent, signer not authenticated" in keyless.output
    given = _invoke("verify", "--db", schema_url, "--public-key", own)
    assert given.exit_code == 0, given.output
    assert f"trusted key {own} (the key given" in given.output
    monkeypatch.setenv("SOVET_KEY_FILE", str(key))
    configured = _invoke("verify", "--db", schema_url)
    assert configured.exit_code == 0, configured.output
    assert (
        f"trusted key {own} (this database's key, key file {key})" in configured.output
    )
    with open_read_only(schema_url) as services:
        with services.uow() as uow:
            steps = read_scenario(preset_file("union", "scenario_example.toml")).steps
            acts = [e for e in uow.events.read() if e.command is not None]
            assert len(acts) == len(steps) + 1  # with the adoption
        assert services.engine is not None
        with services.engine.connect() as connection:
            read_only = connection.execute(text("SHOW transaction_read_only"))
            assert read_only.scalar() == "on"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]
