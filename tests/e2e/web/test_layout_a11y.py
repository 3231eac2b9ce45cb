"""Every page on a 375 px phone and against WCAG 2.1 AA (issue 11), in Chromium.

One browser run visits every page — the public ones over a copy of the demo's
counterfactual database (the 1917 history, a recall and counted by-elections),
the signed-in ones over the flows' world (a voter's ballots, a petition to
sign, a secretary's poll and its count sheet) — at 375 px wide, and for each:

- nothing is wider than the screen (``document.scrollWidth`` ≤ 375), and
- axe-core (bundled by the PyPI package ``axe-playwright-python``, a ``dev``
  extra) finds no violation of the WCAG 2.0/2.1 A and AA rules.

A full-page screenshot of each goes to ``test-artifacts/screenshots/375-*.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.web.browser_support import SHOTS, Server, login, logout

pytestmark = pytest.mark.browser

WIDTH = 375
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()

PUBLIC = [
    ("home", "/"),
    ("home-1917", "/?at=1917-11-18"),
    ("federation", "/federation"),
    ("body-council", "/bodies/petrograd-soviet"),
    ("body-congress", "/bodies/national-congress"),
    ("body-faction-leadership", "/bodies/bolshevik-cc"),
    ("elections", "/elections"),
    ("election-count-sheet", "/elections/cf-by-election-1"),
    ("congresses", "/congress"),
    ("congress", "/congress/congress-2"),
    ("executive", "/congress/vtsik-2"),
    ("petitions", "/petitions"),
    ("log", "/log"),
    ("log-at", "/log?start=40&at=1917-11-18"),
    ("audit", "/audit"),
    ("rules", "/rules"),
    ("whatif", "/whatif"),
    ("me-signed-out", "/me"),
    ("login", "/login"),
    ("password-reset", "/reset"),
    ("receipts", "/receipts"),
    ("minutes", "/minutes/congress-2.html"),
    ("minutes-executive", "/minutes/vtsik-2.html"),
    ("minutes-count-sheets", "/minutes/cf-congress-4.html"),
    ("congress-counterfactual", "/congress/cf-congress-4"),
    ("not-found", "/bodies/no-such-body"),
]


@pytest.fixture(scope="module")
def history_server(
    demo_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``sovet serve`` over a copy of the counterfactual demo (the 1917 history,
    a recall petition and two counted by-elections)."""
    folder = tmp_path_factory.mktemp("narrow")
    db = folder / "history.db"
    shutil.copyfile(demo_dir / "demo-counterfactual.db", db)
    shutil.copyfile(demo_dir / "demo-counterfactual.db.key", f"{db}.key")
    env = dict(os.environ)
    env["SOVET_KEY_FILE"] = f"{db}.key"
    server = Server(str(db), env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    """One page 375 px wide, reporting script errors."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == []


def _violations(page: Page) -> list[dict[str, Any]]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    found: list[dict[str, Any]] = results.response["violations"]
    return found


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [n["target"] for n in v["nodes"][:4]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


def check(page: Page, name: str) -> None:
    """The page fits 375 px, axe finds no WCAG 2.1 AA violation; a screenshot."""
    page.screenshot(path=str(SHOTS / f"375-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + '.' + e.className)""",
        WIDTH,
    )
    assert width <= WIDTH, f"{name}: {width} px wide on a {WIDTH} px screen: {wide}"
    violations = _violations(page)
    assert not violations, f"{name}: WCAG 2.1 AA\n{_describe(violations)}"


@pytest.mark.parametrize(("name", "path"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_public_page_fits_a_phone_and_meets_wcag_aa(
    phone: Page, history_server: Server, name: str, path: str
) -> None:
    phone.goto(history_server.url + path)
    expect(phone.locator("h1").first).to_be_visible()
    check(phone, name)


@pytest.mark.parametrize("lang", ["sv", "ru"])
def test_translated_pages_fit_a_phone_and_meet_wcag_aa(
    browser: Browser, history_server: Server, lang: str
) -> None:
    # every public page: Swedish and Russian words run longer than English ones
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    page = context.new_page()  # its own cookies: the language stays here
    for name, path in PUBLIC:
        page.goto(
            history_server.url + path + ("&" if "?" in path else "?") + f"lang={lang}"
        )
        expect(page.locator("html")).to_have_attribute("lang", lang)
        check(page, f"{name}-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["sv", "ru"])
def test_translated_forms_fit_a_phone_and_meet_wcag_aa(
    browser: Browser, world_server: Server, lang: str
) -> None:
    """A secretary's pages, their generated forms opened, in Swedish and Russian."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    login(page, world_server.url, "sec")  # in English, then the switch
    for name, path in [("forms", "/bodies/petrograd"), ("poll", "/elections/e1")]:
        page.goto(world_server.url + path + f"?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for details in page.locator("details.command").all():
            details.evaluate("node => node.open = true")
        check(page, f"{name}-{lang}")
    context.close()


def test_signed_in_pages_fit_a_phone_and_meet_wcag_aa(
    phone: Page, world_server: Server
) -> None:
    base = world_server.url
    phone.goto(base + "/petitions/p1")
    check(phone, "petition-signed-out")
    login(phone, base, "sec")
    phone.goto(base + "/elections/e1")
    check(phone, "poll-secretary")
    for election in ("e1", "e2"):
        phone.goto(base + f"/elections/{election}")
        phone.get_by_role("button", name="Open the poll").click()
        expect(phone.locator("main")).to_contain_text("poll open")
    check(phone, "poll-opened")
    logout(phone)
    login(phone, base, "v0")
    check(phone, "me")
    for name, path in [
        ("ballot-ranked", "/elections/e1"),
        ("ballot-approval", "/elections/e2"),
        ("petition-to-sign", "/petitions/p1"),
        ("password", "/password"),
        ("body-with-vacancies", "/bodies/petrograd"),
    ]:
        phone.goto(base + path)
        check(phone, name)
    phone.goto(base + "/elections/e2")
    phone.get_by_role("button", name="Cast my ballot").click()
    check(phone, "ballot-refused")  # a blank ballot: the form again, with why
    phone.goto(base + "/elections/e1")
    phone.locator("#rank-a").fill("1")
    phone.get_by_role("button", name="Cast my ballot").click()
    expect(phone.locator("#receipt-code")).to_be_visible()
    check(phone, "receipt")
    logout(phone)
    login(phone, base, "sec")
    phone.goto(base + "/elections/e1")
    phone.get_by_role("button", name="Close the poll and publish the count").click()
    expect(phone.locator("table.count-sheet")).to_be_visible()
    check(phone, "count-sheet-after-close")
    logout(phone)


def test_the_check_fails_on_a_wide_or_inaccessible_page(
    phone: Page, history_server: Server
) -> None:
    phone.goto(history_server.url + "/login")
    phone.evaluate(
        "() => { const wide = document.createElement('div');"
        " wide.style.width = '600px'; wide.textContent = 'wide';"
        " document.querySelector('main').append(wide); }"
    )
    with pytest.raises(AssertionError, match="px wide on a 375 px screen"):
        check(phone, "probe-wide")
    phone.goto(history_server.url + "/login")
    phone.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<input type="text" id="unlabelled">\')'
    )
    with pytest.raises(AssertionError, match="label"):
        check(phone, "probe-unlabelled")
