"""Issue 11, ballots per method — through the real app (``create_app``).

Done when: a plurality ballot with two marks for one seat is refused through
the API and impossible on the web. The API's ballot body names its shape and
is refused (422, SR-7) when it does not fit the method, with nothing written;
the web form is generated from the declaration (radio buttons for one mark,
checkboxes up to the seats for block vote, one list), a crafted post is refused
with the voter's marks shown again, and the receipt and the stored ballot say
what was marked — no order the voter never gave.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovet.api.throttle import Limits
from sovet.domain.elections.polling import CallElection
from sovet.server import create_app
from sovet.services.accounts import open_accounts
from sovet.services.ballots import ballot_units, open_poll
from sovet.services.bootstrap import Services, bootstrap
from tests.e2e.web.test_flows import SITE, login
from tests.e2e.web.world import PASSWORD
from tests.unit.services.ballot_world import ServiceWorld
from tests.world import CONDUCT

DAY = "1917-11-05"
ELECTIONS = {
    "plur": ("plurality", 1),
    "block": ("block-vote", 2),
    "party": ("dhondt", 1),
}


def build(db: str) -> None:
    """putilov (4 seats, electors v0…v5); three open polls; accounts."""
    with bootstrap(db, create=True) as services:
        flow = ServiceWorld(services)
        flow.town(electors=6, seats=4)
        for election, (method, seats) in ELECTIONS.items():
            flow.run(
                CallElection(
                    at="1917-10-04",
                    election=election,
                    constituency="putilov",
                    seats=seats,
                    polling_day=DAY,
                    candidates=("a", "b", "c"),
                    conduct=CONDUCT,
                    method=method,
                )
            )
        for election in ELECTIONS:
            open_poll(services, election, at=DAY)
        accounts = open_accounts(services)
        for i in range(6):
            accounts.create_account(f"v{i}", PASSWORD, person=f"v{i}")
            accounts.grant(f"v{i}", "member", "petrograd")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("shapes") / "shapes.db"
    build(str(db))
    return db


@pytest.fixture
def services(world: Path, tmp_path: Path) -> Iterator[Services]:
    db = tmp_path / "shapes.db"
    for suffix in ("", ".key", ".secret", "-wal", "-shm"):
        if Path(f"{world}{suffix}").exists():
            shutil.copyfile(f"{world}{suffix}", f"{db}{suffix}")
    with bootstrap(str(db)) as found:
        yield found


@pytest.fixture
def client(services: Services) -> TestClient:
    app = create_app(services, limits=Limits(requests_per_minute=10_000))
    return TestClient(app, headers={"Origin": SITE})


def token(services: Services, member: str) -> dict[str, str]:
    issued = open_accounts(services).issue_token(member, ("read", "ballots:cast"))
    return {"Authorization": f"Bearer {issued}"}


def box(services: Services, election: str) -> list[str]:
    with ballot_units(services)() as uow:
        return sorted(key for _receipt, key in uow.ballots.ballots(election))


def head(services: Services) -> tuple[int, str]:
    with services.uow() as uow:
        return uow.events.head()


def cast(
    client: TestClient, services: Services, election: str, member: str, body: object
) -> tuple[int, dict[str, object]]:
    answer = client.post(
        f"/api/elections/{election}/ballots", json=body, headers=token(services, member)
    )
    return answer.status_code, answer.json()


def test_two_marks_for_one_plurality_seat_are_refused_through_the_api(
    client: TestClient, services: Services
) -> None:
    before = head(services)
    status, body = cast(client, services, "plur", "v0", {"marks": ["a", "b"]})
    assert status == 422
    assert body["error"]["rule"] == "SR-7"  # type: ignore[index]
    assert "a ballot marks one candidate" in body["error"]["message"]  # type: ignore[index]
    assert head(services) == before
    assert box(services, "plur") == []
    view = client.get("/api/elections/plur").json()
    assert view["voted"] == 0
    assert view["ballot"] == {
        "kind": "marks",
        "min": 1,
        "max": 1,
        "preferences": False,
        "rule": "a ballot marks one candidate",
    }
    status, body = cast(client, services, "plur", "v0", {"marks": ["b"]})
    assert status == 201, body
    assert body["ballot"] == {"marks": ["b"]}
    assert box(services, "plur") == ['["b"]']


@pytest.mark.parametrize(
    ("election", "body", "words"),
    [
        ("plur", {"ranking": ["a", "b"]}, "plurality counts marks, not a ranking"),
        ("plur", {"list": "a"}, "plurality counts marks, not a list"),
        ("party", {"marks": ["a"]}, "dhondt counts a list, not marks"),
        ("party", {"list": "a", "preferences": ["b"]}, "no preference votes"),
        ("block", {"marks": ["a", "b", "c"]}, "1 to 2 candidates"),
        ("block", {"marks": ["a", "a"]}, "'a' more than once"),
        ("block", {"marks": []}, "without a mark is not a ballot"),
        ("block", {"marks": ["a", "zed"]}, "'zed', not standing"),
    ],
)
def test_a_ballot_that_does_not_fit_the_method_is_refused_naming_the_rule(
    client: TestClient, services: Services, election: str, body: object, words: str
) -> None:
    before = head(services)
    status, answer = cast(client, services, election, "v1", body)
    assert status == 422, answer
    assert answer["error"]["rule"] == "SR-7"  # type: ignore[index]
    assert words in answer["error"]["message"]  # type: ignore[index]
    assert head(services) == before
    assert box(services, election) == []


@pytest.mark.parametrize(
    "body",
    [{}, {"votes": ["a"]}, {"marks": ["a"], "ranking": ["a"]}, ["a"]],
)
def test_a_body_that_names_no_one_shape_is_refused(
    client: TestClient, services: Services, body: object
) -> None:
    status, answer = cast(client, services, "plur", "v1", body)
    assert status == 422, answer
    assert box(services, "plur") == []


def test_each_shape_is_stored_as_marked(client: TestClient, services: Services) -> None:
    assert cast(client, services, "block", "v0", {"marks": ["c", "a"]})[0] == 201
    assert cast(client, services, "block", "v1", {"approve": ["b"]})[0] == 201
    status, body = cast(client, services, "party", "v0", {"list": "c"})
    assert status == 201
    assert body["ballot"] == {"list": "c", "preferences": []}
    assert box(services, "block") == ['["a","c"]', '["b"]']
    assert box(services, "party") == ['["c"]']


def test_the_openapi_ballot_body_is_one_of_the_three_shapes(
    client: TestClient,
) -> None:
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/elections/{election}/ballots"]["post"]["requestBody"]
    shapes = body["content"]["application/json"]["schema"]["oneOf"]
    names = {ref["$ref"].rsplit("/", 1)[-1] for ref in shapes}
    assert names == {"MarksBallot", "RankingBallot", "ListBallot"}


def test_one_plurality_seat_is_a_radio_group_on_the_web(
    client: TestClient, services: Services
) -> None:
    csrf = login(client, "v2")
    page = client.get("/elections/plur").text
    radios = re.findall(r'<input type="radio" id="mark-(\w)" name="marks"', page)
    assert radios == ["a", "b", "c"]
    assert 'type="checkbox"' not in page
    assert "Mark one candidate." in page
    # a browser cannot send two values of one radio group; a crafted post can,
    # and is refused with the marks shown again
    crafted = client.post(
        "/elections/plur/ballot", data={"csrf_token": csrf, "marks": ["a", "c"]}
    )
    assert crafted.status_code == 422
    assert "Plurality for 1 seat: a ballot marks one candidate; this ballot has 2." in (
        crafted.text
    )
    assert "rule SR-7" in crafted.text
    assert re.search(
        r'id="mark-a" name="marks" value="a" required checked', crafted.text
    )
    assert re.search(
        r'id="mark-c" name="marks" value="c" required checked', crafted.text
    )
    assert box(services, "plur") == []
    cast_page = client.post(
        "/elections/plur/ballot", data={"csrf_token": csrf, "marks": "c"}
    )
    assert cast_page.status_code == 200, cast_page.text
    assert "You marked one candidate" in cast_page.text
    assert box(services, "plur") == ['["c"]']


def test_block_vote_is_checkboxes_up_to_the_seats_and_a_list_is_one_choice(
    client: TestClient, services: Services
) -> None:
    csrf = login(client, "v3")
    page = client.get("/elections/block").text
    assert len(re.findall(r'type="checkbox" id="mark-\w" name="marks"', page)) == 3
    assert "Mark up to 2 candidates" in page
    three = client.post(
        "/elections/block/ballot",
        data={"csrf_token": csrf, "marks": ["a", "b", "c"]},
    )
    assert three.status_code == 422
    assert "1 to 2 candidates" in three.text
    assert box(services, "block") == []
    party = client.get("/elections/party").text
    assert len(re.findall(r'type="radio" id="list-\w" name="list"', party)) == 3
    assert "Choose one list." in party
    chosen = client.post(
        "/elections/party/ballot", data={"csrf_token": csrf, "list": "b"}
    )
    assert chosen.status_code == 200, chosen.text
    assert "You chose the list: b." in chosen.text
    assert box(services, "party") == ['["b"]']
