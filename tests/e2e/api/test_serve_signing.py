"""``sovet serve`` signs as it writes; a witness catches a rewrite (issue 9, item 8).

Real ``sovet serve`` processes (uvicorn on a free port of 127.0.0.1) over the
Petrograd town (``ballot_world.town_with_election``) with an open poll:

1. with ``--checkpoint-seconds 1``, ballots cast through the API are covered by
   a signed checkpoint (``GET /api/checkpoints/latest``, the database's key)
   within the interval; ``sovet witness`` keeps it, trusting the key on first
   use and saying so;
2. with an hour's interval, ballots cast just before the server is stopped
   are covered by the checkpoint it signs at shutdown;
3. the witness finds the grown log consistent with what it kept
   (``/api/checkpoints/consistency``);
4. the log is rewritten behind the server's back (an old event changed, every
   hash recomputed, the checkpoints deleted) and re-signed with the same key:
   ``sovet verify`` says ok, and the witness, against a server over the
   rewritten log (which took one more ballot and signed it), exits 1 naming
   the failed consistency proof.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from typer.testing import CliRunner

from sovet.adapters.signing import verify_ed25519
from sovet.cli.app import app
from sovet.ledger.checkpoint import CheckpointBody
from sovet.ledger.envelope import NewEvent
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import latest_checkpoint, sign_head
from tests.unit.services.ballot_world import town_with_election

runner = CliRunner()
PASSWORD = "a long enough password for the test"
SOVET = Path(sys.executable).with_name("sovet")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(db: str, *options: str) -> Iterator[tuple[str, list[str]]]:
    """``sovet serve`` on a free port; its base URL and (after exit) its output."""
    port = _free_port()
    server = subprocess.Popen(
        [str(SOVET), "serve", "--db", db, "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        for _ in range(240):  # start-up, at most about a minute
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(0.25)
        yield base, output
    finally:
        server.terminate()  # SIGTERM: uvicorn shuts down, the lifespan signs
        text_out, _ = server.communicate(timeout=60)
        output.append(text_out)


def _town(tmp_path: Path) -> tuple[str, dict[str, str], list[dict[str, str]], str]:
    db = str(tmp_path / "town.db")
    with bootstrap(db, create=True) as services:
        town_with_election(services, electors=8)
        accounts = open_accounts(services)
        accounts.create_account("sec", PASSWORD)
        accounts.grant("sec", "secretary", "petrograd")
        secretary = accounts.issue_token("sec", ("read", "commands:write"))
        voters = []
        for i in range(8):
            accounts.create_account(f"v{i}", PASSWORD, person=f"v{i}")
            accounts.grant(f"v{i}", "member", "petrograd")
            token = accounts.issue_token(f"v{i}", ("read", "ballots:cast"))
            voters.append({"Authorization": f"Bearer {token}"})
        key = services.signer.public_key_hex()
    return db, {"Authorization": f"Bearer {secretary}"}, voters, key


def _cast(base: str, voter: dict[str, str]) -> None:
    answer = httpx.post(
        f"{base}/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=voter
    )
    assert answer.status_code == 201, answer.text


def _head(db: str) -> int:
    with bootstrap(db) as services, services.uow() as uow:
        return uow.events.head()[0]


def _latest_or_none(base: str) -> dict[str, Any] | None:
    """The latest checkpoint, or None while there is none yet (404)."""
    answer = httpx.get(f"{base}/api/checkpoints/latest", timeout=5)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _latest(base: str) -> dict[str, Any]:
    answer = httpx.get(f"{base}/api/checkpoints/latest", timeout=5)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _witness(base: str, store: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["witness", base, "--store", str(store), *extra])
    return result.exit_code, result.output


def _rewrite(db: str) -> None:
    """Change an old event, recompute every hash, drop the checkpoints, re-sign."""
    with bootstrap(db) as services:
        assert services.engine is not None
        with services.uow() as uow:
            log = list(uow.events.read())
        forged = [NewEvent(e.stream_id, e.type, e.payload, e.recorded_at) for e in log]
        victim = forged[2]
        assert victim.payload["name"] == "Mensheviks"
        forged[2] = NewEvent(
            victim.stream_id,
            victim.type,
            {**victim.payload, "name": "Forged"},
            victim.recorded_at,
        )
        with services.engine.begin() as conn:
            conn.execute(text("DELETE FROM checkpoints"))
            conn.execute(text("DELETE FROM events"))
        with services.uow() as uow:
            uow.events.append(forged)
            uow.commit()
        assert sign_head(services.uow(), services.signer) is not None


def test_serve_signs_within_the_interval_and_at_shutdown_and_a_witness_sees_a_rewrite(
    tmp_path: Path,
) -> None:
    db, secretary, voters, key = _town(tmp_path)
    store = tmp_path / "witness"
    with serving(db, "--checkpoint-seconds", "1") as (base, output):
        opened = httpx.post(f"{base}/api/elections/e1/open", headers=secretary)
        assert opened.status_code == 200, opened.text
        for voter in voters[:3]:
            _cast(base, voter)
        written = time.monotonic()
        size = _head(db)
        latest: dict[str, Any] = {}
        while time.monotonic() - written < 60:  # the interval, on a loaded machine
            latest = _latest_or_none(base) or {}
            if latest.get("size") == size:
                break
            time.sleep(0.1)
        assert latest["size"] == size  # signed while serving, not only at shutdown
        assert latest["public_key"] == key
        body = CheckpointBody(
            latest["size"], latest["root"], latest["head"], latest.get("snapshot")
        )
        assert verify_ed25519(key, body.message(), bytes.fromhex(latest["signature"]))
        assert latest["appended_at"]
        code, said = _witness(base, store)
        assert code == 0, said
        assert "trust on first use" in said
        assert (store / f"checkpoint-{size}.json").is_file()
    assert "signing a checkpoint at least every 1000 events" in output[0]

    with serving(db, "--checkpoint-seconds", "3600") as (base, output):
        for voter in voters[3:5]:
            _cast(base, voter)
        assert _latest(base)["size"] == size  # the hour has not passed …
    with bootstrap(db) as services:
        record = latest_checkpoint(services.uow())
    assert record is not None
    assert record.checkpoint.size == _head(db) == size + 2  # … signed at shutdown

    with serving(db, "--checkpoint-seconds", "1") as (base, output):
        code, said = _witness(base, store, "--public-key", key)
        assert code == 0, said
        assert f"{size + 2} events extend the {size} kept" in said

    _rewrite(db)
    verified = runner.invoke(app, ["verify", "--db", db, "--public-key", key])
    assert verified.exit_code == 0, verified.output  # unseen without a witness
    with serving(db, "--checkpoint-seconds", "1") as (base, output):
        _cast(base, voters[5])
        deadline = time.monotonic() + 60  # the 1 s interval, on a loaded machine
        while (_latest_or_none(base) or {}).get("size") != size + 3 and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
        code, said = _witness(base, store)
    assert code == 1, said
    assert "consistency proof fails" in said
    assert "history rewritten" in said
