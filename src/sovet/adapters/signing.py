"""Ed25519 signing of checkpoints (RFC 8032, through the ``cryptography`` package).

The key is kept as an unencrypted PKCS#8 PEM file readable by its owner only
(mode 0600); public keys and signatures travel as lowercase hex of the raw
32-byte key and 64-byte signature.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from sovet.errors import InputError

__all__ = [
    "Ed25519Signer",
    "create_key",
    "load_key",
    "load_or_create",
    "verify_ed25519",
    "write_key",
]


class Ed25519Signer:
    """A ``ports.Signer`` holding one Ed25519 private key."""

    __slots__ = ("_key", "_public_hex")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._public_hex = (
            key.public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            .hex()
        )

    @classmethod
    def generate(cls) -> Ed25519Signer:
        """A signer with a fresh random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, secret: bytes) -> Ed25519Signer:
        """A signer from the 32-byte RFC 8032 secret key (the seed)."""
        if len(secret) != 32:
            raise InputError(f"an Ed25519 secret key is 32 bytes, not {len(secret)}")
        return cls(Ed25519PrivateKey.from_private_bytes(secret))

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> Ed25519Signer:
        """The key in the PEM file ``path``, created (mode 0600) when missing."""
        return load_or_create(path)

    def public_key_hex(self) -> str:
        """The raw 32-byte public key, hex-encoded."""
        return self._public_hex

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return self._key.sign(message)

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def write_key(path: str | os.PathLike[str], signer: Ed25519Signer) -> None:
    """Write ``signer``'s key to the new file ``path`` (PEM, mode 0600, fsynced).

    Exclusive (``O_EXCL``): ``FileExistsError`` when ``path`` exists.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(signer.private_pem())
        out.flush()
        os.fsync(out.fileno())


def create_key(path: str | os.PathLike[str]) -> Ed25519Signer:
    """A new random key written to ``path``; ``InputError`` when it exists."""
    signer = Ed25519Signer.generate()
    try:
        write_key(path, signer)
    except FileExistsError as error:
        raise InputError(
            "a key file is there already; sovet never overwrites a key",
            source=str(path),
        ) from error
    except OSError as error:
        raise InputError(
            f"cannot write the key: {error.strerror}", source=str(path)
        ) from error
    return signer


def load_key(path: str | os.PathLike[str]) -> Ed25519Signer:
    """The Ed25519 key in the PEM file ``path``; ``InputError`` naming the file
    when it is missing, unreadable or not an unencrypted Ed25519 PEM key."""
    target = Path(path)
    try:
        data = target.read_bytes()
    except OSError as error:
        raise InputError(
            f"cannot read the key: {error.strerror}", source=str(target)
        ) from error
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise InputError(
            f"not a readable unencrypted PEM private key: {e}", source=str(target)
        ) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(
            f"the key is {type(key).__name__}, not Ed25519", source=str(target)
        )
    return Ed25519Signer(key)


def load_or_create(path: str | os.PathLike[str]) -> Ed25519Signer:
    """Read the Ed25519 key at ``path`` or create it there (PEM, mode 0600).

    Creation is exclusive (``O_EXCL``): two processes racing both end with the
    one key that was written first. A file that is not an Ed25519 PEM key is
    refused with an ``InputError`` naming it.
    """
    target = Path(path)
    if not target.exists():
        signer = Ed25519Signer.generate()
        try:
            write_key(target, signer)
        except FileExistsError:
            pass
        else:
            return signer
    return load_key(target)


def verify_ed25519(public_key_hex: str, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message``.

    A malformed key (not 32 bytes of hex) or signature (not 64 bytes) is simply
    not valid: the answer is ``False``, never an exception.
    """
    try:
        raw = bytes.fromhex(public_key_hex)
    except (ValueError, TypeError):
        return False
    if len(raw) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
