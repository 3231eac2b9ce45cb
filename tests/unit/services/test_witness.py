"""The witness's checks (issue 9, item 5), over an in-memory "server".

- first use: the server's key is trusted on first use, said so, and pinned; the
  checkpoint is kept as ``checkpoint-<size>.json`` in the API's form;
- an honest log that grew: the consistency proof checks, the new one is kept;
- a rewritten (re-signed) log, a log that shrank, another checkpoint of a kept
  size, a checkpoint by another key than the pinned one, a forged proof: each
  fails (``ChainBroken``) and nothing new is kept;
- ``--public-key`` that contradicts the folder's pinned key is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.errors import ChainBroken, InputError
from sovet.services.bootstrap import Services, in_memory
from sovet.services.checkpoints import (
    checkpoint_json,
    consistency_proof,
    latest_checkpoint,
    sign_head,
)
from sovet.services.witness import KEY_FILE, kept_checkpoints, witness
from tests.reliability.helpers import events


def _server(n: int, signer: Ed25519Signer | None = None, *, start: int = 0) -> Services:
    services = in_memory(signer)
    _grow(services, n, start=start)
    return services


def _grow(services: Services, n: int, *, start: int = 0) -> None:
    with services.uow() as uow:
        uow.events.append(events(n, start=start))
        uow.commit()
    sign_head(services.uow(), services.signer, clock=services.clock)


def _look(folder: Path, server: Services, **options: Any) -> Any:
    def latest() -> object:
        record = latest_checkpoint(server.uow())
        assert record is not None
        return checkpoint_json(record)

    def proof(m: int, n: int) -> object:
        return {"from": m, "to": n, "proof": consistency_proof(server.uow(), m, n)}

    return witness(folder, latest, proof, verify_ed25519, **options)


def test_first_use_then_an_honest_extension(tmp_path: Path) -> None:
    server = _server(10)
    first = _look(tmp_path, server)
    key = server.signer.public_key_hex()
    assert first.first_use
    assert first.key == key
    assert (tmp_path / KEY_FILE).read_text(encoding="utf-8").strip() == key
    kept = json.loads((tmp_path / "checkpoint-10.json").read_text(encoding="utf-8"))
    assert set(kept) == {
        "size",
        "root",
        "head",
        "public_key",
        "signature",
        "appended_at",
    }
    again = _look(tmp_path, server)
    assert (again.first_use, again.stored) == (False, None)  # nothing new
    _grow(server, 7, start=10)
    grown = _look(tmp_path, server)
    assert grown.previous.checkpoint.size == 10
    assert grown.stored == tmp_path / "checkpoint-17.json"
    assert [size for size, _ in kept_checkpoints(tmp_path)] == [10, 17]


def test_a_rewritten_resigned_log_fails_the_consistency_proof(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate()
    _look(tmp_path, _server(10, signer))
    rewritten = in_memory(signer)  # same key, event 4 differs, then longer
    _grow(rewritten, 3)
    _grow(rewritten, 20, start=4)
    with pytest.raises(ChainBroken, match="consistency proof fails"):
        _look(tmp_path, rewritten)
    assert [size for size, _ in kept_checkpoints(tmp_path)] == [10]


def test_a_shrunk_log_and_a_fork_at_a_kept_size_fail(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate()
    _look(tmp_path, _server(10, signer))
    with pytest.raises(ChainBroken, match="the log shrank"):
        _look(tmp_path, _server(8, signer))
    with pytest.raises(ChainBroken, match="two checkpoints of 10 events differ"):
        _look(tmp_path, _server(10, signer, start=1))


def test_another_key_or_a_forged_proof_fails(tmp_path: Path) -> None:
    server = _server(10)
    _look(tmp_path, server)
    with pytest.raises(ChainBroken, match="not the trusted"):
        _look(tmp_path, _server(12))  # re-signed by a key of its own
    _grow(server, 5, start=10)

    def latest() -> object:
        record = latest_checkpoint(server.uow())
        assert record is not None
        return checkpoint_json(record)

    def forged(m: int, n: int) -> object:
        return {"from": m, "to": n, "proof": ["ab" * 32] * 3}

    with pytest.raises(ChainBroken, match="consistency proof fails"):
        witness(tmp_path, latest, forged, verify_ed25519)
    with pytest.raises(InputError, match="pins the key"):
        _look(tmp_path, server, public_key=Ed25519Signer.generate().public_key_hex())
    given = _look(tmp_path, server, public_key=server.signer.public_key_hex())
    assert not given.first_use
    assert given.stored == tmp_path / "checkpoint-15.json"
