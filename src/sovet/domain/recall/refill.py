"""SR-9/SR-10: a deputy's seat lost early is filled again.

The constitution says how (``chain.deputy_seat_filled_by``): by a by-election
(1917: the decree's re-election; ``ByElectionScheduled``, to be held within
``chain.by_election_within_days`` of the vacancy when that is set), or by the
next on the list the seat was won from (``NextOnListSeated``): the candidate of
the deputy's faction, not elected then and holding no seat now, with the most
votes in the count's last round (then in the order of the ballot paper). With
no one left on that list the seat goes to a by-election.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovet.domain.elections.deputies import seat
from sovet.domain.kernel.messages import DomainEvent, EventRef, event
from sovet.domain.kernel.registry import evolves

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = ["ByElectionScheduled", "NextOnListSeated", "next_on_list", "refill_events"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _InConstituency(DomainEvent):
    constituency: str
    deputy: str

    @property
    def stream_id(self) -> str:
        """The constituency's stream."""
        return f"constituency:{self.constituency}"


@event()
class ByElectionScheduled(_InConstituency):
    """SR-9/SR-10: the vacated seat goes to a by-election."""

    seats: int = 1

    def describe(self) -> str:
        """One line."""
        return (
            f"by-election for {self.n(self.deputy)}'s seat in {self.constituency} due"
        )


@event()
class NextOnListSeated(_InConstituency):
    """SR-10: the next on the list takes the seat ``deputy`` lost."""

    person: str
    faction: str
    election: str

    def describe(self) -> str:
        """One line."""
        return (
            f"{self.n(self.person)} ({self.n(self.faction)}), next on the list of "
            f"{self.election}, takes {self.n(self.deputy)}'s seat in "
            f"{self.constituency}"
        )


def next_on_list(
    state: FederationState, constituency: str, deputy: str
) -> tuple[str, str, str] | None:
    """SR-10: ``(person, faction, election)`` next on the list ``deputy`` won
    their seat from, or ``None``."""
    won = [
        e
        for e in state.elections.values()
        if e.constituency == constituency and deputy in e.seated
    ]
    if not won:
        return None
    election = won[-1]
    faction = election.candidates.get(deputy, "")
    sitting = {p for c in state.constituencies.values() for p in c.holders}
    order = list(election.candidates)
    standing = [
        p
        for p in order
        if p not in election.elected
        and p not in sitting
        and election.candidates[p] == faction
    ]
    if not standing:
        return None
    best = max(standing, key=lambda p: (election.tallies.get(p, 0), -order.index(p)))
    return best, faction, election.id


def refill_events(
    state: FederationState, at: str, constituency: str, deputy: str
) -> list[DomainEvent]:
    """SR-9/SR-10: how ``deputy``'s seat in ``constituency``, lost early, is
    filled again: the next on the list, or a by-election."""
    if state.constitution.chain.deputy_seat_filled_by == "next_on_list":
        found = next_on_list(state, constituency, deputy)
        if found is not None:
            person, faction, election = found
            return [
                NextOnListSeated(
                    at=at,
                    constituency=constituency,
                    deputy=deputy,
                    person=person,
                    faction=faction,
                    election=election,
                )
            ]
    return [ByElectionScheduled(at=at, constituency=constituency, deputy=deputy)]


@evolves(ByElectionScheduled)
def _by_election(
    state: FederationState, evt: ByElectionScheduled, ref: EventRef
) -> None:
    record = state.constituencies[evt.constituency]
    record.by_elections += evt.seats
    record.vacated += [(evt.deputy, ref)] * evt.seats
    record.refs.append(ref)


@evolves(NextOnListSeated)
def _next_seated(state: FederationState, evt: NextOnListSeated, ref: EventRef) -> None:
    seat(state, evt.constituency, evt.person, evt.faction, evt.at, ref)
