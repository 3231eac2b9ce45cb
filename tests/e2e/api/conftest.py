"""The API over a copy of the 1917 demo database (``sovet demo``), per test.

``api`` gives a ``TestClient`` and a helper that makes accounts with roles,
logs them in (cookie session + CSRF) or issues them bearer tokens.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.api.throttle import Limits
from sovet.cli.app import app as cli
from sovet.server import create_app
from sovet.services.accounts import Accounts, open_accounts
from sovet.services.bootstrap import Services, bootstrap

PASSWORD = "a long enough password"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 1917 demo database, built once."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def copy_demo(template: Path, target: Path) -> str:
    """A fresh copy of the demo database (and its key) at ``target``."""
    shutil.copy(template, target)
    shutil.copy(f"{template}.key", f"{target}.key")
    return str(target)


@dataclass
class Api:
    """A test client over one database, and ways to act as a role."""

    services: Services
    limits: Limits
    accounts: Accounts
    client: TestClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = TestClient(create_app(self.services, limits=self.limits))

    def user(
        self, name: str, role: str, body: str | None = None, person: str | None = None
    ) -> str:
        """Create an account ``name`` holding ``role`` (in ``body``)."""
        self.accounts.create_account(name, PASSWORD, person=person)
        self.accounts.grant(name, role, body)
        return name

    def token(self, name: str, *scopes: str) -> dict[str, str]:
        """Authorization headers with a new bearer token of ``name``."""
        issued = self.accounts.issue_token(name, scopes or ("read", "commands:write"))
        return {"Authorization": f"Bearer {issued}"}

    def login(self, name: str, client: TestClient | None = None) -> dict[str, str]:
        """Log ``name`` in on ``client`` (cookies); the CSRF header to send."""
        answer = (client or self.client).post(
            "/api/auth/login", json={"name": name, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"X-CSRF-Token": answer.json()["csrf_token"]}

    def head(self) -> tuple[int, str]:
        """The log's head ``(seq, hash)``."""
        with self.services.uow() as uow:
            return uow.events.head()


def make_api(db: str, limits: Limits | None = None) -> Iterator[Api]:
    """An ``Api`` over database ``db`` (closed afterwards)."""
    services = bootstrap(db)
    try:
        yield Api(services, limits or Limits(), open_accounts(services))
    finally:
        services.close()


@pytest.fixture
def api(demo_template: Path, tmp_path: Path) -> Iterator[Api]:
    """The API over a fresh copy of the demo database."""
    yield from make_api(copy_demo(demo_template, tmp_path / "demo.db"))
