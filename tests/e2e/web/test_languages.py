"""The web answers in the reader's language: Accept-Language, then the switch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet.services.bootstrap import bootstrap
from sovet.web.routes import router


@pytest.fixture(scope="module")
def client(demo_dir: Path) -> Iterator[TestClient]:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        app = FastAPI()
        app.state.services = services
        app.include_router(router)
        yield TestClient(app)


def test_home_answers_in_swedish_to_accept_language(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert page.headers["content-language"] == "sv"
    assert "Accept-Language" in page.headers["vary"]
    assert "Vem styr den" in page.text
    assert "Bevis" in page.text  # the proof's heading
    assert "Who governs on" not in page.text


def test_english_by_default_and_for_unshipped_languages(client: TestClient) -> None:
    for headers in ({}, {"Accept-Language": "fr-FR, de;q=0.8"}):
        page = client.get("/", headers=headers)
        assert '<html lang="en">' in page.text
        assert "Who governs on" in page.text


def test_the_switch_sets_a_cookie_that_outranks_accept_language(
    client: TestClient,
) -> None:
    chosen = client.get("/?lang=ru", headers={"Accept-Language": "sv"})
    assert '<html lang="ru">' in chosen.text
    assert "Кто правит на" in chosen.text
    assert chosen.cookies.get("lang") == "ru"
    later = client.get("/federation", headers={"Accept-Language": "sv"})
    assert '<html lang="ru">' in later.text
    client.cookies.clear()


def test_the_switch_links_every_language_from_the_same_page(client: TestClient) -> None:
    page = client.get("/log")
    for code in ("en", "sv", "ru"):
        assert f'href="/log?lang={code}"' in page.text
    assert 'lang="sv" hreflang="sv">Svenska</a>' in page.text


def test_a_bogus_language_cookie_falls_back(client: TestClient) -> None:
    client.cookies.set("lang", "<script>")
    page = client.get("/", headers={"Accept-Language": "ru"})
    assert '<html lang="ru">' in page.text
    client.cookies.clear()
