"""SR-8 as commands: verify an election's seats, or annul the election.

``verify_election`` takes the credentials commission's report (seats confirmed
or contested) and the council's ruling on each contested seat; confirmed and
upheld deputies take their seats, the others' seats go to a new election.
``annul_election`` lets the next higher body (or the final instance, the
national executive committee) annul an election; its deputies lose their seats,
and every seat above that came from them falls vacant (``seats.vacate_above``,
rule SR-8).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Annotated

from sovet.domain.elections.conduct import (
    CredentialsReport,
    check_annulment,
    verify_election,
)
from sovet.domain.elections.deputies import seat, unseat
from sovet.domain.elections.polling import InConstituency
from sovet.domain.elections.seats import deputy_key, vacate_above
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
from sovet.errors import RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = ["AnnulElection", "ElectionAnnulled", "ElectionVerified", "VerifyElection"]


@command(
    resource="constituencies",
    issuers=Issuers(CREDENTIALS, field="election", reach="election"),
)
class VerifyElection(Command):
    """SR-8: the credentials commission's report and the council's rulings."""

    election: Annotated[str, "the id of the counted election"]
    confirmed: Annotated[
        tuple[str, ...],
        "SR-8: ids of the elected whose seats the credentials commission confirms",
    ]
    contested: Annotated[
        tuple[str, ...],
        "SR-8: ids of the elected whose seats it contests (each elected person is "
        "either confirmed or contested)",
    ] = ()
    decisions: Annotated[
        dict[str, bool],
        "SR-8: the council's ruling on each contested seat, person id → true (seated) "
        "or false (new election)",
    ] = field(default_factory=dict)


@event()
class ElectionVerified(InConstituency):
    """SR-8: deputies seated; unconfirmed seats go to a new election."""

    election: str
    seated: dict[str, str]  # person → faction
    unconfirmed: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line."""
        line = f"{self.election} verified: {', '.join(self.seated) or 'nobody'} seated"
        if self.unconfirmed:
            line += f"; {', '.join(self.unconfirmed)} not confirmed (new election)"
        return line


@decides(VerifyElection)
def _verify(state: FederationState, cmd: VerifyElection) -> list[DomainEvent]:
    rec = state.election(cmd.election)
    if rec.status != "counted":
        raise RuleViolation(
            "SR-8",
            says("{election!r} is {status}", election=cmd.election, status=rec.status),
            rec.status,
        )
    report = CredentialsReport(frozenset(cmd.confirmed), frozenset(cmd.contested))
    done = verify_election(rec.elected, report, cmd.decisions)
    sitting = {p for c in state.constituencies.values() for p in c.holders}
    double = sorted(set(done.seated) & sitting)
    if double:
        raise RuleViolation(
            "SR-8", says("{double} already hold a seat", double=double), double
        )
    return [
        ElectionVerified(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            seated={p: rec.candidates[p] for p in done.seated},
            unconfirmed=done.unconfirmed,
        )
    ]


@evolves(ElectionVerified)
def _verified(state: FederationState, evt: ElectionVerified, ref: EventRef) -> None:
    rec = state.elections[evt.election]
    rec.status, rec.seated = "verified", tuple(evt.seated)
    rec.refs.append(ref)
    for person, faction in evt.seated.items():
        seat(state, evt.constituency, person, faction, evt.at, ref)
    constituency = state.constituencies[evt.constituency]
    if rec.by_election:
        constituency.by_elections = max(0, constituency.by_elections - len(evt.seated))
        del constituency.vacated[: len(evt.seated)]


@command(
    resource="constituencies",
    issuers=Issuers(CREDENTIALS, field="election", reach="election"),
)
class AnnulElection(Command):
    """SR-8: the next higher body (or the final instance) annuls an election."""

    election: Annotated[str, "the id of the election to annul"]
    by_body: Annotated[
        str,
        "SR-8: the id of the annulling body: the council's next higher body, or the "
        "final instance",
    ]


@event()
class ElectionAnnulled(InConstituency):
    """SR-8: an election annulled; its deputies lose their seats."""

    election: str
    by_body: str
    unseated: tuple[str, ...] = ()
    chain: bool = False
    """The seats above are vacated by their own events (logs before issue 15:
    unseating ended the deputies' mandates in open congress sessions)."""

    def describe(self) -> str:
        """One line."""
        return f"{self.election} annulled by {self.by_body}"


@decides(AnnulElection)
def _annul(state: FederationState, cmd: AnnulElection) -> list[DomainEvent]:
    rec = state.election(cmd.election)
    if rec.status == "annulled":
        raise RuleViolation(
            "SR-8",
            says("{election!r} is already annulled", election=cmd.election),
            cmd.election,
        )
    council = state.body(state.constituency(rec.constituency).council)
    by = state.body(cmd.by_body)
    levels = state.constitution.levels
    final = by.kind == "executive_committee" and by.level == levels[-1]
    if state.constitution.councils.annul_by == "national_executive_committee":
        if not final:
            raise RuleViolation(
                "SR-8",
                says(
                    "only the national executive committee annuls elections, not "
                    "{id!r}",
                    id=by.id,
                ),
                by.id,
            )
    elif by.id != council.parent:
        check_annulment(
            by.level,
            council.level,
            annulling_is_final_instance=final,
            levels=levels,
            city_direct_levels=state.constitution.apportionment.city_direct_levels,
        )
    holders = state.constituencies[rec.constituency].holders
    unseated = tuple(p for p in rec.seated if p in holders)
    events: list[DomainEvent] = [
        ElectionAnnulled(
            at=cmd.at,
            election=cmd.election,
            constituency=rec.constituency,
            by_body=cmd.by_body,
            unseated=unseated,
            chain=True,
        )
    ]
    for person in unseated:
        events += vacate_above(
            state,
            person,
            deputy_key(rec.constituency),
            rule="SR-8",
            cause=f"annulment of election {cmd.election} by {by.name}",
            at=cmd.at,
        )
    return events


@evolves(ElectionAnnulled)
def _annulled(state: FederationState, evt: ElectionAnnulled, ref: EventRef) -> None:
    rec = state.elections[evt.election]
    rec.status = "annulled"
    rec.refs.append(ref)
    for person in evt.unseated:
        unseat(state, evt.constituency, person, legacy=not evt.chain)
    state.constituencies[evt.constituency].refs.append(ref)
