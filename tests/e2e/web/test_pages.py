"""Every page renders for the 1917 demo, at any ``?at=``, escaped, without JS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.services.bootstrap import Services, bootstrap
from sovet.web import views
from sovet.web.routes import router

PAGES = ["/", "/federation", "/congress", "/log", "/audit"]
DAYS = ["1917-11-07", "1917-11-08", "1917-11-18", "1917-12-30", "1918-01-31"]


def _client(services: Services) -> TestClient:
    app = FastAPI()
    app.state.services = services
    app.include_router(router)
    return TestClient(app)


@pytest.fixture(scope="module")
def history(demo_dir: Path) -> Iterator[TestClient]:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        yield _client(services)


class _Outline(HTMLParser):
    """Collects what accessibility checks need: landmarks, headings, labels."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.inputs: list[dict[str, str | None]] = []
        self.scripts_inline = 0
        self.forms: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and values.get("for"):
            self.label_for.add(str(values["for"]))
        if tag in ("input", "select", "textarea") and values.get("type") != "hidden":
            self.inputs.append(values)
        if tag == "form":
            self.forms.append(values)
        if tag == "script" and not values.get("src"):
            self.scripts_inline += 1


def _outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("day", [None, *DAYS])
def test_every_page_renders_at_every_day(
    history: TestClient, path: str, day: str | None
) -> None:
    response = history.get(path, params={"at": day} if day else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    outline = _outline(response.text)
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in outline.tags
    assert outline.headings[0] == 1
    steps = zip(outline.headings, outline.headings[1:], strict=False)
    assert all(b - a <= 1 for a, b in steps)
    for field in outline.inputs:
        assert field.get("id") in outline.label_for, field
    assert outline.scripts_inline == 0
    if day:
        assert f"at={day}" in response.text  # links keep the time


def test_home_on_18_november_is_the_second_congress_government(
    history: TestClient,
) -> None:
    html = history.get("/", params={"at": "1917-11-18"}).text
    assert "Council of People&#39;s Commissars" in html
    assert "Second All-Russian Congress of Soviets" in html
    assert 'href="/log?start=69&amp;at=1917-11-18#seq-69"' in html
    assert "vacant" in html
    before = history.get("/", params={"at": "1917-11-07"}).text
    assert "No government is legitimately in office" in before


def test_proof_links_reach_log_anchors(history: TestClient) -> None:
    html = history.get("/", params={"at": "1917-11-18"}).text
    for start, seq in re.findall(
        r'href="/log\?start=(\d+)&amp;at=[^"#]*#seq-(\d+)"', html
    ):
        log = history.get("/log", params={"start": start, "at": "1917-11-18"}).text
        assert f'id="seq-{seq}"' in log


def test_congress_hemicycle_changes_between_sessions(history: TestClient) -> None:
    second = history.get("/congress/congress-2").text
    third = history.get("/congress/congress-3").text
    assert 'data-majority="313"' in second
    assert 'data-majority="824"' in third
    assert second.count("<circle") == 625
    assert third.count("<circle") == 1647
    assert "Consultative delegates" in third


def test_time_travel_hides_what_came_later(history: TestClient) -> None:
    early = history.get("/congress", params={"at": "1917-11-08"}).text
    assert "Second All-Russian Congress" in early
    assert "Third All-Russian Congress" not in early
    missing = history.get("/congress/congress-3", params={"at": "1917-11-08"})
    assert missing.status_code == 404
    log = history.get("/log", params={"at": "1917-11-07", "limit": 500}).text
    assert "Third All-Russian Congress" not in log
    assert "Jan) 1918" not in log


def test_bad_time_is_a_clear_422_page(history: TestClient) -> None:
    response = history.get("/", params={"at": "the revolution"})
    assert response.status_code == 422
    assert "is not an ISO 8601 date" in response.text
    assert "&#39;the revolution&#39;" in response.text


def test_log_pages_link_forward_and_back(history: TestClient) -> None:
    first = history.get("/log", params={"limit": 10}).text
    assert 'id="seq-1"' in first
    assert 'id="seq-11"' not in first
    assert 'href="/log?start=11&amp;limit=10"' in first
    second = history.get("/log", params={"start": 11, "limit": 10}).text
    assert 'id="seq-11"' in second
    assert 'href="/log?start=1&amp;limit=10"' in second


def test_audit_verifies_and_exports(history: TestClient) -> None:
    html = history.get("/audit").text
    assert "Intact" in html
    export = history.get("/audit/export")
    assert export.status_code == 200
    assert export.text.splitlines()[0].startswith('{"events":')


def test_static_assets_are_served_and_others_refused(history: TestClient) -> None:
    assert history.get("/static/sovet.css").status_code == 200
    assert "htmx" in history.get("/static/htmx.min.js").text
    assert history.get("/static/../routes.py").status_code == 404
    assert history.get("/static/secret.key").status_code == 404


HOSTILE = '<script>alert("pwned")</script>'
HOSTILE_SCENARIO = """
preset = "party"
title = "hostile names"

[[step]]
command = "register_body"
at = "2025-01-10"
body = "congress"
name = '<script>alert("pwned")</script>'
kind = "congress"
level = "congress"

[[step]]
command = "register_faction"
at = "2025-01-11"
faction = "evil"
name = '<img src=x onerror=alert(1)>'
"""


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.toml"
    scenario.write_text(HOSTILE_SCENARIO, encoding="utf-8")
    db = str(tmp_path / "hostile.db")
    result = CliRunner().invoke(cli, ["run", str(scenario), "--db", db])
    assert result.exit_code == 0, result.output
    with bootstrap(db) as services:
        client = _client(services)
        for path in ["/federation", "/log", "/"]:
            html = client.get(path).text
            assert HOSTILE not in html
            assert "<img src=x" not in html
        assert "&lt;script&gt;" in client.get("/federation").text
        assert "&lt;img src=x" in client.get("/log").text


@pytest.fixture(scope="module")
def counterfactual(demo_dir: Path) -> Iterator[TestClient]:
    with bootstrap(str(demo_dir / "demo-counterfactual.db")) as services:
        yield _client(services)


def _seats(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<g class="faction" data-faction="([^"]+)" data-seats="(\d+)"', html
    )


def test_council_hemicycle_follows_recall_and_by_election(
    counterfactual: TestClient,
) -> None:
    def seats(at: str) -> list[tuple[str, str]]:
        html = counterfactual.get("/bodies/petrograd-soviet", params={"at": at}).text
        return _seats(html)

    assert seats("1918-02-16") == [("bolsheviks", "2")]
    assert seats("1918-02-20") == [("vacant", "2")]  # both recalled
    assert seats("1918-02-27") == [("mensheviks", "2")]  # by-elections held


def test_counterfactual_election_publishes_its_count_sheet(
    counterfactual: TestClient,
) -> None:
    listing = counterfactual.get("/elections").text
    assert "cf-by-election-1" in listing
    assert "by-election" in listing
    sheet = counterfactual.get("/elections/cf-by-election-1").text
    assert "Count sheet" in sheet
    assert "9 of 9 registered electors voted" in sheet
    assert 'class="stage-chart"' in sheet
    before = counterfactual.get(
        "/elections/cf-by-election-1", params={"at": "1918-02-20"}
    )
    assert before.status_code == 200
    assert "Count sheet" not in before.text  # counted on 24 Feb


def test_federation_tree_is_trimmed_to_a_readable_size(demo_dir: Path) -> None:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        state = views.state_at(services, None).state
        full = views.federation(state)
        trimmed = views.federation(state, 3)
    congress = next(node for node in full if node.key == "national-congress")
    assert len(congress.children) > 3
    short = next(node for node in trimmed if node.key == "national-congress")
    assert [c.key for c in short.children[:3]] == [c.key for c in congress.children[:3]]
    assert short.children[3].name == f"… and {len(congress.children) - 3} more"
    assert len(short.children) == 4


def test_federation_page_offers_the_full_tree(
    history: TestClient, demo_dir: Path
) -> None:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        nodes = list(views.federation(views.state_at(services, None).state))
    answer = history.get("/federation", params={"full": "true"})
    assert answer.status_code == 200
    assert not re.search(r"… and \d+ more", answer.text)
    shown = 0
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        assert escape(node.name) in answer.text, node.name
        shown += 1
    assert shown > 10
