"""SR-7 / DESIGN §6: secret ballots through the services, on the memory adapter."""

from __future__ import annotations

import pytest

import sovet.counting.irv  # registers "irv"
from sovet.adapters.memory import InMemoryEventStore
from sovet.adapters.memory_ballots import InMemoryBallotUnitOfWork
from sovet.domain.elections.polls import RecordVoteCast
from sovet.errors import (
    ConcurrencyConflict,
    DuplicateEntry,
    NotEligible,
    NotFound,
    RuleViolation,
)
from sovet.services.ballots import (
    ballot_units,
    cast_ballot,
    close_poll,
    election_view,
    open_poll,
    transact,
    verify_receipt,
)
from sovet.services.bootstrap import Services, in_memory
from tests.unit.services.ballot_world import town_with_election

assert sovet.counting.irv
DAY = "1917-11-05"
RANKINGS = [("a",)] * 4 + [("b", "c")] * 3 + [("c", "b")] * 2


@pytest.fixture
def services() -> Services:
    found = in_memory()
    town_with_election(found)
    return found


def log_size(services: Services) -> int:
    with services.uow() as uow:
        return uow.events.head()[0]


def box(services: Services) -> list[tuple[str, str]]:
    with ballot_units(services)() as uow:
        return uow.ballots.ballots("e1")


def vote_all(services: Services) -> list[str]:
    open_poll(services, "e1", at=DAY)
    return [
        cast_ballot(services, "e1", f"v{i}", r, at=DAY).receipt
        for i, r in enumerate(RANKINGS)
    ]


def test_sr7_cast_gives_a_receipt_and_records_only_that_the_member_voted(
    services: Services,
) -> None:
    open_poll(services, "e1", at=DAY)
    cast = cast_ballot(services, "e1", "v0", ["b", "a"], at=DAY)
    assert len(cast.receipt) == 64
    int(cast.receipt, 16)
    assert cast.vote_event.type == "VoteCast"
    assert cast.vote_event.payload == {
        "constituency": "putilov",
        "election": "e1",
        "member": "v0",
        "names": {},
    }
    assert cast.receipt not in str(cast.vote_event.payload)
    assert box(services) == [(cast.receipt, '["b","a"]')]


def test_sr7_a_second_ballot_is_a_conflict_and_writes_nothing(
    services: Services,
) -> None:
    open_poll(services, "e1", at=DAY)
    cast_ballot(services, "e1", "v0", ["a"], at=DAY)
    before = log_size(services)
    with pytest.raises(DuplicateEntry, match="already voted") as err:
        cast_ballot(services, "e1", "v0", ["b"], at=DAY)
    assert isinstance(err.value, ConcurrencyConflict)
    assert log_size(services) == before
    assert len(box(services)) == 1


@pytest.mark.parametrize(
    ("member", "ranking", "error", "rule"),
    [
        ("v1", ["z"], RuleViolation, "SR-7"),
        ("v1", ["a", "a"], RuleViolation, "SR-7"),
        ("a", ["a"], NotEligible, "SR-4"),  # a is on narva's roll
    ],
)
def test_sr7_refused_ballots_leave_no_trace(
    services: Services,
    member: str,
    ranking: list[str],
    error: type[RuleViolation],
    rule: str,
) -> None:
    open_poll(services, "e1", at=DAY)
    before = log_size(services)
    with pytest.raises(error) as err:
        cast_ballot(services, "e1", member, ranking, at=DAY)
    assert err.value.rule == rule
    assert log_size(services) == before
    assert box(services) == []
    cast_ballot(services, "e1", "v1", ["a"], at=DAY)  # the member may still vote


def test_sr7_no_vote_before_the_poll_opens(services: Services) -> None:
    with pytest.raises(RuleViolation, match="has not opened"):
        cast_ballot(services, "e1", "v0", ["a"], at=DAY)
    assert box(services) == []
    open_poll(services, "e1", at=DAY)
    cast_ballot(services, "e1", "v0", ["a"], at=DAY)


def test_sr7_no_partial_results_while_open_then_the_stage_table(
    services: Services,
) -> None:
    receipts = vote_all(services)
    view = election_view(services, "e1")
    assert (view["poll"], view["voted"], view["result"]) == ("open", 9, None)
    with pytest.raises(NotFound, match="published when the poll closes"):
        verify_receipt(services, receipts[0])
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    result = election_view(services, "e1")["result"]
    assert result["elected"] == ["b"]
    assert [r["tallies"] for r in result["rounds"]] == [
        {"a": 4, "b": 3, "c": 2},
        {"a": 4, "b": 5},
    ]
    assert result["rounds"][1]["excluded"] == ["c"]
    before = election_view(services, "e1", at="1917-11-05")  # time travel
    assert (before["poll"], before["result"]) == ("open", None)
    with pytest.raises(RuleViolation, match="is closed"):
        cast_ballot(services, "e1", "v9", ["a"], at="1917-11-06")


def test_design6_every_receipt_has_an_inclusion_proof_in_the_published_batch(
    services: Services,
) -> None:
    receipts = vote_all(services)
    assert len(box(services)) == len(receipts)
    stored = close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    assert box(services) == []  # emptied at close: the log holds the batch
    closed = stored[0]
    assert closed.type == "PollClosed"
    published = [b["receipt"] for b in closed.payload["ballots"]]
    assert sorted(published) == sorted(receipts)
    seen = set()
    for receipt in receipts:
        proof = verify_receipt(services, receipt)
        assert proof["verified"] is True
        assert proof["merkle_root"] == closed.payload["merkle_root"]
        assert proof["event"] == {
            "seq": closed.seq,
            "hash": closed.hash,
            "type": "PollClosed",
        }
        seen.add(proof["leaf_index"])
    assert seen == set(range(len(receipts)))
    with pytest.raises(NotFound):
        verify_receipt(services, "0" * 64)
    assert verify_receipt(services, receipts[0], election="e1")["election"] == "e1"
    with pytest.raises(NotFound, match="unknown election"):
        verify_receipt(services, receipts[0], election="e2")


def test_sr7_wrong_minutes_keep_the_poll_open(services: Services) -> None:
    vote_all(services)
    with pytest.raises(RuleViolation, match="minutes"):
        close_poll(services, "e1", (), at="1917-11-06")
    assert election_view(services, "e1")["poll"] == "open"


def test_fault_between_vote_row_and_event_writes_neither(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_poll(services, "e1", at=DAY)
    before = log_size(services)

    def broken(*_args: object, **_kw: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(InMemoryEventStore, "append", broken)
    with pytest.raises(OSError, match="disk gone"):
        cast_ballot(services, "e1", "v0", ["a"], at=DAY)
    monkeypatch.undo()
    assert log_size(services) == before
    assert box(services) == []
    cast_ballot(services, "e1", "v0", ["a"], at=DAY)


def test_transient_conflicts_are_retried_then_reported(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_poll(services, "e1", at=DAY)
    real = InMemoryBallotUnitOfWork.commit
    failures = [ConcurrencyConflict("head moved")] * 2

    def flaky(self: InMemoryBallotUnitOfWork) -> None:
        if failures:
            self.rollback()
            raise failures.pop()
        real(self)

    monkeypatch.setattr(InMemoryBallotUnitOfWork, "commit", flaky)
    cast_ballot(services, "e1", "v0", ["a"], at=DAY)
    assert len(box(services)) == 1
    failures.extend([ConcurrencyConflict("head moved")] * 3)
    with pytest.raises(ConcurrencyConflict, match="after 3 attempts"):
        transact(
            services,
            lambda _u, _s: RecordVoteCast(at=DAY, election="e1", member="v1"),
            attempts=3,
        )
    assert len(box(services)) == 1
