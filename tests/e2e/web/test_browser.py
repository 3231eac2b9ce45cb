"""The web UI in a real browser: ``sovet serve`` in a subprocess, headless Chromium.

A real server (uvicorn, a free port) over SQLite, or over PostgreSQL (a fresh
schema) when ``SOVET_TEST_DATABASE_URL`` is set; Debian's ``/usr/bin/chromium``
driven by Playwright (no browser download). Screenshots of every page go to
``test-artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from sovet.services import ballots
from sovet.services.bootstrap import bootstrap
from tests.e2e.web.browser_support import Server, login, logout, shot

pytestmark = pytest.mark.browser

TOUR = [
    ("home-1917-11-18", "/?at=1917-11-18", "Who governs on 5 Nov (18 Nov) 1917"),
    ("federation", "/federation", "The federation"),
    ("congress-list", "/congress", "Congress sessions and executive committees"),
    ("congress-2", "/congress/congress-2", "Second All-Russian Congress of Soviets"),
    ("congress-3", "/congress/congress-3", "Third All-Russian Congress of Soviets"),
    ("log", "/log?limit=30", "The log"),
    ("audit", "/audit", "Audit the log"),
]


@pytest.mark.parametrize(("name", "path", "heading"), TOUR)
def test_the_1917_tour_renders_in_chromium(
    browser: Browser, demo_server: Server, name: str, path: str, heading: str
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(demo_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    shot(page, name)
    assert errors == []
    page.close()


def test_htmx_boosts_links_without_a_full_reload(
    browser: Browser, demo_server: Server
) -> None:
    page = browser.new_page()
    page.goto(demo_server.url + "/?at=1917-11-18")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.stayed = true")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Federation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The federation")
    expect(page).to_have_title("Federation · sovet")
    assert page.url.endswith("/federation?at=1917-11-18")
    assert page.evaluate("window.stayed === true")  # swapped in, not reloaded
    page.close()


def test_a_refused_boosted_form_shows_its_error(
    browser: Browser, world_server: Server
) -> None:
    page = browser.new_page()
    page.goto(world_server.url + "/login")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.stayed = true")
    page.get_by_label("Account name").fill("v0")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong account name or password.")
    assert page.evaluate("window.stayed === true")  # the 401 page was swapped in
    page.close()


def test_time_travel_form_and_proof_links(
    browser: Browser, demo_server: Server
) -> None:
    page = browser.new_page()
    page.goto(demo_server.url + "/")
    page.get_by_label("Show the state in effect on").fill("1917-11-18")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("18 Nov")
    page.get_by_role("link", name="log entry 69").click()
    expect(page.locator("#seq-69")).to_contain_text("MotionCarried")
    assert page.url.endswith("#seq-69")
    shot(page, "log-seq-69")
    page.close()


def test_vote_count_receipt_and_recall_in_chromium(
    browser: Browser, world_server: Server, world_db: tuple[str, Path]
) -> None:
    base = world_server.url
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, base, "sec")
    page.goto(base + "/elections/e1")
    page.get_by_role("button", name="Open the poll").click()
    expect(page.locator("main")).to_contain_text("poll open")
    logout(page)
    db, _tmp = world_db
    with bootstrap(db) as services:
        for member, ranking in [
            ("v1", ["b", "c"]),
            ("v2", ["c", "b"]),
            ("v3", ["a"]),
            ("v4", ["b"]),
        ]:
            ballots.cast_ballot(services, "e1", member, ranking)

    login(page, base, "v0")
    expect(page.locator("main")).to_contain_text("putilov")
    shot(page, "member-page")
    page.goto(base + "/elections")
    shot(page, "elections")
    page.goto(base + "/elections/e1")
    expect(page.locator("main")).not_to_contain_text("Count sheet")
    # keyboard reordering (progressive enhancement) renumbers the ranks
    page.locator("#rank-a").fill("1")
    page.locator("#rank-b").fill("2")
    page.locator("#rank-b").press("Alt+ArrowUp")
    expect(page.locator("#rank-b")).to_have_value("1")
    expect(page.locator("#rank-a")).to_have_value("2")
    page.locator("#rank-a").press("Alt+ArrowUp")
    expect(page.locator("#rank-a")).to_have_value("1")
    shot(page, "ballot-form")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot is cast")
    receipt = page.locator("#receipt-code").inner_text()
    assert len(receipt) == 64
    shot(page, "receipt")
    logout(page)

    login(page, base, "sec")
    page.goto(base + "/elections/e1")
    page.get_by_role("button", name="Close the poll and publish the count").click()
    sheet = page.locator("table.count-sheet")
    expect(sheet).to_be_visible()
    expect(sheet.locator("tr.elected")).to_contain_text("elected at stage 2")
    expect(page.locator("svg.stage-chart g.stage")).to_have_count(2)
    shot(page, "election-result")
    page.get_by_label("Receipt (64 hexadecimal characters, given when you voted)").fill(
        receipt
    )
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("Counted as cast")
    shot(page, "receipt-check")
    logout(page)

    page.goto(base + "/petitions")
    shot(page, "petitions")
    page.goto(base + "/bodies/petrograd")
    vacant = page.locator("svg.seats g[data-faction='vacant']")
    expect(vacant).to_have_attribute("data-seats", "3")
    shot(page, "council-before-recall")
    for signed, member in enumerate(("v0", "v1", "v2"), start=1):
        login(page, base, member)
        page.goto(base + "/petitions/p1")
        page.get_by_role("button", name="Sign this petition").click()
        expect(page.locator("progress")).to_have_attribute("value", str(signed))
        logout(page)
    page.goto(base + "/petitions/p1")
    expect(page.locator("progress")).to_have_attribute("value", "3")
    expect(page.locator("main")).to_contain_text("The threshold was reached")
    expect(page.locator("main")).to_contain_text("ByElectionScheduled")
    shot(page, "petition-succeeded")
    page.goto(base + "/bodies/petrograd")
    expect(vacant).to_have_attribute("data-seats", "4")
    expect(page.locator("svg.seats g[data-faction='bolsheviks']")).to_have_count(0)
    shot(page, "council-after-recall")
    assert errors == []
    page.close()
