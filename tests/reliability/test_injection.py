"""Issue 5 item 17: injection and log forging.

Names with SQL metacharacters, NUL, CR/LF, Unicode line separators and
right-to-left overrides are stored verbatim (SQLite and PostgreSQL: in the
personal data, and on the log once published, finding 9 of issue 10), the chain
verifies, the export keeps one event per line and the independent verifier
passes; ``sovet log`` shows each such character escaped, so no name can start a
line of its own or reorder one; the security log keeps a hostile login name as
data. An id with NUL (which PostgreSQL text cannot hold) is refused with a
clear error on every backend, never a driver error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from sovet.adapters.signing import verify_ed25519
from sovet.adapters.sql import SqlUnitOfWork
from sovet.api.throttle import Limits
from sovet.cli.app import app
from sovet.domain.bodies.registration import RegisterPerson
from sovet.domain.franchise.verdicts import PublishName
from sovet.errors import InputError
from sovet.services.bootstrap import bootstrap
from sovet.services.handlers import execute
from sovet.services.queries import verify_log
from tests.e2e.api.conftest import Api, copy_demo, make_api
from tests.reliability.helpers import VERIFIER, read

HOSTILE = {
    "sql": "Robert'); DROP TABLE events;--",
    "quotes": 'O\'Brien "the" `tick` \\ backslash; -- /* */',
    "nul": "nul\x00inside",
    "crlf": "Eve\r\n    99 0000000000000000 DeputyRecalled person:lenin",
    "separators": "line\u2028sep\u2029para\x85next\x0bvt\x0cff",
    "rtl": "\u202eevil\u202c and \u2067isolate\u2069",
    "ansi": "\x1b[2J\x1b[31mred",
}


def _register(engine: Engine) -> None:
    """Each hostile name registered (kept off the log) and published on it."""
    for i, (kind, name) in enumerate(HOSTILE.items()):
        person = f"p{i}-{kind}"
        execute(
            SqlUnitOfWork(engine),
            RegisterPerson(at="1918-01-01", person=person, name=name),
        )
        execute(
            SqlUnitOfWork(engine),
            PublishName(at="1918-01-01", person=person, name=name),
        )


def _published(events: Iterable[Any]) -> list[str]:
    return [
        e["payload"]["name"] if isinstance(e, dict) else e.payload["name"]
        for e in events
        if (e.get("type") if isinstance(e, dict) else e.type) == "NamePublished"
    ]


def test_hostile_names_are_stored_verbatim_and_the_chain_holds(engine: Engine) -> None:
    _register(engine)
    stored = read(engine)
    assert _published(stored) == list(HOSTILE.values())
    with SqlUnitOfWork(engine) as uow:
        kept = [r.data["name"] for r in uow.personal.all()]
    assert sorted(kept) == sorted(HOSTILE.values())
    report = verify_log(SqlUnitOfWork(engine), verify_ed25519)
    assert report.events == 2 * len(HOSTILE)


def test_an_id_with_nul_is_refused_cleanly_on_every_backend(engine: Engine) -> None:
    with pytest.raises(InputError, match="NUL"):
        execute(
            SqlUnitOfWork(engine),
            RegisterPerson(at="1918-01-01", person="a\x00b", name="n"),
        )
    assert read(engine) == []


@pytest.fixture
def hostile_db(tmp_path: Path) -> str:
    """A SQLite database holding the hostile names, with a signed checkpoint."""
    db = str(tmp_path / "hostile.db")
    with bootstrap(db, create=True) as services:
        engine = services.engine
        assert engine is not None
        _register(engine)
    result = CliRunner().invoke(app, ["checkpoint", "--db", db])
    assert result.exit_code == 0, result.output
    return db


def test_the_export_keeps_one_event_per_line_and_verifies(
    hostile_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "hostile.jsonl"
    result = CliRunner().invoke(app, ["export", "--db", hostile_db, str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b""
    rows = [json.loads(line) for line in lines[:-1]]
    assert len(rows) == 1 + 2 * len(HOSTILE) + 1  # header, events, one checkpoint
    assert _published(rows[1:-1]) == list(HOSTILE.values())
    done = subprocess.run(
        [sys.executable, str(VERIFIER), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    copy = str(tmp_path / "copy.db")
    assert CliRunner().invoke(app, ["import", str(out), "--db", copy]).exit_code == 0
    with bootstrap(copy) as services, services.uow() as uow:
        names = _published(uow.events.read())
    assert names == list(HOSTILE.values())


def test_sovet_log_cannot_be_forged_by_a_name(hostile_db: str) -> None:
    result = CliRunner().invoke(app, ["log", "--db", hostile_db])
    assert result.exit_code == 0, result.output
    out = result.output
    forbidden = "\r\x00\x0b\x0c\x1b\x85\u2028\u2029\u202e\u202c\u2067\u2069"
    assert not [c for c in out if c in forbidden]
    assert not any(line.lstrip().startswith("99 ") for line in out.split("\n"))
    assert "\\u000d\\u000a" in out
    assert "\\u202eevil" in out
    assert "Robert'); DROP TABLE events;--" in out


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The API over a copy of the demo database."""
    template = tmp_path / "template.db"
    made = CliRunner().invoke(app, ["demo", "--db", str(template)])
    assert made.exit_code == 0, made.output
    limits = Limits(login_failures=50)
    yield from make_api(copy_demo(template, tmp_path / "demo.db"), limits)


def test_hostile_login_names_are_logged_as_data(api: Api) -> None:
    for name in HOSTILE.values():
        answer = api.client.post(
            "/api/auth/login", json={"name": name, "password": "wrong password"}
        )
        assert answer.status_code == 401, answer.text
    logged = api.accounts.store.security_entries(50)
    failed = [e for e in logged if e["kind"] == "login_failed"]
    assert len(failed) == len(HOSTILE)
    texts = [json.dumps(e, ensure_ascii=False) for e in failed]
    for name in HOSTILE.values():
        assert any(json.dumps(name, ensure_ascii=False)[1:-1] in t for t in texts), name
