"""The same API on PostgreSQL: accounts, login, CSRF, commands and refusals.

Marked ``postgres``: the server of the ``postgres`` fixture
(``SOVET_TEST_DATABASE_URL``, default ``postgresql+psycopg://127.0.0.1:5432/test``),
a fresh schema of its own per test (``Postgres.schema`` in ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovet.presets.loader import preset_file
from sovet.server import create_app
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import Services, bootstrap
from sovet.services.scenario import apply_steps, read_scenario, steps_to_run
from tests.conftest import Postgres

pytestmark = pytest.mark.postgres

PASSWORD = "a long enough password"


@pytest.fixture
def pg_services(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """Services on a fresh PostgreSQL schema holding the union example."""
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with (
        postgres.schema("sovet_api") as url,
        bootstrap(url, create=True) as services,
    ):
        scenario = read_scenario(preset_file("union", "scenario_example.toml"))
        steps = steps_to_run(scenario, services.uow(), cache=services.cache)
        list(apply_steps(services.uow, steps, source="union", cache=services.cache))
        yield services


def _head(services: Services) -> tuple[int, str]:
    with services.uow() as uow:
        return uow.events.head()


def test_the_api_on_postgres(pg_services: Services) -> None:
    accounts = open_accounts(pg_services)
    accounts.create_account("root", PASSWORD)
    accounts.grant("root", "administrator")
    client = TestClient(create_app(pg_services))

    legit = client.get("/api/legitimacy?at=2025-07-01").json()
    assert legit["government"]["name"] == "Officers of the Union"
    assert client.get("/api/verify").json()["events"] == _head(pg_services)[0]

    login = client.post("/api/auth/login", json={"name": "root", "password": PASSWORD})
    assert login.status_code == 200
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    body = {"at": "2025-12-01", "faction": "caucus", "name": "Reform Caucus"}
    path = "/api/bodies/commands/register_faction"

    before = _head(pg_services)
    assert client.post(path, json=body).status_code == 403  # no CSRF token
    assert client.post(path, json={**body, "extra": 1}, headers=csrf).status_code == 422
    assert _head(pg_services) == before

    done = client.post(path, json=body, headers=csrf)
    assert done.status_code == 200, done.text
    again = client.post(path, json=body, headers=csrf)
    assert again.status_code == 409
    assert again.json()["error"]["rule"].startswith("SR-")
    assert _head(pg_services)[0] == before[0] + 1

    made = client.post(
        "/api/accounts",
        json={"name": "clerk", "password": PASSWORD, "role": "auditor"},
        headers=csrf,
    )
    assert made.status_code == 201, made.text
    entries = accounts.store.security_entries()
    assert any(e["kind"] == "refused" for e in entries)
