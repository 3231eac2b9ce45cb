"""SR-28: legitimacy at T through the time index equals a fresh fold up to T.

Three logs: the 1917 scenario with its counterfactual branch (governments made,
resigned, ended by a new congress, SR-21…SR-30) and a tiny generated federation
(registers, elections, a congress, a government, recalls), and both re-timed to
one act per minute, so that no event hides in a group of simultaneous acts (a
wrongly "quiet" event type shows). T is drawn as a day
or a minute between a week before the first act and a week after the last, or
as the exact moment of an act.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from sovet.domain import FederationState, evolve, fold
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.calendar import moment, parse_at
from sovet.domain.kernel.replay import rows_of
from sovet.domain.kernel.timeline import TimeIndex
from sovet.ledger.envelope import StoredEvent
from sovet.services.bootstrap import in_memory
from sovet.services.generate import generate, plan_for
from tests.world import scenario_1917


@cache
def history() -> tuple[StoredEvent, ...]:
    """The 1917 scenario and its counterfactual branch, decided and linked."""
    return tuple(scenario_1917(counterfactual=True).events)


@cache
def federation() -> tuple[StoredEvent, ...]:
    """A tiny generated federation (5 councils, 500 members, 1 recall)."""
    services = in_memory()
    generate(services.uow, plan_for(0.0005, seed=3, batch=400))
    with services.uow() as unit:
        return tuple(unit.events.read())


def _spread(log: tuple[StoredEvent, ...]) -> tuple[StoredEvent, ...]:
    start = parse_at("1917-11-07")
    return tuple(
        replace(
            event,
            effective_at=(start + timedelta(minutes=i)).isoformat(timespec="minutes"),
        )
        for i, event in enumerate(log)
    )


@cache
def spread() -> tuple[StoredEvent, ...]:
    """Both logs with one act per minute: every event its own group of the index."""
    return _spread(history() + federation())


LOGS = {"1917": history, "federation": federation, "spread": spread}


@st.composite
def question(draw: st.DrawFn) -> tuple[str, str]:
    """A log name and a question time T within a week of its acts."""
    name = draw(st.sampled_from(sorted(LOGS)))
    log = LOGS[name]()
    if draw(st.booleans()):
        return name, draw(st.sampled_from(log)).recorded_at
    first = parse_at(log[0].recorded_at) - timedelta(days=7)
    last = parse_at(log[-1].recorded_at) + timedelta(days=7)
    minutes = int((last - first).total_seconds() // 60)
    when = first + timedelta(minutes=draw(st.integers(0, minutes)))
    if draw(st.booleans()):
        return name, when.date().isoformat()
    return name, when.strftime("%Y-%m-%dT%H:%M")


def _fresh(log: tuple[StoredEvent, ...], at: str) -> dict[str, object]:
    limit = moment(at, end_of_day=True)
    prefix = fold(e for e in log if moment(e.recorded_at) <= limit)
    return legitimacy(prefix, at).to_json()


@given(question())
def test_indexed_legitimacy_equals_a_fresh_fold_up_to_t(case: tuple[str, str]) -> None:
    name, at = case
    log = LOGS[name]()
    live = _live(name)
    assert legitimacy(live, at).to_json() == _fresh(log, at)


@cache
def _live(name: str) -> FederationState:
    return fold(LOGS[name]())


def test_the_index_is_rebuilt_when_the_log_grows() -> None:
    log = history()
    state = fold(log[:-5])
    early = log[0].recorded_at
    legitimacy(state, early)
    first = state.time_indexes[None]
    assert isinstance(first, TimeIndex)
    assert first.covered == len(log) - 5
    for event in log[-5:]:
        evolve(state, event)
    assert legitimacy(state, early).to_json() == _fresh(log, early)
    rebuilt = state.time_indexes[None]
    assert isinstance(rebuilt, TimeIndex)
    assert rebuilt.covered == len(log)


def test_one_act_at_a_time_extends_the_index_and_stays_exact() -> None:
    """A command at a time (the live case): each group is added from the live
    state, and every earlier time still answers as a fresh fold."""
    log = _spread(history())
    start = len(log) // 2
    state = fold(log[:start])
    legitimacy(state, log[0].recorded_at)
    built = state.time_indexes[None]
    assert isinstance(built, TimeIndex)
    for index in range(start, len(log)):
        evolve(state, log[index])
        at = log[index - 1].recorded_at
        assert legitimacy(state, at).to_json() == _fresh(log[: index + 1], at)
        extended = state.time_indexes[None]
        assert isinstance(extended, TimeIndex)
        assert extended.before is built.before  # extended, not rebuilt
        assert extended.covered == index + 1
    for event in log[start - 3 :]:
        at = event.recorded_at
        assert legitimacy(state, at).to_json() == _fresh(log, at)


def test_acts_of_one_moment_arriving_apart_replace_that_group_answer() -> None:
    """The 1917 log with two acts per minute, applied one act at a time with a
    question between each: a group's answer is the one after its last act."""
    start = parse_at("1917-11-07")
    log = tuple(
        replace(e, effective_at=(start + timedelta(minutes=i // 2)).isoformat())
        for i, e in enumerate(history())
    )
    half = len(log) // 2 & ~1  # a group boundary
    state = fold(log[:half])
    early = log[0].recorded_at
    legitimacy(state, early)
    built = state.time_indexes[None]
    for event in log[half:]:
        evolve(state, event)
        legitimacy(state, early)  # extends the index act by act
    extended = state.time_indexes[None]
    assert isinstance(built, TimeIndex)
    assert isinstance(extended, TimeIndex)
    assert extended.before is built.before  # extended, not rebuilt
    for event in log[half - 2 :: 2]:
        at = event.recorded_at
        assert legitimacy(state, at).to_json() == _fresh(log, at), at


def test_a_log_out_of_time_order_is_not_indexed() -> None:
    log = list(history()[:3])
    late = log[2]
    moved = StoredEvent(
        late.seq,
        late.stream_id,
        late.version,
        late.type,
        late.payload,
        "1900-01-01",
        late.prev_hash,
        late.hash,
    )
    assert TimeIndex.build(rows_of([*log[:2], moved]), lambda s: s.size) is None
    assert TimeIndex.build(rows_of(log), lambda s: s.size) is not None


def test_every_act_of_the_1917_log_one_per_minute() -> None:
    """Exhaustive: after each act, and just before it (a wrongly quiet type shows)."""
    log = _spread(history())
    live = fold(log)
    for event in log:
        before = (parse_at(event.recorded_at) - timedelta(seconds=1)).isoformat()
        for at in (event.recorded_at, before):
            assert legitimacy(live, at).to_json() == _fresh(log, at), (event, at)
