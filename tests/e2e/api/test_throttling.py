"""Throttling as a security reviewer expects (issue 10, finding 4).

Before: five wrong passwords for ``admin`` from anywhere locked ``admin`` out
everywhere (429 for the right password too), X-Forwarded-For was believed from
127.0.0.1, buckets were never evicted, web pages were never throttled, and
every anonymous 401 wrote a row to the security log, kept for ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.api.throttle import Limits
from sovet.cli import serve_cmd
from sovet.cli.app import app as cli
from tests.e2e.api.conftest import PASSWORD, Api, copy_demo, make_api


@pytest.fixture
def tight(demo_template: Path, tmp_path: Path) -> Iterator[Api]:
    limits = Limits(requests_per_minute=6, login_failures=3, logged_refusals=2)
    yield from make_api(copy_demo(demo_template, tmp_path / "demo.db"), limits)


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(tight: Api) -> None:
    tight.user("admin", "administrator")
    attacker = TestClient(tight.client.app, client=("10.0.0.66", 1))
    wrong = {"name": "admin", "password": "not the password"}
    statuses = [
        attacker.post("/api/auth/login", json=wrong).status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    owner = TestClient(tight.client.app, client=("10.0.0.7", 1))
    right = owner.post("/api/auth/login", json={"name": "admin", "password": PASSWORD})
    assert right.status_code == 200, right.text


def test_web_pages_are_throttled_per_address(tight: Api) -> None:
    page = TestClient(tight.client.app, client=("10.0.0.9", 1))
    statuses = [page.get("/").status_code for _ in range(7)]
    assert statuses[:6] == [200] * 6
    assert statuses[6] == 429
    other = TestClient(tight.client.app, client=("10.0.0.10", 1))
    assert other.get("/").status_code == 200


def test_anonymous_refusals_do_not_flood_the_security_log(tight: Api) -> None:
    before = len(tight.accounts.store.security_entries(500))
    anonymous = TestClient(tight.client.app, client=("10.0.0.11", 1))
    for _ in range(5):
        anonymous.post("/api/auth/logout")
    after = len(tight.accounts.store.security_entries(500))
    assert after - before == 2


def test_the_security_log_keeps_its_retention(
    demo_template: Path, tmp_path: Path
) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    for api in make_api(db):
        old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
        api.accounts.store.log(old, "login_failed", "long ago", account="x")
        assert any(
            e["detail"] == "long ago" for e in api.accounts.store.security_entries()
        )
    for api in make_api(db):  # a new start prunes what is past its days
        assert not any(
            e["detail"] == "long ago" for e in api.accounts.store.security_entries()
        )


def test_forwarded_headers_are_believed_only_from_named_proxies(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(
        serve_cmd, "_run_uvicorn", lambda _app, **kw: seen.append(kw), raising=False
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["serve", "--db", db]).exit_code == 0
    assert seen[-1]["proxy_headers"] is False
    assert (
        runner.invoke(
            cli, ["serve", "--db", db, "--forwarded-allow-ips", "10.1.1.1"]
        ).exit_code
        == 0
    )
    assert seen[-1]["proxy_headers"] is True
    assert seen[-1]["forwarded_allow_ips"] == "10.1.1.1"
