"""``GET /api/checkpoints/latest`` and ``…/consistency`` (issue 9, item 4).

Over a copy of the demo: the latest checkpoint has the six keys and a signature
that verifies; a consistency proof between two sizes verifies against the two
trees' roots; bad sizes answer 422 naming ``from`` or ``to``; a log without a
checkpoint answers 404. A ``TestClient`` used as a context manager runs the
app's lifespan: a command written through it is signed when the client closes
(the server's shutdown).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovet.adapters.signing import verify_ed25519
from sovet.ledger.chain import canonical_event
from sovet.ledger.checkpoint import CheckpointBody
from sovet.ledger.merkle import MerkleTree, verify_consistency
from sovet.server import create_app
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import CheckpointPolicy, latest_checkpoint
from tests.e2e.api.conftest import Api
from tests.e2e.api.test_api_commands import FACTION


def test_the_latest_checkpoint_and_a_consistency_proof(api: Api) -> None:
    latest = api.client.get("/api/checkpoints/latest").json()
    assert set(latest) == {
        "size",
        "root",
        "head",
        "public_key",
        "signature",
        "appended_at",
        "snapshot",  # the first signing takes a snapshot: a v2 checkpoint
    }
    assert latest["public_key"] == api.services.signer.public_key_hex()
    body = CheckpointBody(
        latest["size"], latest["root"], latest["head"], latest["snapshot"]
    )
    assert verify_ed25519(
        latest["public_key"], body.message(), bytes.fromhex(latest["signature"])
    )
    with api.services.uow() as uow:
        leaves = [canonical_event(e) for e in uow.events.read()]
    m, n = 5, latest["size"]
    answer = api.client.get(f"/api/checkpoints/consistency?from={m}&to={n}")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["from"], answer.json()["to"]) == (m, n)
    assert verify_consistency(
        m,
        n,
        MerkleTree(leaves[:m]).root(),
        bytes.fromhex(latest["root"]),
        [bytes.fromhex(p) for p in answer.json()["proof"]],
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=0&to=3", "from"),
        ("from=4&to=3", "to"),
        ("from=1&to=99999999", "to"),
        ("from=x&to=3", "from"),
        ("to=3", "from"),
        ("from=1&to=99999999999999999999", "to"),
    ],
)
def test_bad_sizes_answer_422_naming_the_field(
    api: Api, query: str, field: str
) -> None:
    answer = api.client.get(f"/api/checkpoints/consistency?{query}")
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["error"]["message"]


def test_no_checkpoint_yet_answers_404(tmp_path: Path) -> None:
    with bootstrap(str(tmp_path / "empty.db"), create=True) as services:
        answer = TestClient(create_app(services)).get("/api/checkpoints/latest")
    assert answer.status_code == 404
    assert "no signed checkpoint" in answer.json()["error"]["message"]


def test_a_command_through_the_app_is_signed_at_shutdown(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    slow = CheckpointPolicy(every_events=1_000, every_seconds=3_600)
    with TestClient(create_app(api.services, checkpoints=slow)) as client:
        answer = client.post(
            "/api/bodies/commands/register_faction", json=FACTION, headers=admin
        )
        assert answer.status_code == 200, answer.text
        before = latest_checkpoint(api.services.uow())
        assert before is not None
        assert before.checkpoint.size < api.head()[0]
    after = latest_checkpoint(api.services.uow())
    assert after is not None
    assert after.checkpoint.size == api.head()[0]
    assert after.appended_at is not None
