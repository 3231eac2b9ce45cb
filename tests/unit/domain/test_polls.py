"""SR-7 / DESIGN §6 and SR-10: the secret poll and recall petitions as commands."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sovet.counting.approval  # registers "approval"
import sovet.counting.irv  # noqa: F401  (registers "irv")
from sovet.domain.elections.deputies import SeatDeputy
from sovet.domain.elections.polling import CallElection, CountElection, ElectionCounted
from sovet.domain.elections.polls import (
    ClosePoll,
    OpenPoll,
    PollClosed,
    RecordVoteCast,
    SecretBallot,
    ballot_leaf,
    ranking_key,
    receipt_of,
)
from sovet.domain.recall.petitions import (
    OpenRecallPetition,
    RecallPetitionSigned,
    SignRecallPetition,
    petition_progress,
)
from sovet.domain.recall.recalls import (
    ByElectionScheduled,
    DeputyRecalled,
    RecallDemanded,
    RecallVoteCalled,
)
from sovet.errors import NotEligible, RuleViolation
from sovet.ledger.merkle import MerkleTree, leaf_hash, verify_inclusion
from tests.world import CONDUCT, World, with_recall


def poll(method: str = "irv", seats: int = 1) -> World:
    flow = World.bare()
    flow.town()
    flow.run(
        CallElection(
            at="1917-11-01",
            election="e1",
            constituency="putilov",
            seats=seats,
            polling_day="1917-11-05",
            candidates=("a", "b", "c"),
            conduct=CONDUCT,
            method=method,
        )
    )
    return flow


def secret(
    rankings: Sequence[tuple[str, ...]], seed: int = 1
) -> tuple[SecretBallot, ...]:
    ballots = [
        SecretBallot(receipt_of("e1", f"{i:032x}", ranking_key(r)), r)
        for i, r in enumerate(rankings)
    ]
    random.Random(seed).shuffle(ballots)
    return tuple(ballots)


def close(flow: World, ballots: tuple[SecretBallot, ...], **kw: object) -> list[object]:
    return list(
        flow.run(
            ClosePoll(
                at="1917-11-06",
                election="e1",
                minutes_signed_by=("k1", "rep"),
                ballots=ballots,
                **kw,  # type: ignore[arg-type]
            )
        )
    )


def test_sr7_votes_only_while_the_poll_is_open() -> None:
    flow = poll()
    with pytest.raises(RuleViolation, match="has not opened") as err:
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member="v0"))
    assert err.value.rule == "SR-7"
    with pytest.raises(RuleViolation, match="polling day"):
        flow.run(OpenPoll(at="1917-11-04", election="e1"))
    flow.run(OpenPoll(at="1917-11-05", election="e1"))
    with pytest.raises(RuleViolation, match="counted at close"):
        flow.run(
            CountElection(
                at="1917-11-05", election="e1", minutes_signed_by=("k1", "rep")
            )
        )
    flow.run(RecordVoteCast(at="1917-11-05", election="e1", member="v0"))
    with pytest.raises(RuleViolation, match="already voted"):
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member="v0"))
    with pytest.raises(NotEligible) as refused:
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member="a"))
    assert refused.value.rule == "SR-4"
    close(flow, secret([("b", "a")]))
    with pytest.raises(RuleViolation, match="is closed"):
        flow.run(RecordVoteCast(at="1917-11-06", election="e1", member="v1"))
    with pytest.raises(RuleViolation, match="is closed"):
        close(flow, secret([("b", "a")]))


def test_sr7_close_publishes_one_batch_with_its_merkle_root_and_stages() -> None:
    flow = poll()
    flow.run(OpenPoll(at="1917-11-05", election="e1"))
    rankings = [("a",)] * 4 + [("b", "c")] * 3 + [("c", "b")] * 2
    for i in range(len(rankings)):
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member=f"v{i}"))
    ballots = secret(rankings)
    closed, counted = close(
        flow, ballots, grouped={'["a"]': 4, '["b","c"]': 3, '["c","b"]': 2}
    )
    assert isinstance(closed, PollClosed)
    assert isinstance(counted, ElectionCounted)
    tree = MerkleTree([ballot_leaf(b) for b in ballots])
    assert closed.merkle_root == tree.root().hex()
    assert closed.ballots == ballots
    assert counted.elected == ("b",)  # c's 2 transfer to b: 5 against a's 4
    assert counted.rounds[0]["a"] == 4
    assert counted.stages[1].excluded == ("c",)
    assert counted.stages[-1].elected == ("b",)
    rec = flow.state.elections["e1"]
    assert (rec.status, rec.poll) == ("counted", "closed")
    index = rec.receipts[ballots[3].receipt]
    proof = tree.inclusion_proof(index)
    leaf = leaf_hash(ballot_leaf(ballots[3]))
    assert verify_inclusion(leaf, index, len(ballots), proof, tree.root())
    with pytest.raises(RuleViolation, match="is counted"):
        flow.run(
            CountElection(
                at="1917-11-07", election="e1", minutes_signed_by=("k1", "rep")
            )
        )


@pytest.mark.parametrize(
    ("ballots", "grouped", "message"),
    [
        ([("a",)], {}, "holds 1 ballots for 2"),
        ([("a",), ("z",)], {}, "non-candidates"),
        ([("a",), ("b", "b")], {}, "repeats"),
        ([("a",), ("b",)], {'["a"]': 2}, "grouped profile"),
    ],
)
def test_sr7_close_refuses_a_box_that_does_not_match_the_votes(
    ballots: list[tuple[str, ...]], grouped: dict[str, int], message: str
) -> None:
    flow = poll()
    flow.run(OpenPoll(at="1917-11-05", election="e1"))
    for member in ("v0", "v1"):
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member=member))
    with pytest.raises(RuleViolation, match=message) as err:
        close(flow, secret(ballots), grouped=grouped)
    assert err.value.rule == "SR-7"
    assert flow.state.elections["e1"].poll == "open"


def test_sr7_approval_ballots_are_sets_and_the_minutes_are_signed() -> None:
    flow = poll("approval")
    flow.run(OpenPoll(at="1917-11-05", election="e1"))
    flow.run(RecordVoteCast(at="1917-11-05", election="e1", member="v0"))
    with pytest.raises(RuleViolation, match="not sorted"):
        close(flow, secret([("b", "a")]))
    with pytest.raises(RuleViolation, match="minutes") as err:
        flow.run(
            ClosePoll(
                at="1917-11-06",
                election="e1",
                minutes_signed_by=(),
                ballots=secret([("a", "b")]),
            )
        )
    assert err.value.rule == "SR-7"
    _, counted = close(flow, secret([("a", "b")]))
    assert isinstance(counted, ElectionCounted)
    assert counted.rounds[0] == {"a": 1, "b": 1, "c": 0}


def seated(constitution_mode: str = "re_election", **params: object) -> World:
    flow = World.bare(with_recall(recall_mode=constitution_mode, **params))
    flow.town(electors=5)
    flow.run(SeatDeputy(at="1917-10-02", constituency="putilov", person="a"))
    flow.run(
        OpenRecallPetition(
            at="1917-10-03", petition="p1", constituency="putilov", deputy="a"
        )
    )
    return flow


def sign(flow: World, member: str) -> list[object]:
    return list(
        flow.run(SignRecallPetition(at="1917-10-04", petition="p1", member=member))
    )


def test_sr10_petition_re_election_acts_past_more_than_half() -> None:
    flow = seated()
    for member in ("v0", "v1"):
        (signed,) = sign(flow, member)
        assert isinstance(signed, RecallPetitionSigned)
        assert not signed.reached
    progress = petition_progress(flow.state, "p1", "1917-10-04")
    assert (progress.signatures, progress.electorate, progress.needed) == (2, 5, 3)
    with pytest.raises(RuleViolation, match="already signed") as err:
        sign(flow, "v1")
    assert err.value.rule == "SR-10"
    with pytest.raises(NotEligible, match="not an elector"):
        sign(flow, "b")  # on narva's roll, not putilov's
    events = sign(flow, "v2")
    assert [type(e) for e in events] == [
        RecallPetitionSigned,
        RecallDemanded,
        DeputyRecalled,
        ByElectionScheduled,
    ]
    record = flow.state.constituencies["putilov"]
    assert "a" not in record.holders
    assert record.by_elections == 1
    assert petition_progress(flow.state, "p1", "1917-10-04").status == "succeeded"
    with pytest.raises(RuleViolation, match="succeeded"):
        sign(flow, "v3")


def test_sr10_petition_ends_mandate_and_recall_vote_modes() -> None:
    flow = seated("petition_ends_mandate")
    for member in ("v0", "v1"):
        sign(flow, member)
    assert [type(e) for e in sign(flow, "v2")] == [
        RecallPetitionSigned,
        DeputyRecalled,
        ByElectionScheduled,
    ]
    vote = seated("recall_vote", recall_petition_share=Fraction(2, 5))
    assert petition_progress(vote.state, "p1", "1917-10-04").needed == 2
    sign(vote, "v0")
    assert [type(e) for e in sign(vote, "v1")] == [
        RecallPetitionSigned,
        RecallVoteCalled,
    ]
    assert "a" in vote.state.constituencies["putilov"].holders


def test_sr10_petition_refused_for_a_non_deputy_or_twice() -> None:
    flow = seated()
    with pytest.raises(RuleViolation, match="already open"):
        flow.run(
            OpenRecallPetition(
                at="1917-10-03", petition="p2", constituency="putilov", deputy="a"
            )
        )
    with pytest.raises(RuleViolation, match="holds no seat") as err:
        flow.run(
            OpenRecallPetition(
                at="1917-10-03", petition="p3", constituency="putilov", deputy="b"
            )
        )
    assert err.value.rule == "SR-9"


@given(
    st.lists(
        st.permutations(["a", "b", "c"]).flatmap(
            lambda p: st.integers(0, 3).map(lambda n: tuple(p[:n]))
        ),
        min_size=1,
        max_size=10,
    ),
    st.integers(0, 2**32),
)
@settings(max_examples=30)
def test_sr7_any_box_publishes_every_ballot_provably_and_counts_first_choices(
    rankings: list[tuple[str, ...]], seed: int
) -> None:
    flow = poll()
    flow.run(OpenPoll(at="1917-11-05", election="e1"))
    for i in range(len(rankings)):
        flow.run(RecordVoteCast(at="1917-11-05", election="e1", member=f"v{i}"))
    ballots = secret(rankings, seed)
    closed, counted = close(flow, ballots)
    assert isinstance(closed, PollClosed)
    assert isinstance(counted, ElectionCounted)
    root = bytes.fromhex(closed.merkle_root)
    tree = MerkleTree([ballot_leaf(b) for b in closed.ballots])
    for ballot, index in flow.state.elections["e1"].receipts.items():
        assert closed.ballots[index].receipt == ballot
        leaf = leaf_hash(ballot_leaf(closed.ballots[index]))
        proof = tree.inclusion_proof(index)
        assert verify_inclusion(leaf, index, len(ballots), proof, root)
    firsts = Counter(r[0] for r in rankings if r)
    assert {c: v for c, v in counted.rounds[0].items() if v} == dict(firsts)
    assert counted.ballots_cast == len(rankings)


@given(st.integers(1, 9), st.booleans())
@settings(max_examples=20)
def test_sr10_the_mode_acts_at_exactly_the_threshold_signature(
    electors: int, strict: bool
) -> None:
    flow = World.bare(
        with_recall(recall_mode="petition_ends_mandate", recall_threshold_strict=strict)
    )
    flow.town(electors=electors)
    flow.run(SeatDeputy(at="1917-10-02", constituency="putilov", person="a"))
    flow.run(
        OpenRecallPetition(
            at="1917-10-03", petition="p1", constituency="putilov", deputy="a"
        )
    )
    needed = electors // 2 + 1 if strict else (electors + 1) // 2
    assert petition_progress(flow.state, "p1", "1917-10-04").needed == needed
    for i in range(needed):
        events = sign(flow, f"v{i}")
        acted = any(isinstance(e, DeputyRecalled) for e in events)
        assert acted == (i + 1 == needed)
    assert "a" not in flow.state.constituencies["putilov"].holders
