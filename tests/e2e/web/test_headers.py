"""Issue 10, finding 7: browser-hygiene headers on every response, no inline script.

``api.headers.SecurityHeaders`` over the whole app (API and web): CSP without
``'unsafe-inline'`` and with ``frame-ancestors 'none'``, ``nosniff``,
``Referrer-Policy: same-origin`` on pages, JSON, static files, exports and
every error status (404, 405, 413, 401, 500). The pages themselves hold no
inline script, event-handler attribute or inline style, so the policy costs
them nothing; the API's documentation page is allowed its one inline script by
hash only.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.api.headers import HEADERS, POLICY, SecurityHeaders
from sovet.server import create_app
from sovet.services.bootstrap import bootstrap

PAGES = [
    "/",
    "/federation",
    "/bodies/petrograd-soviet",
    "/congress",
    "/congress/congress-2",
    "/elections",
    "/petitions",
    "/log",
    "/audit",
    "/login",
    "/me",
    "/no-such-page",
]


@pytest.fixture(scope="module")
def app(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("headers")
    db = folder / "demo.db"
    shutil.copyfile(demo_dir / "demo.db", db)
    shutil.copyfile(demo_dir / "demo.db.key", f"{db}.key")
    with bootstrap(str(db)) as services:
        found = create_app(services)

        @found.get("/api/boom")
        def boom() -> None:
            raise RuntimeError("an unexpected fault")

        yield found


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    """The app wrapped as ``create_app`` will wrap it (outermost middleware)."""
    return TestClient(SecurityHeaders(app), raise_server_exceptions=False)


def assert_hygienic(headers: Mapping[str, str], *, policy: str = POLICY) -> None:
    got = {k.lower(): v for k, v in headers.items()}
    assert got["content-security-policy"] == policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert got["x-content-type-options"] == "nosniff"
    assert got["referrer-policy"] == "same-origin"
    assert got["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/static/sovet.css", 200),
        ("GET", "/static/htmx.min.js", 200),
        ("GET", "/static/nothing.js", 404),
        ("GET", "/audit/export", 200),
        ("GET", "/api/openapi.json", 200),
        ("GET", "/api/bodies", 200),
        ("GET", "/api/auth/me", 401),
        ("GET", "/api/nowhere", 404),
        ("GET", "/no-such-page", 404),
        ("PUT", "/", 405),
        ("GET", "/api/boom", 500),
    ],
)
def test_every_response_carries_the_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == status, answer.text[:300]
    assert_hygienic(answer.headers)


def test_a_refused_oversized_body_carries_them_too(client: TestClient) -> None:
    answer = client.post(
        "/api/bodies/commands/register_faction",
        content=b"x" * 70_000,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert_hygienic(answer.headers)


class _Inline(HTMLParser):
    """Inline script, event handlers and inline styles: what the policy forbids."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_handler_or_style(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code in (200, 401, 404), answer.text[:300]
    parser = _Inline()
    parser.feed(answer.text)
    assert parser.found == []


def test_count_sheet_swatches_need_no_inline_style(demo_dir: Path) -> None:
    """The counterfactual's count sheet colours its rows with SVG ``fill``."""
    with bootstrap(str(demo_dir / "demo-counterfactual.db")) as services:
        web = TestClient(create_app(services))
        elections = re.findall(
            r'href="/elections/([^"?]+)"', web.get("/elections").text
        )
        assert elections
        html = web.get(f"/elections/{elections[0]}").text
    assert 'class="swatch"' in html
    assert "fill=" in html
    parser = _Inline()
    parser.feed(html)
    assert parser.found == []


def test_the_api_docs_may_run_only_their_own_inline_script(
    app: FastAPI, client: TestClient
) -> None:
    answer = client.get("/api/docs")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", answer.text, flags=re.DOTALL)
    assert scripts
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert app.swagger_ui_oauth2_redirect_url
    redirect = client.get(app.swagger_ui_oauth2_redirect_url)
    assert redirect.status_code == 200
    assert "'sha256-" in redirect.headers["content-security-policy"]
    assert client.get("/").headers["content-security-policy"] == POLICY


def test_wrapping_twice_keeps_one_of_each(app: FastAPI) -> None:
    twice = TestClient(SecurityHeaders(SecurityHeaders(app)))
    answer = twice.get("/static/sovet.css")
    for name in HEADERS:
        assert len(answer.headers.get_list(name)) == 1


def test_create_app_installs_the_headers(app: FastAPI) -> None:
    assert_hygienic(TestClient(app).get("/").headers)
