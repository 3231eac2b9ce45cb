"""Events read back from the ``events`` table's rows: each JSON column parsed
(and refused unless canonical: ``ChainBroken`` naming the event), undecodable
text kept as surrogates when read leniently, repeated short texts shared.
Moved out of ``event_store`` (which reads the rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from json.scanner import make_scanner
from typing import Any

from sovet.errors import CanonicalEncodingError, ChainBroken
from sovet.ledger.canonical import canonical_json
from sovet.ledger.envelope import StoredEvent

__all__ = ["stored_events"]

_DECODER: Any = json.JSONDecoder()
_SCAN = make_scanner(_DECODER)


def _undamaged(row: Sequence[Any]) -> tuple[Any, ...]:
    """Text read as bytes, decoded with undecodable bytes kept as surrogates."""
    return tuple(
        v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v for v in row
    )


def _check_canonical(seq: int, payload: str, value: object) -> None:
    try:
        same = canonical_json(value) == payload.encode("utf-8", "surrogateescape")
    except CanonicalEncodingError as e:
        raise ChainBroken(seq, f"stored payload has no canonical form: {e}") from e
    if not same:
        raise ChainBroken(seq, "stored payload text is not in canonical form")


_SHARED: dict[str, str] = {}
"""Repeated short texts (event types, times) shared by the events read."""
_SHARED_MAX = 65_536


def _shared(text: str) -> str:
    """One object per distinct text (a million-event log repeats a few hundred)."""
    found = _SHARED.get(text)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[text] = text
    return found


def stored_events(batch: Sequence[Any], lenient: bool) -> Iterator[StoredEvent]:
    """The stored events of ``batch`` (rows in ``event_store``'s column order)."""
    shared, last = _shared, ""
    for raw in batch:
        row = _undamaged(raw) if lenient else raw
        seq, stream, version, type_, payload, at, prev, digest = row[:8]
        appended, envelope, command_text = row[8:]
        value = _json(seq, payload, "payload")
        command = None if command_text is None else _json(seq, command_text, "command")
        if prev == last:
            prev = last  # the previous event's hash object, not a second copy
        last = digest
        yield StoredEvent(
            seq,
            stream,
            version,
            shared(type_),
            value,
            shared(at),
            prev,
            digest,
            appended,
            envelope,
            command,
        )


def _json(seq: int, text: str, what: str) -> Any:
    """The value of a stored JSON column, refused unless canonical."""
    try:
        value, end = _SCAN(text, 0)
    except (ValueError, StopIteration) as e:
        raise ChainBroken(seq, f"stored {what} is not JSON") from e
    if end != len(text):
        raise ChainBroken(seq, f"stored {what} has text after its JSON")
    if "\\u" in text:  # \u001F parses as \u001f: check the text
        _check_canonical(seq, text, value)
    return value
