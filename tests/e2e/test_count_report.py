"""Issue 11, one count report: ``sovet count``, the API and the web agree.

Every reference election (Edinburgh 2022 by Scottish STV, Irish 2002 by ERS97
STV) and several seeded random profiles are cast ballot by ballot as a secret
poll through the services (``cast_ballot``, ``close_poll`` on a SQLite
database), closed and counted there. Then:

- ``GET /api/elections/{id}``'s ``result`` equals ``sovet count FILE --method M
  --format json`` on the ballot file, number for number (exact JSON), and
  ``turnout`` gives the ballots cast and the electors registered;
- the web's count sheet shows the same stages, the same tallies at every
  stage, the quota, the stage each winner was elected at, and the same
  non-transferable figures as ``sovet count``'s stage table;
- the page links its report as JSON, and that link answers the API's JSON.

A ranked ballot file counted by a method whose ballot is not a ranking is cast
the way the method reads the file (plurality and list PR: the first
preference; block vote: the first ``seats``; approval: every one ranked), so
the equality also checks that reading.

By default the first 1,000 ballots of Edinburgh's ward 9 and the random
profiles run; the whole reference elections (9,028 to 64,081 ballots, about
1.5 ms a ballot) are marked slow.
"""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from typer.testing import CliRunner

from sovet.ballots.blt import read_blt
from sovet.cli.app import app as cli
from sovet.counting.ballots import BallotShape
from sovet.counting.methods import get_method
from sovet.domain.bodies.registration import RegisterBody, RegisterPerson
from sovet.domain.elections.deputies import RegisterConstituency
from sovet.domain.elections.polling import CallElection
from sovet.domain.franchise.electorate import RegisterElector
from sovet.server import create_app
from sovet.services.ballots import cast_ballot, close_poll, open_poll
from sovet.services.bootstrap import bootstrap
from sovet.services.generate import BatchWriter
from tests.unit.services.ballot_world import ServiceWorld
from tests.world import CONDUCT

runner = CliRunner()
AT, DAY = "1917-10-01", "1917-11-05"

REFERENCE = [
    *(
        pytest.param(
            f"scot-edinburgh-2022/edinburgh_2022_ward{n}.blt",
            "stv-scottish",
            marks=pytest.mark.slow,
        )
        for n in (2, 5, 9, 11, 12)
    ),
    *(
        pytest.param(f"irish-2002/{name}_2002.blt", "stv-ers97", marks=pytest.mark.slow)
        for name in ("dublin_north", "dublin_west", "meath")
    ),
]

RANDOM = [
    # (seed, method, candidates, seats, ballots)
    (1, "stv-scottish", 6, 3, 120),
    (2, "stv-meek", 5, 2, 90),
    (3, "irv", 4, 1, 60),
    (4, "plurality", 4, 2, 50),
    (5, "block-vote", 5, 2, 50),
    (6, "approval", 4, 2, 40),
    (7, "schulze", 4, 2, 40),
    (8, "dhondt", 4, 3, 50),
    (9, "stv-ers97", 6, 3, 120),
]


def as_cast(shape: BallotShape, ranking: tuple[str, ...], seats: int) -> list[str]:
    """The ballot a voter casts for ``ranking`` by a method of ``shape``."""
    if shape.kind == "ranking" or (shape.kind == "marks" and shape.most == "all"):
        return list(ranking)
    if shape.kind == "marks" and shape.most == "seats":
        return list(ranking[:seats])
    return list(ranking[:1])


def poll_through_the_services(
    tmp_path: Path, path: Path, method: str, seats: int
) -> str:
    """Cast every ballot of ``path`` in a secret poll, close it; the database.

    The electors are registered in batches (``BatchWriter``: the commands are
    decided one by one, their events appended many per transaction); every
    ballot is cast by ``cast_ballot`` and the poll closed by ``close_poll``, the
    services' own path. The test database runs ``synchronous=OFF`` while the
    ballots go in (nothing here needs to survive a power cut; 64,081 fsyncs
    would take minutes); the API and the web then open it as any server does.
    """
    ballots = read_blt(path)
    names = ballots.profile.candidates
    db = str(tmp_path / "poll.db")
    voters: list[tuple[str, tuple[str, ...]]] = []
    for ranking, weight in ballots.profile.ballots():
        ranked = tuple(names[c] for c in ranking)
        voters += [(f"v{len(voters) + i}", ranked) for i in range(weight)]
    with bootstrap(db, create=True) as services:
        assert services.engine is not None
        event.listen(services.engine, "connect", _no_fsync)
        services.engine.dispose()
        writer = BatchWriter(services.uow, 20_000)
        writer.run(
            RegisterBody(
                at=AT,
                body="petrograd",
                name="Council",
                kind="council",
                level="gubernia",
                population=2_300_000,
            )
        )
        for constituency, size in (("ward", seats), ("other", 1)):
            writer.run(
                RegisterConstituency(
                    at=AT, constituency=constituency, council="petrograd", seats=size
                )
            )
        people = [(name, "other") for name in names] + [(v, "ward") for v, _ in voters]
        for person, constituency in people:
            writer.run(RegisterPerson(at=AT, person=person, name=person))
            writer.run(
                RegisterElector(
                    at=AT,
                    person=person,
                    birth_date="1890-01-01",
                    constituency=constituency,
                    categories=("labour",),
                )
            )
        writer.run(
            CallElection(
                at=AT,
                election="e",
                constituency="ward",
                seats=seats,
                polling_day=DAY,
                candidates=names,
                conduct=CONDUCT,
                method=method,
            )
        )
        writer.flush()
        open_poll(services, "e", at=DAY)
        shape = get_method(method).ballot
        for voter, ranked in voters:
            cast_ballot(services, "e", voter, as_cast(shape, ranked, seats), at=DAY)
        close_poll(services, "e", ("k1", "rep"), at=DAY)
    return db


def _no_fsync(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def sovet_count(path: Path, method: str, seats: int) -> tuple[dict[str, Any], str]:
    """``sovet count``'s JSON (exact) and its stage table."""
    args = ["count", str(path), "--method", method, "--seats", str(seats)]
    as_json = runner.invoke(cli, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    return json.loads(as_json.stdout, parse_float=Decimal), table.stdout


def exact(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def figure(value: int | Decimal) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


class _Sheet(HTMLParser):
    """The count sheet's rows (header text → cell texts), quota and JSON link."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.quota: str | None = None
        self.link: str | None = None
        self._in_sheet = False
        self._cell: list[str] | None = None
        self._span = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("class") == "count-sheet":
            self._in_sheet = True
        elif tag == "tr" and self._in_sheet:
            self.rows.append([])
        elif tag in ("th", "td") and self._in_sheet:
            self._cell = []
        elif tag == "span" and a.get("id") == "quota":
            self._span = True
            self.quota = ""
        elif tag == "a" and a.get("id") == "report-json":
            self.link = a.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_sheet = False
        elif tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "span":
            self._span = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._span and self.quota is not None:
            self.quota += data


def table_row(text: str, label: str) -> list[str]:
    """A row of ``sovet count``'s stage table (over every page), by its label."""
    cells: list[str] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("│")]
        if len(parts) > 2 and parts[1] == label:
            cells += parts[2:-1]
    return cells


def check_agreement(db: str, path: Path, method: str, seats: int) -> None:
    expected, table = sovet_count(path, method, seats)
    ballots = read_blt(path)
    with bootstrap(db) as services:
        client = TestClient(create_app(services))
        answer = client.get("/api/elections/e")
        assert answer.status_code == 200, answer.text
        view = exact(answer.text)
        assert view["result"] == expected
        assert view["turnout"] == {
            "ballots_cast": ballots.profile.total,
            "registered": ballots.profile.total,
        }
        assert view["voted"] == ballots.profile.total
        assert view["recounted_from_published_ballots"] is True
        page = client.get("/elections/e")
        assert page.status_code == 200, page.text
        sheet = _Sheet()
        sheet.feed(page.text)
        assert sheet.link == "/api/elections/e"
        assert exact(client.get(sheet.link).text) == view
    rounds = expected["rounds"]
    header, transfer, *rows = sheet.rows
    assert header == ["Candidate", *(f"Stage {r['number']}" for r in rounds), "Outcome"]
    assert transfer[0] == "Transfer"
    by_name = {row[0]: row[1:] for row in rows}
    elected_at: dict[str, int] = {}
    for stage in rounds:
        for name in stage["elected"]:
            elected_at.setdefault(name, stage["number"])
    for name in ballots.profile.candidates:
        cells, outcome = by_name[name][:-1], by_name[name][-1]
        assert cells == [
            figure(r["tallies"][name]) if name in r["tallies"] else "" for r in rounds
        ], name
        if name in elected_at:
            assert outcome == f"elected at stage {elected_at[name]}"
        else:
            assert not outcome.startswith("elected")
    assert set(elected_at) == set(expected["elected"])
    quota = expected["quota"]
    assert sheet.quota == (None if quota is None else figure(quota))
    non_transferable = by_name["Non-transferable"][:-1]
    assert non_transferable == table_row(table, "Non-transferable")
    assert non_transferable[-1] == figure(expected["exhausted"])
    assert by_name["Total"][:-1] == table_row(table, "Total")


@pytest.mark.parametrize(("file", "method"), REFERENCE)
def test_a_reference_election_counted_through_the_service_agrees_everywhere(
    reference_data: Path, tmp_path: Path, file: str, method: str
) -> None:
    path = reference_data / file
    seats = read_blt(path).seats
    assert seats is not None
    db = poll_through_the_services(tmp_path, path, method, seats)
    check_agreement(db, path, method, seats)


def write_blt(
    path: Path, names: list[str], seats: int, ballots: list[tuple[list[int], int]]
) -> None:
    lines = [f"{len(names)} {seats}"]
    lines += [f"{w} {' '.join(str(c + 1) for c in r)} 0" for r, w in ballots]
    quoted = ['"' + n.replace('"', '""') + '"' for n in names]
    lines += ["0", *quoted, '"random profile"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("seed", "method", "n", "seats", "size"), RANDOM)
def test_a_random_profile_counted_through_the_service_agrees_everywhere(
    tmp_path: Path, seed: int, method: str, n: int, seats: int, size: int
) -> None:
    rng = random.Random(seed)
    names = [f"Candidate {chr(65 + i)}" for i in range(n)]
    strength = [rng.random() + 0.2 for _ in names]
    ballots: list[tuple[list[int], int]] = []
    for _ in range(size):
        order = sorted(range(n), key=lambda c: -strength[c] * rng.random())
        ballots.append((order[: rng.randint(1, n)], 1))
    path = tmp_path / "random.blt"
    write_blt(path, names, seats, ballots)
    db = poll_through_the_services(tmp_path, path, method, seats)
    check_agreement(db, path, method, seats)


def test_part_of_a_real_ward_counted_through_the_service_agrees_everywhere(
    reference_data: Path, tmp_path: Path
) -> None:
    """Edinburgh ward 9's first 1,000 ballot papers (the default run's real data)."""
    ward = read_blt(reference_data / "scot-edinburgh-2022/edinburgh_2022_ward9.blt")
    kept: list[tuple[list[int], int]] = []
    left = 1_000
    for ranking, weight in ward.profile.ballots():
        if left > 0:
            kept.append((list(ranking), min(weight, left)))
            left -= kept[-1][1]
    path = tmp_path / "ward9-part.blt"
    write_blt(path, list(ward.profile.candidates), 3, kept)
    db = poll_through_the_services(tmp_path, path, "stv-scottish", 3)
    check_agreement(db, path, "stv-scottish", 3)


def test_a_count_of_named_ballots_has_its_result_too(tmp_path: Path) -> None:
    """``count_election`` (no secret poll): the API answers its result and
    turnout (it used to say ``voted: 0, result: null``), and its log entry now
    records the stage table and quota, so the web places each candidate at the
    stage of the count."""
    from sovet.domain.elections.conduct import Ballot
    from sovet.domain.elections.polling import CountElection

    db = str(tmp_path / "named.db")
    with bootstrap(db, create=True) as services:
        flow = ServiceWorld(services)
        flow.town(electors=9, seats=3)
        flow.run(
            CallElection(
                at="1917-11-01",
                election="e",
                constituency="putilov",
                seats=2,
                polling_day=DAY,
                candidates=("a", "b", "c"),
                conduct=CONDUCT,
                method="stv-scottish",
            )
        )
        rankings = [("a", "b")] * 5 + [("b",)] * 2 + [("c", "b")] * 2
        flow.run(
            CountElection(
                at=DAY,
                election="e",
                minutes_signed_by=("k1", "rep"),
                ballots=tuple(Ballot(f"v{i}", r) for i, r in enumerate(rankings)),
            )
        )
        client = TestClient(create_app(services))
        view = exact(client.get("/api/elections/e").text)
        assert view["voted"] == 9
        assert view["turnout"] == {"ballots_cast": 9, "registered": 9}
        assert view["result"]["elected"] == ["a", "b"]
        assert view["result"]["rounds"][0]["tallies"] == {"a": 5, "b": 2, "c": 2}
        assert view["stages_recorded"] is True
        assert view["result"]["quota"] is not None
        assert view["recounted_from_published_ballots"] is False
        page = client.get("/elections/e").text
    assert "elected at stage" in page
    assert not re.search(r"not the stage at which each candidate was elected", page)


def test_a_v1_count_without_a_stage_table_places_nobody_at_a_stage(
    tmp_path: Path,
) -> None:
    """Logs written before counts recorded their stages (``tests/data/v1``): the
    page says so instead of guessing a stage."""
    from typer.testing import CliRunner

    from sovet.cli.app import app as cli

    db = tmp_path / "cf.db"
    source = Path(__file__).parents[1] / "data" / "v1" / "counterfactual.jsonl"
    done = CliRunner().invoke(cli, ["import", str(source), "--db", str(db)])
    assert done.exit_code == 0, done.output
    with bootstrap(str(db)) as services:
        client = TestClient(create_app(services))
        view = exact(client.get("/api/elections/cf-by-election-1").text)
        assert view["stages_recorded"] is False
        assert view["result"]["elected"] == ["cf-candidate-1"]
        page = client.get("/elections/cf-by-election-1").text
    assert "elected at stage" not in page
    assert re.search(r"not the stage at which each candidate was elected", page)
