"""handlers.execute: all-or-nothing, the state cache, projections vs replay."""

from __future__ import annotations

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.domain import Command, command_from_mapping, fold
from sovet.errors import NotFound, RuleViolation
from sovet.services.handlers import StateCache, execute
from sovet.services.projector import rows
from sovet.services.replay import rebuild_projections, replayed_projections, snapshot


def _dump(uow: InMemoryUnitOfWork) -> tuple[object, ...]:
    with uow:
        return (
            list(uow.events.read()),
            snapshot(uow.projections),
            [
                tuple(vars(c).values()) if hasattr(c, "__dict__") else c
                for c in uow.checkpoints.list()
            ],
            uow.events.head(),
        )


def _build(
    uow: InMemoryUnitOfWork, commands: list[Command], cache: StateCache | None = None
) -> None:
    for command in commands:
        execute(uow, command, cache=cache)


def test_execute_appends_events_recorded_at_the_commands_time(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    commands = federation
    stored = execute(uow, commands[0])
    assert [e.seq for e in stored] == [1]
    assert stored[0].type == "ConstitutionAdopted"
    assert stored[0].recorded_at == commands[0].at
    second = execute(uow, commands[1])
    assert second[0].seq == 2
    assert second[0].prev_hash == stored[0].hash


def test_a_refused_command_changes_nothing(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _build(uow, federation)
    before = _dump(uow)
    bad = command_from_mapping(
        {
            "command": "register_body",
            "at": "2024-02-01",
            "body": "local-1",
            "name": "Again",
            "kind": "council",
            "level": "local",
        },
        source="test",
    )
    with pytest.raises(RuleViolation) as info:
        execute(uow, bad)
    assert info.value.rule == "SR-2"
    assert info.value.value == "local-1"
    assert _dump(uow) == before


def test_a_refused_command_naming_an_unknown_body_changes_nothing(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _build(uow, federation)
    before = _dump(uow)
    bad = command_from_mapping(
        {
            "command": "record_council_composition",
            "at": "2024-02-01",
            "body": "local-9",
            "composition": {"reds": 1},
        },
        source="test",
    )
    with pytest.raises(NotFound, match="local-9"):
        execute(uow, bad)
    assert _dump(uow) == before


def test_the_cached_state_equals_a_fresh_fold(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    cache = StateCache()
    for command in federation:
        execute(uow, command, cache=cache)
        with uow:
            cached = cache.current(uow.events)
            fresh = fold(uow.events.read())
        assert cached == fresh
        assert cached.head == fresh.head


def test_the_cache_catches_up_with_another_writer(
    database: InMemoryDatabase, federation: list[Command]
) -> None:
    commands = federation
    mine, theirs = StateCache(), StateCache()
    for index, command in enumerate(commands):
        writer = mine if index % 2 else theirs
        execute(InMemoryUnitOfWork(database), command, cache=writer)
    uow = InMemoryUnitOfWork(database)
    with uow:
        fresh = fold(uow.events.read())
        assert mine.current(uow.events) == fresh
        assert theirs.current(uow.events) == fresh


def test_a_refusal_keeps_the_cache_valid(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    cache = StateCache()
    _build(uow, federation, cache)
    bad = command_from_mapping(
        {
            "command": "register_faction",
            "at": "2024-03-01",
            "faction": "reds",
            "name": "Reds again",
        },
        source="test",
    )
    with pytest.raises(RuleViolation, match="SR-18"):
        execute(uow, bad, cache=cache)
    with uow:
        assert cache.current(uow.events) == fold(uow.events.read())


def test_live_projections_equal_replay(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _build(uow, federation)
    with uow:
        live = snapshot(uow.projections)
        state = fold(uow.events.read())
    assert live == replayed_projections(uow)
    assert live == rows(state)
    assert live["seats"]["local-2"]["composition"] == {"reds": 2, "greens": 9}


def test_rebuild_restores_cleared_projections(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    _build(uow, federation)
    with uow:
        live = snapshot(uow.projections)
        uow.projections.clear()
        uow.commit()
    assert rebuild_projections(uow) == len(federation)
    with uow:
        assert snapshot(uow.projections) == live
