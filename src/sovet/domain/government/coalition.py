"""SR-23…SR-25: coalition offers, the loyalty commitment, and demands.

The majority faction may offer offices to members of a minority faction (SR-23);
the offer is declined, or accepted *only* with the commitment to subordinate to
the majority and carry out the adopted programme (SR-24). An "acceptance" that
changes the list or the programme is a counter-demand, refused here: record it
with ``record_demand``. Demands (ultimatums) are recorded and bind nothing
(SR-25); only a motion of kind ``adopt_demand`` of the competent body acts.
Withdrawing the commitment vacates the offices held under it (SR-24).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from sovet.domain.congress.sessions import majority_faction
from sovet.domain.government.records import OfferRecord, OfficeRecord
from sovet.domain.kernel.calendar import parse_at
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

__all__ = [
    "AcceptOffer",
    "CommitmentWithdrawn",
    "DeclineOffer",
    "OfferAccepted",
    "OfferDeclined",
    "OfferMade",
    "OfferSeats",
    "WithdrawCommitment",
]


@command(
    resource="coalition",
    issuers=Issuers(SECRETARY, field="government", reach="government"),
)
class OfferSeats(Command):
    """SR-23: the majority invites members of a minority faction into the government."""

    offer: Annotated[str, "a new id for the offer"]
    government: Annotated[
        str,
        "the id of the government (the offer may come before its list is submitted)",
    ]
    by_faction: Annotated[str, "SR-23: the id of the majority faction making the offer"]
    to_faction: Annotated[str, "SR-23: the id of the minority faction invited"]
    persons: Annotated[tuple[str, ...], "ids of the invited members of that faction"]
    offices: Annotated[
        tuple[str, ...],
        "ids of the offices offered, one per person in the same order (or none)",
    ] = ()
    titles: Annotated[
        tuple[str, ...],
        "display titles of offices not yet on the list, one per office (or none)",
    ] = ()


@event()
class OfferMade(DomainEvent):
    """SR-23: an offer of seats (who, which offices, when)."""

    offer: str
    government: str
    by_faction: str
    to_faction: str
    persons: tuple[str, ...]
    offices: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # display names of new offices

    @property
    def stream_id(self) -> str:
        """The offer's stream."""
        return f"offer:{self.offer}"

    def describe(self) -> str:
        """One line."""
        what = ", ".join(self.offices) if self.offices else "seats"
        return (
            f"{self.n(self.by_faction)} offered {what} in {self.n(self.government)} "
            f"to {', '.join(self.n(p) for p in self.persons)} "
            f"({self.n(self.to_faction)})"
        )


@decides(OfferSeats)
def _offer(state: FederationState, cmd: OfferSeats) -> list[DomainEvent]:
    if cmd.offer in state.offers:
        raise RuleViolation(
            "SR-23", says("offer {offer!r} already exists", offer=cmd.offer), cmd.offer
        )
    gov = state.governments.get(cmd.government)
    if gov is None:
        # SEED: the invitation may come before the list goes to the congress.
        sittings = [a for a in state.assemblies.values() if a.closed_at is None]
        if not any(majority_faction(state, a) == cmd.by_faction for a in sittings):
            raise RuleViolation(
                "SR-23",
                says(
                    "{by_faction!r} is not the majority of a sitting congress",
                    by_faction=cmd.by_faction,
                ),
                cmd.by_faction,
            )
    elif gov.status == "ended":
        raise RuleViolation(
            "SR-23", says("{name} has ended", name=gov.name), cmd.government
        )
    elif cmd.by_faction != gov.nominated_by:
        raise RuleViolation(
            "SR-23",
            says(
                "only the majority ({nominated_by}) offers seats, not {by_faction}",
                nominated_by=gov.nominated_by,
                by_faction=cmd.by_faction,
            ),
            cmd.by_faction,
        )
    state.faction(cmd.to_faction)
    if cmd.to_faction == cmd.by_faction:
        raise RuleViolation(
            "SR-23", says("an offer goes to another faction"), cmd.to_faction
        )
    for person in cmd.persons:
        if state.person(person).faction != cmd.to_faction:
            raise RuleViolation(
                "SR-23",
                says(
                    "{person!r} is not of {to_faction}",
                    person=person,
                    to_faction=cmd.to_faction,
                ),
                person,
            )
    if cmd.titles and len(cmd.titles) != len(cmd.offices):
        raise RuleViolation(
            "SR-23", says("name one title per office (or none)"), cmd.titles
        )
    if cmd.offices and len(cmd.offices) != len(cmd.persons):
        raise RuleViolation(
            "SR-23", says("name one office per person (or none)"), cmd.offices
        )
    return [
        OfferMade(
            at=cmd.at,
            offer=cmd.offer,
            government=cmd.government,
            by_faction=cmd.by_faction,
            to_faction=cmd.to_faction,
            persons=cmd.persons,
            offices=cmd.offices,
            titles=cmd.titles,
        )
    ]


@evolves(OfferMade)
def _offer_made(state: FederationState, evt: OfferMade, ref: EventRef) -> None:
    state.offers[evt.offer] = OfferRecord(
        evt.offer,
        evt.government,
        evt.by_faction,
        evt.to_faction,
        evt.persons,
        evt.offices,
        ref,
        titles=evt.titles,
    )


def _open_offer(state: FederationState, offer_id: str, at: str) -> OfferRecord:
    offer = state.offers.get(offer_id)
    if offer is None:
        raise RuleViolation(
            "SR-23", says("unknown offer {offer_id!r}", offer_id=offer_id), offer_id
        )
    if offer.status != "open":
        raise RuleViolation(
            "SR-23",
            says(
                "offer {offer_id!r} is {status}", offer_id=offer_id, status=offer.status
            ),
            offer_id,
        )
    days = state.constitution.coalition.offer_expires_days
    if days and parse_at(at) > parse_at(offer.made.at) + timedelta(days=days):
        raise RuleViolation(
            "SR-23",
            says(
                "offer {offer_id!r} expired after {days} days",
                offer_id=offer_id,
                days=days,
            ),
            at,
        )
    return offer


@command(resource="coalition", issuers=Issuers(SECRETARY, field="offer", reach="offer"))
class DeclineOffer(Command):
    """SR-23: the minority declines; the offices stay with the majority."""

    offer: Annotated[str, "the id of the open offer"]
    reason: Annotated[str, "why the faction declines, as text"] = ""


@event()
class OfferDeclined(DomainEvent):
    """SR-23: the offer was declined."""

    offer: str
    reason: str = ""

    @property
    def stream_id(self) -> str:
        """The offer's stream."""
        return f"offer:{self.offer}"

    def describe(self) -> str:
        """One line."""
        why = f": {self.reason}" if self.reason else ""
        return f"offer {self.offer!r} declined{why}"


@decides(DeclineOffer)
def _decline(state: FederationState, cmd: DeclineOffer) -> list[DomainEvent]:
    _open_offer(state, cmd.offer, cmd.at)
    return [OfferDeclined(at=cmd.at, offer=cmd.offer, reason=cmd.reason)]


@evolves(OfferDeclined)
def _declined(state: FederationState, evt: OfferDeclined, ref: EventRef) -> None:
    offer = state.offers[evt.offer]
    offer.status, offer.answer = "declined", ref


@command(resource="coalition", issuers=Issuers(SECRETARY, field="offer", reach="offer"))
class AcceptOffer(Command):
    """SR-24: acceptance, valid only with both commitments and without changes."""

    offer: Annotated[str, "the id of the open offer"]
    subordinate_to_majority: Annotated[
        bool,
        "SR-24: the faction commits to subordinate itself to the majority (must be "
        "true)",
    ]
    carry_out_programme: Annotated[
        bool,
        "SR-24: the faction commits to carry out the programme the congress approved "
        "(must be true)",
    ]
    changes: Annotated[
        tuple[str, ...],
        "SR-24/SR-25: changes to the list or programme asked for; any change makes it "
        "a counter-demand and is refused",
    ] = ()


@event()
class OfferAccepted(DomainEvent):
    """SR-24: accepted with the commitment; the persons take the offices."""

    offer: str
    government: str
    to_faction: str
    persons: tuple[str, ...]
    offices: tuple[str, ...]
    titles: tuple[str, ...] = ()

    @property
    def stream_id(self) -> str:
        """The offer's stream."""
        return f"offer:{self.offer}"

    def describe(self) -> str:
        """One line."""
        seats = ", ".join(
            f"{self.n(p)} ({o})"
            for p, o in zip(self.persons, self.titles or self.offices, strict=False)
        )
        people = seats or ", ".join(self.n(p) for p in self.persons)
        return (
            f"{self.n(self.to_faction)} accepted the offer with the commitment to the "
            f"majority and the programme: {people}"
        )


@decides(AcceptOffer)
def _accept(state: FederationState, cmd: AcceptOffer) -> list[DomainEvent]:
    offer = _open_offer(state, cmd.offer, cmd.at)
    if cmd.changes:
        raise RuleViolation(
            "SR-24",
            says(
                "an acceptance that changes the list or the programme is a "
                "counter-demand (SR-25), not an acceptance: {changes}",
                changes="; ".join(cmd.changes),
            ),
            cmd.changes,
        )
    committed = cmd.subordinate_to_majority and cmd.carry_out_programme
    if state.constitution.coalition.commitment_required and not committed:
        raise RuleViolation(
            "SR-24",
            says(
                "acceptance needs the commitment to subordinate to the "
                "majority and to carry out the programme the congress "
                "approved"
            ),
            {
                "subordinate": cmd.subordinate_to_majority,
                "programme": cmd.carry_out_programme,
            },
        )
    gov = state.government(offer.government)
    if gov.status == "ended":
        raise RuleViolation("SR-23", says("{name} has ended", name=gov.name), gov.id)
    return [
        OfferAccepted(
            at=cmd.at,
            offer=cmd.offer,
            government=offer.government,
            to_faction=offer.to_faction,
            persons=offer.persons,
            offices=offer.offices,
            titles=offer.titles,
        )
    ]


@evolves(OfferAccepted)
def _accepted(state: FederationState, evt: OfferAccepted, ref: EventRef) -> None:
    offer = state.offers[evt.offer]
    offer.status, offer.answer = "accepted", ref
    gov = state.governments[evt.government]
    titles = dict(zip(evt.offices, evt.titles, strict=False))
    for person, office_id in zip(evt.persons, evt.offices, strict=False):
        office = gov.offices.setdefault(
            office_id,
            OfficeRecord(office_id, None, None, title=titles.get(office_id, "")),
        )
        office.person, office.faction = person, evt.to_faction
        office.since, office.vacated, office.offer = ref, None, evt.offer
    if gov.status == "approved" and evt.to_faction not in gov.bloc:
        gov.bloc.append(evt.to_faction)


@command(resource="coalition", issuers=Issuers(SECRETARY, field="offer", reach="offer"))
class WithdrawCommitment(Command):
    """SR-24: the minority withdraws its commitment; its offices fall vacant."""

    offer: Annotated[str, "the id of the accepted offer"]
    reason: Annotated[str, "why the commitment is withdrawn, as text"] = ""


@event()
class CommitmentWithdrawn(DomainEvent):
    """SR-24: the commitment was withdrawn and its offices vacated."""

    offer: str
    reason: str = ""

    @property
    def stream_id(self) -> str:
        """The offer's stream."""
        return f"offer:{self.offer}"

    def describe(self) -> str:
        """One line."""
        return f"commitment under offer {self.offer!r} withdrawn; its offices vacant"


@decides(WithdrawCommitment)
def _withdraw(state: FederationState, cmd: WithdrawCommitment) -> list[DomainEvent]:
    offer = state.offers.get(cmd.offer)
    if offer is None or offer.status != "accepted":
        raise RuleViolation(
            "SR-24", says("no accepted offer {offer!r}", offer=cmd.offer), cmd.offer
        )
    return [CommitmentWithdrawn(at=cmd.at, offer=cmd.offer, reason=cmd.reason)]


@evolves(CommitmentWithdrawn)
def _withdrawn(state: FederationState, evt: CommitmentWithdrawn, ref: EventRef) -> None:
    offer = state.offers[evt.offer]
    offer.status = "withdrawn"
    gov = state.governments[offer.government]
    for office in gov.offices.values():
        if office.offer == evt.offer:
            office.person, office.faction, office.offer = None, None, None
            office.vacated = ref
    if offer.to_faction in gov.bloc and not any(
        o.to_faction == offer.to_faction and o.status == "accepted"
        for o in state.offers.values()
        if o.government == gov.id
    ):
        gov.bloc.remove(offer.to_faction)
