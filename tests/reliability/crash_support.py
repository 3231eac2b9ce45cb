"""Support for the crash tests (issue 5 item 11): a real server, a voting loop, kills.

``Town`` prepares a database with a secret poll open and a bearer token per
voter. ``Server`` runs ``sovet serve`` in its own process. ``vote_until_killed``
casts ballots from a few client threads while a timer kills a process with
SIGKILL at a random moment; it returns the acknowledged receipts (answers 201).
``check_after_crash`` reopens the database and checks the invariants: every
acknowledged ballot is there, nothing is half there, the log verifies, and the
stored projections equal a replay.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import text

from sovet.services.accounts import open_accounts
from sovet.services.ballots import ballot_units, open_poll
from sovet.services.bootstrap import bootstrap
from sovet.services.queries import verify_log
from sovet.services.replay import replayed_projections, snapshot
from tests.unit.services.ballot_world import town_with_election

RANKINGS = [["a"], ["b", "c"], ["c", "b", "a"], ["a", "c"]]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Town:
    """A database with election ``e1`` open and one token per voter."""

    db: str
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, db: str, voters: int) -> Town:
        """Electors ``v0``… of ``putilov``, their member accounts, the poll open."""
        town = cls(db)
        with bootstrap(db, create=True) as services:
            town_with_election(services, electors=voters)
            accounts = open_accounts(services)
            for i in range(voters):
                name = f"v{i}"
                accounts.create_account(name, "a long enough password", person=name)
                accounts.grant(name, "member", "petrograd")
                town.tokens[name] = accounts.issue_token(name, ("read", "ballots:cast"))
            open_poll(services, "e1", at="1917-11-05")
        return town

    def copy(self, db: str) -> Town:
        """The same town in a copy of its database (and key) at ``db``."""
        for suffix in ("", ".key"):
            shutil.copy(f"{self.db}{suffix}", f"{db}{suffix}")
        return Town(db, dict(self.tokens))


class Server:
    """``sovet serve`` in a child process (its own process group)."""

    def __init__(self, db: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Its log goes to a file, never a pipe nobody reads while it runs: once
        # the database dies, every refused request logs, a full pipe would block
        # the server's writes and every request would hang until its timeout.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from sovet.cli.app import main; main()",
                "serve",
                "--db",
                db,
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                error = self.log.read()
                self.log.close()
                raise RuntimeError(f"sovet serve exited: {error.decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/openapi.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("sovet serve did not answer within 60 s")

    def kill(self) -> None:
        """SIGKILL, no goodbye; wait until it is gone."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()


def cast(base: str, token: str, ranking: list[str]) -> str | None:
    """POST a ballot; the receipt when acknowledged (201), else ``None``."""
    request = urllib.request.Request(
        f"{base}/api/elections/e1/ballots",
        data=json.dumps({"ranking": ranking}).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            if answer.status == 201:
                receipt: str = json.loads(answer.read())["receipt"]
                return receipt
    except (OSError, http.client.HTTPException, ValueError):
        return None  # refused, or the connection died (IncompleteRead …)
    return None


def vote_until_killed(
    base: str,
    town: Town,
    kill: Callable[[], None],
    rng: random.Random,
    *,
    threads: int = 4,
) -> dict[str, str]:
    """Cast every voter's ballot from ``threads`` clients; ``kill`` fires after a
    random number of acknowledged ballots plus a random few milliseconds, while
    the other clients' requests are in flight. Acknowledged: voter → receipt."""
    voters = list(town.tokens)
    rng.shuffle(voters)
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    queue = iter(voters)
    kill_after = rng.randint(1, len(voters) - threads - 1)
    delay = rng.uniform(0, 0.03)

    def fire() -> None:
        time.sleep(delay)
        kill()

    fired: list[threading.Thread] = []

    def client() -> None:
        while True:
            with lock:
                voter = next(queue, None)
            if voter is None:
                return
            receipt = cast(base, town.tokens[voter], RANKINGS[int(voter[1:]) % 4])
            if receipt is None:
                continue
            with lock:
                acknowledged[voter] = receipt
                if len(acknowledged) == kill_after:
                    fired.append(threading.Thread(target=fire))
                    fired[0].start()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    for thread in fired:  # the kill has fully happened before anyone looks
        thread.join(timeout=120)
    return acknowledged


def check_after_crash(db: str, acknowledged: dict[str, str]) -> int:
    """The invariants after a crash; the number of ballots stored."""
    with bootstrap(db) as services:
        report = verify_log(services.uow(), services.verify_signature)
        with services.uow() as uow:
            live = snapshot(uow.projections)
            events = list(uow.events.read())
        assert replayed_projections(services.uow()) == live, "state != replay"
        logged = [e.payload["member"] for e in events if e.type == "VoteCast"]
        with ballot_units(services)() as unit:
            conn = unit.connection()  # type: ignore[attr-defined]
            rows = conn.execute(
                text("SELECT member_id FROM votes_cast WHERE election_id = 'e1'")
            ).all()
            receipts = {
                r[0]
                for r in conn.execute(
                    text("SELECT receipt FROM ballot_box WHERE election_id = 'e1'")
                )
            }
    voted = [r[0] for r in rows]
    assert report.events == len(events)
    assert sorted(voted) == sorted(logged), "a vote row without its event, or not"
    assert len(logged) == len(set(logged)), "a member voted twice"
    assert len(receipts) == len(voted), "a ballot without its vote row, or not"
    missing = {v for v in acknowledged if v not in voted}
    assert not missing, f"acknowledged but lost: {sorted(missing)}"
    lost = {v: r for v, r in acknowledged.items() if r not in receipts}
    assert not lost, f"acknowledged receipts not in the box: {lost}"
    return len(voted)
