"""SR-28: folding the log — from stored events, or from a source read again.

``fold(events)`` applies a list of ``StoredEvent``s (tests, scratch states,
imports): the state it makes keeps them (``kept``). ``fold_source(source,
selection)`` reads the log from a ``LogSource`` (the store, given by the
services) as rows (``envelope.EventRow``: no envelope object, payload decoded
straight into the event class) and keeps no event: ``as_of``, ``as_known_at``,
the time index, the minutes and a correction read the log again through the
state's source, with the state's ``Selection``.

Both apply the events in the domain's order — effective time, then seq — and
skip the events that a void names. A source's rows come in seq order; the fold
applies them as they come while they are in the domain's order with no void
among them (the common log), else reads the selection's keys once, orders them
and reads the rows again by seq in that order.
"""

from __future__ import annotations

import gc
import json
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import msgspec

from sovet.domain.kernel.calendar import moment
from sovet.domain.kernel.decode import decode_payload, prefix
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.registry import (
    NO_REF,
    apply_row,
    evolve,
    row_plan,
    summary,
)
from sovet.domain.kernel.state import VOID_TYPES, FederationState
from sovet.ledger.canonical import canonical_json
from sovet.ledger.envelope import EventRow, StoredEvent

__all__ = [
    "LogSource",
    "Selection",
    "closing_rows",
    "domain_order",
    "events_of",
    "fold",
    "fold_source",
    "ordered_rows",
    "refold",
    "rows_of",
    "voided_seqs",
]


class LogSource(Protocol):
    """The log read again (the store): rows or whole events, up to seq ``upto``."""

    def rows(self, upto: int) -> Iterator[EventRow]:
        """The rows of the events ``seq <= upto`` in seq order."""
        ...

    def rows_at(self, seqs: Sequence[int]) -> Iterator[EventRow]:
        """The rows of the events ``seqs`` in the order given."""
        ...

    def events(self, upto: int, after: int = 0) -> Iterator[StoredEvent]:
        """The stored events ``after < seq <= upto`` in seq order (with commands)."""
        ...


@dataclass(frozen=True, slots=True)
class Selection:
    """Which events of the log a state folds: ``seq <= upto``, effective at or
    before ``until`` and appended at or before ``known`` (when set; moments in
    ``zone``, appended times in UTC)."""

    upto: int
    until: datetime | None = None
    known: datetime | None = None
    zone: str = "UTC"

    def narrowed(
        self, *, until: datetime | None = None, known: datetime | None = None
    ) -> Selection:
        """This selection with a tighter limit (the tighter of old and new)."""
        return Selection(
            self.upto,
            _least(self.until, until),
            _least(self.known, known),
            self.zone,
        )

    def keeps(self, at: str, appended: str | None) -> bool:
        """True when an event effective at ``at``, appended at ``appended``, is in."""
        if self.until is not None and moment(at, zone=self.zone) > self.until:
            return False
        return self.known is None or appended is None or moment(appended) <= self.known


def _least(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def voided_seqs(events: Iterable[StoredEvent]) -> frozenset[int]:
    """The seqs the log's voids name; a void that a later one voids does not
    count (annulling a late entry brings back what it voided), so the voids
    are read from the newest back."""
    return _voided([(e.seq, e.payload) for e in events if e.type in VOID_TYPES])


def _voided(voids: Sequence[tuple[int, object]]) -> frozenset[int]:
    voided: set[int] = set()
    for seq, payload in sorted(voids, key=lambda v: v[0], reverse=True):
        if seq in voided:
            continue
        seqs = payload.get("seqs", []) if isinstance(payload, dict) else []
        voided.update(s for s in seqs if type(s) is int)
    return frozenset(voided)


def _zone(constitution: object) -> str:
    found = constitution if isinstance(constitution, dict) else {}
    records = found.get("constitution", {}).get("records", {})
    zone = records.get("timezone", "UTC") if isinstance(records, dict) else "UTC"
    return zone if isinstance(zone, str) else "UTC"


def _zone_of(events: Sequence[StoredEvent]) -> str:
    """The ``records.timezone`` of the log's latest constitution (else UTC)."""
    for stored in reversed(events):
        if stored.type == "ConstitutionAdopted":
            return _zone(stored.payload)
    return "UTC"


def domain_order(events: Sequence[StoredEvent], zone: str) -> Sequence[StoredEvent]:
    """``events`` by (effective time, seq): as given when already in that order."""
    seen: dict[str, datetime] = {}

    def key(stored: StoredEvent) -> datetime:
        at = stored.effective_at
        found = seen.get(at)
        if found is None:
            found = seen[at] = moment(at, zone=zone)
        return found

    last: datetime | None = None
    last_seq = 0
    for stored in events:
        when = key(stored)
        if last is not None and (when < last or stored.seq < last_seq):
            return sorted(events, key=lambda e: (key(e), e.seq))
        last, last_seq = when, stored.seq
    return events


class _Paused:
    """The cyclic GC paused for a replay: it allocates millions of objects
    that live on (records, refs), which would otherwise trigger full
    collections over an ever larger heap; evolving makes no cycles."""

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *_exc: object) -> None:
        if self.was:
            gc.enable()


def fold(
    events: Iterable[StoredEvent], *, voided: frozenset[int] | None = None
) -> FederationState:
    """SR-28: the state the events make, applied from an empty state in the
    domain's order, voided events skipped (``voided``: else the events' own).
    The state keeps the events (``kept``); the GC is paused meanwhile."""
    with _Paused():
        log = events if isinstance(events, list) else list(events)
        skip = voided_seqs(log) if voided is None else voided
        state = FederationState()
        state.voided = skip
        for stored in domain_order(log, _zone_of(log)):
            if stored.seq in skip:
                state.record(stored, applied=False)
            else:
                evolve(state, stored)
    return state


def fold_source(
    source: LogSource, selection: Selection, *, voided: frozenset[int] | None = None
) -> FederationState:
    """SR-28: the state of the events ``selection`` picks from ``source``, in the
    domain's order, voided events skipped (``voided``: else their own voids).
    The state keeps no event: it reads them again through ``source``."""
    with _Paused():
        state = _fresh(source, selection, voided)
        with closing_rows(source.rows(selection.upto)) as rows:
            if _in_order(state, rows, selection, voided):
                return state
        order, found = _plan(source, selection)
        state = _fresh(source, selection, found if voided is None else voided)
        state.reordered = True
        with closing_rows(source.rows_at(order)) as rows:
            _apply_all(state, rows)
    return state


@contextmanager
def closing_rows(rows: Iterator[EventRow]) -> Iterator[Iterator[EventRow]]:
    """``rows``, closed when the block ends however it ends: a store's reader
    left half-read would otherwise close its cursor whenever it is collected,
    perhaps after its connection (a fold stops early, or a row refuses)."""
    try:
        yield rows
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _fresh(
    source: LogSource, selection: Selection, voided: frozenset[int] | None
) -> FederationState:
    state = FederationState(kept=None, source=source, selection=selection)
    state.voided = voided or frozenset()
    state.upto = selection.upto
    return state


def _apply_all(state: FederationState, rows: Iterable[EventRow]) -> None:
    skip = state.voided
    for row in rows:
        if row[0] in skip:
            state.note(row, applied=False)
        else:
            apply_row(state, row)


def _in_order(
    state: FederationState,
    rows: Iterable[EventRow],
    selection: Selection,
    voided: frozenset[int] | None,
) -> bool:
    """Apply ``rows`` while they come in the domain's order; ``False`` (the
    state then half-made) at the first that does not, or at a void when the
    voids are the log's own (they may name events already applied).

    The fold's inner loop (issue 13): ``registry.apply_row`` and
    ``FederationState.note`` written out, the state's head, times and size
    set once at the end (no evolver reads them)."""
    picky = selection.until is not None or selection.known is not None
    skip = state.voided
    zone = state.zone
    seen: dict[str, tuple[datetime, str, str]] = {}
    plans: dict[str, tuple[Any, ...]] = {}
    last: datetime | None = None
    count, first, final, appended = 0, None, None, state.appended
    head_seq, head_hash = state.head if state.head is not None else (0, "")
    for row in rows:
        seq, type_, text, at, digest, stamp = row
        if picky and not selection.keeps(at, stamp):
            continue
        found = seen.get(at)
        if found is None:
            found = seen[at] = (moment(at, zone=zone), prefix(at), at)
        when, at = found[0], found[2]  # one text per distinct time, kept in refs
        if last is not None and when < last:
            return False
        count += 1
        head_seq, head_hash = seq, digest
        if stamp is not None:
            appended = stamp
        last = when
        if skip and seq in skip:
            continue
        plan = plans.get(type_)
        if plan is None:  # the type's first text, kept in every ref of it
            if voided is None and type_ in VOID_TYPES:
                return False
            adopts = type_ == "ConstitutionAdopted"
            plan = plans[type_] = (*row_plan(type_, seq), type_, adopts)
        cls, decode, evolver, wants_ref, type_, adopts = plan
        try:
            evt = decode(found[1] + text[1:])
        except msgspec.MsgspecError:
            evt = decode_payload(cls, text, at, seq)  # names what is wrong
        if wants_ref:
            evolver(state, evt, EventRef(seq, digest, type_, summary(evt), at, stamp))
        else:
            evolver(state, evt, NO_REF)
        final = at
        if first is None:
            first = at
        if adopts and state.zone != zone:
            if count > 1:
                return False  # the events before were ordered in another zone
            zone, seen, last = state.zone, {}, moment(at, zone=state.zone)
    state.size += count
    if count:
        state.head, state.appended = (head_seq, head_hash), appended
    if final is not None:
        state.last_at = final
        state.first_at = state.first_at or first
    return True


def _plan(source: LogSource, selection: Selection) -> tuple[list[int], frozenset[int]]:
    """Read the selection's keys once: its seqs in the domain's order, and the
    seqs its voids name (compact: a seq and the index of a distinct time each)."""
    seqs, times = array("q"), array("l")
    distinct: dict[str, int] = {}
    voids: list[tuple[int, object]] = []
    zone = "UTC"
    with closing_rows(source.rows(selection.upto)) as rows:
        for seq, type_, text, at, _, appended in rows:
            if not selection.keeps(at, appended):
                continue
            seqs.append(seq)
            times.append(distinct.setdefault(at, len(distinct)))
            if type_ in VOID_TYPES:
                voids.append((seq, json.loads(text)))
            elif type_ == "ConstitutionAdopted":
                zone = _zone(json.loads(text))
    moments = [moment(at, zone=zone) for at in distinct]
    order = sorted(range(len(seqs)), key=lambda i: (moments[times[i]], seqs[i]))
    return [seqs[i] for i in order], _voided(voids)


def ordered_rows(state: FederationState) -> Iterator[EventRow]:
    """The rows of the events ``state`` folded, in the order it folded them."""
    source, selection = state.source, state.selection
    if source is None or selection is None:
        yield from rows_of(state.events())
        return
    full = Selection(state.upto, selection.until, selection.known, selection.zone)
    if state.reordered:
        yield from source.rows_at(_plan(source, full)[0])
        return
    picky = full.until is not None or full.known is not None
    with closing_rows(source.rows(full.upto)) as rows:
        for row in rows:
            if not picky or full.keeps(row[3], row[5]):
                yield row


def rows_of(events: Iterable[StoredEvent]) -> Iterator[EventRow]:
    """Stored events as rows (their payloads in canonical JSON)."""
    for e in events:
        text = canonical_json(e.payload).decode("utf-8", "surrogateescape")
        yield e.seq, e.type, text, e.effective_at, e.hash, e.appended_at


def refold(
    state: FederationState,
    *,
    until: datetime | None = None,
    known: datetime | None = None,
) -> FederationState:
    """``state``'s events narrowed to ``until`` (effective, with the voids the
    state knows) or ``known`` (appended, with their own voids), read again."""
    source, selection = state.source, state.selection
    if source is None or selection is None:
        raise _sourceless()
    zone = state.zone if until is not None else selection.zone
    base = Selection(state.upto, selection.until, selection.known, zone)
    narrowed = base.narrowed(until=until, known=known)
    return fold_source(source, narrowed, voided=state.voided if known is None else None)


def events_of(state: FederationState, after: int = 0) -> list[StoredEvent]:
    """The stored events ``state`` folded, read again, in the order it folded
    them (those with ``seq > after``)."""
    source, selection = state.source, state.selection
    if source is None or selection is None:
        if state.kept is None:
            raise _sourceless()
        return [e for e in state.kept if e.seq > after]
    full = Selection(state.upto, selection.until, selection.known, selection.zone)
    picky = full.until is not None or full.known is not None
    picked = [
        e
        for e in source.events(full.upto, after)
        if not picky or full.keeps(e.effective_at, e.appended_at)
    ]
    return list(domain_order(picked, state.zone))


def _sourceless() -> RuntimeError:
    return RuntimeError(
        "this state holds no events and has no source to read them again from "
        "(one unpickled or deep-copied: set its source, a replay.LogSource)"
    )
