"""Signed checkpoints (DESIGN §3) and the Ed25519 signer against RFC 8032 §7.1."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sovet.adapters.signing import Ed25519Signer, load_or_create, verify_ed25519
from sovet.errors import InputError
from sovet.ledger.chain import canonical_event, link_batch
from sovet.ledger.checkpoint import (
    CheckpointBody,
    SignedCheckpoint,
    checkpoint_body,
    checkpoint_problem,
    sign_checkpoint,
    verify_checkpoint,
)
from sovet.ledger.envelope import GENESIS_HASH, NewEvent
from sovet.ledger.merkle import root


def _rfc8032(reference_data: Path) -> dict[str, Any]:
    path = reference_data / "ledger-vectors/ed25519_rfc8032.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_rfc8032_vectors_sign_and_verify(reference_data: Path) -> None:
    vectors = _rfc8032(reference_data)["vectors"]
    assert [v["name"] for v in vectors] == ["TEST 1", "TEST 2", "TEST 3"]
    for vector in vectors:
        signer = Ed25519Signer.from_private_bytes(bytes.fromhex(vector["secret_key"]))
        message = bytes.fromhex(vector["message"])
        assert signer.public_key_hex() == vector["public_key"]
        assert signer.sign(message).hex() == vector["signature"]
        assert verify_ed25519(
            vector["public_key"], message, bytes.fromhex(vector["signature"])
        )


def test_rfc8032_negative_cases_fail(reference_data: Path) -> None:
    cases = _rfc8032(reference_data)["negative_cases"]["cases"]
    assert len(cases) == 5
    for case in cases:
        assert not verify_ed25519(
            case["public_key"],
            bytes.fromhex(case["message"]),
            bytes.fromhex(case["signature"]),
        ), case["desc"]


@pytest.mark.parametrize(
    ("key", "signature"),
    [("zz", bytes(64)), ("00" * 31, bytes(64)), ("00" * 32, bytes(63))],
)
def test_malformed_key_or_signature_is_just_invalid(key: str, signature: bytes) -> None:
    assert verify_ed25519(key, b"m", signature) is False


def test_secret_key_length_is_checked() -> None:
    with pytest.raises(InputError, match="32 bytes"):
        Ed25519Signer.from_private_bytes(b"short")


def test_load_or_create_makes_a_private_key_file_once(tmp_path: Path) -> None:
    path = tmp_path / "db.key"
    first = load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    again = Ed25519Signer.load_or_create(path)
    assert again.public_key_hex() == first.public_key_hex()


def test_load_or_create_refuses_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "db.key"
    path.write_text("not a key")
    with pytest.raises(InputError, match=r"db\.key"):
        load_or_create(path)


def _log_body(n: int = 5) -> tuple[CheckpointBody, list[bytes]]:
    events = [NewEvent("s", "T", {"i": i}, "1917") for i in range(n)]
    stored, _ = link_batch(events, head=(0, GENESIS_HASH), versions={})
    leaves = [canonical_event(e) for e in stored]
    return checkpoint_body(stored), leaves


def test_body_states_size_root_and_head() -> None:
    body, leaves = _log_body()
    assert body.size == 5
    assert body.root_hash == root(leaves).hex()
    assert checkpoint_body([]) == CheckpointBody(0, root([]).hex(), GENESIS_HASH)


def test_signed_message_is_tagged_canonical_json() -> None:
    body = CheckpointBody(3, "a" * 64, "b" * 64)
    assert body.message() == (
        b'{"head_hash":"'
        + b"b" * 64
        + b'","root_hash":"'
        + b"a" * 64
        + b'","size":3,"tag":"sovet-checkpoint/v1"}'
    )


SIGNER = Ed25519Signer.from_private_bytes(bytes(range(32)))
OTHER = Ed25519Signer.from_private_bytes(bytes(range(1, 33)))


def _signed() -> tuple[SignedCheckpoint, CheckpointBody]:
    body, _ = _log_body()
    return sign_checkpoint(body, SIGNER), body


def test_sound_checkpoint_verifies() -> None:
    checkpoint, body = _signed()
    assert SignedCheckpoint.sign(body, SIGNER) == checkpoint
    assert checkpoint.body == body
    assert verify_checkpoint(
        checkpoint, verify_ed25519, trusted_key=SIGNER.public_key_hex(), expected=body
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"size": 6}, "signature does not verify"),
        ({"root_hash": "0" * 64}, "signature does not verify"),
        ({"head_hash": "f" * 64}, "signature does not verify"),
        ({"root_hash": "0" * 63}, "not 64 lowercase hex"),
        ({"size": -1}, "not a count"),
        ({"public_key": OTHER.public_key_hex()}, "signature does not verify"),
        ({"signature": "zz"}, "not hex"),
    ],
)
def test_altered_checkpoint_is_rejected(change: dict[str, Any], problem: str) -> None:
    checkpoint, _ = _signed()
    altered = replace(checkpoint, **change)
    assert not verify_checkpoint(altered, verify_ed25519)
    reason = checkpoint_problem(altered, verify_ed25519)
    assert reason is not None
    assert problem in reason


def test_truncated_signature_is_rejected() -> None:
    checkpoint, _ = _signed()
    cut = replace(checkpoint, signature=checkpoint.signature[:-2])
    assert not verify_checkpoint(cut, verify_ed25519)


def test_checkpoint_by_another_key_is_rejected() -> None:
    body, _ = _log_body()
    foreign = sign_checkpoint(body, OTHER)
    assert verify_checkpoint(foreign, verify_ed25519)
    reason = checkpoint_problem(
        foreign, verify_ed25519, trusted_key=SIGNER.public_key_hex()
    )
    assert reason is not None
    assert "not the trusted" in reason


def test_checkpoint_that_disagrees_with_the_log_is_rejected() -> None:
    checkpoint, _ = _signed()
    longer, _ = _log_body(6)
    reason = checkpoint_problem(checkpoint, verify_ed25519, expected=longer)
    assert reason is not None
    assert "the log gives size 6" in reason
