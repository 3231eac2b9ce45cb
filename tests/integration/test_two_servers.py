"""Two ``sovet serve`` processes on one PostgreSQL schema stay one service
(issue 13, item 5).

Real servers (uvicorn on free ports of 127.0.0.1) over the web flows' world
(``tests/e2e/web/world.py``: poll ``e1``, deputy ``a`` with recall petition
``p1`` open, members ``v0``…``v4``, secretary ``sec``). Checked:

1. a write acknowledged by one server (the poll opened, a ballot, a petition
   signature) shows on the other's next read;
2. the recall that the third signature through server 1 brings about ends the
   deputy's session on server 2;
3. failed logins counted on server 1 throttle the same account on server 2;
4. concurrent casts of the same members on both servers: one ballot each;
5. ``sovet serve --workers 2`` serves reads and writes; on SQLite it is refused.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap
from tests.conftest import Postgres
from tests.e2e.web.world import PASSWORD, build_world

pytestmark = pytest.mark.postgres

SOVET = Path(sys.executable).with_name("sovet")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(db: str, *options: str) -> Iterator[str]:
    """``sovet serve`` on a free port (environment inherited); its base URL."""
    port = _free_port()
    server = subprocess.Popen(
        [str(SOVET), "serve", "--db", db, "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # start-up, at most about a minute
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(0.25)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=60)


@pytest.fixture
def world(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    """The world on a fresh schema; bearer headers of ``sec`` and ``v0``…``v4``."""
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with postgres.schema("sovet_two") as url:
        build_world(url)
        with bootstrap(url) as services:
            accounts = open_accounts(services)
            tokens = {
                "sec": accounts.issue_token("sec", ("read", "commands:write")),
                **{
                    f"v{i}": accounts.issue_token(
                        f"v{i}", ("read", "ballots:cast", "petitions:sign")
                    )
                    for i in range(5)
                },
            }
        yield url, {k: {"Authorization": f"Bearer {t}"} for k, t in tokens.items()}


def _login(base: str, name: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{base}/api/auth/login",
        json={"name": name, "password": password},
        timeout=30,
    )


def test_two_servers_on_one_postgres_are_one_service(
    world: tuple[str, dict[str, dict[str, str]]],
) -> None:
    url, who = world
    with ExitStack() as stack:
        one = stack.enter_context(serving(url))
        two = stack.enter_context(serving(url))

        # 1. acknowledged on one, visible on the other's next read
        opened = httpx.post(f"{one}/api/elections/e1/open", headers=who["sec"])
        assert opened.status_code == 200, opened.text
        assert httpx.get(f"{two}/api/elections/e1").json()["poll"] == "open"
        cast = httpx.post(
            f"{one}/api/elections/e1/ballots",
            json={"ranking": ["b", "a"]},
            headers=who["v0"],
        )
        assert cast.status_code == 201, cast.text
        assert httpx.get(f"{two}/api/elections/e1").json()["voted"] == 1

        # 2. the recall made through server 1 ends the deputy's session on 2
        deputy = httpx.Client(base_url=two)
        stack.callback(deputy.close)
        login = deputy.post(
            "/api/auth/login", json={"name": "a", "password": PASSWORD}, timeout=30
        )
        assert login.status_code == 200, login.text
        assert deputy.get("/api/auth/me").json()["name"] == "a"
        for i in range(3):
            signed = httpx.post(f"{one}/api/petitions/p1/sign", headers=who[f"v{i}"])
            assert signed.status_code == 200, signed.text
            seen = httpx.get(f"{two}/api/petitions/p1").json()
            assert seen["signatures"] == i + 1
        assert signed.json()["progress"]["status"] == "succeeded"
        assert deputy.get("/api/auth/me").status_code == 401

        # 3. failed logins on server 1 throttle the account on server 2
        for _ in range(5):
            assert _login(one, "v4", "a wrong password").status_code == 401
        refused = _login(two, "v4")
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) >= 1

        # 4. the same members cast on both servers at once: one ballot each
        answers: dict[str, list[int]] = {f"v{i}": [] for i in range(1, 5)}
        lock = threading.Lock()

        def cast_twice(base: str, voter: str) -> None:
            for _ in range(2):
                answer = httpx.post(
                    f"{base}/api/elections/e1/ballots",
                    json={"ranking": ["c"]},
                    headers=who[voter],
                    timeout=60,
                )
                with lock:
                    answers[voter].append(answer.status_code)

        threads = [
            threading.Thread(target=cast_twice, args=(base, voter))
            for voter in answers
            for base in (one, two)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for voter, codes in answers.items():
            assert sorted(codes) == [201, 409, 409, 409], (voter, codes)
        for base in (one, two):
            assert httpx.get(f"{base}/api/elections/e1").json()["voted"] == 5


def test_serve_with_two_workers_on_postgres(
    world: tuple[str, dict[str, dict[str, str]]],
) -> None:
    url, who = world
    with serving(url, "--workers", "2") as base:
        opened = httpx.post(f"{base}/api/elections/e2/open", headers=who["sec"])
        assert opened.status_code == 200, opened.text
        for i in range(5):
            cast = httpx.post(
                f"{base}/api/elections/e2/ballots",
                json={"marks": ["b"]},
                headers=who[f"v{i}"],
            )
            assert cast.status_code == 201, cast.text
            # whichever worker answers, it has caught up with the other's write
            assert httpx.get(f"{base}/api/elections/e2").json()["voted"] == i + 1


def test_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "one.db")
    env = {"SOVET_DB": db, **{k: v for k, v in os.environ.items() if k != "SOVET_DB"}}
    result = CliRunner().invoke(app, ["serve", "--workers", "2"], env=env)
    assert result.exit_code != 0
    assert "--workers" in result.output
    assert "PostgreSQL" in result.output
