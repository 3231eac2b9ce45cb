"""A small federation for the web flows: a council, a poll, a deputy, accounts.

Petrograd's constituency ``putilov`` (3 seats, electors ``v0``…``v4``) has
deputy ``a`` (seated 2 Oct 1917, recall petition ``p1`` open against them) and
election ``e1`` (1 seat, IRV, candidates ``a``, ``b``, ``c``) and ``e2`` (1 seat,
approval, ``b`` and ``c``). Accounts:
``v0``…``v4`` (members of the council, each linked to their person) and
``sec`` (the council's secretary) and ``a`` (the deputy); every password is
``PASSWORD``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sovet.domain.elections.deputies import SeatDeputy
from sovet.domain.elections.polling import CallElection
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap
from sovet.services.petitions import open_petition
from tests.unit.services.ballot_world import ServiceWorld
from tests.world import CONDUCT

__all__ = ["ELECTORS", "PASSWORD", "build_world"]

PASSWORD = "correct horse battery staple"
ELECTORS = 5


def build_world(db: str) -> None:
    """Create the database ``db`` with the world above."""
    with bootstrap(db, create=True) as services:
        flow = ServiceWorld(services)
        flow.town(electors=ELECTORS, seats=3)
        flow.run(SeatDeputy(at="1917-10-02", constituency="putilov", person="a"))
        open_petition(services, "p1", "putilov", "a", at="1917-10-03")
        flow.run(
            CallElection(
                at="1917-10-04",
                election="e1",
                constituency="putilov",
                seats=1,
                polling_day="1917-11-05",
                candidates=("a", "b", "c"),
                conduct=CONDUCT,
                method="irv",
            )
        )
        flow.run(
            CallElection(
                at="1917-10-04",
                election="e2",
                constituency="putilov",
                seats=1,
                polling_day="1917-11-05",
                candidates=("b", "c"),
                conduct=CONDUCT,
                method="approval",
            )
        )
        accounts = open_accounts(services)
        for i in range(ELECTORS):
            accounts.create_account(f"v{i}", PASSWORD, person=f"v{i}")
            accounts.grant(f"v{i}", "member", "petrograd")
        accounts.create_account("sec", PASSWORD)
        accounts.grant("sec", "secretary", "petrograd")
        accounts.create_account("a", PASSWORD, person="a")
        accounts.grant("a", "deputy", "petrograd")


def copy_world(world: Path, into: Path) -> str:
    """A private copy of the database ``world`` (with its key and WAL) in the
    folder ``into``, for one test: the world is built once per module
    (argon2 hashing is slow on purpose)."""
    db = into / "world.db"
    for suffix in ("", ".key", "-wal", "-shm"):
        if Path(f"{world}{suffix}").exists():
            shutil.copyfile(f"{world}{suffix}", f"{db}{suffix}")
    return str(db)
