"""Hypothesis: random command sequences through ``execute`` (S6 property tests).

Whatever mix of accepted and refused commands arrives, the cached state equals
a fresh fold, the live projections equal a replay, and a refusal leaves the
store exactly as it was.
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.domain import command_from_mapping, fold
from sovet.errors import RuleViolation
from sovet.services.handlers import StateCache, execute
from sovet.services.replay import replayed_projections, snapshot

IDS = st.sampled_from(["a", "b", "c"])
LEVELS = st.sampled_from(["local", "convention", "nowhere"])


def _body(draw: Any) -> dict[str, Any]:
    return {
        "command": "register_body",
        "body": draw(IDS),
        "name": "Body",
        "kind": draw(st.sampled_from(["council", "congress", "guild"])),
        "level": draw(LEVELS),
    }


@st.composite
def commands(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["body", "faction", "person", "composition"]))
    if kind == "body":
        return _body(draw)
    if kind == "faction":
        return {"command": "register_faction", "faction": draw(IDS), "name": "F"}
    if kind == "person":
        return {
            "command": "register_person",
            "person": draw(IDS),
            "name": "P",
            "faction": draw(st.none() | IDS),
            "bodies": draw(st.lists(IDS, max_size=2, unique=True)),
        }
    return {
        "command": "record_council_composition",
        "body": draw(IDS),
        "composition": draw(st.dictionaries(IDS, st.integers(-1, 9), max_size=3)),
    }


def _dump(uow: InMemoryUnitOfWork) -> tuple[object, ...]:
    with uow:
        return list(uow.events.read()), snapshot(uow.projections)


@settings(max_examples=30)
@given(st.lists(commands(), min_size=1, max_size=25))
def test_random_sequences_keep_cache_projections_and_refusals_sound(
    steps: list[dict[str, Any]],
) -> None:
    uow = InMemoryUnitOfWork(InMemoryDatabase())
    cache = StateCache()
    execute(
        uow,
        command_from_mapping(
            {
                "command": "adopt_constitution",
                "at": "2024-01-01",
                "preset": "t",
                "constitution": {"levels": ["local", "convention"]},
            },
            source="t",
        ),
        cache=cache,
    )
    for day, step in enumerate(steps, 2):
        command = command_from_mapping(
            {**step, "at": f"2024-02-{min(day, 28):02d}"}, source="t"
        )
        before = _dump(uow)
        try:
            execute(uow, command, cache=cache)
        except RuleViolation:
            assert _dump(uow) == before
        else:
            event("accepted")
    with uow:
        assert cache.current(uow.events) == fold(uow.events.read())
        live = snapshot(uow.projections)
    assert live == replayed_projections(uow)
