"""The engine CLI end to end over a temporary SQLite database (issue 2, "Done when")."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.ledger.canonical import canonical_json
from sovet.services.bootstrap import bootstrap
from sovet.services.replay import replayed_projections, snapshot

runner = CliRunner()
HEX64 = re.compile(r"^[0-9a-f]{64}$")
CONTRACT_KEYS = {
    "at",
    "government",
    "bloc",
    "approved_by",
    "ends_when",
    "proof",
    "warnings",
    # issue 15: what recalls did, and the aggregate mark
    "vacancies",
    "by_elections",
    "majority",
    "aggregate",
    # issue 9: the time of the records asked about (null: as they stand)
    "as_known_at",
}


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo run shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo")
    result = _invoke("demo", "--db", str(folder / "demo.db"))
    assert result.exit_code == 0, result.output
    (folder / "output.txt").write_text(result.output, encoding="utf-8")
    return folder


@pytest.fixture
def demo_db(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database (tests that write or tamper)."""
    source = sqlite3.connect(demo_dir / "demo.db")
    target_path = tmp_path / "demo.db"
    target = sqlite3.connect(target_path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    (tmp_path / "demo.db.key").write_bytes((demo_dir / "demo.db.key").read_bytes())
    return target_path


def _legitimacy(db: Path, at: str) -> dict[str, Any]:
    result = _invoke("legitimacy", "--db", str(db), "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


def _file_bytes(db: Path) -> bytes:
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return db.read_bytes()


def _stored_hashes(db: Path) -> dict[int, str]:
    uow = bootstrap(str(db)).uow()
    with uow:
        return {event.seq: event.hash for event in uow.events.read()}


def _stored_acts(db: Path) -> dict[int, tuple[object, ...]]:
    uow = bootstrap(str(db)).uow()
    with uow:
        return {
            e.seq: (e.type, e.payload, e.effective_at, e.command)
            for e in uow.events.read()
        }


def test_demo_ends_with_the_legitimacy_answer(demo_dir: Path) -> None:
    output = (demo_dir / "output.txt").read_text(encoding="utf-8")
    assert "26 Oct (8 Nov) 1917" in output
    answer_at = output.rindex("Who legitimately governs on 5 Nov (18 Nov) 1917")
    tail = output[answer_at:]
    assert "Council of People's Commissars" in tail
    assert "Second All-Russian Congress" in tail
    assert "vacant offices" in tail
    assert "ends when (SR-26)" in tail
    assert len(re.findall(r"\b[0-9a-f]{64}\b", tail)) >= 5


def test_demo_builds_the_counterfactual_branch_apart(demo_dir: Path) -> None:
    output = (demo_dir / "output.txt").read_text(encoding="utf-8")
    branch = demo_dir / "demo-counterfactual.db"
    assert branch.exists()
    assert "COUNTERFACTUAL branch" in output
    assert "COUNTERFACTUAL: Who legitimately governs" in output
    assert _invoke("verify", "--db", str(branch)).exit_code == 0
    history, counter = _stored_acts(demo_dir / "demo.db"), _stored_acts(branch)
    assert len(counter) > len(history)
    # The branch holds the same acts (its own appended_at times, so its hashes).
    assert all(counter[seq] == value for seq, value in history.items())
    at = "1918-03-15"
    assert (
        _legitimacy(branch, at)["government"]
        != _legitimacy(demo_dir / "demo.db", at)["government"]
    )


def test_demo_json_has_the_contract(tmp_path: Path) -> None:
    result = _invoke("demo", "--db", str(tmp_path / "d.db"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["history"]["legitimacy"]) == CONTRACT_KEYS
    steps = data["history"]["steps"]
    assert steps[0]["command"] == "adopt_constitution"  # step 0: the preset
    assert [s["step"] for s in steps] == list(range(len(steps)))
    assert data["history"]["legitimacy"]["at"] == "1917-11-18"


def test_legitimacy_on_18_november_1917_matches_the_contract(demo_dir: Path) -> None:
    answer = _legitimacy(demo_dir / "demo.db", "1917-11-18")
    assert set(answer) == CONTRACT_KEYS
    government = answer["government"]
    assert government["name"].startswith("Council of People's Commissars")
    assert set(government) == {"name", "offices"}
    for office in government["offices"]:
        assert set(office) == {"office", "person", "faction"}
    vacant = [o for o in government["offices"] if o["person"] is None]
    assert len(vacant) >= 3  # Nogin, Rykov, Milyutin resigned on 4 (17) Nov
    assert answer["bloc"]
    approved = answer["approved_by"]
    assert set(approved) == {"body", "event_seq", "for", "against", "abstain", "seated"}
    assert "Second" in approved["body"]
    assert len(answer["ends_when"]) == 4
    assert len(answer["proof"]) >= 5
    hashes = _stored_hashes(demo_dir / "demo.db")
    for item in answer["proof"]:
        # issue 9: both times of each act
        assert set(item) == {
            "seq",
            "hash",
            "type",
            "summary",
            "effective_at",
            "appended_at",
        }
        assert HEX64.match(item["hash"])
        assert hashes[item["seq"]] == item["hash"]


def test_before_the_congress_there_is_no_government_and_it_says_why(
    demo_dir: Path,
) -> None:
    answer = _legitimacy(demo_dir / "demo.db", "1917-11-01")
    assert answer["government"] is None
    assert answer["approved_by"] is None
    assert answer["warnings"], "no government must come with the reason"
    text = _invoke(
        "legitimacy", "--db", str(demo_dir / "demo.db"), "--at", "1917-11-01"
    )
    assert text.exit_code == 0
    assert "No legitimate government" in text.output


def test_in_february_1918_the_third_congress_government_governs(demo_dir: Path) -> None:
    answer = _legitimacy(demo_dir / "demo.db", "1918-02-01")
    assert answer["government"] is not None
    assert "Third" in answer["approved_by"]["body"]
    assert len(answer["bloc"]) >= 2  # the coalition with the Left SRs
    # FACTS §8: the Third Congress elected the VTsIK of the third convocation (306).
    assert any("(third convocation)" in end for end in answer["ends_when"])


def test_live_projections_equal_a_replay_of_the_log(demo_dir: Path) -> None:
    uow = bootstrap(str(demo_dir / "demo.db")).uow()
    with uow:
        live = snapshot(uow.projections)
    assert live["government"]
    assert live == replayed_projections(uow)


def test_verify_says_ok_with_the_event_count(demo_dir: Path) -> None:
    result = _invoke("verify", "--db", str(demo_dir / "demo.db"))
    assert result.exit_code == 0, result.output
    count = len(_stored_hashes(demo_dir / "demo.db"))
    assert result.output.startswith(f"ok {count} events")


def test_one_changed_byte_in_the_file_fails_verify_naming_the_event(
    demo_db: Path,
) -> None:
    uow = bootstrap(str(demo_db)).uow()
    with uow:
        events = list(uow.events.read())
    target = next(e for e in events[len(events) // 2 :] if "name" in e.payload)
    payload = canonical_json(target.payload)
    data = bytearray(_file_bytes(demo_db))
    assert data.count(payload) == 1
    at = data.index(payload) + payload.index(b'"name":"') + len(b'"name":"')
    data[at] ^= 0x20  # flip the letter's case: still valid UTF-8 and JSON
    demo_db.write_bytes(bytes(data))
    result = _invoke("verify", "--db", str(demo_db))
    assert result.exit_code == 1
    assert f"event {target.seq}" in result.output


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("DELETE FROM events WHERE seq = 10", "events 10"),
        ("UPDATE events SET seq = -seq WHERE seq IN (20, 21)", "event"),
        ("DELETE FROM events WHERE seq > 80", "event 81"),
    ],
)
def test_deleted_or_reordered_events_fail_verify(
    demo_db: Path, sql: str, named: str
) -> None:
    connection = sqlite3.connect(demo_db)
    with connection:
        connection.execute(sql)
        if "-seq" in sql:  # swap events 20 and 21
            connection.execute("UPDATE events SET seq = 21 WHERE seq = -20")
            connection.execute("UPDATE events SET seq = 20 WHERE seq = -21")
    connection.close()
    result = _invoke("verify", "--db", str(demo_db))
    assert result.exit_code == 1
    assert named in result.output


def test_export_then_import_gives_the_same_head(demo_db: Path, tmp_path: Path) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(demo_db)).exit_code == 0
    header = json.loads(export.read_text(encoding="utf-8").splitlines()[0])
    assert HEX64.match(header["public_key"])
    fresh = tmp_path / "fresh.db"
    result = _invoke("import", str(export), "--db", str(fresh))
    assert result.exit_code == 0, result.output
    assert _stored_hashes(fresh) == _stored_hashes(demo_db)
    assert _invoke("verify", "--db", str(fresh)).exit_code == 0
    assert _legitimacy(fresh, "1917-11-18") == _legitimacy(demo_db, "1917-11-18")


def test_a_tampered_export_is_refused_with_nothing_stored(
    demo_db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(demo_db)).exit_code == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[5])
    row["effective_at"] = "1917-01-01"
    lines[5] = json.dumps(row)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    result = _invoke("import", str(export), "--db", str(fresh))
    assert result.exit_code == 1
    assert f"event {row['seq']}" in result.output
    assert not fresh.exists()


def test_import_refuses_a_database_that_is_not_empty(
    demo_db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "log.jsonl"
    assert _invoke("export", str(export), "--db", str(demo_db)).exit_code == 0
    before = _file_bytes(demo_db)
    result = _invoke("import", str(export), "--db", str(demo_db))
    assert result.exit_code == 2
    assert "already holds events" in result.output
    assert _file_bytes(demo_db) == before


def test_init_refuses_a_database_that_is_not_empty(demo_db: Path) -> None:
    before = _file_bytes(demo_db)
    result = _invoke("init", "--preset", "union", "--db", str(demo_db))
    assert result.exit_code == 2
    assert "already holds events" in result.output
    assert _file_bytes(demo_db) == before


def test_whatif_is_hypothetical_and_leaves_the_database_alone(
    demo_db: Path, tmp_path: Path
) -> None:
    before = _file_bytes(demo_db)
    scenario = tmp_path / "whatif.toml"
    scenario.write_text(
        '[[step]]\ncommand = "register_faction"\nat = "1918-03-01"\n'
        'faction = "anarchists"\nname = "Anarchists"\n',
        encoding="utf-8",
    )
    result = _invoke(
        "whatif", str(scenario), "--at", "1918-03-02", "--db", str(demo_db)
    )
    assert result.exit_code == 0, result.output
    assert "HYPOTHETICAL" in result.output
    as_json = _invoke(
        "whatif",
        str(scenario),
        "--at",
        "1918-03-02",
        "--db",
        str(demo_db),
        "--format",
        "json",
    )
    data = json.loads(as_json.output)
    assert data["hypothetical"] is True
    assert set(data["before"]) == CONTRACT_KEYS
    assert _file_bytes(demo_db) == before


def test_export_to_an_unwritable_place_is_a_clean_error(
    demo_dir: Path, tmp_path: Path
) -> None:
    result = _invoke(
        "export",
        str(tmp_path / "no" / "dir" / "x.jsonl"),
        "--db",
        str(demo_dir / "demo.db"),
    )
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_legitimacy_with_a_bad_time_names_it(demo_dir: Path) -> None:
    result = _invoke("legitimacy", "--at", "18 Nov", "--db", str(demo_dir / "demo.db"))
    assert result.exit_code == 2
    assert "'18 Nov' is not an ISO 8601 date" in result.output


def test_legitimacy_defaults_to_now(demo_dir: Path) -> None:
    result = _invoke(
        "legitimacy", "--db", str(demo_dir / "demo.db"), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["at"] > "2020"
    assert set(answer) == CONTRACT_KEYS


def test_log_pages_show_hashes(demo_dir: Path) -> None:
    result = _invoke(
        "log", "--db", str(demo_dir / "demo.db"), "--from", "2", "--limit", "3"
    )
    assert result.exit_code == 0, result.output
    hashes = _stored_hashes(demo_dir / "demo.db")
    assert hashes[2][:16] in result.output
    assert hashes[4][:16] in result.output
    assert hashes[5][:16] not in result.output


def test_init_and_run_the_union_example(tmp_path: Path) -> None:
    db = tmp_path / "union.db"
    result = _invoke("init", "--preset", "union", "--at", "2024-01-01", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert _invoke("verify", "--db", str(db)).output.startswith("ok 1 events")
    from sovet.presets.loader import preset_file

    union = preset_file("union", "scenario_example.toml")
    result = _invoke("run", str(union), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "adopt_constitution" not in result.output  # adopted by init already
    party = preset_file("party", "scenario_example.toml")
    refused = _invoke("run", str(party), "--db", str(db))
    assert refused.exit_code == 2
    assert "governed by 'union'" in refused.output


def test_the_1917_scenarios_run_directly_under_their_preset(tmp_path: Path) -> None:
    """``preset = "rsfsr1918"`` in both files: no init or --preset needed."""
    from sovet.presets.loader import preset_file

    db = str(tmp_path / "1917.db")
    for name in ("scenario_1917.toml", "scenario_1917_counterfactual.toml"):
        result = _invoke("run", str(preset_file("rsfsr1918", name)), "--db", db)
        assert result.exit_code == 0, result.output
    assert result.output.count("adopt_constitution") == 0
    answer = _legitimacy(Path(db), "1918-03-15")
    assert answer["approved_by"]["body"].startswith("Fourth")


@pytest.mark.parametrize("preset", ["union", "party"])
def test_the_preset_examples_run(preset: str, tmp_path: Path) -> None:
    from sovet.presets.loader import preset_file

    db = tmp_path / f"{preset}.db"
    scenario = preset_file(preset, "scenario_example.toml")
    result = _invoke("run", str(scenario), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "checkpoint signed" in result.output
    assert _invoke("verify", "--db", str(db)).exit_code == 0


def test_a_refused_step_is_one_clean_message_with_its_rule(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    scenario = tmp_path / "bad.toml"
    scenario.write_text(
        '[[step]]\ncommand = "register_body"\nat = "2024-01-01"\nbody = "b"\n'
        'name = "B"\nkind = "council"\nlevel = "planet"\n',
        encoding="utf-8",
    )
    result = _invoke("run", str(scenario), "--preset", "union", "--db", str(db))
    assert result.exit_code == 2
    assert "refused (SR-2)" in result.output
    assert "step 1" in result.output
    assert "line 1" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["init"],
        ["init", "--preset", "guild"],
        ["verify", "--db", "no/such/file.db"],
        ["legitimacy", "--at", "yesterday"],
        ["run", "no/such/scenario.toml"],
        ["init", "--constitution", "no/such/constitution.toml"],
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], tmp_path: Path) -> None:
    if "--db" not in args:
        args = [*args, "--db", str(tmp_path / "none.db")]
    result = _invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_steps_before_a_refusal_stay_applied_and_signed(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    scenario = tmp_path / "partly.toml"
    scenario.write_text(
        '[[step]]\ncommand = "register_faction"\nat = "1917-10-25"\n'
        'faction = "b"\nname = "Bolsheviks"\n\n'
        '[[step]]\ncommand = "register_faction"\nat = "1917-10-26"\n'
        'faction = "m"\nname = "Mensheviks"\n\n'
        '[[step]]\ncommand = "register_faction"\nat = "1917-10-27"\n'
        'faction = "b"\nname = "Bolsheviks again"\n',
        encoding="utf-8",
    )
    result = _invoke("run", str(scenario), "--preset", "union", "--db", str(db))
    assert result.exit_code == 2
    assert "step 3" in result.output
    assert "line 13" in result.output
    verified = _invoke("verify", "--db", str(db))
    assert verified.output.startswith("ok 3 events (1 signed checkpoints verified)")


def test_run_needs_a_constitution_on_an_empty_database(tmp_path: Path) -> None:
    from sovet.presets.loader import preset_file

    text = preset_file("rsfsr1918", "scenario_1917.toml").read_text(encoding="utf-8")
    scenario = tmp_path / "no_preset.toml"  # the bundled file names its preset
    scenario.write_text(text.replace('preset = "rsfsr1918"', ""), encoding="utf-8")
    db = tmp_path / "x.db"
    result = _invoke("run", str(scenario), "--db", str(db))
    assert result.exit_code == 2
    assert "no constitution yet" in result.output
    result = _invoke("run", str(scenario), "--preset", "rsfsr1918", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert _legitimacy(db, "1917-11-18")["government"] is not None
