"""Issue 10, finding 7 in the web: same-origin posts, receipts never in a URL.

``/login`` accepted a cross-site POST and set cookies; it now needs ``Origin``
(or ``Referer``) naming this site. Every other form is refused from another
site too; one that names no origin at all still needs the session's CSRF token
(the choice is in docs/DECISIONS.md). ``POST /api/auth/login`` refuses a
browser's cross-site login and lets programs (no ``Origin``) in. A receipt is
checked by posting the form; ``/receipts?receipt=…`` (an address that access
logs keep beside the visitor's) answers 410 and looks nothing up.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from sovet.api.origin import same_origin
from sovet.errors import NotAuthorized
from sovet.services import ballots
from sovet.services.bootstrap import Services
from tests.e2e.web.test_flows import SITE, client, login, services, world
from tests.e2e.web.world import PASSWORD

_FIXTURES = (client, services, world)  # imported for pytest, used by name

EVIL = "https://evil.example"
CREDENTIALS = {"name": "v0", "password": PASSWORD}


def sessions(services: Services) -> int:
    assert services.engine is not None
    with services.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM web_sessions").scalar()
    return int(found or 0)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "http://testserver:8080"},
        {"Referer": EVIL + "/phish"},
        {"Sec-Fetch-Site": "cross-site"},
        {},
    ],
)
def test_the_login_form_refuses_a_post_from_elsewhere(
    services: Services, client: TestClient, headers: dict[str, str]
) -> None:
    bare = TestClient(client.app)  # no Origin of its own
    before = sessions(services)
    answer = bare.post(
        "/login", data=CREDENTIALS, headers=headers, follow_redirects=False
    )
    assert answer.status_code == 403, answer.text
    assert "sovet_session" not in answer.headers.get("set-cookie", "")
    assert sessions(services) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": SITE},
        {"Origin": "http://TESTSERVER:80"},
        {"Referer": SITE + "/login"},
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_the_login_form_accepts_a_post_from_this_site(
    client: TestClient, headers: dict[str, str]
) -> None:
    bare = TestClient(client.app)
    answer = bare.post(
        "/login", data=CREDENTIALS, headers=headers, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    assert "sovet_session" in answer.headers["set-cookie"]


def test_a_form_from_elsewhere_is_refused_even_with_the_csrf_token(
    client: TestClient,
) -> None:
    csrf = login(client, "v0")
    forged = client.post("/logout", data={"csrf_token": csrf}, headers={"Origin": EVIL})
    assert forged.status_code == 403
    assert "cross-site" in forged.text.lower()  # a sentence: capitalised
    assert client.get("/me").status_code == 200  # still signed in


def test_a_form_naming_no_origin_passes_on_its_csrf_token(client: TestClient) -> None:
    csrf = login(client, "v0")
    bare = TestClient(client.app, cookies=dict(client.cookies))
    assert bare.post("/logout", data={}).status_code == 403  # no token: refused
    done = bare.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303


def test_the_api_login_refuses_a_browser_from_elsewhere(client: TestClient) -> None:
    bare = TestClient(client.app)
    refused = bare.post("/api/auth/login", json=CREDENTIALS, headers={"Origin": EVIL})
    assert refused.status_code == 403
    assert "set-cookie" not in refused.headers
    assert "cross-site" in refused.json()["error"]["message"]
    assert bare.post("/api/auth/login", json=CREDENTIALS).status_code == 200
    same = bare.post("/api/auth/login", json=CREDENTIALS, headers={"Origin": SITE})
    assert same.status_code == 200


def _request(host: str, **headers: str) -> Request:
    raw = [(b"host", host.encode())]
    raw += [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw})


@pytest.mark.parametrize(
    ("host", "origin", "ok"),
    [
        ("example.org", "https://example.org", True),
        ("example.org:443", "https://example.org", True),
        ("example.org", "https://example.org:443", True),
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True),
        ("[::1]:8000", "http://[::1]:8000", True),
        ("example.org", "https://example.org.evil", False),
        ("example.org", "https://sub.example.org", False),
        ("example.org:8000", "http://example.org", False),
        ("example.org", "ftp://example.org", False),
        ("example.org", "not a url", False),
    ],
)
def test_origins_are_compared_by_host_and_port(
    host: str, origin: str, ok: bool
) -> None:
    request = _request(host, origin=origin)
    if ok:
        same_origin(request, missing_ok=False)
    else:
        with pytest.raises(NotAuthorized):
            same_origin(request, missing_ok=False)


# --- receipts: a form's body, never the page's address -----------------------


@pytest.fixture
def receipt(services: Services) -> str:
    """A published receipt of election e1 (opened, cast by v1, closed)."""
    ballots.open_poll(services, "e1")
    made = ballots.cast_ballot(services, "e1", "v1", ["b", "c"]).receipt
    ballots.close_poll(services, "e1", ["k1", "rep"])
    return made


def test_a_receipt_in_the_address_is_gone_and_never_looked_up(
    client: TestClient, receipt: str
) -> None:
    answer = client.get("/receipts", params={"receipt": receipt})
    assert answer.status_code == 410
    assert "never in the address" in answer.text
    assert receipt not in answer.text
    assert "Counted as cast" not in answer.text


def test_the_receipt_form_posts_and_the_answer_is_the_proof(
    client: TestClient, receipt: str
) -> None:
    form = client.get("/receipts")
    assert form.status_code == 200
    assert '<form method="post" action="/receipts"' in form.text
    election = client.get("/elections/e1").text
    assert '<form method="post" action="/receipts"' in election
    assert 'method="get" action="/receipts"' not in election
    login(client, "v1")
    assert 'method="get" action="/receipts"' not in client.get("/me").text
    checked = client.post("/receipts", data={"receipt": receipt, "election": "e1"})
    assert checked.status_code == 200, checked.text
    assert "Counted as cast" in checked.text


@pytest.mark.parametrize("headers", [{"Origin": EVIL}, {}])
def test_the_receipt_form_is_refused_from_elsewhere(
    client: TestClient, receipt: str, headers: dict[str, str]
) -> None:
    bare = TestClient(client.app)
    answer = bare.post("/receipts", data={"receipt": receipt}, headers=headers)
    assert answer.status_code == 403
    assert receipt not in answer.text
