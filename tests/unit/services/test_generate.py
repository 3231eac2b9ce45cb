"""``sovet generate`` at a tiny scale: seeded, rule-checked, chained, replayable."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.domain import fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import InputError
from sovet.ledger.chain import verify
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import in_memory
from sovet.services.generate import Generated, generate, plan_for

TINY = 0.0005  # 5 councils, 500 members, 1 recall


def _log(scale: float = TINY, seed: int = 7) -> tuple[list[StoredEvent], Generated]:
    services = in_memory()
    result = generate(services.uow, plan_for(scale, seed=seed, batch=300))
    with services.uow() as unit:
        events = list(unit.events.read())
    return events, result


def test_generate_is_deterministic_by_seed() -> None:
    first, _ = _log(seed=7)
    again, _ = _log(seed=7)
    other, _ = _log(seed=8)

    # The acts are the seed's; only appended_at (the store's clock) differs.
    def acts(log: list[StoredEvent]) -> list[tuple[object, ...]]:
        return [(e.type, e.payload, e.effective_at, e.command) for e in log]

    assert acts(first) == acts(again)
    assert acts(first) != acts(other)


def test_every_event_verifies_and_replay_equals_the_live_state() -> None:
    events, result = _log()
    assert verify(events) == (len(events), events[-1].hash)
    assert result.events == len(events)
    live = result.state
    replayed = fold(events)
    assert replayed == live
    kinds = Counter(e.type for e in events)
    assert kinds["ElectorRegistered"] == 500
    assert kinds["DeputyRecalled"] == kinds["ByElectionScheduled"] == 1
    assert kinds["ElectionCounted"] == 6  # 5 councils + 1 by-election (SR-7, SR-9)
    assert kinds["MotionCarried"] == 1


def test_the_generated_government_is_legitimate_sr28() -> None:
    events, _ = _log()
    answer = legitimacy(fold(events), "2031-01-01")
    assert answer.government is not None
    assert answer.government["name"] == "Council of Commissars"
    before = legitimacy(fold(events), "2030-01-15")
    assert before.government is None


def test_scale_outside_the_range_is_refused() -> None:
    with pytest.raises(InputError, match="--scale"):
        plan_for(0)
    with pytest.raises(InputError, match="--scale"):
        plan_for(1.5)


def test_generate_refuses_a_database_with_events() -> None:
    services = in_memory()
    generate(services.uow, plan_for(TINY, batch=300))
    with pytest.raises(InputError, match="already holds events"):
        generate(services.uow, plan_for(TINY))


def test_cli_generate_writes_a_verifiable_sqlite_log(tmp_path: Path) -> None:
    db = str(tmp_path / "fed.db")
    runner = CliRunner()
    done = runner.invoke(app, ["generate", "--db", db, "--scale", str(TINY)])
    assert done.exit_code == 0, done.output
    assert "events written" in done.output
    checked = runner.invoke(app, ["verify", "--db", db])
    assert checked.exit_code == 0, checked.output
    bad = runner.invoke(app, ["generate", "--db", db, "--scale", "2"])
    assert bad.exit_code == 2
    assert "--scale" in bad.output
