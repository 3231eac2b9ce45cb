"""Ledger properties (STYLE.md S6): canonical JSON round-trips, any flipped byte
of a stored event fails ``chain.verify``, Merkle proofs hold for every index and
every prefix."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.errors import CanonicalEncodingError, ChainBroken
from sovet.ledger.canonical import canonical_json, parse_canonical
from sovet.ledger.chain import canonical_event, event_hash, link_batch, verify
from sovet.ledger.envelope import ENVELOPE_V2, GENESIS_HASH, NewEvent, StoredEvent
from sovet.ledger.merkle import (
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

# Any valid Unicode text (surrogates excluded: they have no UTF-8 form).
text = st.text(st.characters(codec="utf-8"), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_round_trips(value: Any) -> None:
    data = canonical_json(value)
    assert parse_canonical(data) == value
    assert canonical_json(json.loads(data)) == data
    assert json.loads(data) == value


@given(st.dictionaries(text, json_values, min_size=2, max_size=5))
def test_pretty_or_reordered_json_is_not_canonical(value: dict[str, Any]) -> None:
    canonical = canonical_json(value)
    for variant in (
        json.dumps(value, indent=1, ensure_ascii=False).encode(),
        json.dumps(
            dict(sorted(value.items(), reverse=True)), ensure_ascii=False
        ).encode(),
    ):
        if variant != canonical:
            with pytest.raises(CanonicalEncodingError):
                parse_canonical(variant)


events_ = st.lists(
    st.builds(
        NewEvent,
        stream_id=st.sampled_from(["soviet", "congress", "sovnarkom"]),
        type=st.sampled_from(["DeputyElected", "MotionCarried"]),
        payload=st.dictionaries(text, json_values, max_size=3),
        effective_at=st.sampled_from(["1917-11-07T10:00:00+03:00", "1918-01-23"]),
    ),
    min_size=1,
    max_size=8,
)

TEXT_FIELDS = (
    "stream_id",
    "type",
    "effective_at",
    "appended_at",
    "prev_hash",
    "hash",
    "payload",
)


def _row(event: StoredEvent, payload: bytes) -> dict[str, Any]:
    """The event as the SQL adapter stores it: text columns are UTF-8 bytes."""
    row: dict[str, Any] = {
        field: getattr(event, field).encode() for field in TEXT_FIELDS[:-1]
    }
    return {**row, "payload": payload, "seq": event.seq, "version": event.version}


def _read_back(row: dict[str, Any]) -> StoredEvent:
    """Decode a (possibly damaged) row the way ``SqlEventStore.read`` does."""
    decoded = {f: row[f].decode("utf-8", "surrogateescape") for f in TEXT_FIELDS}
    try:
        payload = json.loads(decoded["payload"])
    except ValueError as e:
        raise ChainBroken(row["seq"], "stored payload is not valid JSON") from e
    if "\\u" in decoded["payload"]:
        try:
            same = canonical_json(payload) == row["payload"]
        except CanonicalEncodingError as e:
            raise ChainBroken(row["seq"], "payload has no canonical form") from e
        if not same:
            raise ChainBroken(row["seq"], "stored payload text is not canonical")
    return StoredEvent(
        row["seq"],
        decoded["stream_id"],
        row["version"],
        decoded["type"],
        payload,
        decoded["effective_at"],
        decoded["prev_hash"],
        decoded["hash"],
        decoded["appended_at"],
        ENVELOPE_V2,
    )


@given(events_, st.data())
def test_any_flipped_byte_in_a_stored_event_fails_verification(
    events: list[NewEvent], data: st.DataObject
) -> None:
    stored, payloads = link_batch(events, head=(0, GENESIS_HASH), versions={})
    rows = [_row(e, p) for e, p in zip(stored, payloads, strict=True)]
    assert verify(_read_back(r) for r in rows)[0] == len(rows)
    victim = data.draw(st.integers(0, len(rows) - 1), label="event index")
    field = data.draw(st.sampled_from([*TEXT_FIELDS, "seq", "version"]))
    row = rows[victim]
    if field in ("seq", "version"):
        row[field] = data.draw(st.integers(0, 20).filter(lambda n: n != row[field]))
    else:
        raw = bytearray(row[field])
        if not raw:
            raw = bytearray(b" ")  # an empty text gains a byte instead
        else:
            at = data.draw(st.integers(0, len(raw) - 1), label="byte")
            raw[at] ^= data.draw(st.integers(1, 255), label="xor")
        row[field] = bytes(raw)
    with pytest.raises(ChainBroken) as caught:
        verify(_read_back(r) for r in rows)
    assert caught.value.seq == victim + 1 or (
        field == "seq" and caught.value.seq == row["seq"]
    )


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 5), st.data())
def test_flipped_payload_byte_in_the_sqlite_file_fails_verification(
    tmp_path_factory: pytest.TempPathFactory, victim: int, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("flip") / "log.db"
    engine = make_engine(str(path))
    migrate(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.events.append(
            [
                NewEvent("s", "T", {"event": f"E{i}", "x": "ж\x01"}, "1917")
                for i in range(6)
            ]
        )
        uow.commit()
    engine.dispose()
    stored = canonical_json({"event": f"E{victim}", "x": "ж\x01"})
    blob = bytearray(path.read_bytes())
    start = blob.index(stored)
    at = start + data.draw(st.integers(0, len(stored) - 1), label="byte")
    blob[at] ^= data.draw(st.integers(1, 255), label="xor")
    path.write_bytes(bytes(blob))
    engine = make_engine(str(path))
    try:
        with SqlUnitOfWork(engine) as uow, pytest.raises(ChainBroken) as caught:
            verify(uow.events.read())
        assert caught.value.seq == victim + 1
    finally:
        engine.dispose()


def test_hex_case_flip_in_an_escape_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    engine = make_engine(str(path))
    migrate(engine)
    with SqlUnitOfWork(engine) as uow:
        uow.events.append([NewEvent("s", "T", {"x": "\x1f"}, "1917")])
        uow.commit()
    engine.dispose()
    blob = path.read_bytes()
    assert blob.count(b"\\u001f") == 1
    path.write_bytes(blob.replace(b"\\u001f", b"\\u001F"))
    engine = make_engine(str(path))
    try:
        with SqlUnitOfWork(engine) as uow, pytest.raises(ChainBroken, match="canon"):
            verify(uow.events.read())
    finally:
        engine.dispose()


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_inclusion_proofs_verify_for_every_index(
    leaves: list[bytes], data: st.DataObject
) -> None:
    tree = MerkleTree(leaves)
    root = tree.root()
    for index, leaf in enumerate(leaves):
        proof = tree.inclusion_proof(index)
        assert verify_inclusion(leaf_hash(leaf), index, len(leaves), proof, root)
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = tree.inclusion_proof(index)
    assert not verify_inclusion(
        leaf_hash(b"other" + leaves[index]), index, len(leaves), proof, root
    )
    if proof:
        bad = [*proof]
        bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
        assert not verify_inclusion(
            leaf_hash(leaves[index]), index, len(leaves), bad, root
        )


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40))
def test_consistency_proofs_verify_for_every_prefix(leaves: list[bytes]) -> None:
    tree = MerkleTree(leaves)
    n = len(leaves)
    for m in range(1, n + 1):
        proof = tree.consistency_proof(m)
        root_m = MerkleTree(leaves[:m]).root()
        assert verify_consistency(m, n, root_m, tree.root(), proof)
        if m < n:
            # A first leaf that differs from the real one (b"x" alone could
            # equal it, and then the "forged" root would be the true root).
            other = MerkleTree([leaves[0] + b"!", *leaves[1:m]]).root()
            assert not verify_consistency(m, n, other, tree.root(), proof)


@given(events_, st.integers(0, 2**40), st.sampled_from(["", 'ж\n"', "🜁"]))
def test_fast_linking_agrees_with_the_reference_encoding(
    events: list[NewEvent], start: int, suffix: str
) -> None:
    events = [replace(e, stream_id=e.stream_id + suffix) for e in events]
    head = (start, "ab" * 32)
    stored, payloads = link_batch(events, head=head, versions={})
    prev = head[1]
    for event, payload in zip(stored, payloads, strict=True):
        assert payload == canonical_json(event.payload)
        assert event.prev_hash == prev
        assert event.hash == event_hash(prev, event)  # via canonical_event
        prev = event.hash


@given(events_)
def test_merkle_leaves_are_the_canonical_events(events: list[NewEvent]) -> None:
    stored, _ = link_batch(events, head=(0, GENESIS_HASH), versions={})
    leaves = [canonical_event(e) for e in stored]
    tree = MerkleTree(leaves)
    assert verify_inclusion(
        leaf_hash(canonical_event(stored[-1])),
        len(stored) - 1,
        len(stored),
        tree.inclusion_proof(len(stored) - 1),
        tree.root(),
    )
    forged = replace(stored[0], payload={"forged": True})
    assert not verify_inclusion(
        leaf_hash(canonical_event(forged)),
        0,
        len(stored),
        tree.inclusion_proof(0),
        tree.root(),
    )
