"""Issue 10, finding 8: every file the store creates is private to its owner (0600).

The database, its ``-wal`` and ``-shm`` (and, in rollback mode, ``-journal``)
files, the checkpoint key and the pinned keys, created under the common umask
022 that would otherwise leave them readable by everyone (0644).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.presets.loader import load_preset
from sovet.services.bootstrap import bootstrap
from sovet.services.setup import adopt_constitution


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which plain ``open()`` makes files 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.usefixtures("umask_022")
def test_database_wal_shm_and_key_are_created_0600(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with bootstrap(str(db), create=True) as services:
        adopt_constitution(
            services.uow(), load_preset("rsfsr1918"), source="t", at="1917-10-25"
        )
        # while the engine's connections are open, the WAL and shm files exist
        found = {suffix: mode(f"{db}{suffix}") for suffix in ("", "-wal", "-shm")}
        found[".key"] = mode(f"{db}.key")
    assert found == {"": 0o600, "-wal": 0o600, "-shm": 0o600, ".key": 0o600}


@pytest.mark.usefixtures("umask_022")
def test_a_rollback_journal_beside_the_database_is_0600(tmp_path: Path) -> None:
    """SQLite gives the journal the database file's mode (checked, not assumed)."""
    db = tmp_path / "j.db"
    bootstrap(str(db), create=True).close()
    raw = sqlite3.connect(db, isolation_level=None)
    try:
        raw.execute("PRAGMA journal_mode=DELETE")
        raw.execute("PRAGMA locking_mode=EXCLUSIVE")  # the journal stays, to look at
        raw.execute("BEGIN")
        raw.execute("CREATE TABLE scratch (x)")
        raw.execute("INSERT INTO scratch VALUES (1)")
        raw.execute("COMMIT")
        raw.execute("PRAGMA journal_mode=PERSIST")
        raw.execute("BEGIN")
        raw.execute("INSERT INTO scratch VALUES (2)")
        raw.execute("COMMIT")
        assert mode(f"{db}-journal") == 0o600
    finally:
        raw.close()


@pytest.mark.usefixtures("umask_022")
def test_cli_init_and_import_make_private_files(tmp_path: Path) -> None:
    runner = CliRunner()
    db, copy, export = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "a.jsonl"
    for args in (
        ["init", "--preset", "rsfsr1918", "--at", "1917-10-25", "--db", str(db)],
        ["export", str(export), "--db", str(db)],
        ["import", str(export), "--db", str(copy)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    created = [db, Path(f"{db}.key"), copy, Path(f"{copy}.key")]
    created.append(Path(f"{copy}.key.pins"))
    assert {str(p.name): mode(p) for p in created} == {p.name: 0o600 for p in created}


@pytest.mark.usefixtures("umask_022")
def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    """Only creation is private by force: an operator's chosen mode stays."""
    db = tmp_path / "shared.db"
    bootstrap(str(db), create=True).close()
    db.chmod(0o640)
    bootstrap(str(db)).close()
    assert mode(db) == 0o640
