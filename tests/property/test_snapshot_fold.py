"""Issue 13: a snapshot plus the events after it folds to what the whole log does.

Random logs on the union federation of the service tests: bodies and persons
registered in time order, late entries dated before acts already recorded (some
clashing with them, so the re-check voids those), and corrections annulling an
earlier entry (voiding what rested on it). For every snapshot size ``n`` and
every later size ``m``: whenever ``serves`` accepts the snapshot (through its
stored bytes) for the tail ``n+1 … m``, the snapshot with the tail evolved onto
it equals the fold of the first ``m`` events — records, voids, head, and the
log it reads back from the store, and the legitimacy time index it carries on
(``snapshot_index``) equals one built on the whole. With an empty tail it
always serves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sovet.adapters.memory import InMemoryUnitOfWork
from sovet.domain import command_from_mapping, fold
from sovet.domain.government.legitimacy import time_index
from sovet.domain.kernel.calendar import parse_at
from sovet.errors import SovetError
from sovet.ledger.envelope import StoredEvent
from sovet.services.handlers import StateCache, execute
from sovet.services.snapshots import (
    attach_log,
    decode,
    encode,
    fold_from_snapshot,
    serves,
    take,
)
from tests.unit.services.conftest import FEDERATION, adopt

START = parse_at("2024-01-10T09:00")

op = st.tuples(
    st.sampled_from(["body", "person", "late", "clash", "annul"]),
    st.integers(min_value=0, max_value=40),  # minutes forward, or back for a late one
    st.integers(min_value=0, max_value=30),  # which earlier body or entry
)


def _at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat(timespec="minutes")


def _command(
    kind: str, clock: int, back: int, pick: int, n: int, log: list[Any]
) -> Any:
    bodies = [e.payload["body"] for e in log if e.type == "BodyRegistered"]
    if kind == "annul":
        entries = [
            e.seq for e in log if e.type in ("BodyRegistered", "PersonRegistered")
        ]
        return {
            "command": "annul_entry",
            "at": _at(clock),
            "body": "congress",
            "entry": entries[pick % len(entries)],
            "reason": "entered in error",
        }
    if kind == "person":
        return {
            "command": "register_person",
            "at": _at(clock),
            "person": f"p{n}",
            "name": f"Person {n}",
            "faction": "reds",
            "bodies": [bodies[pick % len(bodies)]],
        }
    late = kind in ("late", "clash")
    body = bodies[pick % len(bodies)] if kind == "clash" else f"b{n}"
    return {
        "command": "register_body",
        "at": _at(max(clock - back, 0)) if late else _at(clock),
        "body": body,
        "name": f"Body {n}",
        "kind": "council",
        "level": "local",
        "parent": "congress",
        **({"late": True} if late else {}),
    }


def _build(
    ops: list[tuple[str, int, int]],
) -> tuple[InMemoryUnitOfWork, list[StoredEvent], list[int]]:
    """The log the ops make, and its size after each command (the sizes a
    checkpoint, and so a snapshot or a question, can have)."""
    uow = InMemoryUnitOfWork()
    cache = StateCache()
    sizes: list[int] = []
    for command in [
        adopt(),
        *(command_from_mapping(s, source="t") for s in FEDERATION),
    ]:
        written = execute(uow, command, cache=cache)
        sizes.append((sizes[-1] if sizes else 0) + len(written))
    clock = 0
    for n, (kind, minutes, pick) in enumerate(ops):
        with uow:
            log = list(uow.events.read())
        if kind not in ("late", "clash"):
            clock += minutes
        plain = _command(kind, clock, minutes, pick, n, log)
        try:
            written = execute(uow, command_from_mapping(plain, source="t"), cache=cache)
        except SovetError:
            continue  # a refused command writes nothing
        sizes.append(sizes[-1] + len(written))
    with uow:
        return uow, list(uow.events.read()), sizes


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(op, min_size=1, max_size=12), st.data())
def test_snapshot_and_tail_fold_as_the_whole(
    ops: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    uow, log, sizes = _build(ops)
    assert sizes[-1] == len(log)
    n = data.draw(st.sampled_from(sizes), label="snapshot size")
    state = fold(log[:n])
    time_index(state, None)  # kept in the snapshot, carried on over the tail
    stored = encode(take(log[:n], state))
    for m in (size for size in sizes if size >= n):
        snapshot = attach_log(decode(stored), uow)
        tail = log[n:m]
        if not serves(snapshot, tail):
            assert m > n, "a snapshot always serves its own size"
            event("refused")
            continue
        event("served" if tail else "empty tail")
        got = fold_from_snapshot(snapshot, tail)
        whole = fold(log[:m])
        assert got == whole
        assert got.voided == whole.voided
        assert got.head == whole.head
        assert got.last_at == whole.last_at
        assert got.size == whole.size
        assert list(got.events()) == list(whole.events())
        assert got.time_indexes[None] == time_index(whole, None)
