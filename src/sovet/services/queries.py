"""Read-side services: legitimacy at T (SR-28), log pages, and verification.

``verify`` checks the whole log: every hash link (``ledger.chain.verify``), then
every stored checkpoint — its head hash, the RFC 9162 Merkle root of the events
it covers, and its Ed25519 signature. The first failure raises ``ChainBroken``
naming the event (or, for a consistently rewritten log, the checkpoint's last
event).
"""

from __future__ import annotations

from dataclasses import dataclass

from sovet.domain import event_from_stored, summary
from sovet.domain.calendar import parse_at
from sovet.domain.errors import InputError
from sovet.domain.legitimacy import legitimacy
from sovet.ledger import chain
from sovet.ledger.checkpoint import SignatureCheck
from sovet.ledger.envelope import JSONValue, StoredEvent
from sovet.ports import UnitOfWork
from sovet.services.checkpoints import check_checkpoints
from sovet.services.handlers import StateCache

__all__ = [
    "LogPage",
    "VerifyReport",
    "check_time",
    "legitimacy_at",
    "log_page",
    "verify_log",
]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """An intact log: its size, head hash, checkpoints checked and their keys."""

    events: int
    head_hash: str
    checkpoints: int
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogPage:
    """A page of the log with one readable summary per event."""

    events: list[StoredEvent]
    summaries: dict[int, str]


def legitimacy_at(
    uow: UnitOfWork, at: str, *, cache: StateCache | None = None
) -> dict[str, JSONValue]:
    """SR-28: who legitimately governs at ``at``, as the DESIGN §4 JSON."""
    check_time(at)
    with uow:
        state = (cache or StateCache()).current(uow.events)
    answer: dict[str, JSONValue] = legitimacy(state, at).to_json()
    return answer


def check_time(at: str, *, key: str = "--at") -> str:
    """``at`` if it is an ISO 8601 date or date-time, else an ``InputError``."""
    try:
        parse_at(at)
    except ValueError:
        raise InputError(
            f"{at!r} is not an ISO 8601 date or date-time (e.g. 1917-11-18)",
            source=key,
        ) from None
    return at


def log_page(uow: UnitOfWork, *, start: int = 1, limit: int = 50) -> LogPage:
    """Events ``start``, ``start + 1`` … (at most ``limit``) with their summaries."""
    with uow:
        events = list(uow.events.read(after_seq=max(start, 1) - 1, limit=limit))
    return LogPage(
        events, {event.seq: summary(event_from_stored(event)) for event in events}
    )


def verify_log(uow: UnitOfWork, verify_signature: SignatureCheck) -> VerifyReport:
    """Verify the chain, then every checkpoint's head, Merkle root and signature."""
    with uow:
        events = list(uow.events.read())
        checkpoints = uow.checkpoints.list()
    count, head = chain.verify(events)
    checked = check_checkpoints(events, checkpoints, verify_signature)
    keys = tuple(dict.fromkeys(checkpoint.public_key for checkpoint in checkpoints))
    return VerifyReport(count, head, checked, keys)
