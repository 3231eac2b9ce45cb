"""The hash chain: each event is linked to the one before it (DESIGN §3).

An event's canonical form is the canonical JSON (``sovet.ledger.canonical``) of
the object ``{"seq", "stream_id", "version", "type", "payload", "recorded_at"}``
— the envelope without its links. Its hash is::

    hash = sha256(prev_hash_raw ‖ canonical_event)

where ``prev_hash_raw`` is the previous event's hash as 32 raw bytes (not its
hex text), and the first event's ``prev_hash`` is ``GENESIS_HASH``, 32 zero
bytes. Hashes are stored and exchanged as 64 lowercase hex digits.

``verify`` walks the log in seq order and stops at the first event that breaks
any of: seq is exactly one more than the last (no gap, duplicate or swap); the
version is exactly one more than the stream's last version; ``prev_hash`` is the
last event's hash; ``hash`` is what the event's content gives.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from sovet.errors import CanonicalEncodingError, ChainBroken
from sovet.ledger.canonical import canonical_json, canonical_parsed
from sovet.ledger.envelope import GENESIS_HASH, JSONValue, NewEvent, StoredEvent

__all__ = [
    "EventContent",
    "canonical_event",
    "event_hash",
    "link",
    "link_batch",
    "verify",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")


class EventContent(Protocol):
    """What the hash covers: an envelope with its seq and version assigned."""

    @property
    def seq(self) -> int: ...
    @property
    def stream_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, JSONValue]: ...
    @property
    def recorded_at(self) -> str: ...


def canonical_event(event: EventContent) -> bytes:
    """The canonical bytes of an event (no links): what is hashed and Merkle-leafed."""
    return canonical_json(
        {
            "seq": event.seq,
            "stream_id": event.stream_id,
            "version": event.version,
            "type": event.type,
            "payload": event.payload,
            "recorded_at": event.recorded_at,
        },
        path=f"event {event.seq}",
    )


def _hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + content).hexdigest()


_ENCODE_STRING: Callable[[str], str] = json.encoder.encode_basestring


def _assemble(
    seq: int, stream_id: str, version: int, type_: str, payload: bytes, at: str
) -> bytes:
    """``canonical_event`` from an already canonical payload (keys in sorted order)."""
    if type(seq) is not int or type(version) is not int:
        raise CanonicalEncodingError(f"event {seq}: seq and version must be integers")
    for name, text in (("stream_id", stream_id), ("type", type_), ("recorded_at", at)):
        if not isinstance(text, str):
            raise CanonicalEncodingError(f"event {seq}.{name}: must be a string")
    encode = _ENCODE_STRING
    try:
        tail = (
            f',"recorded_at":{encode(at)},"seq":{seq},'
            f'"stream_id":{encode(stream_id)},"type":{encode(type_)},'
            f'"version":{version}}}'
        ).encode()
    except UnicodeEncodeError as e:
        raise CanonicalEncodingError(
            f"event {seq}: stream_id, type or recorded_at is not valid Unicode"
        ) from e
    return b'{"payload":' + payload + tail


def event_hash(prev_hash: str, event: EventContent) -> str:
    """``sha256(raw prev_hash ‖ canonical_event(event))`` as lowercase hex."""
    if not _HEX64.fullmatch(prev_hash):
        raise ChainBroken(event.seq, f"prev_hash {prev_hash!r} is not 64 hex digits")
    return _hash(prev_hash, canonical_event(event))


def link(event: NewEvent, *, seq: int, version: int, prev_hash: str) -> StoredEvent:
    """The stored form of ``event`` at ``seq``/``version``, linked to ``prev_hash``."""
    if not _HEX64.fullmatch(prev_hash):
        raise ChainBroken(seq, f"prev_hash {prev_hash!r} is not 64 hex digits")
    stored, _ = link_batch(
        [event], head=(seq - 1, prev_hash), versions={event.stream_id: version - 1}
    )
    return stored[0]


def link_batch(
    events: Sequence[NewEvent],
    *,
    head: tuple[int, str],
    versions: Mapping[str, int],
) -> tuple[list[StoredEvent], list[bytes]]:
    """Link ``events`` after ``head`` = (seq, hash); ``versions`` = each stream's last.

    Returns the stored events and their canonical payload bytes (what a store
    writes in its ``payload`` column), both in order. Raises
    ``CanonicalEncodingError`` (naming the event and path) for a bad payload.
    """
    seq, prev = head
    current = dict(versions)
    stored: list[StoredEvent] = []
    payloads: list[bytes] = []
    for event in events:
        seq += 1
        version = current.get(event.stream_id, 0) + 1
        current[event.stream_id] = version
        payload, parsed = canonical_parsed(event.payload, path=f"event {seq} payload")
        body = _assemble(
            seq, event.stream_id, version, event.type, payload, event.recorded_at
        )
        digest = _hash(prev, body)
        stored.append(
            StoredEvent(
                seq,
                event.stream_id,
                version,
                event.type,
                # The canonical form, parsed back: exactly what a later read
                # yields (keys sorted, a copy), so live state equals replay.
                parsed,
                event.recorded_at,
                prev,
                digest,
            )
        )
        payloads.append(payload)
        prev = digest
    return stored, payloads


def verify(events: Iterable[StoredEvent]) -> tuple[int, str]:
    """Check the whole log in order; return ``(count, head hash)``.

    Raises ``ChainBroken(seq, reason)`` at the first event with a wrong seq
    (gap, duplicate, swap), a version that does not follow its stream, a
    ``prev_hash`` that is not the previous hash, or a hash its content does not
    give. An empty log verifies as ``(0, GENESIS_HASH)``.
    """
    iterator = iter(events)
    try:
        return _verify(iterator)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:  # release a store's cursor at once, even on failure
            close()


def _verify(events: Iterator[StoredEvent]) -> tuple[int, str]:
    last_seq = 0
    prev = GENESIS_HASH
    versions: dict[str, int] = {}
    for event in events:
        seq = event.seq
        if seq != last_seq + 1:
            if seq <= last_seq:
                what = "duplicated or out of order"
            else:
                what = f"events {last_seq + 1}…{seq - 1} are missing"
            raise ChainBroken(
                seq,
                f"seq {seq} follows seq {last_seq}: {what} (expected {last_seq + 1})",
            )
        expected_version = versions.get(event.stream_id, 0) + 1
        if event.version != expected_version:
            raise ChainBroken(
                seq,
                f"stream {event.stream_id!r} version {event.version} does not follow "
                f"version {expected_version - 1} (expected {expected_version})",
            )
        if event.prev_hash != prev:
            raise ChainBroken(
                seq,
                f"prev_hash {event.prev_hash} is not the hash of event {last_seq} "
                f"({prev})",
            )
        try:
            payload = canonical_json(event.payload, path=f"event {seq} payload")
            content = _assemble(
                seq,
                event.stream_id,
                event.version,
                event.type,
                payload,
                event.recorded_at,
            )
            digest = _hash(prev, content)
        except CanonicalEncodingError as e:
            raise ChainBroken(seq, f"content has no canonical form: {e}") from e
        if event.hash != digest:
            raise ChainBroken(
                seq,
                f"hash {event.hash} does not match its content (computed {digest}): "
                "the event was altered",
            )
        versions[event.stream_id] = expected_version
        last_seq = seq
        prev = digest
    return last_seq, prev
