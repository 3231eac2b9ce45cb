"""SR-9/SR-10: recall petitions through the services, on the memory adapter."""

from __future__ import annotations

import pytest

from sovet.domain.recall.petitions import SignRecallPetition
from sovet.errors import (
    DuplicateEntry,
    NotAuthorized,
    NotEligible,
    NotFound,
    RuleViolation,
)
from sovet.services.authz import Principal
from sovet.services.ballots import ballot_units, state_now
from sovet.services.bootstrap import Services, in_memory
from sovet.services.command_authz import authorize_command, body_of
from sovet.services.petitions import open_petition, petition_view, sign_petition
from tests.unit.services.ballot_world import town_with_deputy

DAY = "1917-10-04"


@pytest.fixture
def services() -> Services:
    found = in_memory()
    town_with_deputy(found)
    open_petition(found, "p1", "putilov", "a", at="1917-10-03")
    return found


def signatures(services: Services) -> int:
    with ballot_units(services)() as uow:
        return uow.ballots.signatures("p1")


def test_sr10_progress_then_the_seat_falls_vacant_and_a_by_election_is_due(
    services: Services,
) -> None:
    view = petition_view(services, "p1", at=DAY)
    assert (view["signatures"], view["electorate"], view["needed"]) == (0, 5, 3)
    assert (view["threshold"], view["strict"], view["mode"]) == (
        "1/2",
        True,
        "re_election",
    )
    for member in ("v0", "v1"):
        (signed,) = sign_petition(services, "p1", member, at=DAY)
        assert signed.type == "RecallPetitionSigned"
    assert petition_view(services, "p1", at=DAY)["signatures"] == 2
    events = sign_petition(services, "p1", "v2", at=DAY)
    assert [e.type for e in events] == [
        "RecallPetitionSigned",
        "RecallDemanded",
        "DeputyRecalled",
        "ByElectionScheduled",
    ]
    with state_now(services) as state:
        record = state.constituencies["putilov"]
        assert "a" not in record.holders
        assert record.by_elections == 1
    view = petition_view(services, "p1", at=DAY)
    assert (view["status"], view["signers"]) == ("succeeded", ["v0", "v1", "v2"])
    with pytest.raises(RuleViolation, match="succeeded"):
        sign_petition(services, "p1", "v3", at=DAY)
    assert signatures(services) == 3


def test_sr10_sign_once_and_only_from_the_roll(services: Services) -> None:
    sign_petition(services, "p1", "v0", at=DAY)
    with pytest.raises(DuplicateEntry, match="already signed"):
        sign_petition(services, "p1", "v0", at=DAY)
    with pytest.raises(NotEligible, match="not an elector") as err:
        sign_petition(services, "p1", "b", at=DAY)
    assert err.value.rule == "SR-10"
    with pytest.raises(NotFound, match="unknown recall petition"):
        sign_petition(services, "p9", "v1", at=DAY)
    assert signatures(services) == 1


def test_design6_only_the_member_may_sign_and_the_refusal_says_so(
    services: Services,
) -> None:
    with state_now(services) as now:
        state = now.copy()
    body = body_of(state, SignRecallPetition(at=DAY, petition="p1", member="v1"))
    assert body is not None
    voter = Principal(1, "v0-account", "v0", frozenset({("member", body)}))
    admin = Principal(2, "root", None, frozenset({("administrator", "")}))
    own = SignRecallPetition(at=DAY, petition="p1", member="v0")
    assert authorize_command(voter, state, own) == body
    other = SignRecallPetition(at=DAY, petition="p1", member="v1")
    for principal in (voter, admin):
        with pytest.raises(NotAuthorized, match="only their own member"):
            authorize_command(principal, state, other)
