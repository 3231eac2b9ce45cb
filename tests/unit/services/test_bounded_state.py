"""Issue 13, bounded memory: the services' cached state holds no event object.

Structural, not timed: everything reachable from the state (but its reader,
which reads the log again from the store) is walked, and no stored event,
payload-bearing domain event or event list is found; yet ``as_of`` and the
legitimacy answer at an earlier time are those of a fold that kept the events.
"""

from __future__ import annotations

import dataclasses
import gc
import types

from sovet.domain import DomainEvent, fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.state import FederationState
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import in_memory
from sovet.services.generate import generate, plan_for

SKIP = (type, types.ModuleType, types.FunctionType, types.MethodType)


def _reachable(state: FederationState) -> set[type]:
    """The types of every object reachable from the state's fields but ``reader``."""
    roots = [
        getattr(state, f.name) for f in dataclasses.fields(state) if f.name != "reader"
    ]
    seen: set[int] = set()
    found: set[type] = set()
    while roots:
        item = roots.pop()
        if id(item) in seen or isinstance(item, SKIP):
            continue
        seen.add(id(item))
        found.add(type(item))
        roots.extend(gc.get_referents(item))
    return found


def test_the_cached_state_keeps_no_event_and_answers_as_before() -> None:
    services = in_memory()
    generate(services.uow, plan_for(0.0005, seed=3, batch=400))
    with services.uow() as uow:
        state = services.cache.current(uow.events)
        log = list(uow.events.read())
    assert state.kept is None
    assert state.size == len(log) > 1000
    held = _reachable(state)
    assert StoredEvent not in held
    assert not any(issubclass(t, DomainEvent) for t in held)
    kept = fold(log)  # the other way: a fold that keeps its events
    assert StoredEvent in _reachable(kept)  # the walk does find events held
    middle = log[len(log) // 2].recorded_at
    assert state.as_of(middle) == kept.as_of(middle)
    assert legitimacy(state, middle).to_json() == legitimacy(kept, middle).to_json()
