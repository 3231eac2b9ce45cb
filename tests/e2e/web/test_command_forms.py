"""Every command on the web (issue 11): forms generated from the declarations.

A form encodes a command exactly: each step of the union's ``scenario_recall``
typed into its generated form (its selects and checkboxes offering what the
step names) reads back, through the API's request model, as the very command.
Through the real app: a form is shown only to accounts that may issue it, the
web's post runs the API's ``run_command``, a refusal shows the form again with
what was typed and the rule linked to ``/rules#sr-n``, a success lists the
events appended; the members upload takes ``sovet members import``'s CSV.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sovet.api.routes import commands as api_commands
from sovet.api.routes.commands import validated
from sovet.domain import COMMANDS, command_from_mapping
from sovet.domain.kernel.registry import command_to_mapping
from sovet.presets.loader import load_preset
from sovet.server import create_app
from sovet.services.bootstrap import Services, bootstrap, in_memory
from sovet.services.handlers import execute
from sovet.services.scenario import read_scenario
from sovet.services.setup import adopt_constitution
from sovet.web import acting
from sovet.web.forms import Field, fields_of, form_for, web_commands
from tests.conftest import REPO
from tests.e2e.web.union_world import MEMBERS_CSV, PASSWORD, build_union

RECALL = REPO / "src" / "sovet" / "presets" / "union" / "scenario_recall.toml"
SITE = "http://testserver"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _encode(item: Field, value: Any, post: dict[str, list[str]]) -> list[str]:
    """Type ``value`` into ``item`` as a person would; what the page could not
    offer (a value missing from a select's options) is returned."""
    offered = {key for key, _shown in item.options}
    if not item.required:
        offered.add("")  # a select's "— none —"
    missing: list[str] = []
    if item.widget == "group":
        for sub in item.subfields:
            key = sub.name.rsplit(".", 1)[-1]
            if key in value and value[key] is not None:
                missing += _encode(sub, value[key], post)
    elif item.widget == "checkbox":
        if value:
            post[item.name] = ["true"]
    elif item.widget == "checks":
        missing += [v for v in value if v not in offered]
        post[item.name] = list(value)
    elif item.widget == "lines":
        post[item.name] = ["\n".join(value)]
    elif item.widget == "rows":
        lines = [
            "; ".join(_cell(row.get(c, "")) for c in item.columns) for row in value
        ]
        post[item.name] = ["\n".join(lines)]
    elif item.widget == "per_key":
        keys = {key for key, _shown in item.keys}
        missing += [k for k in value if k not in keys]
        for key, entry in value.items():
            text = str(entry).lower() if isinstance(entry, bool) else str(entry)
            missing += [text] if offered and text not in offered else []
            post[f"{item.name}.{key}"] = [text]
    elif item.widget == "json":
        post[item.name] = [json.dumps(value)]
    else:
        if item.widget == "select" and str(value) not in offered:
            missing.append(str(value))
        post[item.name] = [str(value)]
    return missing


def test_every_scenario_step_typed_into_its_form_is_the_same_command() -> None:
    services = in_memory()
    adopt_constitution(
        services.uow(), load_preset("union"), source="union", at="2025-01-01"
    )
    scenario = read_scenario(RECALL)
    seen = set()
    for step in scenario.steps:
        with services.uow() as uow:
            state = services.cache.current(uow.events)
        form = form_for(state, step.name, None)
        plain = command_to_mapping(step.command)
        plain.pop("command")
        post: dict[str, list[str]] = {}
        missing: list[str] = []
        for item in form.fields:
            if item.name in plain:
                missing += _encode(item, plain[item.name], post)
        assert missing == [], (step.number, step.name, missing)
        body = validated(step.name, fields_of(step.name, post, form))
        rebuilt = command_from_mapping({"command": step.name, **body}, source="web")
        assert rebuilt == step.command, step.number
        execute(services.uow(), step.command, cache=services.cache)
        seen.add(step.name)
    assert len(seen) >= 15  # the scenario uses most of the union's commands


def test_every_web_command_has_a_field_for_each_of_its_fields() -> None:
    services = in_memory()
    with services.uow() as uow:
        state = services.cache.current(uow.events)
    for name in web_commands():
        cls = COMMANDS[name]
        form = form_for(state, name, None)
        assert [f.name for f in form.fields] == [
            f.name for f in dataclasses.fields(cls) if f.name != "at"
        ] + ["at"], name
        assert form.help == cls.declaration.summary
        described = cls.declaration.fields
        for item in form.fields:
            assert described.get(item.name, "") in item.help, (name, item.name)


@pytest.fixture(scope="module")
def union_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("union") / "union.db"
    build_union(str(db))
    return db


@pytest.fixture
def services(union_db: Path, tmp_path: Path) -> Iterator[Services]:
    db = tmp_path / "union.db"
    for suffix in ("", ".key", ".secret", "-wal", "-shm"):
        if Path(f"{union_db}{suffix}").exists():
            shutil.copyfile(f"{union_db}{suffix}", f"{db}{suffix}")
    with bootstrap(str(db)) as found:
        yield found


class Web:
    """A browser without JavaScript: log in, read forms, post them."""

    def __init__(self, services: Services) -> None:
        self.client = TestClient(create_app(services), headers={"Origin": SITE})

    def login(self, name: str) -> None:
        self.client.cookies.clear()
        answer = self.client.post(
            "/login", data={"name": name, "password": PASSWORD}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text

    def csrf(self, path: str) -> str:
        found = re.search(
            r'name="csrf_token" value="([^"]+)"', self.client.get(path).text
        )
        assert found
        return found.group(1)

    def post(self, path: str, command: str, **data: Any) -> Any:
        fields = {k.replace("__", "."): v for k, v in data.items()}
        return self.client.post(
            f"{path}/commands/{command}",
            data={"csrf_token": self.csrf(path), **fields},
            follow_redirects=False,
        )

    def act(self, path: str, command: str, **data: Any) -> str:
        answer = self.post(path, command, **data)
        assert answer.status_code == 303, _refusal(answer.text) or answer.text
        return str(self.client.get(answer.headers["location"]).text)


def _refusal(html: str) -> str:
    found = re.search(r'id="refusal">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def _forms(html: str) -> set[str]:
    return set(re.findall(r'action="/[^"]*/commands/(\w+)"', html))


def _founded(web: Web) -> None:
    web.login("admin")
    for body, kind, level, parent in (
        ("conference", "congress", "convention", ""),
        ("north", "council", "local", "conference"),
    ):
        web.act(
            "/federation",
            "register_body",
            body=body,
            name=body.title(),
            kind=kind,
            level=level,
            parent=parent,
        )
    web.act("/federation", "register_faction", faction="reform", name="Reform")
    web.act("/bodies/north", "register_constituency", constituency="nm", seats="3")


def test_forms_are_shown_only_to_whom_may_issue_them(services: Services) -> None:
    web = Web(services)
    _founded(web)
    assert {"register_body", "register_faction", "register_person"} <= _forms(
        web.client.get("/federation").text
    )
    web.login("sec")
    north = _forms(web.client.get("/bodies/north").text)
    assert {"register_constituency", "call_election", "convene_sitting"} <= north
    assert not {"register_faction", "register_person"} & _forms(
        web.client.get("/federation").text
    )
    web.login("okafor")  # a member of North, not yet a registered person
    member = _forms(web.client.get("/bodies/north").text)
    assert "call_election" not in member
    assert member <= {"resign", "open_recall_petition", "declare_dissent"}
    web.client.cookies.clear()
    assert _forms(web.client.get("/bodies/north").text) == set()
    assert "What you may do here" not in web.client.get("/federation").text


def test_the_web_issues_commands_through_the_apis_command_path(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert vars(acting)["run_command"] is api_commands.run_command
    calls: list[str] = []
    real = api_commands.run_command

    def spy(ctx: Any, principal: Any, name: str, fields: dict[str, Any]) -> Any:
        calls.append(name)
        return real(ctx, principal, name, fields)

    monkeypatch.setattr(acting, "run_command", spy)
    web = Web(services)
    _founded(web)
    assert calls == [
        "register_body",
        "register_body",
        "register_faction",
        "register_constituency",
    ]
    # The API's authorisation: a member posting a secretary's form is refused
    # by run_command (403), exactly as the API refuses it.
    web.login("okafor")
    answer = web.post(
        "/bodies/north", "register_constituency", constituency="x", seats="1"
    )
    assert answer.status_code == 403
    assert "not secretary" in answer.text
    assert calls[-1] == "register_constituency"


def test_a_refusal_shows_the_form_again_with_what_was_typed(services: Services) -> None:
    web = Web(services)
    _founded(web)
    web.login("sec")
    answer = web.post(
        "/bodies/north",
        "call_election",
        election="e-typed",
        constituency="nm",
        seats="5",
        polling_day="2026-01-01",
        candidates=["nobody"],
        conduct__day_set_by="north",
        conduct__commission="someone",
        method="plurality",
    )
    assert answer.status_code == 409
    html = answer.text
    assert 'id="do-call_election" open' in html
    assert 'value="e-typed"' in html
    assert 'value="5"' in html
    assert '<a class="rule" href="/rules#sr-' in _refusal(html)
    assert "DESIGN" not in html
    bad = web.post(
        "/bodies/north", "register_constituency", constituency="y", seats="many"
    )
    assert bad.status_code == 422
    assert _refusal(bad.text) == "Seats must be a whole number, not &#39;many&#39;."
    assert 'value="many"' in bad.text


def test_an_act_is_confirmed_with_the_events_it_appended(services: Services) -> None:
    web = Web(services)
    _founded(web)
    page = web.act(
        "/federation", "register_faction", faction="unity", name="Unity Slate"
    )
    assert "Done: the act is recorded in the log." in page
    # the log's own summary, marked as English on every page
    summary = r'<span class="summary" lang="en">[^<]*faction Unity Slate registered'
    assert re.search(r"#\d+</a> " + summary, page)


def test_members_upload_registers_the_file_all_or_nothing(services: Services) -> None:
    web = Web(services)
    _founded(web)
    web.act(
        "/bodies/north",
        "register_constituency",
        constituency="north-members",
        seats="3",
    )
    web.act("/federation", "register_faction", faction="unity", name="Unity")

    def upload(text: str) -> Any:
        return web.client.post(
            "/federation/members",
            data={"csrf_token": web.csrf("/federation")},
            files={"file": ("members.csv", text, "text/csv")},
            follow_redirects=False,
        )

    web.login("sec")  # secretary of North, not of south-members' council
    refused = upload(MEMBERS_CSV)
    assert refused.status_code == 404  # south-members is not registered yet
    assert "south-members" in _refusal(refused.text)
    north_only = "\n".join(
        line for line in MEMBERS_CSV.splitlines() if "south" not in line
    )
    broken = north_only.replace("1985-01-01", "not a date", 1)
    answer = upload(broken)
    assert answer.status_code == 422
    assert "In members.csv, line 2, column birth_date" in _refusal(answer.text)
    assert "okafor" not in web.client.get("/api/members").text
    done = upload(north_only)
    assert done.status_code == 303
    page = web.client.get(done.headers["location"]).text
    assert "Done: the members are registered." in page
    assert "okafor (Reform) registered" in page  # the name stays off the log
    assert "A. Okafor" not in page
    web.login("okafor")
    assert upload(north_only).status_code == 403


def test_only_whom_may_cast_it_is_shown_a_ballot(services: Services) -> None:
    web = Web(services)
    _founded(web)
    web.act(
        "/bodies/north", "register_constituency", constituency="north-members", seats=3
    )
    web.act("/federation", "register_faction", faction="unity", name="Unity")
    north = "\n".join(line for line in MEMBERS_CSV.splitlines() if "south" not in line)
    done = web.client.post(
        "/federation/members",
        data={"csrf_token": web.csrf("/federation")},
        files={"file": ("members.csv", north, "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    web.act(
        "/bodies/north",
        "call_election",
        election="e-ballot",
        constituency="north-members",
        seats="1",
        polling_day=datetime.now(UTC).date().isoformat(),
        candidates=["okafor", "patel"],
        conduct__day_set_by="north",
        conduct__commission=["doyle"],
        conduct__council_representative="kowalski",
    )
    web.act("/bodies/north", "open_poll", election="e-ballot")
    ballot = 'action="/elections/e-ballot/ballot"'
    page = web.client.get("/elections/e-ballot").text  # the administrator
    assert ballot not in page
    assert "Only members of North vote here." in page
    web.login("okafor")
    assert ballot in web.client.get("/elections/e-ballot").text


def test_a_form_address_reloaded_leads_back_to_the_form(services: Services) -> None:
    client = Web(services).client
    for path, place in (
        ("/bodies/north/commands/call_election", "/bodies/north#do-call_election"),
        ("/bodies/north/commands/nonsense", "/bodies/north"),
        ("/federation/commands/register_body", "/federation#do-register_body"),
        ("/federation/members", "/federation#do-members"),
    ):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == place


def test_a_body_page_offers_only_what_belongs_to_that_body(services: Services) -> None:
    web = Web(services)
    _founded(web)
    web.act(
        "/federation",
        "register_body",
        body="south",
        name="South",
        kind="council",
        level="local",
        parent="conference",
    )
    web.act("/bodies/south", "register_constituency", constituency="sm", seats="2")
    for body, own, other in (("north", "nm", "sm"), ("south", "sm", "nm")):
        page = web.client.get(f"/bodies/{body}").text
        call = _form_html(page, "call_election")
        assert f'<option value="{own}"' in call
        assert f'<option value="{other}"' not in call
        convene = _form_html(page, "convene_congress")  # its body: the page's
        assert 'name="body"' not in convene
        assert "Body:</span>" in convene


def _form_html(page: str, command: str) -> str:
    found = re.search(
        rf'<details class="command" id="do-{command}".*?</details>', page, re.S
    )
    assert found, command
    return found.group(0)
