"""Alembic migrations of sovet's schema (run by ``sovet.adapters.sql.migrate``)."""
