"""The signing key's life cycle: certificates and rotations (issue 9, item 7).

Checkpoints are signed by one Ed25519 key at a time. Two kinds of **key
record**, kept beside the checkpoints and exported with them, say which key
signs when:

- a **certificate**: an offline *root key* vouches for the signing key
  (``signed_by`` the root) and the signing key accepts that root as its own
  (the countersignature). The first certificate names the log's root; a
  certificate by any other root is refused.
- a **rotation**: the signing key ``old_key`` hands over to ``new_key``, signed
  by the old key (a planned change) or by the log's root key (the old key is
  lost or stolen), and countersigned by the new key (it accepts the history it
  takes over).

Every record states the log it was made on — ``size``, RFC 9162 Merkle root
and head hash, as a checkpoint does — so it cannot be moved to another log or
another place in this one. The signed message is the canonical JSON of the
record's statement, with the tag ``sovet-key/v1``::

    {"head_hash", "kind": "certificate", "root_hash", "root_key",
     "signing_key", "size", "tag"}
    {"head_hash", "kind": "rotation", "new_key", "old_key", "reason",
     "root_hash", "signed_by", "size", "tag"}

``follow_keys`` (in ``ledger.key_history``) walks the records in order and gives
the log's key history: the *eras* (each key, from the size it took over at to
the size it handed over at, both included) and the root. A checkpoint must be
signed inside its key's era (``era_problem``): a key rotated away from signs
nothing after its rotation, a new key nothing before. Which key a verifier
*trusts* is decided outside this pure module (``sovet.services.keys``). The
record's ``signature`` is by ``signed_by`` (a certificate: ``root_key``), its
``countersignature`` by the key it installs (``signing_key`` or ``new_key``);
both are hex.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sovet.ledger.canonical import canonical_json
from sovet.ledger.checkpoint import CheckpointBody

__all__ = [
    "CERTIFICATE",
    "KEY_TAG",
    "ROTATION",
    "KeyRecord",
    "KeyRecordLike",
    "KeyStatement",
    "fingerprint",
]

KEY_TAG = "sovet-key/v1"
"""The domain-separation tag inside every signed key statement."""
CERTIFICATE = "certificate"
ROTATION = "rotation"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
MAX_REASON = 500
"""The longest reason a rotation may give (characters)."""


def fingerprint(public_key: str) -> str:
    """SHA-256 of the raw 32-byte public key (given as hex), as lowercase hex."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()


@dataclass(frozen=True, slots=True)
class KeyStatement:
    """What a key record states (see the module's docstring for its JSON).

    ``key`` is the key the record installs or certifies (a certificate's
    ``signing_key``, a rotation's ``new_key``): it countersigns. ``authority``
    signs: a certificate's ``root_key``, a rotation's ``signed_by`` (the old
    key or the root). ``previous`` is a rotation's ``old_key``.
    """

    kind: str
    size: int
    root_hash: str
    head_hash: str
    key: str
    authority: str
    previous: str | None = None
    reason: str = ""

    @classmethod
    def certificate(cls, body: CheckpointBody, *, root: str, key: str) -> KeyStatement:
        """``root`` certifies the signing ``key`` on the log ``body``."""
        return cls(CERTIFICATE, body.size, body.root_hash, body.head_hash, key, root)

    @classmethod
    def rotation(
        cls,
        body: CheckpointBody,
        *,
        old: str,
        new: str,
        signed_by: str,
        reason: str = "",
    ) -> KeyStatement:
        """``old`` hands over to ``new`` on the log ``body`` (signed by old or root)."""
        return cls(
            ROTATION,
            body.size,
            body.root_hash,
            body.head_hash,
            new,
            signed_by,
            old,
            reason,
        )

    @property
    def body(self) -> CheckpointBody:
        """The log the record was made on."""
        return CheckpointBody(self.size, self.root_hash, self.head_hash)

    def to_json(self) -> dict[str, Any]:
        """The statement as its JSON object (what is signed, canonically)."""
        common: dict[str, Any] = {
            "tag": KEY_TAG,
            "kind": self.kind,
            "size": self.size,
            "root_hash": self.root_hash,
            "head_hash": self.head_hash,
        }
        if self.kind == CERTIFICATE:
            return {**common, "signing_key": self.key, "root_key": self.authority}
        return {
            **common,
            "old_key": self.previous,
            "new_key": self.key,
            "signed_by": self.authority,
            "reason": self.reason,
        }

    def message(self) -> bytes:
        """The exact bytes that are signed and countersigned."""
        return canonical_json(self.to_json())

    @classmethod
    def from_json(cls, value: object) -> KeyStatement:
        """Read a statement; ``ValueError`` naming the field when it is malformed."""
        if not isinstance(value, Mapping):
            raise ValueError("a key statement is a JSON object")
        kind = value.get("kind")
        names = {
            CERTIFICATE: ("signing_key", "root_key"),
            ROTATION: ("old_key", "new_key", "signed_by", "reason"),
        }.get(kind if isinstance(kind, str) else "")
        if names is None:
            raise ValueError(f"unknown key statement kind {kind!r}")
        expected = {"tag", "kind", "size", "root_hash", "head_hash", *names}
        if set(value) != expected:
            odd = sorted(set(value) ^ expected)
            raise ValueError(f"a {kind} has the fields {sorted(expected)}; not {odd}")
        if value["tag"] != KEY_TAG:
            raise ValueError(f"tag {value['tag']!r} is not {KEY_TAG!r}")
        size = value["size"]
        if type(size) is not int or size < 0:
            raise ValueError(f"size {size!r} is not a count of events")
        for name in ("root_hash", "head_hash", *names[:3]):
            text = value[name]
            if not isinstance(text, str) or not _HEX64.fullmatch(text):
                raise ValueError(f"{name} {text!r} is not 64 lowercase hex digits")
        if kind == CERTIFICATE:
            return cls(
                CERTIFICATE,
                size,
                value["root_hash"],
                value["head_hash"],
                value["signing_key"],
                value["root_key"],
            )
        reason = value["reason"]
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            raise ValueError(f"reason is not a text of at most {MAX_REASON} characters")
        return cls(
            ROTATION,
            size,
            value["root_hash"],
            value["head_hash"],
            value["new_key"],
            value["signed_by"],
            value["old_key"],
            reason,
        )


class KeyRecordLike(Protocol):
    """A key record as a store or an export holds it."""

    @property
    def statement(self) -> KeyStatement: ...
    @property
    def signature(self) -> str: ...
    @property
    def countersignature(self) -> str: ...


class _Signer(Protocol):
    def public_key_hex(self) -> str: ...
    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A statement, signed by its authority and countersigned by its key."""

    statement: KeyStatement
    signature: str
    countersignature: str

    @classmethod
    def sign(
        cls, statement: KeyStatement, authority: _Signer, key: _Signer
    ) -> KeyRecord:
        """Sign ``statement`` with both keys it names (checked to be those)."""
        if authority.public_key_hex() != statement.authority:
            raise ValueError("the authority's key is not the one the statement names")
        if key.public_key_hex() != statement.key:
            raise ValueError("the new key is not the one the statement names")
        message = statement.message()
        return cls(statement, authority.sign(message).hex(), key.sign(message).hex())

    def to_json(self) -> dict[str, Any]:
        """The record as an export line's fields (without ``kind``)."""
        return {
            "statement": self.statement.to_json(),
            "signature": self.signature,
            "countersignature": self.countersignature,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> KeyRecord:
        """A record from its JSON; ``ValueError`` when malformed."""
        statement = KeyStatement.from_json(value.get("statement"))
        signatures = (value.get("signature"), value.get("countersignature"))
        for signature in signatures:
            if not isinstance(signature, str) or not _HEX128.fullmatch(signature):
                raise ValueError("a key record's signatures are 128 hex digits")
        return cls(statement, str(signatures[0]), str(signatures[1]))
