"""The hash chain (DESIGN §3): links, verification and tamper detection."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sovet.errors import ChainBroken
from sovet.ledger.chain import canonical_event, event_hash, link, link_batch, verify
from sovet.ledger.envelope import (
    ENVELOPE_V1,
    ENVELOPE_V2,
    GENESIS_HASH,
    NewEvent,
    StoredEvent,
)

NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


def _log(n: int = 6, envelope: int = ENVELOPE_V2) -> list[StoredEvent]:
    events = [
        NewEvent(
            stream_id=f"body-{i % 2}",
            type="MemberAdmitted",
            payload={"member": f"m{i}", "votes": i * 7, "note": "ж"},
            effective_at=f"1917-11-{i + 1:02d}T12:00:00+03:00",
            command={"command": "admit", "i": i} if i % 2 == 0 else None,
            envelope=envelope,
        )
        for i in range(n)
    ]
    stored, _ = link_batch(events, head=(0, GENESIS_HASH), versions={}, now=NOW)
    return stored


def test_canonical_v1_event_is_as_before_issue_9() -> None:
    first = _log(1, ENVELOPE_V1)[0]
    assert first.appended_at is None
    assert canonical_event(first) == (
        b'{"payload":{"member":"m0","note":"\xd0\xb6","votes":0},'
        b'"recorded_at":"1917-11-01T12:00:00+03:00","seq":1,'
        b'"stream_id":"body-0","type":"MemberAdmitted","version":1}'
    )


def test_canonical_v2_event_carries_both_times_the_command_and_its_version() -> None:
    first = _log(1)[0]
    assert canonical_event(first) == (
        b'{"appended_at":"2026-12-06T07:00:00.000000+00:00",'
        b'"command":{"command":"admit","i":0},'
        b'"effective_at":"1917-11-01T12:00:00+03:00","envelope":2,'
        b'"payload":{"member":"m0","note":"\xd0\xb6","votes":0},"seq":1,'
        b'"stream_id":"body-0","type":"MemberAdmitted","version":1}'
    )


def test_appended_at_moves_forward_even_when_the_clock_goes_back() -> None:
    log = _log(3)
    more, _ = link_batch(
        [NewEvent("body-1", "X", {}, "1918")],
        head=(log[-1].seq, log[-1].hash),
        versions={"body-1": 1},
        last_appended=log[-1].appended_at,
        now=NOW - timedelta(days=1),
    )
    stamps = [e.appended_at for e in [*log, *more]]
    assert stamps == [
        "2026-12-06T07:00:00.000000+00:00",
        "2026-12-06T07:00:00.000001+00:00",
        "2026-12-06T07:00:00.000002+00:00",
        "2026-12-06T07:00:00.000003+00:00",
    ]


def test_a_v1_log_followed_by_v2_events_verifies() -> None:
    old = _log(2, ENVELOPE_V1)
    new, _ = link_batch(
        [NewEvent("body-0", "X", {}, "1918")],
        head=(2, old[-1].hash),
        versions={"body-0": 1, "body-1": 1},
        now=NOW,
    )
    assert verify([*old, *new]) == (3, new[0].hash)


def test_times_out_of_order_or_a_v1_after_v2_are_caught() -> None:
    log = _log(3)
    earlier = replace(log[2], appended_at=log[1].appended_at)
    assert "not after" in _broken_at([*log[:2], earlier]).reason
    assert _broken_at([*log[:2], replace(log[2], envelope=ENVELOPE_V1)]).seq == 3
    assert "microsecond" in _broken_at([replace(log[0], appended_at="1917")]).reason


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
    new = NewEvent(third.stream_id, third.type, third.payload, third.effective_at)
    new = replace(new, command=third.command)
    linked = link(
        new,
        seq=3,
        version=third.version,
        prev_hash=log[1].hash,
        last_appended=log[1].appended_at,
        now=NOW,
    )
    assert linked == third


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
        last_appended=log[-1].appended_at,
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


@pytest.mark.parametrize("field", ["stream_id", "type", "effective_at", "appended_at"])
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
