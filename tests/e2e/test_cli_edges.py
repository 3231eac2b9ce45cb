"""Issue 10, finding 5: the CLI's file readers are bounded and a refusal leaves nothing.

``sovet run``/``init`` on TOML nested 5,000 deep or not in UTF-8, ``sovet
import`` of deeply nested JSON or of bytes that are not UTF-8: one message
naming the file and exit code 2 (``sovet.cli.edge``), no traceback. A refused
``init``, ``run`` or ``import`` on a new path leaves no database, WAL or key
behind; an existing database, and files that were there before, are never
removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sovet.cli.app import app
from sovet.cli.edge import EXIT_ERROR
from sovet.services.bootstrap import bootstrap

runner = CliRunner()

DEEP_TOML = "a = " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_JSON = "[" * 5000 + "]" * 5000 + "\n"
NOT_UTF8 = b'title = "\xff\xfe"\n'


def refused(result: Result, *needles: str) -> None:
    assert result.exit_code == EXIT_ERROR, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def left(folder: Path, db: str = "new.db") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(db))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "deep.toml": DEEP_TOML.encode(),
        "latin1.toml": NOT_UTF8,
        "deep.jsonl": DEEP_JSON.encode(),
        "latin1.jsonl": b'{"format": "\xff"}\n',
        "bigint.jsonl": b'{"format": ' + b"9" * 5000 + b"}\n",
    }
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, data in made.items():
        (inputs / name).write_bytes(data)
    return {name: inputs / name for name in made}


@pytest.mark.parametrize(
    ("command", "name", "needle"),
    [
        ("run", "deep.toml", "nested too deeply"),
        ("run", "latin1.toml", "not UTF-8"),
        ("init", "deep.toml", "nested too deeply"),
        ("init", "latin1.toml", "not UTF-8"),
        ("import", "deep.jsonl", "nested too deeply"),
        ("import", "latin1.jsonl", "not UTF-8"),
        ("import", "bigint.jsonl", "line 1"),
    ],
)
def test_a_bad_file_is_one_message_naming_it_and_nothing_is_created(
    tmp_path: Path, files: dict[str, Path], command: str, name: str, needle: str
) -> None:
    db = str(tmp_path / "new.db")
    given = str(files[name])
    args = {
        "run": ["run", given, "--preset", "rsfsr1918", "--db", db],
        "init": ["init", "--constitution", given, "--db", db],
        "import": ["import", given, "--db", db],
    }[command]
    refused(runner.invoke(app, args), name, needle)
    assert left(tmp_path) == []


def test_a_toml_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from sovet.files import MAX_TOML_BYTES  # new in issue 10

    big = tmp_path / "big.toml"
    with big.open("wb") as out:
        out.truncate(MAX_TOML_BYTES + 1)  # sparse: no disk used
    refused(
        runner.invoke(app, ["run", str(big), "--db", str(tmp_path / "new.db")]),
        "big.toml",
        "larger than",
    )
    assert left(tmp_path) == []


def test_init_refused_after_the_database_opened_leaves_nothing(tmp_path: Path) -> None:
    new = str(tmp_path / "new.db")
    result = runner.invoke(
        app,
        ["init", "--preset", "rsfsr1918", "--at", "not a date", "--db", new],
    )
    refused(result, "not a date")
    assert left(tmp_path) == []


def test_run_refused_before_any_step_leaves_nothing(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        '[[step]]\ncommand = "register_faction"\nat = "1918-01-01"\n'
        'faction = "f"\nname = "F"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["run", str(scenario), "--db", str(tmp_path / "new.db")]
    )
    refused(result, "no constitution yet")
    assert left(tmp_path) == []


def test_run_refused_after_steps_were_applied_keeps_them(tmp_path: Path) -> None:
    """The steps before a refusal stay (``services.scenario``): the database too."""
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'preset = "rsfsr1918"\n'
        '[[step]]\ncommand = "register_faction"\nat = "1918-01-01"\n'
        'faction = "f"\nname = "F"\n'
        '[[step]]\ncommand = "register_faction"\nat = "1918-01-02"\n'
        'faction = "f"\nname = "F again"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["run", str(scenario), "--db", str(tmp_path / "new.db")]
    )
    refused(result, "step 2")
    assert {"new.db", "new.db.key"} <= set(left(tmp_path))


def test_a_refusal_never_removes_an_existing_database_or_key(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")
    bootstrap(db, create=True).close()  # there before, and empty
    before = left(tmp_path)
    again = runner.invoke(
        app, ["init", "--preset", "rsfsr1918", "--at", "not a date", "--db", db]
    )
    refused(again, "not a date")
    assert left(tmp_path) == before


def test_a_key_placed_before_a_refused_init_stays(tmp_path: Path) -> None:
    key = tmp_path / "new.db.key"
    ok = runner.invoke(
        app, ["init", "--preset", "rsfsr1918", "--db", str(tmp_path / "k.db")]
    )
    assert ok.exit_code == 0, ok.output
    key.write_bytes((tmp_path / "k.db.key").read_bytes())
    new = str(tmp_path / "new.db")
    result = runner.invoke(
        app,
        ["init", "--preset", "rsfsr1918", "--at", "not a date", "--db", new],
    )
    refused(result, "not a date")
    assert left(tmp_path) == ["new.db.key"]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["bob", "--role", "deputy", "--body", "x\udcff"], "body"),
        (["bob", "--role", "member", "--body", "b", "--person", "p\udcff"], "person"),
        (["b\udcffb", "--role", "auditor"], "name"),
    ],
)
def test_admin_text_that_is_not_utf8_is_refused_naming_it(
    tmp_path: Path, args: list[str], key: str
) -> None:
    """Bytes that are not UTF-8 on a command line arrive as lone surrogates."""
    db = str(tmp_path / "adm.db")
    made = runner.invoke(app, ["init", "--preset", "rsfsr1918", "--db", db])
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        app,
        ["admin", "create-user", *args, "--password-stdin", "--db", db],
        input="a long enough password\n",
    )
    refused(result, f"key '{key}'", "lone surrogate")
    with bootstrap(db) as services:
        assert services.engine is not None
        with services.engine.connect() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar()
    assert count == 0
