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
"""The example's steps (one act each; an act that makes a member an office
holder also publishes their name, so events are counted from the log)."""
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


def _acts(db: Path) -> list[int]:
    """The seq of each act's first event (the one carrying its command)."""
    with sqlite3.connect(db) as connection:
        found = connection.execute(
            "SELECT seq FROM events WHERE command IS NOT NULL ORDER BY seq"
        )
        return [int(row[0]) for row in found]


def _records(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        found = connection.execute("SELECT count(*) FROM scenario_steps")
        return int(found.fetchone()[0])


def test_a_second_run_skips_every_step(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    code, _ = _run(str(UNION), "--db", str(db))
    assert code == 0
    events = _events(db)
    assert len(_acts(db)) == N + 1
    code, output = _run(str(UNION), "--db", str(db))
    assert code == 0, output
    assert f"steps 1–{N}: already applied (events #2–#{events}), skipped" in output
    assert f"nothing to apply: all {N} steps already applied" in output
    assert _events(db) == events
    assert _records(db) == N + 1  # the adoption and the steps


def test_step_numbers_and_log_entries_line_up(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    code, output = _run(str(UNION), "--db", str(db))
    assert code == 0, output
    groups: list[tuple[int, int, list[int]]] = []
    for line in output.splitlines():
        if found := STEP.match(line):
            groups.append((int(found[1]), int(found[2] or found[1]), []))
        elif found := SEQ.match(line):
            groups[-1][2].append(int(found[1]))
    steps = [n for first, last, _ in groups for n in range(first, last + 1)]
    seqs = [seq for _, _, listed in groups for seq in listed]
    acts = _acts(db)
    assert steps == list(range(N + 1))
    assert seqs == list(range(1, _events(db) + 1))  # every event, in order
    for first, last, listed in groups:  # each line's steps: as many acts
        assert len(set(listed) & set(acts)) == last - first + 1, (first, last)
    at = str(_acts(db)[CONVENE])
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
    assert len(_acts(db)) == VOTE  # the adoption and the steps before the vote
    before = _events(db)
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(text, "utf-8")
    code, output = _run(str(fixed), "--db", str(db))
    assert code == 0, output
    done, new = VOTE - 1, N - VOTE + 1
    after = _events(db)
    assert f"steps 1–{done}: already applied (events #2–#{before}), skipped" in output
    assert (
        f"applied {new} steps, {after - before} events (#{before + 1}–#{after}); "
        f"{done} already applied"
    ) in output
    assert len(_acts(db)) == N + 1
    verified = runner.invoke(app, ["verify", "--db", str(db)])
    assert verified.exit_code == 0, verified.output


def test_a_dry_run_on_a_new_path_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, output = _run(str(UNION), "--db", str(db), "--dry-run")
    assert code == 0, output
    assert output.startswith("DRY RUN")
    would = re.search(
        rf"would apply {N + 1} steps, (\d+) events \(#1–#(\d+)\); nothing", output
    )
    assert would is not None, output
    assert would[1] == would[2]
    assert f"#{would[2]} 2025 Union Convention adopted" in output
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
    rest, known = N - FIRST, before[0]
    assert f"steps 1–{FIRST}: already applied (events #2–#{known})" in output
    would = re.search(
        rf"would apply {rest} steps, (\d+) events \(#{known + 1}–#(\d+)\); "
        f"{FIRST} already applied",
        output,
    )
    assert would is not None, output
    assert int(would[2]) == known + int(would[1])
    convened = re.search(r"#(\d+) 2025 Union Convention convened", output)
    assert convened is not None
    assert known < int(convened[1]) <= int(would[2])
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
