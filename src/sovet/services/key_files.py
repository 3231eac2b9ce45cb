"""Where a database's signing key and server secret live, and how they are made.

The key (Ed25519) lives beside a SQLite database as ``<db>.key``; for
PostgreSQL ``SOVET_KEY_FILE`` (or ``--key-file``) names it, with no default.
The server secret that keys CSRF tokens is ``SOVET_SECRET`` or a file kept the
same way (``<db>.secret``, ``SOVET_SECRET_FILE``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sovet.adapters.sql.engine import create_private
from sovet.config import Settings
from sovet.errors import InputError, says

__all__ = [
    "MIN_SECRET",
    "NO_SERVER_KEY",
    "configured_key",
    "install_next_key",
    "is_url",
    "key_path",
    "next_key_path",
    "secret_path",
    "server_secret",
]

NO_SERVER_KEY = says(
    "a PostgreSQL database's signing key must be configured: set SOVET_KEY_FILE "
    "or give --key-file (sovet never takes a key from the current folder)"
)


def is_url(db: str) -> bool:
    """True when ``db`` is a database URL rather than a SQLite file path."""
    return "://" in db


def key_path(
    db: str, settings: Settings | None = None, *, key_file: str | None = None
) -> Path:
    """Where the signing key of ``db`` lives: ``key_file`` when given, else
    ``<db>.key`` beside a SQLite file, ``SOVET_KEY_FILE`` for PostgreSQL —
    which has no default (``InputError``: never a file in the current folder)."""
    found = configured_key(db, settings, key_file=key_file)
    if found is None:
        raise InputError(NO_SERVER_KEY, source="SOVET_KEY_FILE")
    return found


def next_key_path(key_file: Path) -> Path:
    """Where ``sovet key rotate`` writes the new key before the log names it."""
    return key_file.with_name(key_file.name + ".next")


def install_next_key(key_file: Path) -> None:
    """Move the rotated-to key (``next_key_path``) over ``key_file``, durably.

    ``os.replace`` is atomic: the key file holds the old key or the new one,
    never neither; the folder is synced so the rename survives a crash.
    """
    staged = next_key_path(key_file)
    try:
        os.replace(staged, key_file)
        folder = os.open(key_file.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as error:
        raise InputError(
            says(
                "the log now names the key in {staged}, but it could not be "
                "moved into place ({strerror}): move it there by hand",
                staged=staged,
                strerror=error.strerror,
            ),
            source=str(key_file),
        ) from error


def configured_key(
    db: str, settings: Settings | None = None, *, key_file: str | None = None
) -> Path | None:
    """``key_path``, or ``None`` for PostgreSQL without a configured key file."""
    if key_file:
        return Path(key_file)
    if not is_url(db):
        return Path(f"{db}.key")
    configured = (settings or Settings()).key_file
    return Path(configured) if configured else None


MIN_SECRET = 32
"""The shortest server secret accepted (characters of ``SOVET_SECRET``)."""


def secret_path(db: str, settings: Settings | None = None) -> Path:
    """Where the server secret of ``db`` lives: ``<db>.secret`` beside SQLite;
    for a server database ``SOVET_SECRET_FILE``, else beside the key file
    (``sovet.key`` → ``sovet.secret``)."""
    if not is_url(db):
        return Path(f"{db}.secret")
    settings = settings or Settings()
    if settings.secret_file:
        return Path(settings.secret_file)
    if not settings.key_file:
        raise InputError(
            says(
                "a PostgreSQL server's secret needs SOVET_SECRET, "
                "SOVET_SECRET_FILE or SOVET_KEY_FILE (kept beside the key); "
                "never the current folder"
            ),
            source="SOVET_SECRET_FILE",
        )
    key = Path(settings.key_file)
    return key.with_suffix(".secret") if key.suffix == ".key" else Path(f"{key}.secret")


def server_secret(db: str, settings: Settings | None = None) -> bytes:
    """The secret that keys the CSRF tokens of ``db``'s server (DESIGN §6).

    ``SOVET_SECRET`` when set (several servers of one database share it); else
    the file ``secret_path(db)``, created when missing with 64 random hex digits
    and mode 0600 — written aside and linked into place, so a reader never sees
    it half-written and two processes racing keep the one linked first.
    """
    settings = settings or Settings()
    if settings.secret is not None:
        if len(settings.secret) < MIN_SECRET:
            raise InputError(
                says(
                    "SOVET_SECRET must be at least {least} characters",
                    least=MIN_SECRET,
                ),
                source="SOVET_SECRET",
            )
        return settings.secret.encode("utf-8")
    path = secret_path(db, settings)
    try:
        if not path.exists():
            aside = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
            create_private(aside)
            try:
                aside.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
                with contextlib.suppress(FileExistsError):
                    os.link(aside, path)
            finally:
                aside.unlink()
        found = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(
            says("cannot read or create the server secret: {reason}", reason=reason),
            source=str(path),
        ) from error
    if len(found) < MIN_SECRET:
        raise InputError(
            says(
                "the server secret is shorter than {least} characters",
                least=MIN_SECRET,
            ),
            source=str(path),
        )
    return found.encode("ascii")
