"""Issue 5 items 6, 7 and 13: replay digest, canonical encoding, durability.

6. Replay in a fresh process with another ``PYTHONHASHSEED`` gives a
   byte-identical state digest (``sovet.services.replay.state_digest``), equal
   to the digest of the projections written live.
7. Canonical encoding refuses floats, NaN, duplicate keys and invalid UTF-8 —
   in the store (nothing is written), in ``parse_canonical``, and in the
   independent verifier reading an export.
13. The start-up self-check refuses a database whose commits are not durable.
"""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.adapters.sql import engine as sql_engine
from sovet.cli.app import app
from sovet.errors import CanonicalEncodingError, StorageError
from sovet.ledger.canonical import canonical_json, parse_canonical
from sovet.ledger.envelope import NewEvent
from sovet.services.bootstrap import bootstrap
from sovet.services.replay import snapshot, state_digest
from tests.reliability.helpers import verifier

_DIGEST = (
    "import sys\n"
    "from sovet.services.bootstrap import bootstrap\n"
    "from sovet.services.replay import state_digest\n"
    "with bootstrap(sys.argv[1]) as services:\n"
    "    print(state_digest(services.uow()))\n"
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 1917 demo database (built once for the module)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _digest_in_fresh_process(db: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _DIGEST, str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_replay_digest_is_identical_across_processes_and_hash_seeds(
    demo_db: Path,
) -> None:
    first = _digest_in_fresh_process(demo_db, "1")
    second = _digest_in_fresh_process(demo_db, "4242")
    assert len(first) == 64
    assert first == second
    with bootstrap(str(demo_db)) as services:
        assert state_digest(services.uow()) == first
        with services.uow() as uow:
            live = hashlib.sha256(canonical_json(snapshot(uow.projections)))
    assert live.hexdigest() == first


@pytest.mark.parametrize(
    "payload",
    [{"share": 0.5}, {"share": math.nan}, {"share": math.inf}, {"bad": "\udc80"}],
    ids=["float", "nan", "infinity", "lone surrogate"],
)
def test_the_store_refuses_values_without_canonical_form(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    engine = make_engine(str(tmp_path / "c.db"))
    migrate(engine)
    with SqlUnitOfWork(engine) as uow, pytest.raises(CanonicalEncodingError):
        uow.events.append([NewEvent("s", "T", payload, "1918")])
    with SqlUnitOfWork(engine) as uow:
        assert uow.events.head()[0] == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a":1.5}', "not an integer"),
        (b'{"a":NaN}', "NaN"),
        (b'{"a":1,"a":2}', "duplicate"),
        (b'{"a":"\xff"}', "UTF-8"),
    ],
)
def test_parse_canonical_refuses(data: bytes, problem: str) -> None:
    with pytest.raises(CanonicalEncodingError, match=problem):
        parse_canonical(data)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b'{"format":"sovet-log/1","events":1.0}', "not an integer"),
        (b'{"format":"sovet-log/1","events":NaN}', "NaN is not JSON"),
        (b'{"format":"sovet-log/1","format":"x"}', "duplicate key"),
        (b'{"format":"sovet-log/1","k":"\xc3"}', "invalid UTF-8"),
    ],
)
def test_the_verifier_refuses_a_bad_export_line(
    tmp_path: Path, line: bytes, problem: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(line + b"\n")
    with pytest.raises(verifier().Failure, match=problem) as caught:
        verifier().verify(path, None, None)
    assert "line 1" in str(caught.value)


def _plain_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Durability off: rollback journal and synchronous=OFF."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=DELETE")
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def test_sqlite_without_durability_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "fragile.db"
    with bootstrap(str(db), create=True):
        pass  # durable: starts
    monkeypatch.setattr(sql_engine, "_sqlite_connect", _plain_sqlite)
    with pytest.raises(StorageError, match=r"not WAL|not FULL"):
        bootstrap(str(db))
    # a writing command (reading ones open read-only and commit nothing)
    result = CliRunner().invoke(app, ["checkpoint", "--db", str(db)])
    assert result.exit_code != 0
    assert "synchronous" in result.output or "WAL" in result.output
    assert "Traceback" not in result.output


def test_sqlite_wal_but_not_full_sync_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def normal_sync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    monkeypatch.setattr(sql_engine, "_sqlite_connect", normal_sync)
    with pytest.raises(StorageError, match="synchronous=1, not FULL"):
        bootstrap(str(tmp_path / "normal.db"), create=True)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "setting", ["synchronous_commit=off", "synchronous_commit=local"]
)
def test_postgres_without_synchronous_commit_is_refused(
    postgres_schema_url: str, setting: str
) -> None:
    with bootstrap(postgres_schema_url):
        pass  # the test server is durable: starts
    fragile = f"{postgres_schema_url}%20-c{setting.replace('=', '%3D')}"
    with pytest.raises(StorageError, match=setting):
        bootstrap(fragile)
