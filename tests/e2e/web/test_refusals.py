"""Issue 11, errors for people — through the real app, without JavaScript.

A refusal re-shows the form with what the user entered and says why in a plain
sentence; an SR rule id is a link to its section of the rules page
(``/rules#sr-n``, served from ``docs/rules.md``); no message on the web names
an internal document ("DESIGN §6"); every action is confirmed on the page it
leads to (signed in and out, poll opened and closed, petition signed — and the
sign button goes once signed).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovet.server import create_app
from sovet.services import ballots
from sovet.services.bootstrap import Services, bootstrap
from tests.e2e.web.test_flows import SITE, login
from tests.e2e.web.world import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("refusals") / "world.db"
    build_world(str(db))
    return db


@pytest.fixture
def services(world: Path, tmp_path: Path) -> Iterator[Services]:
    db = tmp_path / "world.db"
    for suffix in ("", ".key", ".secret", "-wal", "-shm"):
        if Path(f"{world}{suffix}").exists():
            shutil.copyfile(f"{world}{suffix}", f"{db}{suffix}")
    with bootstrap(str(db)) as found:
        yield found


@pytest.fixture
def client(services: Services) -> TestClient:
    return TestClient(create_app(services), headers={"Origin": SITE})


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags, entities read."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


def no_internal_names(html: str) -> None:
    seen = text_of(html)
    assert "DESIGN" not in seen
    assert "§" not in seen


def test_refusal_pages_speak_plainly_without_internal_document_names(
    client: TestClient,
) -> None:
    me = client.get("/me")
    assert me.status_code == 401
    assert "<h1>Please log in</h1>" in me.text
    assert "Log in to see your page." in me.text
    no_internal_names(me.text)
    anonymous = client.post("/petitions/p1/sign", data={})
    assert anonymous.status_code == 401
    no_internal_names(anonymous.text)
    csrf = login(client, "v0")
    not_secretary = client.post("/elections/e1/open", data={"csrf_token": csrf})
    assert not_secretary.status_code == 403
    assert "<h1>Not allowed</h1>" in not_secretary.text
    assert "'v0' is not secretary in 'petrograd'" in text_of(not_secretary.text)
    no_internal_names(not_secretary.text)
    forged = client.post("/petitions/p1/sign", data={"csrf_token": "f" * 64})
    assert forged.status_code == 403
    no_internal_names(forged.text)
    missing = client.get("/elections/nowhere")
    assert missing.status_code == 404
    assert "<h1>Not found</h1>" in missing.text
    assert 'href="/rules#sr-7">rule SR-7</a>' in missing.text
    no_internal_names(missing.text)


def test_a_rule_id_links_to_its_section_of_the_rules_page(client: TestClient) -> None:
    rules = client.get("/rules")
    assert rules.status_code == 200
    assert '<a id="sr-7"></a>' in rules.text
    assert "SR-7 Conduct of elections" in rules.text
    assert "<table>" in rules.text
    assert '<a href="/rules">SR-1 … SR-32</a>' in client.get("/").text


def test_a_refused_close_shows_the_form_again_as_ticked(
    client: TestClient, services: Services
) -> None:
    csrf = login(client, "sec")
    opened = client.post(
        "/elections/e1/open", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == "/elections/e1?done=opened"
    page = client.get(opened.headers["location"]).text
    assert "The poll is open: the council's members may vote now." in text_of(page)
    again = client.post("/elections/e1/open", data={"csrf_token": csrf})
    assert again.status_code == 409  # the poll opens once
    assert "only a called election opens its poll, once." in text_of(again.text)
    assert 'href="/rules#sr-7">rule SR-7</a>' in again.text
    ballots.cast_ballot(services, "e1", "v1", ["a"])
    none = client.post("/elections/e1/close", data={"csrf_token": csrf})
    assert none.status_code == 422
    assert "Tick who signed the minutes" in none.text
    assert not re.search(r'name="signed" value="\w+" checked', none.text)
    half = client.post("/elections/e1/close", data={"csrf_token": csrf, "signed": "k1"})
    assert half.status_code == 409
    assert "The minutes must be signed by the commission and the council" in text_of(
        half.text
    )
    assert 'id="signed-k1" name="signed" value="k1" checked' in half.text
    assert 'id="signed-k2" name="signed" value="k2">' in half.text
    assert 'id="signed-rep" name="signed" value="rep">' in half.text
    no_internal_names(half.text)
    closed = client.post(
        "/elections/e1/close",
        data={"csrf_token": csrf, "signed": ["k1", "rep"]},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert "The poll is closed" in client.get(closed.headers["location"]).text


def test_a_second_ballot_is_refused_on_the_election_page(
    client: TestClient, services: Services
) -> None:
    ballots.open_poll(services, "e1")
    csrf = login(client, "v2")
    first = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-b": "1"}
    )
    assert first.status_code == 200
    second = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-c": "1", "rank-a": "2"}
    )
    assert second.status_code == 409
    assert "Election e1" in second.text  # the election page, not a bare error
    assert "has already voted" in text_of(second.text)
    assert 'id="rank-c" name="rank-c" value="1"' in second.text
    assert 'id="rank-a" name="rank-a" value="2"' in second.text
    gaps = client.post("/elections/e1/ballot", data={"csrf_token": csrf, "rank-c": "2"})
    assert gaps.status_code == 422
    assert "Ranks must run 1, 2, 3 … without gaps" in gaps.text
    assert 'id="rank-c" name="rank-c" value="2"' in gaps.text


def test_signing_is_confirmed_and_the_button_goes(client: TestClient) -> None:
    csrf = login(client, "v0")
    assert "Sign this petition" in client.get("/petitions/p1").text
    signed = client.post(
        "/petitions/p1/sign", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/petitions/p1?done=signed"
    page = client.get(signed.headers["location"]).text
    assert "Your signature is recorded." in page
    assert "You signed this petition." in page
    assert "Sign this petition" not in page
    twice = client.post("/petitions/p1/sign", data={"csrf_token": csrf})
    assert twice.status_code == 409
    assert "Recall petition p1" in twice.text
    no_internal_names(twice.text)


def test_signing_in_and_out_is_confirmed(client: TestClient) -> None:
    csrf = login(client, "v0")
    assert "You are signed in." in client.get("/me?done=signed-in").text
    assert "You are signed in." not in client.get("/me").text
    assert "You are signed in." not in client.get("/me?done=<b>hi</b>").text
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.headers["location"] == "/?done=signed-out"
    assert "You are signed out." in client.get(out.headers["location"]).text


def test_a_refused_receipt_check_keeps_what_was_typed(client: TestClient) -> None:
    typed = "abc123"
    answer = client.post("/receipts", data={"receipt": typed})
    assert answer.status_code == 422
    assert "A receipt is 64 hexadecimal characters" in answer.text
    assert f'value="{typed}"' in answer.text
    unknown = client.post("/receipts", data={"receipt": "0" * 64})
    assert unknown.status_code == 404
    assert f'value="{"0" * 64}"' in unknown.text
    no_internal_names(unknown.text)
