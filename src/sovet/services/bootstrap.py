"""The composition root: picks the store for ``--db`` and wires the signer.

``--db`` (or ``SOVET_DB``) is a file path (SQLite) or a ``postgresql://`` URL
(DESIGN §4). Opening a database runs its Alembic migrations.

The signing key (Ed25519, for checkpoints) lives beside a SQLite database as
``<db>.key`` (PEM, mode 0600), created with the database by ``init``, ``run``,
``demo`` and ``import``. For PostgreSQL, ``SOVET_KEY_FILE`` names the key file
(default ``./sovet.key``). Whoever holds the key can sign checkpoints; the
public key travels with every checkpoint and every export. The server secret
that keys CSRF tokens (``server_secret``) is ``SOVET_SECRET`` or a file kept
the same way (``<db>.secret``, ``SOVET_SECRET_FILE``), made when accounts are
first opened.

Before anything else, ``bootstrap`` refuses a database that does not make a
commit durable (``check_durable``): SQLite must run WAL with
``synchronous=FULL``; PostgreSQL must have ``fsync``, ``synchronous_commit`` and
``full_page_writes`` on (read with ``SHOW``). An acknowledged ballot must
survive a crash.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import Ed25519Signer, load_or_create, verify_ed25519
from sovet.adapters.sql import SqlUnitOfWork, check_durability, make_engine, migrate
from sovet.adapters.sql.engine import create_private
from sovet.config import Settings
from sovet.errors import InputError, StorageError
from sovet.ledger.checkpoint import SignatureCheck
from sovet.ports import Clock, Signer, UnitOfWork
from sovet.services.handlers import StateCache

__all__ = [
    "Services",
    "SystemClock",
    "bootstrap",
    "check_durable",
    "in_memory",
    "is_url",
    "key_path",
    "remove_database",
    "removed_if_refused",
    "secret_path",
    "server_secret",
    "verify_signature",
]

verify_signature: SignatureCheck = verify_ed25519
"""The checkpoint signature check (Ed25519), for verifying before a database opens."""


class SystemClock:
    """The real clock (``ports.Clock``): the only place sovet reads 'now'."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


@dataclass
class Services:
    """What the edges need: a unit-of-work factory, the signer, the state cache."""

    location: str
    uow: Callable[[], UnitOfWork]
    signer: Signer
    verify_signature: SignatureCheck = field(default=verify_ed25519)
    scratch: Callable[[], UnitOfWork] = InMemoryUnitOfWork
    cache: StateCache = field(default_factory=StateCache)
    clock: Clock = field(default_factory=SystemClock)
    close: Callable[[], None] = field(default=lambda: None)
    """Release the database connections (``with bootstrap(...) as services``)."""
    engine: Engine | None = None
    """The SQL engine (accounts, ballots); ``None`` for an in-memory engine."""

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def is_url(db: str) -> bool:
    """True when ``db`` is a database URL rather than a SQLite file path."""
    return "://" in db


def key_path(db: str, settings: Settings | None = None) -> Path:
    """Where the signing key of ``db`` lives: ``<db>.key`` beside a SQLite file."""
    if is_url(db):
        return Path((settings or Settings()).key_file)
    return Path(f"{db}.key")


DATABASE_FILES = ("", "-wal", "-shm", "-journal", ".key", ".key.pins", ".secret")
"""Suffixes of the files beside a SQLite database ``<db>`` that belong to it."""


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
                f"SOVET_SECRET must be at least {MIN_SECRET} characters",
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
            f"cannot read or create the server secret: {reason}", source=str(path)
        ) from error
    if len(found) < MIN_SECRET:
        raise InputError(
            f"the server secret is shorter than {MIN_SECRET} characters",
            source=str(path),
        )
    return found.encode("ascii")


def remove_database(db: str) -> None:
    """Delete a SQLite database, its WAL files and its key (``demo`` starts fresh)."""
    if is_url(db):
        raise InputError(
            "refusing to delete a server database; use a SQLite path", source=db
        )
    for suffix in DATABASE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{db}{suffix}").unlink()


def _log_is_empty(location: str) -> bool:
    """True when the SQLite database at ``location`` holds no event (or no log)."""
    if not Path(location).exists():
        return True
    engine = make_engine(location)
    try:
        with SqlUnitOfWork(engine) as uow:
            return uow.events.head()[0] == 0
    except (SQLAlchemyError, StorageError):
        return True  # made by this command and unreadable: nothing to keep
    finally:
        engine.dispose()


@contextlib.contextmanager
def removed_if_refused(db: str | None) -> Iterator[None]:
    """Around a command that may create database ``db`` (``init``, ``run``, ``import``).

    When ``db`` is a new SQLite path and the block fails with nothing in the
    log, the files the block created (database, WAL files, key, pins) are
    removed: a refused command leaves nothing behind. Files that existed
    before, a database holding events (the steps of ``run`` before a refused
    one stay) and server databases are never touched. Enter it before
    ``bootstrap`` on the same exit stack, so that it runs after the
    connections are closed.
    """
    location = db or Settings().db
    if is_url(location) or location == ":memory:" or Path(location).exists():
        yield
        return
    before = {s for s in DATABASE_FILES if Path(f"{location}{s}").exists()}
    try:
        yield
    except BaseException:
        if _log_is_empty(location):
            for suffix in DATABASE_FILES:
                if suffix not in before:
                    with contextlib.suppress(FileNotFoundError):
                        Path(f"{location}{suffix}").unlink()
        raise


_POSTGRES_DURABLE = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}


def check_durable(engine: Engine) -> None:
    """Refuse (``StorageError``) a database whose commits could be lost in a crash."""
    if engine.dialect.name != "postgresql":
        check_durability(engine)
        return
    with engine.connect() as conn:
        found = {
            name: str(conn.exec_driver_sql(f"SHOW {name}").scalar()).lower()
            for name in _POSTGRES_DURABLE
        }
        conn.rollback()
    wrong = [f"{k}={v}" for k, v in found.items() if v != _POSTGRES_DURABLE[k]]
    if wrong:
        raise StorageError(
            f"PostgreSQL runs with {', '.join(wrong)}: an acknowledged commit "
            "could be lost in a crash; sovet refuses to start until fsync, "
            "synchronous_commit and full_page_writes are on"
        )


def bootstrap(db: str | None = None, *, create: bool = False) -> Services:
    """Open (or with ``create``, create) the database ``db`` and its signing key.

    Without ``create`` a missing SQLite file is an error rather than a new,
    empty database, so that ``verify`` or ``legitimacy`` on a mistyped path does
    not answer about nothing.
    """
    settings = Settings()
    location = db or settings.db
    if not is_url(location) and not create and not Path(location).exists():
        raise InputError(
            "no database here; create one with `sovet init`, `sovet run` "
            "or `sovet demo`",
            source=location,
        )
    engine = make_engine(location)
    try:
        check_durable(engine)
    except StorageError:
        engine.dispose()
        raise
    migrate(engine)
    signer = load_or_create(key_path(location, settings))
    return Services(
        location=location,
        uow=lambda: SqlUnitOfWork(engine),
        signer=signer,
        close=engine.dispose,
        engine=engine,
    )


def in_memory(signer: Signer | None = None) -> Services:
    """A fresh in-memory engine (tests, ``whatif``): one store shared by its UoWs."""
    database = InMemoryDatabase()
    return Services(
        location=":memory:",
        uow=lambda: InMemoryUnitOfWork(database),
        signer=signer or Ed25519Signer.generate(),
    )
