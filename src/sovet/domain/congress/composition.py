"""SR-17 and SR-19: the commission's report of a whole composition; walk-outs.

Only an aggregate constitution (``chain.aggregate``: the 1917 sources give
counts per faction only) has the credentials commission report the whole
composition, replacing the counts (a report may not seat more decisive
delegates than the congress was apportioned, SR-12). A walk-out lowers the
delegates *present*, never those *seated* (SR-19).
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.congress.apportion_delegates import (
    apportioned_total,
    check_sender_mandates,
)
from sovet.domain.congress.sessions import credentials_open, open_congress
from sovet.domain.kernel.messages import (
    CREDENTIALS,
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
    "CredentialsReported",
    "DelegatesWalkedOut",
    "RecordWalkOut",
    "ReportCredentials",
]


@command(
    resource="congress",
    issuers=Issuers(CREDENTIALS, field="congress", reach="assembly"),
)
class ReportCredentials(Command):
    """SR-17: the commission's report of the whole composition (replaces counts;
    only where the constitution is aggregate)."""

    congress: Annotated[str, "the id of the open congress session"]
    decisive: Annotated[
        dict[str, int],
        "SR-17: decisive (voting) delegates per faction id; replaces the counts so far",
    ]
    consultative: Annotated[
        dict[str, int] | None,
        "SR-17: consultative (speaking-only) delegates per faction id, if any",
    ] = None
    senders: Annotated[
        tuple[str, ...],
        "ids of the bodies that sent the delegates (a single sender is checked "
        "against its mandates, SR-12)",
    ] = ()
    note: Annotated[
        str,
        "free text for the record: the source of the figures or the circumstances",
    ] = ""


@event()
class CredentialsReported(DomainEvent):
    """SR-17: the composition the credentials commission reported."""

    congress: str
    decisive: dict[str, int]
    consultative: dict[str, int]
    senders: tuple[str, ...] = ()
    note: str = ""

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        parts = ", ".join(f"{self.n(f)} {n}" for f, n in self.decisive.items())
        total = sum(self.decisive.values())
        return (
            f"{self.n(self.congress)}: credentials report, {total} decisive ({parts})"
        )


@decides(ReportCredentials)
def _report(state: FederationState, cmd: ReportCredentials) -> list[DomainEvent]:
    credentials_open(state, cmd.congress)
    if not state.constitution.chain.aggregate:
        raise RuleViolation(
            "SR-17",
            says(
                "{name!r} counts seats by person (chain.aggregate = false): "
                "a report of counts seats nobody; credential the delegates "
                "by name (credential_delegates with persons)",
                name=state.constitution.name,
            ),
            cmd.congress,
        )
    consultative = cmd.consultative or {}
    if consultative and "consultative" not in state.constitution.congress.vote_kinds:
        raise RuleViolation(
            "SR-17",
            says("this constitution has no consultative delegates"),
            consultative,
        )
    for table in (cmd.decisive, consultative):
        for faction, count in table.items():
            state.faction(faction)
            if count < 0:
                raise RuleViolation(
                    "SR-17",
                    says("negative count for {faction!r}", faction=faction),
                    count,
                )
    decisive = sum(cmd.decisive.values())
    if decisive < 1:
        raise RuleViolation(
            "SR-17", says("a report needs at least one decisive delegate"), 0
        )
    for sender in cmd.senders:
        state.body(sender)
    session = state.assemblies[cmd.congress]
    apportioned = apportioned_total(state, session.body)
    if apportioned is not None and decisive > apportioned:
        raise RuleViolation(
            "SR-12",
            says(
                "the report seats {decisive} decisive delegates; {name} was "
                "apportioned {apportioned}",
                decisive=decisive,
                name=session.name,
                apportioned=apportioned,
            ),
            decisive,
        )
    if apportioned is not None and len(cmd.senders) == 1:
        check_sender_mandates(state, session.body, cmd.senders[0], decisive)
    return [
        CredentialsReported(
            at=cmd.at,
            congress=cmd.congress,
            decisive=dict(cmd.decisive),
            consultative=dict(consultative),
            senders=cmd.senders,
            note=cmd.note,
        )
    ]


@evolves(CredentialsReported)
def _reported(state: FederationState, evt: CredentialsReported, ref: EventRef) -> None:
    session = state.assemblies[evt.congress]
    session.seated = {f: n for f, n in evt.decisive.items() if n}
    session.consultative = {f: n for f, n in evt.consultative.items() if n}
    session.absent = {}
    session.aggregate = True
    # SR-12: the report replaces the counts; only a single sender's tally is known.
    session.sent = (
        {evt.senders[0]: sum(evt.decisive.values())} if len(evt.senders) == 1 else {}
    )
    session.credentials.append(ref)


@command(
    resource="congress",
    issuers=Issuers(CREDENTIALS, field="congress", reach="assembly"),
)
class RecordWalkOut(Command):
    """SR-19: ``count`` decisive delegates of ``faction`` leave (still seated)."""

    congress: Annotated[str, "the id of the open congress session"]
    faction: Annotated[str, "the id of the faction whose delegates walked out"]
    count: Annotated[
        int,
        "SR-19: number of decisive delegates who left (no longer present, still "
        "seated)",
    ]
    persons: Annotated[tuple[str, ...], "ids of those who left, where named"] = ()


@event()
class DelegatesWalkedOut(DomainEvent):
    """SR-19: delegates walked out: present falls, seated does not."""

    congress: str
    faction: str
    count: int
    persons: tuple[str, ...] = ()

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        who = f"{self.count} {self.n(self.faction)} delegates"
        return f"{self.n(self.congress)}: {who} walked out"


@decides(RecordWalkOut)
def _walk_out(state: FederationState, cmd: RecordWalkOut) -> list[DomainEvent]:
    session = open_congress(state, cmd.congress, "SR-19")
    present = session.present(cmd.faction)
    if cmd.count < 1 or cmd.count > present:
        raise RuleViolation(
            "SR-19",
            says(
                "{count} cannot walk out: {present} {faction} present",
                count=cmd.count,
                present=present,
                faction=cmd.faction,
            ),
            cmd.count,
        )
    for person in cmd.persons:
        delegate = session.delegates.get(person)
        if delegate is None or not delegate.present or delegate.faction != cmd.faction:
            raise RuleViolation(
                "SR-19",
                says(
                    "{person!r} is not a present {faction} delegate",
                    person=person,
                    faction=cmd.faction,
                ),
                person,
            )
    return [
        DelegatesWalkedOut(
            at=cmd.at,
            congress=cmd.congress,
            faction=cmd.faction,
            count=cmd.count,
            persons=cmd.persons,
        )
    ]


@evolves(DelegatesWalkedOut)
def _walked_out(
    state: FederationState, evt: DelegatesWalkedOut, _ref: EventRef
) -> None:
    session = state.assemblies[evt.congress]
    session.absent[evt.faction] = session.absent.get(evt.faction, 0) + evt.count
    for person in evt.persons:
        session.delegates[person].present = False
