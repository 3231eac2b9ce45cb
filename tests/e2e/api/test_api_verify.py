"""Issue 9, items 6 and 8: ``GET /api/verify`` and ``/audit`` trust the pinned key.

Both use ``services.trust.verify_database`` with the server's own key (and the
keys pinned at import). A log re-signed with an attacker's key — checkpoints
deleted and signed again, as someone with write access but not the key could
do — is refused by ``/api/verify`` (500, the error naming the attacker's key)
and shown as failing on ``/audit``, where the attacker's key is never shown as
the organisation's. An intact log answers with the key it trusted and why.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.adapters.signing import Ed25519Signer
from sovet.cli.app import app as cli
from sovet.presets.loader import preset_file
from sovet.services.checkpoints import sign_head
from tests.e2e.api.conftest import Api, make_api

ROGUE = Ed25519Signer.from_private_bytes(bytes(range(32)))


@pytest.fixture
def union(tmp_path: Path) -> Iterator[Api]:
    """The API over the union example, signed by its own key."""
    db = tmp_path / "union.db"
    scenario = preset_file("union", "scenario_example.toml")
    result = CliRunner().invoke(cli, ["run", str(scenario), "--db", str(db)])
    assert result.exit_code == 0, result.output
    yield from make_api(str(db))


def _resign(api: Api) -> None:
    with sqlite3.connect(api.services.location) as connection:
        connection.execute("DELETE FROM checkpoints")
    connection.close()
    assert sign_head(api.services.uow(), ROGUE) is not None


def _organisation(html: str) -> str:
    """The '/audit' section that names the organisation's key."""
    found = re.search(r'<section aria-labelledby="key-h">(.*?)</section>', html, re.S)
    assert found is not None
    return found.group(1)


def test_verify_names_the_key_it_trusted(union: Api) -> None:
    own = union.services.signer.public_key_hex()
    answer = union.client.get("/api/verify")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True
    assert body["authenticated"] is True
    assert body["keys"] == [own]
    assert body["trusted"][0]["public_key"] == own
    assert body["trusted"][0]["why"].startswith("this database's key")
    page = union.client.get("/audit").text
    assert "Intact" in page
    assert own in _organisation(page)


def test_a_re_signed_log_is_refused_and_shown_failing(union: Api) -> None:
    own, rogue = union.services.signer.public_key_hex(), ROGUE.public_key_hex()
    _resign(union)
    answer = union.client.get("/api/verify")
    assert answer.status_code == 500
    message = answer.json()["error"]["message"]
    assert rogue in message
    assert "not by a pinned key" in message
    page = union.client.get("/audit")
    assert page.status_code == 200
    assert "Verification failed" in page.text
    assert "Intact" not in page.text
    organisation = _organisation(page.text)
    assert own in organisation
    assert rogue not in organisation  # never shown as the organisation's key
    assert "— not shown to be the organisation's key" in html.unescape(page.text)
