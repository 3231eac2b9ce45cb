"""Registered names are frozen (``tests/data/names.txt``).

Event type names are hashed into every log, command names are scenario keys,
and each command's URL is part of the HTTP API. Renaming any of them breaks
stored logs, scenario files or clients, so the registries and the API's routes
must keep every name listed; a rename keeps the old name as an alias. A name
added to the code is added to the file in the same commit.
"""

from __future__ import annotations

from pathlib import Path

from sovet.domain import COMMANDS, EVENTS
from sovet.server import create_app
from sovet.services.bootstrap import bootstrap
from tests.reliability.helpers import REPO

NAMES = REPO / "tests" / "data" / "names.txt"


def _frozen(kind: str) -> set[str]:
    rows = (line.split(" ", 1) for line in NAMES.read_text().splitlines())
    return {name for k, name in rows if k == kind}


def test_every_frozen_command_name_is_registered() -> None:
    assert _frozen("command") <= set(COMMANDS)


def test_every_frozen_event_type_is_registered() -> None:
    assert _frozen("event") <= set(EVENTS)


def test_every_registered_name_is_in_the_frozen_list() -> None:
    assert set(COMMANDS) <= _frozen("command")
    assert set(EVENTS) <= _frozen("event")


def test_every_frozen_command_url_is_served(tmp_path: Path) -> None:
    with bootstrap(str(tmp_path / "empty.db"), create=True) as services:
        schema = create_app(services).openapi()
    served = {path for path, ops in schema["paths"].items() if "post" in ops}
    assert _frozen("url") <= served
