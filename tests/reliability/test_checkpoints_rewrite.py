"""Issue 5 items 4-5: checkpoint signatures, and a rewritten history.

4. The independent verifier's Ed25519 check passes the RFC 8032 §7.1 vectors and
   refuses their negative cases; a checkpoint with a changed size or root, by
   another key, or with a truncated signature is rejected (sovet's own checks:
   ``tests/unit/ledger/test_checkpoint.py``; the verifier's on exports:
   ``tests/e2e/test_verify_export.py``).
5. History rewrite: an event before checkpoint m is changed, the chain re-linked
   and checkpoint n re-issued with the same key; the consistency proof m→n of
   the rewritten tree fails against the old root, and the old checkpoint no
   longer matches the log.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.errors import ChainBroken
from sovet.ledger.chain import canonical_event, link_batch
from sovet.ledger.checkpoint import checkpoint_body, sign_checkpoint
from sovet.ledger.envelope import GENESIS_HASH, NewEvent
from sovet.ledger.merkle import MerkleTree, verify_consistency
from sovet.services.checkpoints import check_checkpoints
from tests.reliability.helpers import events, verifier


def _rfc8032(reference_data: Path) -> dict[str, Any]:
    path = reference_data / "ledger-vectors/ed25519_rfc8032.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_verifier_ed25519_passes_rfc8032(reference_data: Path) -> None:
    data = _rfc8032(reference_data)
    for vector in data["vectors"]:
        assert verifier().ed25519_ok(
            vector["public_key"], bytes.fromhex(vector["message"]), vector["signature"]
        ), vector["name"]
    for case in data["negative_cases"]["cases"]:
        assert not verifier().ed25519_ok(
            case["public_key"], bytes.fromhex(case["message"]), case["signature"]
        ), case["desc"]


def test_truncated_or_foreign_signatures_fail_the_verifier() -> None:
    signer = Ed25519Signer.generate()
    message = b"sovet"
    signature = signer.sign(message).hex()
    public = signer.public_key_hex()
    assert verifier().ed25519_ok(public, message, signature)
    assert not verifier().ed25519_ok(public, message, signature[:-2])
    other = Ed25519Signer.generate().public_key_hex()
    assert not verifier().ed25519_ok(other, message, signature)


@pytest.mark.parametrize(("m", "n", "changed"), [(16, 40, 3), (21, 37, 20), (8, 9, 0)])
def test_rewritten_history_fails_the_consistency_proof(
    m: int, n: int, changed: int
) -> None:
    new = events(n)
    original, _ = link_batch(new, head=(0, GENESIS_HASH), versions={})
    signer = Ed25519Signer.generate()
    old_m = sign_checkpoint(checkpoint_body(original[:m]), signer)
    honest = MerkleTree([canonical_event(e) for e in original])
    assert verify_consistency(
        m,
        n,
        bytes.fromhex(old_m.root_hash),
        honest.root(),
        honest.consistency_proof(m),
    )
    forged = list(new)
    victim = forged[changed]
    forged[changed] = NewEvent(
        victim.stream_id,
        victim.type,
        {**victim.payload, "who": "forged"},
        victim.recorded_at,
    )
    rewritten, _ = link_batch(forged, head=(0, GENESIS_HASH), versions={})
    new_n = sign_checkpoint(checkpoint_body(rewritten), signer)  # same key
    check_checkpoints(rewritten, [new_n], verify_ed25519)  # consistent by itself
    tree = MerkleTree([canonical_event(e) for e in rewritten])
    assert tree.root().hex() == new_n.root_hash
    assert not verify_consistency(
        m, n, bytes.fromhex(old_m.root_hash), tree.root(), tree.consistency_proof(m)
    )
    with pytest.raises(ChainBroken) as caught:
        check_checkpoints(rewritten, [old_m, new_n], verify_ed25519)
    assert caught.value.seq == m
    assert "the log gives" in caught.value.reason


def test_a_forged_old_root_is_not_signed() -> None:
    original, _ = link_batch(events(12), head=(0, GENESIS_HASH), versions={})
    signer = Ed25519Signer.generate()
    checkpoint = sign_checkpoint(checkpoint_body(original[:6]), signer)
    forged = replace(checkpoint, root_hash="ab" * 32)
    with pytest.raises(ChainBroken, match="signature does not verify"):
        check_checkpoints(original, [forged], verify_ed25519)
