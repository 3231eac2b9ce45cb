"""The erasable table of personal data (issue 10, finding 9) on every store:
memory, SQLite and PostgreSQL keep, replace and erase a record in the unit's
transaction, and a unit rolled back keeps nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.ports import PersonalRecord, UnitOfWork
from tests.conftest import Postgres

Units = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def units(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Units]:
    if request.param == "memory":
        database = InMemoryDatabase()
        yield lambda: InMemoryUnitOfWork(database)
        return
    if request.param == "sqlite":
        engine = make_engine(str(tmp_path / "p.db"))
        migrate(engine)
        yield lambda: SqlUnitOfWork(engine)
        engine.dispose()
        return
    postgres: Postgres = request.getfixturevalue("postgres")
    with postgres.schema("sovet_personal") as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            yield lambda: SqlUnitOfWork(engine)
        finally:
            engine.dispose()


def _record(name: str) -> PersonalRecord:
    return PersonalRecord("m1", "ab" * 32, {"person": "m1", "name": name})


def test_a_record_is_kept_replaced_and_erased(units: Units) -> None:
    with units() as uow:
        uow.personal.put(_record("A"))
        uow.personal.put(_record("B"))  # replaced in the same unit
        uow.commit()
    with units() as uow:
        assert uow.personal.get("m1") == _record("B")
        assert uow.personal.all() == [_record("B")]
        assert uow.personal.erase("m1")
        assert uow.personal.get("m1") is None
        uow.commit()
    with units() as uow:
        assert uow.personal.get("m1") is None
        assert uow.personal.all() == []
        assert not uow.personal.erase("m1")


def test_a_unit_rolled_back_keeps_nothing(units: Units) -> None:
    with units() as uow:
        uow.personal.put(_record("A"))
    with units() as uow:
        assert uow.personal.get("m1") is None
