"""Issue 13: ``sovet verify --deep`` and ``sovet checkpoint`` on snapshots, end to end.

The demo's signing takes a snapshot (a v2 checkpoint); ``verify --deep``
refolds the log and finds it equal; an edited snapshot fails it (exit 1,
naming the snapshot) while answers stay right; ``sovet checkpoint`` rebuilds
it and ``verify --deep`` passes again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from sovet.cli.app import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_verify_deep_catches_an_edited_snapshot_and_checkpoint_rebuilds_it(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "demo.db")
    assert _run("demo", "--db", db)[0] == 0
    code, said = _run("verify", "--db", db, "--deep")
    assert code == 0, said
    assert "1 snapshot(s) equal the fold" in said
    code, before = _run(
        "legitimacy", "--db", db, "--at", "1917-11-18", "--format", "json"
    )
    assert code == 0, before
    with sqlite3.connect(db) as connection:
        (size, data) = connection.execute("SELECT size, data FROM snapshots").fetchone()
        edited = bytearray(data)
        edited[len(edited) // 3] ^= 0x55
        connection.execute("UPDATE snapshots SET data = ?", (bytes(edited),))
    code, said = _run("verify", "--db", db, "--deep")
    assert code == 1, said
    assert f"snapshot at {size} events does not give the SHA-256" in " ".join(
        said.split()
    )
    code, after = _run(
        "legitimacy", "--db", db, "--at", "1917-11-18", "--format", "json"
    )
    assert code == 0, after
    assert json.loads(after) == json.loads(before)  # folded the log instead
    code, said = _run("checkpoint", "--db", db)
    assert code == 0, said
    code, said = _run("verify", "--db", db, "--deep")
    assert code == 0, said
    assert f"the snapshot at {size} events and the events after it" in " ".join(
        said.split()
    )


def test_a_server_answers_its_first_question_from_the_snapshot(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from sovet.server import create_app
    from sovet.services.bootstrap import bootstrap
    from sovet.services.snapshotting import SnapshotLoader

    db = str(tmp_path / "demo.db")
    assert _run("demo", "--db", db)[0] == 0
    code, expected = _run(
        "legitimacy", "--db", db, "--at", "1917-11-18", "--format", "json"
    )
    assert code == 0, expected
    with sqlite3.connect(db) as connection:
        (size,) = connection.execute("SELECT size FROM snapshots").fetchone()
    with bootstrap(db) as services, TestClient(create_app(services)) as client:
        answer = client.get("/api/legitimacy?at=1917-11-18")
        assert answer.status_code == 200, answer.text
        assert answer.json() == json.loads(expected)
        loader = services.cache.cold
        assert isinstance(loader, SnapshotLoader)
        assert loader.loaded == size
