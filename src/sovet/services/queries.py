"""Read-side services: legitimacy at T (SR-28), a person's seats at T, log
pages, and verification.

``verify_log`` checks the whole log: every hash link (``ledger.chain.verify``),
then every stored checkpoint — its head hash, the RFC 9162 Merkle root of the
events it covers, and its Ed25519 signature — and the key records (rotations,
certificates). The first failure raises ``ChainBroken`` naming the event (or,
for a consistently rewritten log, the checkpoint's last event). It is
``services.keys.verify`` with the ``pinned`` keys as anchors; the edges call
``services.trust.verify_database``, which finds the anchors of a database.

Key pinning: a rewriter could re-sign a rewritten log with a key of their own,
and every checkpoint would still verify under the key it carries. ``verify_log``
therefore takes the ``pinned`` keys it trusts (the database's own key, the keys
an import pinned, or the key an observer names) and refuses a checkpoint signed
by any other. ``read_pins``/``write_pins`` keep the imported keys in
``<key file>.pins`` beside the database's signing key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from sovet.adapters.sql.engine import create_private
from sovet.domain import FederationState, event_from_stored, summary
from sovet.domain.government.chain_report import SeatLine, seats
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.calendar import moment, parse_at
from sovet.errors import ChainBroken, InputError, says
from sovet.ledger.checkpoint import SignatureCheck
from sovet.ledger.envelope import JSONValue, StoredEvent
from sovet.ports import Checkpoint, UnitOfWork
from sovet.services.keys import Anchor, verify
from sovet.services.shared_state import SharedState
from sovet.services.snapshotting import SnapshotLoader

__all__ = [
    "LogPage",
    "VerifyReport",
    "check_public_key",
    "check_signers",
    "check_time",
    "legitimacy_at",
    "log_page",
    "pins_path",
    "read_pins",
    "seats_at",
    "verify_log",
    "write_pins",
]


_MAX_SEQ = 2**63 - 1
"""The largest event number a SQL ``BIGINT`` holds."""


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
    uow: UnitOfWork,
    at: str,
    *,
    cache: SharedState | None = None,
    as_known_at: str | None = None,
) -> dict[str, JSONValue]:
    """SR-28: who legitimately governs at ``at``, as the DESIGN §4 JSON.

    With ``as_known_at`` (K): as the records stood at K — only the events
    appended by then count (``FederationState.as_known_at``); the answer's
    ``as_known_at`` is K, or null for the records as they stand now.
    """
    check_time(at)
    if as_known_at is not None:
        check_time(as_known_at, key="--as-known-at")
    with (cache or SharedState()).snapshot(lambda: uow) as state:
        if as_known_at is not None:
            state = _known_at(state, as_known_at, cache)
        answer: dict[str, JSONValue] = legitimacy(state, at).to_json()
    answer["as_known_at"] = as_known_at
    return answer


def _known_at(
    state: FederationState, known: str, cache: SharedState | None
) -> FederationState:
    """``state.as_known_at(known)``, from a snapshot that can serve it when
    the cache starts from snapshots (``snapshotting.SnapshotLoader``)."""
    loader = None if cache is None else cache.cold
    if isinstance(loader, SnapshotLoader) and state.head is not None:
        found = loader.known_at(state.head[0], known, state.zone)
        if found is not None:
            return found
    return state.as_known_at(known)


def seats_at(
    uow: UnitOfWork, person: str, at: str, *, cache: SharedState | None = None
) -> list[SeatLine]:
    """Every seat and office ``person`` holds at ``at`` (the state as recorded
    up to then), each with the event that gave it."""
    check_time(at)
    cache = cache or SharedState()
    with cache.snapshot(lambda: uow) as state:
        if state.last_at is not None and moment(state.last_at) > moment(
            at, end_of_day=True
        ):
            state = cache.as_of(state, at)
        return seats(state, person)


def check_time(at: str, *, key: str = "--at") -> str:
    """``at`` if it is an ISO 8601 date or date-time, else an ``InputError``."""
    try:
        parse_at(at)
    except ValueError:
        raise InputError(
            says(
                "{at!r} is not an ISO 8601 date or date-time (e.g. 1917-11-18)", at=at
            ),
            source=key,
        ) from None
    return at


def log_page(uow: UnitOfWork, *, start: int = 1, limit: int = 50) -> LogPage:
    """Events ``start``, ``start + 1`` … (at most ``limit``) with their summaries."""
    if start > _MAX_SEQ:  # no such event; SQL integers stop at 2**63 - 1
        return LogPage([], {})
    limit = min(limit, _MAX_SEQ)
    with uow:
        events = list(uow.events.read(after_seq=max(start, 1) - 1, limit=limit))
    return LogPage(
        events, {event.seq: summary(event_from_stored(event)) for event in events}
    )


def verify_log(
    uow: UnitOfWork,
    verify_signature: SignatureCheck,
    *,
    pinned: Collection[str] | None = None,
) -> VerifyReport:
    """Verify the chain, then every checkpoint's head, Merkle root and signature.

    With ``pinned``, every checkpoint must also be signed by one of those keys
    (or by a key rotated to from one of them).
    """
    anchors = (
        None if pinned is None else [Anchor(key, says("pinned")) for key in pinned]
    )
    found = verify(uow, verify_signature, anchors)
    return VerifyReport(found.events, found.head_hash, found.checkpoints, found.keys)


def check_signers(checkpoints: Iterable[Checkpoint], pinned: Collection[str]) -> None:
    """Refuse (``ChainBroken``) the first checkpoint signed by a key not pinned."""
    for checkpoint in checkpoints:
        if checkpoint.public_key not in pinned:
            trusted = ", ".join(sorted(pinned)) or "none"
            raise ChainBroken(
                max(checkpoint.size, 1),
                f"checkpoint of {checkpoint.size} events is signed by "
                f"{checkpoint.public_key}, not by a pinned key ({trusted})",
            )


def check_public_key(value: str, *, key: str = "--public-key") -> str:
    """``value`` lower-cased if it is a 64-hex-digit Ed25519 public key."""
    text = value.strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InputError(
            says("{value!r} is not an Ed25519 public key (64 hex digits)", value=value),
            source=key,
        )
    return text


def pins_path(key_file: Path) -> Path:
    """Where the keys pinned at import live: ``<key file>.pins``."""
    return key_file.with_name(key_file.name + ".pins")


def read_pins(key_file: Path) -> tuple[str, ...]:
    """The public keys pinned beside ``key_file`` (none if no pins file)."""
    path = pins_path(key_file)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            says("cannot read the pinned keys: {error}", error=error), source=str(path)
        ) from error
    return tuple(check_public_key(line, key=str(path)) for line in text.split() if line)


def write_pins(key_file: Path, keys: Iterable[str]) -> None:
    """Pin ``keys`` (besides those already pinned) beside ``key_file``."""
    merged = dict.fromkeys((*read_pins(key_file), *keys))
    try:
        create_private(pins_path(key_file))  # 0600 like the key beside it
        pins_path(key_file).write_text(
            "".join(f"{key}\n" for key in merged), encoding="ascii"
        )
    except OSError as error:
        raise InputError(
            says("cannot write the pinned keys: {strerror}", strerror=error.strerror),
            source=str(pins_path(key_file)),
        ) from error
