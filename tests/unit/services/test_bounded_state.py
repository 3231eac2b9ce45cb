"""Issue 13, item 3: the services' state holds no event and reads the log again.

The process's cached state is folded from the store's rows (payloads decoded
straight into the event classes) and keeps no ``StoredEvent`` or
``DomainEvent``: ``as_of``, ``as_known_at``, the time index and ``events()``
read the log again through its source. It must answer exactly as a fold that
keeps its events, and its proofs must name the store's events.
"""

from __future__ import annotations

import ast
import gc
import inspect
import json
import pickle
import textwrap
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest

from sovet.domain import DomainEvent, FederationState, event_from_stored, fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.decode import decode_payload
from sovet.domain.kernel.messages import EVENTS
from sovet.domain.kernel.registry import (
    _EVOLVERS,
    NO_REF,
    apply_row,
    summary,
    takes_no_ref,
)
from sovet.domain.kernel.replay import rows_of
from sovet.errors import ScenarioError
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import Services, in_memory
from sovet.services.generate import generate, plan_for
from tests.world import scenario_1917


@cache
def _generated() -> tuple[StoredEvent, ...]:
    services = in_memory()
    generate(services.uow, plan_for(0.0005, seed=7, batch=300))
    with services.uow() as unit:
        return tuple(unit.events.read())


def _history() -> tuple[StoredEvent, ...]:
    return tuple(scenario_1917(counterfactual=True).events)


LOGS: dict[str, Callable[[], tuple[StoredEvent, ...]]] = {
    "1917": _history,
    "generated": _generated,
}


def _services(log: tuple[StoredEvent, ...]) -> Services:
    """In-memory services whose store holds ``log`` exactly (as an import)."""
    services = in_memory()
    with services.uow() as unit:
        unit.events.append([e.as_new() for e in log])
        unit.commit()
    return services


def _cached(services: Services) -> FederationState:
    with services.cache.snapshot(services.uow) as state:
        return state


def _reachable(root: object) -> Iterator[object]:
    """Every object reachable from ``root`` through its references, without
    walking into classes, modules, functions or the state's source."""
    seen = {id(root)}
    todo = [root]
    skip = (type, type(gc), type(_reachable))
    while todo:
        item = todo.pop()
        yield item
        if isinstance(root, FederationState) and item is root:
            refs = [getattr(root, n) for n in root.__slots__ if n != "source"]
        else:
            refs = gc.get_referents(item)
        for ref in refs:
            if id(ref) not in seen and not isinstance(ref, skip):
                seen.add(id(ref))
                todo.append(ref)


def _events_in(state: FederationState) -> list[object]:
    return [o for o in _reachable(state) if isinstance(o, StoredEvent | DomainEvent)]


@pytest.mark.parametrize("name", sorted(LOGS))
def test_the_services_state_holds_no_event(name: str) -> None:
    log = LOGS[name]()
    state = _cached(_services(log))
    assert state.kept is None
    assert state.size == len(log)
    assert _events_in(state) == []
    # The walk does see events where they are held: a fold that keeps them.
    assert len(_events_in(fold(list(log)))) >= len(log)


@pytest.mark.parametrize("name", sorted(LOGS))
def test_it_answers_as_a_fold_that_keeps_its_events(name: str) -> None:
    log = LOGS[name]()
    state, kept = _cached(_services(log)), fold(list(log))
    assert state == kept
    assert [e.seq for e in state.events()] == [e.seq for e in kept.events()]
    times = sorted({e.effective_at for e in log})
    for at in [times[0], times[len(times) // 3], times[-2], "1900-01-01"]:
        assert state.as_of(at) == kept.as_of(at), at
        assert legitimacy(state, at).to_json() == legitimacy(kept, at).to_json(), at


@pytest.mark.parametrize("name", sorted(LOGS))
def test_proofs_name_the_events_of_the_store(name: str) -> None:
    log = LOGS[name]()
    by_seq = {e.seq: e for e in log}
    state = _cached(_services(log))
    proof = legitimacy(state, log[-1].effective_at).proof
    assert proof
    for ref in proof:
        assert ref is not NO_REF
        stored = by_seq[ref.seq]
        assert (ref.hash, ref.type, ref.at) == (
            stored.hash,
            stored.type,
            stored.effective_at,
        )
        assert ref.summary == summary(event_from_stored(stored))


@pytest.mark.parametrize("name", sorted(LOGS))
def test_the_fast_decoder_builds_the_events_the_strict_one_does(name: str) -> None:
    for stored, row in zip(LOGS[name](), rows_of(LOGS[name]()), strict=True):
        fast = decode_payload(EVENTS[stored.type], row[2], row[3], row[0])
        strict = event_from_stored(stored)
        assert type(fast) is type(strict)
        assert fast == strict


def test_a_payload_of_the_wrong_type_is_refused_naming_its_key() -> None:
    first = _history()[1]
    row = next(rows_of([first]))
    payload = json.loads(row[2])
    assert isinstance(payload["name"], str)
    bad = (row[0], row[1], json.dumps({**payload, "name": 5}), *row[3:])
    with pytest.raises(ScenarioError) as refused:
        apply_row(fold(list(_history()[:1])), bad)
    assert refused.value.key == "name"
    assert f"event {row[0]}" in str(refused.value)


def _uses(fn: Any, name: str) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0]
    assert isinstance(body, ast.FunctionDef)
    return any(
        isinstance(node, ast.Name) and node.id == name
        for stmt in body.body
        for node in ast.walk(stmt)
    )


def test_an_evolver_given_no_ref_never_reads_it() -> None:
    refless = [fn for fn in _EVOLVERS.values() if takes_no_ref(fn)]
    assert refless  # the fast path has evolvers to spare
    for fn in refless:
        name = fn.__code__.co_varnames[2]
        assert not _uses(fn, name), f"{fn.__qualname__} reads {name}"
    used = [fn for fn in _EVOLVERS.values() if not takes_no_ref(fn)]
    assert all(_uses(fn, fn.__code__.co_varnames[2]) for fn in used[:5])


def test_a_pickled_state_leaves_its_source_behind() -> None:
    state = _cached(_services(_history()))
    assert state.source is not None
    again = pickle.loads(pickle.dumps(state))
    assert again.source is None
    assert again == state
    assert again.size == state.size
    with pytest.raises(RuntimeError, match="no source"):
        again.as_of("1917-11-08")  # never an empty answer
    again.source = state.source
    assert again.as_of("1917-11-08") == state.as_of("1917-11-08")
