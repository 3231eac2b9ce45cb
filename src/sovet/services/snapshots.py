"""Snapshots: the folded state at a checkpoint's size, so a cold start folds
only the events after it (issue 13).

A snapshot is the state as known at its checkpoint: the fold of the log's
first ``size`` events, pickled and compressed (``encode``), its member
registers in shards that a loaded state opens only when a question needs them
(``packed_register``). Its SHA-256 is
signed inside the checkpoint of that size (version 2, ``ledger.checkpoint``),
and nothing is unpickled before the bytes give that hash under a checkpoint
signed by a trusted key (``checked_bytes``): pickle runs code, so the signature is
what makes the bytes safe to load (docs/DECISIONS.md).

It never becomes wrong, but it serves a later fold (the log's first ``m``
events, ``m > size``) only if the tail ``size+1 … m`` comes after it in the
domain's order (``serves``): no tail event is effective before the latest
effective time among its events, none voids or annuls an event it holds, and
the tail does not change the records' timezone. Then the fold of the whole
equals the snapshot with the tail evolved onto it in the domain's order
(``tests/property/test_snapshot_fold.py``). A late entry effective before it
therefore stops it serving later knowledge; the older questions it can still
answer (as known at a time before that entry) it still answers.

``FORMAT`` is a constant and a fingerprint of the fields of the state's record
classes: a change to the state's shape makes old snapshots unusable, and the
next signing rebuilds one (``snapshot_due``).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import itertools
import pickle
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sovet.domain import FederationState
from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.replay import Selection, closing_rows, fold_source
from sovet.domain.kernel.state import VOID_TYPES, domain_order, voided_seqs
from sovet.ledger.checkpoint import SignatureCheck, checkpoint_problem
from sovet.ledger.envelope import StoredEvent
from sovet.ports import SnapshotInfo, UnitOfWork
from sovet.services.handlers import FreshUnits, OpenStore
from sovet.services.packed_register import PackedRegister, pack
from sovet.services.snapshot_index import evolve_tail, kept_indexes
from sovet.services.snapshot_pickle import dumps, loads, state_fingerprint

__all__ = [
    "FORMAT",
    "Snapshot",
    "attach_log",
    "decode",
    "encode",
    "extend",
    "fold_from_snapshot",
    "latest_usable",
    "serves",
    "state_fingerprint",
    "take",
    "take_folded",
]

FORMAT_VERSION = 4
"""Raised by hand when the encoding itself changes (not the state's shape)."""


FORMAT = f"sovet-state/{FORMAT_VERSION}+{state_fingerprint()}"
"""The format of the snapshots this code writes and reads."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state folded from the log's first ``size`` events, with what
    ``serves`` needs: the latest effective and appended moments among those
    events (``None``: none, or v1 events without an appended time) and the
    zone they were ordered in."""

    size: int
    state: FederationState
    latest: datetime | None
    known: datetime | None
    zone: str


def _latest(
    events: Iterable[StoredEvent], zone: str, start: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """The latest effective and appended moments among ``events``."""
    return _latest_times(((e.effective_at, e.appended_at) for e in events), zone, start)


def _latest_times(
    times: Iterable[tuple[str, str | None]], zone: str, start: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """The latest effective and appended moments among ``(effective_at,
    appended_at)`` pairs."""
    latest, known = start, None
    cache: dict[str, datetime] = {}
    newest: str | None = None  # appended times are fixed-width UTC: text order
    for effective_at, appended_at in times:
        when = cache.get(effective_at)
        if when is None:
            when = cache[effective_at] = moment(effective_at, zone=zone)
        if latest is None or when > latest:
            latest = when
        if appended_at is not None and (newest is None or appended_at > newest):
            newest = appended_at
    if newest is not None:
        known = moment(newest)
    return latest, known


def _timezone(event: StoredEvent) -> str | None:
    if event.type != "ConstitutionAdopted":
        return None
    constitution = event.payload.get("constitution")
    records = constitution.get("records") if isinstance(constitution, dict) else None
    zone = records.get("timezone", "UTC") if isinstance(records, dict) else "UTC"
    return zone if isinstance(zone, str) else "UTC"


def serves(snapshot: Snapshot, tail: Sequence[StoredEvent]) -> bool:
    """True when ``snapshot`` plus ``tail`` (the events after it, or those of
    them a question keeps) folds to what the whole would: every tail event is
    effective at or after the snapshot's latest event, voids nothing the
    snapshot holds, and keeps the zone."""
    zone, floor = snapshot.zone, snapshot.latest
    for e in tail:
        if e.type in VOID_TYPES:
            seqs = e.payload.get("seqs", [])
            if isinstance(seqs, list) and any(
                type(s) is int and s <= snapshot.size for s in seqs
            ):
                return False
        changed = _timezone(e)
        if changed is not None and changed != zone:
            return False
        if floor is not None and moment(e.effective_at, zone=zone) < floor:
            return False
    return True


def fold_from_snapshot(
    snapshot: Snapshot, tail: Sequence[StoredEvent]
) -> FederationState:
    """The state of ``snapshot`` with ``tail`` evolved onto it in the domain's
    order (the snapshot's state is changed in place, its time indexes carried
    on: ``snapshot_index``); only when ``serves``."""
    state = snapshot.state
    skip = state.voided | voided_seqs(tail)
    state.voided = skip
    ordered = domain_order(tail, snapshot.zone)
    evolve_tail(state, ordered, skip, snapshot.zone, snapshot.size)
    return state


MAGIC = b"sovet-snapshot/2\n"
"""How a snapshot's bytes begin. Then: the length of its compressed core (8
bytes, big-endian) and the core; the length of a header and the header (the
pickled lengths of the shards of each register ``PACKED``); the shards, one
register after the other (``packed_register``)."""

PACKED: tuple[str, ...] = ("persons", "electors")
"""The member registers, left packed in a loaded snapshot until needed."""


def _registers(state: FederationState) -> dict[str, list[bytes | memoryview]]:
    """The registers ``PACKED`` of ``state`` in shards: as loaded while unopened."""
    found: dict[str, list[bytes | memoryview]] = {}
    for name in PACKED:
        register = getattr(state, name)
        if isinstance(register, PackedRegister) and register.pristine:
            found[name] = list(register.shards)
        else:
            found[name] = list(pack(register, dumps))
    return found


def _shell(state: FederationState) -> FederationState:
    """A copy of ``state``'s fields without its source, its registers left
    empty (packed apart) and the electoral rolls' index to be made again."""
    shell = FederationState.__new__(FederationState)
    for f in dataclasses.fields(FederationState):
        if f.name not in PACKED:
            object.__setattr__(shell, f.name, getattr(state, f.name))
    shell.persons, shell.electors = {}, {}
    object.__setattr__(shell, "_rolls", {})  # an index, caught up on first use
    object.__setattr__(shell, "_rolls_seen", 0)
    shell.source = None
    return shell


def encode(snapshot: Snapshot) -> bytes:
    """The snapshot's stored bytes: its state without the events it holds
    (``kept``: read again by seq from the store through its source) nor
    cached indexes, its registers packed apart (``MAGIC``)."""
    shell = _shell(snapshot.state)
    kept = snapshot.state.kept
    if kept is not None:  # its events stay in the store, read again by seq
        shell.kept = None
        shell.reordered = shell.reordered or any(
            a.seq > b.seq for a, b in itertools.pairwise(kept)
        )
    if hasattr(shell, "time_indexes"):  # kept when they cover exactly its events
        shell.time_indexes = kept_indexes(snapshot.state, snapshot.size)
    body = {
        "format": FORMAT,
        "size": snapshot.size,
        "latest": snapshot.latest,
        "known": snapshot.known,
        "zone": snapshot.zone,
        "state": shell,
    }
    core = dumps(body)
    registers = _registers(snapshot.state)
    sizes = {
        name: [len(shard) for shard in shards] for name, shards in registers.items()
    }
    header = pickle.dumps(sizes, pickle.HIGHEST_PROTOCOL)
    shards = [shard for name in PACKED for shard in registers[name]]
    lengths = [len(core).to_bytes(8, "big"), core, len(header).to_bytes(8, "big")]
    return b"".join([MAGIC, *lengths, header, *shards])


def decode(data: bytes) -> Snapshot:
    """The snapshot in ``data`` — only ever bytes whose SHA-256 a trusted
    checkpoint signs (``checked_bytes``); it reads its events again only once
    ``attach_log`` gave it a source (``ValueError`` for bytes of another shape).
    Its registers stay packed until first used (``PackedRegister``)."""
    was_enabled = gc.isenabled()
    gc.disable()  # no collection over the objects arriving (a third of the time)
    try:
        return _decoded(data)
    finally:
        if was_enabled:
            gc.enable()


def _decoded(data: bytes) -> Snapshot:
    view, start = memoryview(data), len(MAGIC) + 8
    if view[: len(MAGIC)] != MAGIC:
        raise ValueError("not a snapshot of this format")
    end = start + int.from_bytes(view[len(MAGIC) : start], "big")
    body = loads(view[start:end])
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValueError("not a snapshot of this format")
    state, zone = body["state"], body["zone"]
    if not isinstance(state, FederationState) or not isinstance(zone, str):
        raise ValueError("not a snapshot of this format")
    at = end + 8 + int.from_bytes(view[end : end + 8], "big")
    sizes = pickle.loads(view[end + 8 : at])  # the shards' lengths, in order
    for name in PACKED:
        shards = []
        for size in sizes[name]:
            shards.append(view[at : at + size])  # a view: nothing copied
            at += size
        packed = PackedRegister(shards, loads, state, name)
        object.__setattr__(state, name, packed)  # a dict once wholly needed
    return Snapshot(body["size"], state, body["latest"], body["known"], zone)


def attach_log(snapshot: Snapshot, uow: UnitOfWork) -> Snapshot:
    """Give the snapshot's state its events, read from ``uow`` when asked."""
    state = snapshot.state
    if state.kept is None:  # it reads its events again from the store (issue 13)
        state.source = FreshUnits(lambda: uow)
        if state.selection is None:
            state.selection = Selection(snapshot.size)
    return snapshot


def take(events: Sequence[StoredEvent], state: FederationState) -> Snapshot:
    """The snapshot of ``state``, the fold of ``events`` (the log's first ones)."""
    latest, known = _latest(events, state.zone)
    return Snapshot(len(events), state, latest, known, state.zone)


def take_folded(uow: UnitOfWork, size: int) -> Snapshot:
    """The snapshot of the log's first ``size`` events, folded from the
    store's rows: no event is held (a million members' log fits in a few GB,
    not in the many that its events as objects would take)."""
    state = fold_source(OpenStore(uow.events), Selection(size))
    with closing_rows(uow.events.read_rows(0, size)) as rows:
        latest, known = _latest_times(((r[3], r[5]) for r in rows), state.zone)
    return Snapshot(size, state, latest, known, state.zone)


def extend(snapshot: Snapshot, tail: Sequence[StoredEvent]) -> Snapshot:
    """``snapshot`` with ``tail`` folded on (when ``serves``), as a new one."""
    latest, known = _latest(tail, snapshot.zone, snapshot.latest)
    if snapshot.known is not None and (known is None or snapshot.known > known):
        known = snapshot.known
    state = fold_from_snapshot(snapshot, tail)
    return Snapshot(snapshot.size + len(tail), state, latest, known, state.zone)


def digest(data: bytes) -> str:
    """The SHA-256 (hex) a checkpoint signs for ``data``."""
    return hashlib.sha256(data).hexdigest()


def checked_bytes(
    uow: UnitOfWork,
    info: SnapshotInfo,
    verify_signature: SignatureCheck,
    trusted: Collection[str],
) -> bytes | None:
    """The bytes of the snapshot ``info`` if a checkpoint of its size, signed by
    a ``trusted`` key, states their SHA-256 and the log still ends that
    checkpoint at its size; else ``None`` (never unpickle those)."""
    if info.format != FORMAT or info.size < 1:
        return None
    cp = uow.checkpoints.at(info.size)
    if cp is None or getattr(cp, "snapshot", None) != info.sha256:
        return None
    if cp.public_key not in trusted or checkpoint_problem(cp, verify_signature):
        return None
    found = list(uow.events.read(after_seq=info.size - 1, limit=1))
    if not found or found[0].hash != cp.head_hash:
        return None
    data = uow.snapshots.data(info.size)
    if data is None or digest(data) != info.sha256:
        return None
    return data


def latest_usable(
    uow: UnitOfWork,
    size: int,
    verify_signature: SignatureCheck,
    trusted: Collection[str],
    *,
    keep: Callable[[StoredEvent], bool] | None = None,
    accept: Callable[[Snapshot], bool] | None = None,
) -> tuple[Snapshot, list[StoredEvent]] | None:
    """The newest snapshot of at most ``size`` events that checks and serves
    the events after it up to ``size`` (those ``keep`` keeps, if given; and
    that ``accept`` accepts), with that tail; ``None`` when none can (then
    fold the log). Call inside ``uow``."""
    for info in uow.snapshots.list():
        if info.size > size:
            continue
        data = checked_bytes(uow, info, verify_signature, trusted)
        if data is None:
            continue
        try:
            snapshot = attach_log(decode(data), uow)
        except Exception:  # a format this code cannot read after all
            continue
        if accept is not None and not accept(snapshot):
            continue
        tail = list(uow.events.read(after_seq=info.size, limit=size - info.size))
        if keep is not None:
            tail = [e for e in tail if keep(e)]
        if serves(snapshot, tail):
            return snapshot, tail
    return None
