"""The hash chain: each event is linked to the one before it (DESIGN §3).

An event's canonical form is the canonical JSON (``sovet.ledger.canonical``) of
its envelope without its links, by envelope version (``ledger.envelope``):

- v1: ``{"payload", "recorded_at", "seq", "stream_id", "type", "version"}``
  (``recorded_at`` is the effective time);
- v2: ``{"appended_at", "command", "effective_at", "envelope": 2, "payload",
  "seq", "stream_id", "type", "version"}``.

Its hash is::

    hash = sha256(prev_hash_raw ‖ canonical_event)

where ``prev_hash_raw`` is the previous event's hash as 32 raw bytes (not its
hex text), and the first event's ``prev_hash`` is ``GENESIS_HASH``, 32 zero
bytes. Hashes are stored and exchanged as 64 lowercase hex digits. The
canonical event is also the event's Merkle leaf (``ledger.merkle``).

``verify`` walks the log in seq order and stops at the first event that breaks
any of: seq is exactly one more than the last (no gap, duplicate or swap); the
version is exactly one more than the stream's last version; ``prev_hash`` is the
last event's hash; ``hash`` is what the event's content gives; a v2 event's
``appended_at`` is a UTC time to the microsecond later than the last one's, and
no v1 event follows a v2 one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sovet.errors import CanonicalEncodingError, ChainBroken, says
from sovet.ledger.canonical import canonical_json, canonical_parsed
from sovet.ledger.envelope import (
    ENVELOPE_V1,
    ENVELOPE_V2,
    GENESIS_HASH,
    JSONValue,
    NewEvent,
    StoredEvent,
)

__all__ = [
    "EPOCH",
    "EventContent",
    "appended_stamp",
    "canonical_event",
    "event_hash",
    "link",
    "link_batch",
    "next_appended",
    "verify",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TICK = timedelta(microseconds=1)

EPOCH = "1970-01-01T00:00:00.000000+00:00"
"""The ``appended_at`` of a first event linked without a clock (pure tests)."""


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
    def effective_at(self) -> str: ...
    @property
    def appended_at(self) -> str | None: ...
    @property
    def envelope(self) -> int: ...
    @property
    def command(self) -> Mapping[str, JSONValue] | None: ...


def appended_stamp(when: datetime) -> str:
    """The text of an ``appended_at``: UTC to the microsecond, one fixed width
    (``2026-12-06T07:05:00.000000+00:00``), so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("an appended_at time must be timezone-aware")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_stamp(text: object, seq: int) -> datetime:
    if not isinstance(text, str):
        raise ChainBroken(seq, says("a v2 event has no appended_at"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or appended_stamp(value) != text:
        raise ChainBroken(
            seq,
            says(
                "appended_at {text!r} is not a UTC time to the microsecond "
                "(YYYY-MM-DDTHH:MM:SS.ffffff+00:00)",
                text=text,
            ),
        )
    return value


def next_appended(last: str | None, now: datetime | None) -> str:
    """max(``now``, ``last`` + 1 µs): the next event's ``appended_at``.

    Without a clock (``now`` None) it is ``last`` + 1 µs, or ``EPOCH`` first.
    """
    floor = None if last is None else _parse_stamp(last, 0) + _TICK
    if now is None:
        return EPOCH if floor is None else appended_stamp(floor)
    chosen = now if floor is None else max(now.astimezone(UTC), floor)
    return appended_stamp(chosen)


def _check_order(seq: int, event: EventContent, last: str | None) -> str | None:
    """The chain's ``last`` appended_at after ``event``; refuse what breaks order."""
    if event.envelope == ENVELOPE_V1:
        if last is not None:
            raise ChainBroken(seq, says("a v1 event cannot follow a v2 event"))
        if event.appended_at is not None:
            raise ChainBroken(seq, says("a v1 event has no appended_at"))
        return None
    if event.envelope != ENVELOPE_V2:
        raise ChainBroken(
            seq, says("unknown envelope version {envelope!r}", envelope=event.envelope)
        )
    stamp = event.appended_at
    when = _parse_stamp(stamp, seq)
    if last is not None and when <= _parse_stamp(last, seq):
        raise ChainBroken(
            seq,
            says(
                "appended_at {stamp} is not after the previous event's "
                "({last}): the log's times only move forward",
                stamp=stamp,
                last=last,
            ),
        )
    return stamp


def canonical_event(event: EventContent) -> bytes:
    """The canonical bytes of an event (no links): what is hashed and Merkle-leafed."""
    path = f"event {event.seq}"
    if event.envelope == ENVELOPE_V1:
        return canonical_json(
            {
                "seq": event.seq,
                "stream_id": event.stream_id,
                "version": event.version,
                "type": event.type,
                "payload": event.payload,
                "recorded_at": event.effective_at,
            },
            path=path,
        )
    return canonical_json(
        {
            "appended_at": event.appended_at,
            "command": event.command,
            "effective_at": event.effective_at,
            "envelope": event.envelope,
            "seq": event.seq,
            "stream_id": event.stream_id,
            "version": event.version,
            "type": event.type,
            "payload": event.payload,
        },
        path=path,
    )


def _hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + content).hexdigest()


_ENCODE_STRING: Callable[[str], str] = json.encoder.encode_basestring


def _assemble(event: EventContent, payload: bytes, command: bytes) -> bytes:
    """``canonical_event`` from an already canonical payload (keys in sorted order)."""
    seq, version = event.seq, event.version
    if type(seq) is not int or type(version) is not int:
        raise CanonicalEncodingError(
            says("event {seq}: seq and version must be integers", seq=seq)
        )
    v1 = event.envelope == ENVELOPE_V1
    texts = [("stream_id", event.stream_id), ("type", event.type)]
    texts.append(("recorded_at" if v1 else "effective_at", event.effective_at))
    if not v1:
        texts.append(("appended_at", event.appended_at))  # type: ignore[arg-type]
    for name, text in texts:
        if not isinstance(text, str):
            raise CanonicalEncodingError(
                says("event {seq}.{name}: must be a string", seq=seq, name=name)
            )
    encode = _ENCODE_STRING
    try:
        tail = (
            f',"seq":{seq},"stream_id":{encode(event.stream_id)},'
            f'"type":{encode(event.type)},"version":{version}}}'
        ).encode()
        if v1:
            tail = f',"recorded_at":{encode(event.effective_at)}'.encode() + tail
            return b'{"payload":' + payload + tail
        head = (f'{{"appended_at":{encode(str(event.appended_at))},"command":').encode()
        middle = (
            f',"effective_at":{encode(event.effective_at)},'
            f'"envelope":{event.envelope},"payload":'
        ).encode()
    except UnicodeEncodeError as e:
        raise CanonicalEncodingError(
            says("event {seq}: stream_id, type or a time is not valid Unicode", seq=seq)
        ) from e
    return head + command + middle + payload + tail


def _command_bytes(command: Mapping[str, JSONValue] | None, seq: int) -> bytes:
    if command is None:
        return b"null"
    return canonical_json(command, path=f"event {seq} command")


def event_hash(prev_hash: str, event: EventContent) -> str:
    """``sha256(raw prev_hash ‖ canonical_event(event))`` as lowercase hex."""
    if not _HEX64.fullmatch(prev_hash):
        raise ChainBroken(
            event.seq,
            says("prev_hash {prev_hash!r} is not 64 hex digits", prev_hash=prev_hash),
        )
    return _hash(prev_hash, canonical_event(event))


def link(
    event: NewEvent,
    *,
    seq: int,
    version: int,
    prev_hash: str,
    last_appended: str | None = None,
    now: datetime | None = None,
) -> StoredEvent:
    """The stored form of ``event`` at ``seq``/``version``, linked to ``prev_hash``."""
    if not _HEX64.fullmatch(prev_hash):
        raise ChainBroken(
            seq,
            says("prev_hash {prev_hash!r} is not 64 hex digits", prev_hash=prev_hash),
        )
    stored, _ = link_batch(
        [event],
        head=(seq - 1, prev_hash),
        versions={event.stream_id: version - 1},
        last_appended=last_appended,
        now=now,
    )
    return stored[0]


def link_batch(
    events: Sequence[NewEvent],
    *,
    head: tuple[int, str],
    versions: Mapping[str, int],
    last_appended: str | None = None,
    now: datetime | None = None,
) -> tuple[list[StoredEvent], list[bytes]]:
    """Link ``events`` after ``head`` = (seq, hash); ``versions`` = each stream's last.

    ``last_appended`` is the head's ``appended_at`` and ``now`` the store's
    clock: each v2 event without an ``appended_at`` (every new one; an import
    keeps its own) gets max(``now``, previous + 1 µs). Returns the stored
    events and their canonical payload bytes (what a store writes in its
    ``payload`` column), both in order. Raises ``CanonicalEncodingError``
    (naming the event and path) for a bad payload, ``ChainBroken`` for times
    out of order.
    """
    seq, prev = head
    current = dict(versions)
    stored: list[StoredEvent] = []
    payloads: list[bytes] = []
    last = last_appended
    clock = None if now is None else datetime.fromisoformat(appended_stamp(now))
    floor: datetime | None = None  # ``last`` + 1 µs, once parsed
    for event in events:
        seq += 1
        version = current.get(event.stream_id, 0) + 1
        current[event.stream_id] = version
        payload, parsed = canonical_parsed(event.payload, path=f"event {seq} payload")
        v2 = event.envelope != ENVELOPE_V1
        stamp = event.appended_at
        stamped: datetime | None = None  # a time this batch gives (in order)
        if v2 and stamp is None and clock is not None:
            if floor is None and last is not None:
                floor = _parse_stamp(last, seq - 1) + _TICK
            stamped = clock if floor is None or clock > floor else floor
            stamp = stamped.isoformat(timespec="microseconds")
        elif v2 and stamp is None:
            stamp = next_appended(last, now)
        command = None
        command_bytes = b"null"
        if v2 and event.command is not None:
            command_bytes, command = canonical_parsed(
                event.command, path=f"event {seq} command"
            )
        # The canonical form, parsed back: exactly what a later read yields
        # (keys sorted, a copy), so live state equals replay.
        made = StoredEvent(
            seq,
            event.stream_id,
            version,
            event.type,
            parsed,
            event.effective_at,
            prev,
            "",
            stamp,
            event.envelope,
            command,
        )
        if stamped is not None:  # after ``last`` by construction: no parse
            last, floor = stamp, stamped + _TICK
        else:
            last, floor = _check_order(seq, made, last), None
        digest = _hash(prev, _assemble(made, payload, command_bytes))
        stored.append(
            StoredEvent(
                seq,
                event.stream_id,
                version,
                event.type,
                parsed,
                event.effective_at,
                prev,
                digest,
                stamp,
                event.envelope,
                command,
            )
        )
        payloads.append(payload)
        prev = digest
    return stored, payloads


def verify(events: Iterable[StoredEvent]) -> tuple[int, str]:
    """Check the whole log in order; return ``(count, head hash)``.

    Raises ``ChainBroken(seq, reason)`` at the first event with a wrong seq
    (gap, duplicate, swap), a version that does not follow its stream, a
    ``prev_hash`` that is not the previous hash, a hash its content does not
    give, or an ``appended_at`` out of order. An empty log verifies as
    ``(0, GENESIS_HASH)``.
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
    last_appended: str | None = None
    for event in events:
        seq = event.seq
        if seq != last_seq + 1:
            if seq <= last_seq:
                what = says("duplicated or out of order")
            else:
                what = says(
                    "events {first}…{last} are missing",
                    first=last_seq + 1,
                    last=seq - 1,
                )
            raise ChainBroken(
                seq,
                says(
                    "seq {seq} follows seq {last_seq}: {what} (expected {expected})",
                    seq=seq,
                    last_seq=last_seq,
                    what=what,
                    expected=last_seq + 1,
                ),
            )
        expected_version = versions.get(event.stream_id, 0) + 1
        if event.version != expected_version:
            raise ChainBroken(
                seq,
                says(
                    "stream {stream_id!r} version {version} does not follow "
                    "version {previous} (expected {expected_version})",
                    stream_id=event.stream_id,
                    version=event.version,
                    previous=expected_version - 1,
                    expected_version=expected_version,
                ),
            )
        if event.prev_hash != prev:
            raise ChainBroken(
                seq,
                says(
                    "prev_hash {prev_hash} is not the hash of event {last_seq} "
                    "({prev})",
                    prev_hash=event.prev_hash,
                    last_seq=last_seq,
                    prev=prev,
                ),
            )
        last_appended = _check_order(seq, event, last_appended)
        try:
            payload = canonical_json(event.payload, path=f"event {seq} payload")
            command = _command_bytes(event.command, seq)
            digest = _hash(prev, _assemble(event, payload, command))
        except CanonicalEncodingError as e:
            raise ChainBroken(
                seq, says("content has no canonical form: {e}", e=e)
            ) from e
        if event.hash != digest:
            raise ChainBroken(
                seq,
                says(
                    "hash {hash} does not match its content (computed {digest}): "
                    "the event was altered",
                    hash=event.hash,
                    digest=digest,
                ),
            )
        versions[event.stream_id] = expected_version
        last_seq = seq
        prev = digest
    return last_seq, prev
