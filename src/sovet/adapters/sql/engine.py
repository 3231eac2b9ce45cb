"""Engines for ``--db``: a SQLite file (WAL, ``synchronous=FULL``) or PostgreSQL.

A plain path (or ``sqlite:///…``) opens SQLite; every connection gets
``journal_mode=WAL``, ``synchronous=FULL``, ``foreign_keys=ON`` and a busy
timeout, and begins its transactions with an explicit ``BEGIN`` so reads are part
of them (the sqlite3 module's legacy mode would not). ``postgresql://`` URLs are
mapped to the psycopg 3 driver (``postgresql+psycopg://``).

A new SQLite file is created empty with mode 0600 before SQLite opens it
(``create_private``): SQLite gives its ``-wal``, ``-shm`` and ``-journal``
files the database file's mode, so the whole store is private to its owner
from the first byte written (issue 10, finding 8).

``make_read_only_engine`` opens a database for reading only and writes
nothing (issue 9, item 6). A SQLite read-only open of a WAL database would
still create ``-wal`` and ``-shm`` beside it, so a file with no write-ahead
log to read is opened *immutable* (``file:…?mode=ro&immutable=1``: no lock, no
journal, no WAL file); one whose ``-wal`` holds frames and whose ``-shm``
exists (a live database: a writer made them) is opened ``mode=ro`` and shares
them; a ``-wal`` without its ``-shm`` (a copy taken with its WAL) is read
from a private snapshot of both in a temporary folder, removed on dispose.
PostgreSQL connections run every transaction ``READ ONLY``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from sovet.errors import InputError, StorageError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "POOL_SIZE",
    "PRIVATE_MODE",
    "check_durability",
    "create_private",
    "make_engine",
    "make_read_only_engine",
    "sqlalchemy_url",
]

BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another's lock before giving up."""
PRIVATE_MODE = 0o600
"""The mode of every file the store creates: read and write by its owner only."""
POOL_SIZE = 20
"""PostgreSQL connections a process keeps open (and as many more it may open
for a while): a server's requests each check a few out, and under 16–64
concurrent requests SQLAlchemy's default of 5 kept opening and closing
connections (a new backend costs milliseconds)."""


def create_private(path: Path) -> bool:
    """Create ``path`` empty with mode ``PRIVATE_MODE`` unless it exists.

    Exclusive (``O_EXCL``), so a file another process made first is left as it
    is; the mode is set again after creation in case a umask took bits away
    from the owner. True when this call created the file.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_MODE)
    finally:
        os.close(fd)
    return True


def sqlalchemy_url(url_or_path: str) -> str:
    """The SQLAlchemy URL for a ``--db`` value (a path, sqlite:// or postgresql://)."""
    if url_or_path.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url_or_path.split("://", 1)[1]
    if "://" in url_or_path:
        return url_or_path
    if url_or_path == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(url_or_path).expanduser()}"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Own the transactions (BEGIN in _sqlite_begin), not sqlite3's legacy mode.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(url_or_path: str) -> Engine:
    """An engine for a SQLite path, a ``sqlite://`` or a ``postgresql://`` URL."""
    try:
        url = make_url(sqlalchemy_url(url_or_path))
    except ArgumentError as e:
        raise InputError(f"not a database path or URL: {e}", source=url_or_path) from e
    if url.get_backend_name() == "sqlite":
        database = url.database
        if database and database != ":memory:":
            parent = Path(database).parent
            if not parent.is_dir():
                raise InputError(
                    f"directory {str(parent)!r} does not exist", source=url_or_path
                )
            try:
                create_private(Path(database))
            except OSError as error:
                raise InputError(
                    f"cannot create the database: {error.strerror}",
                    source=url_or_path,
                ) from error
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.get_backend_name() == "postgresql":
        return create_engine(
            url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_SIZE
        )
    raise InputError(
        f"unsupported database {url.get_backend_name()!r}; use a SQLite path "
        "or a postgresql:// URL",
        source=url_or_path,
    )


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _no_cleanup() -> None:
    return None


def _sqlite_uri(path: Path, *, immutable: bool) -> str:
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    return f"file:{quote(str(path.resolve()))}?{flags}"


def make_read_only_engine(url_or_path: str) -> tuple[Engine, Callable[[], None]]:
    """An engine that only reads, and what to call after disposing of it.

    A SQLite path must exist (``InputError`` otherwise). Nothing is created or
    written beside it; see the module's docstring for how its WAL is read.
    """
    try:
        url = make_url(sqlalchemy_url(url_or_path))
    except ArgumentError as e:
        raise InputError(f"not a database path or URL: {e}", source=url_or_path) from e
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _postgres_read_only)
        return engine, _no_cleanup
    if url.get_backend_name() != "sqlite":
        raise InputError(
            f"unsupported database {url.get_backend_name()!r}; use a SQLite path "
            "or a postgresql:// URL",
            source=url_or_path,
        )
    if not url.database or url.database == ":memory:":
        raise InputError("an in-memory database has nothing to read", source="--db")
    path = Path(url.database)
    if not path.is_file():
        raise InputError("no database here", source=url_or_path)
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    cleanup = _no_cleanup
    if wal.exists() and wal.stat().st_size > 0 and shm.exists():
        uri = _sqlite_uri(path, immutable=False)
    elif wal.exists() and wal.stat().st_size > 0:
        folder = Path(tempfile.mkdtemp(prefix="sovet-read-"))
        snapshot = folder / "copy.db"
        shutil.copyfile(path, snapshot)
        shutil.copyfile(wal, f"{snapshot}-wal")
        uri = _sqlite_uri(snapshot, immutable=False)

        def cleanup() -> None:
            shutil.rmtree(folder, ignore_errors=True)

    else:
        uri = _sqlite_uri(path, immutable=True)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine(f"sqlite:///{path}", creator=connect)
    event.listen(engine, "connect", _sqlite_read_only)
    event.listen(engine, "begin", _sqlite_begin)
    return engine, cleanup


def check_durability(engine: Engine) -> None:
    """Raise ``StorageError`` unless a SQLite engine runs WAL with synchronous=FULL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        conn.rollback()
    database = engine.url.database or ":memory:"
    if mode != "wal" and database != ":memory:":
        raise StorageError(
            f"SQLite database {database} runs journal_mode={mode}, not WAL; "
            "open it with sovet.adapters.sql.make_engine"
        )
    if sync != 2:  # 2 = FULL
        raise StorageError(
            f"SQLite database {database} runs synchronous={sync}, not FULL (2); "
            "open it with sovet.adapters.sql.make_engine"
        )


def is_busy(error: BaseException | None) -> bool:
    """True for SQLite's 'database is locked' (another writer holds the log)."""
    return isinstance(error, sqlite3.OperationalError) and (
        getattr(error, "sqlite_errorcode", None) in (5, 517)  # BUSY, BUSY_SNAPSHOT
        or "database is locked" in str(error)
    )
