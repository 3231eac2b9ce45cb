"""Fixtures for the web UI tests: the 1917 demo databases, built once, and for
the browser tests (marked ``browser``) Debian's Chromium and the servers it visits.

A browser test module fails before any server starts when Chromium is missing,
saying how to get it; nothing is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from tests.conftest import Postgres
from tests.e2e.web.browser_support import (
    ARGS,
    CHROMIUM,
    GET_CHROMIUM,
    SHOTS,
    Server,
    environment,
)
from tests.e2e.web.world import build_world


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``demo.db`` (history) and ``demo-counterfactual.db``, built by ``sovet demo``."""
    folder = tmp_path_factory.mktemp("web-demo")
    result = CliRunner().invoke(cli, ["demo", "--db", str(folder / "demo.db")])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium; a clear failure, saying how to get it, when missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: {GET_CHROMIUM}", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module", autouse=True)
def _browser_modules_check_chromium(request: pytest.FixtureRequest) -> None:
    """A module marked ``browser`` checks for Chromium before any server starts."""
    if request.node.get_closest_marker("browser") is not None:
        request.getfixturevalue("chromium")


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium per module, driven by Playwright."""
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield found
        found.close()


@pytest.fixture(scope="module")
def demo_server(demo_dir: Path) -> Iterator[Server]:
    """``sovet serve`` over the 1917 demo."""
    server = Server(str(demo_dir / "demo.db"), environment(demo_dir))
    yield server
    server.stop()


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


@pytest.fixture(scope="module")
def world_server(world_db: tuple[str, Path]) -> Iterator[Server]:
    """``sovet serve`` over the flows' world."""
    db, tmp = world_db
    server = Server(db, environment(tmp))
    yield server
    server.stop()
