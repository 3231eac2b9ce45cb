"""SR-26: expiry events that are not themselves congress or committee decisions.

Three of the four 1918 expiry events follow from other events (a later session
convenes, the executive committee approves a new government, a withdrawal
motion is carried). This module records the others: the completion of new
elections to the councils (``council_reelection``) and any optional extra
condition the constitution lists in ``expiry.expiry_events`` (e.g.
``constituent_assembly``: the first government was provisional until it met).
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.government.records import ExpiryRecord
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
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = ["ExpiryEventRecorded", "RecordExpiryEvent"]

_DERIVED = ("next_congress", "executive_forms_new", "withdrawn_by_majority")


@command(resource="holds", issuers=Issuers(SECRETARY, field="body"))
class RecordExpiryEvent(Command):
    """SR-26: record that ``condition`` happened for congress body ``body``."""

    condition: Annotated[
        str,
        "SR-26: the end condition that happened, one the constitution lists and no "
        "decision derives (e.g. council_reelection)",
    ]
    body: Annotated[str, "the id of the congress body whose governments' mandates end"]
    note: Annotated[str, "free text for the record"] = ""


@event()
class ExpiryEventRecorded(DomainEvent):
    """SR-26: mandates given by ``body``'s sessions before ``at`` end."""

    condition: str
    body: str
    note: str = ""

    @property
    def stream_id(self) -> str:
        """The congress body's stream."""
        return f"body:{self.body}"

    def describe(self) -> str:
        """One line."""
        note = f" ({self.note})" if self.note else ""
        return f"expiry event {self.condition} for {self.n(self.body)}{note}"


@decides(RecordExpiryEvent)
def _record(state: FederationState, cmd: RecordExpiryEvent) -> list[DomainEvent]:
    body = state.body(cmd.body)
    if body.kind != "congress":
        raise RuleViolation(
            "SR-26", says("{body!r} is not a congress body", body=cmd.body), cmd.body
        )
    allowed = state.constitution.expiry.expiry_events
    if cmd.condition in _DERIVED or cmd.condition not in allowed:
        listed = ", ".join(c for c in allowed if c not in _DERIVED) or "none"
        raise RuleViolation(
            "SR-26",
            says(
                "{condition!r} cannot be recorded here (recordable: "
                "{listed}; the others follow from congress and committee "
                "decisions)",
                condition=cmd.condition,
                listed=listed,
            ),
            cmd.condition,
        )
    return [
        ExpiryEventRecorded(
            at=cmd.at, condition=cmd.condition, body=cmd.body, note=cmd.note
        )
    ]


@evolves(ExpiryEventRecorded)
def _recorded(state: FederationState, evt: ExpiryEventRecorded, ref: EventRef) -> None:
    state.expiries.append(ExpiryRecord(evt.condition, evt.body, ref))
