"""Verification with a trusted key, and the signing key's life cycle (issue 9, 6–7).

``verify`` is the one verification every edge uses (``sovet verify``,
``GET /api/verify``, the ``/audit`` page, ``sovet import``): the hash chain,
every checkpoint (head, RFC 9162 root, Ed25519 signature), the key records
(``ledger.keyring``: each certificate and rotation signed as it must be, and
each checkpoint signed inside its key's era), and then **trust**: which of the
keys the verifier was given — its *anchors* — vouches for the signers.

- A key of the key history (a signing key in turn, or the root that certified
  one) is trusted when any key of that history is an anchor: each rotation is
  signed by the key before it (or the root) and countersigned by the key after
  it, so trust runs along the whole chain, both ways.
- A key outside the history (a log that never recorded a key change, or an
  imported log continued under another key) is trusted only as an anchor
  itself, as before key records existed.
- With no anchor at all (``anchors=None``) nothing is refused for its signer,
  and the answer says so: the log is consistent, its signer not authenticated.

``certify`` and ``rotate`` write key records: a certificate of the signing key
by an offline root key; a rotation from the signing key to a new one, signed
by the old key or, when it is lost or stolen, by the root. The new key signs a
checkpoint of the head in the same transaction. ``check_signing_key`` keeps a
writer from signing with a key the log has rotated away from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sovet.errors import ChainBroken, InputError, Says, says
from sovet.ledger import chain
from sovet.ledger.checkpoint import (
    CheckpointBody,
    SignatureCheck,
    checkpoint_body,
    sign_checkpoint,
)
from sovet.ledger.envelope import StoredEvent
from sovet.ledger.key_history import KeyHistory, era_problem, follow_keys
from sovet.ledger.keyring import (
    CERTIFICATE,
    KeyRecord,
    KeyRecordLike,
    KeyStatement,
    fingerprint,
)
from sovet.ports import Checkpoint, Signer, UnitOfWork
from sovet.services.checkpoints import check_checkpoints

__all__ = [
    "Anchor",
    "Verification",
    "certify",
    "check_signing_key",
    "current_key",
    "key_history",
    "rotate",
    "verify",
    "verify_lists",
]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A key the verifier trusts, and why (shown to the user)."""

    key: str
    why: str
    """Why, in a few words: "this database's key", "pinned at import" …"""
    where: str | None = None
    """Where it was found (a key file, a pins file), if anywhere."""

    def describe(self) -> str:
        """``why``, with ``where`` when known."""
        if self.where:
            return Says("{why}, {where}", why=self.why, where=self.where)
        return self.why


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``verify`` found: an intact log, its signers, and whom it trusted."""

    events: int
    head_hash: str
    checkpoints: int
    signed: int
    """How many events the latest checkpoint covers (0 without one)."""
    keys: tuple[str, ...]
    """The checkpoints' signers, in order of first appearance."""
    history: KeyHistory = field(default_factory=KeyHistory)
    anchors: tuple[Anchor, ...] | None = None
    """The keys the verifier was given to trust (``None``: none at all)."""
    trusted: tuple[Anchor, ...] = ()
    """The anchors that vouch for this log's signers."""

    @property
    def authenticated(self) -> bool:
        """False when no trusted key was given: the log is only consistent."""
        return self.anchors is not None

    @property
    def unsigned(self) -> int:
        """Events after the latest checkpoint (not signed yet)."""
        return self.events - self.signed

    def why(self, key: str) -> str:
        """Why ``key`` (a signer) is trusted, in words."""
        for anchor in self.anchors or ():
            if anchor.key == key:
                return anchor.why
        era = self.history.era_of(key)
        if era is not None and self.trusted:
            return says(
                "{how}; the key history is trusted via {key}",
                how=era.how,
                key=self.trusted[0].key,
            )
        if era is not None:
            return era.how
        return says("not authenticated")

    def to_json(self) -> dict[str, Any]:
        """The answer as JSON (``GET /api/verify``)."""
        return {
            "ok": self.authenticated,
            "authenticated": self.authenticated,
            "events": self.events,
            "head_hash": self.head_hash,
            "checkpoints": self.checkpoints,
            "signed_events": self.signed,
            "keys": list(self.keys),
            "trusted": [
                {
                    "public_key": a.key,
                    "fingerprint": fingerprint(a.key),
                    "why": a.describe(),
                }
                for a in self.trusted
            ],
            "signing_key": self.history.current,
            "root_key": self.history.root,
            "eras": [
                {"public_key": e.key, "from_size": e.start, "to_size": e.end}
                for e in self.history.eras
            ],
        }


def _body_at(events: Sequence[StoredEvent]) -> Any:
    def body_at(size: int) -> CheckpointBody | None:
        if size > len(events):
            return None
        return checkpoint_body(events[:size])

    return body_at


def key_history(
    events: Sequence[StoredEvent],
    records: Sequence[KeyRecordLike],
    verify_signature: SignatureCheck,
) -> KeyHistory:
    """The key history of a log whose events are already verified."""
    return follow_keys(records, verify_signature, _body_at(events))


def _refuse_untrusted(
    checkpoints: Sequence[Checkpoint], history: KeyHistory, anchors: Sequence[Anchor]
) -> tuple[Anchor, ...]:
    """The anchors that vouch for the signers; ``ChainBroken`` at the first
    checkpoint whose signer none of them vouches for."""
    keys = {anchor.key for anchor in anchors}
    chained = tuple(a for a in anchors if a.key in history.all_keys())
    for checkpoint in checkpoints:
        signer = checkpoint.public_key
        in_history = history.era_of(signer) is not None
        if (in_history and chained) or (not in_history and signer in keys):
            continue
        trusted = ", ".join(sorted(keys)) or "none"
        rotated = says(" (nor rotated to from one)") if in_history else ""
        raise ChainBroken(
            max(checkpoint.size, 1),
            says(
                "checkpoint of {size} events is signed by {signer}, not by a "
                "pinned key{rotated} ({trusted})",
                size=checkpoint.size,
                signer=signer,
                rotated=rotated,
                trusted=trusted,
            ),
        )
    signers = {checkpoint.public_key for checkpoint in checkpoints}
    direct = tuple(a for a in anchors if a.key in signers and a not in chained)
    return chained + direct or tuple(anchors)


def verify_lists(
    events: Sequence[StoredEvent],
    checkpoints: Sequence[Checkpoint],
    records: Sequence[KeyRecordLike],
    verify_signature: SignatureCheck,
    anchors: Sequence[Anchor] | None,
) -> Verification:
    """Verify a log given as lists (see the module's docstring)."""
    count, head = chain.verify(events)
    history = key_history(events, records, verify_signature)
    checked = check_checkpoints(events, checkpoints, verify_signature)
    for checkpoint in checkpoints:
        problem = era_problem(history, checkpoint.size, checkpoint.public_key)
        if problem is not None:
            raise ChainBroken(max(checkpoint.size, 1), problem)
    trusted: tuple[Anchor, ...] = ()
    if anchors is not None:
        trusted = _refuse_untrusted(checkpoints, history, anchors)
    return Verification(
        events=count,
        head_hash=head,
        checkpoints=checked,
        signed=max((c.size for c in checkpoints), default=0),
        keys=tuple(dict.fromkeys(c.public_key for c in checkpoints)),
        history=history,
        anchors=None if anchors is None else tuple(anchors),
        trusted=trusted,
    )


def verify(
    uow: UnitOfWork,
    verify_signature: SignatureCheck,
    anchors: Sequence[Anchor] | None,
) -> Verification:
    """Verify the log of ``uow`` against the trusted ``anchors`` (``None``: none).

    Raises ``ChainBroken`` at the first thing that does not hold: a link, a
    checkpoint, a key record, a checkpoint outside its key's era, or a signer
    no anchor vouches for.
    """
    with uow:
        events = list(uow.events.read())
        checkpoints = uow.checkpoints.list()
        records = uow.key_records.list()
    return verify_lists(events, checkpoints, records, verify_signature, anchors)


def current_key(records: Sequence[KeyRecordLike]) -> str | None:
    """The key that signs now by the records alone (signatures not checked)."""
    current = None
    for record in records:
        statement = record.statement
        if statement.kind == CERTIFICATE:
            current = current or statement.key
        else:
            current = statement.key
    return current


def check_signing_key(uow: UnitOfWork, public_key: str, *, source: str) -> None:
    """Refuse (``InputError``) to write with a key the log no longer signs with."""
    with uow:
        records = uow.key_records.list()
    current = current_key(records)
    if current is None or current == public_key:
        return
    retired = any(
        public_key in (r.statement.key, r.statement.previous) for r in records
    )
    what = (
        says("was rotated away from")
        if retired
        else says("is not this log's signing key")
    )
    raise InputError(
        says(
            "the key file holds {public_key}, which {what}; the log is "
            "signed by {current} now. Put that key's file in place (a "
            "rotation that stopped half-way leaves it in the key file's "
            "'.next'), or rotate with the root key (`sovet key rotate "
            "--root FILE`)",
            public_key=public_key,
            what=what,
            current=current,
        ),
        source=source,
    )


def _state(
    uow: UnitOfWork, verify_signature: SignatureCheck
) -> tuple[list[StoredEvent], list[Checkpoint], KeyHistory]:
    events = list(uow.events.read())
    chain.verify(events)
    checkpoints = uow.checkpoints.list()
    history = key_history(events, uow.key_records.list(), verify_signature)
    return events, checkpoints, history


def certify(
    uow: UnitOfWork,
    signer: Signer,
    root: Signer,
    verify_signature: SignatureCheck,
) -> KeyRecord | None:
    """Record that ``root`` certifies the signing key; ``None`` if it already did.

    Refused (``InputError``) when ``signer`` is not the log's signing key, or
    the log's root is another key.
    """
    key, root_key = signer.public_key_hex(), root.public_key_hex()
    with uow:
        events, _, history = _state(uow, verify_signature)
        if history.current is not None and key != history.current:
            raise InputError(
                says(
                    "the key file holds {key}, but the log is signed by "
                    "{current}: certify the key that signs",
                    key=key,
                    current=history.current,
                )
            )
        if history.root is not None and history.root != root_key:
            raise InputError(
                says(
                    "this log's root key is {root}; a certificate by {root_key} "
                    "would be refused",
                    root=history.root,
                    root_key=root_key,
                )
            )
        if root_key == key:
            raise InputError(says("the root key must not be the signing key"))
        if history.root == root_key and any(
            r.statement.kind == CERTIFICATE and r.statement.key == key
            for r in uow.key_records.list()
        ):
            return None
        statement = KeyStatement.certificate(
            checkpoint_body(events), root=root_key, key=key
        )
        record = KeyRecord.sign(statement, root, signer)
        uow.key_records.add(record)
        uow.commit()
    return record


def rotate(
    uow: UnitOfWork,
    new: Signer,
    verify_signature: SignatureCheck,
    *,
    old: Signer | None = None,
    root: Signer | None = None,
    reason: str = "",
) -> KeyRecord:
    """Hand the log over to ``new``: signed by ``old`` (the key that signs now)
    or, when it is lost or stolen, by ``root`` (the log's certified root).

    In one transaction: the rotation record, and a checkpoint of the head
    signed by ``new`` (unless the head is signed already).
    """
    if (old is None) == (root is None):
        raise InputError(says("a rotation is signed by the old key or by the root key"))
    new_key = new.public_key_hex()
    with uow:
        events, checkpoints, history = _state(uow, verify_signature)
        if root is not None:
            authority: Signer = root
            if history.root is None or history.current is None:
                raise InputError(
                    says(
                        "no root key has certified this log's signing key (`sovet "
                        "key certify --root FILE`): only the old key can rotate"
                    )
                )
            if root.public_key_hex() != history.root:
                raise InputError(
                    says(
                        "the root key given is {given}; this log's root key is {root}",
                        given=root.public_key_hex(),
                        root=history.root,
                    )
                )
            old_key = history.current
        else:
            assert old is not None
            authority, old_key = old, old.public_key_hex()
            if history.current is not None and old_key != history.current:
                raise InputError(
                    says(
                        "the key file holds {old_key}, but the log is signed by "
                        "{current}; rotate with the root key instead",
                        old_key=old_key,
                        current=history.current,
                    )
                )
        if new_key in history.all_keys() or new_key == old_key:
            raise InputError(
                says("the new key {new_key} has been used before", new_key=new_key)
            )
        body = checkpoint_body(events)
        statement = KeyStatement.rotation(
            body,
            old=old_key,
            new=new_key,
            signed_by=authority.public_key_hex(),
            reason=reason,
        )
        record = KeyRecord.sign(statement, authority, new)
        uow.key_records.add(record)
        if events and all(c.size != body.size for c in checkpoints):
            uow.checkpoints.add(sign_checkpoint(body, new))
        uow.commit()
    return record
