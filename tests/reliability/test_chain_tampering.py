"""Issue 5 items 1-3: a long chain verifies; tampering and rollback are caught.

1. 1,000+ events verify and the head equals an independent recomputation (the
   verifier in ``tools/``, which shares no code with sovet).
2. One changed payload byte, a deleted, a swapped and a duplicated event, each
   done behind the store's back: ``verify`` fails naming the first bad event.
3. Rollback: a saved signed checkpoint at size m; dropping the events after
   k < m fails verification against it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.adapters.sql import SqlUnitOfWork, make_engine, migrate
from sovet.cli.app import app
from sovet.cli.edge import EXIT_UNAUTHENTICATED
from sovet.errors import ChainBroken
from sovet.ledger.checkpoint import checkpoint_body, sign_checkpoint
from sovet.ledger.envelope import StoredEvent
from sovet.services.checkpoints import check_checkpoints, sign_head
from sovet.services.queries import verify_log
from tests.reliability.helpers import (
    append,
    delete,
    duplicate,
    events,
    read,
    swap,
    tamper_byte,
    verifier,
)

N = 1_200


def _independent_head(stored: list[StoredEvent]) -> str:
    """The head by the verifier's own canonical JSON and SHA-256 chain."""
    tool = verifier()
    rows = [
        {
            "seq": e.seq,
            "stream_id": e.stream_id,
            "version": e.version,
            "type": e.type,
            "payload": dict(e.payload),
            "effective_at": e.effective_at,
            "appended_at": e.appended_at,
            "envelope": e.envelope,
            "command": e.command,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in stored
    ]
    header = {"events": len(rows), "head_hash": rows[-1]["hash"]}
    head: str = tool.check_chain(header, rows)
    return head


def test_long_chain_verifies_and_head_is_recomputed(engine: Engine) -> None:
    for start in range(0, N, 400):  # several transactions, like a real log
        append(engine, events(400, start=start))
    with SqlUnitOfWork(engine) as uow:
        size, head = uow.events.head()
    report = verify_log(SqlUnitOfWork(engine), verify_ed25519)
    assert (report.events, report.head_hash) == (size, head)
    assert size == N
    assert _independent_head(read(engine)) == head


def _check(engine: Engine) -> ChainBroken:
    with pytest.raises(ChainBroken) as caught:
        verify_log(SqlUnitOfWork(engine), verify_ed25519)
    return caught.value


Tamper = Callable[[Engine], None]
CASES: list[tuple[str, Tamper, int, str]] = [
    (
        "changed byte",
        lambda e: tamper_byte(e, 37, "deputy-00036", "deputy-00037"),
        37,
        "altered",
    ),
    ("deleted", lambda e: delete(e, 12), 13, "12…12 are missing"),
    ("deleted last", lambda e: delete(e, 60), 60, "missing"),
    ("swapped", lambda e: swap(e, 20, 21), 20, "event 20"),
    ("duplicated", lambda e: duplicate(e, 44, 60, bump=10**6), 45, "event 45"),
]


@pytest.mark.parametrize(
    ("tamper", "first_bad", "said"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_tampering_names_the_first_bad_event(
    engine: Engine, tamper: Tamper, first_bad: int, said: str
) -> None:
    append(engine, events(60))
    signer = Ed25519Signer.generate()
    sign_head(SqlUnitOfWork(engine), signer)  # the last deletion needs a checkpoint
    tamper(engine)
    broken = _check(engine)
    assert broken.seq == first_bad
    assert said in str(broken)


def test_a_verbatim_duplicate_is_refused_by_the_database(engine: Engine) -> None:
    append(engine, events(10))
    with pytest.raises(IntegrityError):
        duplicate(engine, 4, 10)
    assert verify_log(SqlUnitOfWork(engine), verify_ed25519).events == 10


def test_cli_verify_names_the_event(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    engine = make_engine(str(path))
    migrate(engine)
    append(engine, events(30))
    runner = CliRunner()
    keyless = runner.invoke(app, ["verify", "--db", str(path)])  # no key beside it
    assert keyless.exit_code == EXIT_UNAUTHENTICATED
    assert "consistent, signer not authenticated" in keyless.output
    swap(engine, 7, 8)
    engine.dispose()
    result = runner.invoke(app, ["verify", "--db", str(path)])
    assert result.exit_code != 0
    assert "7" in result.output


def test_rollback_below_a_saved_checkpoint_fails(engine: Engine) -> None:
    append(engine, events(50))
    signer = Ed25519Signer.generate()
    saved = sign_checkpoint(checkpoint_body(read(engine)[:40]), signer)  # m = 40
    check_checkpoints(read(engine), [saved], verify_ed25519)  # sound before
    with engine.begin() as conn:  # roll back to k = 25 < m, stored checkpoints too
        conn.execute(text("DELETE FROM events WHERE seq > 25"))
        conn.execute(text("DELETE FROM checkpoints"))
    rolled_back = read(engine)
    assert verify_log(SqlUnitOfWork(engine), verify_ed25519).events == 25
    with pytest.raises(ChainBroken) as caught:
        check_checkpoints(rolled_back, [saved], verify_ed25519)
    assert caught.value.seq == 26
    assert "checkpoint covers 40" in caught.value.reason
