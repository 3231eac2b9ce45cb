"""Issue 10 at the API's edge: text that cannot be stored, empty ballots.

A lone UTF-16 surrogate (JSON ``"x\\ud800"``) in any command field or role
body was a 500: it is a 422 naming the field, and nothing is written. An empty
ranking ``[]`` was taken as a ballot: it is refused (no constitution parameter
counts blank ballots) and the member may still vote.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pytest
from pydantic import ValidationError

from sovet.api.schemas import command_model
from sovet.domain import COMMANDS
from sovet.services.command_authz import SERVICE_ONLY
from tests.e2e.api.conftest import Api
from tests.e2e.api.test_api_ballots import election_api, voter

assert election_api  # a fixture, used by name

BAD = "x\ud800"
JSON_BAD = '"x\\ud800"'


def _bad_value(hint: Any) -> Any:
    """A value of type ``hint`` carrying a lone surrogate, or None if it has no text."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is str:
        return BAD
    if origin in (typing.Union, types.UnionType):
        found = [_bad_value(arg) for arg in args if arg is not type(None)]
        return next((value for value in found if value is not None), None)
    if origin is tuple and args and args[0] is str:
        return ["ok", BAD]
    if origin is dict:
        inner = _bad_value(args[1]) if args else None
        return {"key": inner} if inner is not None else {BAD: _plain(args[1])}
    if hint is Any:
        return {"nested": [BAD]}
    return None


def _plain(hint: Any) -> Any:
    return {int: 1, bool: True}.get(hint, "v")


def _text_fields() -> list[tuple[str, str, Any]]:
    cases = []
    for name, cls in sorted(COMMANDS.items()):
        if name in SERVICE_ONLY:
            continue
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            value = _bad_value(hints[item.name])
            if value is not None:
                cases.append((name, item.name, value))
    return cases


TEXT_FIELDS = _text_fields()


def test_every_text_field_of_every_command_is_checked() -> None:
    assert len(TEXT_FIELDS) > 150  # every str, list of str and dict field


@pytest.mark.parametrize(("command", "field", "value"), TEXT_FIELDS)
def test_a_lone_surrogate_in_any_command_field_is_refused_naming_it(
    command: str, field: str, value: Any
) -> None:
    model = command_model(COMMANDS[command])
    with pytest.raises(ValidationError) as caught:
        model.model_validate({field: value})
    mine = [e for e in caught.value.errors() if e["loc"] and e["loc"][0] == field]
    assert any("lone surrogate" in e["msg"] for e in mine), caught.value


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/bodies/commands/register_faction",
            '{"at": "1918-02-01", "faction": "f", "name": ' + JSON_BAD + "}",
            "name",
        ),
        (
            "/api/bodies/commands/register_faction",
            '{"at": "1918-02-01", "faction": ' + JSON_BAD + ', "name": "F"}',
            "faction",
        ),
        (
            "/api/accounts/root/roles",
            '{"role": "deputy", "body": ' + JSON_BAD + "}",
            "body",
        ),
        ("/api/accounts/root/roles", '{"role": ' + JSON_BAD + "}", "role"),
        (
            "/api/accounts",
            '{"name": "bob", "password": "a long enough password", '
            '"role": "member", "body": "petrograd", "person": ' + JSON_BAD + "}",
            "person",
        ),
    ],
)
def test_a_lone_surrogate_over_http_is_422_naming_the_field(
    api: Api, path: str, body: str, field: str
) -> None:
    admin = api.token(
        api.user("root", "administrator"), "read", "commands:write", "admin"
    )
    before = api.head()
    answer = api.client.post(
        path,
        content=body.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    message = answer.json()["error"]["message"]
    assert message.startswith(f"{field}: "), message
    assert "lone surrogate" in message
    assert api.head() == before
    assert api.accounts.store.account("bob") is None


def test_an_empty_ranking_is_not_a_ballot(election_api: Api) -> None:
    api = election_api
    api.user("sec", "secretary", "petrograd")
    secretary = api.token("sec", "read", "commands:write")
    assert api.client.post("/api/elections/e1/open", headers=secretary).is_success
    member = voter(api, "v1")
    before = api.head()
    answer = api.client.post(
        "/api/elections/e1/ballots", json={"ranking": []}, headers=member
    )
    assert answer.status_code == 422, answer.text
    assert "ranking" in answer.json()["error"]["message"]
    assert api.head() == before
    assert api.client.get("/api/elections/e1").json()["voted"] == 0
    cast = api.client.post(
        "/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=member
    )
    assert cast.status_code == 201, cast.text
