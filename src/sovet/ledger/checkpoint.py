"""Signed checkpoints: a signed statement of the log's head (DESIGN §3).

A checkpoint says "the log had ``size`` events, their Merkle root
(``sovet.ledger.merkle`` over the canonical event bytes) was ``root_hash`` and the
last event's chain hash was ``head_hash``". The signed message is the canonical
JSON of::

    {"head_hash": …, "root_hash": …, "size": …, "tag": "sovet-checkpoint/v1"}

(hashes as lowercase hex; for the empty log the root is ``SHA-256()`` and the head
``GENESIS_HASH``). A checkpoint that also vouches for a snapshot of the folded
state (``services.snapshots``) is version 2: the same keys plus ``snapshot``,
the SHA-256 (hex) of the snapshot's stored bytes, under the tag
``sovet-checkpoint/v2``; a checkpoint without one stays version 1. The tag
keeps a checkpoint signature from being replayed as a signature over anything
else. Signing and checking signatures happen outside
this pure module: ``sign_checkpoint`` takes any signer, ``verify_checkpoint``
takes the signature check as a function (Ed25519 in ``sovet.adapters.signing``)
and answers a bool; ``checkpoint_problem`` gives the reason as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from sovet.errors import says
from sovet.ledger.canonical import canonical_json
from sovet.ledger.chain import canonical_event
from sovet.ledger.envelope import GENESIS_HASH, StoredEvent
from sovet.ledger.merkle import MerkleTree

__all__ = [
    "CHECKPOINT_TAG",
    "CHECKPOINT_TAG_V2",
    "CheckpointBody",
    "CheckpointLike",
    "CheckpointRecord",
    "SignedCheckpoint",
    "checkpoint_body",
    "checkpoint_problem",
    "sign_checkpoint",
    "verify_checkpoint",
]

CHECKPOINT_TAG = "sovet-checkpoint/v1"
"""The domain-separation tag inside every signed checkpoint message."""
CHECKPOINT_TAG_V2 = "sovet-checkpoint/v2"
"""… of a checkpoint that also states a snapshot's SHA-256 (``snapshot``)."""

_HEX64 = re.compile(r"[0-9a-f]{64}")

SignatureCheck = Callable[[str, bytes, bytes], bool]
"""``(public_key_hex, message, signature) -> bool``."""


class CheckpointLike(Protocol):
    """Any checkpoint (``ports.Checkpoint`` has the same read-only members)."""

    @property
    def size(self) -> int: ...
    @property
    def root_hash(self) -> str: ...
    @property
    def head_hash(self) -> str: ...
    @property
    def signature(self) -> str: ...
    @property
    def public_key(self) -> str: ...


class _Signer(Protocol):
    def public_key_hex(self) -> str: ...
    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class CheckpointBody:
    """What a checkpoint states: ``size`` events, their root and head hashes,
    and (version 2) the SHA-256 of the snapshot of the state at ``size``."""

    size: int
    root_hash: str
    head_hash: str
    snapshot: str | None = None

    def message(self) -> bytes:
        """The exact bytes that are signed (canonical JSON with the v1 tag, or
        the v2 tag and ``snapshot`` when the checkpoint states one)."""
        statement: dict[str, str | int] = {
            "tag": CHECKPOINT_TAG,
            "size": self.size,
            "root_hash": self.root_hash,
            "head_hash": self.head_hash,
        }
        if self.snapshot is not None:
            statement["tag"] = CHECKPOINT_TAG_V2
            statement["snapshot"] = self.snapshot
        return canonical_json(statement)

    def log_part(self) -> CheckpointBody:
        """What it states about the log alone (size, root, head)."""
        return CheckpointBody(self.size, self.root_hash, self.head_hash)


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint with its signature and the signer's public key (hex);
    ``snapshot``: the snapshot's SHA-256 it states (version 2), else ``None``."""

    size: int
    root_hash: str
    head_hash: str
    signature: str
    public_key: str
    snapshot: str | None = None

    @property
    def body(self) -> CheckpointBody:
        """The statement that was signed."""
        return CheckpointBody(self.size, self.root_hash, self.head_hash, self.snapshot)

    @classmethod
    def sign(cls, body: CheckpointBody, signer: _Signer) -> SignedCheckpoint:
        """Sign ``body`` with ``signer`` (a ``ports.Signer``)."""
        return cls(
            body.size,
            body.root_hash,
            body.head_hash,
            signer.sign(body.message()).hex(),
            signer.public_key_hex(),
            body.snapshot,
        )


@dataclass(frozen=True, slots=True)
class CheckpointRecord:
    """A stored checkpoint with what the store keeps beside it (never signed).

    ``appended_at`` is when the checkpoint was made (ISO 8601, UTC), ``peaks``
    the compact range of its tree (``ledger.compact``, hex), from which the
    next checkpoint grows without reading the log before it. Either is ``None``
    for a checkpoint stored without them (older databases, imports).
    """

    checkpoint: SignedCheckpoint
    appended_at: str | None = None
    peaks: tuple[str, ...] | None = None


def checkpoint_body(events: Iterable[StoredEvent]) -> CheckpointBody:
    """The body for the log made of ``events`` (in seq order, already verified)."""
    leaves: list[bytes] = []
    head = GENESIS_HASH
    for event in events:
        leaves.append(canonical_event(event))
        head = event.hash
    return CheckpointBody(len(leaves), MerkleTree(leaves).root().hex(), head)


def sign_checkpoint(body: CheckpointBody, signer: _Signer) -> SignedCheckpoint:
    """Sign ``body`` with ``signer`` (a ``ports.Signer``)."""
    return SignedCheckpoint.sign(body, signer)


def verify_checkpoint(
    checkpoint: CheckpointLike,
    verify_signature: SignatureCheck,
    *,
    trusted_key: str | None = None,
    expected: CheckpointBody | None = None,
) -> bool:
    """True when the checkpoint is sound; ``checkpoint_problem`` says why not."""
    return (
        checkpoint_problem(
            checkpoint, verify_signature, trusted_key=trusted_key, expected=expected
        )
        is None
    )


def checkpoint_problem(
    checkpoint: CheckpointLike,
    verify_signature: SignatureCheck,
    *,
    trusted_key: str | None = None,
    expected: CheckpointBody | None = None,
) -> str | None:
    """Why the checkpoint is not sound, or ``None`` when it is.

    Sound means: well-formed fields; signed by ``trusted_key`` when one is given;
    a signature that ``verify_signature`` accepts over the body's ``message()``;
    and, when ``expected`` (the body recomputed from the log) is given, the same
    size, root and head. A checkpoint without a ``snapshot`` member (or with
    ``None``) is version 1; with one, version 2 (the hash is signed too).
    """
    cp = checkpoint
    if type(cp.size) is not int or cp.size < 0:
        return says("checkpoint size {size!r} is not a count of events", size=cp.size)
    for name in ("root_hash", "head_hash"):
        value = getattr(cp, name)
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            return says(
                "checkpoint {name} {value!r} is not 64 lowercase hex digits",
                name=name,
                value=value,
            )
    if trusted_key is not None and cp.public_key != trusted_key:
        return says(
            "checkpoint signed by key {public_key}, not the trusted {trusted_key}",
            public_key=cp.public_key,
            trusted_key=trusted_key,
        )
    snapshot = getattr(cp, "snapshot", None)
    if snapshot is not None and (
        not isinstance(snapshot, str) or not _HEX64.fullmatch(snapshot)
    ):
        return says(
            "checkpoint snapshot {snapshot!r} is not 64 lowercase hex digits",
            snapshot=snapshot,
        )
    try:
        signature = bytes.fromhex(cp.signature)
    except (ValueError, TypeError):
        return says(
            "checkpoint signature {signature!r} is not hex", signature=cp.signature
        )
    body = CheckpointBody(cp.size, cp.root_hash, cp.head_hash, snapshot)
    if not verify_signature(cp.public_key, body.message(), signature):
        return says(
            "checkpoint at size {size}: signature does not verify under "
            "key {public_key}",
            size=cp.size,
            public_key=cp.public_key,
        )
    if expected is not None and expected.log_part() != body.log_part():
        return says(
            "checkpoint states size {size}, root {root}, head "
            "{head}; the log gives size {log_size}, root "
            "{log_root}, head {log_head}",
            size=cp.size,
            root=cp.root_hash,
            head=cp.head_hash,
            log_size=expected.size,
            log_root=expected.root_hash,
            log_head=expected.head_hash,
        )
    return None
