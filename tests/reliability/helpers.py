"""Helpers of the reliability tests: the independent verifier, logs, tampering."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from sqlalchemy import Engine, text

from sovet.adapters.sql import SqlUnitOfWork
from sovet.ledger.envelope import NewEvent, StoredEvent

REPO = Path(__file__).resolve().parents[2]
VERIFIER = REPO / "tools" / "verify_export.py"


@cache
def verifier() -> ModuleType:
    """``tools/verify_export.py`` loaded as a module (it is not part of sovet)."""
    spec = importlib.util.spec_from_file_location("verify_export", VERIFIER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_export", module)
    spec.loader.exec_module(module)
    return module


def events(n: int, *, streams: int = 7, start: int = 0) -> list[NewEvent]:
    """``n`` small events spread over ``streams`` streams (all JSON kinds)."""
    return [
        NewEvent(
            f"stream-{i % streams}",
            "Recorded",
            {
                "i": i,
                "who": f"deputy-{i:05d}",
                "ok": i % 2 == 0,
                "none": None,
                "list": [i, "x"],
                "nested": {"b": 1, "a": "é"},
            },
            f"1918-01-{1 + i % 28:02d}",
        )
        for i in range(start, start + n)
    ]


def append(engine: Engine, new: list[NewEvent]) -> list[StoredEvent]:
    """Append ``new`` in one committed unit of work; the stored events."""
    with SqlUnitOfWork(engine) as uow:
        stored = uow.events.append(new)
        uow.commit()
    return stored


def read(engine: Engine) -> list[StoredEvent]:
    """The whole log, through the store."""
    with SqlUnitOfWork(engine) as uow:
        return list(uow.events.read())


def tamper_byte(engine: Engine, seq: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length) in the stored payload of ``seq``."""
    with engine.begin() as conn:
        payload = conn.execute(
            text("SELECT payload FROM events WHERE seq = :s"), {"s": seq}
        ).scalar_one()
        assert old in payload
        assert len(old) == len(new)
        conn.execute(
            text("UPDATE events SET payload = :p WHERE seq = :s"),
            {"p": payload.replace(old, new, 1), "s": seq},
        )


def delete(engine: Engine, *seqs: int) -> None:
    """Delete the rows ``seqs`` behind the store's back."""
    with engine.begin() as conn:
        for seq in seqs:
            conn.execute(text("DELETE FROM events WHERE seq = :s"), {"s": seq})


def swap(engine: Engine, a: int, b: int) -> None:
    """Swap the positions (``seq``) of two rows."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE events SET seq = -1 WHERE seq = :a"), {"a": a})
        conn.execute(
            text("UPDATE events SET seq = :a WHERE seq = :b"), {"a": a, "b": b}
        )
        conn.execute(text("UPDATE events SET seq = :b WHERE seq = -1"), {"b": b})


def duplicate(engine: Engine, seq: int, last: int, *, bump: int = 0) -> None:
    """Insert a copy of row ``seq`` right after it (later rows move up one).

    ``bump`` adds to the copy's version, to get past ``UNIQUE(stream_id,
    version)``, which refuses a verbatim copy.
    """
    with engine.begin() as conn:
        for s in range(last, seq, -1):
            conn.execute(
                text("UPDATE events SET seq = :n WHERE seq = :s"), {"n": s + 1, "s": s}
            )
        conn.execute(
            text(
                "INSERT INTO events (seq, stream_id, version, type, payload, "
                "recorded_at, prev_hash, hash, appended_at, envelope, command) "
                "SELECT :n, stream_id, version + :b, type, payload, recorded_at, "
                "prev_hash, hash, appended_at, envelope, command FROM events "
                "WHERE seq = :s"
            ),
            {"n": seq + 1, "s": seq, "b": bump},
        )
