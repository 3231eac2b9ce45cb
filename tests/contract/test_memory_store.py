"""The store contract on the in-memory adapter."""

from __future__ import annotations

import pytest
from event_store_contract import EventStoreContract, UowFactory

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork


class TestInMemoryStore(EventStoreContract):
    """``InMemoryUnitOfWork`` units sharing one ``InMemoryDatabase``."""

    @pytest.fixture
    def make_uow(self) -> UowFactory:
        database = InMemoryDatabase()
        return lambda: InMemoryUnitOfWork(database)
