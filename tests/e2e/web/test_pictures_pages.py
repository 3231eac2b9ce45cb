"""The pictures on the 1917 pages (issue 11): every body and session draws as many
seats as it has, each faction in one colour on every page and chart, executives
named as what they are."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.domain import FederationState
from sovet.presets.display import load_display
from sovet.services.bootstrap import Services, bootstrap
from sovet.web import views
from sovet.web.routes import router
from sovet.web.svg import HEMICYCLE_FROM

NS = {"s": "http://www.w3.org/2000/svg"}


def _client(services: Services) -> TestClient:
    app = FastAPI()
    app.state.services = services
    app.include_router(router)
    return TestClient(app)


@pytest.fixture(scope="module", params=["demo.db", "demo-counterfactual.db"])
def demo(
    request: pytest.FixtureRequest, demo_dir: Path
) -> Iterator[tuple[TestClient, FederationState]]:
    with bootstrap(str(demo_dir / request.param)) as services:
        yield _client(services), views.head(services)


def _picture(html: str, kind: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*class="{kind}".*?</svg>', html, re.S)
    assert found is not None, f"no {kind} picture"
    return ET.fromstring(found.group(0))


def _body_seats(state: FederationState, body: str) -> int:
    """The seats a body has, read from the state, not from the picture."""
    record = state.bodies[body]
    constituencies = [c for c in state.constituencies.values() if c.council == body]
    if constituencies:
        return sum(c.seats for c in constituencies)
    if record.composition:
        return sum(record.composition.values())
    latest = state.latest_congress(body)
    if latest is not None:
        return latest.seated_total()
    return len(record.members)


def test_every_body_draws_as_many_seats_as_it_has(
    demo: tuple[TestClient, FederationState],
) -> None:
    client, state = demo
    for body in state.bodies:
        seats = _body_seats(state, body)
        html = client.get(f"/bodies/{body}").text
        if seats == 0:
            assert "<circle" not in html, body
            continue
        shape = "seats seat-rows" if seats < HEMICYCLE_FROM else "seats hemicycle"
        root = _picture(html, shape)
        assert len(root.findall(".//s:circle", NS)) == seats, body


def test_every_session_draws_its_seated_and_names_them(
    demo: tuple[TestClient, FederationState],
) -> None:
    client, state = demo
    for key, session in state.assemblies.items():
        html = client.get(f"/congress/{key}").text
        seated = session.seated_total()
        shape = "seats seat-rows" if seated < HEMICYCLE_FROM else "seats hemicycle"
        root = _picture(html, shape)
        assert len(root.findall(".//s:circle", NS)) == seated, key
        if session.kind == "executive_committee":
            assert f"{seated} members seated" in html
            assert "decisive delegates" not in html
        else:
            assert f"{seated} decisive delegates seated" in html


def _fills(html: str) -> dict[str, set[str]]:
    """Faction id → the colours it is drawn in on a page (pictures and swatches)."""
    found: dict[str, set[str]] = {}
    for key, colour in re.findall(
        r'data-faction="([^"]+)" data-seats="\d+" fill="(#[0-9a-f]{6})"', html
    ):
        found.setdefault(key, set()).add(colour)
    return found


def test_each_faction_has_one_colour_on_every_page(
    demo: tuple[TestClient, FederationState],
) -> None:
    client, state = demo
    palette = views.faction_palette(state)
    fixed = load_display(state.constitution.name).factions
    pages = [f"/bodies/{b}" for b in state.bodies]
    pages += [f"/congress/{s}" for s in state.assemblies]
    seen: dict[str, set[str]] = {}
    for page in pages:
        for key, colours in _fills(client.get(page).text).items():
            seen.setdefault(key, set()).update(colours)
    assert seen
    for key, colours in seen.items():
        if key == "vacant":
            continue
        assert colours == {palette[key]}, key
        if key in fixed:
            assert colours == {fixed[key]}, key
    assert seen["bolsheviks"] == {"#b3261e"}  # red, as display.toml says


def test_count_sheet_colours_candidates_by_faction(demo_dir: Path) -> None:
    with bootstrap(str(demo_dir / "demo-counterfactual.db")) as services:
        client, state = _client(services), views.head(services)
        palette = views.faction_palette(state)
        for key, election in state.elections.items():
            html = client.get(f"/elections/{key}").text
            chart = _picture(html, "stage-chart")
            fills = {
                r.get("data-candidate"): r.get("fill")
                for r in chart.iter("{http://www.w3.org/2000/svg}rect")
                if r.get("class") == "segment"
            }
            assert fills
            for candidate, faction in election.candidates.items():
                name = state.display_name(candidate) or candidate
                if name in fills:
                    assert fills[name] == palette[faction], (key, candidate)
            legend = chart.find(".//s:g[@class='legend']", NS)
            assert legend is not None
            text = " ".join(" ".join(legend.itertext()).split())
            for candidate in election.candidates:
                name = state.display_name(candidate) or candidate
                assert " ".join(name.split()) in text  # the whole name, never cut
        # the Menshevik candidate stands first, yet is not drawn red
        first = state.elections["cf-by-election-1"]
        assert next(iter(first.candidates.values())) == "mensheviks"
        assert palette["mensheviks"] != "#b3261e"
