"""The services on PostgreSQL: the union example runs, verifies and round-trips.

Marked ``postgres``: it needs the server of ``SOVET_TEST_DATABASE_URL`` (default
``postgresql+psycopg://127.0.0.1:5432/test``) and uses a schema of its own.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import sign_head
from sovet.services.queries import legitimacy_at, verify_log
from sovet.services.scenario import apply_steps, read_scenario, steps_to_run
from sovet.services.transfer import export_log, import_log

pytestmark = pytest.mark.postgres

SERVER = os.environ.get(
    "SOVET_TEST_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/test"
)


@pytest.fixture
def schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    schema = f"sovet_services_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        if "SOVET_TEST_DATABASE_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {SERVER} does not answer: {error.orig}")
        pytest.skip(f"no PostgreSQL at {SERVER}")
    separator = "&" if "?" in SERVER else "?"
    try:
        yield f"{SERVER}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_union_example_on_postgres_then_exported_to_sqlite(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with bootstrap(schema_url, create=True) as services:
        scenario = read_scenario(preset_file("union", "scenario_example.toml"))
        steps = steps_to_run(scenario, services.uow(), cache=services.cache)
        applied = list(
            apply_steps(services.uow, steps, source="union", cache=services.cache)
        )
        assert sign_head(services.uow(), services.signer) is not None
        report = verify_log(services.uow(), services.verify_signature)
        assert report.events == sum(len(a.events) for a in applied)
        answer = legitimacy_at(services.uow(), "2025-07-01")
        assert answer["government"]["name"] == "Officers of the Union"
        out = io.StringIO()
        export_log(services.uow(), services.signer, out)

    with bootstrap(str(tmp_path / "copy.db"), create=True) as copy:
        imported = import_log(
            out.getvalue().splitlines(),
            copy.uow(),
            source="pg export",
            verify_signature=copy.verify_signature,
        )
        assert imported.head_hash == report.head_hash
        assert legitimacy_at(copy.uow(), "2025-07-01") == answer
