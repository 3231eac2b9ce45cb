"""The SQL adapters: SQLAlchemy Core on SQLite (default) and PostgreSQL."""

from __future__ import annotations

from sovet.adapters.sql.engine import check_durability, make_engine, sqlalchemy_url
from sovet.adapters.sql.event_store import SqlEventStore
from sovet.adapters.sql.migrate import migrate
from sovet.adapters.sql.projections import SqlCheckpointStore, SqlProjectionStore
from sovet.adapters.sql.uow import SqlUnitOfWork

__all__ = [
    "SqlCheckpointStore",
    "SqlEventStore",
    "SqlProjectionStore",
    "SqlUnitOfWork",
    "check_durability",
    "make_engine",
    "migrate",
    "sqlalchemy_url",
]
