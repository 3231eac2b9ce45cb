"""``sovet members import FILE.csv`` (issue 12, item 5), end to end over SQLite.

Every row is checked before anything is written: a file with one bad line
changes nothing and the refusal names the line, the column and the rule (or,
for a malformed cell, the line and the column); ``--dry-run`` shows the events
that would be written and writes none; a member already registered under the
same name is only put on the register.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app

runner = CliRunner()
SETUP = """\
preset = "union"

[[step]]
command = "register_body"
at = "2025-03-01"
body = "local-101"
name = "Local 101"
kind = "council"
level = "local"

[[step]]
command = "register_faction"
at = "2025-03-01"
faction = "unity"
name = "Unity Slate"

[[step]]
command = "register_constituency"
at = "2025-03-01"
constituency = "plant-a"
council = "local-101"
seats = 1

[[step]]
command = "register_person"
at = "2025-03-01"
person = "dahl"
name = "E. Dahl"
"""
HEADER = "person,name,constituency,birth_date,categories"


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "union.db"
    scenario = tmp_path / "setup.toml"
    scenario.write_text(SETUP, encoding="utf-8")
    code, output = _invoke("run", str(scenario), "--db", str(path))
    assert code == 0, output
    return path


def _events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "members.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_file_with_one_bad_line_changes_nothing_and_names_it(
    db: Path, tmp_path: Path
) -> None:
    before = _events(db)
    members = _csv(
        tmp_path,
        "ortiz,K. Ortiz,plant-a,1991-05-01,member",
        "park,L. Park,plant-z,1987-08-20,member",
        "ito,F. Ito,plant-a,1988-04-12,member",
    )
    code, output = _invoke("members", "import", str(members), "--db", str(db))
    assert code == 2
    assert "refused (SR-4)" in output
    assert "line 3, column constituency" in output
    assert "plant-z" in output
    assert _events(db) == before  # not even line 2's member


def test_the_rules_name_their_column(db: Path, tmp_path: Path) -> None:
    members = _csv(tmp_path, "young,Y. Young,plant-a,2030-01-01,member")
    code, output = _invoke(
        "members", "import", str(members), "--db", str(db), "--at", "2026-01-01"
    )
    assert code == 2
    assert "refused (SR-4)" in output
    assert "line 2, column birth_date" in output


def test_import_registers_every_member_at_once(db: Path, tmp_path: Path) -> None:
    before = _events(db)
    members = _csv(
        tmp_path,
        "ortiz,K. Ortiz,plant-a,1991-05-01,member,unity",
        "park,L. Park,plant-a,1987-08-20,member;apprentice,",
        header=HEADER + ",faction",
    )
    code, output = _invoke(
        "members", "import", str(members), "--db", str(db), "--at", "2026-01-01"
    )
    assert code == 0, output
    assert f"registered 2 members, 4 events (#{before + 1}–#{before + 4})" in output
    assert _events(db) == before + 4
    assert "ortiz (Unity Slate) registered" in output  # the name stays off the chain
    assert "K. Ortiz" not in output
    code, output = _invoke("verify", "--db", str(db))
    assert code == 0, output


def test_a_registered_person_is_only_put_on_the_register(
    db: Path, tmp_path: Path
) -> None:
    before = _events(db)
    same = _csv(tmp_path, "dahl,E. Dahl,plant-a,1990-01-01,member")
    code, output = _invoke("members", "import", str(same), "--db", str(db))
    assert code == 0, output
    assert _events(db) == before + 1
    assert "dahl on the register of plant-a" in output


def test_a_registered_person_under_another_name_is_refused(
    db: Path, tmp_path: Path
) -> None:
    other = _csv(tmp_path, "dahl,Eva Dahl,plant-a,1990-01-01,member")
    code, output = _invoke("members", "import", str(other), "--db", str(db))
    assert code == 2
    assert "line 2, key 'name'" in output
    assert "registered as 'E. Dahl'" in output


def test_a_dry_run_shows_what_would_be_written_and_writes_nothing(
    db: Path, tmp_path: Path
) -> None:
    before = _events(db)
    members = _csv(tmp_path, "ortiz,K. Ortiz,plant-a,1991-05-01,member")
    code, output = _invoke(
        "members", "import", str(members), "--db", str(db), "--dry-run"
    )
    assert code == 0, output
    assert output.startswith("DRY RUN")
    assert f"#{before + 1} ortiz registered" in output
    assert f"#{before + 2} ortiz on the register of plant-a" in output
    assert "would register 1 member, 2 events" in output
    assert _events(db) == before
    code, output = _invoke(
        "members",
        "import",
        str(members),
        "--db",
        str(db),
        "--dry-run",
        "--format",
        "json",
    )
    assert code == 0, output
    answer = json.loads(output)
    assert answer["dry_run"] is True
    assert answer["rows"][0]["line"] == 2
    assert [e["type"] for e in answer["rows"][0]["events"]] == [
        "PersonRegistered",
        "ElectorEnrolled",
    ]


def test_a_dry_run_on_a_new_path_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    members = _csv(tmp_path, "ortiz,K. Ortiz,plant-a,1991-05-01,member")
    code, output = _invoke(
        "members", "import", str(members), "--db", str(folder / "x.db"), "--dry-run"
    )
    assert code == 2  # an empty database has no constituency plant-a
    assert "line 2, column constituency" in output
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            "person,name,constituency,birth_date",
            "a,A,plant-a,1990-01-01",
            "line 1, key 'categories': no column",
        ),
        (
            HEADER + ",shoe_size",
            "a,A,plant-a,1990-01-01,member,42",
            "line 1, key 'shoe_size': unknown column",
        ),
        (HEADER, "a,,plant-a,1990-01-01,member", "line 2, key 'name': empty"),
        (
            HEADER,
            "a,A,plant-a,01/02/1990,member",
            "line 2, key 'birth_date': '01/02/1990' is not a date",
        ),
        (HEADER, "a,A,plant-a,1990-01-01", "line 2: 4 cells in a row of 5 columns"),
        (
            HEADER + ",at",
            "a,A,plant-a,1990-01-01,member,soon",
            "line 2, key 'at': 'soon' is not an ISO 8601",
        ),
    ],
)
def test_a_malformed_file_names_the_line_and_column(
    db: Path, tmp_path: Path, header: str, row: str, expected: str
) -> None:
    members = _csv(tmp_path, row, header=header)
    code, output = _invoke("members", "import", str(members), "--db", str(db))
    assert code == 2
    assert expected in " ".join(output.split())


def test_a_person_twice_in_the_file_is_refused(db: Path, tmp_path: Path) -> None:
    members = _csv(
        tmp_path,
        "a,A,plant-a,1990-01-01,member",
        "a,A,plant-a,1990-01-01,member",
    )
    code, output = _invoke("members", "import", str(members), "--db", str(db))
    assert code == 2
    assert "line 3, key 'person': 'a' is already on line 2" in output
