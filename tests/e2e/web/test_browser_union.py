"""Issue 11's done-when in Chromium: the union's whole workflow through the web.

After ``sovet init --preset union`` and the accounts (``union_world``), with
no other CLI step: the administrator registers the bodies and factions and
uploads the members; the secretary registers the branches' constituencies,
calls North's election, opens the poll; five members vote in secret; the poll
closes and the count is published; the secretary verifies it, seating the
deputies; South's paper count is entered and verified; the conference is
convened and credentialed by name with deputies of both branches; it elects
the executive board by name, approves the officers by named vote, takes a
decision a delegate dissents from, and closes. Then North recalls a deputy
who sits on the conference and the board: both seats above fall vacant; the
by-election seats a new deputy, the branch sends her to the conference, the
board co-opts her; the home page shows the new majority. Persons all the way
up: every seat above is given by naming its holder. Each step is
photographed in ``test-artifacts/screenshots/union-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    expect,
)

from tests.e2e.web.browser_support import (
    SHOTS,
    Server,
    environment,
)
from tests.e2e.web.union_world import MEMBERS_CSV, NORTH_VOTERS, PASSWORD, build_union

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("browser-union")
    for old in SHOTS.glob("union-*.png"):  # the last run's, numbered otherwise
        old.unlink()
    db = str(tmp / "union.db")
    build_union(db)
    running = Server(db, environment(tmp))
    yield running
    running.stop()


class Person:
    """One account in its own browser context, signed in."""

    shots = 0

    def __init__(self, browser: Browser, base: str, name: str) -> None:
        self.base = base
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1100, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.page.goto(base + "/login")
        self.page.get_by_label("Account name").fill(name)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("My page")

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str) -> None:
        Person.shots += 1
        path = SHOTS / f"union-{Person.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def form(self, command: str) -> Locator:
        """Open the form of ``command`` on the current page."""
        details = self.page.locator(f"#do-{command}")
        expect(details).to_have_count(1)
        settled(self.page)
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        form = details.locator("form")
        expect(form).to_be_visible()
        return form

    def act(self, path: str, command: str, shot: str = "", **fields: object) -> None:
        """Fill ``command``'s form on ``path`` and submit it; the page confirms
        (with ``shot``, the filled form is photographed first)."""
        if urlparse(self.page.url).path != path:
            self.go(path)  # else the page the last act led back to: fresh forms
        form = self.form(command)
        for name, value in fields.items():
            fill(form, command, name.replace("__", "."), value)
        if shot:
            form.screenshot(path=str(SHOTS / f"union-form-{shot}.png"))
        # The last act's confirmation goes first: the next one is this act's.
        self.page.evaluate("document.querySelector('main').id = 'before'")
        form.locator("button[type=submit]").click()
        expect(self.page.locator("main#before")).to_have_count(0)
        expect(self.page.locator("#done, #refusal")).to_have_count(1)
        refusal = self.page.locator("#refusal")
        assert refusal.count() == 0, f"{command} refused: {refusal.inner_text()}"
        expect(self.page.locator("#done")).to_have_text(
            "Done: the act is recorded in the log."
        )
        settled(self.page)

    def close(self) -> None:
        self.context.close()


def settled(page: Page) -> None:
    """Wait until htmx has swapped and settled the page (while it settles, an
    element keeps the attributes of the one it replaced, ``open`` included)."""
    busy = page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    expect(busy).to_have_count(0)


def fill(form: Locator, command: str, name: str, value: object) -> None:
    """Type ``value`` into field ``name`` as a person would: pick it from its
    select, tick its boxes, one input per person or faction, or type it."""
    if isinstance(value, dict):
        for key, entry in value.items():
            box = form.locator(f"[name='{name}.{key}']")
            if box.evaluate("e => e.tagName") == "SELECT":
                box.select_option(str(entry))
            else:
                box.fill(str(entry))
        return
    if isinstance(value, list):
        for item in value:
            form.locator(f"input[name='{name}'][value='{item}']").check()
        return
    box = form.locator(f"#{command}-{name.replace('.', '-')}")
    if box.evaluate("e => e.tagName") == "SELECT":
        box.select_option(str(value))
    else:
        box.fill(str(value))


def test_the_union_runs_end_to_end_in_chromium(
    browser: Browser, server: Server
) -> None:
    today = datetime.now(UTC).date().isoformat()
    admin = Person(browser, server.url, "admin")
    for body, name, kind, level, parent in (
        ("conference", "Union Conference", "congress", "convention", ""),
        (
            "board",
            "Provisional Board",
            "executive_committee",
            "convention",
            "conference",
        ),
        ("north", "Branch North", "council", "local", "conference"),
        ("south", "Branch South", "council", "local", "conference"),
    ):
        fields = {"body": body, "name": name, "kind": kind, "level": level}
        admin.act(
            "/federation",
            "register_body",
            **fields,
            **({"parent": parent} if parent else {}),
        )
    admin.act("/federation", "register_faction", faction="reform", name="Reform Caucus")
    admin.act("/federation", "register_faction", faction="unity", name="Unity Slate")
    admin.shot("bodies")

    sec = Person(browser, server.url, "sec")
    sec.act(
        "/bodies/north", "register_constituency", constituency="north-members", seats=3
    )
    sec.act(
        "/bodies/south", "register_constituency", constituency="south-members", seats=2
    )

    # Members: the CSV of ``sovet members import``, uploaded by the administrator.
    members = Path(SHOTS.parent / "union-members.csv")
    members.write_text(MEMBERS_CSV, encoding="utf-8")
    page = admin.go("/federation")
    page.get_by_label("Members file (CSV, required)").set_input_files(str(members))
    page.get_by_role("button", name="Register the members").click()
    expect(page.locator("#done")).to_have_text("Done: the members are registered.")
    # A member's name stays off the log until they stand (issue 10, finding 9).
    expect(page.locator("#done-events")).to_contain_text("lindqvist (Reform")
    admin.shot("members")

    # Branch North's election: called, the poll opened, cast in secret, closed.
    conduct = {"conduct__day_set_by": "north", "conduct__commission": ["patel"]}
    sec.act(
        "/bodies/north",
        "call_election",
        shot="call-election",
        election="north-2025",
        constituency="north-members",
        seats=3,
        polling_day=today,
        candidates=["okafor", "lindqvist", "patel", "doyle"],
        conduct__council_representative="kowalski",
        **conduct,
    )
    page = sec.go("/elections/north-2025")
    page.get_by_role("button", name="Open the poll").click()
    expect(page.locator("#done")).to_contain_text("The poll is open")
    sec.shot("poll-open")
    marks = {"okafor": "okafor", "kowalski": "okafor", "lindqvist": "lindqvist"}
    for voter in NORTH_VOTERS:
        member = Person(browser, server.url, voter)
        page = member.go("/elections/north-2025")
        page.locator(f"#mark-{marks.get(voter, 'patel')}").check()
        page.get_by_role("button", name="Cast my ballot").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot is cast")
        if voter == "doyle":
            member.shot("ballot-cast")
        member.close()
    page = sec.go("/elections/north-2025")
    page.get_by_role("button", name="Close the poll and publish the count").click()
    expect(page.locator("#done")).to_contain_text("The poll is closed")
    sec.shot("count")
    page.get_by_role("link", name="verify the result and seat the winners").click()
    sec.act(
        "/bodies/north",
        "verify_election",
        election="north-2025",
        confirmed=["okafor", "lindqvist", "patel"],
    )
    expect(sec.page.locator("#done-events")).to_contain_text(
        "north-2025 verified: lindqvist, okafor, patel seated"
    )
    sec.shot("north-seated")

    # Branch South counts paper ballots, entered by the secretary.
    sec.act(
        "/bodies/south",
        "call_election",
        election="south-2025",
        constituency="south-members",
        seats=2,
        polling_day=today,
        candidates=["adeyemi", "morales", "chen"],
        conduct__day_set_by="south",
        conduct__commission=["chen"],
        conduct__council_representative="morales",
    )
    sec.act(
        "/bodies/south",
        "count_election",
        election="south-2025",
        minutes_signed_by=["chen", "morales"],
        ballots="adeyemi; adeyemi\nchen; adeyemi\nmorales; morales",
    )
    sec.act(
        "/bodies/south",
        "verify_election",
        election="south-2025",
        confirmed=["adeyemi", "morales"],
    )

    # The conference: convened, credentialed by name from the branches' deputies.
    where = "/bodies/conference"
    sec.act(
        where,
        "convene_congress",
        congress="conference-2025",
        name="2025 Union Conference",
        number=1,
        convened_by="board",
    )
    sec.act(where, "appoint_credentials_commission", congress="conference-2025")
    # A seat above needs the seat below (SR-12): C. Doyle holds none yet. The
    # refusal shows the form again, as ticked, with the rule linked.
    form = sec.form("credential_delegates")
    for name, value in (("congress", "conference-2025"), ("faction", "unity")):
        fill(form, "credential_delegates", name, value)
    fill(form, "credential_delegates", "senders", ["north"])
    fill(form, "credential_delegates", "persons", ["patel", "doyle"])
    form.locator("button[type=submit]").click()
    alert = sec.page.locator("#do-credential_delegates").get_by_role("alert")
    expect(alert).to_contain_text("C. Doyle is not a seated deputy of north")
    expect(alert.locator("a.rule")).to_have_attribute("href", "/rules#sr-12")
    ticked = sec.page.locator("#do-credential_delegates input[name=persons]:checked")
    expect(ticked).to_have_count(2)
    sec.shot("credentials-refused")
    for faction, persons in (
        ("reform", ["okafor", "lindqvist", "adeyemi"]),
        ("unity", ["patel", "morales"]),
    ):
        sec.act(
            where,
            "credential_delegates",
            shot=f"credentials-{faction}",
            congress="conference-2025",
            faction=faction,
            senders=["north", "south"],
            persons=persons,
        )
    sec.shot("credentials")

    # SR-20: the executive board by name; the officers by named vote; dissent.
    sec.act(
        where,
        "elect_executive_committee",
        shot="executive",
        executive="board-2025",
        congress="conference-2025",
        name="Executive Board 2025",
        members={"okafor": "reform", "lindqvist": "reform", "morales": "unity"},
        chair="okafor",
    )
    sec.act(
        where,
        "submit_government_list",
        government="officers-2025",
        name="Officers of the Union",
        assembly="conference-2025",
        nominated_by="reform",
        offices="president; okafor; President\nsecretary; adeyemi; Secretary-Treasurer",
    )
    sec.act(
        where,
        "propose_motion",
        motion="approve-officers",
        assembly="conference-2025",
        kind="approve_government",
        text="The conference approves the officers",
        subject="officers-2025",
    )
    named = {"okafor": "yes", "lindqvist": "yes", "adeyemi": "yes"}
    sec.act(
        where,
        "vote_by_name",
        shot="named-vote",
        motion="approve-officers",
        votes={**named, "patel": "no", "morales": "no"},
    )
    sec.act(where, "close_motion", motion="approve-officers")
    sec.act(
        where,
        "propose_motion",
        motion="strike-fund",
        assembly="conference-2025",
        kind="decision",
        text="Every branch pays into the strike fund",
    )
    sec.act(
        where,
        "vote_by_name",
        motion="strike-fund",
        votes={**named, "patel": "no", "morales": "abstain"},
    )
    sec.act(where, "close_motion", motion="strike-fund")
    sec.act(
        where,
        "declare_dissent",
        decision="strike-fund",
        person="patel",
        text="Unity dissents: the fund should be voluntary",
    )
    sec.act(where, "close_congress", congress="conference-2025")
    page = sec.go("/")
    expect(page.locator(".majority")).to_contain_text(
        "Reform Caucus hold 3 of 5 seated decisive delegates at 2025 Union Conference: "
        "the governing bloc keeps its majority."
    )
    expect(page.locator("#seated-majority")).to_contain_text(
        "a majority held by Reform Caucus"
    )
    sec.shot("officers")

    # The recall: North's members petition, the recall vote carries; her seats
    # at the conference and on the board fall vacant with her branch seat.
    sec.act(
        "/bodies/north",
        "petition_recall",
        constituency="north-members",
        deputy="lindqvist",
        signers=["patel", "doyle"],
    )
    sec.act(
        "/bodies/north",
        "hold_recall_vote",
        constituency="north-members",
        deputy="lindqvist",
        yes=4,
        no=1,
    )
    events = sec.page.locator("#done-events")
    expect(events).to_contain_text(
        "B. Lindqvist's seat as delegate of 2025 Union Conference vacated"
    )
    expect(events).to_contain_text(
        "B. Lindqvist's seat as member of Executive Board 2025 vacated"
    )
    page = sec.go("/")
    vacancies = page.locator("ul.vacancies li")
    expect(vacancies).to_have_count(2)
    expect(page.locator(".majority")).to_contain_text(
        "the governing bloc has lost its majority (SR-27)"
    )
    expect(page.locator("ul.by-elections")).to_contain_text("north-members")
    sec.shot("recalled")

    # The by-election, the new delegate, the board's new member.
    sec.act(
        "/bodies/north",
        "call_election",
        election="north-by",
        constituency="north-members",
        seats=1,
        polling_day=today,
        candidates=["doyle", "kowalski"],
        conduct__day_set_by="north",
        conduct__commission=["patel"],
        conduct__council_representative="okafor",
    )
    sec.act(
        "/bodies/north",
        "count_election",
        election="north-by",
        minutes_signed_by=["patel", "okafor"],
        ballots="doyle; doyle\npatel; doyle\nokafor; kowalski",
    )
    sec.act(
        "/bodies/north", "verify_election", election="north-by", confirmed=["doyle"]
    )
    sec.act(
        "/bodies/north",
        "replace_delegate",
        congress="conference-2025",
        delegate="lindqvist",
        replacement="doyle",
    )
    expect(sec.page.locator("#done-events")).to_contain_text(
        "Branch North sends C. Doyle (Unity Slate) to the seat of B. Lindqvist"
    )
    sec.act(
        where,
        "propose_motion",
        motion="coopt-doyle",
        assembly="board-2025",
        kind="fill_committee_place",
        text="The board co-opts C. Doyle in B. Lindqvist's place",
        subject="board-2025",
        person="doyle",
    )
    sec.act(
        where,
        "vote_by_name",
        motion="coopt-doyle",
        votes={"okafor": "yes", "morales": "yes"},
    )
    sec.act(where, "close_motion", motion="coopt-doyle")

    page = sec.go("/")
    expect(page.locator("ul.vacancies")).to_have_count(0)
    expect(page.locator(".majority")).to_contain_text(
        "Reform Caucus hold 2 of 5 seated decisive delegates"
    )
    expect(page.locator("#seated-majority")).to_contain_text(
        "a majority held by Unity Slate"
    )
    sec.shot("new-majority")
    for who in (sec, admin):
        who.close()
