"""Issue 13: snapshots of the folded state at checkpoints.

A writer's signing takes one and signs its SHA-256 (a v2 checkpoint); a cold
process starts from it and folds only the events after it, with the answers a
full fold gives. An edited snapshot, a snapshot of another format, or one
whose checkpoint does not sign it is never loaded: the process folds the log,
and the next signing rebuilds it. ``verify --deep`` compares each snapshot
with the refold. A late entry effective before a snapshot stops it serving
later knowledge; questions as known before that entry still start from it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.domain import Command, command_from_mapping, fold
from sovet.errors import ChainBroken
from sovet.ledger.checkpoint import CheckpointBody, sign_checkpoint
from sovet.ports import SnapshotInfo
from sovet.services import snapshots as snapshot_module
from sovet.services import snapshotting
from sovet.services.bootstrap import Services
from sovet.services.checkpoints import check_checkpoints, sign_head
from sovet.services.handlers import StateCache, execute
from sovet.services.queries import legitimacy_at
from sovet.services.snapshots import digest, encode, take
from sovet.services.snapshotting import SnapshotLoader, deep_check

SIGNER = Ed25519Signer.generate()


class Clock:
    """Appended times a day apart, so that "as known at" can tell them apart."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(days=1)
        return self.now


def _cmd(**fields: Any) -> Command:
    return command_from_mapping(fields, source="test")


def _body(body: str, at: str, name: str, **extra: Any) -> Command:
    return _cmd(
        command="register_body",
        at=at,
        body=body,
        name=name,
        kind="council",
        level="local",
        parent="congress",
        **extra,
    )


@pytest.fixture
def db(federation: list[Command]) -> InMemoryDatabase:
    database = InMemoryDatabase(clock=Clock())
    cache = StateCache()
    for command in federation:
        execute(InMemoryUnitOfWork(database), command, cache=cache)
    return database


def _services(db: InMemoryDatabase) -> Services:
    """A new process on ``db``: its cache starts cold."""
    return Services(
        location=":memory:",
        uow=lambda: InMemoryUnitOfWork(db),
        signer=SIGNER,
        public_key=SIGNER.public_key_hex(),
    )


def _loader(services: Services) -> SnapshotLoader:
    loader = services.cache.cold
    assert isinstance(loader, SnapshotLoader)
    return loader


def _log(db: InMemoryDatabase) -> list[Any]:
    with InMemoryUnitOfWork(db) as uow:
        return list(uow.events.read())


def _answer(services: Services, at: str = "2024-06-01", **kw: Any) -> Any:
    return legitimacy_at(services.uow(), at, cache=services.cache, **kw)


def _truth(db: InMemoryDatabase, at: str = "2024-06-01", **kw: Any) -> Any:
    """The answer of a process that folds the whole log (no snapshots)."""
    return legitimacy_at(InMemoryUnitOfWork(db), at, **kw)


def _sign(db: InMemoryDatabase, **kw: Any) -> Any:
    return sign_head(InMemoryUnitOfWork(db), SIGNER, **kw)


def test_a_signing_takes_a_snapshot_and_a_cold_start_uses_it(
    db: InMemoryDatabase,
) -> None:
    signed = _sign(db)
    size = len(_log(db))
    assert signed.size == size
    assert signed.snapshot is not None
    with InMemoryUnitOfWork(db) as uow:
        (info,) = uow.snapshots.list()
        assert info == SnapshotInfo(size, snapshot_module.FORMAT, signed.snapshot)
        assert digest(uow.snapshots.data(size) or b"") == signed.snapshot
        check_checkpoints(_log(db), uow.checkpoints.list(), verify_ed25519)
    execute(InMemoryUnitOfWork(db), _body("local-3", "2024-02-10", "Local 3"))
    cold = _services(db)
    assert _answer(cold) == _truth(db)
    assert _loader(cold).loaded == size  # the snapshot, then one act
    with cold.uow() as uow:
        assert cold.cache.current(uow.events) == fold(_log(db))


def test_an_edited_snapshot_is_refused_then_rebuilt(db: InMemoryDatabase) -> None:
    signed = _sign(db)
    with InMemoryUnitOfWork(db) as uow:
        (info,) = uow.snapshots.list()
        data = bytearray(uow.snapshots.data(info.size) or b"")
        data[len(data) // 2] ^= 0xFF
        uow.snapshots.put(info, bytes(data))
        uow.commit()
    cold = _services(db)
    assert _answer(cold) == _truth(db)
    assert _loader(cold).loaded is None  # never unpickled: folded the log
    with pytest.raises(ChainBroken, match="does not give the SHA-256"):
        deep_check(InMemoryUnitOfWork(db), verify_ed25519)
    rebuilt = _sign(db)  # the head is signed: its checkpoint is signed again
    assert rebuilt is not None
    assert rebuilt.size == signed.size
    assert rebuilt.snapshot == signed.snapshot  # the same state, the same bytes
    with InMemoryUnitOfWork(db) as uow:
        assert digest(uow.snapshots.data(signed.size) or b"") == signed.snapshot
    with InMemoryUnitOfWork(db) as uow:
        check_checkpoints(_log(db), uow.checkpoints.list(), verify_ed25519)
    assert deep_check(InMemoryUnitOfWork(db), verify_ed25519).compared == 1
    again = _services(db)
    assert _answer(again) == _truth(db)
    assert _loader(again).loaded == signed.size


def test_a_snapshot_under_another_key_is_not_loaded(db: InMemoryDatabase) -> None:
    _sign(db)
    stranger = Services(
        location=":memory:",
        uow=lambda: InMemoryUnitOfWork(db),
        signer=SIGNER,
        public_key=Ed25519Signer.generate().public_key_hex(),
    )
    assert _answer(stranger) == _truth(db)
    assert _loader(stranger).loaded is None


def test_a_format_change_rebuilds(
    db: InMemoryDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _sign(db)
    new_format = snapshot_module.FORMAT + "-changed"
    monkeypatch.setattr(snapshot_module, "FORMAT", new_format)
    monkeypatch.setattr(snapshotting, "FORMAT", new_format)
    cold = _services(db)
    assert _answer(cold) == _truth(db)
    assert _loader(cold).loaded is None
    assert deep_check(InMemoryUnitOfWork(db), verify_ed25519).other_format == 1
    rebuilt = _sign(db)
    assert rebuilt is not None
    assert rebuilt.snapshot != first.snapshot
    with InMemoryUnitOfWork(db) as uow:
        assert [i.format for i in uow.snapshots.list()] == [new_format]
    again = _services(db)
    assert _answer(again) == _truth(db)
    assert _loader(again).loaded == first.size


def test_verify_deep_compares_the_state_not_only_the_hash(
    db: InMemoryDatabase,
) -> None:
    signed = _sign(db)
    log = _log(db)
    # A snapshot of another state, signed as if it were this one's.
    wrong = fold(log[:-1])
    data = encode(take(log[:-1], wrong))
    data_sha = digest(data)
    with InMemoryUnitOfWork(db) as uow:
        uow.snapshots.put(
            SnapshotInfo(signed.size, snapshot_module.FORMAT, data_sha), data
        )
        body = CheckpointBody(signed.size, signed.root_hash, signed.head_hash, data_sha)
        uow.checkpoints.resign(sign_checkpoint(body, SIGNER))
        uow.commit()
    with pytest.raises(ChainBroken, match="differs from the fold"):
        deep_check(InMemoryUnitOfWork(db), verify_ed25519)


def test_a_late_entry_before_a_snapshot_stops_it_serving_later_knowledge(
    db: InMemoryDatabase,
) -> None:
    execute(InMemoryUnitOfWork(db), _body("local-3", "2024-02-10", "Local 3"))
    signed = _sign(db)
    known_before = Clock().now.isoformat()  # nothing is appended before the first tick
    between = _log(db)[-1].appended_at
    execute(
        InMemoryUnitOfWork(db),
        _body("local-3", "2024-02-08", "Local Three", late=True),
    )
    cold = _services(db)
    assert _answer(cold) == _truth(db)
    assert _loader(cold).loaded is None  # the entry is effective before it
    with cold.uow() as uow:
        assert cold.cache.current(uow.events).bodies["local-3"].name == "Local Three"
    # As the records stood before the late entry: the snapshot serves again.
    assert between is not None
    earlier = _answer(cold, as_known_at=between)
    assert earlier == _truth(db, as_known_at=between)
    assert _loader(cold).loaded == signed.size
    assert earlier != _answer(cold)  # the late entry changed the records
    # Before the snapshot's own events were all appended: it cannot serve.
    assert _answer(cold, as_known_at=known_before) == _truth(
        db, as_known_at=known_before
    )
    assert _loader(cold).loaded is None
    # A later signing takes a snapshot after the entry, which serves.
    later = _sign(db, snapshots=snapshotting.SnapshotPolicy(min_events=1))
    again = _services(db)
    assert _answer(again) == _truth(db)
    assert _loader(again).loaded == later.size


def test_old_logs_without_snapshots_still_work(db: InMemoryDatabase) -> None:
    old = _sign(db, snapshots=None)  # as before: a v1 checkpoint
    assert old.snapshot is None
    cold = _services(db)
    assert _answer(cold) == _truth(db)
    assert _loader(cold).loaded is None
    assert deep_check(InMemoryUnitOfWork(db), verify_ed25519).compared == 0
    upgraded = _sign(db)  # `sovet checkpoint` after an upgrade
    assert upgraded is not None
    assert upgraded.snapshot is not None
    with InMemoryUnitOfWork(db) as uow:
        check_checkpoints(_log(db), uow.checkpoints.list(), verify_ed25519)
    again = _services(db)
    assert _answer(again) == _truth(db)
    assert _loader(again).loaded == old.size


def test_a_snapshot_is_taken_once_enough_events_came(db: InMemoryDatabase) -> None:
    policy = snapshotting.SnapshotPolicy(min_events=3, fraction=0)
    first = _sign(db, snapshots=policy)
    execute(InMemoryUnitOfWork(db), _body("local-3", "2024-02-10", "Local 3"))
    second = _sign(db, snapshots=policy)
    assert second.snapshot is None  # one event since: not due
    for n in (4, 5, 6):
        execute(InMemoryUnitOfWork(db), _body(f"local-{n}", "2024-02-11", f"L{n}"))
    third = _sign(db, snapshots=policy)
    assert third.snapshot is not None
    with InMemoryUnitOfWork(db) as uow:
        assert [i.size for i in uow.snapshots.list()] == [third.size, first.size]
    assert deep_check(InMemoryUnitOfWork(db), verify_ed25519).compared == 2


def test_on_sqlite_a_read_only_process_starts_from_the_snapshot(
    tmp_path: Any, federation: list[Command]
) -> None:
    from sovet.services.bootstrap import bootstrap, open_read_only

    path = str(tmp_path / "fed.db")
    with bootstrap(path, create=True) as writer:
        for command in federation:
            execute(writer.uow(), command, cache=writer.cache)
        signed = sign_head(writer.uow(), writer.signer)
        assert signed is not None
        assert signed.snapshot is not None
        truth = legitimacy_at(writer.uow(), "2024-06-01")
    with open_read_only(path) as reader:
        assert _answer(reader) == truth
        assert _loader(reader).loaded == signed.size
        report = deep_check(reader.uow(), reader.verify_signature)
        assert (report.compared, report.started_from) == (1, signed.size)
