"""SR-17 and SR-19: credentials first, then who sits; walk-outs lower *present*.

The congress opens by appointing its credentials commission (SR-17). Delegates
are then credentialed by name, each sent by a body through the seat they hold
there (``elections.seats.sender_seat``: a council's seated deputy, or a lower
congress's delegate), and the counts per faction are those of the persons.
Only an aggregate constitution (``chain.aggregate``: the 1917 sources give
counts per faction only) credentials in bulk per faction and sender, or has
the commission report the whole composition, replacing the counts (the report
and walk-outs, SR-19, are in ``composition``; their names are importable from
here too).

Mandates per sender (SR-12 with SR-17): once ``apportion_congress`` has been
recorded for the congress body, decisive credentials must name their senders
and may not take any past its apportioned mandates; the session keeps a tally
per sender (``Assembly.sent``). Delegates sent jointly by several senders are
counted against them in the order listed, each up to its remaining mandates
(the split is recorded on the event, ``mandates``). A commission's report may
not seat more decisive delegates than the congress was apportioned. Without an
apportionment (the 1917-18 congresses: delegates sent jointly by many councils,
counts per faction only, FACTS §1) there is nothing to check against and no
limit applies.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from sovet.domain.congress.apportion_delegates import (
    check_sender_mandates,
    mandates_of,
)
from sovet.domain.congress.composition import (
    CredentialsReported,
    DelegatesWalkedOut,
    RecordWalkOut,
    ReportCredentials,
)
from sovet.domain.congress.sessions import credentials_open, open_congress
from sovet.domain.elections.seats import sender_seat
from sovet.domain.kernel.assembly import Assembly, DelegateRecord
from sovet.domain.kernel.messages import (
    CREDENTIALS,
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
    "AppointCredentialsCommission",
    "CredentialDelegates",
    "CredentialsCommissionAppointed",
    "CredentialsReported",
    "DelegatesCredentialed",
    "DelegatesWalkedOut",
    "RecordWalkOut",
    "ReportCredentials",
]


@command(
    resource="congress", issuers=Issuers(SECRETARY, field="congress", reach="assembly")
)
class AppointCredentialsCommission(Command):
    """SR-17: the congress opens by electing its credentials commission."""

    congress: Annotated[str, "the id of the open congress session"]
    members: Annotated[
        tuple[str, ...],
        "SR-17: ids of the commission's members (registered persons), if recorded",
    ] = ()


@event()
class CredentialsCommissionAppointed(DomainEvent):
    """SR-17: the credentials commission exists."""

    congress: str
    members: tuple[str, ...] = ()

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.congress)}: credentials commission appointed"


@decides(AppointCredentialsCommission)
def _appoint(
    state: FederationState, cmd: AppointCredentialsCommission
) -> list[DomainEvent]:
    session = open_congress(state, cmd.congress, "SR-17")
    if session.credentials_committee is not None:
        raise RuleViolation(
            "SR-17", says("the credentials commission already exists"), cmd.congress
        )
    for person in cmd.members:
        state.person(person)
    return [
        CredentialsCommissionAppointed(
            at=cmd.at, congress=cmd.congress, members=cmd.members
        )
    ]


@evolves(CredentialsCommissionAppointed)
def _appointed(
    state: FederationState, evt: CredentialsCommissionAppointed, ref: EventRef
) -> None:
    state.assemblies[evt.congress].credentials_committee = ref


@command(
    resource="congress",
    issuers=Issuers(CREDENTIALS, field="congress", reach="assembly"),
)
class CredentialDelegates(Command):
    """SR-17: credential the delegates of ``faction`` by name (or, where the
    constitution is aggregate, ``count`` of them in bulk)."""

    congress: Annotated[str, "the id of the open congress session"]
    faction: Annotated[str, "the id of the delegates' faction"]
    count: Annotated[
        int | None,
        "number of delegates credentialed; empty = the persons named (only an "
        "aggregate constitution credentials more than it names)",
    ] = None
    kind: Annotated[
        str,
        "SR-17: decisive (votes) or consultative (speaks only)",
    ] = "decisive"
    senders: Annotated[
        tuple[str, ...],
        "SR-12: ids of the bodies that sent them, charged in the order listed (needed "
        "for decisive delegates once apportioned)",
    ] = ()
    persons: Annotated[
        tuple[str, ...],
        "ids of the delegates by name, each holding a seat in a sender (required "
        "unless the constitution is aggregate)",
    ] = ()


@event()
class DelegatesCredentialed(DomainEvent):
    """SR-17: delegates were credentialed (the named ones are among ``count``)."""

    congress: str
    faction: str
    count: int
    kind: str
    senders: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    mandates: dict[str, int] | None = None  # SR-12: decisive seats per sender

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        senders = ", ".join(self.n(s) for s in self.senders)
        sent = f" sent by {senders}" if self.senders else ""
        return (
            f"{self.n(self.congress)}: {self.count} {self.kind} delegates of "
            f"{self.n(self.faction)} credentialed{sent}"
        )


@decides(CredentialDelegates)
def _credential(state: FederationState, cmd: CredentialDelegates) -> list[DomainEvent]:
    session = credentials_open(state, cmd.congress)
    state.faction(cmd.faction)
    if cmd.kind not in state.constitution.congress.vote_kinds:
        kinds = ", ".join(state.constitution.congress.vote_kinds)
        raise RuleViolation(
            "SR-17",
            says(
                "vote kind {kind!r} is not one of {kinds}", kind=cmd.kind, kinds=kinds
            ),
            cmd.kind,
        )
    count = _count(state, cmd)
    for sender in cmd.senders:
        state.body(sender)
    if len(set(cmd.persons)) < len(cmd.persons):
        raise RuleViolation("SR-17", says("a person is named twice"), cmd.persons)
    sent: dict[str, str] = {}
    for person in cmd.persons:
        record = state.person(person)
        if person in session.delegates:
            raise RuleViolation(
                "SR-17",
                says("{person!r} is already credentialed", person=person),
                person,
            )
        if not state.constitution.chain.aggregate:
            if record.faction and record.faction != cmd.faction:
                raise RuleViolation(
                    "SR-17",
                    says(
                        "{person!r} belongs to {belongs!r}, not {faction!r}",
                        person=person,
                        belongs=record.faction,
                        faction=cmd.faction,
                    ),
                    person,
                )
            sent[person] = _sender(state, person, cmd.senders)
    decisive = cmd.kind == "decisive"
    mandates = _split(state, session, cmd, count, sent) if decisive else None
    return [
        DelegatesCredentialed(
            at=cmd.at,
            congress=cmd.congress,
            faction=cmd.faction,
            count=count,
            kind=cmd.kind,
            senders=cmd.senders,
            persons=cmd.persons,
            mandates=mandates,
        )
    ]


def _count(state: FederationState, cmd: CredentialDelegates) -> int:
    """SR-17: how many are credentialed — the persons named, unless the
    constitution is aggregate and gives a larger count."""
    named = len(cmd.persons)
    if not state.constitution.chain.aggregate:
        if not named:
            raise RuleViolation(
                "SR-17",
                says(
                    "name the delegates: {name!r} counts seats by person "
                    "(chain.aggregate = false), so credentials list their persons",
                    name=state.constitution.name,
                ),
                cmd.count,
            )
        if cmd.count is not None and cmd.count != named:
            raise RuleViolation(
                "SR-17",
                says(
                    "count {count} is not the {named} persons named; the count "
                    "is derived from them",
                    count=cmd.count,
                    named=named,
                ),
                cmd.count,
            )
        return named
    count = named if cmd.count is None else cmd.count
    if count < 1 or named > count:
        raise RuleViolation(
            "SR-17",
            says("count {count} must be ≥ 1 and ≥ the named persons", count=count),
            count,
        )
    return count


_CHOSEN_FROM = {
    "council": says(
        "under this constitution a council sends delegates from its seated deputies"
    ),
    "delegate_election": says(
        "under this constitution a council sends delegates from the electors on "
        "its register, by a delegate election"
    ),
}
"""The constitution's ``chain.delegates_chosen_by``, as a refusal explains it."""


def _sender(state: FederationState, person: str, senders: tuple[str, ...]) -> str:
    """SR-12: the sender whose seat ``person`` holds (a seat above needs one)."""
    if not senders:
        raise RuleViolation(
            "SR-12",
            says(
                "name the body that sends {person!r}: a delegate is sent by "
                "a council or a lower congress",
                person=person,
            ),
            person,
        )
    found = sender_seat(state, person, senders)
    if found is None:
        chosen = state.constitution.chain.delegates_chosen_by
        seat = (
            says("a seated deputy of")
            if chosen == "council"
            else says("an elector on the register of")
        )
        raise RuleViolation(
            "SR-12",
            says(
                "{person} is not {seat} {senders} (or a delegate of it, for a "
                "congress), so it cannot send them: {chosen}",
                person=state.display_name(person) or person,
                seat=seat,
                senders=" or ".join(senders),
                chosen=_CHOSEN_FROM[chosen],
            ),
            person,
        )
    return found[0]


def _split(
    state: FederationState,
    session: Assembly,
    cmd: CredentialDelegates,
    count: int,
    sent: dict[str, str],
) -> dict[str, int] | None:
    """SR-12/SR-17: decisive seats per sender, within each one's mandates
    (``sent``: each named delegate's sender, when every seat is named)."""
    allocation = mandates_of(state, session.body)
    if sent and len(cmd.senders) > 1:  # persons say who sent them
        split = dict(Counter(sent.values()))
        if allocation is not None:
            for sender, seats in split.items():
                check_sender_mandates(
                    state, session.body, sender, session.sent.get(sender, 0) + seats
                )
        return split
    if allocation is None:
        return {cmd.senders[0]: count} if len(cmd.senders) == 1 else None
    if not cmd.senders:
        raise RuleViolation(
            "SR-12",
            says(
                "{name} has an apportionment: decisive credentials name their sender",
                name=session.name,
            ),
            count,
        )
    if len(cmd.senders) == 1:
        sender = cmd.senders[0]
        check_sender_mandates(
            state, session.body, sender, session.sent.get(sender, 0) + count
        )
        return {sender: count}
    split = {}
    left = count
    for sender in dict.fromkeys(cmd.senders):
        take = min(left, allocation.get(sender, 0) - session.sent.get(sender, 0))
        if take > 0:
            split[sender] = take
            left -= take
    if left:
        raise RuleViolation(
            "SR-12",
            says(
                "{senders} have {left} decisive mandates left, not {count}",
                senders=", ".join(cmd.senders),
                left=count - left,
                count=count,
            ),
            count,
        )
    return split


@evolves(DelegatesCredentialed)
def _credentialed(
    state: FederationState, evt: DelegatesCredentialed, ref: EventRef
) -> None:
    session = state.assemblies[evt.congress]
    table = session.seated if evt.kind == "decisive" else session.consultative
    table[evt.faction] = table.get(evt.faction, 0) + evt.count
    single = evt.senders[0] if len(evt.senders) == 1 else None
    for name, seats in (evt.mandates or {}).items():
        session.sent[name] = session.sent.get(name, 0) + seats
    for person in evt.persons:
        found = sender_seat(state, person, evt.senders)
        sender, basis = found if found is not None else (single, ())
        session.delegates[person] = DelegateRecord(
            person, evt.faction, evt.kind, sender, ref=ref, basis=basis
        )
    if evt.count > len(evt.persons):
        session.aggregate = True
    session.credentials.append(ref)
