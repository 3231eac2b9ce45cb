"""SR-7 / DESIGN §6 on PostgreSQL and SQLite: real concurrent casting,
all-or-nothing, retries.

Each test runs on a fresh SQLite file and (marked ``postgres``) on a fresh
schema of the server of the ``postgres`` fixture (``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg.errors
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

import sovet.counting.irv  # registers "irv"
from sovet.adapters.sql.ballots_schema import SqlBallotStore, SqlBallotUnitOfWork
from sovet.adapters.sql.event_store import SqlEventStore
from sovet.errors import ConcurrencyConflict, DuplicateEntry, StorageError
from sovet.services.ballots import (
    CastReceipt,
    ballot_units,
    cast_ballot,
    close_poll,
    election_view,
    open_poll,
    verify_receipt,
)
from sovet.services.bootstrap import Services, bootstrap
from tests.conftest import Postgres
from tests.unit.services.ballot_world import town_with_election

assert sovet.counting.irv
DAY = "1917-11-05"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def services(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """The town with election ``e1`` (200 electors) and its poll open, in a fresh
    SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        with bootstrap(str(tmp_path / "ballots.db"), create=True) as found:
            town_with_election(found, electors=200)
            open_poll(found, "e1", at=DAY)
            yield found
        return
    postgres: Postgres = request.getfixturevalue("postgres")  # fails if none answers
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    with (
        postgres.schema("sovet_ballots") as url,
        bootstrap(url, create=True) as found,
    ):
        town_with_election(found, electors=200)
        open_poll(found, "e1", at=DAY)
        yield found


def counts(services: Services) -> dict[str, int]:
    uow = ballot_units(services)()
    assert isinstance(uow, SqlBallotUnitOfWork)
    with uow:
        conn = uow.connection()
        found = {
            table: int(
                conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            )
            for table in ("votes_cast", "ballot_box")
        }
        found["VoteCast"] = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM events WHERE type = 'VoteCast'"
            ).scalar_one()
        )
        seqs = [
            r[0] for r in conn.exec_driver_sql("SELECT seq FROM events ORDER BY seq")
        ]
    assert seqs == list(range(1, len(seqs) + 1)), "sequence numbers are contiguous"
    return found


def attempt(services: Services, member: str, ranking: list[str]) -> object:
    try:
        return cast_ballot(services, "e1", member, ranking, at=DAY)
    except ConcurrencyConflict as error:  # DuplicateEntry is one
        return error


def test_50_concurrent_ballots_by_one_member_store_exactly_one(
    services: Services,
) -> None:
    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(lambda _: attempt(services, "v7", ["a"]), range(50)))
    cast = [o for o in outcomes if isinstance(o, CastReceipt)]
    refused = [o for o in outcomes if isinstance(o, DuplicateEntry)]
    assert (len(cast), len(refused)) == (1, 49)
    assert counts(services) == {"votes_cast": 1, "ballot_box": 1, "VoteCast": 1}
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    view = election_view(services, "e1")
    assert view["turnout"]["ballots_cast"] == 1
    assert view["result"]["rounds"][0]["tallies"]["a"] == 1
    assert verify_receipt(services, cast[0].receipt)["verified"] is True


def test_200_members_voting_at_once_are_all_counted(services: Services) -> None:
    choices = [["a", "b"], ["b"], ["c", "a"], ["a"]]
    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(
            pool.map(lambda i: attempt(services, f"v{i}", choices[i % 4]), range(200))
        )
    assert all(isinstance(o, CastReceipt) for o in outcomes), [
        o for o in outcomes if not isinstance(o, CastReceipt)
    ][:3]
    assert counts(services) == {"votes_cast": 200, "ballot_box": 200, "VoteCast": 200}
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    view = election_view(services, "e1")
    assert view["turnout"]["ballots_cast"] == 200
    assert view["result"]["rounds"][0]["tallies"] == {"a": 100, "b": 50, "c": 50}
    assert view["result"]["elected"] == ["a"]


def test_fault_between_the_vote_row_and_its_event_writes_neither(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(services)

    def broken(*_args: object, **_kw: object) -> None:
        raise OSError("power cut between the vote row and the event")

    monkeypatch.setattr(SqlEventStore, "append", broken)
    with pytest.raises(OSError, match="power cut"):
        cast_ballot(services, "e1", "v1", ["a"], at=DAY)
    monkeypatch.undo()
    assert counts(services) == before
    cast_ballot(services, "e1", "v1", ["a"], at=DAY)
    assert counts(services)["votes_cast"] == before["votes_cast"] + 1


def _serialization_failure() -> OperationalError:
    return OperationalError(
        "INSERT INTO ballot_box …",
        {},
        psycopg.errors.SerializationFailure("could not serialize access"),
    )


def test_serialization_failures_are_retried_without_partial_writes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = SqlBallotStore.add_ballot
    left = [2]

    def flaky(self: SqlBallotStore, *args: str) -> None:
        real(self, *args)  # the rows are written, then the transaction fails
        if left[0]:
            left[0] -= 1
            raise _serialization_failure()

    monkeypatch.setattr(SqlBallotStore, "add_ballot", flaky)
    cast = cast_ballot(services, "e1", "v2", ["b"], at=DAY)
    assert left == [0]
    assert counts(services) == {"votes_cast": 1, "ballot_box": 1, "VoteCast": 1}
    left[0] = 100
    with pytest.raises(ConcurrencyConflict, match="attempts") as err:
        cast_ballot(services, "e1", "v3", ["b"], at=DAY)
    assert not isinstance(err.value, DuplicateEntry)
    assert counts(services) == {"votes_cast": 1, "ballot_box": 1, "VoteCast": 1}
    monkeypatch.undo()
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    assert verify_receipt(services, cast.receipt)["leaf_index"] == 0
    assert counts(services)["ballot_box"] == 0  # emptied at close


def test_an_exhausted_connection_pool_is_a_storage_error_not_a_500(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.db'}",
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.05,
    )
    try:
        with engine.connect():
            unit = SqlBallotUnitOfWork(engine)
            with pytest.raises(StorageError, match="pool exhausted"), unit:
                pass
    finally:
        engine.dispose()
