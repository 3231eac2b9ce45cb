"""Issue 13: the member registers of a loaded snapshot stay packed in shards.

A point lookup opens one shard; anything else puts the whole dict back, in its
order, in the state's own place. A question about who governs opens no
register at all, and a snapshot taken again from an unopened register reuses
its bytes.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.domain import FederationState, fold
from sovet.services import packed_register
from sovet.services import snapshots as snapshot_module
from sovet.services.handlers import StateCache, execute
from sovet.services.packed_register import PackedRegister, pack
from sovet.services.snapshots import decode, encode, take


def _dumps(value: object) -> bytes:
    return pickle.dumps(value)


def _packed(register: dict[str, Any], owner: object) -> PackedRegister:
    return PackedRegister(pack(register, _dumps), pickle.loads, owner, "persons")


@given(st.dictionaries(st.text(max_size=8), st.integers(), max_size=300))
def test_a_register_unpacks_to_the_same_dict_in_the_same_order(
    register: dict[str, int],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(packed_register, "PER_SHARD", 7)  # many shards
        packed = _packed(register, FederationState())
    for key, value in register.items():
        assert packed[key] == value
        assert packed.get(key) == value
        assert key in packed
    assert packed.get("\x00absent") is None
    assert "\x00absent" not in packed
    assert packed.pristine
    assert list(packed.items()) == list(register.items())  # the order kept
    assert packed == register
    assert not packed.pristine


def test_a_lookup_opens_one_shard_and_a_change_puts_the_dict_back() -> None:
    state = FederationState()
    register = {f"m{i:05}": i for i in range(5_000)}
    packed = _packed(register, state)
    object.__setattr__(state, "persons", packed)
    assert len(packed.shards) == 4
    persons: Any = state.persons  # numbers stand for the records here
    assert persons["m00042"] == 42
    assert "1 shards open" in repr(packed)
    persons["m99999"] = -1  # a change: the whole dict, in the state's place
    assert type(state.persons) is dict
    assert list(state.persons)[-1] == "m99999"
    assert len(packed) == 5_001
    assert pickle.loads(pickle.dumps(packed)) == state.persons  # copied as a dict


@pytest.fixture
def db(federation: list[Any]) -> InMemoryDatabase:
    database = InMemoryDatabase()
    cache = StateCache()
    for command in federation:
        execute(InMemoryUnitOfWork(database), command, cache=cache)
    return database


def test_a_loaded_snapshot_answers_who_governs_without_opening_a_register(
    db: InMemoryDatabase,
) -> None:
    from sovet.domain.government.legitimacy import legitimacy

    with InMemoryUnitOfWork(db) as uow:
        events = list(uow.events.read())
    whole = fold(events)
    data = encode(take(events, whole))
    loaded = decode(data).state
    assert isinstance(loaded.persons, PackedRegister)
    assert legitimacy(loaded, "2024-06-01") == legitimacy(whole, "2024-06-01")
    assert isinstance(loaded.persons, PackedRegister)
    assert loaded.persons.pristine
    assert encode(take(events, loaded)) == data  # its shards reused as they are
    assert loaded == whole  # equal records: the registers opened to compare
    assert type(loaded.persons) is dict
    assert type(loaded.electors) is dict
    assert snapshot_module.PACKED == ("persons", "electors")
