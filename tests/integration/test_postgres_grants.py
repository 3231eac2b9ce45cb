"""Issue 10, finding 8: docs/operations.md keeps a PostgreSQL ballot box private.

The SQL blocks of the section are run as written (role and schema names made
unique): the service role migrates its own schema; the reader role then reads
the log and is refused the ballot and account tables.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from sovet.adapters.sql import migrate
from tests.conftest import REPO, Postgres

pytestmark = pytest.mark.postgres

SECTION = "## Keeping a PostgreSQL ballot box from other database roles"
PRIVATE = (
    "votes_cast",
    "ballot_box",
    "petition_signatures",
    "accounts",
    "web_sessions",
    "api_tokens",
    "security_log",
    "personal_data",
)


def sql_blocks() -> list[str]:
    """The ```sql blocks of the section, in order."""
    text_ = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text_.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)


def named(block: str, service: str, reader: str, schema: str) -> str:
    block = block.replace("sovet_service", service).replace("sovet_reader", reader)
    return re.sub(r"\bsovet\b", schema, block)


@pytest.fixture
def admin(postgres: Postgres) -> Iterator[Engine]:
    """The test server (``postgres`` fails when it does not answer), as superuser."""
    engine = create_engine(postgres.url)
    with engine.connect() as conn:
        superuser = conn.execute(text("SHOW is_superuser")).scalar()
    if superuser != "on":
        engine.dispose()
        pytest.fail(
            "the documented setup runs as a PostgreSQL superuser: point "
            "SOVET_TEST_DATABASE_URL at one (make test's throwaway cluster is)"
        )
    yield engine
    engine.dispose()


def test_the_documented_grants_keep_other_roles_from_the_ballot_box(
    admin: Engine,
) -> None:
    setup, grants, checks = sql_blocks()
    tag = uuid.uuid4().hex[:10]
    service, reader, schema = f"svc_{tag}", f"rdr_{tag}", f"sovet_grants_{tag}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{reader}" NOLOGIN'))
        conn.exec_driver_sql(named(setup, service, reader, schema))
    as_service = create_engine(
        f"{admin.url.render_as_string(hide_password=False)}"
        f"?options={quote(f'-crole={service} -csearch_path={schema}')}"
    )
    try:
        migrate(as_service)
        with as_service.begin() as conn:
            conn.exec_driver_sql(named(grants, service, reader, schema))
        with as_service.connect() as conn:
            grants_, readers = named(checks, service, reader, schema).split(";")[:2]
            assert conn.exec_driver_sql(grants_).all() == []
            can_read = {row[0] for row in conn.exec_driver_sql(readers)}
            assert service in can_read
            assert reader not in can_read
        with admin.connect() as conn:
            conn.exec_driver_sql(f'SET ROLE "{reader}"')
            conn.exec_driver_sql(f'SET search_path = "{schema}"')
            assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 0
            for table in PRIVATE:
                with pytest.raises(ProgrammingError, match="permission denied"):
                    conn.exec_driver_sql(f"SELECT * FROM {table}")
                conn.rollback()
                conn.exec_driver_sql(f'SET ROLE "{reader}"')
                conn.exec_driver_sql(f'SET search_path = "{schema}"')
    finally:
        as_service.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            for role in (reader, service):
                conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
