"""Verification with a trusted key, certificates and rotations (``services.keys``).

A verifier trusting the old key follows a rotation to the new one, and one
trusting the new key accepts what the old one signed; a checkpoint by a key
after its rotation, or by a key nobody trusts, is refused; with no key to
trust nothing is refused for its signer but the answer is not authenticated.
``rotate`` and ``certify`` refuse what a verifier would refuse, and
``check_signing_key`` keeps a writer from signing with a retired key. Key
records travel through export and import.
"""

from __future__ import annotations

import io
import json

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.domain import Command
from sovet.errors import ChainBroken, InputError
from sovet.ledger.checkpoint import checkpoint_body, sign_checkpoint
from sovet.services.checkpoints import sign_head
from sovet.services.handlers import execute
from sovet.services.keys import (
    Anchor,
    certify,
    check_signing_key,
    rotate,
    verify,
)
from sovet.services.transfer import export_log, import_log


def _signer(n: int) -> Ed25519Signer:
    return Ed25519Signer.from_private_bytes(bytes([n]) * 32)


OLD, NEW, ROOT, ROGUE = (_signer(n) for n in (11, 12, 13, 14))


def _trust(*signers: Ed25519Signer) -> list[Anchor]:
    return [Anchor(s.public_key_hex(), "test") for s in signers]


def _rotated(uow: InMemoryUnitOfWork, federation: list[Command]) -> None:
    """Events 1-3 signed by OLD, certified by ROOT; rotated to NEW by ROOT at 3;
    the rest signed by NEW."""
    for command in federation[:3]:
        execute(uow, command)
    sign_head(uow, OLD)
    assert certify(uow, OLD, ROOT, verify_ed25519) is not None
    record = rotate(uow, NEW, verify_ed25519, root=ROOT, reason="lost")
    assert record.statement.size == 3
    for command in federation[3:]:
        execute(uow, command)
    sign_head(uow, NEW)


def test_a_rotation_is_followed_both_ways(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _rotated(uow, federation)
    for trusted in (OLD, NEW, ROOT):
        found = verify(uow, verify_ed25519, _trust(trusted))
        assert found.authenticated
        assert found.checkpoints == 2
        assert found.keys == (OLD.public_key_hex(), NEW.public_key_hex())
        assert found.history.current == NEW.public_key_hex()
        assert found.trusted[0].key == trusted.public_key_hex()
    with pytest.raises(ChainBroken, match="not by a pinned key"):
        verify(uow, verify_ed25519, _trust(ROGUE))


def test_the_old_key_signs_nothing_after_its_rotation(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    for command in federation[:3]:
        execute(uow, command)
    sign_head(uow, OLD)
    rotate(uow, NEW, verify_ed25519, old=OLD)
    for command in federation[3:]:
        execute(uow, command)
    sign_head(uow, OLD)  # whoever kept the old key signs on
    for anchors in (_trust(OLD), _trust(NEW), None):
        with pytest.raises(ChainBroken, match="rotated away from at size 3"):
            verify(uow, verify_ed25519, anchors)


def test_without_a_key_to_trust_the_log_is_only_consistent(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    for command in federation:
        execute(uow, command)
    sign_head(uow, ROGUE)
    found = verify(uow, verify_ed25519, None)
    assert not found.authenticated
    assert found.trusted == ()
    assert found.to_json()["ok"] is False
    with pytest.raises(ChainBroken, match="not by a pinned key"):
        verify(uow, verify_ed25519, _trust(OLD))


def test_a_key_outside_the_history_is_trusted_only_as_itself(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    """An imported log continued under another key (no rotation recorded)."""
    for command in federation[:3]:
        execute(uow, command)
    sign_head(uow, OLD)
    for command in federation[3:]:
        execute(uow, command)
    sign_head(uow, NEW)
    assert verify(uow, verify_ed25519, _trust(OLD, NEW)).checkpoints == 2
    with pytest.raises(ChainBroken, match=NEW.public_key_hex()):
        verify(uow, verify_ed25519, _trust(OLD))


def test_rotate_and_certify_refuse_what_a_verifier_would(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    for command in federation[:3]:
        execute(uow, command)
    sign_head(uow, OLD)
    with pytest.raises(InputError, match="no root key has certified"):
        rotate(uow, NEW, verify_ed25519, root=ROOT)
    with pytest.raises(InputError, match="old key or by the root key"):
        rotate(uow, NEW, verify_ed25519)
    assert certify(uow, OLD, ROOT, verify_ed25519) is not None
    assert certify(uow, OLD, ROOT, verify_ed25519) is None  # already
    with pytest.raises(InputError, match="root key is"):
        certify(uow, OLD, ROGUE, verify_ed25519)
    with pytest.raises(InputError, match="root key is"):
        rotate(uow, NEW, verify_ed25519, root=ROGUE)
    with pytest.raises(InputError, match="signed by"):
        rotate(uow, NEW, verify_ed25519, old=ROGUE)  # not the key that signs
    with pytest.raises(InputError, match="used before"):
        rotate(uow, ROOT, verify_ed25519, old=OLD)
    rotate(uow, NEW, verify_ed25519, old=OLD)
    with pytest.raises(InputError, match="but the log is signed by"):
        certify(uow, OLD, ROOT, verify_ed25519)
    with uow:
        assert len(uow.key_records.list()) == 2


def test_a_writer_with_a_retired_key_is_refused(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    execute(uow, federation[0])
    check_signing_key(uow, ROGUE.public_key_hex(), source="k")  # no history yet
    rotate(uow, NEW, verify_ed25519, old=OLD)
    check_signing_key(uow, NEW.public_key_hex(), source="k")
    with pytest.raises(InputError, match="rotated away from") as info:
        check_signing_key(uow, OLD.public_key_hex(), source="db.key")
    assert NEW.public_key_hex() in str(info.value)
    with pytest.raises(InputError, match="is not this log's signing key"):
        check_signing_key(uow, ROGUE.public_key_hex(), source="db.key")


def test_key_records_travel_through_export_and_import(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _rotated(uow, federation)
    out = io.StringIO()
    export_log(uow, NEW, out)
    lines = out.getvalue().splitlines()
    assert sum('"kind":"key"' in line for line in lines) == 2
    header = json.loads(lines[0])
    assert header["public_key"] == NEW.public_key_hex()
    assert header["key_history"] == [
        OLD.public_key_hex(),
        NEW.public_key_hex(),
        ROOT.public_key_hex(),
    ]
    target = InMemoryUnitOfWork(InMemoryDatabase())
    import_log(
        lines,
        target,
        source="x",
        verify_signature=verify_ed25519,
        pinned={OLD.public_key_hex()},
    )
    assert verify(target, verify_ed25519, _trust(OLD)).history.root == (
        ROOT.public_key_hex()
    )
    forged = [*lines[:-1], lines[-1].replace('"reason":"lost"', '"reason":"forged"')]
    with pytest.raises(ChainBroken, match="does not verify"):
        import_log(
            forged,
            InMemoryUnitOfWork(InMemoryDatabase()),
            source="x",
            verify_signature=verify_ed25519,
        )


def test_a_checkpoint_by_a_stranger_is_refused_even_inside_a_history(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _rotated(uow, federation)
    with uow:
        events = list(uow.events.read())
        uow.checkpoints.add(sign_checkpoint(checkpoint_body(events[:4]), ROGUE))
        uow.commit()
    with pytest.raises(ChainBroken, match="not by a pinned key"):
        verify(uow, verify_ed25519, _trust(NEW))
