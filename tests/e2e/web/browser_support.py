"""What the browser tests share: Debian's Chromium, ``sovet serve`` in a
subprocess on a free port, screenshots, and signing in and out.

The fixtures built from these (``chromium``, ``browser``, ``demo_server``,
``world_db``, ``world_server``) are in ``conftest.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import REPO
from tests.e2e.web.world import PASSWORD

__all__ = [
    "ARGS",
    "CHROMIUM",
    "GET_CHROMIUM",
    "SHOTS",
    "Server",
    "environment",
    "free_port",
    "login",
    "logout",
    "shot",
]

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``sovet serve`` on a free port; stopped (by its own pid) at the end."""

    def __init__(self, db: str, env: dict[str, str]) -> None:
        self.port = free_port()
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


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SOVET_KEY_FILE"] = str(tmp / "sovet.key")
    return env


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
