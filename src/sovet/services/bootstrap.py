"""The composition root: picks the store for ``--db`` and wires the signer.

``--db`` (or ``SOVET_DB``) is a file path (SQLite) or a ``postgresql://`` URL
(DESIGN §4). Opening a database runs its Alembic migrations.

The signing key (Ed25519, for checkpoints) lives beside a SQLite database as
``<db>.key`` (PEM, mode 0600), created with the database by ``init``, ``run``,
``demo`` and ``import``. For PostgreSQL, ``SOVET_KEY_FILE`` (or a command's
``--key-file``) names the key file; there is no default — a key file in the
current folder is never used — and a command that signs is refused without
one (``Services.require_key``). Whoever holds the key can sign checkpoints; the
public key travels with every checkpoint and every export.

``open_read_only`` opens a database for the commands that only read
(``verify``, ``legitimacy``, ``log``, ``export``, ``whatif``): no migration,
no key created, no journal or WAL file written
(``adapters.sql.make_read_only_engine``); its ``Services.public_key`` is the
public half of the key file when there is one, else ``None``. The server secret
that keys CSRF tokens (``server_secret``) is ``SOVET_SECRET`` or a file kept
the same way (``<db>.secret``, ``SOVET_SECRET_FILE``), made when accounts are
first opened. Where the key and the secret live is ``key_files`` (its names
are importable from here too).

Before anything else, ``bootstrap`` refuses a database that does not make a
commit durable (``check_durable``): SQLite must run WAL with
``synchronous=FULL``; PostgreSQL must have ``fsync``, ``synchronous_commit`` and
``full_page_writes`` on (read with ``SHOW``). An acknowledged ballot must
survive a crash.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from limits.storage import MemoryStorage, Storage
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import (
    Ed25519Signer,
    create_key,
    load_key,
    load_or_create,
    verify_ed25519,
)
from sovet.adapters.sql import SqlUnitOfWork, check_durability, make_engine, migrate
from sovet.adapters.sql.engine import make_read_only_engine
from sovet.adapters.sql.throttle_store import SqlThrottleStorage
from sovet.config import Settings
from sovet.errors import InputError, StorageError, says
from sovet.ledger.checkpoint import SignatureCheck
from sovet.ports import Clock, Signer, UnitOfWork
from sovet.services.handlers import FreshUnits
from sovet.services.key_files import (
    NO_SERVER_KEY,
    configured_key,
    install_next_key,
    is_url,
    key_path,
    next_key_path,
    secret_path,
    server_secret,
)
from sovet.services.keys import check_signing_key
from sovet.services.shared_state import SharedState
from sovet.services.snapshotting import SnapshotLoader

__all__ = [
    "NO_SERVER_KEY",
    "NoSigner",
    "Services",
    "SystemClock",
    "bootstrap",
    "check_durable",
    "configured_key",
    "create_key",
    "in_memory",
    "install_next_key",
    "is_url",
    "key_path",
    "load_key",
    "next_key_path",
    "open_read_only",
    "remove_database",
    "removed_if_refused",
    "secret_path",
    "server_secret",
    "throttle_storage",
    "verify_signature",
]

verify_signature: SignatureCheck = verify_ed25519
"""The checkpoint signature check (Ed25519), for verifying before a database opens."""


class NoSigner:
    """The signer of a database opened read-only, or of PostgreSQL without a key
    file: signing is refused with a message saying why."""

    def __init__(self, public_key: str | None, reason: str) -> None:
        self._public_key = public_key
        self._reason = reason

    def public_key_hex(self) -> str:
        """The public key of the key file, if there is one."""
        if self._public_key is None:
            raise InputError(self._reason, source="signing key")
        return self._public_key

    def sign(self, _message: bytes) -> bytes:
        """Refused: nothing is signed without the private key."""
        raise InputError(self._reason, source="signing key")


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
    cache: SharedState = field(default_factory=SharedState)
    """The process's one fold of the log (``shared_state``): read it with
    ``cache.snapshot(uow)``."""
    clock: Clock = field(default_factory=SystemClock)
    close: Callable[[], None] = field(default=lambda: None)
    """Release the database connections (``with bootstrap(...) as services``)."""
    engine: Engine | None = None
    """The SQL engine (accounts, ballots); ``None`` for an in-memory engine."""
    key_file: Path | None = None
    """Where this database's signing key is kept (``None``: PostgreSQL without
    ``SOVET_KEY_FILE`` or ``--key-file``, or in memory)."""
    public_key: str | None = None
    """The public half of this database's signing key (``None``: no key file)."""
    read_only: bool = False
    """Opened by ``open_read_only``: nothing can be written or signed."""

    def __post_init__(self) -> None:
        if self.cache.source is None:
            self.cache.source = FreshUnits(self.uow)  # its state keeps no event
        if self.cache.cold is None:
            self.cache.cold = SnapshotLoader(
                self.uow, self.verify_signature, self.trusted_keys()
            )

    def trusted_keys(self) -> tuple[str, ...]:
        """The keys whose checkpoints vouch for a snapshot: this database's own
        and those pinned beside its key file (an import's)."""
        keys = () if self.public_key is None else (self.public_key,)
        if self.key_file is None:
            return keys
        try:
            pinned = self.key_file.with_name(self.key_file.name + ".pins")
            extra = tuple(pinned.read_text(encoding="ascii").split())
        except (OSError, UnicodeDecodeError):
            extra = ()
        return tuple(dict.fromkeys((*keys, *extra)))

    def require_key(self) -> None:
        """Refuse (``InputError``) a command that signs when there is no key."""
        if self.read_only or self.public_key is None:
            self.signer.sign(b"")  # raises, saying why

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


DATABASE_FILES = ("", "-wal", "-shm", "-journal", ".key", ".key.pins", ".secret")
"""Suffixes of the files beside a SQLite database ``<db>`` that belong to it."""


def remove_database(db: str) -> None:
    """Delete a SQLite database, its WAL files and its key (``demo`` starts fresh)."""
    if is_url(db):
        raise InputError(
            says("refusing to delete a server database; use a SQLite path"), source=db
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


def bootstrap(
    db: str | None = None,
    *,
    create: bool = False,
    key_file: str | None = None,
    check_key: bool = True,
    open_key: bool = True,
) -> Services:
    """Open (or with ``create``, create) the database ``db`` and its signing key.

    Without ``create`` a missing SQLite file is an error rather than a new,
    empty database, so that a mistyped path does not answer about nothing.
    The key is ``key_path(db, key_file=…)``, created when missing; PostgreSQL
    without a configured key opens with a signer that refuses to sign. With
    ``check_key`` (the default) a key the log has rotated away from is refused
    (``keys.check_signing_key``). Without ``open_key`` the key file is not
    touched at all (``sovet key rotate --root``: the old key is lost or stolen).
    """
    settings = Settings()
    location = db or settings.db
    if not is_url(location) and not create and not Path(location).exists():
        raise InputError(
            says(
                "no database here; create one with `sovet init`, `sovet run` "
                "or `sovet demo`"
            ),
            source=location,
        )
    path = configured_key(location, settings, key_file=key_file)
    engine = make_engine(location)
    try:
        check_durable(engine)
        migrate(engine)
        signer: Signer
        if path is None or not open_key:
            signer, public = NoSigner(None, NO_SERVER_KEY), None
        else:
            signer = load_or_create(path)
            public = signer.public_key_hex()
            if check_key:
                check_signing_key(SqlUnitOfWork(engine), public, source=str(path))
    except BaseException:
        engine.dispose()
        raise
    return Services(
        location=location,
        uow=lambda: SqlUnitOfWork(engine),
        signer=signer,
        close=engine.dispose,
        engine=engine,
        key_file=path,
        public_key=public,
    )


def open_read_only(db: str | None = None, *, key_file: str | None = None) -> Services:
    """Open the database ``db`` to read only: nothing is created or written.

    The key file (``key_file``, else as ``key_path``) is only read, for its
    public half, when it exists and can be read.
    """
    settings = Settings()
    location = db or settings.db
    if not is_url(location) and not Path(location).exists():
        raise InputError(
            says(
                "no database here; create one with `sovet init`, `sovet run` "
                "or `sovet demo`"
            ),
            source=location,
        )
    path = configured_key(location, settings, key_file=key_file)
    public = None
    if path is not None and path.exists():
        # an auditor may not read the private key: then it trusts nothing of it
        with contextlib.suppress(InputError):
            public = load_key(path).public_key_hex()
    engine, cleanup = make_read_only_engine(location)

    def close() -> None:
        engine.dispose()
        cleanup()

    try:
        with engine.connect() as connection:
            found = inspect(connection).has_table("events")
            connection.rollback()
    except SQLAlchemyError as error:
        close()
        raise StorageError(f"cannot read the database: {error}") from error
    if not found:
        close()
        raise InputError(says("not a sovet database: it holds no log"), source=location)
    return Services(
        location=location,
        uow=lambda: SqlUnitOfWork(engine),
        signer=NoSigner(
            public,
            says("the database is opened read-only: nothing is signed or written"),
        ),
        close=close,
        engine=engine,
        key_file=path,
        public_key=public,
        read_only=True,
    )


def in_memory(signer: Signer | None = None) -> Services:
    """A fresh in-memory engine (tests, ``whatif``): one store shared by its UoWs."""
    database = InMemoryDatabase()
    signer = signer or Ed25519Signer.generate()
    return Services(
        location=":memory:",
        uow=lambda: InMemoryUnitOfWork(database),
        signer=signer,
        public_key=signer.public_key_hex(),
    )


def throttle_storage(services: Services) -> Storage:
    """Where the throttles count (``api.throttle``): in the database on
    PostgreSQL, so that every server on it sees the same windows
    (``adapters.sql.throttle_store``); else in this process's memory (SQLite,
    in memory: one server per database file)."""
    engine = services.engine
    if engine is not None and engine.dialect.name == "postgresql":
        return SqlThrottleStorage(engine)
    return MemoryStorage()
