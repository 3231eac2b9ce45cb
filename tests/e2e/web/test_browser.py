"""The web UI in a real browser: ``sovet serve`` in a subprocess, headless Chromium.

A real server (uvicorn, a free port) over SQLite, or over PostgreSQL (a fresh
schema) when ``SOVET_TEST_DATABASE_URL`` is set; Debian's ``/usr/bin/chromium``
driven by Playwright (no browser download). Screenshots of every page go to
``test-artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from sovet.services import ballots
from sovet.services.bootstrap import bootstrap
from tests.conftest import REPO, Postgres
from tests.e2e.web.world import PASSWORD, build_world

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "test-artifacts" / "screenshots"
SOVET = Path(sys.executable).with_name("sovet")
GET_CHROMIUM = (
    "`make test` installs Debian's chromium when run as root; otherwise "
    "`sudo apt-get install chromium`, or leave the browser tests out with "
    "-m 'not browser'"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``sovet serve`` on a free port; stopped (by its own pid) at the end."""

    def __init__(self, db: str, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.log = open(SHOTS.parent / f"serve-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(SOVET), "serve", "--db", db, "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/static/sovet.css").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                text_ = Path(self.log.name).read_text(encoding="utf-8")
                pytest.fail(f"sovet serve did not start:\n{text_}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the server process and close its log."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SOVET_KEY_FILE"] = str(tmp / "sovet.key")
    return env


@pytest.fixture(scope="module")
def world_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The flows' world on PostgreSQL (a fresh schema) when configured, else SQLite."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path_factory.mktemp("browser")
    if not os.environ.get("SOVET_TEST_DATABASE_URL"):
        db = str(tmp / "world.db")
        build_world(db)
        yield db, tmp
        return
    postgres: Postgres = request.getfixturevalue("postgres")  # fails if none answers
    before = os.environ.get("SOVET_KEY_FILE")
    os.environ["SOVET_KEY_FILE"] = str(tmp / "sovet.key")
    try:
        with postgres.schema("sovet_web") as db:
            build_world(db)
            yield db, tmp
    finally:
        if before is None:
            os.environ.pop("SOVET_KEY_FILE", None)
        else:
            os.environ["SOVET_KEY_FILE"] = before


@pytest.fixture(scope="module", autouse=True)
def chromium() -> Path:
    """Debian's Chromium, checked before any server starts: every test needs it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {GET_CHROMIUM}", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield found
        found.close()


@pytest.fixture(scope="module")
def demo_server(demo_dir: Path) -> Iterator[Server]:
    server = Server(str(demo_dir / "demo.db"), _environment(demo_dir))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world_server(world_db: tuple[str, Path]) -> Iterator[Server]:
    db, tmp = world_db
    server = Server(db, _environment(tmp))
    yield server
    server.stop()


def shot(page: Page, name: str) -> None:
    """A full-page screenshot in ``test-artifacts/screenshots/<name>.png``."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My page")


def logout(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("link", name="Log in")).to_be_visible()


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
    page.get_by_role("link", name="log entry 60").click()
    expect(page.locator("#seq-60")).to_contain_text("MotionCarried")
    assert page.url.endswith("#seq-60")
    shot(page, "log-seq-60")
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
