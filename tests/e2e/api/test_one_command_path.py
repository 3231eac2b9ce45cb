"""One command path (issue 10, finding 2): every route that issues a command
shares the same authorisation, validation and side tables.

Before, ``POST /api/petitions`` refused an account with no person and a
non-elector (SR-9), while ``…/commands/open_recall_petition`` accepted them,
and the generic sign route wrote no ``petition_signatures`` row, so a member
could sign twice. Now both routes go through ``run_command``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from sovet.api.app import api_routers
from sovet.api.routes.commands import SIDE_TABLES
from sovet.domain import COMMANDS
from tests.e2e.api.conftest import Api
from tests.e2e.api.test_api_ballots import town_api, voter

FORM = {"petition": "p1", "constituency": "putilov", "deputy": "a"}
GENERIC = "/api/petitions/commands/open_recall_petition"
SIGN = "/api/petitions/commands/sign_recall_petition"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from town_api(tmp_path, "petition")


def test_both_routes_refuse_a_non_elector_alike(api: Api) -> None:
    outsider = voter(api, "b", "read", "petitions:sign", "commands:write")
    dedicated = api.client.post("/api/petitions", json=FORM, headers=outsider)
    generic = api.client.post(GENERIC, json=FORM, headers=outsider)
    assert dedicated.status_code == generic.status_code == 403
    assert dedicated.json()["error"]["rule"] == generic.json()["error"]["rule"]


def test_both_routes_refuse_an_account_with_no_person(api: Api) -> None:
    api.user("nobody", "member", "petrograd")
    headers = api.token("nobody", "read", "petitions:sign", "commands:write")
    dedicated = api.client.post("/api/petitions", json=FORM, headers=headers)
    generic = api.client.post(GENERIC, json=FORM, headers=headers)
    assert dedicated.status_code == generic.status_code == 403
    assert "names no person" in generic.json()["error"]["message"]


def test_the_generic_sign_writes_the_signature_row(api: Api) -> None:
    signer = voter(api, "v0", "read", "petitions:sign", "commands:write")
    opened = api.client.post(GENERIC, json=FORM, headers=signer)
    assert opened.status_code == 200, opened.text
    signed = api.client.post(
        SIGN, json={"petition": "p1", "member": "v0"}, headers=signer
    )
    assert signed.status_code == 200, signed.text
    again = api.client.post("/api/petitions/p1/sign", headers=signer)
    assert again.status_code == 409  # the row the generic route wrote
    forged = api.client.post(
        SIGN, json={"petition": "p1", "member": "v1"}, headers=signer
    )
    assert forged.status_code == 403


def test_every_route_that_issues_a_command_goes_through_run_command() -> None:
    """The routes besides ``/commands/{name}`` that issue engine commands call
    ``run_command``, and those commands' side tables are in ``SIDE_TABLES``;
    the rest are service-only (secret ballots) with no generic route."""
    dedicated = {
        "/petitions": "open_recall_petition",
        "/petitions/{petition}/sign": "sign_recall_petition",
    }
    for router in api_routers():
        for route in router.routes:
            if not isinstance(route, APIRoute) or route.path not in dedicated:
                continue
            if "POST" in (route.methods or set()):
                assert "run_command(" in inspect.getsource(route.endpoint)
    assert set(dedicated.values()) == set(SIDE_TABLES)
    service_only = {
        n for n, c in COMMANDS.items() if c.declaration.issuers.service_only
    }
    assert service_only == {"record_vote_cast", "close_poll"}
