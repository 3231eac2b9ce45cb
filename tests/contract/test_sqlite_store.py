"""The store contract on SQLite (a temporary file, WAL and synchronous=FULL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from event_store_contract import EventStoreContract, UowFactory
from sqlalchemy import Engine, create_engine

from sovet.adapters.sql import SqlUnitOfWork, check_durability, make_engine, migrate
from sovet.domain.errors import ChainBroken
from sovet.ledger.chain import verify
from sovet.ledger.envelope import NewEvent
from sovet.ports import StorageError


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(str(tmp_path / "sovet.db"))
    migrate(engine)
    yield engine
    engine.dispose()


class TestSqliteStore(EventStoreContract):
    """``SqlUnitOfWork`` on a fresh SQLite file per test."""

    @pytest.fixture
    def make_uow(self, engine: Engine) -> UowFactory:
        return lambda: SqlUnitOfWork(engine)


def test_every_connection_runs_wal_and_full_sync(engine: Engine) -> None:
    check_durability(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_durability_check_refuses_a_plain_engine(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").close()
    plain = create_engine(f"sqlite:///{path}")
    with pytest.raises(StorageError, match="not WAL"):
        check_durability(plain)
    plain.dispose()


def test_one_byte_changed_in_the_file_names_the_event(tmp_path: Path) -> None:
    path = tmp_path / "tamper.db"
    engine = make_engine(str(path))
    migrate(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(
            [NewEvent("s", "T", {"who": f"deputy-{i:03d}"}, "1917") for i in range(9)]
        )
        uow.commit()
    engine.dispose()  # checkpoints the WAL into the main file
    data = bytearray(path.read_bytes())
    at = data.index(b"deputy-004")
    data[at + len("deputy-00")] = ord("5")
    path.write_bytes(bytes(data))
    engine = make_engine(str(path))
    with SqlUnitOfWork(engine) as uow, pytest.raises(ChainBroken) as caught:
        verify(uow.events.read())
    assert caught.value.seq == 5
    engine.dispose()


def test_invalid_utf8_in_the_file_is_a_broken_event(tmp_path: Path) -> None:
    path = tmp_path / "tamper.db"
    engine = make_engine(str(path))
    migrate(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(
            [NewEvent("s", "T", {"who": f"w{i}-жж"}, "1917") for i in range(4)]
        )
        uow.commit()
    engine.dispose()
    data = bytearray(path.read_bytes())
    at = data.index("w2-жж".encode())
    data[at + 3] = 0xFF
    path.write_bytes(bytes(data))
    engine = make_engine(str(path))
    with SqlUnitOfWork(engine) as uow, pytest.raises(ChainBroken) as caught:
        verify(uow.events.read())
    assert caught.value.seq == 3
    engine.dispose()


def test_memory_database_url() -> None:
    engine = make_engine(":memory:")
    assert engine.dialect.name == "sqlite"
    engine.dispose()
