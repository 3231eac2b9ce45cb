"""Recall petitions (SR-9/SR-10): open, sign, progress.

Signing is one transaction: the ``petition_signatures`` row (``UNIQUE(petition,
member)``: a second signature is a ``DuplicateEntry``, 409) and the
``RecallPetitionSigned`` event — with, for the signature that passes the
threshold, the recall mode's events (seat vacated and by-election scheduled,
or the recall vote called) — commit together, retried on conflicts like a
ballot (``ballots.transact``). Signatures are public: the log names signers.
"""

from __future__ import annotations

from typing import Any

from sovet.domain import FederationState
from sovet.domain.franchise.electorate import roll_of
from sovet.domain.recall.petitions import (
    OpenRecallPetition,
    SignRecallPetition,
    petition_progress,
)
from sovet.errors import NotAuthorized, NotEligible, says
from sovet.ledger.envelope import StoredEvent
from sovet.services.authz import Principal
from sovet.services.ballots import BallotUnit, state_now, transact
from sovet.services.bootstrap import Services
from sovet.services.live import live_at

__all__ = [
    "open_petition",
    "open_petition_as",
    "petition_view",
    "sign_petition",
    "sign_petition_as",
]


def open_petition(
    services: Services,
    petition: str,
    constituency: str,
    deputy: str,
    *,
    opener: str | None = None,
    at: str | None = None,
) -> list[StoredEvent]:
    """SR-9/SR-10: open a recall petition against a constituency's deputy.

    ``opener`` (a person), when given, must be an elector of the constituency:
    the voters who sent the deputy recall them.
    """

    def build(_uow: BallotUnit, state: FederationState) -> OpenRecallPetition:
        when = live_at(services, at)  # holding the log's head: acts stay in order
        if (
            opener is not None
            and opener not in roll_of(state, constituency, when).voters
        ):
            raise NotEligible(
                "SR-9",
                says(
                    "{opener!r} is not an elector of {constituency!r}: only its "
                    "voters recall its deputy",
                    opener=opener,
                    constituency=constituency,
                ),
                opener,
            )
        return OpenRecallPetition(
            at=when, petition=petition, constituency=constituency, deputy=deputy
        )

    return transact(services, build)


def sign_petition(
    services: Services, petition: str, member: str, *, at: str | None = None
) -> list[StoredEvent]:
    """SR-10: ``member`` signs; past the threshold the recall mode acts at once."""

    def build(uow: BallotUnit, state: FederationState) -> SignRecallPetition:
        state.petition(petition)
        uow.ballots.add_signature(petition, member)
        when = live_at(services, at)  # holding the log's head: acts stay in order
        return SignRecallPetition(at=when, petition=petition, member=member)

    return transact(services, build)


def petition_view(
    services: Services, petition: str, *, at: str | None = None
) -> dict[str, Any]:
    """SR-10: signatures / electorate / threshold, the status and its events
    (as they stood at ``at``, default now)."""
    with state_now(services) as now:
        state = services.cache.as_of(now, at) if at else now
        when = live_at(services, at)
        progress = petition_progress(state, petition, when)
        record = state.petition(petition)
        return {
            "petition": progress.petition,
            "constituency": progress.constituency,
            "deputy": progress.deputy,
            "status": progress.status,
            "mode": progress.mode,
            "signatures": progress.signatures,
            "electorate": progress.electorate,
            "threshold": str(progress.threshold),
            "strict": progress.strict,
            "needed": progress.needed,
            "signers": sorted(record.signers),
            "events": [ref.to_json() for ref in record.refs],
        }


def open_petition_as(
    services: Services,
    principal: Principal,
    command: OpenRecallPetition,
    *,
    at: str | None = None,
) -> list[StoredEvent]:
    """SR-9: ``principal`` opens the petition of ``command`` — as an elector of
    the constituency, or as its council's secretary (no elector named)."""
    with state_now(services) as state:
        record = state.constituencies.get(command.constituency)
        council = record.council if record is not None else None
    opener = principal.person
    if council is not None and principal.has_role("secretary", council):
        opener = None
    elif opener is None:
        raise NotAuthorized(
            f"{principal.name!r} is no member: the account names no person"
        )
    return open_petition(
        services,
        command.petition,
        command.constituency,
        command.deputy,
        opener=opener,
        at=at,
    )


def sign_petition_as(
    services: Services,
    principal: Principal,
    command: SignRecallPetition,
    *,
    at: str | None = None,
) -> list[StoredEvent]:
    """SR-10: ``principal`` signs for themselves — the ``petition_signatures``
    row and the event in one transaction."""
    if principal.person is None or principal.person != command.member:
        raise NotAuthorized(
            f"{principal.name!r} may sign only as themselves (nobody signs for another)"
        )
    return sign_petition(services, command.petition, command.member, at=at)
