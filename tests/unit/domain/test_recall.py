"""SR-9…SR-11: recall in the three modes, thresholds, turnout floor, cool-down."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

import sovet.counting.plurality  # noqa: F401  (registers "plurality")
from sovet.domain import fold
from sovet.domain.bodies.registration import AdoptConstitution, RegisterBody
from sovet.domain.elections.deputies import SeatDeputy, composition_now
from sovet.domain.elections.polling import CallElection
from sovet.domain.kernel.constitution import RecallParams
from sovet.domain.recall.recall_rules import (
    PetitionCheck,
    check_cooldown,
    check_mode,
    more_than,
    petition_met,
    recall_vote_passes,
)
from sovet.domain.recall.recalls import (
    ByElectionScheduled,
    DeputyRecalled,
    HoldRecallVote,
    OrderReElection,
    PetitionRecall,
    RecallDemanded,
    RecallVoteFailed,
)
from sovet.errors import NotEligible, NotFound, RuleViolation
from tests.world import CONDUCT, World, with_recall

HALF = RecallParams()
VOTE = RecallParams(
    recall_mode="recall_vote",
    recall_threshold=Fraction(2, 3),
    recall_threshold_strict=False,
    recall_basis="votes_cast",
    turnout_floor=Fraction(1, 5),
    recall_petition_share=Fraction(5, 100),
)


def test_sr10_exactly_half_is_not_more_than_half() -> None:
    assert not petition_met(PetitionCheck(50, 100), HALF)
    assert petition_met(PetitionCheck(51, 100), HALF)
    assert not petition_met(PetitionCheck(0, 0), HALF)
    assert not more_than(1, 2, Fraction(1, 2))


def test_sr10_non_strict_threshold_is_met_at_exactly_the_share() -> None:
    lax = RecallParams(recall_threshold_strict=False)
    assert petition_met(PetitionCheck(50, 100), lax)


def test_sr10_petition_cannot_be_measured_against_votes_cast() -> None:
    with pytest.raises(RuleViolation) as err:
        petition_met(PetitionCheck(60, 100), RecallParams(recall_basis="votes_cast"))
    assert err.value.rule == "SR-10"


def test_sr10_recall_vote_threshold_and_turnout_floor_edges() -> None:
    assert petition_met(PetitionCheck(5, 100), VOTE)
    assert not petition_met(PetitionCheck(4, 100), VOTE)
    # exactly 2/3 of votes cast with exactly 20 % turnout: recalled
    assert recall_vote_passes(14, 7, 0, registered=105, params=VOTE)
    assert not recall_vote_passes(13, 7, 0, registered=100, params=VOTE)
    # turnout 19 of 100 (< 20 %) fails even when unanimous; blanks count in turnout
    assert not recall_vote_passes(19, 0, 0, registered=100, params=VOTE)
    assert recall_vote_passes(16, 0, 4, registered=100, params=VOTE)
    on_roll = RecallParams(
        recall_mode="recall_vote",
        recall_threshold=Fraction(1, 2),
        recall_basis="registered_electorate",
    )
    assert not recall_vote_passes(50, 0, 0, registered=100, params=on_roll)
    assert recall_vote_passes(51, 0, 0, registered=100, params=on_roll)


def test_sr10_impossible_vote_figures_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        recall_vote_passes(60, 50, 0, registered=100, params=VOTE)
    assert err.value.rule == "SR-10"
    with pytest.raises(RuleViolation):
        recall_vote_passes(-1, 0, 0, registered=100, params=VOTE)


def test_sr9_cooldown_edges() -> None:
    seated = date(1917, 11, 1)
    check_cooldown(seated, seated_on=seated, last_failed_attempt=None, cooldown_days=0)
    check_cooldown(
        date(1918, 1, 10), seated_on=seated, last_failed_attempt=None, cooldown_days=70
    )
    with pytest.raises(RuleViolation) as err:
        check_cooldown(
            date(1918, 1, 9),
            seated_on=seated,
            last_failed_attempt=None,
            cooldown_days=70,
        )
    assert err.value.rule == "SR-9"
    with pytest.raises(RuleViolation):
        check_cooldown(
            date(1918, 3, 1),
            seated_on=seated,
            last_failed_attempt=date(1918, 2, 1),
            cooldown_days=70,
        )
    with pytest.raises(RuleViolation):
        check_cooldown(
            date(1917, 10, 1),
            seated_on=seated,
            last_failed_attempt=None,
            cooldown_days=0,
        )


def test_sr10_mode_check() -> None:
    check_mode(HALF, "re_election")
    with pytest.raises(RuleViolation) as err:
        check_mode(HALF, "recall_vote")
    assert err.value.rule == "SR-10"


def seated_flow(**params: object) -> World:
    flow = World.bare(with_recall(**params))
    flow.town(electors=10, seats=2)
    flow.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="a"))
    flow.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="b"))
    return flow


def signers(n: int) -> tuple[str, ...]:
    return tuple(f"v{i}" for i in range(n))


def test_sr10_re_election_mode_demand_then_council_orders() -> None:
    flow = seated_flow()
    with pytest.raises(RuleViolation) as err:
        flow.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signers=signers(5)
            )
        )
    assert err.value.rule == "SR-10"
    assert "5 valid signatures of 10" in str(err.value)
    with pytest.raises(RuleViolation):
        flow.run(
            OrderReElection(
                at="1917-11-20", constituency="putilov", deputy="a", by_body="petrograd"
            )
        )
    events = flow.run(
        PetitionRecall(
            at="1917-11-20",
            constituency="putilov",
            deputy="a",
            signers=(*signers(6), "stranger", "v0"),
        )
    )
    assert isinstance(events[0], RecallDemanded)
    assert events[0].signed == 6
    assert "a" in flow.state.constituencies["putilov"].holders
    events = flow.run(
        OrderReElection(
            at="1917-11-21", constituency="putilov", deputy="a", by_body="petrograd"
        )
    )
    assert [type(e) for e in events] == [DeputyRecalled, ByElectionScheduled]
    putilov = flow.state.constituencies["putilov"]
    assert set(putilov.holders) == {"b"}
    assert putilov.by_elections == 1
    assert composition_now(flow.state)["petrograd"] == {"mensheviks": 1}


def test_sr10_a_congress_may_order_re_election_without_a_petition() -> None:
    flow = seated_flow()
    flow.run(
        RegisterBody(
            at="1917-11-20",
            body="c2",
            name="2nd Congress",
            kind="congress",
            level="national",
        )
    )
    flow.run(
        OrderReElection(
            at="1917-11-21", constituency="putilov", deputy="b", by_body="c2"
        )
    )
    assert set(flow.state.constituencies["putilov"].holders) == {"a"}


def test_sr10_petition_ends_mandate_mode() -> None:
    flow = seated_flow(recall_mode="petition_ends_mandate")
    events = flow.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="b", signers=signers(6)
        )
    )
    assert isinstance(events[0], DeputyRecalled)
    assert events[0].faction == "mensheviks"
    assert "b" not in flow.state.constituencies["putilov"].holders
    with pytest.raises(RuleViolation) as err:
        flow.run(
            OrderReElection(
                at="1917-11-21", constituency="putilov", deputy="a", by_body="petrograd"
            )
        )
    assert err.value.rule == "SR-10"


def test_sr10_recall_vote_mode_fails_then_cooldown_then_passes() -> None:
    flow = seated_flow(
        recall_mode="recall_vote",
        recall_threshold=Fraction(2, 3),
        recall_threshold_strict=False,
        recall_basis="votes_cast",
        turnout_floor=Fraction(1, 5),
        recall_petition_share=Fraction(1, 10),
        recall_cooldown_days=14,
    )
    with pytest.raises(RuleViolation) as err:
        flow.run(
            PetitionRecall(
                at="1917-11-10", constituency="putilov", deputy="a", signers=signers(1)
            )
        )
    assert err.value.rule == "SR-9"
    with pytest.raises(RuleViolation):
        flow.run(
            HoldRecallVote(
                at="1917-11-20", constituency="putilov", deputy="a", yes=9, no=0
            )
        )
    flow.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="a", signers=signers(1)
        )
    )
    with pytest.raises(RuleViolation):
        flow.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signers=signers(2)
            )
        )
    events = flow.run(
        HoldRecallVote(at="1917-11-22", constituency="putilov", deputy="a", yes=1, no=0)
    )
    assert isinstance(events[0], RecallVoteFailed)  # turnout 1 of 10 < 20 %
    with pytest.raises(RuleViolation) as err:
        flow.run(
            PetitionRecall(
                at="1917-12-05", constituency="putilov", deputy="a", signers=signers(1)
            )
        )
    assert err.value.rule == "SR-9"
    flow.run(
        PetitionRecall(
            at="1917-12-06", constituency="putilov", deputy="a", signers=signers(1)
        )
    )
    events = flow.run(
        HoldRecallVote(at="1917-12-08", constituency="putilov", deputy="a", yes=2, no=1)
    )
    assert isinstance(events[0], DeputyRecalled)
    assert "2 yes, 1 no" in events[0].basis


def test_sr10_recalled_may_not_stand_when_the_constitution_says_so() -> None:
    flow = seated_flow(recall_mode="petition_ends_mandate", recalled_may_stand=False)
    flow.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="a", signers=signers(6)
        )
    )
    call = CallElection(
        at="1917-11-21",
        election="by1",
        constituency="putilov",
        seats=1,
        polling_day="1917-11-25",
        candidates=("a", "c"),
        conduct=CONDUCT,
    )
    with pytest.raises(NotEligible) as err:
        flow.run(call)
    assert err.value.rule == "SR-10"
    may = seated_flow(recall_mode="petition_ends_mandate")
    may.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="a", signers=signers(6)
        )
    )
    may.run(call)
    assert may.state.elections["by1"].by_election


def test_sr9_unknown_deputy_and_aggregate_petition() -> None:
    flow = seated_flow()
    with pytest.raises(NotFound) as err:
        flow.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="c", signers=signers(6)
            )
        )
    assert err.value.rule == "SR-9"
    with pytest.raises(RuleViolation):  # a registered roll needs named signers
        flow.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signatures=6
            )
        )
    agg = World.bare(with_recall(recall_mode="petition_ends_mandate"))
    agg.town(electors=0, electorate=1000)
    agg.run(SeatDeputy(at="1917-11-01", constituency="putilov", person="a"))
    with pytest.raises(RuleViolation):
        agg.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signatures=500
            )
        )
    with pytest.raises(RuleViolation):
        agg.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signatures=1001
            )
        )
    agg.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="a", signatures=501
        )
    )
    assert agg.state.constituencies["putilov"].holders == {}


def congress_flow(**params: object) -> World:
    """A seated Petrograd council that sent ``a`` and ``b`` to an open congress."""
    from sovet.domain.congress.credentials import (
        AppointCredentialsCommission,
        CredentialDelegates,
    )
    from sovet.domain.congress.sessions import ConveneCongress

    flow = seated_flow(**params)
    at = "1917-11-07"
    flow.run(
        RegisterBody(
            at=at, body="national", name="Congress", kind="congress", level="national"
        )
    )
    flow.run(
        RegisterBody(
            at=at,
            body="cec",
            name="CEC",
            kind="executive_committee",
            level="national",
            parent="national",
        )
    )
    flow.run(
        ConveneCongress(
            at=at,
            congress="s2",
            body="national",
            name="2nd Congress",
            number=2,
            convened_by="cec",
        )
    )
    flow.run(AppointCredentialsCommission(at=at, congress="s2"))
    for person, faction in (("a", "bolsheviks"), ("b", "mensheviks")):
        flow.run(
            CredentialDelegates(
                at=at,
                congress="s2",
                faction=faction,
                count=1,
                senders=("petrograd",),
                persons=(person,),
            )
        )
    return flow


def test_sr10_recalled_deputy_loses_the_congress_vote_held_through_the_seat() -> None:
    flow = congress_flow(recall_mode="petition_ends_mandate")
    session = flow.state.assemblies["s2"]
    assert session.seated == {"bolsheviks": 1, "mensheviks": 1}
    flow.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="b", signers=signers(6)
        )
    )
    assert "b" not in session.delegates
    assert session.seated == {"bolsheviks": 1}  # the seat is vacant


def test_sr11_only_the_sending_body_replaces_its_delegate() -> None:
    from sovet.domain.congress.delegates import ReplaceDelegate
    from sovet.domain.kernel.votes import check_instructions

    flow = congress_flow()
    with pytest.raises(RuleViolation) as err:
        flow.run(
            ReplaceDelegate(
                at="1917-11-08",
                congress="s2",
                by_body="national",
                delegate="b",
                replacement="c",
            )
        )
    assert err.value.rule == "SR-11"
    with pytest.raises(NotFound):
        flow.run(
            ReplaceDelegate(
                at="1917-11-08",
                congress="s2",
                by_body="petrograd",
                delegate="c",
                replacement="v1",
            )
        )
    # issue 15: the replacement is one of the sender's seated deputies too
    flow.run(SeatDeputy(at="1917-11-08", constituency="narva", person="c"))
    flow.run(
        ReplaceDelegate(
            at="1917-11-08",
            congress="s2",
            by_body="petrograd",
            delegate="b",
            replacement="c",
        )
    )
    session = flow.state.assemblies["s2"]
    assert set(session.delegates) == {"a", "c"}
    assert session.seated == {"bolsheviks": 2}
    check_instructions("yes", "no", imperative_mandate=False)
    check_instructions("no", "no", imperative_mandate=True)
    with pytest.raises(RuleViolation) as err:
        check_instructions("yes", "no", imperative_mandate=True)
    assert err.value.rule == "SR-11"


def test_sr27_recall_and_by_election_move_an_aggregate_council_majority() -> None:
    """The counterfactual path of DESIGN §5 step 9, on aggregate historical data."""
    from sovet.domain.bodies.registration import RecordCouncilComposition
    from sovet.domain.elections.polling import CountElection
    from sovet.domain.elections.verification import VerifyElection

    flow = World.bare()  # aggregate: the composition is recorded as counts (issue 15)
    aggregate = {"chain": {"aggregate": True}}
    flow.run(AdoptConstitution(at="1917-10-01", preset="t", constitution=aggregate))
    flow.town(electors=0, seats=3, electorate=1000)
    at = "1917-11-01"
    composition = {"bolsheviks": 2, "mensheviks": 1}
    flow.run(RecordCouncilComposition(at=at, body="petrograd", composition=composition))
    flow.run(SeatDeputy(at=at, constituency="putilov", person="a", counted=True))
    assert composition_now(flow.state)["petrograd"] == composition
    with pytest.raises(RuleViolation):  # exactly half of 1000 is not enough
        flow.run(
            PetitionRecall(
                at="1917-11-20", constituency="putilov", deputy="a", signatures=500
            )
        )
    flow.run(
        PetitionRecall(
            at="1917-11-20", constituency="putilov", deputy="a", signatures=501
        )
    )
    flow.run(
        OrderReElection(
            at="1917-11-21", constituency="putilov", deputy="a", by_body="petrograd"
        )
    )
    assert composition_now(flow.state)["petrograd"] == {
        "bolsheviks": 1,
        "mensheviks": 1,
    }
    flow.run(
        CallElection(
            at="1917-11-22",
            election="by1",
            constituency="putilov",
            seats=1,
            polling_day="1917-11-26",
            candidates=("a", "b"),
            conduct=CONDUCT,
        )
    )
    flow.run(
        CountElection(
            at="1917-11-26",
            election="by1",
            minutes_signed_by=("k1", "rep"),
            tallies={"a": 300, "b": 600},
        )
    )
    flow.run(VerifyElection(at="1917-11-27", election="by1", confirmed=("b",)))
    assert composition_now(flow.state)["petrograd"] == {
        "bolsheviks": 1,
        "mensheviks": 2,
    }
    assert flow.state.constituencies["putilov"].by_elections == 0
    assert fold(flow.events) == flow.state  # replay gives the live state
