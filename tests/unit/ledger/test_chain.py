"""The hash chain (DESIGN §3): links, verification and tamper detection."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from sovet.errors import ChainBroken
from sovet.ledger.chain import canonical_event, event_hash, link, link_batch, verify
from sovet.ledger.envelope import GENESIS_HASH, NewEvent, StoredEvent


def _log(n: int = 6) -> list[StoredEvent]:
    events = [
        NewEvent(
            stream_id=f"body-{i % 2}",
            type="MemberAdmitted",
            payload={"member": f"m{i}", "votes": i * 7, "note": "ж"},
            recorded_at=f"1917-11-{i + 1:02d}T12:00:00+03:00",
        )
        for i in range(n)
    ]
    stored, _ = link_batch(events, head=(0, GENESIS_HASH), versions={})
    return stored


def test_canonical_event_covers_the_envelope_without_links() -> None:
    first = _log(1)[0]
    assert canonical_event(first) == (
        b'{"payload":{"member":"m0","note":"\xd0\xb6","votes":0},'
        b'"recorded_at":"1917-11-01T12:00:00+03:00","seq":1,'
        b'"stream_id":"body-0","type":"MemberAdmitted","version":1}'
    )


def test_hash_is_sha256_of_raw_prev_hash_and_canonical_event() -> None:
    first, second = _log(2)
    assert first.prev_hash == GENESIS_HASH
    assert first.hash == hashlib.sha256(bytes(32) + canonical_event(first)).hexdigest()
    assert second.prev_hash == first.hash
    assert (
        second.hash
        == hashlib.sha256(
            bytes.fromhex(first.hash) + canonical_event(second)
        ).hexdigest()
    )
    assert event_hash(first.hash, second) == second.hash


def test_link_agrees_with_link_batch() -> None:
    log = _log(3)
    third = log[2]
    new = NewEvent(third.stream_id, third.type, third.payload, third.recorded_at)
    assert link(new, seq=3, version=third.version, prev_hash=log[1].hash) == third


def test_versions_follow_each_stream() -> None:
    log = _log(5)
    assert [(e.stream_id, e.version) for e in log] == [
        ("body-0", 1),
        ("body-1", 1),
        ("body-0", 2),
        ("body-1", 2),
        ("body-0", 3),
    ]
    more, _ = link_batch(
        [NewEvent("body-1", "X", {}, "1918")],
        head=(log[-1].seq, log[-1].hash),
        versions={"body-1": 2},
    )
    assert (more[0].seq, more[0].version, more[0].prev_hash) == (6, 3, log[-1].hash)
    assert verify([*log, *more]) == (6, more[0].hash)


def test_intact_log_verifies() -> None:
    log = _log()
    assert verify(log) == (6, log[-1].hash)
    assert verify([]) == (0, GENESIS_HASH)


def _broken_at(events: list[StoredEvent]) -> ChainBroken:
    with pytest.raises(ChainBroken) as caught:
        verify(events)
    return caught.value


def test_changed_payload_byte_names_the_event() -> None:
    log = _log()
    log[3] = replace(log[3], payload={**log[3].payload, "votes": 22})
    error = _broken_at(log)
    assert error.seq == 4
    assert "altered" in error.reason


@pytest.mark.parametrize("field", ["stream_id", "type", "recorded_at"])
def test_changed_text_field_is_caught(field: str) -> None:
    log = _log()
    log[2] = replace(log[2], **{field: getattr(log[2], field) + "x"})
    assert _broken_at(log).seq == 3


def test_deleted_event_is_a_gap() -> None:
    log = _log()
    del log[2]
    error = _broken_at(log)
    assert error.seq == 4
    assert "missing" in error.reason


def test_deleted_first_event() -> None:
    assert _broken_at(_log()[1:]).seq == 2


def test_swapped_events() -> None:
    log = _log()
    log[1], log[2] = log[2], log[1]
    error = _broken_at(log)
    assert error.seq == 3


def test_duplicated_event() -> None:
    log = _log()
    log.insert(3, log[2])
    error = _broken_at(log)
    assert error.seq == 3
    assert "duplicated" in error.reason


def test_renumbered_event_is_caught_by_its_hash() -> None:
    log = _log()
    del log[2]
    log[2:] = [replace(e, seq=e.seq - 1) for e in log[2:]]
    error = _broken_at(log)
    assert error.seq == 3


def test_wrong_version_names_the_stream() -> None:
    log = _log()
    log[4] = replace(log[4], version=7)
    error = _broken_at(log)
    assert error.seq == 5
    assert "'body-0' version 7" in error.reason


def test_wrong_prev_hash() -> None:
    log = _log()
    log[1] = replace(log[1], prev_hash="ab" * 32)
    error = _broken_at(log)
    assert error.seq == 2
    assert "prev_hash" in error.reason


def test_recomputed_hash_without_relinking_breaks_the_next_event() -> None:
    log = _log()
    forged = replace(log[1], payload={"member": "forged"})
    log[1] = replace(forged, hash=event_hash(forged.prev_hash, forged))
    assert _broken_at(log).seq == 3


def test_uncanonical_content_is_a_broken_event() -> None:
    log = _log()
    log[0] = replace(log[0], payload={"share": 0.5})
    error = _broken_at(log)
    assert error.seq == 1
    assert "canonical" in error.reason


def test_bad_prev_hash_text_is_refused() -> None:
    with pytest.raises(ChainBroken, match="64 hex"):
        event_hash("zz", _log(1)[0])
