"""Revocation (issue 10, finding 6): passwords, accounts, tokens and roles can be
taken back, each in force from the next request of a running server.

Before there was no way to change or reset a password, disable an account,
revoke a token or a role, and tokens never expired.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.services.accounts import token_hash
from tests.e2e.api.conftest import PASSWORD, Api

runner = CliRunner()
NEW = "another long password"


def _admin(api: Api) -> dict[str, str]:
    return api.token(api.user("root", "administrator"), "read", "admin")


def test_the_cli_disables_an_account_for_the_running_server(api: Api) -> None:
    api.user("alice", "auditor")
    token = api.token("alice", "read")
    api.login("alice")
    assert api.client.get("/api/auth/me").status_code == 200
    done = runner.invoke(
        cli, ["admin", "disable", "alice", "--db", api.services.location]
    )
    assert done.exit_code == 0, done.output
    assert api.client.get("/api/auth/me").status_code == 401  # session ended
    assert api.client.get("/api/auth/me", headers=token).status_code == 401
    login = api.client.post(
        "/api/auth/login", json={"name": "alice", "password": PASSWORD}
    )
    assert login.status_code == 401
    assert "disabled" in login.json()["error"]["message"]
    again = runner.invoke(
        cli, ["admin", "enable", "alice", "--db", api.services.location]
    )
    assert again.exit_code == 0, again.output
    assert (
        api.client.post(
            "/api/auth/login", json={"name": "alice", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_tokens_are_revoked_one_label_or_all(api: Api) -> None:
    api.user("bob", "auditor")
    phone = api.accounts.issue_token("bob", ["read"], label="phone")
    laptop = api.accounts.issue_token("bob", ["read"], label="laptop")
    location = api.services.location
    one = runner.invoke(
        cli, ["admin", "revoke-token", "bob", "--label", "phone", "--db", location]
    )
    assert one.exit_code == 0, one.output
    auth = {"Authorization": f"Bearer {phone}"}
    assert api.client.get("/api/auth/me", headers=auth).status_code == 401
    auth = {"Authorization": f"Bearer {laptop}"}
    assert api.client.get("/api/auth/me", headers=auth).status_code == 200
    assert (
        runner.invoke(cli, ["admin", "revoke-token", "bob", "--db", location]).exit_code
        == 0
    )
    assert api.client.get("/api/auth/me", headers=auth).status_code == 401


def test_a_role_is_revoked_through_the_api(api: Api) -> None:
    admin = _admin(api)
    api.user("carol", "secretary", "petrograd-soviet")
    taken = api.client.post(
        "/api/accounts/carol/roles/revoke",
        json={"role": "secretary", "body": "petrograd-soviet"},
        headers=admin,
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["revoked"] == 1
    assert api.accounts.store.roles(api.accounts.account_id("carol")) == set()
    log = api.client.get("/api/security-log", headers=admin).json()["entries"]
    assert any(e["kind"] == "role_revoked" for e in log)


def test_tokens_expire(api: Api) -> None:
    api.user("dan", "auditor")
    api.accounts.token_days = 0
    token = api.accounts.issue_token("dan", ["read"])
    auth = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/auth/me", headers=auth).status_code == 401
    api.accounts.token_days = 90
    fresh = api.accounts.issue_token("dan", ["read"])
    expires = api.accounts.store.token(token_hash(fresh))
    assert expires is not None
    assert expires[2] is not None
    left = datetime.fromisoformat(expires[2]) - datetime.now(UTC)
    assert timedelta(days=89) < left <= timedelta(days=90)


def test_the_user_changes_their_own_password(api: Api) -> None:
    api.user("erin", "auditor")
    csrf = api.login("erin")
    wrong = api.client.post(
        "/api/auth/password",
        json={"current": "not it at all", "password": NEW},
        headers=csrf,
    )
    assert wrong.status_code == 401
    done = api.client.post(
        "/api/auth/password", json={"current": PASSWORD, "password": NEW}, headers=csrf
    )
    assert done.status_code == 200, done.text
    assert api.client.get("/api/auth/me").status_code == 401  # sessions ended
    assert (
        api.client.post(
            "/api/auth/login", json={"name": "erin", "password": NEW}
        ).status_code
        == 200
    )


def test_a_one_time_reset_code(api: Api) -> None:
    admin = _admin(api)
    api.user("fay", "auditor")
    code = api.client.post("/api/accounts/fay/reset-code", headers=admin).json()["code"]
    anonymous = TestClient(api.client.app)
    done = anonymous.post("/api/auth/reset", json={"code": code, "password": NEW})
    assert done.status_code == 200, done.text
    twice = anonymous.post("/api/auth/reset", json={"code": code, "password": NEW})
    assert twice.status_code == 401
    assert (
        anonymous.post(
            "/api/auth/login", json={"name": "fay", "password": NEW}
        ).status_code
        == 200
    )


def test_the_web_password_and_reset_pages(api: Api) -> None:
    api.user("gus", "auditor")
    api.login("gus")
    page = api.client.get("/password")
    assert page.status_code == 200
    assert 'name="current"' in page.text
    reset = api.client.get("/reset")
    assert reset.status_code == 200
    assert 'name="code"' in reset.text
