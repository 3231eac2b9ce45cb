"""Every role × every endpoint × own and foreign object: the expected status.

``EXPECTED`` (plain routes) and ``COMMAND_ROLES`` (engine commands) are written
by hand from DESIGN §6; the routes come from the app, so a new route without an
entry fails ``test_every_route_has_an_entry``. A cell is 401, 403 or ``OK``
(authorised: any status but 401/403 — the engine may still refuse the command
on its rules, 404/409/422).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel

from sovet.api.routes.commands import resource_of
from sovet.api.schemas import command_model
from sovet.api.throttle import Limits
from sovet.domain import COMMANDS
from sovet.server import create_app
from tests.e2e.api.conftest import Api, copy_demo, make_api

OK = 0
PRINCIPALS = (
    "anonymous",
    "member",
    "deputy",
    "secretary",
    "credentials_committee",
    "foreign_secretary",
    "foreign_credentials_committee",
    "auditor",
    "administrator",
)
SIGNED_IN = PRINCIPALS[1:]
SCOPES = ("read", "commands:write", "ballots:cast", "petitions:sign")
"""Every principal's token carries these, so roles (not scopes) decide."""

# Object ids in the demo (plus the constituency the fixture adds) → their body.
OWN = {
    "petrograd-soviet": "petrograd-soviet",
    "congress-3": "national-congress",
    "confirm-sovnarkom": "national-congress",
    "sovnarkom": "national-congress",
    "left-sr-december": "national-congress",
    "cc-hold": "bolshevik-cc",
    "petrograd-1": "petrograd-soviet",
}
OBJECT_FIELDS = {
    "body": "petrograd-soviet",
    "parent": "petrograd-soviet",
    "by_body": "petrograd-soviet",
    "addressed_to": "petrograd-soviet",
    "council": "petrograd-soviet",
    "congress": "congress-3",
    "assembly": "congress-3",
    "sitting": "congress-3",
    "executive": "congress-3",
    "motion": "confirm-sovnarkom",
    "decision": "confirm-sovnarkom",
    "government": "sovnarkom",
    "offer": "left-sr-december",
    "hold": "cc-hold",
    "constituency": "petrograd-1",
}

SEC = {"secretary"}
CRED = {"secretary", "credentials_committee"}
COMMAND_ROLES: dict[str, set[str]] = {
    "adopt_constitution": set(),
    "register_faction": set(),
    "register_person": set(),
    "record_exclusion": set(),
    "record_verdict": set(),
    "register_body": SEC,
    "record_council_composition": SEC,
    "convene_congress": SEC,
    "close_congress": SEC,
    "convene_sitting": SEC,
    "close_sitting": SEC,
    "apportion_congress": SEC,
    "appoint_credentials_commission": SEC,
    "credential_delegates": CRED,
    "report_credentials": CRED,
    "record_walk_out": CRED,
    "replace_delegate": SEC,
    "propose_motion": SEC,
    "close_motion": SEC,
    "record_unrecorded_outcome": SEC,
    "vote_by_count": SEC,
    "vote_by_name": SEC,
    "elect_executive_committee": SEC,
    "elect_executive_chair": SEC,
    "submit_government_list": SEC,
    "offer_seats": SEC,
    "accept_offer": SEC,
    "decline_offer": SEC,
    "withdraw_commitment": SEC,
    "record_demand": SEC,
    "place_hold": SEC,
    "record_position": SEC,
    "resign": SEC,
    "declare_dissent": SEC,
    "act_against_decision": SEC,
    "record_expiry_event": SEC,
    "register_elector": SEC,
    "enrol_elector": SEC,
    "publish_name": set(),
    "lower_voting_age": SEC,
    "register_constituency": SEC,
    "seat_deputy": CRED,
    "call_election": SEC,
    "petition_recall": SEC,
    "hold_recall_vote": SEC,
    "order_re_election": SEC,
    "instruct_delegate": SEC,
    "open_recall_petition": {"member", "secretary"},
    "annul_entry": SEC,
}
"""Command → the body roles allowed in the command's own body (the administrator
may always; an empty set: the administrator only)."""

ELECTION_COMMANDS = {
    "count_election",
    "verify_election",
    "annul_election",
    "open_poll",
    "sign_recall_petition",  # names a petition; the demo has none either
}
"""They name an election (or petition); the demo has none, so every signed-in
caller meets 404 (ids are public, the log says which exist), anonymous ones 401."""

PUBLIC = dict.fromkeys(PRINCIPALS, OK)
SIGNED = {"anonymous": 401, **dict.fromkeys(SIGNED_IN, OK)}
ADMIN_ONLY = {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 403), "administrator": OK}
AUDIT = {**ADMIN_ONLY, "auditor": OK}

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("POST", "/api/auth/login"): dict.fromkeys(PRINCIPALS, 401),  # wrong password
    ("POST", "/api/auth/logout"): SIGNED,
    ("GET", "/api/auth/me"): SIGNED,
    ("POST", "/api/accounts"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/roles"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/tokens"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/password"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/disable"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/enable"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/roles/revoke"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/tokens/revoke"): ADMIN_ONLY,
    ("POST", "/api/accounts/{name}/reset-code"): ADMIN_ONLY,
    ("POST", "/api/auth/password"): dict.fromkeys(PRINCIPALS, 401),  # wrong current
    ("POST", "/api/auth/reset"): dict.fromkeys(PRINCIPALS, 401),  # unknown code
    ("GET", "/api/security-log"): AUDIT,
    ("GET", "/api/legitimacy"): PUBLIC,
    ("GET", "/api/seats/{person}"): PUBLIC,
    ("POST", "/api/whatif"): SIGNED,  # reads only, but copies the log
    ("GET", "/api/log"): PUBLIC,
    ("GET", "/api/verify"): PUBLIC,
    ("GET", "/api/checkpoints"): PUBLIC,
    ("GET", "/api/checkpoints/latest"): PUBLIC,
    ("GET", "/api/checkpoints/consistency"): PUBLIC,
    ("GET", "/api/bodies"): PUBLIC,
    ("GET", "/api/bodies/{body}"): PUBLIC,
    ("GET", "/api/members"): PUBLIC,
    ("GET", "/api/members/personal-data"): ADMIN_ONLY,
    ("POST", "/api/members/{person}/erase"): ADMIN_ONLY,  # none kept: 4xx, not 403
    ("GET", "/api/congress"): PUBLIC,
    ("GET", "/api/government"): PUBLIC,
    ("GET", "/api/constituencies"): PUBLIC,
    # Secret ballots and petitions (routes/elections, petitions, receipts): the
    # demo has no election or petition (404 for the signed-in where the role check
    # needs the election's council: ids are public); the matrix accounts name no
    # person, so casting and signing are refused (403: nobody acts for another).
    # The secretary-only open/close is checked with real objects in
    # test_api_ballots.
    ("GET", "/api/elections/{election}"): PUBLIC,
    ("POST", "/api/elections/{election}/open"): SIGNED,
    ("POST", "/api/elections/{election}/close"): SIGNED,
    ("POST", "/api/elections/{election}/ballots"): {
        "anonymous": 401,
        **dict.fromkeys(SIGNED_IN, 403),
    },
    ("POST", "/api/petitions"): {
        "anonymous": 401,
        **dict.fromkeys(SIGNED_IN, 403),
        "secretary": OK,  # of the constituency's council (petrograd-1)
        "administrator": OK,
    },
    ("POST", "/api/petitions/{petition}/sign"): {
        "anonymous": 401,
        **dict.fromkeys(SIGNED_IN, 403),
    },
    ("GET", "/api/petitions/{petition}"): PUBLIC,
    ("POST", "/api/receipts"): PUBLIC,
    ("GET", "/api/receipts/{receipt}"): PUBLIC,  # 410: POST the receipt instead
}


def route_paths() -> list[str]:
    """Every API route path of a freshly built app's route table (no database)."""
    return [key[1] for key in _route_keys()]


def _route_keys() -> list[tuple[str, str]]:
    from sovet.api.app import api_routers

    keys = []
    for router in api_routers():
        for route in router.routes:
            if isinstance(route, APIRoute):
                keys += [(m, "/api" + route.path) for m in sorted(route.methods or ())]
    return keys


def _command_cells(name: str) -> dict[str, int]:
    if name in ELECTION_COMMANDS:
        return {"anonymous": 401, **dict.fromkeys(SIGNED_IN, OK)}
    roles = COMMAND_ROLES[name]
    cells = {"anonymous": 401, "administrator": OK}
    for who in SIGNED_IN[:-1]:
        cells[who] = OK if who in roles else 403
    if name in PERSON_NEEDED:  # the matrix's accounts name no person
        cells["member"] = 403
    return cells


PERSON_NEEDED = {"open_recall_petition"}
"""A member opens a petition as an elector: an account with no person is refused
on every route (issue 10: the generic route once let it through)."""


def _expected() -> dict[tuple[str, str], dict[str, int]]:
    table = dict(EXPECTED)
    for name in COMMANDS:
        if name in COMMAND_ROLES or name in ELECTION_COMMANDS:
            key = ("POST", f"/api/{resource_of(name)}/commands/{name}")
            table[key] = _command_cells(name)
    return table


def test_every_route_has_an_entry() -> None:
    missing = sorted(set(_route_keys()) - set(_expected()))
    assert missing == []


def _filler(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return typing.get_args(hint)[0]
    if hint is str:
        return "x"
    if hint is int:
        return 1
    if hint is bool:
        return False
    if origin in (list, tuple):
        return []
    if origin is dict:
        return {}
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return _fields(hint)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return _filler(args[0]) if args else None


def _payload(model: type[BaseModel]) -> dict[str, Any]:
    return {**_fields(model), "at": "1918-02-01"}


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in OBJECT_FIELDS:
            body[name] = OBJECT_FIELDS[name]
        elif info.is_required():
            body[name] = _filler(info.annotation)
    return body


@pytest.fixture(scope="module")
def matrix_api(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, dict[str, dict[str, str]]]]:
    db = copy_demo(demo_template, tmp_path_factory.mktemp("matrix") / "demo.db")
    roomy = Limits(requests_per_minute=100_000, login_failures=1_000, refusals=100_000)
    for api in make_api(db, roomy):
        api.user("root", "administrator")
        api.user("target", "auditor")
        root = api.token("root", *SCOPES, "admin")
        made = api.client.post(
            "/api/constituencies/commands/register_constituency",
            json={
                "at": "1918-02-01",
                "constituency": "petrograd-1",
                "council": "petrograd-soviet",
                "seats": 2,
                "electorate": 1000,
            },
            headers=root,
        )
        assert made.status_code == 200, made.text
        headers: dict[str, dict[str, str]] = {"anonymous": {}, "administrator": root}
        for who in SIGNED_IN[:-1]:
            role = who.removeprefix("foreign_")
            api.accounts.create_account(who, "long password 123")
            if role == "auditor":
                api.accounts.grant(who, role)
            elif who == role:  # held in every body the objects belong to
                for body in sorted(set(OWN.values())):
                    api.accounts.grant(who, role, body)
            else:  # held only in a body no object belongs to
                api.accounts.grant(who, role, "moscow-soviet")
            headers[who] = api.token(who, *SCOPES)
        yield api, headers


REVOKING = ("/password", "/disable", "/enable", "/revoke", "/reset-code")
"""Account routes aimed at ``target``, not at the administrator's own account."""


def _request(api: Api, method: str, path: str, head: dict[str, str]) -> int:
    name = "target" if path.endswith(REVOKING) and "{name}" in path else "root"
    concrete = (
        path.replace("{name}", name)
        .replace("{body}", "petrograd-soviet")
        .replace("{election}", "e-none")
        .replace("{petition}", "p-none")
        .replace("{receipt}", "0" * 64)
        .replace("{person}", "kamenev")
    )
    if method == "GET":
        return api.client.get(concrete, headers=head).status_code
    if path.startswith("/api/auth/login"):
        body: dict[str, Any] = {"name": "root", "password": "wrong password!"}
    elif "/commands/" in path:
        body = _payload(command_model(COMMANDS[path.rsplit("/", 1)[-1]]))
    elif path == "/api/petitions":
        body = {"petition": "p1", "constituency": "petrograd-1", "deputy": "x"}
    elif path.endswith("/close"):
        body = {"minutes_signed_by": ["x"]}
    elif path.endswith("/ballots"):
        body = {"ranking": ["x"]}
    elif path.endswith(("/roles", "/roles/revoke")):
        body = {"role": "auditor"}
    elif path == "/api/auth/password":
        body = {"current": "not the password", "password": "long password 123"}
    elif path == "/api/auth/reset":
        body = {"code": "no such code", "password": "long password 123"}
    elif path.endswith("/password"):
        body = {"password": "long password 123"}
    elif path.endswith("/tokens"):
        body = {"scopes": ["read"]}
    elif path == "/api/whatif":
        step = {"command": "register_faction", "at": "1919-01-01", "faction": "z"}
        body = {"at": "1919-01-02", "steps": [{**step, "name": "Z"}]}
    elif path == "/api/accounts":
        body = {
            "name": f"n{len(head)}x",
            "password": "long password 123",
            "role": "auditor",
        }
    else:
        body = {}
    return api.client.request(method, concrete, json=body, headers=head).status_code


@pytest.mark.parametrize("key", sorted(_expected()), ids="{0[0]} {0[1]}".format)
def test_the_matrix_cell(
    matrix_api: tuple[Api, dict[str, dict[str, str]]], key: tuple[str, str]
) -> None:
    api, headers = matrix_api
    expected = _expected()[key]
    got: dict[str, int] = {}
    for who in PRINCIPALS:
        status = _request(api, *key, headers[who])
        got[who] = OK if expected[who] == OK and status not in (401, 403) else status
    assert got == expected


def test_the_app_mounts_what_the_matrix_checks(api: Api) -> None:
    paths = create_app(api.services).openapi()["paths"]
    mounted = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert set(_route_keys()) <= mounted
