"""A kept checkpoint catches what a key holder can do unseen (issue 9, items 5 and 8).

An observer kept the checkpoint ``GET /api/checkpoints/latest`` gave (here: the
same JSON, ``checkpoints.checkpoint_json``) of the union example log. Then:

- the log grows honestly: ``sovet verify --against`` and
  ``tools/verify_export.py --against`` pass;
- its tail is deleted and the shorter head re-signed: plain ``sovet verify``
  still says ok (the attack the issue describes), ``--against`` fails naming the
  deleted tail, in sovet and in the stand-alone verifier;
- an old event is rewritten, the chain recomputed, the checkpoints deleted and
  the log re-signed with the same key: ``sovet verify --public-key K`` says ok,
  ``--against`` fails ("history rewritten"), in both;
- a kept checkpoint whose signature does not verify, or that lacks a key, is
  refused (exit 1, exit 2 naming the key).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.ledger.envelope import NewEvent
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import checkpoint_json, latest_checkpoint, sign_head
from tests.reliability.helpers import REPO, VERIFIER, events

runner = CliRunner()
UNION = REPO / "src" / "sovet" / "presets" / "union" / "scenario_example.toml"


@dataclass
class Kept:
    """A database and the checkpoint an observer kept of it."""

    db: str
    kept: Path
    size: int
    key: str
    folder: Path


@pytest.fixture
def kept(tmp_path: Path) -> Kept:
    db = str(tmp_path / "union.db")
    ran = runner.invoke(app, ["run", str(UNION), "--db", db])
    assert ran.exit_code == 0, ran.output
    with bootstrap(db) as services:
        record = latest_checkpoint(services.uow())
        assert record is not None
        key = services.signer.public_key_hex()
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(checkpoint_json(record)), encoding="utf-8")
    return Kept(db, path, record.checkpoint.size, key, tmp_path)


def _verify(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.output


def _standalone(k: Kept, *extra: str) -> subprocess.CompletedProcess[str]:
    export = k.folder / "export.jsonl"
    exported = runner.invoke(app, ["export", "--db", k.db, str(export)])
    assert exported.exit_code == 0, exported.output
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(export), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_honestly_grown_log_extends_the_kept_checkpoint(kept: Kept) -> None:
    with bootstrap(kept.db) as services:
        with services.uow() as uow:
            uow.events.append(events(7))
            uow.commit()
        assert sign_head(services.uow(), services.signer) is not None
    code, output = _verify("--db", kept.db, "--against", str(kept.kept))
    assert code == 0, output
    assert f"extends the checkpoint of {kept.size} events" in output
    alone = _standalone(kept, "--against", str(kept.kept), "--key", kept.key)
    assert alone.returncode == 0, alone.stderr
    assert f"extends the kept checkpoint of {kept.size} events" in alone.stdout


def test_a_deleted_tail_is_caught_only_with_a_kept_checkpoint(kept: Kept) -> None:
    with bootstrap(kept.db) as services:
        assert services.engine is not None
        with services.engine.begin() as conn:  # the last 3 events and their proof
            conn.execute(
                text("DELETE FROM events WHERE seq > :n"), {"n": kept.size - 3}
            )
            conn.execute(text("DELETE FROM checkpoints"))
        assert sign_head(services.uow(), services.signer) is not None  # re-signed
    code, output = _verify("--db", kept.db)
    assert code == 0, output  # unseen without a kept checkpoint
    code, output = _verify("--db", kept.db, "--against", str(kept.kept))
    assert code == 1, output
    assert "tail was deleted" in output
    assert _standalone(kept).returncode == 0
    alone = _standalone(kept, "--against", str(kept.kept))
    assert alone.returncode == 1
    assert "tail was deleted" in alone.stderr


def test_a_rewritten_resigned_history_is_caught_with_a_kept_checkpoint(
    kept: Kept,
) -> None:
    with bootstrap(kept.db) as services:
        assert services.engine is not None
        with services.uow() as uow:
            log = list(uow.events.read())
        forged = [NewEvent(e.stream_id, e.type, e.payload, e.recorded_at) for e in log]
        victim = forged[1]
        assert isinstance(victim.payload, dict)
        forged[1] = NewEvent(
            victim.stream_id,
            victim.type,
            {**victim.payload, "name": "Forged"} if "name" in victim.payload else {},
            victim.recorded_at,
        )
        assert forged[1].payload != log[1].payload
        with services.engine.begin() as conn:
            conn.execute(text("DELETE FROM checkpoints"))
            conn.execute(text("DELETE FROM events"))
        with services.uow() as uow:  # every hash recomputed
            uow.events.append(forged)
            uow.commit()
        assert sign_head(services.uow(), services.signer) is not None  # same key
    code, output = _verify("--db", kept.db, "--public-key", kept.key)
    assert code == 0, output  # the attack: "ok"
    code, output = _verify(
        "--db", kept.db, "--public-key", kept.key, "--against", str(kept.kept)
    )
    assert code == 1, output
    assert "history rewritten" in output
    assert _standalone(kept, "--key", kept.key).returncode == 0
    alone = _standalone(kept, "--key", kept.key, "--against", str(kept.kept))
    assert alone.returncode == 1
    assert "history rewritten" in alone.stderr


def test_a_bad_kept_checkpoint_is_refused(kept: Kept) -> None:
    shown = json.loads(kept.kept.read_text(encoding="utf-8"))
    forged = kept.folder / "forged.json"
    forged.write_text(json.dumps({**shown, "root": "ab" * 32}), encoding="utf-8")
    code, output = _verify("--db", kept.db, "--against", str(forged))
    assert code == 1, output
    assert "signature does not verify" in output
    alone = _standalone(kept, "--against", str(forged))
    assert alone.returncode == 1
    assert "signature does not verify" in alone.stderr
    keyless = kept.folder / "keyless.json"
    keyless.write_text(
        json.dumps({k: v for k, v in shown.items() if k != "signature"}),
        encoding="utf-8",
    )
    code, output = _verify("--db", kept.db, "--against", str(keyless))
    assert code == 2, output
    assert "'signature'" in output
    alone = _standalone(kept, "--against", str(keyless))
    assert alone.returncode == 1
    assert "no 'signature'" in alone.stderr
