"""Issue 11 in Chromium: a plurality ballot with two marks for one seat is
impossible on the web, and a refused ballot comes back as it was marked.

``sovet serve`` over the ballot-shapes world (``test_ballot_shapes.build``:
one-seat plurality, two-seat block vote and a list election, polls open);
Debian's Chromium driven by Playwright, as ``test_browser``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.web.browser_support import (
    Server,
    environment,
    login,
    shot,
)
from tests.e2e.web.test_ballot_shapes import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("browser-ballots")
    db = str(tmp / "shapes.db")
    build(db)
    running = Server(db, environment(tmp))
    yield running
    running.stop()


def test_one_plurality_seat_takes_one_mark_in_chromium(
    browser: Browser, server: Server
) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    login(page, server.url, "v4")
    page.goto(server.url + "/elections/plur")
    expect(page.get_by_role("group")).to_contain_text("Mark one candidate.")
    marks = page.locator("input[name=marks]")
    expect(marks).to_have_count(3)
    page.locator("#mark-a").check()
    page.locator("#mark-c").check()
    expect(page.locator("input[name=marks]:checked")).to_have_count(1)
    expect(page.locator("#mark-c")).to_be_checked()
    shot(page, "ballot-plurality")
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot is cast")
    expect(page.locator("#your-ballot")).to_have_text("You marked one candidate:")
    page.close()


def test_a_refused_block_vote_comes_back_as_marked_in_chromium(
    browser: Browser, server: Server
) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    login(page, server.url, "v5")
    page.goto(server.url + "/elections/block")
    for key in ("a", "b", "c"):
        page.locator(f"#mark-{key}").check()
    page.get_by_role("button", name="Cast my ballot").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("a ballot marks 1 to 2 candidates")
    expect(alert.get_by_role("link", name="rule SR-7")).to_have_attribute(
        "href", "/rules#sr-7"
    )
    expect(page.locator("input[name=marks]:checked")).to_have_count(3)
    shot(page, "ballot-block-vote-refused")
    page.locator("#mark-c").uncheck()
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot is cast")
    page.close()


def test_rules_page_opens_at_the_rule(browser: Browser, server: Server) -> None:
    page = browser.new_page()
    page.goto(server.url + "/rules#sr-7")
    expect(
        page.get_by_role("heading", name="SR-7 Conduct of elections")
    ).to_be_visible()
    page.close()
