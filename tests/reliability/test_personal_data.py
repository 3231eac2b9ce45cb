"""Issue 10, finding 9: personal data off the chain, end to end over SQLite.

A new log names members by id; birth dates, categories, grounds of exclusion
and the names of members who hold no office live in the erasable table, with a
commitment and the franchise verdict on the chain. The public export, the
audit pages and the API hold none of them; a candidate's name is published.
``sovet members erase`` leaves the chain verifiable and every answer the same;
the independent verifier recomputes the verdicts from the data it is given and
says how many it took on trust.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.domain import fold
from sovet.domain.franchise.electorate import roll_of
from sovet.server import create_app
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap
from sovet.services.replay import state_digest
from tests.reliability.helpers import VERIFIER

runner = CliRunner()
SCENARIO = """\
preset = "union"

[[step]]
command = "register_body"
at = "2026-01-05"
body = "local-7"
name = "Local 7"
kind = "council"
level = "local"

[[step]]
command = "register_faction"
at = "2026-01-05"
faction = "unity"
name = "Unity Slate"

[[step]]
command = "register_constituency"
at = "2026-01-05"
constituency = "dock-a"
council = "local-7"
seats = 1

[[step]]
command = "register_person"
at = "2026-01-06"
person = "m-quill"
name = "Zebulon Quill"
faction = "unity"

[[step]]
command = "register_elector"
at = "2026-01-06"
person = "m-quill"
birth_date = "1977-03-14"
constituency = "dock-a"
categories = ["member"]

[[step]]
command = "register_person"
at = "2026-01-06"
person = "m-fenwick"
name = "Ottilie Fenwick"

[[step]]
command = "register_elector"
at = "2026-01-06"
person = "m-fenwick"
birth_date = "2011-06-30"
constituency = "dock-a"
categories = ["member", "apprentice"]

[[step]]
command = "register_person"
at = "2026-01-06"
person = "m-marsh"
name = "Candida Marsh"
faction = "unity"

[[step]]
command = "register_elector"
at = "2026-01-06"
person = "m-marsh"
birth_date = "1980-02-29"
constituency = "dock-a"
categories = ["member"]

[[step]]
command = "record_exclusion"
at = "2026-01-07"
person = "m-quill"

[step.exclusion]
category = "in_arrears"
since = "2026-01-07"
until = "2026-09-01"
note = "owes eleven months of dues"

[[step]]
command = "call_election"
at = "2026-01-08"
election = "dock-a-2026"
constituency = "dock-a"
seats = 1
polling_day = "2026-02-01"
candidates = ["m-marsh"]

[step.conduct]
day_set_by = "local-7"
commission = ["returning officer"]
council_representative = "steward"
"""
SECRETS = (
    "Zebulon Quill",
    "Ottilie Fenwick",
    "1977-03-14",
    "2011-06-30",
    "1980-02-29",
    "apprentice",
    "owes eleven months",
)
"""Personal data that must never reach the public: the names of members who
hold no office, birth dates, categories, grounds and their notes (a ground's
name is public only in the constitution: ``_no_ground``)."""
DAYS = ("2026-01-06", "2026-02-01", "2026-10-01", "2027-06-29", "2027-06-30")


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A new (v2) union log with three members, an exclusion and a candidate."""
    scenario = tmp_path / "members.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    path = str(tmp_path / "union.db")
    _ok("run", str(scenario), "--db", path)
    return path


def _answers(db: str) -> dict[str, Any]:
    """Rolls (who is on it and whether they vote) on several days, the state's
    digest and the legitimacy answer."""
    with bootstrap(db) as services, services.uow() as uow:
        state = fold(uow.events.read())
        rolls = {
            day: [(e.person, e.eligible) for e in roll_of(state, "dock-a", day).entries]
            for day in DAYS
        }
        digest = state_digest(uow)
    legitimacy = _ok("legitimacy", "--db", db, "--at", "2026-12-31")
    return {"rolls": rolls, "digest": digest, "legitimacy": legitimacy}


def _no_ground(text: str) -> None:
    """No line but the constitution's names the ground ``in_arrears``."""
    for line in text.splitlines():
        if "in_arrears" in line:
            assert "ConstitutionAdopted" in line or '"constitution"' in line, line


def _verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_public_export_holds_no_personal_data(db: str, tmp_path: Path) -> None:
    export = tmp_path / "public.jsonl"
    _ok("export", "--db", db, str(export))
    text = export.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, secret
    _no_ground(text)
    types = [json.loads(line).get("type") for line in text.splitlines()]
    assert "ElectorRegistered" not in types
    assert types.count("ElectorEnrolled") == 3
    assert "Candida Marsh" in text  # a candidate's name is public
    assert "NamePublished" in types


def test_the_rolls_follow_the_verdicts(db: str) -> None:
    rolls = _answers(db)["rolls"]
    # Quill in arrears until 1 Sep 2026; Fenwick of age (16) on 30 Jun 2027.
    assert dict(rolls["2026-02-01"]) == {
        "m-fenwick": False,
        "m-marsh": True,
        "m-quill": False,
    }
    assert dict(rolls["2026-10-01"])["m-quill"] is True
    assert dict(rolls["2027-06-29"])["m-fenwick"] is False
    assert dict(rolls["2027-06-30"])["m-fenwick"] is True


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    """The server (API and web) over the log, anonymous."""
    services = bootstrap(db)
    try:
        yield TestClient(create_app(services))
    finally:
        services.close()


@pytest.mark.parametrize(
    "path", ["/audit", "/audit/export", "/api/members", "/api/log?limit=500"]
)
def test_the_audit_pages_and_the_api_show_none_of_it(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    for secret in SECRETS:
        assert secret not in answer.text, (path, secret)
    if path == "/audit/export":
        _no_ground(answer.text)


def test_the_personal_data_need_the_administrator(db: str, client: TestClient) -> None:
    assert client.get("/api/members/personal-data").status_code == 401
    with bootstrap(db) as services:
        accounts = open_accounts(services)
        accounts.create_account("root", "a long enough password")
        accounts.grant("root", "administrator", None)
        token = accounts.issue_token("root", ("read", "admin"))
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get("/api/members/personal-data", headers=headers).json()
    assert {r["person"] for r in found["records"]} == {
        "m-quill",
        "m-fenwick",
        "m-marsh",
    }
    erased = client.post("/api/members/m-fenwick/erase", headers=headers)
    assert erased.status_code == 200, erased.text
    again = client.post("/api/members/m-fenwick/erase", headers=headers)
    assert again.status_code in (400, 404, 422), again.text
    log = client.get("/api/security-log", headers=headers).json()
    assert "personal_data_erased" in json.dumps(log)


def test_erasure_leaves_the_chain_verifiable_and_every_answer_unchanged(
    db: str, tmp_path: Path
) -> None:
    data = tmp_path / "personal.json"
    _ok("members", "data", "--db", db, str(data))
    assert oct(data.stat().st_mode & 0o777) == "0o600"
    before = _answers(db)
    export = tmp_path / "before.jsonl"
    _ok("export", "--db", db, str(export))

    _ok("members", "erase", "m-quill", "--db", db)

    assert _answers(db) == before
    _ok("verify", "--db", db)
    after = tmp_path / "after.jsonl"
    _ok("export", "--db", db, str(after))
    assert after.read_text(encoding="utf-8") == export.read_text(encoding="utf-8")
    kept = tmp_path / "kept.json"
    _ok("members", "data", "--db", db, str(kept))
    assert "Zebulon Quill" not in kept.read_text(encoding="utf-8")
    assert "Zebulon Quill" in data.read_text(encoding="utf-8")
    refused = runner.invoke(app, ["members", "erase", "m-quill", "--db", db])
    assert refused.exit_code != 0
    assert "no personal data is kept for 'm-quill'" in refused.output


def test_an_erased_member_can_no_longer_be_judged(db: str, tmp_path: Path) -> None:
    _ok("members", "erase", "m-quill", "--db", db)
    step = tmp_path / "exclude.toml"
    step.write_text(
        '[[step]]\ncommand = "record_exclusion"\nat = "2026-03-01"\n'
        'person = "m-quill"\nexclusion = { category = "in_arrears" }\n',
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["run", str(step), "--db", db])
    assert refused.exit_code != 0
    assert "SR-5" in refused.output
    assert "erased" in refused.output


def test_the_verifier_recomputes_the_verdicts_it_has_data_for(
    db: str, tmp_path: Path
) -> None:
    export, data = tmp_path / "log.jsonl", tmp_path / "personal.json"
    _ok("export", "--db", db, str(export))
    _ok("members", "data", "--db", db, str(data))

    alone = _verify(str(export))
    assert alone.returncode == 0, alone.stderr
    assert "0 franchise verdict(s) recomputed" in alone.stdout
    assert "3 taken on trust" in alone.stdout

    given = _verify(str(export), "--personal", str(data))
    assert given.returncode == 0, given.stderr
    assert "3 franchise verdict(s) recomputed" in given.stdout
    assert "0 taken on trust" in given.stdout

    _ok("members", "erase", "m-fenwick", "--db", db)
    fewer = tmp_path / "fewer.json"
    _ok("members", "data", "--db", db, str(fewer))
    partial = _verify(str(export), "--personal", str(fewer))
    assert partial.returncode == 0, partial.stderr
    assert "2 franchise verdict(s) recomputed" in partial.stdout
    assert "1 taken on trust" in partial.stdout


@pytest.mark.parametrize(
    ("field", "value"),
    [("birth_date", "1999-03-14"), ("categories", []), ("exclusions", [])],
)
def test_the_verifier_refuses_data_that_are_not_the_committed_record(
    db: str, tmp_path: Path, field: str, value: object
) -> None:
    export, data = tmp_path / "log.jsonl", tmp_path / "personal.json"
    _ok("export", "--db", db, str(export))
    _ok("members", "data", "--db", db, str(data))
    found = json.loads(data.read_text(encoding="utf-8"))
    quill = next(r for r in found["records"] if r["person"] == "m-quill")
    quill["record"][field] = value
    data.write_text(json.dumps(found), encoding="utf-8")
    bad = _verify(str(export), "--personal", str(data))
    assert bad.returncode == 1
    assert "m-quill" in bad.stderr
    assert "not the record committed" in bad.stderr


def test_late_entries_are_stored_redacted_and_recheck_from_the_verdict(
    db: str, tmp_path: Path
) -> None:
    late = tmp_path / "late.toml"
    late.write_text(
        '[[step]]\ncommand = "register_person"\nat = "2026-01-07T09:00"\n'
        'late = true\nperson = "m-late"\nname = "Lavinia Latimer"\n\n'
        '[[step]]\ncommand = "register_elector"\nat = "2026-01-07T10:00"\n'
        'late = true\nperson = "m-late"\nbirth_date = "1966-06-06"\n'
        'constituency = "dock-a"\ncategories = ["member"]\n\n'
        '[[step]]\ncommand = "record_exclusion"\nat = "2026-01-07T11:00"\n'
        'late = true\nperson = "m-marsh"\n'
        'exclusion = { category = "in_arrears", since = "2026-01-07" }\n',
        encoding="utf-8",
    )
    _ok("run", str(late), "--db", db)
    export = tmp_path / "log.jsonl"
    _ok("export", "--db", db, str(export))
    text = export.read_text(encoding="utf-8")
    assert "1966-06-06" not in text
    assert "Lavinia Latimer" not in text
    rows = [json.loads(line) for line in text.splitlines()]
    commands = [r["command"]["command"] for r in rows if r.get("command")]
    assert "enrol_elector" in commands
    assert "record_verdict" in commands
    assert "register_elector" not in commands
    # The candidate in arrears since before the call: the call, re-checked from
    # its stored command against the recorded verdict, is voided (SR-5).
    voids = [r["payload"] for r in rows if r.get("type") == "ActVoided"]
    assert [(v["summary"], v["rule"]) for v in voids] == [("ElectionCalled", "SR-5")]
    _ok("verify", "--db", db)


def test_a_verdict_from_outside_is_refused(db: str, tmp_path: Path) -> None:
    forged = tmp_path / "forged.toml"
    forged.write_text(
        '[[step]]\ncommand = "register_person"\nat = "2026-01-09"\n'
        'person = "m-forged"\nname = "F"\n\n'
        '[[step]]\ncommand = "enrol_elector"\nat = "2026-01-09"\n'
        'person = "m-forged"\nconstituency = "dock-a"\ncommitment = "00"\n'
        "min_age = 16\nverdict = [{}]\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["run", str(forged), "--db", db])
    assert refused.exit_code != 0
    assert "SR-4" in refused.output
    assert "issue register_elector" in refused.output
