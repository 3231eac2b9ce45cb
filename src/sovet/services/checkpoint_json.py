"""The JSON form of a checkpoint, as ``GET /api/checkpoints/latest``, witnesses
and ``sovet verify --against`` give and read it (moved out of ``checkpoints``,
which re-exports it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sovet.errors import InputError, says
from sovet.ledger.checkpoint import CheckpointRecord, SignedCheckpoint

__all__ = ["MAX_PROOF_SIZE", "checkpoint_json", "parse_checkpoint_json"]

MAX_PROOF_SIZE = 2**63 - 1
"""The largest tree size a consistency proof is asked for (SQL ``BIGINT``)."""
_JSON_KEYS = ("size", "root", "head", "public_key", "signature")


def checkpoint_json(record: CheckpointRecord) -> dict[str, Any]:
    """The checkpoint as ``GET /api/checkpoints/latest`` and witnesses give it:
    ``size``, ``root``, ``head``, ``public_key``, ``signature`` (hex) and
    ``appended_at`` (when it was made; ``null`` when not recorded), and for a
    version-2 checkpoint ``snapshot`` (the snapshot's SHA-256, signed too)."""
    cp = record.checkpoint
    return {
        "size": cp.size,
        "root": cp.root_hash,
        "head": cp.head_hash,
        "public_key": cp.public_key,
        "signature": cp.signature,
        "appended_at": record.appended_at,
        **({} if cp.snapshot is None else {"snapshot": cp.snapshot}),
    }


def parse_checkpoint_json(value: object, *, source: str) -> CheckpointRecord:
    """A checkpoint in ``checkpoint_json``'s form (``InputError`` naming the key
    otherwise); its signature is not checked here (``checkpoint_problem``)."""
    if not isinstance(value, Mapping):
        raise InputError(says("a checkpoint is a JSON object"), source=source)
    for key in _JSON_KEYS:
        if key not in value:
            raise InputError(
                says("missing from the checkpoint"), source=source, key=key
            )
    size = value["size"]
    if type(size) is not int or not 0 < size <= MAX_PROOF_SIZE:
        raise InputError(
            says("not a positive count of events"), source=source, key="size"
        )
    for key in ("root", "head", "public_key", "signature"):
        if not isinstance(value[key], str):
            raise InputError(says("not a hex string"), source=source, key=key)
    appended_at = value.get("appended_at")
    if appended_at is not None and not isinstance(appended_at, str):
        raise InputError(says("not a time"), source=source, key="appended_at")
    snapshot = value.get("snapshot")
    if snapshot is not None and not isinstance(snapshot, str):
        raise InputError(says("not a hex string"), source=source, key="snapshot")
    signed = SignedCheckpoint(
        size,
        value["root"],
        value["head"],
        value["signature"],
        value["public_key"],
        snapshot,
    )
    return CheckpointRecord(signed, appended_at)
