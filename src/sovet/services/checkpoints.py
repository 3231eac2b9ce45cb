"""Signed checkpoints of the log's head (DESIGN §3: Ed25519 over size, root, head).

A checkpoint states "the first *size* events have this RFC 9162 Merkle root and
this head hash", signed by the database's key (``ledger.checkpoint``). The
store's writers sign: ``sovet run``, ``generate``, ``import`` and ``demo`` after
their work, ``sovet checkpoint`` on demand, and ``sovet serve`` as it writes
(``Checkpointer``: at least every ``every_events`` events or ``every_seconds``
seconds, and at shutdown). ``verify`` and ``import`` check every one against
the events; ``check_extends`` checks the log against a checkpoint an observer
kept (``sovet verify --against``).

Signing never rebuilds the tree over the log: each checkpoint is stored with
the compact range of its tree (``ledger.compact``, O(log n) hashes), and the
next one grows from it by the events after it. A checkpoint stored without one
(older databases, imports) costs one pass over the log, once. Of several
signers (servers, a CLI writer), one signs at a time (``lock_signing``: a
PostgreSQL advisory lock).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sovet.adapters.signing import verify_ed25519
from sovet.domain import FederationState
from sovet.errors import (
    ChainBroken,
    ConcurrencyConflict,
    InputError,
    LedgerError,
    SovetError,
    StorageError,
    says,
)
from sovet.ledger.chain import canonical_event
from sovet.ledger.checkpoint import (
    CheckpointBody,
    CheckpointRecord,
    SignatureCheck,
    SignedCheckpoint,
    checkpoint_problem,
    sign_checkpoint,
)
from sovet.ledger.compact import CompactRange
from sovet.ledger.envelope import GENESIS_HASH, StoredEvent
from sovet.ports import Checkpoint, Clock, Signer, UnitOfWork
from sovet.services.checkpoint_json import (
    MAX_PROOF_SIZE,
    checkpoint_json,
    parse_checkpoint_json,
)
from sovet.services.consistency import consistency_proof
from sovet.services.snapshotting import (
    SnapshotPolicy,
    build_snapshot,
    snapshot_due,
    store_snapshot,
)

__all__ = [
    "DEFAULT_EVERY_EVENTS",
    "DEFAULT_EVERY_SECONDS",
    "MAX_PROOF_SIZE",
    "CheckpointPolicy",
    "Checkpointer",
    "check_checkpoints",
    "check_extends",
    "checkpoint_json",
    "consistency_proof",
    "latest_checkpoint",
    "parse_checkpoint_json",
    "sign_head",
]

log = logging.getLogger("sovet.checkpoints")

DEFAULT_EVERY_EVENTS = 1_000
"""A server signs at least every this many events (issue 9: at most 1,000)."""
DEFAULT_EVERY_SECONDS = 10.0
"""… and within this many seconds of any write (issue 9: at most 10 s)."""
DEFAULT_SNAPSHOTS = SnapshotPolicy()
"""When the store's writers take a snapshot as they sign (``snapshotting``)."""


def check_checkpoints(
    events: Sequence[StoredEvent],
    checkpoints: Iterable[Checkpoint],
    verify_signature: SignatureCheck,
) -> int:
    """Check each checkpoint against the (verified) events; how many were checked.

    A checkpoint larger than the log means events were deleted: ``ChainBroken``
    names the first missing event. Otherwise the checkpoint's signature and its
    size, Merkle root and head hash must match the first ``size`` events. The
    roots come from one compact range grown along the log (one pass, however
    many checkpoints), in order of size.
    """
    count = 0
    tree = CompactRange()
    for checkpoint in sorted(checkpoints, key=lambda c: c.size):
        if checkpoint.size > len(events):
            raise ChainBroken(
                len(events) + 1,
                says(
                    "missing: a signed checkpoint covers {size} events, the log "
                    "holds {count}",
                    size=checkpoint.size,
                    count=len(events),
                ),
            )
        for event in events[tree.size : checkpoint.size]:
            tree.append(canonical_event(event))
        head = events[checkpoint.size - 1].hash if checkpoint.size else GENESIS_HASH
        expected = CheckpointBody(checkpoint.size, tree.root().hex(), head)
        problem = checkpoint_problem(checkpoint, verify_signature, expected=expected)
        if problem is not None:
            raise ChainBroken(max(checkpoint.size, 1), problem)
        count += 1
    return count


def _grow(
    tree: CompactRange, head: str, events: Iterator[StoredEvent]
) -> tuple[CompactRange, str]:
    """Append ``events`` (the log after ``tree.size``) to ``tree``, checking links."""
    for event in events:
        if event.seq != tree.size + 1 or event.prev_hash != head:
            raise ChainBroken(
                event.seq,
                says(
                    "refusing to sign: event {seq} does not follow event {size} "
                    "(seq or prev_hash); run `sovet verify`",
                    seq=event.seq,
                    size=tree.size,
                ),
            )
        tree.append(canonical_event(event))
        head = event.hash
    return tree, head


def _resume(uow: UnitOfWork, latest: CheckpointRecord | None) -> CompactRange:
    """The tree at ``latest``: from its stored peaks when they give its signed
    root, else rebuilt once from the log; the log's event at that size must be
    the checkpoint's head (``ChainBroken`` otherwise)."""
    if latest is None:
        return CompactRange()
    cp = latest.checkpoint
    found = list(uow.events.read(after_seq=cp.size - 1, limit=1)) if cp.size else []
    if cp.size and (not found or found[0].hash != cp.head_hash):
        raise ChainBroken(
            cp.size,
            says(
                "refusing to sign: the log no longer ends its latest "
                "checkpoint ({size} events, head {head_hash}); run `sovet "
                "verify`",
                size=cp.size,
                head_hash=cp.head_hash,
            ),
        )
    if latest.peaks is not None:
        try:
            stored = CompactRange.from_hex(cp.size, latest.peaks)
        except LedgerError:
            stored = None  # a damaged stored range: rebuild it below
        if stored is not None and stored.root().hex() == cp.root_hash:
            return stored
    tree, _head = _grow(CompactRange(), GENESIS_HASH, uow.events.read(limit=cp.size))
    if tree.size != cp.size or tree.root().hex() != cp.root_hash:
        raise ChainBroken(
            max(cp.size, 1),
            says(
                "refusing to sign: the log's first {size} events do not give "
                "the latest checkpoint's root; run `sovet verify`",
                size=cp.size,
            ),
        )
    return tree


def sign_head(
    uow: UnitOfWork,
    signer: Signer,
    *,
    clock: Clock | None = None,
    snapshots: SnapshotPolicy | None = DEFAULT_SNAPSHOTS,
    rebuild: bool = True,
    held: FederationState | None = None,
) -> SignedCheckpoint | None:
    """Sign and store a checkpoint of the head; ``None`` if empty or already signed.

    Reads only the events after the latest checkpoint (its compact range is
    stored with it) and stores the new one with its own range and, given a
    ``clock``, the time it was made. Waits for any other signer first
    (``lock_signing``). ``ChainBroken`` when the log does not extend the
    latest checkpoint: nothing is signed over a broken log.

    With ``snapshots`` (the default policy) a snapshot of the state at the head
    is taken when due (``snapshotting``) and its SHA-256 signed in the
    checkpoint (version 2); ``held`` is the state at the head if the caller
    has it. With ``rebuild``, an already signed head with no good snapshot
    near it gets one: its checkpoint is signed again (same key) naming it.
    """
    key = signer.public_key_hex()
    with uow:
        uow.checkpoints.lock_signing()
        latest = uow.checkpoints.latest()
        tree = _resume(uow, latest)
        head = latest.checkpoint.head_hash if latest is not None else GENESIS_HASH
        tree, head = _grow(tree, head, uow.events.read(after_seq=tree.size))
        signed_size = latest.checkpoint.size if latest is not None else 0
        fresh = tree.size != signed_size
        if not fresh and not (
            rebuild and latest is not None and latest.checkpoint.public_key == key
        ):
            return None
        sha = None
        if snapshots is not None and tree.size > 0:
            sha = _snapshot(uow, tree.size, snapshots, key, held)
        if not fresh and sha is None:
            return None
        body = CheckpointBody(tree.size, tree.root().hex(), head, sha)
        checkpoint = sign_checkpoint(body, signer)
        if fresh:
            made = None if clock is None else clock.now().isoformat()
            uow.checkpoints.add(checkpoint, appended_at=made, peaks=tree.to_hex())
        else:
            uow.checkpoints.resign(checkpoint)
        uow.commit()
    return checkpoint


def _snapshot(
    uow: UnitOfWork,
    size: int,
    policy: SnapshotPolicy,
    key: str,
    held: FederationState | None,
) -> str | None:
    """Take and store a snapshot at ``size`` if due; its SHA-256, or ``None``.
    A log this code cannot fold (``sovet verify --deep`` says where) is signed
    without one: a snapshot never stops a checkpoint."""
    try:
        drop = snapshot_due(uow, size, policy, verify_ed25519, (key,))
        if drop is None:
            return None
        built = build_snapshot(uow, size, verify_ed25519, (key,), held=held)
        return store_snapshot(uow, built, drop)
    except (SovetError, LookupError, ValueError, TypeError) as error:
        log.warning("no snapshot at %d events: %s", size, error)
        return None


def latest_checkpoint(uow: UnitOfWork) -> CheckpointRecord | None:
    """The latest stored checkpoint, with its time, or ``None``."""
    with uow:
        return uow.checkpoints.latest()


def check_extends(
    uow: UnitOfWork, kept: Checkpoint, verify_signature: SignatureCheck
) -> None:
    """``ChainBroken`` unless the log extends ``kept`` (a checkpoint an observer
    kept): its signature checks, the log holds at least ``size`` events, and the
    first ``size`` of them give its Merkle root and head hash. Catches a deleted
    tail, a rewritten history (re-signed or not) and removed checkpoints alike.
    One pass over the first ``size`` events, O(log n) memory.
    """
    problem = checkpoint_problem(kept, verify_signature)
    if problem is not None:
        raise ChainBroken(
            max(kept.size, 1), says("the kept checkpoint: {problem}", problem=problem)
        )
    tree, head = CompactRange(), GENESIS_HASH
    with uow:
        for event in uow.events.read(limit=kept.size):
            tree.append(canonical_event(event))
            head = event.hash
    if tree.size < kept.size:
        raise ChainBroken(
            tree.size + 1,
            says(
                "missing: the kept checkpoint covers {size} events, the log "
                "holds {held} (its tail was deleted)",
                size=kept.size,
                held=tree.size,
            ),
        )
    if tree.root().hex() != kept.root_hash or head != kept.head_hash:
        raise ChainBroken(
            kept.size,
            says(
                "the log does not extend the kept checkpoint of {size} "
                "events: its first {size} events give root {log_root}, head "
                "{head}; the checkpoint states root {root_hash}, head "
                "{head_hash} (history rewritten)",
                size=kept.size,
                log_root=tree.root().hex(),
                head=head,
                root_hash=kept.root_hash,
                head_hash=kept.head_hash,
            ),
        )


@dataclass(frozen=True, slots=True)
class CheckpointPolicy:
    """When a server signs: at least every ``every_events`` events, and within
    ``every_seconds`` of any write (another process's writes included)."""

    every_events: int = DEFAULT_EVERY_EVENTS
    every_seconds: float = DEFAULT_EVERY_SECONDS

    def __post_init__(self) -> None:
        if self.every_events < 1:
            raise InputError(says("must be at least 1"), key="checkpoint_every_events")
        if not 0 < self.every_seconds <= 86_400:
            raise InputError(
                says("must be above 0 and at most a day"),
                key="checkpoint_every_seconds",
            )


class Checkpointer:
    """A server's signer: a thread that signs the head as the log grows.

    ``noticed(n)`` after each write of ``n`` events (the API's after-execute
    hook) wakes it once ``every_events`` are unsigned; otherwise it looks every
    ``every_seconds`` (one head check when nothing changed), so every event is
    signed within that time of being written, whoever wrote it. ``stop()`` signs
    a last time. A failure to sign is logged and tried again at the next turn:
    serving goes on, and a broken log is never signed (``ChainBroken``).
    """

    ATTEMPTS = 3
    """Tries of one signing that lost a race with another writer."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        signer: Signer,
        clock: Clock,
        policy: CheckpointPolicy | None = None,
    ) -> None:
        self.policy = policy or CheckpointPolicy()
        self._uow, self._signer, self._clock = uow, signer, clock
        self._wake, self._stopping = threading.Event(), threading.Event()
        self._signing = threading.Lock()
        self._unsigned = 0
        self._thread: threading.Thread | None = None
        self.signed = 0
        """How many checkpoints this signer made."""
        self.last_error: BaseException | None = None

    def start(self) -> None:
        """Start the signing thread (a daemon; ``stop`` ends it)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, name="sovet-checkpointer", daemon=True
        )
        self._thread.start()

    def noticed(self, count: int) -> None:
        """``count`` events were written: wake the thread at ``every_events``."""
        self._unsigned += count
        if self._unsigned >= self.policy.every_events:
            self._wake.set()

    def sign_now(self, *, rebuild: bool = False) -> SignedCheckpoint | None:
        """Sign the head now (if it is not signed yet); the checkpoint or ``None``.

        A lost race with another writer (SQLite busy, a checkpoint of the size
        stored by another signer) is tried again, up to ``ATTEMPTS`` times;
        ``rebuild``: also snapshot an already signed head (``sign_head``);
        any other failure is logged and kept in ``last_error``, never raised.
        """
        with self._signing:
            self._unsigned = 0
            for attempt in range(1, self.ATTEMPTS + 1):
                try:
                    signed = sign_head(
                        self._uow(), self._signer, clock=self._clock, rebuild=rebuild
                    )
                except (ConcurrencyConflict, StorageError) as error:
                    self.last_error = error
                    log.warning("checkpoint not signed (try %d): %s", attempt, error)
                    continue
                except ChainBroken as error:
                    self.last_error = error
                    log.error("refusing to sign a checkpoint: %s", error)
                    return None
                except Exception as error:  # a server's signer must go on
                    self.last_error = error
                    log.exception("checkpoint signing failed")
                    return None
                if signed is not None:
                    self.signed += 1
                return signed
            return None

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.policy.every_seconds)
            self._wake.clear()
            if self._stopping.is_set():
                break
            self.sign_now()

    def stop(self) -> SignedCheckpoint | None:
        """End the thread and sign the head a last time (at shutdown)."""
        thread, self._thread = self._thread, None
        self._stopping.set()
        self._wake.set()
        if thread is not None:
            thread.join()
        return self.sign_now(rebuild=True)
