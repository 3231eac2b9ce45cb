"""Persons through the chain (issue 15), end to end on the union's recall scenario.

``sovet init --preset union`` and ``sovet run`` of ``scenario_recall.toml``:
before the recall ``sovet seats`` shows the deputy in the branch, the
conference and the executive; after it, nothing, and ``sovet legitimacy
--format json`` lists both vacancies above the branch (and the by-election);
once they are filled, ``vacancies`` is empty. ``whatif`` names what changed,
or why nothing did — on the CLI, the API and the web, from one report.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.presets.loader import preset_file
from sovet.server import create_app
from sovet.services.accounts import open_accounts
from sovet.services.bootstrap import bootstrap

runner = CliRunner()
SCENARIO = preset_file("union", "scenario_recall.toml")
BEFORE, BETWEEN, AFTER = "2025-05-01", "2025-05-20", "2025-06-30"
PASSWORD = "a long enough password"
SITE = "http://testserver"


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _json(*args: str) -> Any:
    return json.loads(_ok(*args, "--format", "json"))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("recall") / "union.db"
    _ok("init", "--preset", "union", "--at", "2025-01-01", "--db", str(path))
    out = _ok("run", str(SCENARIO), "--db", str(path))
    assert "applied 49 steps" in out
    return path


def test_every_step_of_the_scenario_is_dated() -> None:
    data = tomllib.loads(SCENARIO.read_text(encoding="utf-8"))
    assert data["preset"] == "union"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["at"]) for s in data["step"])


def test_seats_before_and_after_the_recall(db: Path) -> None:
    before = _json("seats", "lindqvist", "--at", BEFORE, "--db", str(db))
    assert [(s["body"], s["role"]) for s in before] == [
        ("Branch North", "deputy"),
        ("2025 Union Conference", "delegate"),
        ("Executive Board 2025", "committee member"),
    ]
    assert all(set(s) == {"body", "role", "since_seq"} for s in before)
    assert _json("seats", "lindqvist", "--at", BETWEEN, "--db", str(db)) == []
    text = _ok("seats", "lindqvist", "--at", BEFORE, "--db", str(db))
    assert "Executive Board 2025" in text
    assert "north-2025 verified" in text  # the event that gave the seat
    assert "no seat and no office" in _ok(
        "seats", "lindqvist", "--at", BETWEEN, "--db", str(db)
    )
    after = _json("seats", "doyle", "--db", str(db))
    assert [s["role"] for s in after] == ["deputy", "delegate", "committee member"]


def test_legitimacy_lists_both_vacancies_above_the_branch(db: Path) -> None:
    answer = _json("legitimacy", "--at", BETWEEN, "--db", str(db))
    vacancies = answer["vacancies"]
    assert [(v["body"], v["person"], v["rule"]) for v in vacancies] == [
        ("2025 Union Conference", "B. Lindqvist", "SR-11"),
        ("Executive Board 2025", "B. Lindqvist", "SR-11"),
    ]
    assert all(
        set(v) == {"body", "person", "since_seq", "rule", "replacement"}
        for v in vacancies
    )
    assert vacancies[0]["replacement"].startswith("Branch North sends")
    assert vacancies[1]["replacement"].startswith("Executive Board 2025 fills")
    assert answer["by_elections"][0]["person"] == "B. Lindqvist"
    assert answer["by_elections"][0]["due"] == "2025-07-18"
    assert answer["majority"]["holds"] is False
    assert answer["aggregate"] is False
    assert any(
        w.startswith("after the recall of B. Lindqvist") for w in answer["warnings"]
    )
    text = _ok("legitimacy", "--at", BETWEEN, "--db", str(db))
    assert "vacant: B. Lindqvist's seat at 2025 Union Conference" in text
    assert "by-election due" in text


def test_once_filled_no_vacancy_is_left(db: Path) -> None:
    answer = _json("legitimacy", "--at", AFTER, "--db", str(db))
    assert answer["vacancies"] == []
    assert answer["by_elections"] == []
    assert answer["majority"]["held"] == 2
    assert answer["majority"]["seated"] == 5  # Unity now holds the conference


def _split_scenario(tmp_path: Path) -> tuple[Path, Path]:
    """The scenario up to the recall, and the recall's two steps."""
    text = SCENARIO.read_text(encoding="utf-8")
    cut = text.index('[[step]]\ncommand = "petition_recall"')
    end = text.index("# SR-10: the by-election.")
    before, recall = tmp_path / "before.toml", tmp_path / "recall.toml"
    before.write_text(text[:cut], encoding="utf-8")
    recall.write_text(text[cut:end], encoding="utf-8")
    return before, recall


@pytest.fixture(scope="module")
def before_recall(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("before")
    scenario, recall = _split_scenario(folder)
    path = folder / "before.db"
    _ok("run", str(scenario), "--db", str(path))
    return path, recall


def test_whatif_names_what_the_recall_changes(before_recall: tuple[Path, Path]) -> None:
    db, recall = before_recall
    text = _ok("whatif", str(recall), "--at", BETWEEN, "--db", str(db))
    assert "HYPOTHETICAL" in text
    assert "what would change" in text
    assert "B. Lindqvist loses: deputy of Branch North" in text
    assert "Reform Caucus 3 → 2" in text
    assert text.count("proof (") == 0  # the report, not two whole proofs
    data = _json("whatif", str(recall), "--at", BETWEEN, "--db", str(db))
    explanation = data["explanation"]
    assert explanation["changed"] is True
    assert explanation["reason"] is None
    lost = {(s["body"], s["change"]) for s in explanation["seats"]}
    assert ("Executive Board 2025", "loses") in lost
    assert explanation["majorities"][0]["after"] == {
        "Reform Caucus": 2,
        "Unity Slate": 2,
    }


def test_whatif_gives_the_reason_when_nothing_changes(
    before_recall: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = before_recall
    steps = tmp_path / "noop.toml"
    steps.write_text(
        '[[step]]\ncommand = "register_faction"\nat = "2025-05-01"\n'
        'faction = "green"\nname = "Greens"\n',
        encoding="utf-8",
    )
    data = _json("whatif", str(steps), "--at", BETWEEN, "--db", str(db))
    explanation = data["explanation"]
    assert explanation["changed"] is False
    assert explanation["reason"].endswith(
        "the bloc keeps 3 of 5 at 2025 Union Conference"
    )
    text = _ok("whatif", str(steps), "--at", BETWEEN, "--db", str(db))
    assert "no change in legitimacy: the steps recorded FactionRegistered" in text


def test_whatif_says_a_recalled_deputy_held_no_seat_above(
    before_recall: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = before_recall
    steps = tmp_path / "quiet.toml"
    steps.write_text(
        """
[[step]]
command = "register_constituency"
at = "2025-05-01"
constituency = "north-extra"
council = "north"
seats = 1
electorate = 40

[[step]]
command = "seat_deputy"
at = "2025-05-01"
constituency = "north-extra"
person = "kowalski"

[[step]]
command = "petition_recall"
at = "2025-05-02"
constituency = "north-extra"
deputy = "kowalski"
signatures = 10

[[step]]
command = "hold_recall_vote"
at = "2025-05-16"
constituency = "north-extra"
deputy = "kowalski"
yes = 30
no = 5
""",
        encoding="utf-8",
    )
    data = _json("whatif", str(steps), "--at", BETWEEN, "--db", str(db))
    explanation = data["explanation"]
    assert explanation["changed"] is False
    assert explanation["reason"] == (
        "the recalled deputy E. Kowalski held no seat above; the bloc keeps 3 of 5 "
        "at 2025 Union Conference"
    )
    assert "by-election due: E. Kowalski's seat at north-extra" in explanation["lines"]


def test_the_api_and_the_home_page_give_the_same_report(db: Path) -> None:
    with bootstrap(str(db)) as services:
        client = TestClient(create_app(services))
        answer = client.get(f"/api/legitimacy?at={BETWEEN}").json()
        cli = _json("legitimacy", "--at", BETWEEN, "--db", str(db))
        assert answer["vacancies"] == cli["vacancies"]
        assert answer["majority"] == cli["majority"]
        seats = client.get(f"/api/seats/lindqvist?at={BEFORE}").json()
        assert [s["role"] for s in seats] == [
            "deputy",
            "delegate",
            "committee member",
        ]
        home = client.get(f"/?at={BETWEEN}").text
        assert "B. Lindqvist's seat at 2025 Union Conference" in home
        assert "has lost its majority (SR-27)" in home
        assert "By-elections due" in home


def test_whatif_on_the_api_and_the_web(before_recall: tuple[Path, Path]) -> None:
    db, recall = before_recall
    steps = tomllib.loads(recall.read_text(encoding="utf-8"))["step"]
    with bootstrap(str(db)) as services:
        accounts = open_accounts(services)
        accounts.create_account("clerk", PASSWORD)
        client = TestClient(create_app(services), headers={"Origin": SITE})
        body = {"at": BETWEEN, "steps": steps}
        assert client.post("/api/whatif", json=body).status_code == 401
        login = client.post(
            "/api/auth/login", json={"name": "clerk", "password": PASSWORD}
        )
        assert login.status_code == 200
        csrf = login.json()["csrf_token"]
        api = client.post("/api/whatif", json=body, headers={"X-CSRF-Token": csrf})
        assert api.status_code == 200, api.text
        explanation = api.json()["explanation"]
        cli = _json("whatif", str(recall), "--at", BETWEEN, "--db", str(db))
        assert explanation == cli["explanation"]
        page = client.get("/whatif").text
        token = re.search(r'name="csrf_token" value="([A-Za-z0-9_-]+)"', page)
        assert token, page
        web = client.post(
            "/whatif",
            data={
                "csrf_token": token.group(1),
                "steps": recall.read_text(encoding="utf-8"),
                "at": BETWEEN,
            },
        )
        assert web.status_code == 200, web.text
        assert "What would change" in web.text
        for line in explanation["lines"]:
            assert line.replace("'", "&#39;") in web.text
