"""The store contract on SQLite (a temporary file, WAL and synchronous=FULL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from sovet.adapters.sql import (
    SqlUnitOfWork,
    check_durability,
    make_engine,
    migrate,
    sqlalchemy_url,
)
from sovet.errors import ChainBroken, ConcurrencyConflict, InputError, StorageError
from sovet.ledger.chain import verify
from sovet.ledger.envelope import NewEvent
from tests.contract.event_store_contract import EventStoreContract, UowFactory


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


@pytest.mark.parametrize("victim", [0, 2, 3])
def test_invalid_utf8_in_the_file_is_a_broken_event(
    tmp_path: Path, victim: int
) -> None:
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
    at = data.index(f"w{victim}-жж".encode())
    data[at + 3] = 0xFF
    path.write_bytes(bytes(data))
    engine = make_engine(str(path))
    with SqlUnitOfWork(engine) as uow, pytest.raises(ChainBroken) as caught:
        verify(uow.events.read())
    assert caught.value.seq == victim + 1
    engine.dispose()


def test_memory_database_url() -> None:
    engine = make_engine(":memory:")
    assert engine.dialect.name == "sqlite"
    engine.dispose()


def test_writer_blocked_by_another_gets_a_conflict_and_cannot_commit(
    engine: Engine,
) -> None:
    first, second = SqlUnitOfWork(engine), SqlUnitOfWork(engine)
    with first, second:
        first.events.append([NewEvent("s", "T", {"n": 1}, "1917")])
        with pytest.raises(ConcurrencyConflict, match="SQLite busy"):
            second.events.append([NewEvent("s", "T", {"n": 2}, "1917")])
        with pytest.raises(StorageError, match="append in this unit failed"):
            second.commit()
        first.commit()
    with SqlUnitOfWork(engine) as uow:
        assert [e.payload for e in uow.events.read()] == [{"n": 1}]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://h:5432/db", "postgresql+psycopg://h:5432/db"),
        ("postgres://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("dir/x.db", "sqlite:///dir/x.db"),
        (":memory:", "sqlite://"),
    ],
)
def test_database_urls(given: str, expected: str) -> None:
    assert sqlalchemy_url(given) == expected


def test_postgres_url_uses_psycopg() -> None:
    engine = make_engine("postgresql://127.0.0.1:1/none")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


@pytest.mark.parametrize(
    ("location", "problem"),
    [("/no/such/dir/x.db", "does not exist"), ("mysql://h/db", "unsupported")],
)
def test_bad_locations_are_refused(location: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        make_engine(location)
