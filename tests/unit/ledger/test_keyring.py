"""The signing key's history (``ledger.keyring``): certificates and rotations.

``follow_keys`` accepts a rotation signed by the old key or by the log's
certified root, countersigned by the new key, stating the log as it is; it
refuses every other rotation (signed by a stranger, by an uncertified root,
handing over from a key that no longer signs, to a key used before, moved to
another place in the log, with a bad countersignature), a certificate by a
second root, and records that go back. ``era_problem`` keeps each key to its
turn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

import pytest

from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.errors import ChainBroken
from sovet.ledger.chain import link_batch
from sovet.ledger.checkpoint import CheckpointBody, checkpoint_body
from sovet.ledger.envelope import GENESIS_HASH, NewEvent, StoredEvent
from sovet.ledger.key_history import KeyHistory, era_problem, follow_keys
from sovet.ledger.keyring import (
    KeyRecord,
    KeyStatement,
    fingerprint,
)


def _signer(n: int) -> Ed25519Signer:
    return Ed25519Signer.from_private_bytes(bytes([n]) * 32)


OLD, NEW, NEWER, ROOT, STRANGER = (_signer(n) for n in (1, 2, 3, 4, 5))


def _log(n: int = 12) -> list[StoredEvent]:
    new = [NewEvent(f"s-{i % 3}", "Recorded", {"i": i}, "2024-01-01") for i in range(n)]
    stored, _ = link_batch(new, head=(0, GENESIS_HASH), versions={})
    return stored


LOG = _log()


def _body_at(size: int) -> CheckpointBody | None:
    return checkpoint_body(LOG[:size]) if size <= len(LOG) else None


def _follow(*records: KeyRecord) -> KeyHistory:
    return follow_keys(records, verify_ed25519, _body_at)


def _certificate(size: int, root: Ed25519Signer, key: Ed25519Signer) -> KeyRecord:
    body = checkpoint_body(LOG[:size])
    statement = KeyStatement.certificate(
        body, root=root.public_key_hex(), key=key.public_key_hex()
    )
    return KeyRecord.sign(statement, root, key)


def _rotation(
    size: int,
    old: Ed25519Signer,
    new: Ed25519Signer,
    by: Ed25519Signer,
) -> KeyRecord:
    statement = KeyStatement.rotation(
        checkpoint_body(LOG[:size]),
        old=old.public_key_hex(),
        new=new.public_key_hex(),
        signed_by=by.public_key_hex(),
        reason="test",
    )
    return KeyRecord.sign(statement, by, new)


def test_fingerprint_is_sha256_of_the_raw_public_key() -> None:
    key = OLD.public_key_hex()
    assert fingerprint(key) == hashlib.sha256(bytes.fromhex(key)).hexdigest()


def test_a_rotation_by_the_old_key_gives_two_turns() -> None:
    history = _follow(_rotation(5, OLD, NEW, OLD))
    keys = [(e.key, e.start, e.end) for e in history.eras]
    assert keys == [(OLD.public_key_hex(), 0, 5), (NEW.public_key_hex(), 5, None)]
    assert history.current == NEW.public_key_hex()
    assert "signed by the old key" in history.eras[1].how
    assert era_problem(history, 5, OLD.public_key_hex()) is None  # both at the seam
    assert era_problem(history, 5, NEW.public_key_hex()) is None
    assert "rotated away" in str(era_problem(history, 6, OLD.public_key_hex()))
    assert "only from size 5" in str(era_problem(history, 4, NEW.public_key_hex()))
    assert era_problem(history, 9, STRANGER.public_key_hex()) is None  # not its to say


def test_the_certified_root_rotates_a_lost_key_and_chains_go_on() -> None:
    history = _follow(
        _certificate(2, ROOT, OLD),
        _rotation(6, OLD, NEW, ROOT),
        _rotation(9, NEW, NEWER, NEW),
    )
    assert history.root == ROOT.public_key_hex()
    assert [e.key for e in history.eras] == [
        OLD.public_key_hex(),
        NEW.public_key_hex(),
        NEWER.public_key_hex(),
    ]
    assert "signed by the root key" in history.eras[1].how
    assert history.all_keys() >= {ROOT.public_key_hex(), NEWER.public_key_hex()}


@pytest.mark.parametrize(
    ("records", "reason"),
    [
        pytest.param(
            lambda: [_rotation(5, OLD, NEW, STRANGER)],
            "neither the old key",
            id="signed-by-a-stranger",
        ),
        pytest.param(
            lambda: [_rotation(5, OLD, NEW, ROOT)],
            "none certified",
            id="root-never-certified",
        ),
        pytest.param(
            lambda: [_certificate(1, ROOT, OLD), _rotation(5, OLD, NEW, STRANGER)],
            "neither the old key",
            id="another-root",
        ),
        pytest.param(
            lambda: [_rotation(3, OLD, NEW, OLD), _rotation(5, OLD, NEWER, OLD)],
            "hands over from",
            id="from-a-retired-key",
        ),
        pytest.param(
            lambda: [_rotation(3, OLD, NEW, OLD), _rotation(5, NEW, OLD, NEW)],
            "signed before",
            id="back-to-an-old-key",
        ),
        pytest.param(
            lambda: [_rotation(6, OLD, NEW, OLD), _rotation(4, NEW, NEWER, NEW)],
            "goes back",
            id="goes-back",
        ),
        pytest.param(
            lambda: [_certificate(1, ROOT, OLD), _certificate(2, STRANGER, OLD)],
            "the log's root is",
            id="second-root",
        ),
        pytest.param(
            lambda: [_rotation(3, OLD, NEW, OLD), _certificate(4, ROOT, OLD)],
            "signs then",
            id="certifies-a-retired-key",
        ),
        pytest.param(
            lambda: [_moved(_rotation(5, OLD, NEW, OLD), size=len(LOG) + 1)],
            "fewer events",
            id="beyond-the-log",
        ),
        pytest.param(
            lambda: [_moved(_rotation(5, OLD, NEW, OLD), size=6)],
            "the log gives",
            id="moved-elsewhere",
        ),
        pytest.param(
            lambda: [_countersigned_by(_rotation(5, OLD, NEW, OLD), STRANGER)],
            "does not verify",
            id="not-countersigned-by-the-new-key",
        ),
    ],
)
def test_forged_or_broken_records_are_refused(
    records: Callable[[], list[KeyRecord]], reason: str
) -> None:
    with pytest.raises(ChainBroken, match=reason):
        _follow(*records())


def _moved(record: KeyRecord, *, size: int) -> KeyRecord:
    """The same signatures over a statement moved to another size."""
    return replace(record, statement=replace(record.statement, size=size))


def _countersigned_by(record: KeyRecord, other: Ed25519Signer) -> KeyRecord:
    message = record.statement.message()
    return replace(record, countersignature=other.sign(message).hex())


def test_statements_round_trip_and_malformed_ones_are_refused() -> None:
    for record in (_certificate(2, ROOT, OLD), _rotation(5, OLD, NEW, ROOT)):
        assert KeyRecord.from_json(record.to_json()) == record
    good = _rotation(5, OLD, NEW, OLD).to_json()
    for broken in (
        {**good, "statement": {**good["statement"], "tag": "other"}},
        {**good, "statement": {**good["statement"], "extra": 1}},
        {**good, "statement": {**good["statement"], "kind": "revocation"}},
        {**good, "statement": {**good["statement"], "size": -1}},
        {**good, "statement": {**good["statement"], "new_key": "AB" * 32}},
        {**good, "statement": {**good["statement"], "reason": "x" * 501}},
        {**good, "signature": "00"},
        {**good, "statement": "rotation"},
    ):
        with pytest.raises(ValueError):  # noqa: PT011 (each names its field)
            KeyRecord.from_json(broken)
    with pytest.raises(ValueError, match="authority"):
        KeyRecord.sign(_rotation(5, OLD, NEW, OLD).statement, STRANGER, NEW)
    with pytest.raises(ValueError, match="new key"):
        KeyRecord.sign(_rotation(5, OLD, NEW, OLD).statement, OLD, STRANGER)
