"""``sovet run`` can be repeated (issue 12, item 7), end to end over SQLite.

A second run of a file skips every step instead of failing at step 1; after a
refusal, the fixed file applies only what is new; ``--dry-run`` shows what
would be appended and writes nothing (not even a new database); every step
line is followed by the seqs its events have in ``sovet log``.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.presets.loader import preset_file

runner = CliRunner()
UNION = preset_file("union", "scenario_example.toml")
STEP = re.compile(r"^\s*(\d+)(?:–(\d+))?\. ")
SEQ = re.compile(r"^\s+• #(\d+) ")


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM events").fetchone()[0])


def _records(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        found = connection.execute("SELECT count(*) FROM scenario_steps")
        return int(found.fetchone()[0])


def test_a_second_run_skips_every_step(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    code, _ = _run(str(UNION), "--db", str(db))
    assert code == 0
    events = _events(db)
    code, output = _run(str(UNION), "--db", str(db))
    assert code == 0, output
    assert "steps 1–20: already applied (events #2–#21), skipped" in output
    assert "nothing to apply: all 20 steps already applied" in output
    assert _events(db) == events
    assert _records(db) == 21  # the adoption and 20 steps


def test_step_numbers_and_log_entries_line_up(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    code, output = _run(str(UNION), "--db", str(db))
    assert code == 0, output
    seqs: list[int] = []
    steps: list[int] = []
    for line in output.splitlines():
        if found := STEP.match(line):
            first, last = int(found[1]), int(found[2] or found[1])
            steps += range(first, last + 1)
        elif found := SEQ.match(line):
            seqs.append(int(found[1]))
    assert steps == list(range(21))
    assert seqs == [n + 1 for n in steps]  # each union step appends one event
    log = runner.invoke(app, ["log", "--db", str(db), "--from", "13", "--limit", "1"])
    assert "#13 2025 Union Convention convened" in output
    assert re.search(r"^\s+13 .*CongressConvened", log.output, flags=re.M)


def test_after_a_refusal_the_fixed_file_applies_only_what_is_new(
    tmp_path: Path,
) -> None:
    db = tmp_path / "u.db"
    text = UNION.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("yes = 6\nno = 3", "yes = 6\nno = 30"), "utf-8")
    code, output = _run(str(broken), "--db", str(db))
    assert code == 2
    assert "refused (SR-" in output
    assert "step 19" in output
    assert _events(db) == 19  # the adoption and steps 1–18
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(text, "utf-8")
    code, output = _run(str(fixed), "--db", str(db))
    assert code == 0, output
    assert "steps 1–18: already applied (events #2–#19), skipped" in output
    assert "applied 2 steps, 2 events (#20–#21); 18 already applied" in output
    assert _events(db) == 21
    verified = runner.invoke(app, ["verify", "--db", str(db)])
    assert verified.exit_code == 0, verified.output


def test_a_dry_run_on_a_new_path_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, output = _run(str(UNION), "--db", str(db), "--dry-run")
    assert code == 0, output
    assert output.startswith("DRY RUN")
    assert "#21 2025 Union Convention adopted" in output
    assert "would apply 21 steps, 21 events (#1–#21); nothing written" in output
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_reads_the_database_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    text = UNION.read_text(encoding="utf-8")
    first = tmp_path / "first.toml"
    first.write_text(text.split("# SR-15")[0], "utf-8")  # steps 1–11
    code, _ = _run(str(first), "--db", str(db))
    assert code == 0
    before = (_events(db), _records(db))
    code, output = _run(str(UNION), "--db", str(db), "--dry-run")
    assert code == 0, output
    assert "steps 1–11: already applied (events #2–#12), skipped" in output
    assert "#13 2025 Union Convention convened" in output
    assert "would apply 9 steps, 9 events (#13–#21); 11 already applied" in output
    assert (_events(db), _records(db)) == before


def test_a_dry_run_names_the_step_that_would_be_refused(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    broken = tmp_path / "broken.toml"
    text = UNION.read_text(encoding="utf-8")
    broken.write_text(text.replace("yes = 6\nno = 3", "yes = 6\nno = 30"), "utf-8")
    code, output = _run(str(broken), "--db", str(db), "--dry-run")
    assert code == 2
    assert "refused (SR-" in output
    assert "step 19" in output
    assert not db.exists()
