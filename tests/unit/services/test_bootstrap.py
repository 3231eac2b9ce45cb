"""The composition root: --db / SOVET_DB, the key beside the database, fresh demos."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sovet.config import DEFAULT_DB, Settings
from sovet.errors import InputError
from sovet.services.bootstrap import (
    bootstrap,
    in_memory,
    is_url,
    key_path,
    remove_database,
)


def test_settings_read_sovet_db(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOVET_DB", raising=False)
    assert Settings().db == DEFAULT_DB
    monkeypatch.setenv("SOVET_DB", "postgresql://127.0.0.1/x")
    assert Settings().db == "postgresql://127.0.0.1/x"


def test_sqlite_keeps_its_private_key_beside_it(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    services = bootstrap(str(db), create=True)
    key = key_path(str(db))
    assert key == tmp_path / "a.db.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = bootstrap(str(db))
    assert again.signer.public_key_hex() == services.signer.public_key_hex()


def test_sovet_db_is_used_without_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_DB", str(tmp_path / "env.db"))
    assert bootstrap(create=True).location == str(tmp_path / "env.db")
    assert (tmp_path / "env.db").exists()


def test_a_missing_database_is_not_silently_created(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no database here"):
        bootstrap(str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()


def test_remove_database_takes_the_wal_files_and_key(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    bootstrap(str(db), create=True)
    (tmp_path / "demo.db-wal").write_bytes(b"")
    remove_database(str(db))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="server database"):
        remove_database("postgresql://127.0.0.1/x")


def test_urls_and_the_in_memory_engine() -> None:
    assert is_url("postgresql://127.0.0.1:5432/test")
    assert not is_url("./sovet.db")
    services = in_memory()
    with services.uow() as uow:
        assert uow.events.head()[0] == 0
