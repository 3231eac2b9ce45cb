"""Issue 5 item 20: schemathesis against ``/api/openapi.json`` — zero 5xx.

Every operation of the published OpenAPI schema is exercised with generated
requests for a fixed budget, once anonymously and once with an administrator's
bearer token (so the commands and the account routes are reached), over a copy
of the 1917 demo database. Any 5xx (or an exception escaping the app) fails the
test, with the request as a curl command. Budget: ``SOVET_FUZZ_EXAMPLES``
examples per run, drawn over all operations (default 200, with a fixed seed);
the ``slow`` run draws 3,000 at random, as administrator.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Err
from typer.testing import CliRunner

from sovet.api.throttle import Limits
from sovet.cli.app import app as cli
from sovet.server import create_app
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap
from tests.e2e.api.conftest import PASSWORD, copy_demo

EXAMPLES = int(os.environ.get("SOVET_FUZZ_EXAMPLES", "200"))
_GENEROUS = Limits(requests_per_minute=10**6, login_failures=10**6, refusals=10**6)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """The API over a demo copy, and an administrator's bearer token."""
    folder = tmp_path_factory.mktemp("fuzz")
    made = CliRunner().invoke(cli, ["demo", "--db", str(folder / "template.db")])
    assert made.exit_code == 0, made.output
    db = copy_demo(folder / "template.db", folder / "demo.db")
    with bootstrap(db) as services:
        accounts = open_accounts(services)
        accounts.create_account("fuzz-admin", PASSWORD)
        accounts.grant("fuzz-admin", "administrator", None)
        token = accounts.issue_token("fuzz-admin", ("read", "commands:write", "admin"))
        yield create_app(services, limits=_GENEROUS), token


def _fuzz(
    app: FastAPI, headers: dict[str, str], examples: int, *, fixed: bool = True
) -> int:
    """Every operation for ``examples`` generated requests; how many operations."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            pytest.fail(
                f"the published schema has an invalid operation: {result.err()}"
            )
        operations.append(result.ok())

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=fixed,
        database=None,
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations), label="operation")
        case = data.draw(operation.as_strategy(), label="case")
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{response.status_code} for {case.as_curl_command(headers=headers)}:\n"
            f"{response.text[:500]}"
        )

    run()
    return len(operations)


def test_no_5xx_anonymous(fuzz_db: tuple[FastAPI, str]) -> None:
    assert _fuzz(fuzz_db[0], {}, EXAMPLES) >= 10


def test_no_5xx_as_administrator(fuzz_db: tuple[FastAPI, str]) -> None:
    assert _fuzz(fuzz_db[0], {"Authorization": f"Bearer {fuzz_db[1]}"}, EXAMPLES) >= 10


def test_the_schema_covers_the_api(fuzz_db: tuple[FastAPI, str]) -> None:
    paths = fuzz_db[0].openapi()["paths"]
    assert "/api/legitimacy" in paths
    assert any(path.startswith("/api/auth/") for path in paths)


@pytest.mark.slow
def test_no_5xx_random_long_run(fuzz_db: tuple[FastAPI, str]) -> None:
    headers = {"Authorization": f"Bearer {fuzz_db[1]}"}
    assert _fuzz(fuzz_db[0], headers, 3000, fixed=False) >= 10
