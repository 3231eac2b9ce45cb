"""Issue 5 items 8 and 14 over HTTP (the service-level versions are in
``tests/integration/test_ballots_postgres.py`` and ``tests/unit/services``).

8. One member sends 50 ballots at once to the API on uvicorn, round after
   round (a new member each round): exactly one is accepted (201), the others
   are refused with 409; one vote row, one ``VoteCast`` event, one ballot more
   per round; at close the count holds exactly one ballot per round.
14. A member of another council votes in this council's election: 403, nothing
   stored (log head, vote rows, ballots), and a ``refused`` security-log entry.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import text

from sovet.api.throttle import Limits
from sovet.server import create_app
from sovet.services.ballots import ballot_units, close_poll, election_view
from sovet.services.bootstrap import bootstrap
from tests.e2e.api.conftest import Api, make_api
from tests.reliability.crash_support import Town, free_port

VOTERS = 20


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    """The town with ``e1`` open and 20 voters with tokens (built once)."""
    return Town.build(str(tmp_path_factory.mktemp("town") / "town.db"), VOTERS)


def _post(base: str, token: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/elections/e1/ballots",
        data=json.dumps({"ranking": ["a", "b"]}).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _stored(db: str) -> tuple[int, int, int]:
    with bootstrap(db) as services, ballot_units(services)() as unit:
        conn = unit.connection()  # type: ignore[attr-defined]
        rows = [
            int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("votes_cast", "ballot_box")
        ]
        events = conn.execute(
            text("SELECT count(*) FROM events WHERE type = 'VoteCast'")
        ).scalar_one()
    return rows[0], rows[1], int(events)


@contextmanager
def _uvicorn(db: str) -> Iterator[str]:
    """The API on uvicorn on loopback (roomy limits: 1,000 requests a round
    trip through the per-address throttle otherwise); its base URL."""
    port = free_port()
    with bootstrap(db) as services:
        app = create_app(services, limits=Limits(requests_per_minute=100_000))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
        )
        thread = threading.Thread(target=server.run)
        thread.start()
        try:
            while not server.started:
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=60)


def _rounds(town: Town, tmp_path: Path, rounds: int) -> None:
    copy = town.copy(str(tmp_path / "race.db"))
    with _uvicorn(copy.db) as base:
        for number, token in enumerate(list(copy.tokens.values())[:rounds], 1):
            with ThreadPoolExecutor(max_workers=50) as pool:
                statuses = Counter(pool.map(_post, [base] * 50, [token] * 50))
            assert statuses == Counter({201: 1, 409: 49}), (number, statuses)
            assert _stored(copy.db) == (number, number, number)
    with bootstrap(copy.db) as services:
        close_poll(services, "e1", ("k1", "rep"))
        view = election_view(services, "e1")
    assert view["turnout"]["ballots_cast"] == rounds
    assert view["result"]["rounds"][0]["tallies"]["a"] == rounds


def test_fifty_parallel_ballots_by_one_member_five_rounds(
    town: Town, tmp_path: Path
) -> None:
    _rounds(town, tmp_path, 5)


@pytest.mark.slow
def test_fifty_parallel_ballots_by_one_member_twenty_rounds(
    town: Town, tmp_path: Path
) -> None:
    _rounds(town, tmp_path, 20)


@pytest.fixture
def api(town: Town, tmp_path: Path) -> Iterator[Api]:
    """The API (in process) over a copy of the town."""
    copy = town.copy(str(tmp_path / "api.db"))
    yield from make_api(copy.db, Limits(requests_per_minute=10_000))


def test_a_member_of_another_council_cannot_vote_here(api: Api) -> None:
    api.user("outsider", "member", "moscow", person="outsider")
    headers = api.token("outsider", "read", "ballots:cast")
    before = (api.head(), _stored(api.services.location))
    answer = api.client.post(
        "/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=headers
    )
    assert answer.status_code == 403, answer.text
    assert "error" in answer.json()
    assert (api.head(), _stored(api.services.location)) == before
    refused = [
        e
        for e in api.accounts.store.security_entries(20)
        if e["kind"] == "refused" and e["account"] == "outsider"
    ]
    assert refused, api.accounts.store.security_entries(20)
