"""SR-7 / DESIGN §6 and SR-10 over HTTP: a secret poll from open to receipt proof,
and a recall petition signed up to the threshold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import sovet.counting.irv  # registers "irv"
from sovet.api.throttle import Limits
from sovet.domain.elections.polls import SecretBallot, ballot_leaf
from sovet.ledger.merkle import leaf_hash, verify_inclusion
from sovet.services.ballots import state_now
from sovet.services.bootstrap import bootstrap
from tests.e2e.api.conftest import Api, make_api
from tests.unit.services.ballot_world import town_with_deputy, town_with_election

assert sovet.counting.irv
ROOMY = Limits(requests_per_minute=10_000, refusals=10_000)
RANKINGS = [["a"]] * 4 + [["b", "c"]] * 3 + [["c", "b"]] * 2


def town_api(tmp_path: Path, build: str) -> Iterator[Api]:
    db = str(tmp_path / "town.db")
    with bootstrap(db, create=True) as services:
        if build == "election":
            town_with_election(services)
        else:
            town_with_deputy(services)
    yield from make_api(db, ROOMY)


@pytest.fixture
def election_api(tmp_path: Path) -> Iterator[Api]:
    yield from town_api(tmp_path, "election")


@pytest.fixture
def petition_api(tmp_path: Path) -> Iterator[Api]:
    yield from town_api(tmp_path, "petition")


def voter(api: Api, person: str, *scopes: str) -> dict[str, str]:
    api.user(person, "member", "petrograd", person=person)
    return api.token(person, *(scopes or ("read", "ballots:cast")))


def test_secret_poll_open_cast_receipt_close_and_proof(election_api: Api) -> None:
    api = election_api
    client = api.client
    api.user("sec", "secretary", "petrograd")
    secretary = api.token("sec", "read", "commands:write")
    voters = [voter(api, f"v{i}") for i in range(len(RANKINGS))]
    # nobody votes before the secretary opens the poll (SR-7)
    early = client.post(
        "/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=voters[0]
    )
    assert early.status_code == 409
    assert early.json()["error"]["rule"] == "SR-7"
    assert client.post("/api/elections/e1/open", headers=voters[0]).status_code == 403
    opened = client.post("/api/elections/e1/open", headers=secretary)
    assert opened.status_code == 200, opened.text
    receipts = []
    for head, ranking in zip(voters, RANKINGS, strict=True):
        cast = client.post(
            "/api/elections/e1/ballots", json={"ranking": ranking}, headers=head
        )
        assert cast.status_code == 201, cast.text
        receipts.append(cast.json()["receipt"])
    again = client.post(
        "/api/elections/e1/ballots", json={"ranking": ["b"]}, headers=voters[0]
    )
    assert again.status_code == 409
    assert "already voted" in again.json()["error"]["message"]
    wrong = client.post(
        "/api/elections/e1/ballots", json={"approve": ["b"]}, headers=voters[0]
    )
    assert wrong.status_code == 422
    # no partial results while the poll is open
    view = client.get("/api/elections/e1").json()
    assert (view["poll"], view["voted"], view["result"]) == ("open", 9, None)
    assert (
        client.post("/api/receipts", json={"receipt": receipts[0]}).status_code == 404
    )
    form = {"minutes_signed_by": ["k1", "rep"]}
    assert (
        client.post("/api/elections/e1/close", json=form, headers=voters[1]).status_code
        == 403
    )
    closed = client.post("/api/elections/e1/close", json=form, headers=secretary)
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert result["elected"] == ["b"]
    assert [r["tallies"] for r in result["rounds"]] == [
        {"a": 4, "b": 3, "c": 2},
        {"a": 4, "b": 5},
    ]
    view = client.get("/api/elections/e1").json()
    assert view["result"] == result
    assert view["turnout"] == {"ballots_cast": 9, "registered": 10}
    late = client.post(
        "/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=voters[0]
    )
    assert late.status_code == 409
    for receipt, ranking in zip(receipts, RANKINGS, strict=True):
        proof = client.post("/api/receipts", json={"receipt": receipt}).json()
        assert proof["ranking"] == ranking
        assert proof["event"]["seq"] == view["published"]["seq"]
        leaf = leaf_hash(ballot_leaf(SecretBallot(receipt, tuple(ranking))))
        assert verify_inclusion(
            leaf,
            proof["leaf_index"],
            proof["tree_size"],
            [bytes.fromhex(p) for p in proof["proof"]],
            bytes.fromhex(proof["merkle_root"]),
        )
    assert client.post("/api/receipts", json={"receipt": "nothex"}).status_code == 422


def test_petition_signed_to_the_threshold_vacates_the_seat(petition_api: Api) -> None:
    api = petition_api
    client = api.client
    signers = [voter(api, f"v{i}", "read", "petitions:sign") for i in range(5)]
    outsider = voter(api, "b", "read", "petitions:sign")
    form = {"petition": "p1", "constituency": "putilov", "deputy": "a"}
    refused = client.post("/api/petitions", json=form, headers=outsider)
    assert refused.status_code == 403
    opened = client.post("/api/petitions", json=form, headers=signers[0])
    assert opened.status_code == 201, opened.text
    progress = client.get("/api/petitions/p1").json()
    assert (progress["signatures"], progress["electorate"], progress["needed"]) == (
        0,
        5,
        3,
    )
    for head in signers[:2]:
        assert client.post("/api/petitions/p1/sign", headers=head).status_code == 200
    twice = client.post("/api/petitions/p1/sign", headers=signers[0])
    assert twice.status_code == 409
    assert client.post("/api/petitions/p1/sign", headers=outsider).status_code == 403
    last = client.post("/api/petitions/p1/sign", headers=signers[2])
    assert last.status_code == 200, last.text
    assert [e["type"] for e in last.json()["events"]] == [
        "RecallPetitionSigned",
        "RecallDemanded",
        "DeputyRecalled",
        "ByElectionScheduled",
    ]
    assert last.json()["progress"]["status"] == "succeeded"
    with state_now(api.services) as state:
        record = state.constituencies["putilov"]
        assert "a" not in record.holders
        assert record.by_elections == 1


def test_50_concurrent_ballots_of_one_member_over_http_store_one(
    election_api: Api,
) -> None:
    api = election_api
    api.user("sec", "secretary", "petrograd")
    opened = api.client.post("/api/elections/e1/open", headers=api.token("sec"))
    assert opened.status_code == 200, opened.text
    head = voter(api, "v0")
    before = api.head()[0]

    def cast(_: int) -> int:
        answer = api.client.post(
            "/api/elections/e1/ballots", json={"ranking": ["a"]}, headers=head
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(cast, range(50)))
    assert statuses == {201: 1, 409: 49}
    assert api.head()[0] == before + 1
    assert api.client.get("/api/elections/e1").json()["voted"] == 1
