"""Every command's declaration is complete: what the API, the command reference
and the web forms show a secretary who has never read the code.

Each field of each command — and of each dataclass nested in a field (a
sending unit, an exclusion, a ballot, a nomination …) — carries a description
(``Annotated[type, "description"]``); each command's summary cites its rule,
or this file says why it has none; its resource is one the HTTP API publishes
(``tests/data/names.txt``, the frozen URLs); the fields its issuers name are
fields of the command; and it is registered under its declared name.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest

from sovet.domain import COMMANDS, Command
from sovet.domain.kernel.messages import descriptions

NAMES = Path(__file__).resolve().parents[2] / "data" / "names.txt"
RULE_ID = re.compile(r"\bSR-\d+\b")

NO_RULE = {
    "adopt_constitution": "it records the constitution itself, the source of "
    "every rule's parameters, not an act under one rule",
    "publish_name": "it makes a name public; no rule prescribes it (the "
    "franchise verdict is enrol_elector, SR-4/SR-5)",
    "register_person": "a register entry that every rule reads; no rule "
    "prescribes it (the franchise facts are register_elector, SR-4/SR-5)",
}
"""Commands whose summary cites no rule, and why."""


def _frozen_urls() -> set[str]:
    rows = (line.split(" ", 1) for line in NAMES.read_text().splitlines())
    return {value for kind, value in rows if kind == "url"}


def _nested(hint: object, found: dict[str, type]) -> None:
    """Collect the dataclasses inside a field's type (tuples, unions, dicts)."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint.__name__ not in found:
            found[hint.__name__] = hint
            for inner in typing.get_type_hints(hint).values():
                _nested(inner, found)
        return
    for arg in typing.get_args(hint):
        _nested(arg, found)


def _payloads() -> dict[str, type]:
    found: dict[str, type] = {}
    for cls in COMMANDS.values():
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            _nested(hints[item.name], found)
    return found


COMMAND_NAMES = sorted(COMMANDS)
PAYLOADS = _payloads()


def _check_text(where: str, text: str | None) -> None:
    assert text, f"{where} has no description"
    assert text == text.strip(), f"{where}: stray white space in {text!r}"
    assert not text.endswith("."), f"{where}: a fragment, no final period: {text!r}"
    assert text.startswith("SR-") or not text[0].isupper(), (
        f"{where}: starts in lower case (or with its rule id): {text!r}"
    )


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_field_of_every_command_is_described(name: str) -> None:
    cls: type[Command] = COMMANDS[name]
    described = cls.declaration.fields
    for item in dataclasses.fields(cls):
        _check_text(f"{name}.{item.name}", described.get(item.name))


def test_payloads_nested_in_commands_are_found() -> None:
    assert {"Ballot", "Conduct", "Nomination", "SendingUnit"} <= set(PAYLOADS)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_every_field_of_every_nested_payload_is_described(name: str) -> None:
    cls = PAYLOADS[name]
    described = descriptions(cls)
    for item in dataclasses.fields(cls):
        _check_text(f"{name}.{item.name}", described.get(item.name))


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_summary_cites_its_rule_or_says_why_not(name: str) -> None:
    summary = COMMANDS[name].declaration.summary
    assert summary.strip(), f"{name} has no summary"
    if name in NO_RULE:
        assert NO_RULE[name].strip()
        assert not RULE_ID.search(summary), f"{name} cites a rule: drop it from NO_RULE"
    else:
        assert RULE_ID.search(summary), f"{name}: {summary!r} cites no SR-n"


def test_every_resource_is_one_the_api_publishes() -> None:
    urls = _frozen_urls()
    resources = {url.split("/")[2] for url in urls}
    assert "congress" in resources  # the list was read
    for name in COMMAND_NAMES:
        declared = COMMANDS[name].declaration
        assert declared.resource in resources, (name, declared.resource)
        if not declared.issuers.service_only:
            url = f"/api/{declared.resource}/commands/{name}"
            assert url in urls, f"{name} is served at {url}, not a frozen URL"


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_issuer_and_ballot_fields_are_fields_of_the_command(name: str) -> None:
    cls = COMMANDS[name]
    declared = cls.declaration
    own = {item.name for item in dataclasses.fields(cls)}
    issuers = declared.issuers
    for key in (issuers.field, issuers.self_field, declared.ballot):
        assert key is None or key in own, f"{name} names no field {key!r}"


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_every_command_is_registered_under_its_declared_name(name: str) -> None:
    declared = COMMANDS[name].declaration
    assert name == declared.name or name in declared.aliases
    assert COMMANDS[declared.name] is COMMANDS[name]
    assert COMMANDS[name].command_name == declared.name
