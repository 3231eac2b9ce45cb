"""SR-15, SR-16, SR-18: convocation, quorum and the governing majority.

A congress *body* (``BodyRecord`` of kind ``congress``) meets in numbered
sessions (``Assembly`` of kind ``congress``), convened by its executive
committee or on the demand of councils with the required share of population
(SR-15); convening a session closes the previous one. Credentials and
walk-outs are in ``credentials`` (SR-17, SR-19). ``require_quorum`` (SR-16),
``majority_faction`` and ``bloc_share`` (SR-18) serve the other modules.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated

from sovet.domain.congress.apportion_delegates import apportioned_total
from sovet.domain.congress.authority import check_convener
from sovet.domain.kernel.assembly import Assembly
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
    "CloseCongress",
    "CongressClosed",
    "CongressConvened",
    "ConveneCongress",
    "bloc_share",
    "credentials_open",
    "majority_faction",
    "open_congress",
]


@command(resource="congress", issuers=Issuers(SECRETARY, field="body"))
class ConveneCongress(Command):
    """SR-15: convene session ``number`` of congress body ``body``.

    ``convened_by`` is an executive committee (elected by an earlier session,
    or registered as a body of this congress), or ``"councils"`` with the
    ``demanding_councils`` that hold ≥ ``extraordinary_share`` of population.
    ``apportioned`` (the SR-16 quorum basis) defaults, when left 0, to the
    decisive mandates of the body's latest ``apportion_congress``.
    """

    congress: Annotated[str, "a new id for the session (e.g. congress-2)"]
    body: Annotated[str, "the id of the congress body that meets (kind congress)"]
    name: Annotated[str, "the session's display name"]
    number: Annotated[
        int,
        "the session's number, higher than the body's previous session",
    ]
    convened_by: Annotated[
        str,
        "SR-15: the id of the congress's executive committee (the sitting one, or "
        "one registered under the congress), or 'councils' when councils demand it",
    ]
    demanding_councils: Annotated[
        tuple[str, ...],
        "SR-15: ids of the councils demanding it when convened_by is 'councils' "
        "(holding the extraordinary_share of population)",
    ] = ()
    apportioned: Annotated[
        int,
        "SR-16: decisive votes apportioned, the quorum basis; 0 = those of the body's "
        "latest apportion_congress",
    ] = 0


@event()
class CongressConvened(DomainEvent):
    """SR-15/SR-26: a congress session opened (it ends earlier mandates)."""

    congress: str
    body: str
    name: str
    number: int
    convened_by: str
    apportioned: int = 0

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        return f"{self.name} convened (by {self.n(self.convened_by)})"


def _check_convener(state: FederationState, cmd: ConveneCongress) -> None:
    if cmd.convened_by == "councils":
        councils = [state.body(c) for c in cmd.demanding_councils]
        total = sum(b.population for b in state.bodies.values() if b.kind == "council")
        share_needed = state.constitution.congress.extraordinary_share
        held = sum(b.population for b in councils if b.kind == "council")
        if total == 0 or Fraction(held, total) < share_needed:
            raise RuleViolation(
                "SR-15",
                says(
                    "councils demanding the congress hold {held} of {total} "
                    "population; at least {share_needed} is needed",
                    held=held,
                    total=total,
                    share_needed=share_needed,
                ),
                held,
            )
        return
    check_convener(state, cmd.body, cmd.convened_by)


@decides(ConveneCongress)
def _convene(state: FederationState, cmd: ConveneCongress) -> list[DomainEvent]:
    body = state.body(cmd.body)
    if body.kind != "congress":
        raise RuleViolation(
            "SR-15",
            says("{body!r} is a {kind}, not a congress", body=cmd.body, kind=body.kind),
            cmd.body,
        )
    if cmd.congress in state.assemblies:
        raise RuleViolation(
            "SR-15",
            says("session {congress!r} already exists", congress=cmd.congress),
            cmd.congress,
        )
    latest = state.latest_congress(cmd.body)
    if latest is not None and cmd.number <= latest.number:
        raise RuleViolation(
            "SR-15",
            says(
                "session number {number} is not after {latest}",
                number=cmd.number,
                latest=latest.number,
            ),
            cmd.number,
        )
    if cmd.apportioned < 0:
        raise RuleViolation(
            "SR-16", says("apportioned votes cannot be negative"), cmd.apportioned
        )
    _check_convener(state, cmd)
    apportioned = cmd.apportioned or apportioned_total(state, cmd.body) or 0
    return [
        CongressConvened(
            at=cmd.at,
            congress=cmd.congress,
            body=cmd.body,
            name=cmd.name,
            number=cmd.number,
            convened_by=cmd.convened_by,
            apportioned=apportioned,
        )
    ]


@evolves(CongressConvened)
def _convened(state: FederationState, evt: CongressConvened, ref: EventRef) -> None:
    for session in state.congresses_of(evt.body):
        if session.closed_at is None:
            session.closed_at = evt.at
    state.assemblies[evt.congress] = Assembly(
        id=evt.congress,
        body=evt.body,
        kind="congress",
        name=evt.name,
        opened_at=evt.at,
        made_by=ref,
        number=evt.number,
        apportioned=evt.apportioned,
    )


def open_congress(state: FederationState, congress_id: str, rule: str) -> Assembly:
    """The congress session ``congress_id``, refusing a closed one (``rule``)."""
    session = state.assembly(congress_id)
    if session.kind != "congress":
        raise RuleViolation(
            rule,
            says("{congress_id!r} is not a congress session", congress_id=congress_id),
            congress_id,
        )
    if session.closed_at is not None:
        raise RuleViolation(
            rule,
            says(
                "{name} closed on {closed_at}",
                name=session.name,
                closed_at=session.closed_at,
            ),
            congress_id,
        )
    return session


def credentials_open(state: FederationState, congress_id: str) -> Assembly:
    """SR-17: the open session ``congress_id``, once its credentials commission
    sits (where the constitution puts credentials first)."""
    session = open_congress(state, congress_id, "SR-17")
    if (
        state.constitution.congress.credentials_first
        and session.credentials_committee is None
    ):
        raise RuleViolation(
            "SR-17",
            says(
                "{name} has no credentials commission yet; credentials come first",
                name=session.name,
            ),
            congress_id,
        )
    return session


@command(
    resource="congress", issuers=Issuers(SECRETARY, field="congress", reach="assembly")
)
class CloseCongress(Command):
    """SR-15: the session closes (its executive committee acts until the next)."""

    congress: Annotated[str, "the id of the open congress session"]


@event()
class CongressClosed(DomainEvent):
    """SR-15: the session closed."""

    congress: str

    @property
    def stream_id(self) -> str:
        """The session's stream."""
        return f"congress:{self.congress}"

    def describe(self) -> str:
        """One line."""
        return f"{self.n(self.congress)} closed"


@decides(CloseCongress)
def _close(state: FederationState, cmd: CloseCongress) -> list[DomainEvent]:
    open_congress(state, cmd.congress, "SR-15")
    return [CongressClosed(at=cmd.at, congress=cmd.congress)]


@evolves(CongressClosed)
def _closed(state: FederationState, evt: CongressClosed, _ref: EventRef) -> None:
    state.assemblies[evt.congress].closed_at = evt.at


def _basis_counts(state: FederationState, assembly: Assembly) -> dict[str, int]:
    if state.constitution.majority.majority_basis == "seated":
        return dict(assembly.seated)
    return {f: assembly.present(f) for f in assembly.seated}


def majority_faction(state: FederationState, assembly: Assembly) -> str | None:
    """SR-18: the faction holding more than half of the basis, if any."""
    counts = _basis_counts(state, assembly)
    total = sum(counts.values())
    for faction, seats in counts.items():
        if 2 * seats > total:
            return faction
    return None


def bloc_share(
    state: FederationState, assembly: Assembly, bloc: tuple[str, ...] | list[str]
) -> tuple[int, int]:
    """SR-18: ``(seats of the bloc, basis total)`` under ``majority_basis``.

    For ``votes_cast`` the structural check uses those present (votes are
    counted per motion, SR-19).
    """
    counts = _basis_counts(state, assembly)
    return sum(counts.get(f, 0) for f in bloc), sum(counts.values())
