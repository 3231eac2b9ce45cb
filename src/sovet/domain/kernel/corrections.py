"""SR-28: late entries and corrections — acts voided, never deleted.

The log is append-only, so a mistaken or invalidated act stays in it; an
explicit event says it no longer counts, and the fold skips it:

- ``ActVoided``: a late entry (an act dated before the latest act in effect,
  ``late = true``) made a later act fail its rules when re-checked in the
  domain's order; it names the voided act's events (``seqs``), the rule it now
  breaks and the late entry (``by``, the seq of its first event).
- ``EntryAnnulled``: a correction (``annul_entry``, by the secretary who
  records the minutes) annuls a mistaken entry (the act holding ``entry``),
  with a reason; the acts after it are re-checked as for a late entry.

``voided_seqs`` reads the voids of a log: a later void may itself void an
earlier one (annulling a late entry brings back the acts it had voided), so
the voids are read from the newest back. ``acts`` groups a log into acts: an
act's events were appended together, the first carrying its command (v2
envelopes); a v1 event (no command recorded) is an act of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import (
    VOID_TYPES,
    FederationState,
    VoidRecord,
    voided_seqs,
)
from sovet.errors import RuleViolation, says
from sovet.ledger.envelope import ENVELOPE_V1, StoredEvent

__all__ = [
    "VOID_TYPES",
    "ActVoided",
    "AnnulEntry",
    "EntryAnnulled",
    "act_of",
    "acts",
    "voided_seqs",
]


@command(resource="bodies", issuers=Issuers(SECRETARY, field="body"))
class AnnulEntry(Command):
    """SR-28: annul a mistaken entry of the minutes; the acts after it are re-checked.

    The entry stays in the log; an ``EntryAnnulled`` event says it no longer
    counts, and each later act that now fails its rules is voided.
    """

    body: Annotated[str, "the id of the body whose minutes hold the entry"]
    entry: Annotated[int, "the log sequence number (seq) of an event of the act"]
    reason: Annotated[str, "why the entry is annulled (kept in the log)"]


@event()
class EntryAnnulled(DomainEvent):
    """SR-28: a mistaken entry annulled by correction: its events no longer count."""

    body: str
    entry: int
    seqs: tuple[int, ...]
    reason: str
    summary: str = ""

    @property
    def stream_id(self) -> str:
        """The minutes of the body."""
        return f"minutes:{self.body}"

    def describe(self) -> str:
        """One line."""
        what = f" ({self.summary})" if self.summary else ""
        return f"entry {self.entry}{what} annulled: {self.reason}"


@event()
class ActVoided(DomainEvent):
    """SR-28: an act voided because a late entry or a correction made it fail."""

    seqs: tuple[int, ...]
    rule: str
    reason: str
    by: int
    summary: str = ""

    @property
    def stream_id(self) -> str:
        """The federation's record of voided acts."""
        return "voids"

    def describe(self) -> str:
        """One line."""
        what = f" ({self.summary})" if self.summary else ""
        return (
            f"act at seq {self.seqs[0]}{what} voided by the entry at seq {self.by}: "
            f"{self.rule}: {self.reason}"
        )


def acts(events: Sequence[StoredEvent]) -> list[list[StoredEvent]]:
    """``events`` (in seq order) grouped into acts (see the module docstring)."""
    grouped: list[list[StoredEvent]] = []
    for stored in events:
        starts = (
            not grouped
            or stored.envelope == ENVELOPE_V1
            or stored.command is not None
            or grouped[-1][-1].seq != stored.seq - 1
            or grouped[-1][-1].effective_at != stored.effective_at
        )
        if starts:
            grouped.append([stored])
        else:
            grouped[-1].append(stored)
    return grouped


def act_of(log: Sequence[StoredEvent], seq: int) -> list[StoredEvent]:
    """The events of the act holding event ``seq`` (``RuleViolation`` if none)."""
    by_seq = sorted(log, key=lambda e: e.seq)
    for act in acts(by_seq):
        if act[0].seq <= seq <= act[-1].seq:
            return act
    raise RuleViolation("SR-28", says("no event {seq} in the log", seq=seq), seq)


@decides(AnnulEntry)
def _annul(state: FederationState, cmd: AnnulEntry) -> list[DomainEvent]:
    state.body(cmd.body)
    if not cmd.reason.strip():
        raise RuleViolation("SR-28", says("a correction needs a reason"), cmd.reason)
    if cmd.entry in state.voided:
        raise RuleViolation(
            "SR-28",
            says("the entry at seq {entry} is already void", entry=cmd.entry),
            cmd.entry,
        )
    act = act_of(state.events(), cmd.entry)
    if act[0].type in VOID_TYPES:
        raise RuleViolation(
            "SR-28",
            says(
                "seq {entry} is a {type}; annul the entry that caused it",
                entry=cmd.entry,
                type=act[0].type,
            ),
            cmd.entry,
        )
    if act[0].type == "ConstitutionAdopted":
        raise RuleViolation(
            "SR-28",
            says(
                "seq {entry} adopts the constitution, which no correction "
                "annuls (everything rests on it); adopt a new one",
                entry=cmd.entry,
            ),
            cmd.entry,
        )
    return [
        EntryAnnulled(
            at=cmd.at,
            body=cmd.body,
            entry=cmd.entry,
            seqs=tuple(e.seq for e in act),
            reason=cmd.reason,
            summary=act[0].type,
        )
    ]


@evolves(EntryAnnulled)
def _annulled(state: FederationState, evt: EntryAnnulled, ref: EventRef) -> None:
    state.voids.append(
        VoidRecord(tuple(evt.seqs), "SR-28", f"annulled: {evt.reason}", ref)
    )


@evolves(ActVoided)
def _voided(state: FederationState, evt: ActVoided, ref: EventRef) -> None:
    state.voids.append(VoidRecord(tuple(evt.seqs), evt.rule, evt.reason, ref))
