"""Issue 10, finding 7: the pages work in Chromium under the Content-Security-Policy.

The app wrapped in ``api.headers.SecurityHeaders`` is served by uvicorn (a
thread, a free port) over a copy of the demo's counterfactual database (the
whole 1917 history and a counted election). Every page of the tour loads and
its htmx navigation works with no CSP violation reported; an inline script or
style attribute added to a page is blocked, so the check would see one.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from sovet.api.headers import SecurityHeaders
from sovet.server import create_app
from sovet.services.bootstrap import bootstrap
from tests.e2e.web.browser_support import free_port

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

TOUR = [
    "/",
    "/federation",
    "/bodies/petrograd-soviet",
    "/congress",
    "/congress/congress-2",
    "/elections",
    "/petitions",
    "/log?limit=30",
    "/audit",
    "/login",
    "/rules",
]


@pytest.fixture(scope="module")
def base_url(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("csp")
    db = folder / "world.db"
    shutil.copyfile(demo_dir / "demo-counterfactual.db", db)
    shutil.copyfile(demo_dir / "demo-counterfactual.db.key", f"{db}.key")
    with bootstrap(str(db)) as services:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                SecurityHeaders(create_app(services)),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="off",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    found = browser.new_page()
    found.add_init_script(WATCH)
    yield found
    found.close()


def violations(page: Page, console: list[str]) -> list[str]:
    found: list[str] = page.evaluate("window.__csp")
    return found + [text for text in console if "Content Security Policy" in text]


def test_every_page_loads_under_the_policy_without_a_violation(
    page: Page, base_url: str
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    for path in TOUR:
        answer = page.goto(base_url + path)
        assert answer is not None
        assert answer.status == 200, path
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert violations(page, console) == [], path
    page.goto(base_url + "/elections")
    page.locator("main a[href^='/elections/']").first.click()  # htmx-boosted
    expect(page.locator("svg.swatch").first).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert violations(page, console) == []


def test_an_injected_inline_script_or_style_is_blocked(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.append(s);
          const d = document.createElement("div");
          d.setAttribute("style", "color: red");
          document.body.append(d);
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__ran === undefined")
    found = page.evaluate("window.__csp")
    assert any(v.startswith("script-src") for v in found), found
    assert any(v.startswith("style-src") for v in found), found
