"""SR-28: late entries and corrections re-check the acts after them (issue 9).

On the small union federation of ``conftest``: a late entry is decided on the
state at its own time and voids a later act it makes fail, naming the rule and
the entry; a correction annuls an entry and voids the acts that rested on it;
annulling the late entry brings back what it voided. The live state always
equals a fresh fold of the log, and the log verifies.
"""

from __future__ import annotations

from typing import Any

import pytest

from sovet.adapters.memory import InMemoryUnitOfWork
from sovet.domain import Command, command_from_mapping, fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.errors import RuleViolation
from sovet.ledger.chain import verify
from sovet.ledger.envelope import StoredEvent
from sovet.services.handlers import FreshUnits, StateCache, execute
from sovet.services.projector import rows
from sovet.services.replay import replayed_projections, snapshot


def _cmd(**fields: Any) -> Command:
    return command_from_mapping(fields, source="test")


def _body(body: str, at: str, name: str, **extra: Any) -> Command:
    return _cmd(
        command="register_body",
        at=at,
        body=body,
        name=name,
        kind="council",
        level="local",
        parent="congress",
        **extra,
    )


def _log(uow: InMemoryUnitOfWork) -> list[StoredEvent]:
    with uow:
        return list(uow.events.read())


@pytest.fixture(params=["kept", "read again"])
def built(
    uow: InMemoryUnitOfWork, federation: list[Command], request: Any
) -> StateCache:
    """The cache keeping its events, or (as the services') reading them again
    from the store (issue 13)."""
    if request.param == "kept":
        cache = StateCache()
    else:
        cache = StateCache(FreshUnits(lambda: InMemoryUnitOfWork(uow.database)))
    for command in federation:
        execute(uow, command, cache=cache)
    return cache


def _consistent(uow: InMemoryUnitOfWork, cache: StateCache) -> None:
    log = _log(uow)
    assert verify(log)[0] == len(log)
    with uow:
        live = cache.current(uow.events)
    kept = fold(log)
    assert kept == live
    assert [e.seq for e in live.events()] == [e.seq for e in kept.events()]
    if cache.source is not None:
        assert live.kept is None
        for at in ("2024-01-03", "2024-02-08", "2024-02-09", "2030-01-01"):
            assert live.as_of(at) == kept.as_of(at), at
            assert legitimacy(live, at).to_json() == legitimacy(kept, at).to_json()
        for stamp in sorted({e.appended_at for e in log if e.appended_at}):
            assert live.as_known_at(stamp) == kept.as_known_at(stamp), stamp
    assert rows(live) == replayed_projections(uow)
    with uow:
        assert snapshot(uow.projections) == replayed_projections(uow)


def test_a_late_entry_voids_a_later_act_it_invalidates(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    (later,) = execute(uow, _body("local-3", "2024-02-10", "Local 3"), cache=built)
    entry, void = execute(
        uow, _body("local-3", "2024-02-08", "Local Three", late=True), cache=built
    )
    assert (entry.type, entry.effective_at) == ("BodyRegistered", "2024-02-08")
    assert void.type == "ActVoided"
    assert void.payload["seqs"] == [later.seq]
    assert void.payload["by"] == entry.seq
    assert void.payload["rule"] == "SR-2"
    assert "already exists" in void.payload["reason"]
    state = fold(_log(uow))
    assert state.bodies["local-3"].name == "Local Three"
    assert state.voided == {later.seq}
    warnings = legitimacy(state, "2024-03-01").warnings
    assert any(f"seq {later.seq} does not count" in w and "SR-2" in w for w in warnings)
    _consistent(uow, built)


def test_a_late_entry_is_checked_against_the_state_at_its_own_time(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    execute(uow, _body("local-3", "2024-02-10", "Local 3"), cache=built)
    before = _log(uow)
    # Local 2 was registered on 3 Jan: a late entry dated 2 Jan cannot use it.
    with pytest.raises(RuleViolation) as refused:
        execute(
            uow,
            _cmd(
                command="register_body",
                at="2024-01-02T12:00",
                body="ward-1",
                name="Ward 1",
                kind="council",
                level="local",
                parent="local-2",
                late=True,
            ),
            cache=built,
        )
    assert refused.value.rule.startswith("SR-")
    assert _log(uow) == before


def test_without_late_a_backdated_act_is_refused(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    execute(uow, _body("local-3", "2024-02-10", "Local 3"), cache=built)
    with pytest.raises(RuleViolation, match="late entry") as refused:
        execute(uow, _body("local-4", "2024-02-08", "Local 4"), cache=built)
    assert refused.value.rule == "SR-28"


def test_a_correction_voids_the_acts_that_rested_on_the_entry(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    log = _log(uow)
    greens = next(e for e in log if e.payload.get("faction") == "greens")
    stored = execute(
        uow,
        _cmd(
            command="annul_entry",
            at="2024-02-01",
            body="congress",
            entry=greens.seq,
            reason="the greens never registered",
        ),
        cache=built,
    )
    assert stored[0].type == "EntryAnnulled"
    assert stored[0].payload["seqs"] == [greens.seq]
    voided = {tuple(e.payload["seqs"]): e.payload["rule"] for e in stored[1:]}
    compositions = [e.seq for e in log if e.type == "CouncilCompositionRecorded"]
    assert voided == {(seq,): "SR-18" for seq in compositions}
    state = fold(_log(uow))
    assert "greens" not in state.factions
    assert state.voided == {greens.seq, *compositions}
    _consistent(uow, built)
    with pytest.raises(RuleViolation, match="already void"):
        execute(
            uow,
            _cmd(
                command="annul_entry",
                at="2024-02-02",
                body="congress",
                entry=greens.seq,
                reason="again",
            ),
            cache=built,
        )


def test_annulling_a_late_entry_brings_back_what_it_voided(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    (later,) = execute(uow, _body("local-3", "2024-02-10", "Local 3"), cache=built)
    entry, _void = execute(
        uow, _body("local-3", "2024-02-08", "Local Three", late=True), cache=built
    )
    (annulled,) = execute(
        uow,
        _cmd(
            command="annul_entry",
            at="2024-02-20",
            body="congress",
            entry=entry.seq,
            reason="minutes of another meeting",
        ),
        cache=built,
    )
    assert annulled.payload["seqs"] == [entry.seq, _void.seq]
    state = fold(_log(uow))
    assert state.bodies["local-3"].name == "Local 3"
    assert later.seq not in state.voided
    _consistent(uow, built)


def test_the_command_of_each_act_is_kept_on_its_first_event(
    uow: InMemoryUnitOfWork, built: StateCache
) -> None:
    stored = execute(uow, _body("local-3", "2024-02-10", "Local 3"), cache=built)
    assert stored[0].command is not None
    assert command_from_mapping(stored[0].command, source="x") == _body(
        "local-3", "2024-02-10", "Local 3"
    )
