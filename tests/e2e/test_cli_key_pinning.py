"""Checkpoint key pinning: a log re-signed with another key does not verify.

``sovet verify`` trusts this database's key (``<db>.key``), the keys pinned when
the log was imported, or the ``--public-key`` an observer gives; ``sovet
import`` refuses checkpoints signed by a key its header does not declare, and
prints the keys it pins.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.adapters.signing import Ed25519Signer
from sovet.cli.app import app
from sovet.ledger.checkpoint import checkpoint_body, sign_checkpoint
from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap, key_path
from sovet.services.checkpoints import sign_head
from sovet.services.queries import pins_path

ROGUE = Ed25519Signer.from_private_bytes(bytes(range(32)))


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A small signed database (the union preset's example)."""
    path = tmp_path / "union.db"
    scenario = preset_file("union", "scenario_example.toml")
    result = _invoke("run", str(scenario), "--db", str(path))
    assert result.exit_code == 0, result.output
    return path


def _own_key(db: Path) -> str:
    with bootstrap(str(db)) as services:
        return services.signer.public_key_hex()


def _resign(db: Path) -> None:
    """What a rewriter with write access but not the key does: re-sign."""
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM checkpoints")
    with bootstrap(str(db)) as services:
        assert sign_head(services.uow(), ROGUE) is not None


def test_verify_names_this_databases_key(db: Path) -> None:
    result = _invoke("verify", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"signed by {_own_key(db)} (this database's key)" in result.output


def test_a_log_re_signed_with_another_key_fails_verify(db: Path) -> None:
    _resign(db)
    result = _invoke("verify", "--db", str(db))
    assert result.exit_code == 1
    assert ROGUE.public_key_hex() in result.output
    assert "not by a pinned key" in result.output


def test_an_observer_pins_the_key_they_trust(db: Path) -> None:
    own = _own_key(db)
    assert _invoke("verify", "--db", str(db), "--public-key", own).exit_code == 0
    rogue = ROGUE.public_key_hex()
    refused = _invoke("verify", "--db", str(db), "--public-key", rogue)
    assert refused.exit_code == 1
    assert own in refused.output
    _resign(db)
    assert _invoke("verify", "--db", str(db), "--public-key", own).exit_code == 1
    trusted = _invoke("verify", "--db", str(db), "--public-key", rogue.upper())
    assert trusted.exit_code == 0, trusted.output
    assert "(the key given)" in trusted.output


def test_a_malformed_public_key_is_a_clean_error(db: Path) -> None:
    result = _invoke("verify", "--db", str(db), "--public-key", "abc")
    assert result.exit_code == 2
    assert "64 hex digits" in result.output


def test_import_pins_the_exporters_key_and_verify_accepts_it(
    db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(db)).exit_code == 0
    own = _own_key(db)
    fresh = tmp_path / "fresh.db"
    result = _invoke("import", str(export), "--db", str(fresh))
    assert result.exit_code == 0, result.output
    assert f"checkpoints signed by {own} (pinned)" in result.output
    assert pins_path(key_path(str(fresh))).read_text(encoding="ascii") == own + "\n"
    verified = _invoke("verify", "--db", str(fresh))
    assert verified.exit_code == 0, verified.output
    assert f"signed by {own} (pinned at import)" in verified.output
    again = tmp_path / "again.jsonl"  # a re-export declares the origin's key
    assert _invoke("export", str(again), "--db", str(fresh)).exit_code == 0
    header = json.loads(again.read_text(encoding="utf-8").splitlines()[0])
    assert header["signers"] == [own]
    assert header["public_key"] == own  # the one signer, not the re-exporter's key
    third = tmp_path / "third.db"
    assert _invoke("import", str(again), "--db", str(third)).exit_code == 0
    tool = Path(__file__).parents[2] / "tools" / "verify_export.py"
    checked = subprocess.run(
        [sys.executable, str(tool), str(again), "--key", own],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_import_refuses_a_checkpoint_by_an_undeclared_key(
    db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(db)).exit_code == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    events = [r for r in rows[1:] if r["kind"] == "event"]
    from sovet.ledger.envelope import StoredEvent

    stored = [
        StoredEvent(**{k: v for k, v in r.items() if k != "kind"}) for r in events
    ]
    forged = sign_checkpoint(checkpoint_body(stored), ROGUE)
    row = {
        "kind": "checkpoint",
        **{k: getattr(forged, k) for k in rows[-1] if k != "kind"},
    }
    export.write_text(
        "\n".join([*lines[:-1], json.dumps(row)]) + "\n", encoding="utf-8"
    )
    fresh = tmp_path / "fresh.db"
    result = _invoke("import", str(export), "--db", str(fresh))
    assert result.exit_code == 1
    assert ROGUE.public_key_hex() in result.output
    assert not fresh.exists()


def test_import_with_a_pinned_key_refuses_another(db: Path, tmp_path: Path) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(db)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    rogue = ROGUE.public_key_hex()
    refused = _invoke("import", str(export), "--db", str(fresh), "--public-key", rogue)
    assert refused.exit_code == 1
    assert not fresh.exists()
    own = _own_key(db)
    result = _invoke("import", str(export), "--db", str(fresh), "--public-key", own)
    assert result.exit_code == 0, result.output
