"""Issue 10 at the API's edge: text that cannot be stored, empty ballots, CSRF.

A lone UTF-16 surrogate (JSON ``"x\\ud800"``) in any command field or role
body was a 500: it is a 422 naming the field, and nothing is written. An empty
ranking ``[]`` was taken as a ballot: it is refused (no constitution parameter
counts blank ballots) and the member may still vote. The CSRF token was an
unkeyed hash of the session id: it is an HMAC under the server secret, kept
beside the database (0600) or given as ``SOVET_SECRET``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sovet.api.schemas import command_model
from sovet.domain import COMMANDS
from sovet.errors import InputError
from sovet.services.accounts import Accounts, open_accounts
from sovet.services.bootstrap import secret_path, server_secret
from tests.e2e.api.conftest import PASSWORD, Api
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
        if COMMANDS[name].declaration.issuers.service_only:
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


# --- issue 10, finding 7: CSRF tokens keyed with a server secret -------------


def test_the_csrf_token_is_keyed_not_a_hash_of_the_session(api: Api) -> None:
    api.user("root", "administrator")
    answer = api.client.post(
        "/api/auth/login", json={"name": "root", "password": PASSWORD}
    )
    session = answer.cookies["sovet_session"]
    csrf = answer.json()["csrf_token"]
    unkeyed = hashlib.sha256(f"csrf:{session}".encode()).hexdigest()
    assert csrf != unkeyed
    refused = api.client.post("/api/auth/logout", headers={"X-CSRF-Token": unkeyed})
    assert refused.status_code == 403
    # the same secret (the file beside the database) gives the same token
    again = open_accounts(api.services)
    assert again.csrf_token(session) == csrf
    assert Accounts(api.accounts.store, api.services.clock).csrf_token(session) != csrf
    done = api.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200


def test_the_secret_is_kept_beside_the_database_0600(api: Api) -> None:
    path = secret_path(api.services.location)
    assert path == Path(f"{api.services.location}.secret")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(path.read_text(encoding="ascii").strip()) == 64
    assert server_secret(api.services.location) == path.read_bytes().strip()


def test_sovet_secret_wins_and_must_be_long(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_SECRET", "s" * 40)
    assert server_secret(api.services.location) == b"s" * 40
    monkeypatch.setenv("SOVET_SECRET", "short")
    with pytest.raises(InputError, match="at least 32"):
        server_secret(api.services.location)


def test_a_server_database_keeps_its_secret_in_sovet_secret_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOVET_SECRET_FILE", str(tmp_path / "server.secret"))
    first = server_secret("postgresql://example/db")
    assert server_secret("postgresql://example/db") == first
    assert stat.S_IMODE(os.stat(tmp_path / "server.secret").st_mode) == 0o600


def test_a_server_secret_lives_beside_the_key_file_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOVET_SECRET_FILE", raising=False)
    monkeypatch.setenv("SOVET_KEY_FILE", str(tmp_path / "pg.key"))
    assert secret_path("postgresql://example/db") == tmp_path / "pg.secret"


# --- issue 10, finding 7: receipts travel in a POST body, never in a URL ------


def test_receipts_are_checked_by_post_and_the_url_form_is_gone(
    election_api: Api,
) -> None:
    api = election_api
    api.user("sec", "secretary", "petrograd")
    secretary = api.token("sec", "read", "commands:write")
    assert api.client.post("/api/elections/e1/open", headers=secretary).is_success
    cast = api.client.post(
        "/api/elections/e1/ballots", json={"ranking": ["b"]}, headers=voter(api, "v1")
    )
    receipt = cast.json()["receipt"]
    closed = api.client.post(
        "/api/elections/e1/close",
        json={"minutes_signed_by": ["k1", "rep"]},
        headers=secretary,
    )
    assert closed.status_code == 200, closed.text
    proof = api.client.post("/api/receipts", json={"receipt": receipt})
    assert proof.status_code == 200, proof.text
    assert (proof.json()["election"], proof.json()["ranking"]) == ("e1", ["b"])
    scoped = {"receipt": receipt, "election": "e1"}
    assert api.client.post("/api/receipts", json=scoped).status_code == 200
    retired = api.client.get(f"/api/receipts/{receipt}")
    assert retired.status_code == 410
    assert "POST /api/receipts" in retired.json()["error"]["message"]
    assert receipt not in retired.text
    assert (
        api.client.post("/api/receipts", json={"receipt": "0" * 64}).status_code == 404
    )
    assert api.client.post("/api/receipts", json={}).status_code == 422
    openapi = api.client.get("/api/openapi.json").json()["paths"]
    assert "post" in openapi["/api/receipts"]
