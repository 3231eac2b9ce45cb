"""SR-28 in both times (issue 9): who governed at T, as the records stood at K.

On the 1917 demo, the secretary enters late (``late = true`` in a scenario
step) that the councils were re-elected on 10 Nov 1917 (an SR-26 end of the
mandate). Asked about 18 Nov, the records as they stood before the entry still
give the Council of People's Commissars; as they stand now, no government.
Both answers carry their ``as_known_at``; proof entries carry both times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.services.bootstrap import bootstrap
from tests.reliability.helpers import VERIFIER

runner = CliRunner()

LATE = """
[[step]]
command = "record_expiry_event"
at = "1917-11-10"
late = true
condition = "council_reelection"
body = "national-congress"
note = "minutes of the re-elections, entered late"
"""


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _answer(db: Path, *extra: str) -> dict[str, Any]:
    out = _ok(
        "legitimacy", "--at", "1917-11-18", "--db", str(db), "--format", "json", *extra
    )
    answer: dict[str, Any] = json.loads(out)
    return answer


@pytest.fixture(scope="module")
def entered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo database after the late entry, and the time just before it."""
    folder = tmp_path_factory.mktemp("known")
    db = folder / "demo.db"
    _ok("demo", "--db", str(db))
    with bootstrap(str(db)) as services, services.uow() as uow:
        (head,) = list(uow.events.read(after_seq=uow.events.head()[0] - 1))
    assert head.appended_at is not None
    steps = folder / "late.toml"
    steps.write_text(LATE, encoding="utf-8")
    _ok("run", str(steps), "--db", str(db))
    return db, head.appended_at


def test_the_late_entry_changes_the_answer_as_the_records_stand_now(
    entered: tuple[Path, str],
) -> None:
    db, _before = entered
    now = _answer(db)
    assert now["government"] is None
    assert any("SR-26" in warning for warning in now["warnings"])
    assert now["as_known_at"] is None


def test_as_known_before_the_entry_the_old_answer_stands(
    entered: tuple[Path, str],
) -> None:
    db, before = entered
    then = _answer(db, "--as-known-at", before)
    assert then["government"] is not None
    assert then["government"]["name"] == "Council of People's Commissars"
    assert then["as_known_at"] == before
    proof = then["proof"]
    assert proof
    assert all({"effective_at", "appended_at"} <= set(item) for item in proof)


def test_the_text_answer_names_the_time_of_the_records(
    entered: tuple[Path, str],
) -> None:
    db, before = entered
    out = _ok(
        "legitimacy", "--at", "1917-11-18", "--as-known-at", before, "--db", str(db)
    )
    assert f"as the records stood at {before}" in out.replace("\n", "")


def test_a_malformed_as_known_at_is_refused(entered: tuple[Path, str]) -> None:
    db, _ = entered
    result = runner.invoke(
        app, ["legitimacy", "--as-known-at", "yesterday", "--db", str(db)]
    )
    assert result.exit_code != 0
    assert "--as-known-at" in result.output


def test_the_independent_verifier_takes_the_late_entry_in_effect_order(
    entered: tuple[Path, str], tmp_path: Path
) -> None:
    db, _ = entered
    export = tmp_path / "log.jsonl"
    _ok("export", str(export), "--db", str(db))
    rows = [json.loads(line) for line in export.read_text().splitlines()]
    assert rows[0]["format"] == "sovet-log/2"
    events = [r for r in rows if r.get("kind") == "event"]
    assert {r.get("envelope", 1) for r in events} == {2}
    answer = tmp_path / "answer.json"
    now = _ok("legitimacy", "--db", str(db), "--format", "json")  # at the head
    answer.write_text(now, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(VERIFIER), str(export), "--legitimacy", str(answer)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # An import keeps both times and the commands: the same answer.
    fresh = tmp_path / "copy.db"
    _ok("import", str(export), "--db", str(fresh))
    assert _answer(fresh) == _answer(db)
