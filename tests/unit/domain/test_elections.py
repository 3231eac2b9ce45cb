"""SR-7/SR-8: deputy elections by a named counting method, verification, annulment."""

from __future__ import annotations

from datetime import date

import pytest

import sovet.counting.plurality  # noqa: F401  (registers "plurality")
from sovet.domain.elections.conduct import (
    Ballot,
    Conduct,
    CredentialsReport,
    check_annulment,
    check_candidates,
    check_conduct,
    count_election,
    verify_election,
)
from sovet.domain.franchise.eligibility import ExclusionMark, Person, electoral_roll
from sovet.domain.kernel.constitution import FranchiseGroup
from sovet.errors import NotEligible, RuleViolation, UnknownCountingMethod

POLL = date(1917, 11, 25)
FRANCHISE = FranchiseGroup()


def person(
    pid: str, *, marks: tuple[ExclusionMark, ...] = (), born: int = 1890
) -> Person:
    return Person(pid, date(born, 1, 1), frozenset({"labour"}), marks, "putilov")


VOTERS = [person(f"v{i}") for i in range(7)]
OTHERS = [
    person("priest", marks=(ExclusionMark("clergy"),)),
    person("boy", born=1901),
]
ROLL = electoral_roll(VOTERS + OTHERS, "putilov", FRANCHISE, POLL)


def ballots(*pairs: tuple[str, str]) -> list[Ballot]:
    return [Ballot(v, (c,)) for v, c in pairs]


def elect(
    bs: list[Ballot], *, seats: int = 1, method: str = "plurality"
) -> tuple[str, ...]:
    result = count_election(
        "putilov",
        seats=seats,
        method=method,
        candidates=("a", "b", "c"),
        roll=ROLL,
        ballots=bs,
    )
    return result.elected


def test_sr7_plurality_elects_and_keeps_the_count() -> None:
    bs = ballots(("v0", "a"), ("v1", "a"), ("v2", "b"), ("v3", "c"), ("v4", "a"))
    bs.append(Ballot("v5", ()))  # a blank ballot counts as cast
    result = count_election(
        "putilov",
        seats=2,
        method="plurality",
        candidates=("a", "b", "c"),
        roll=ROLL,
        ballots=bs,
    )
    assert result.elected[0] == "a"
    assert result.count.method == "plurality"
    assert result.count.rounds[0].tallies["a"] == 3
    assert result.ballots_cast == 6
    assert result.registered == 7


def test_sr7_unknown_counting_method_is_refused() -> None:
    with pytest.raises(UnknownCountingMethod) as err:
        elect(ballots(("v0", "a")), method="borda-by-hand")
    assert err.value.rule == "SR-7"
    assert err.value.value == "borda-by-hand"


def test_sr4_ballot_from_outside_the_roll_is_refused() -> None:
    with pytest.raises(NotEligible) as err:
        elect(ballots(("stranger", "a")))
    assert err.value.rule == "SR-4"
    assert "not on the roll" in str(err.value)
    with pytest.raises(NotEligible) as err:
        elect(ballots(("boy", "a")))
    assert err.value.rule == "SR-4"


def test_sr5_ballot_of_an_excluded_person_cites_the_exclusion() -> None:
    with pytest.raises(NotEligible) as err:
        elect(ballots(("priest", "a")))
    assert err.value.rule == "SR-5"
    assert "clergy" in str(err.value)


def test_sr7_double_vote_bad_candidate_and_bad_seats_are_refused() -> None:
    for bad in (
        ballots(("v0", "a"), ("v0", "b")),
        ballots(("v0", "z")),
        [Ballot("v0", ("a", "a"))],
    ):
        with pytest.raises(RuleViolation) as err:
            elect(bad)
        assert err.value.rule == "SR-7"
    with pytest.raises(RuleViolation) as err:
        elect(ballots(("v0", "a")), seats=0)
    assert err.value.rule == "SR-7"


def test_sr7_roll_must_be_the_constituencys() -> None:
    with pytest.raises(RuleViolation) as err:
        count_election(
            "obukhov",
            seats=1,
            method="plurality",
            candidates=("a",),
            roll=ROLL,
            ballots=[],
        )
    assert err.value.rule == "SR-7"


def test_sr4_candidates_need_the_franchise_passive_equals_active() -> None:
    check_candidates(VOTERS[:2], FRANCHISE, POLL)
    with pytest.raises(NotEligible) as err:
        check_candidates([OTHERS[0]], FRANCHISE, POLL)
    assert err.value.rule == "SR-5"
    assert err.value.value == "priest"
    with pytest.raises(RuleViolation) as dup:
        check_candidates([VOTERS[0], VOTERS[0]], FRANCHISE, POLL)
    assert dup.value.rule == "SR-7"


def test_sr10_recalled_deputy_barred_when_may_not_stand() -> None:
    with pytest.raises(NotEligible) as err:
        check_candidates([VOTERS[0]], FRANCHISE, POLL, barred={"v0"})
    assert err.value.rule == "SR-10"


def test_sr7_conduct_commission_representative_minutes() -> None:
    good = Conduct("putilov-council", ("k1", "k2"), "rep", ("k1", "rep"))
    check_conduct(good, council="putilov-council")
    bad = [
        Conduct("factory-owner", ("k1",), "rep", ("k1", "rep")),
        Conduct("putilov-council", (), "rep", ("rep",)),
        Conduct("putilov-council", ("k1",), None, ("k1",)),
        Conduct("putilov-council", ("k1",), "rep", ("k1",)),
        Conduct("putilov-council", ("k1",), "rep", ("rep",)),
    ]
    for conduct in bad:
        with pytest.raises(RuleViolation) as err:
            check_conduct(conduct, council="putilov-council")
        assert err.value.rule == "SR-7"
    check_conduct(
        Conduct("putilov-council", (), None),
        council="putilov-council",
        commission_required=False,
    )


def test_sr8_credentials_commission_and_contested_seats() -> None:
    report = CredentialsReport(frozenset({"a"}), frozenset({"b", "c"}))
    done = verify_election(("a", "b", "c"), report, {"b": True, "c": False})
    assert done.seated == ("a", "b")
    assert done.unconfirmed == ("c",)
    assert done.new_election_seats == 1


@pytest.mark.parametrize(
    ("report", "decisions"),
    [
        (CredentialsReport(frozenset({"a"})), {}),  # b not reported on
        (CredentialsReport(frozenset({"a", "b", "x"})), {}),  # x not elected
        (CredentialsReport(frozenset({"a"}), frozenset({"b"})), {}),  # undecided
        (CredentialsReport(frozenset({"a", "b"})), {"a": True}),  # uncontested
        (CredentialsReport(frozenset({"a", "b"}), frozenset({"b"})), {"b": True}),
    ],
)
def test_sr8_bad_reports_are_refused(
    report: CredentialsReport, decisions: dict[str, bool]
) -> None:
    with pytest.raises(RuleViolation) as err:
        verify_election(("a", "b"), report, decisions)
    assert err.value.rule == "SR-8"


def test_sr8_annulment_by_the_next_higher_body_or_final_instance() -> None:
    check_annulment("volost", "village")
    check_annulment("gubernia", "city")
    check_annulment("national", "village", annulling_is_final_instance=True)
    for annulling, council in [
        ("uyezd", "village"),
        ("village", "village"),
        ("uyezd", "city"),
    ]:
        with pytest.raises(RuleViolation) as err:
            check_annulment(annulling, council)
        assert err.value.rule == "SR-8"
        assert err.value.value == annulling
