"""Commands over HTTP: accepted, refused with the error contract, nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sovet.api.routes.commands import resource_of
from sovet.domain import COMMANDS
from tests.e2e.api.conftest import Api, copy_demo
from tests.e2e.api.test_authz_matrix import route_paths

FACTION = {"at": "1918-02-01", "faction": "anarchists", "name": "Anarchists"}


def test_a_command_is_executed_and_its_events_returned(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    answer = api.client.post(
        "/api/bodies/commands/register_faction", json=FACTION, headers=admin
    )
    assert answer.status_code == 200, answer.text
    events = answer.json()["events"]
    assert [e["type"] for e in events] == ["FactionRegistered"]
    assert events[0]["seq"] == before[0] + 1
    assert api.head() == (events[0]["seq"], events[0]["hash"])
    log = api.client.get(f"/api/log?after={before[0]}").json()["events"]
    assert log[0]["hash"] == events[0]["hash"]
    assert "Anarchists" in log[0]["summary"]


@pytest.mark.parametrize(
    ("path", "body", "status", "rule"),
    [
        # SR-18: the faction exists already (demo: the Bolsheviks)
        (
            "/api/bodies/commands/register_faction",
            {"at": "1918-02-01", "faction": "bolsheviks", "name": "B"},
            409,
            "SR-18",
        ),
        # SR-28: acts in time order (the demo's last act is in 1918)
        (
            "/api/bodies/commands/register_faction",
            {**FACTION, "at": "1916-01-01"},
            409,
            "SR-28",
        ),
        # an unknown congress: 404
        (
            "/api/congress/commands/close_congress",
            {"at": "1918-02-01", "congress": "congress-99"},
            404,
            None,
        ),
    ],
)
def test_refused_commands_answer_the_error_contract_and_write_nothing(
    api: Api, path: str, body: dict[str, Any], status: int, rule: str | None
) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    answer = api.client.post(path, json=body, headers=admin)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert set(error) == {"rule", "field", "message"}
    assert error["message"]
    if rule is not None:
        assert error["rule"] == rule
    assert api.head() == before


def test_the_legitimacy_answer_has_the_design_keys(api: Api) -> None:
    answer = api.client.get("/api/legitimacy?at=1917-11-18")
    assert answer.status_code == 200
    body = answer.json()
    assert {"at", "government", "bloc", "approved_by", "ends_when", "proof"} <= set(
        body
    )
    assert body["government"] is not None
    assert all({"seq", "hash", "type", "summary"} <= set(p) for p in body["proof"])
    bad = api.client.get("/api/legitimacy?at=not-a-date")
    assert bad.status_code == 422
    assert "ISO 8601" in bad.json()["error"]["message"]


def test_the_log_pages_cover_the_log_once(api: Api) -> None:
    seqs: list[int] = []
    after: int | None = 0
    while after is not None:
        page = api.client.get(f"/api/log?after={after}&limit=25").json()
        seqs += [e["seq"] for e in page["events"]]
        after = page["next_after"]
    assert seqs == list(range(1, api.head()[0] + 1))
    assert api.client.get("/api/log?limit=100000").status_code == 422


def test_verify_checkpoints_and_bodies(api: Api) -> None:
    verify = api.client.get("/api/verify").json()
    assert verify["ok"] is True
    assert verify["events"] == api.head()[0]
    assert verify["head_hash"] == api.head()[1]
    assert isinstance(api.client.get("/api/checkpoints").json()["checkpoints"], list)
    bodies = api.client.get("/api/bodies").json()["bodies"]
    assert "petrograd-soviet" in {b["id"] for b in bodies}
    one = api.client.get("/api/bodies/national-congress")
    assert one.status_code == 200
    assert api.client.get("/api/bodies/atlantis").status_code == 404


def test_every_command_has_a_documented_route() -> None:
    service_only = {
        name for name, cls in COMMANDS.items() if cls.declaration.issuers.service_only
    }
    assert service_only == {"record_vote_cast", "close_poll"}
    paths = {
        f"/api/{resource_of(name)}/commands/{name}"
        for name in COMMANDS
        if name not in service_only
    }
    assert paths <= set(route_paths())
    assert not any(name in path for path in route_paths() for name in service_only)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_sovet_serve_answers_over_http(demo_template: Path, tmp_path: Path) -> None:
    db = copy_demo(demo_template, tmp_path / "demo.db")
    port = _free_port()
    sovet = Path(sys.executable).with_name("sovet")
    server = subprocess.Popen(
        [str(sovet), "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/verify"
        answer = None
        for _ in range(120):  # wait for start-up, at most about a minute
            try:
                answer = httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert answer is not None, "sovet serve did not answer"
        assert answer.json()["ok"] is True
        docs = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5)
        assert "/api/legitimacy" in docs.json()["paths"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "sovet admin create-user" in output  # no administrator yet
