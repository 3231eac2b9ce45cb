"""Issue 9, items 6-8: verification reads and says who signed; keys with a life cycle.

- A keyless copy of a database verifies with ``--public-key`` and the read-only
  commands (verify, legitimacy, log, export, whatif) leave its folder's bytes
  and file list as they were: no key, no journal, no WAL file. A copy taken
  with its WAL (frames, no ``-shm``) is read in full, still without a write.
- Without any key, verify says "consistent, signer not authenticated" and
  exits with its own code (``EXIT_UNAUTHENTICATED``).
- ``sovet key show`` prints the key and its fingerprint (text and JSON).
- A rotation by the root key, after the signing key was lost, is followed by
  ``sovet verify`` (trusting the new key file, or the old key an observer
  pinned) and by ``tools/verify_export.py``.
- A forged rotation (signed by a key that is neither the old one nor the
  certified root) is refused by both; a writer holding a retired key, and a
  rotation that stopped half-way, are refused with what to do.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.adapters.signing import Ed25519Signer
from sovet.cli.app import app
from sovet.cli.edge import EXIT_UNAUTHENTICATED
from sovet.ledger.canonical import canonical_json
from sovet.ledger.checkpoint import checkpoint_body
from sovet.ledger.keyring import KeyRecord, KeyStatement
from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap
from tests.reliability.helpers import VERIFIER

ROGUE = Ed25519Signer.from_private_bytes(bytes(range(32)))
WHATIF = (
    '[[step]]\ncommand = "register_faction"\nat = "2025-12-01"\n'
    'faction = "what"\nname = "What If"\n'
)


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _ok(*args: str) -> str:
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def _folder(path: Path) -> dict[str, bytes]:
    """Every file of a folder, by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def _events(db: Path) -> int:
    """How many events the union example's database holds."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        found: int = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    return found


def _public_key(key_file: Path) -> str:
    shown = json.loads(
        _ok("key", "show", "--key-file", str(key_file), "--format", "json")
    )
    return str(shown["public_key"])


def _tool(export: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(export), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def union(tmp_path: Path) -> Path:
    """The union example, signed, in a folder of its own (database and key)."""
    db = tmp_path / "origin" / "union.db"
    db.parent.mkdir()
    _ok("run", str(preset_file("union", "scenario_example.toml")), "--db", str(db))
    return db


def _keyless_copy(db: Path, folder: Path) -> Path:
    folder.mkdir()
    copy = folder / db.name
    shutil.copy(db, copy)
    return copy


def test_a_keyless_copy_verifies_with_public_key_and_nothing_is_written(
    union: Path, tmp_path: Path
) -> None:
    key = _public_key(Path(f"{union}.key"))
    copy = _keyless_copy(union, tmp_path / "copy")
    scenario = tmp_path / "whatif.toml"
    scenario.write_text(WHATIF, encoding="utf-8")
    before = _folder(copy.parent)
    assert list(before) == ["union.db"]
    out = _ok("verify", "--db", str(copy), "--public-key", key)
    n = _events(union)
    assert out.startswith(f"ok {n} events (1 signed checkpoints verified)")
    assert f"trusted key {key} (the key given, --public-key)" in out
    assert f"signed by {key} (the key given)" in out
    _ok("legitimacy", "--db", str(copy), "--at", "2025-12-31", "--format", "json")
    _ok("log", "--db", str(copy), "--limit", "3")
    _ok("export", str(tmp_path / "out.jsonl"), "--db", str(copy))
    _ok("whatif", str(scenario), "--at", "2025-12-31", "--db", str(copy))
    assert _folder(copy.parent) == before  # same files, same bytes: no key, no WAL
    refused = _invoke(
        "verify", "--db", str(copy), "--public-key", ROGUE.public_key_hex()
    )
    assert refused.exit_code == 1
    assert "not by a pinned key" in refused.output
    assert _folder(copy.parent) == before


def test_without_any_key_verify_is_consistent_but_not_authenticated(
    union: Path, tmp_path: Path
) -> None:
    copy = _keyless_copy(union, tmp_path / "copy")
    before = _folder(copy.parent)
    result = _invoke("verify", "--db", str(copy))
    assert result.exit_code == EXIT_UNAUTHENTICATED == 3
    n = _events(union)
    assert result.output.startswith(f"consistent, signer not authenticated: {n} events")
    assert "no readable key file at" in result.output
    assert _folder(copy.parent) == before


def test_a_copy_taken_with_its_wal_is_read_in_full_without_a_write(
    union: Path, tmp_path: Path
) -> None:
    holder = sqlite3.connect(union)  # keeps the WAL from being folded back
    try:
        holder.execute("SELECT 1 FROM events").fetchall()
        _ok("checkpoint", "--db", str(union))  # nothing new: no frames yet
        init = tmp_path / "more.toml"
        init.write_text(WHATIF, encoding="utf-8")
        _ok("run", str(init), "--db", str(union))  # 1 event, signed: WAL frames
        assert Path(f"{union}-wal").stat().st_size > 0
        folder = tmp_path / "walcopy"
        folder.mkdir()
        n = _events(union)  # read while the writer holds the WAL open
        for suffix in ("", "-wal"):
            shutil.copy(f"{union}{suffix}", folder / f"union.db{suffix}")
    finally:
        holder.close()
    before = _folder(folder)
    key = _public_key(Path(f"{union}.key"))
    out = _ok("verify", "--db", str(folder / "union.db"), "--public-key", key)
    assert out.startswith(f"ok {n} events (2 signed checkpoints verified)")
    assert _folder(folder) == before


def test_key_show_prints_the_key_and_its_fingerprint(union: Path) -> None:
    key = _public_key(Path(f"{union}.key"))
    digest = hashlib.sha256(bytes.fromhex(key)).hexdigest()
    shown = json.loads(_ok("key", "show", "--db", str(union), "--format", "json"))
    assert shown == {"public_key": key, "fingerprint": digest}
    text = _ok("key", "show", "--db", str(union))
    assert f"public key:  {key}" in text
    assert f"fingerprint: {digest}" in text
    missing = _invoke("key", "show", "--key-file", str(union.parent / "none.key"))
    assert missing.exit_code == 2
    assert "cannot read the key" in missing.output


def test_a_rotation_by_the_root_key_is_followed_by_verify_and_the_verifier(
    tmp_path: Path,
) -> None:
    db, root = tmp_path / "union.db", tmp_path / "offline" / "root.key"
    root.parent.mkdir()
    _ok("init", "--preset", "union", "--at", "2024-01-01", "--db", str(db))
    _ok("checkpoint", "--db", str(db))  # event 1 signed by the first key
    old = _public_key(Path(f"{db}.key"))
    _ok("key", "init-root", "--out", str(root))
    refused = _invoke("key", "init-root", "--out", str(root))
    assert refused.exit_code == 2  # a key file is never overwritten
    _ok("key", "certify", "--root", str(root), "--db", str(db))
    Path(f"{db}.key").unlink()  # the signing key is lost
    out = _ok("key", "rotate", "--root", str(root), "--db", str(db), "--reason", "lost")
    new = _public_key(Path(f"{db}.key"))
    assert new != old
    assert f"{old} -> {new}, signed by the root key {_public_key(root)}" in out
    assert not Path(f"{db}.key.next").exists()
    union = preset_file("union", "scenario_example.toml")
    _ok("run", str(union), "--db", str(db))  # signed by the new key
    verified = _ok("verify", "--db", str(db))
    assert f"trusted key {new} (this database's key" in verified
    assert f"signed by {new} (this database's key)" in verified
    assert f"signed by {old} (the log's first key" in verified
    assert f"key {new}: rotated in at size 1, signed by the root key" in verified
    pinned_old = _ok("verify", "--db", str(db), "--public-key", old)  # an observer
    assert f"signed by {new} (rotated in at size 1" in pinned_old
    export = tmp_path / "log.jsonl"
    _ok("export", str(export), "--db", str(db))
    for key in (None, old, new):
        checked = _tool(export, *(("--key", key) if key else ()))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "1 key rotation(s) followed" in checked.stdout
    stranger = _tool(export, "--key", ROGUE.public_key_hex())
    assert stranger.returncode == 1
    fresh = tmp_path / "imported.db"
    imported = _ok("import", str(export), "--db", str(fresh), "--public-key", old)
    assert f"the log is signed by {new} now" in imported
    verified = _ok("verify", "--db", str(fresh), "--public-key", old)
    assert verified.startswith(f"ok {_events(fresh)} events")


def _forge_rotation(db: Path, *, by: Ed25519Signer) -> dict[str, Any]:
    """Append to the log's key records a rotation to ROGUE signed by ``by``
    (what someone with write access to the database could do)."""
    with bootstrap(str(db)) as services, services.uow() as uow:
        events = list(uow.events.read())
        current = services.signer.public_key_hex()
    statement = KeyStatement.rotation(
        checkpoint_body(events),
        old=current,
        new=ROGUE.public_key_hex(),
        signed_by=by.public_key_hex(),
        reason="forged",
    )
    record = KeyRecord.sign(statement, by, ROGUE)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO key_records VALUES "
            "((SELECT COALESCE(MAX(position), 0) + 1 FROM key_records), ?, ?, ?)",
            (
                canonical_json(statement.to_json()).decode(),
                record.signature,
                record.countersignature,
            ),
        )
    connection.close()
    return {"kind": "key", **record.to_json()}


@pytest.mark.parametrize("certified", [False, True])
def test_a_forged_rotation_is_refused_by_verify_and_the_verifier(
    union: Path, tmp_path: Path, certified: bool
) -> None:
    if certified:  # the log has a root; the forger is still not it
        root = tmp_path / "root.key"
        _ok("key", "init-root", "--out", str(root))
        _ok("key", "certify", "--root", str(root), "--db", str(union))
    export = tmp_path / "log.jsonl"
    _ok("export", str(export), "--db", str(union))
    forged = _forge_rotation(union, by=ROGUE)
    result = _invoke("verify", "--db", str(union))
    assert result.exit_code == 1
    assert "neither the old key" in result.output
    keyless = _keyless_copy(union, tmp_path / "copy")
    assert _invoke("verify", "--db", str(keyless)).exit_code == 1  # not even consistent
    with export.open("a", encoding="utf-8") as out:
        out.write(json.dumps(forged) + "\n")
    checked = _tool(export)
    assert checked.returncode == 1
    assert "neither the old key nor the log's root key" in checked.stderr
    assert _invoke("import", str(export), "--db", str(tmp_path / "x.db")).exit_code == 1


def test_a_writer_with_a_retired_key_is_refused(union: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.key"
    shutil.copy(f"{union}.key", backup)
    _ok("key", "rotate", "--db", str(union))
    shutil.copy(backup, f"{union}.key")  # an old backup restored by mistake
    result = _invoke("checkpoint", "--db", str(union))
    assert result.exit_code == 2
    assert "which was rotated away from" in result.output
    Path(f"{union}.key.next").write_bytes(b"left over")
    half = _invoke("key", "rotate", "--db", str(union))
    assert half.exit_code == 2
    assert "stopped half-way" in half.output
