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


TEXT = UNION.read_text(encoding="utf-8")
N = TEXT.count("[[step]]")
"""The example's steps (one event each)."""
VOTE = TEXT.split("yes = 6\nno = 3")[0].count("[[step]]")
"""The step that records the officers' vote (refused when made 6–30)."""
CONVENE = TEXT.split('command = "convene_congress"')[0].count("[[step]]")
"""The step that convenes the convention."""
FIRST = TEXT.split("# SR-15")[0].count("[[step]]")
"""The steps before the convention is convened."""


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
    assert f"steps 1–{N}: already applied (events #2–#{N + 1}), skipped" in output
    assert f"nothing to apply: all {N} steps already applied" in output
    assert _events(db) == events
    assert _records(db) == N + 1  # the adoption and the steps


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
    assert steps == list(range(N + 1))
    assert seqs == [n + 1 for n in steps]  # each union step appends one event
    at = str(CONVENE + 1)
    log = runner.invoke(app, ["log", "--db", str(db), "--from", at, "--limit", "1"])
    assert f"#{at} 2025 Union Convention convened" in output
    assert re.search(rf"^\s+{at} .*CongressConvened", log.output, flags=re.M)


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
    assert f"step {VOTE}" in output
    assert _events(db) == VOTE  # the adoption and the steps before the vote
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(text, "utf-8")
    code, output = _run(str(fixed), "--db", str(db))
    assert code == 0, output
    done, new = VOTE - 1, N - VOTE + 1
    assert f"steps 1–{done}: already applied (events #2–#{VOTE}), skipped" in output
    assert (
        f"applied {new} steps, {new} events (#{VOTE + 1}–#{N + 1}); "
        f"{done} already applied"
    ) in output
    assert _events(db) == N + 1
    verified = runner.invoke(app, ["verify", "--db", str(db)])
    assert verified.exit_code == 0, verified.output


def test_a_dry_run_on_a_new_path_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, output = _run(str(UNION), "--db", str(db), "--dry-run")
    assert code == 0, output
    assert output.startswith("DRY RUN")
    assert f"#{N + 1} 2025 Union Convention adopted" in output
    assert f"would apply {N + 1} steps, {N + 1} events (#1–#{N + 1}); nothing" in output
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_reads_the_database_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    text = UNION.read_text(encoding="utf-8")
    first = tmp_path / "first.toml"
    first.write_text(text.split("# SR-15")[0], "utf-8")  # steps 1 … FIRST
    code, _ = _run(str(first), "--db", str(db))
    assert code == 0
    before = (_events(db), _records(db))
    code, output = _run(str(UNION), "--db", str(db), "--dry-run")
    assert code == 0, output
    rest = N - FIRST
    assert f"steps 1–{FIRST}: already applied (events #2–#{FIRST + 1})" in output
    assert f"#{CONVENE + 1} 2025 Union Convention convened" in output
    assert (
        f"would apply {rest} steps, {rest} events (#{FIRST + 2}–#{N + 1}); "
        f"{FIRST} already applied"
    ) in output
    assert (_events(db), _records(db)) == before


def test_a_dry_run_names_the_step_that_would_be_refused(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    broken = tmp_path / "broken.toml"
    text = UNION.read_text(encoding="utf-8")
    broken.write_text(text.replace("yes = 6\nno = 3", "yes = 6\nno = 30"), "utf-8")
    code, output = _run(str(broken), "--db", str(db), "--dry-run")
    assert code == 2
    assert "refused (SR-" in output
    assert f"step {VOTE}" in output
    assert not db.exists()
