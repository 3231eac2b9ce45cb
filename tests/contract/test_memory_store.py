"""The store contract on the in-memory adapter."""

from __future__ import annotations

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from tests.contract.event_store_contract import EventStoreContract, UowFactory


class TestInMemoryStore(EventStoreContract):
    """``InMemoryUnitOfWork`` units sharing one ``InMemoryDatabase``."""

    @pytest.fixture
    def make_uow(self) -> UowFactory:
        database = InMemoryDatabase()
        return lambda: InMemoryUnitOfWork(database)
