"""The web's forms through the real app (``create_app``), without JavaScript.

Log in, cast a ranked ballot, get the receipt; the secretary opens and closes
the poll; the count sheet is published; the receipt checks. A recall petition
signed to the threshold vacates the seat and schedules the by-election; the
council's hemicycle shows the vacancy. CSRF and roles are enforced.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sovet.domain import FederationState
from sovet.domain.kernel.replay import LogSource, Selection, fold_source
from sovet.ledger.envelope import StoredEvent
from sovet.server import create_app
from sovet.services import ballots, handlers, petitions
from sovet.services.bootstrap import Services, bootstrap
from tests.e2e.web.world import PASSWORD, build_world, copy_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world, built once (argon2 hashing is slow on purpose)."""
    db = tmp_path_factory.mktemp("world") / "world.db"
    build_world(str(db))
    return db


@pytest.fixture
def services(world: Path, tmp_path: Path) -> Iterator[Services]:
    """A private copy of the world for one test."""
    with bootstrap(copy_world(world, tmp_path)) as found:
        yield found


SITE = "http://testserver"
"""The test client's own origin: its posts say so, as a browser's do (issue 10)."""


@pytest.fixture
def client(services: Services) -> TestClient:
    return TestClient(create_app(services), headers={"Origin": SITE})


def login(client: TestClient, name: str) -> str:
    """Log ``name`` in through the form; the CSRF token the pages now carry."""
    answer = client.post(
        "/login", data={"name": name, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/me?done=signed-in"
    page = client.get("/me").text
    found = re.search(r'name="csrf_token" value="([A-Za-z0-9_-]+)"', page)
    assert found, page
    return found.group(1)


def logout(client: TestClient, csrf: str) -> None:
    answer = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303


def test_login_form_refuses_a_wrong_password_and_shows_the_page(
    client: TestClient,
) -> None:
    wrong = client.post("/login", data={"name": "v0", "password": "nope nope"})
    assert wrong.status_code == 401
    assert "Wrong account name or password." in wrong.text
    assert 'value="v0"' in wrong.text  # the name stays, the password does not
    csrf = login(client, "v0")
    me = client.get("/me").text
    assert "Signed in as <strong>v0</strong>" in me
    assert "putilov" in me
    logout(client, csrf)
    assert client.get("/me").status_code == 401


def test_ballot_receipt_close_count_sheet_and_receipt_check(
    client: TestClient, services: Services
) -> None:
    csrf = login(client, "sec")
    opened = client.post(
        "/elections/e1/open", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert opened.status_code == 303, opened.text
    logout(client, csrf)
    others = [("v1", ["b", "c"]), ("v2", ["c", "b"]), ("v3", ["a"]), ("v4", ["b"])]
    for member, ranking in others:
        ballots.cast_ballot(services, "e1", member, ranking)
    csrf = login(client, "v0")
    form = client.get("/elections/e1").text
    assert 'name="rank-a"' in form
    assert "Result" not in form  # no partial result while the poll is open
    cast = client.post(
        "/elections/e1/ballot",
        data={"csrf_token": csrf, "rank-a": "1", "rank-b": "2", "rank-c": ""},
    )
    assert cast.status_code == 200, cast.text
    receipt = re.search(r'id="receipt-code">([0-9a-f]{64})<', cast.text)
    assert receipt
    again = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-b": "1"}
    )
    assert again.status_code == 409  # one ballot per member
    refused = client.post(
        "/elections/e1/close", data={"csrf_token": csrf, "signed": ["k1", "rep"]}
    )
    assert refused.status_code == 403  # a member is not the secretary
    logout(client, csrf)
    csrf = login(client, "sec")
    closed = client.post(
        "/elections/e1/close",
        data={"csrf_token": csrf, "signed": ["k1", "rep"]},
        follow_redirects=False,
    )
    assert closed.status_code == 303, closed.text
    sheet = client.get("/elections/e1").text
    assert "Count sheet" in sheet
    # stage 1: a 2, b 2, c 1 → c is excluded and their vote moves to b (3 of 5)
    row_b = sheet[sheet.index("</svg>b</th>") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', row_b) == ["2", "3"]
    assert "elected at stage 2" in row_b
    assert "5 of 5 registered electors voted" in sheet
    assert 'class="stage-chart"' in sheet
    check = client.post("/receipts", data={"receipt": receipt.group(1)})
    assert check.status_code == 200, check.text
    assert "Counted as cast" in check.text
    assert "a › b" in check.text
    unknown = client.post("/receipts", data={"receipt": "0" * 64})
    assert unknown.status_code == 404
    elsewhere = client.post(
        "/receipts", data={"receipt": receipt.group(1), "election": "e2"}
    )
    assert elsewhere.status_code == 404
    malformed = client.post("/receipts", data={"receipt": "xyz"})
    assert malformed.status_code == 422


def test_petition_to_threshold_vacates_the_seat_and_schedules_a_by_election(
    client: TestClient,
) -> None:
    deputy = TestClient(client.app, headers={"Origin": SITE})
    login(deputy, "a")
    before = client.get("/bodies/petrograd").text
    # putilov: 3 seats, deputy a in one; narva: 1 seat, vacant
    assert 'data-faction="bolsheviks" data-seats="1"' in before
    assert 'data-faction="vacant" data-seats="3"' in before
    page = client.get("/petitions/p1").text
    assert 'max="3" value="0"' in page
    for member in ("v0", "v1", "v2"):
        csrf = login(client, member)
        signed = client.post(
            "/petitions/p1/sign", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert signed.status_code == 303, signed.text
        logout(client, csrf)
    page = client.get("/petitions/p1").text
    assert 'max="3" value="3"' in page
    assert "The threshold was reached" in page
    assert "(3 vacant)" in page
    after = client.get("/bodies/petrograd").text
    assert 'data-faction="vacant" data-seats="4"' in after
    assert 'data-faction="bolsheviks"' not in after
    assert "DeputyRecalled" in page
    assert "ByElectionScheduled" in page
    assert "By-elections due in putilov: <strong>1</strong>" in page
    assert deputy.get("/me").status_code == 401  # the recalled deputy's session ended


def test_forms_need_the_csrf_token_and_a_session(client: TestClient) -> None:
    anonymous = client.post("/petitions/p1/sign", data={})
    assert anonymous.status_code == 401
    login(client, "v0")
    forged = client.post("/petitions/p1/sign", data={"csrf_token": "f" * 64})
    assert forged.status_code == 403
    assert "CSRF" in forged.text
    missing = client.post("/petitions/p1/sign", data={})
    assert missing.status_code == 403


def _post_forms(html: str) -> list[str]:
    """The forms that act (the receipt check only reads: it carries no token)."""
    found = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    return [form for form in found if 'action="/receipts"' not in form]


def test_every_form_posts_without_javascript_and_carries_the_csrf_field(
    client: TestClient,
) -> None:
    csrf = login(client, "sec")
    client.post("/elections/e1/open", data={"csrf_token": csrf})
    secretary = _post_forms(client.get("/elections/e1").text)
    assert len(secretary) == 2  # close the poll, log out
    assert all(f'name="csrf_token" value="{csrf}"' in form for form in secretary)
    logout(client, csrf)
    csrf = login(client, "v0")
    pages = [client.get(p).text for p in ("/elections/e1", "/petitions/p1", "/me")]
    forms = [form for html in pages for form in _post_forms(html)]
    assert len(forms) == 5  # ballot + logout, sign + logout, logout
    assert all(f'name="csrf_token" value="{csrf}"' in form for form in forms)
    for form in [*secretary, *forms]:
        assert re.search(r'name="csrf_token" value="[A-Za-z0-9_-]{43}"', form)
        assert re.search(r'<button type="submit"', form)
        assert "onclick" not in form


def test_a_bad_ballot_is_refused_with_the_field_named(client: TestClient) -> None:
    csrf = login(client, "sec")
    client.post("/elections/e1/open", data={"csrf_token": csrf})
    logout(client, csrf)
    csrf = login(client, "v0")
    gap = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-a": "1", "rank-b": "3"}
    )
    assert gap.status_code == 422
    assert "without gaps" in gap.text
    twice = client.post(
        "/elections/e1/ballot", data={"csrf_token": csrf, "rank-a": "1", "rank-b": "1"}
    )
    assert twice.status_code == 422
    assert "given twice" in twice.text
    assert "0 electors have voted" in client.get("/elections/e1").text


def test_pages_stay_whole_while_the_log_grows(
    client: TestClient, services: Services
) -> None:
    """Readers in several threads while ballots and signatures are written."""
    csrf = login(client, "sec")
    client.post("/elections/e1/open", data={"csrf_token": csrf})
    logout(client, csrf)
    statuses: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        own = TestClient(client.app)
        while not stop.is_set():
            for path in ("/elections/e1", "/bodies/petrograd", "/federation", "/"):
                statuses.append(own.get(path).status_code)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for i in range(5):
            ballots.cast_ballot(services, "e1", f"v{i}", ["b", "a"])
        for i in range(3):
            petitions.sign_petition(services, "p1", f"v{i}")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert statuses
    assert set(statuses) == {200}
    final = client.get("/bodies/petrograd").text
    assert 'data-faction="vacant" data-seats="4"' in final
    assert "5 electors have voted" in client.get("/elections/e1").text


def test_approval_ballot_by_checkboxes(client: TestClient) -> None:
    csrf = login(client, "sec")
    client.post("/elections/e2/open", data={"csrf_token": csrf})
    logout(client, csrf)
    csrf = login(client, "v0")
    form = client.get("/elections/e2").text
    assert 'type="checkbox" id="mark-b" name="marks" value="b"' in form
    assert "Mark every candidate you approve of." in form
    assert 'name="rank-b"' not in form
    none = client.post("/elections/e2/ballot", data={"csrf_token": csrf})
    assert none.status_code == 422
    cast = client.post(
        "/elections/e2/ballot", data={"csrf_token": csrf, "marks": ["c", "b"]}
    )
    assert cast.status_code == 200, cast.text
    # marks have no order: the receipt shows none (not the order of the form)
    assert "You marked 2 candidates (in no order)" in cast.text
    assert "<li>b</li><li>c</li>" in cast.text
    logout(client, csrf)
    csrf = login(client, "sec")
    client.post(
        "/elections/e2/close", data={"csrf_token": csrf, "signed": ["k1", "rep"]}
    )
    sheet = client.get("/elections/e2").text
    assert "1 of 5 registered electors voted" in sheet
    assert "Count sheet" in sheet


def _no_list_fold(_events: Iterable[StoredEvent]) -> FederationState:
    raise AssertionError("the services' cache folded a list of stored events")


def test_the_web_and_the_api_read_one_fold_per_process(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 (finding 3): no second fold of the log for the web or ballots
    (the services fold the store's rows: ``fold_source``, issue 13)."""
    folds: list[int] = []
    real = fold_source

    def counted(source: LogSource, selection: Selection, **kw: Any) -> FederationState:
        folds.append(1)
        return real(source, selection, **kw)

    monkeypatch.setattr(handlers, "fold", _no_list_fold)
    monkeypatch.setattr(handlers, "fold_source", counted)
    services.cache.invalidate()
    for path in ("/api/bodies", "/", "/elections/e1", "/federation", "/api/members"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/elections/e1").status_code == 200
    assert folds == [1]
