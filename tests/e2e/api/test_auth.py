"""Sessions, cookies, CSRF, tokens, throttling and the end of a recalled deputy's
sessions (DESIGN §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.api.throttle import Limits
from sovet.cli.app import app as cli
from sovet.cli.serve_cmd import first_start_hint
from sovet.domain import command_from_mapping
from sovet.server import create_app
from sovet.services.accounts import SESSION_HOURS, Accounts, token_hash
from sovet.services.bootstrap import bootstrap
from sovet.services.handlers import execute
from tests.e2e.api.conftest import PASSWORD, Api, copy_demo, make_api

FACTION = {"at": "1918-02-01", "faction": "anarchists", "name": "Anarchists"}
ADD_FACTION = "/api/bodies/commands/register_faction"


def _cookies(answer: Any) -> dict[str, str]:
    return {
        line.split("=", 1)[0]: line.lower()
        for line in answer.headers.get_list("set-cookie")
    }


def test_login_sets_a_httponly_lax_session_cookie_and_logout_ends_it(
    api: Api,
) -> None:
    api.user("root", "administrator")
    answer = api.client.post(
        "/api/auth/login", json={"name": "root", "password": PASSWORD}
    )
    assert answer.status_code == 200
    cookies = _cookies(answer)
    assert "httponly" in cookies["sovet_session"]
    assert "samesite=lax" in cookies["sovet_session"]
    assert "secure" not in cookies["sovet_session"]  # plain HTTP here
    assert "httponly" not in cookies["sovet_csrf"]  # the page echoes it back
    assert api.client.get("/api/auth/me").json()["name"] == "root"
    csrf = {"X-CSRF-Token": answer.json()["csrf_token"]}
    assert api.client.post("/api/auth/logout", headers=csrf).status_code == 200
    assert api.client.get("/api/auth/me").status_code == 401


def test_cookies_are_secure_over_tls(api: Api) -> None:
    api.user("root", "administrator")
    tls = TestClient(api.client.app, base_url="https://testserver")
    answer = tls.post("/api/auth/login", json={"name": "root", "password": PASSWORD})
    assert "secure" in _cookies(answer)["sovet_session"]


def test_a_login_rotates_the_session(api: Api) -> None:
    api.user("root", "administrator")
    api.login("root")
    first = api.client.cookies["sovet_session"]
    api.login("root")
    second = api.client.cookies["sovet_session"]
    assert first != second
    stale = TestClient(api.client.app, cookies={"sovet_session": first})
    assert stale.get("/api/auth/me").status_code == 401


def test_wrong_passwords_are_refused_alike_and_logged(api: Api) -> None:
    api.user("root", "administrator")
    unknown = api.client.post(
        "/api/auth/login", json={"name": "nobody", "password": "x"}
    )
    wrong = api.client.post("/api/auth/login", json={"name": "root", "password": "x"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    kinds = [e["kind"] for e in api.accounts.store.security_entries()]
    assert kinds.count("login_failed") == 2


def test_csrf_is_required_on_unsafe_cookie_requests(api: Api) -> None:
    api.user("root", "administrator")
    csrf = api.login("root")
    before = api.head()
    for headers in ({}, {"X-CSRF-Token": "0" * 64}):
        refused = api.client.post(ADD_FACTION, json=FACTION, headers=headers)
        assert refused.status_code == 403
        assert "CSRF" in refused.json()["error"]["message"]
    assert api.head() == before
    refused_by = [
        e["account"]
        for e in api.accounts.store.security_entries()
        if e["kind"] == "refused"
    ]
    assert refused_by == ["root", "root"]
    accepted = api.client.post(ADD_FACTION, json=FACTION, headers=csrf)
    assert accepted.status_code == 200, accepted.text


def test_the_csrf_form_field_is_accepted(api: Api) -> None:
    api.user("root", "administrator")
    csrf = api.login("root")["X-CSRF-Token"]
    refused = api.client.post("/api/auth/logout", data={"csrf_token": "nope"})
    assert refused.status_code == 403
    done = api.client.post("/api/auth/logout", data={"csrf_token": csrf})
    assert done.status_code == 200


def test_bearer_tokens_need_no_csrf_but_their_scopes(api: Api) -> None:
    api.user("root", "administrator")
    reader = api.token("root", "read")
    writer = api.token("root", "commands:write")
    refused = api.client.post(ADD_FACTION, json=FACTION, headers=reader)
    assert refused.status_code == 403
    assert "commands:write" in refused.json()["error"]["message"]
    assert api.client.post(ADD_FACTION, json=FACTION, headers=writer).status_code == 200
    bogus = {"Authorization": "Bearer not-a-token"}
    assert api.client.get("/api/auth/me", headers=bogus).status_code == 401


@pytest.fixture
def tight(demo_template: Path, tmp_path: Path) -> Any:
    limits = Limits(requests_per_minute=4, login_failures=3)
    yield from make_api(copy_demo(demo_template, tmp_path / "demo.db"), limits)


def test_failed_logins_are_throttled_with_retry_after(tight: Api) -> None:
    tight.user("root", "administrator")
    statuses = []
    for _ in range(4):
        answer = tight.client.post(
            "/api/auth/login", json={"name": "root", "password": "wrong"}
        )
        statuses.append(answer.status_code)
    assert statuses == [401, 401, 401, 429]
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["error"]["rule"] is None  # no SR rule: never a document
    kinds = {e["kind"] for e in tight.accounts.store.security_entries()}
    assert {"login_failed", "throttled"} <= kinds


def test_a_noisy_address_is_throttled_and_others_are_not(tight: Api) -> None:
    app = tight.client.app
    noisy = TestClient(app, client=("10.0.0.1", 5000))
    calm = TestClient(app, client=("10.0.0.2", 5000))
    statuses = [noisy.get("/api/verify").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert calm.get("/api/verify").status_code == 200


def _recall(api: Api, headers: dict[str, str]) -> None:
    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "bodies/commands/register_person",
            {
                "person": "ivanov",
                "name": "I. Ivanov",
                "faction": "bolsheviks",
                "bodies": ["petrograd-soviet"],
            },
        ),
        (
            "constituencies/commands/register_constituency",
            {
                "constituency": "petrograd-1",
                "council": "petrograd-soviet",
                "seats": 2,
                "electorate": 1000,
            },
        ),
        (
            "constituencies/commands/seat_deputy",
            {"constituency": "petrograd-1", "person": "ivanov"},
        ),
        (
            "constituencies/commands/petition_recall",
            {"constituency": "petrograd-1", "deputy": "ivanov", "signatures": 600},
        ),
    ]
    for path, body in steps:
        answer = api.client.post(
            f"/api/{path}", json={"at": "1918-02-01", **body}, headers=headers
        )
        assert answer.status_code == 200, answer.text


def test_a_recalled_deputy_loses_the_role_and_every_session(api: Api) -> None:
    api.user("root", "administrator")
    root = api.token("root")
    _recall(api, root)
    api.user("ivanov", "deputy", "petrograd-soviet", person="ivanov")
    api.accounts.grant("ivanov", "member", "petrograd-soviet")
    phone = TestClient(api.client.app)
    api.login("ivanov")
    api.login("ivanov", phone)
    assert phone.get("/api/auth/me").status_code == 200
    recall = api.client.post(
        "/api/constituencies/commands/order_re_election",
        json={
            "at": "1918-02-02",
            "constituency": "petrograd-1",
            "deputy": "ivanov",
            "by_body": "petrograd-soviet",
        },
        headers=root,
    )
    assert "DeputyRecalled" in [e["type"] for e in recall.json()["events"]]
    assert phone.get("/api/auth/me").status_code == 401
    assert api.client.get("/api/auth/me").status_code == 401
    roles = api.accounts.store.roles(api.accounts.account_id("ivanov"))
    assert roles == {("member", "petrograd-soviet")}


def test_a_resignation_ends_the_deputy_role_in_that_body(api: Api) -> None:
    api.user("root", "administrator")
    root = api.token("root")
    _recall(api, root)
    api.user("ivanov", "deputy", "petrograd-soviet", person="ivanov")
    api.login("ivanov")
    resigned = api.client.post(
        "/api/holds/commands/resign",
        json={
            "at": "1918-02-02",
            "person": "ivanov",
            "body": "petrograd-soviet",
            "statement": "leaving",
        },
        headers=root,
    )
    assert "ResignationTookEffect" in [e["type"] for e in resigned.json()["events"]]
    assert api.client.get("/api/auth/me").status_code == 401
    assert api.accounts.store.roles(api.accounts.account_id("ivanov")) == set()


def test_the_cli_creates_the_first_administrator_and_tokens(
    demo_template: Path, tmp_path: Path
) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    runner = CliRunner()
    with bootstrap(db) as services:
        hint = first_start_hint(services)
    assert hint is not None
    assert "sovet admin create-user" in hint
    short = runner.invoke(
        cli,
        [
            "admin",
            "create-user",
            "root",
            "--role",
            "administrator",
            "--db",
            db,
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code == 2
    assert "at least" in short.output
    made = runner.invoke(
        cli,
        [
            "admin",
            "create-user",
            "root",
            "--role",
            "administrator",
            "--db",
            db,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    granted = runner.invoke(
        cli, ["admin", "grant", "root", "--role", "secretary", "--db", db]
    )
    assert granted.exit_code == 2  # a body role needs --body
    token = runner.invoke(
        cli, ["admin", "token", "root", "--scope", "read", "--db", db]
    )
    assert token.exit_code == 0, token.output
    with bootstrap(db) as services:
        assert first_start_hint(services) is None
        client = TestClient(create_app(services))
        me = client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {token.output.strip()}"}
        )
        assert me.json()["scopes"] == ["read"]


def test_a_recall_written_by_another_process_ends_the_sessions_too(api: Api) -> None:
    api.user("root", "administrator")
    _recall(api, api.token("root"))
    api.user("ivanov", "deputy", "petrograd-soviet", person="ivanov")
    api.login("ivanov")
    assert api.client.get("/api/auth/me").status_code == 200
    with bootstrap(api.services.location) as other:  # e.g. `sovet run`
        command = command_from_mapping(
            {
                "command": "order_re_election",
                "at": "1918-02-02",
                "constituency": "petrograd-1",
                "deputy": "ivanov",
                "by_body": "petrograd-soviet",
            },
            source="test",
        )
        execute(other.uow(), command)
    assert api.client.get("/api/auth/me").status_code == 401
    assert api.accounts.store.roles(api.accounts.account_id("ivanov")) == set()


def test_refused_actions_are_throttled_per_address(
    demo_template: Path, tmp_path: Path
) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    for api in make_api(db, Limits(refusals=2)):
        api.user("reader", "auditor")
        reader = api.token("reader", "read", "commands:write")
        statuses = [
            api.client.post(ADD_FACTION, json=FACTION, headers=reader).status_code
            for _ in range(3)
        ]
        assert statuses == [403, 403, 429]
        elsewhere = TestClient(api.client.app, client=("10.0.0.9", 1))
        assert elsewhere.get("/api/verify").status_code == 200


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def test_sessions_expire_and_only_token_hashes_are_stored(api: Api) -> None:
    clock = _Clock(datetime(2026, 1, 1, tzinfo=UTC))
    accounts = Accounts(api.accounts.store, clock)
    accounts.create_account("root", PASSWORD)
    session = accounts.login("root", PASSWORD, address="test")
    token = accounts.issue_token("root", ["read"])
    engine = api.services.engine
    assert engine is not None
    with engine.connect() as conn:
        stored = [
            row[0]
            for table in ("web_sessions", "api_tokens")
            for row in conn.exec_driver_sql(f"SELECT token_hash FROM {table}")
        ]
        password = conn.exec_driver_sql("SELECT password_hash FROM accounts").scalar()
    assert session.token not in stored
    assert token not in stored
    assert token_hash(session.token) in stored
    assert str(password).startswith("$argon2id$")
    assert accounts.from_session(session.token) is not None
    clock.at += timedelta(hours=SESSION_HOURS, seconds=1)
    assert accounts.from_session(session.token) is None
    assert api.accounts.store.session(token_hash(session.token)) is None


def _order_re_election(location: str) -> None:
    """Recall ivanov in another process (``sovet run`` would do the same)."""
    with bootstrap(location) as other:
        command = command_from_mapping(
            {
                "command": "order_re_election",
                "at": "1918-02-02",
                "constituency": "petrograd-1",
                "deputy": "ivanov",
                "by_body": "petrograd-soviet",
            },
            source="test",
        )
        execute(other.uow(), command)


def test_a_recall_while_no_server_runs_takes_effect_at_start_up(
    demo_template: Path, tmp_path: Path
) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    for api in make_api(db):
        api.user("root", "administrator")
        _recall(api, api.token("root"))
        api.user("ivanov", "deputy", "petrograd-soviet", person="ivanov")
        token = api.token("ivanov", "read")
        api.login("ivanov")
        session = api.client.cookies.get("sovet_session")
        assert api.client.get("/api/auth/me").status_code == 200
    _order_re_election(db)  # the server is down
    for api in make_api(db):  # restarted
        account = api.accounts.account_id("ivanov")
        assert api.accounts.store.roles(account) == set()
        assert api.accounts.store.session(token_hash(session or "")) is None
        me = api.client.get("/api/auth/me", headers=token)
        assert me.status_code == 401


def test_a_recall_by_another_process_refuses_the_next_web_request(api: Api) -> None:
    api.user("root", "administrator")
    _recall(api, api.token("root"))
    api.user("ivanov", "deputy", "petrograd-soviet", person="ivanov")
    api.login("ivanov")
    assert "Log out" in api.client.get("/me").text or (
        api.client.get("/me").status_code == 200
    )
    _order_re_election(api.services.location)
    assert api.client.get("/me").status_code == 401
