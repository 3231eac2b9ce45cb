"""Issue 5 item 11: ``kill -9`` of the server, at random points of a voting loop.

Each run: a town with a secret poll open and 30 voters with bearer tokens; a
real ``sovet serve`` on SQLite; four clients cast ballots and the server gets
SIGKILL after a random number of acknowledged ballots (plus a random few
milliseconds), with the other clients' requests in flight. Then: every
acknowledged ballot (201) is stored, nothing unacknowledged is half there (a
vote row without its ``VoteCast`` event or its ballot), the log verifies and the
stored projections equal a replay; a restarted server takes the remaining
voters and the poll closes with a count of all of them. Three runs in the
default suite, twenty in the ``slow`` one. The PostgreSQL kill is in
``test_crash_postgres.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sovet.services.ballots import close_poll, election_view
from sovet.services.bootstrap import bootstrap
from tests.reliability.crash_support import (
    RANKINGS,
    Server,
    Town,
    cast,
    check_after_crash,
    vote_until_killed,
)

VOTERS = 30


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Town:
    """The town, built once (accounts hash passwords with argon2: slow)."""
    return Town.build(str(tmp_path_factory.mktemp("town") / "town.db"), VOTERS)


def _run(template: Town, tmp_path: Path, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    town = template.copy(str(tmp_path / "town.db"))
    server = Server(town.db)
    acknowledged = vote_until_killed(server.base, town, server.kill, rng)
    server.kill()
    stored = check_after_crash(town.db, acknowledged)
    assert stored >= len(acknowledged)
    before = (len(acknowledged), stored)
    again = Server(town.db)  # restart: the rest vote; those stored are refused
    try:
        for voter, token in town.tokens.items():
            receipt = cast(again.base, token, RANKINGS[int(voter[1:]) % 4])
            if receipt is not None:
                acknowledged[voter] = receipt
    finally:
        again.kill()
    assert check_after_crash(town.db, acknowledged) == VOTERS
    with bootstrap(town.db) as services:
        close_poll(services, "e1", ("k1", "rep"))
        assert election_view(services, "e1")["turnout"]["ballots_cast"] == VOTERS
    return before


@pytest.mark.parametrize("seed", range(3))
def test_server_killed_while_voting(template: Town, tmp_path: Path, seed: int) -> None:
    _run(template, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 120))
def test_server_killed_while_voting_20_runs(
    template: Town, tmp_path: Path, seed: int
) -> None:
    _run(template, tmp_path, seed)
