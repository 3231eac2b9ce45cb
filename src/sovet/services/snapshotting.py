"""When snapshots are taken, how a cold process loads one, and the deep check.

The store's writers take a snapshot as they sign (``checkpoints.sign_head``):
when none of this code's format checks, or the log has grown by ``interval``
events since the newest that does. A snapshot that fails its check (bytes
edited, its checkpoint's signature or key wrong, an old format) is dropped
there and a new one taken; when the head is already signed, by the same key,
its checkpoint is signed again as version 2 naming the new snapshot (same
size, root and head: it states nothing new about the log).

``SnapshotLoader`` is the cold start of a process's state cache
(``handlers.StateCache.cold``): the newest usable snapshot and the events
after it, or ``None`` (fold the log) — for any failure too: a snapshot is a
cache, never the truth. ``deep_check`` (``sovet verify --deep``) refolds the
log and compares every stored snapshot with the fold of its prefix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sovet.domain import FederationState, fold
from sovet.domain.government.legitimacy import time_index
from sovet.domain.kernel.calendar import moment
from sovet.errors import ChainBroken, says
from sovet.ledger.checkpoint import SignatureCheck
from sovet.ledger.envelope import StoredEvent
from sovet.ports import SnapshotInfo, UnitOfWork
from sovet.services.snapshots import (
    FORMAT,
    Snapshot,
    checked_bytes,
    decode,
    digest,
    encode,
    extend,
    fold_from_snapshot,
    latest_usable,
    take,
    take_folded,
)

__all__ = [
    "DEFAULT_MIN_EVENTS",
    "DeepReport",
    "SnapshotLoader",
    "SnapshotPolicy",
    "build_snapshot",
    "deep_check",
    "snapshot_due",
    "store_snapshot",
]

log = logging.getLogger("sovet.snapshots")

DEFAULT_MIN_EVENTS = 10_000
"""Events between two snapshots, at least …"""
DEFAULT_FRACTION = 50
"""… and at least a fiftieth of the log (a snapshot costs its whole state)."""


@dataclass(frozen=True, slots=True)
class SnapshotPolicy:
    """Take a snapshot at a signing once ``interval(size)`` events came since
    the newest good one (or there is none)."""

    min_events: int = DEFAULT_MIN_EVENTS
    fraction: int = DEFAULT_FRACTION

    def interval(self, size: int) -> int:
        """Events between snapshots for a log of ``size`` events."""
        share = size // self.fraction if self.fraction > 0 else 0
        return max(self.min_events, share, 1)


def snapshot_due(
    uow: UnitOfWork,
    size: int,
    policy: SnapshotPolicy,
    verify_signature: SignatureCheck,
    trusted: Collection[str],
) -> list[int] | None:
    """``None`` when no snapshot is due at ``size``; else the sizes of the
    snapshots that fail their check, to drop when the new one is stored (a
    writer builds it first: no write lock is held meanwhile)."""
    bad: list[int] = []
    for info in uow.snapshots.list():
        if info.size > size:
            continue
        if checked_bytes(uow, info, verify_signature, trusted) is None:
            log.info("snapshot at %d does not check: rebuilding", info.size)
            bad.append(info.size)
            continue
        return bad if size - info.size >= policy.interval(size) else None
    return bad


def build_snapshot(
    uow: UnitOfWork,
    size: int,
    verify_signature: SignatureCheck,
    trusted: Collection[str],
    *,
    held: FederationState | None = None,
) -> Snapshot:
    """The snapshot of the log's first ``size`` events: from ``held`` (a state
    known to be that fold, holding its events), else from the newest usable
    snapshot and the events after it, else from the whole log."""
    log_of = getattr(held, "log", None)
    if held is not None and isinstance(log_of, list) and len(log_of) == size:
        built = take(log_of, held)
    elif (found := latest_usable(uow, size, verify_signature, trusted)) is not None:
        built = extend(*found)
    else:
        built = take_folded(uow, size)
    time_index(
        built.state, None
    )  # kept with it: earlier T is a lookup (snapshot_index)
    return built


def store_snapshot(
    uow: UnitOfWork, snapshot: Snapshot, drop: Collection[int] = ()
) -> str:
    """Store ``snapshot`` (inside ``uow``), dropping the snapshots at ``drop``;
    the SHA-256 its checkpoint signs."""
    data = encode(snapshot)
    sha = digest(data)
    for size in drop:
        uow.snapshots.delete(size)
    uow.snapshots.put(SnapshotInfo(snapshot.size, FORMAT, sha), data)
    return sha


class SnapshotLoader:
    """A process's cold start: ``loader(size)`` is the fold of the log's first
    ``size`` events from the newest usable snapshot, or ``None`` when there is
    none (or no trusted key: snapshots are only loaded under one)."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        verify_signature: SignatureCheck,
        trusted: Collection[str],
    ) -> None:
        self._uow, self._verify, self.trusted = uow, verify_signature, tuple(trusted)
        self.loaded: int | None = None
        """The size of the snapshot the last call started from (tests, bench)."""

    def __call__(self, size: int) -> FederationState | None:
        self.loaded = None
        if not self.trusted or size < 1:
            return None
        unit = self._uow()
        try:
            with unit:
                found = latest_usable(unit, size, self._verify, self.trusted)
                if found is None:
                    return None
                snapshot, tail = found
                state = fold_from_snapshot(snapshot, tail)
        except Exception:  # a cache must never stop an answer: fold the log
            log.warning("snapshot not loaded; folding the log", exc_info=True)
            return None
        self.loaded = snapshot.size
        return state

    def known_at(self, size: int, known: str, zone: str) -> FederationState | None:
        """SR-28, as the records stood at ``known``: the fold of those of the
        log's first ``size`` events appended by then (``zone`` reads a bare
        date), from the newest snapshot all of whose events were, when it
        serves the rest; ``None`` when none does (ask the whole state)."""
        self.loaded = None
        if not self.trusted or size < 1:
            return None
        limit = moment(known, end_of_day=True, zone=zone)
        seen: dict[str, bool] = {}

        def kept(stored: StoredEvent) -> bool:
            stamp = stored.appended_at
            if stamp is None:
                return True
            found = seen.get(stamp)
            if found is None:
                found = seen[stamp] = moment(stamp) <= limit
            return found

        unit = self._uow()
        try:
            with unit:
                found = latest_usable(
                    unit,
                    size,
                    self._verify,
                    self.trusted,
                    keep=kept,
                    accept=lambda s: s.known is None or s.known <= limit,
                )
                if found is None:
                    return None
                snapshot, tail = found
                state = fold_from_snapshot(snapshot, tail)
        except Exception:  # a cache must never stop an answer
            log.warning("snapshot not loaded; folding the log", exc_info=True)
            return None
        self.loaded = snapshot.size
        return state


@dataclass(frozen=True, slots=True)
class DeepReport:
    """``verify --deep``: snapshots compared with the refold, and those skipped
    (another format: rebuilt at the next signing)."""

    compared: int
    other_format: int
    started_from: int | None = None
    """The snapshot a cold start uses (compared with the whole fold), if any."""


def deep_check(uow: UnitOfWork, verify_signature: SignatureCheck) -> DeepReport:
    """Refold the log and compare every snapshot of this format with the fold
    of its prefix: its bytes must give the SHA-256 its checkpoint signs (whose
    signature checks) and its state must equal the refold. ``ChainBroken``
    naming the snapshot's last event otherwise."""
    compared = other = 0
    with uow:
        infos = sorted(uow.snapshots.list(), key=lambda i: i.size)
        events = list(uow.events.read())
        keys = {cp.public_key for cp in uow.checkpoints.list()}
        for info in infos:
            if info.format != FORMAT:
                other += 1
                continue
            if info.size > len(events):
                raise ChainBroken(
                    len(events) + 1,
                    says(
                        "a snapshot covers {size} events, the log holds {held}",
                        size=info.size,
                        held=len(events),
                    ),
                )
            data = checked_bytes(uow, info, verify_signature, keys)
            if data is None:
                raise ChainBroken(
                    info.size,
                    says(
                        "the snapshot at {size} events does not give the "
                        "SHA-256 a checkpoint of that size signs (edited, or its "
                        "checkpoint is missing or unsigned); rebuild it with "
                        "`sovet checkpoint`",
                        size=info.size,
                    ),
                )
            stored = decode(data).state
            refold = fold(events[: info.size])
            if stored != refold:
                raise ChainBroken(
                    info.size,
                    says(
                        "the snapshot at {size} events differs from the fold "
                        "of the log up to there",
                        size=info.size,
                    ),
                )
            compared += 1
        whole = fold(events)
        found = latest_usable(uow, len(events), verify_signature, keys)
        if found is not None and fold_from_snapshot(*found) != whole:
            raise ChainBroken(
                len(events),
                says(
                    "the snapshot at {size} events with the events after "
                    "it does not give the fold of the whole log",
                    size=found[0].size,
                ),
            )
    started = None if found is None else found[0].size
    return DeepReport(compared, other, started)
