"""Export and import of the whole log as JSON lines (DESIGN §4).

Format ``sovet-log/2`` (``sovet-log/1`` files, written before issue 9, still
import), one JSON object per line:

1. a header ``{"format": "sovet-log/2", "public_key": …, "signers": […],
   "events": N, "head_hash": …}`` — ``signers`` are the keys the checkpoints are
   signed by (an imported log keeps its origin's); ``public_key`` is the one
   signer when there is exactly one (what an observer pins, and what
   ``tools/verify_export.py`` checks every checkpoint against), else the
   exporting database's own key;
2. N event lines in ``seq`` order: a v1 event (``ledger.envelope``) as
   ``{"kind": "event", "seq", "stream_id", "version", "type", "payload",
   "recorded_at", "prev_hash", "hash"}``, a v2 event as ``{"kind": "event",
   "envelope": 2, "seq", "stream_id", "version", "type", "payload",
   "effective_at", "appended_at", "command", "prev_hash", "hash"}``;
3. checkpoint lines ``{"kind": "checkpoint", "size", "root_hash", "head_hash",
   "signature", "public_key"}``;
4. key record lines ``{"kind": "key", "statement", "signature",
   "countersignature"}`` in their order (``ledger.keyring``: certificates and
   rotations of the signing key; none in a log that never changed its key, so
   older exports read as before). With key records the header's
   ``public_key`` is the key that signs now, and ``key_history`` lists every
   key of the history (signing keys in turn, then the root), so a verifier
   pinned to an older one knows at once that it may follow.

``import_log`` verifies everything — the hash chain, each checkpoint's Merkle
root, head and Ed25519 signature, and every key record — before storing
anything, refuses a target that already holds events, and checks that the
stored chain reproduces the exported hashes (the whole import is one unit of
work). A checkpoint signed by a key its header does not declare is refused;
with ``pinned`` keys (an observer's ``--public-key``) every checkpoint must be
signed by one of them or by a key rotated to from one (``keys.verify``). The
verified export's ``keys`` are what the importing database pins
(``queries.write_pins``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from sovet.errors import ChainBroken, InputError, says
from sovet.ledger import chain
from sovet.ledger.checkpoint import SignatureCheck, SignedCheckpoint
from sovet.ledger.envelope import ENVELOPE_V1, GENESIS_HASH, StoredEvent
from sovet.ledger.keyring import CERTIFICATE, KeyRecord
from sovet.ports import Signer, UnitOfWork
from sovet.services.keys import Anchor, current_key, verify_lists
from sovet.services.queries import check_signers
from sovet.services.replay import replay_into

__all__ = [
    "FORMAT",
    "READ_FORMATS",
    "ImportReport",
    "VerifiedExport",
    "event_row",
    "export_lines",
    "export_log",
    "import_log",
    "store_export",
    "verify_export",
]

FORMAT = "sovet-log/2"
"""The export format tag of the header line."""

READ_FORMATS = ("sovet-log/1", FORMAT)
"""The formats an import reads: v1 files hold only v1 events."""

_EVENT_KEYS = (
    "seq",
    "stream_id",
    "version",
    "type",
    "payload",
    "recorded_at",
    "prev_hash",
    "hash",
)
_EVENT_KEYS_V2 = (
    "seq",
    "stream_id",
    "version",
    "type",
    "payload",
    "effective_at",
    "appended_at",
    "envelope",
    "command",
    "prev_hash",
    "hash",
)
_CHECKPOINT_KEYS = ("size", "root_hash", "head_hash", "signature", "public_key")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import stored: event count, head hash, checkpoints."""

    events: int
    head_hash: str
    checkpoints: int


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _own_key(signer: Signer | None) -> str | None:
    try:
        return None if signer is None else signer.public_key_hex()
    except InputError:  # a read-only copy without its key file
        return None


def _key_history(records: Iterable[KeyRecord]) -> list[str]:
    """Every key the records name: the signing keys in turn, then the root."""
    keys: dict[str, None] = {}
    roots: dict[str, None] = {}
    for record in records:
        statement = record.statement
        if statement.kind == CERTIFICATE:
            roots[statement.authority] = None
        else:
            keys[str(statement.previous)] = None
        keys[statement.key] = None
    return [*keys, *(root for root in roots if root not in keys)]


def export_lines(uow: UnitOfWork, signer: Signer | None) -> Iterator[str]:
    """The export, line by line (without newlines).

    The header's ``public_key`` is the key that signs now by the key records,
    else the one checkpoint signer, else ``signer``'s (this database's), else
    the latest signer ("" for a log nobody signed, exported without a key).
    """
    with uow:
        events = list(uow.events.read())
        checkpoints = uow.checkpoints.list()
        records = uow.key_records.list()
    head = events[-1].hash if events else GENESIS_HASH
    signers = list(dict.fromkeys(c.public_key for c in checkpoints))
    public_key = (
        current_key(records)
        or (signers[0] if len(signers) == 1 else None)
        or _own_key(signer)
        or (signers[-1] if signers else "")
    )
    header: dict[str, Any] = {
        "format": FORMAT,
        "public_key": public_key,
        "signers": signers,
        "events": len(events),
        "head_hash": head,
    }
    if records:
        header["key_history"] = _key_history(records)
    yield _dump(header)
    for event in events:
        yield _dump({"kind": "event", **event_row(event)})
    for checkpoint in checkpoints:
        row = {key: getattr(checkpoint, key) for key in _CHECKPOINT_KEYS}
        snapshot = getattr(checkpoint, "snapshot", None)
        if snapshot is not None:  # a v2 checkpoint: the hash is signed too
            row["snapshot"] = snapshot
        yield _dump({"kind": "checkpoint", **row})
    for record in records:
        yield _dump({"kind": "key", **record.to_json()})


def event_row(event: StoredEvent) -> dict[str, Any]:
    """An event's export line (without ``kind``), by its envelope version."""
    if event.envelope == ENVELOPE_V1:
        row = {key: getattr(event, key) for key in _EVENT_KEYS}
    else:
        row = {key: getattr(event, key) for key in _EVENT_KEYS_V2}
        row["command"] = None if event.command is None else dict(event.command)
    row["payload"] = dict(event.payload)
    return row


def _event(row: dict[str, Any], source: str, line: int) -> StoredEvent:
    """The event of an export line (v1 or v2)."""
    if row.get("envelope", ENVELOPE_V1) == ENVELOPE_V1:
        fields = _fields(row, _EVENT_KEYS, source, line)
        fields["effective_at"] = fields.pop("recorded_at")
        return StoredEvent(**fields)
    return StoredEvent(**_fields(row, _EVENT_KEYS_V2, source, line))


def export_log(uow: UnitOfWork, signer: Signer | None, out: IO[str]) -> int:
    """Write the export to ``out``; the number of events written."""
    lines = export_lines(uow, signer)
    header = next(lines)
    out.write(header + "\n")
    for line in lines:
        out.write(line + "\n")
    return int(json.loads(header)["events"])


def _fields(
    row: dict[str, Any], keys: Iterable[str], source: str, line: int
) -> dict[str, Any]:
    missing = [key for key in keys if key not in row]
    if missing:
        raise InputError(
            says("missing field"), source=source, line=line, key=missing[0]
        )
    return {key: row[key] for key in keys}


@dataclass(frozen=True, slots=True)
class _Parsed:
    header: dict[str, Any]
    events: list[StoredEvent]
    checkpoints: list[SignedCheckpoint]
    records: list[KeyRecord]


def _parse(lines: Iterable[str], source: str) -> _Parsed:
    header: dict[str, Any] | None = None
    events: list[StoredEvent] = []
    checkpoints: list[SignedCheckpoint] = []
    records: list[KeyRecord] = []
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                says("not JSON: {msg}", msg=error.msg), source=source, line=number
            ) from error
        except RecursionError as error:
            raise InputError(
                says("not acceptable JSON: nested too deeply"),
                source=source,
                line=number,
            ) from error
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            raise InputError(
                says("not acceptable JSON: {error}", error=error),
                source=source,
                line=number,
            ) from error
        if not isinstance(row, dict):
            raise InputError(
                says("each line must be a JSON object"), source=source, line=number
            )
        if header is None:
            if row.get("format") not in READ_FORMATS:
                raise InputError(
                    says(
                        "not a sovet log export (expected format {format!r})",
                        format=FORMAT,
                    ),
                    source=source,
                    line=number,
                    key="format",
                )
            header = row
        elif row.get("kind") == "event":
            events.append(_event(row, source, number))
        elif row.get("kind") == "checkpoint":
            fields = _fields(row, _CHECKPOINT_KEYS, source, number)
            snapshot = row.get("snapshot")
            if snapshot is not None and not isinstance(snapshot, str):
                raise InputError(
                    "not a SHA-256 (hex)", source=source, line=number, key="snapshot"
                )
            checkpoints.append(SignedCheckpoint(**fields, snapshot=snapshot))
        elif row.get("kind") == "key":
            try:
                records.append(KeyRecord.from_json(row))
            except ValueError as error:
                raise InputError(
                    says("not a key record: {error}", error=error),
                    source=source,
                    line=number,
                    key="statement",
                ) from error
        else:
            raise InputError(
                says("unknown line kind"), source=source, line=number, key="kind"
            )
    if header is None:
        raise InputError(says("empty export"), source=source)
    return _Parsed(header, events, checkpoints, records)


@dataclass(frozen=True, slots=True)
class VerifiedExport:
    """An export whose chain, Merkle roots and signatures all checked out."""

    source: str
    events: list[StoredEvent]
    checkpoints: list[SignedCheckpoint]
    head_hash: str
    keys: tuple[str, ...] = ()
    """The keys the checkpoints are signed by (to pin, and to show an observer)."""
    key_records: tuple[KeyRecord, ...] = ()
    """The signing key's certificates and rotations, in order."""


def _header_keys(header: dict[str, Any], source: str) -> set[str]:
    """The keys the header declares: its ``public_key`` and its ``signers``."""
    signers = header.get("signers", [])
    for key, value in (
        ("public_key", [header.get("public_key")]),
        ("signers", signers),
    ):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(
                says("the header's keys must be hex strings"),
                source=source,
                line=1,
                key=key,
            )
    return {header["public_key"], *signers}


def verify_export(
    lines: Iterable[str],
    *,
    source: str,
    verify_signature: SignatureCheck,
    pinned: Collection[str] | None = None,
) -> VerifiedExport:
    """Parse and verify an export completely, storing nothing.

    Raises ``InputError`` (with the line) for a malformed file and
    ``ChainBroken`` (with the event) when a hash, link, Merkle root, checkpoint,
    key record or signature does not check out, or a checkpoint is signed by a
    key the header does not declare (or, with ``pinned``, by a key neither
    pinned nor rotated to from a pinned key).
    """
    parsed = _parse(lines, source)
    header, events, checkpoints = parsed.header, parsed.events, parsed.checkpoints
    count, head = chain.verify(events)
    if header.get("events") != count or header.get("head_hash") != head:
        raise ChainBroken(
            count,
            says("the header's event count or head hash does not match the events"),
        )
    check_signers(checkpoints, _header_keys(header, source))
    anchors = None
    if pinned is not None:
        anchors = [Anchor(key, says("the key given")) for key in pinned]
    found = verify_lists(events, checkpoints, parsed.records, verify_signature, anchors)
    return VerifiedExport(
        source, events, checkpoints, head, found.keys, tuple(parsed.records)
    )


def store_export(verified: VerifiedExport, uow: UnitOfWork) -> ImportReport:
    """Store a verified export in an empty database, in one unit of work."""
    events = verified.events
    with uow:
        if uow.events.head()[0] != 0:
            raise InputError(
                says(
                    "the target database already holds events; import needs an "
                    "empty one"
                ),
                source=verified.source,
            )
        # Stored exactly as exported: envelope, both times and the command.
        new = [e.as_new() for e in events]
        stored = uow.events.append(new) if new else []
        for original, copy in zip(events, stored, strict=True):
            if (original.seq, original.version, original.hash) != (
                copy.seq,
                copy.version,
                copy.hash,
            ):
                raise ChainBroken(
                    original.seq,
                    says("the stored copy does not reproduce the exported hash"),
                )
        for checkpoint in verified.checkpoints:
            uow.checkpoints.add(checkpoint)
        for record in verified.key_records:
            uow.key_records.add(record)
        replay_into(uow, uow.projections)
        uow.commit()
    return ImportReport(len(events), verified.head_hash, len(verified.checkpoints))


def import_log(
    lines: Iterable[str],
    uow: UnitOfWork,
    *,
    source: str,
    verify_signature: SignatureCheck,
    pinned: Collection[str] | None = None,
) -> ImportReport:
    """Verify an export completely, then store it in an empty database."""
    verified = verify_export(
        lines, source=source, verify_signature=verify_signature, pinned=pinned
    )
    return store_export(verified, uow)
