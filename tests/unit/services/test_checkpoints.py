"""Signing as the log grows (issue 9, item 4), on the in-memory store and SQLite.

- ``sign_head`` grows each checkpoint from the last one's stored compact range:
  the second signing hashes only the events after the first (never the log),
  and every root equals the reference tree's;
- a checkpoint stored without a range (older databases, imports) costs one
  pass, once, and the next one has its range;
- nothing is signed over a log that no longer ends its latest checkpoint;
- the ``Checkpointer`` signs at ``every_events``, within ``every_seconds`` of a
  write made by anyone, and at ``stop``;
- ``consistency_proof`` gives RFC 9162 proofs that verify, and refuses bad
  sizes naming ``from`` or ``to``;
- ``check_extends`` passes a log that extends a kept checkpoint and refuses a
  trimmed tail and a rewritten, re-signed history.
"""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import text

import sovet.services.checkpoints as checkpoints_module
from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.errors import ChainBroken, InputError
from sovet.ledger.chain import canonical_event
from sovet.ledger.checkpoint import checkpoint_body, sign_checkpoint
from sovet.ledger.merkle import MerkleTree, verify_consistency
from sovet.services.bootstrap import Services, bootstrap, in_memory
from sovet.services.checkpoints import (
    Checkpointer,
    CheckpointPolicy,
    check_extends,
    checkpoint_json,
    consistency_proof,
    latest_checkpoint,
    parse_checkpoint_json,
    sign_head,
)
from tests.reliability.helpers import events


def _write(services: Services, n: int, start: int = 0) -> None:
    with services.uow() as uow:
        uow.events.append(events(n, start=start))
        uow.commit()


def _log(services: Services) -> list[bytes]:
    with services.uow() as uow:
        return [canonical_event(e) for e in uow.events.read()]


def test_each_checkpoint_grows_from_the_last_ones_compact_range() -> None:
    services = in_memory()
    assert sign_head(services.uow(), services.signer) is None  # empty log
    _write(services, 37)
    first = sign_head(services.uow(), services.signer, clock=services.clock)
    assert first is not None
    assert first.root_hash == MerkleTree(_log(services)).root().hex()
    assert sign_head(services.uow(), services.signer) is None  # already signed
    _write(services, 5, start=37)
    spy = mock.patch.object(
        checkpoints_module, "canonical_event", wraps=canonical_event
    )
    with spy as hashed:
        second = sign_head(services.uow(), services.signer, clock=services.clock)
    assert hashed.call_count == 5  # the new events only, never the log
    assert second is not None
    assert second.size == 42
    assert second.root_hash == MerkleTree(_log(services)).root().hex()
    record = latest_checkpoint(services.uow())
    assert record is not None
    assert record.checkpoint == second
    assert record.peaks is not None
    assert len(record.peaks) == bin(42).count("1")
    assert record.appended_at is not None
    assert record.appended_at.startswith(str(services.clock.now().year))


def test_a_checkpoint_without_a_range_is_rebuilt_once() -> None:
    services = in_memory()
    _write(services, 20)
    with services.uow() as uow:  # as an import stores them: no range, no time
        body = checkpoint_body(list(uow.events.read()))
        uow.checkpoints.add(sign_checkpoint(body, services.signer))
        uow.commit()
    _write(services, 3, start=20)
    with mock.patch.object(
        checkpoints_module, "canonical_event", wraps=canonical_event
    ) as hashed:
        signed = sign_head(services.uow(), services.signer)
    assert hashed.call_count == 23  # one pass over the log, once
    assert signed is not None
    assert signed.root_hash == MerkleTree(_log(services)).root().hex()
    _write(services, 2, start=23)
    with mock.patch.object(
        checkpoints_module, "canonical_event", wraps=canonical_event
    ) as hashed:
        assert sign_head(services.uow(), services.signer) is not None
    assert hashed.call_count == 2


def test_nothing_is_signed_over_a_trimmed_or_broken_log(tmp_path: Path) -> None:
    with bootstrap(str(tmp_path / "log.db"), create=True) as services:
        _write(services, 12)
        assert sign_head(services.uow(), services.signer) is not None
        _write(services, 4, start=12)
        assert services.engine is not None
        with services.engine.begin() as conn:  # an unsigned event is deleted
            conn.execute(text("DELETE FROM events WHERE seq = 14"))
        with pytest.raises(ChainBroken, match="does not follow event 13"):
            sign_head(services.uow(), services.signer)
        with services.engine.begin() as conn:  # the signed tail is deleted
            conn.execute(text("DELETE FROM events WHERE seq > 10"))
        with pytest.raises(ChainBroken, match="no longer ends its latest checkpoint"):
            sign_head(services.uow(), services.signer)
        with services.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM checkpoints")).scalar() == 1


def _wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.02)
    return False


def _signed_size(services: Services) -> int:
    record = latest_checkpoint(services.uow())
    return 0 if record is None else record.checkpoint.size


def test_the_checkpointer_signs_every_n_events_within_s_seconds_and_at_stop() -> None:
    services = in_memory()
    slow = Checkpointer(
        services.uow,
        services.signer,
        services.clock,
        CheckpointPolicy(every_events=10, every_seconds=3_600),
    )
    slow.start()
    try:
        _write(services, 9)
        slow.noticed(9)
        time.sleep(0.2)
        assert _signed_size(services) == 0  # under N, and S is an hour away
        _write(services, 1, start=9)
        slow.noticed(1)  # the N-th event wakes the signer
        assert _wait_for(lambda: _signed_size(services) == 10, 5)
        _write(services, 3, start=10)  # written by "another process": not noticed
    finally:
        last = slow.stop()
    assert last is not None
    assert last.size == 13  # signed at shutdown
    quick = Checkpointer(
        services.uow,
        services.signer,
        services.clock,
        CheckpointPolicy(every_events=1_000, every_seconds=0.1),
    )
    quick.start()
    try:
        _write(services, 2, start=13)
        assert _wait_for(lambda: _signed_size(services) == 15, 5)  # the timer
    finally:
        assert quick.stop() is None  # nothing new to sign
    assert quick.signed == 1


def test_the_policy_is_bounded() -> None:
    with pytest.raises(InputError, match="checkpoint_every_events"):
        CheckpointPolicy(every_events=0)
    with pytest.raises(InputError, match="checkpoint_every_seconds"):
        CheckpointPolicy(every_seconds=0)


@pytest.mark.parametrize(
    ("m", "n"), [(1, 1), (1, 2), (3, 7), (8, 8), (6, 33), (32, 33)]
)
def test_consistency_proofs_verify(m: int, n: int) -> None:
    services = in_memory()
    _write(services, 40)
    leaves = _log(services)
    proof = consistency_proof(services.uow(), m, n)
    assert proof == consistency_proof(services.uow(), m, n)  # kept, same answer
    assert verify_consistency(
        m,
        n,
        MerkleTree(leaves[:m]).root(),
        MerkleTree(leaves[:n]).root(),
        [bytes.fromhex(p) for p in proof],
    )


@pytest.mark.parametrize(
    ("m", "n", "key"), [(0, 3, "from"), (5, 4, "to"), (1, 41, "to"), (-1, 2, "from")]
)
def test_consistency_proofs_refuse_bad_sizes(m: int, n: int, key: str) -> None:
    services = in_memory()
    _write(services, 40)
    with pytest.raises(InputError) as caught:
        consistency_proof(services.uow(), m, n)
    assert caught.value.key == key


def test_check_extends_catches_a_trimmed_tail_and_a_rewritten_history() -> None:
    services = in_memory()
    _write(services, 30)
    signed = sign_head(services.uow(), services.signer)
    assert signed is not None
    _write(services, 4, start=30)
    check_extends(services.uow(), signed, verify_ed25519)  # extended: fine
    trimmed = in_memory(services.signer)
    _write(trimmed, 29)
    with pytest.raises(ChainBroken, match="tail was deleted") as caught:
        check_extends(trimmed.uow(), signed, verify_ed25519)
    assert caught.value.seq == 30
    rewritten = in_memory(services.signer)
    _write(rewritten, 5)
    _write(rewritten, 29, start=6)  # event 6 differs; re-chained
    assert sign_head(rewritten.uow(), rewritten.signer) is not None  # re-signed
    with pytest.raises(ChainBroken, match="history rewritten"):
        check_extends(rewritten.uow(), signed, verify_ed25519)
    forged = parse_checkpoint_json(
        {**checkpoint_json(latest_checkpoint(services.uow())), "size": 29},  # type: ignore[arg-type]
        source="kept.json",
    )
    with pytest.raises(ChainBroken, match="signature does not verify"):
        check_extends(services.uow(), forged.checkpoint, verify_ed25519)


def test_checkpoint_json_round_trips_and_names_bad_keys() -> None:
    services = in_memory(Ed25519Signer.generate())
    _write(services, 3)
    sign_head(services.uow(), services.signer, clock=services.clock)
    record = latest_checkpoint(services.uow())
    assert record is not None
    shown = checkpoint_json(record)
    assert set(shown) == {
        "size",
        "root",
        "head",
        "public_key",
        "signature",
        "appended_at",
    }
    assert parse_checkpoint_json(shown, source="x") == (
        type(record)(record.checkpoint, record.appended_at)
    )
    for key, value in [("size", 0), ("size", "3"), ("root", 1), ("appended_at", 5)]:
        with pytest.raises(InputError) as caught:
            parse_checkpoint_json({**shown, key: value}, source="x")
        assert caught.value.key == key
    with pytest.raises(InputError) as caught:
        parse_checkpoint_json(
            {k: v for k, v in shown.items() if k != "head"}, source="x"
        )
    assert caught.value.key == "head"
    with pytest.raises(InputError, match="JSON object"):
        parse_checkpoint_json([], source="x")
