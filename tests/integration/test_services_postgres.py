"""The services on PostgreSQL: the union example runs, verifies and round-trips.

Marked ``postgres``: it needs the server of the ``postgres`` fixture
(``SOVET_TEST_DATABASE_URL``, default ``postgresql+psycopg://127.0.0.1:5432/test``)
and uses a schema of its own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import sign_head
from sovet.services.queries import legitimacy_at, verify_log
from sovet.services.scenario import apply_steps, read_scenario, steps_to_run
from sovet.services.transfer import export_log, import_log
from tests.conftest import Postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema_url(postgres: Postgres) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    with postgres.schema("sovet_services") as url:
        yield url


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
