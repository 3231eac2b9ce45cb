"""Issue 12, item 6: the minutes carry each counted election's count sheet.

A secret poll is cast ballot by ballot through the services and closed (the
helper of ``tests/e2e/test_count_report.py``); the council then sits. The
sitting's minutes — ``sovet minutes`` as CSV, HTML and PDF, and the web's
``/minutes/…`` — hold the election's count sheet, and every figure in it (each
candidate's votes at each stage, the stage each was elected at, the quota, the
non-transferable votes and each stage's total) equals ``sovet count FILE
--format json`` (and its stage table) for the same ballots. The union
scenario's minutes report the elections of their period only.
"""

from __future__ import annotations

import csv
import io
import random
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.domain.bodies.registration import RegisterPerson
from sovet.domain.kernel.sittings import ConveneSitting
from sovet.presets.loader import preset_file
from sovet.services.bootstrap import bootstrap
from sovet.services.minutes import SHEET_COLUMNS
from sovet.web.minutes import router
from tests.e2e.test_count_report import (
    DAY,
    figure,
    poll_through_the_services,
    sovet_count,
    table_row,
    write_blt,
)
from tests.unit.services.ballot_world import ServiceWorld

runner = CliRunner()

PROFILES = [
    # (seed, method, candidates, seats, ballots)
    (11, "stv-scottish", 6, 3, 90),
    (12, "irv", 4, 1, 40),
    (13, "plurality", 3, 1, 30),
]


def _poll_and_sit(
    tmp_path: Path, seed: int, method: str, n: int, seats: int, size: int
) -> tuple[str, Path]:
    """A secret poll of a random profile, counted; then the council sits."""
    rng = random.Random(seed)
    names = [f"Candidate {chr(65 + i)}" for i in range(n)]
    strength = [rng.random() + 0.2 for _ in names]
    ballots: list[tuple[list[int], int]] = []
    for _ in range(size):
        order = sorted(range(n), key=lambda c: -strength[c] * rng.random())
        ballots.append((order[: rng.randint(1, n)], 1))
    path = tmp_path / "profile.blt"
    write_blt(path, names, seats, ballots)
    db = poll_through_the_services(tmp_path, path, method, seats)
    with bootstrap(db) as services:
        flow = ServiceWorld(services)
        flow.run(
            RegisterPerson(
                at=DAY, person="chair", name="The chair", bodies=("petrograd",)
            )
        )
        flow.run(
            ConveneSitting(at=DAY, sitting="sit-1", body="petrograd", name="Sitting")
        )
    return db, path


def _minutes(db: str, fmt: str, out: Path, key: str = "sit-1") -> Path:
    target = out / f"minutes.{fmt}"
    args = ["minutes", key, "--format", fmt, "--out", str(target), "--db", db]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    return target


def _sheet_rows(text: str) -> list[dict[str, str]]:
    """The CSV's count-sheet rows (after the empty row), as dicts."""
    rows = list(csv.reader(io.StringIO(text)))
    gap = rows.index([])
    assert tuple(rows[gap + 1]) == SHEET_COLUMNS
    return [dict(zip(SHEET_COLUMNS, r, strict=True)) for r in rows[gap + 2 :]]


class _Tables(HTMLParser):
    """Each ``table.count-sheet``'s rows: data-row → cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets: dict[str, dict[str, list[str]]] = {}
        self._sheet: str | None = None
        self._row: str | None = None
        self._cell: list[str] | None = None
        self.quota: list[str] = []
        self._quota = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("class") == "count-sheet":
            self._sheet = str(a["data-election"])
            self.sheets[self._sheet] = {}
        elif tag == "tr" and self._sheet and a.get("data-row"):
            self._row = str(a["data-row"])
            self.sheets[self._sheet][self._row] = []
        elif tag in ("td", "th") and self._row:
            self._cell = []
        elif tag == "span" and a.get("class") == "quota":
            self._quota = True
            self.quota.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._sheet = self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._sheet:
            assert self._row is not None
            self.sheets[self._sheet][self._row].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "span":
            self._quota = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._quota:
            self.quota[-1] += data


def _elected_at(expected: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for stage in expected["rounds"]:
        for name in stage["elected"]:
            found.setdefault(name, stage["number"])
    return found


@pytest.mark.parametrize(("seed", "method", "n", "seats", "size"), PROFILES)
def test_the_minutes_count_sheet_equals_sovet_count(
    tmp_path: Path, seed: int, method: str, n: int, seats: int, size: int
) -> None:
    db, path = _poll_and_sit(tmp_path, seed, method, n, seats, size)
    expected, table = sovet_count(path, method, seats)
    rounds = expected["rounds"]
    elected_at = _elected_at(expected)
    assert set(elected_at) == set(expected["elected"])
    candidates = sorted({c for r in rounds for c in r["tallies"]} | set(elected_at))

    # CSV: one row per figure, the count's log entry on each
    sheet = _sheet_rows(_minutes(db, "csv", tmp_path).read_text(encoding="utf-8"))
    assert {r["election"] for r in sheet} == {"e"}
    quota = [r["votes"] for r in sheet if r["row"] == "quota"]
    assert quota == ([] if expected["quota"] is None else [figure(expected["quota"])])
    for name in candidates:
        mine = [r for r in sheet if r["row"] == name]
        assert [r["stage"] for r in mine] == [str(r["number"]) for r in rounds]
        assert [r["votes"] for r in mine] == [
            figure(r["tallies"][name]) if name in r["tallies"] else "" for r in rounds
        ], name
        outcomes = {r["outcome"] for r in mine}
        if name in elected_at:
            assert outcomes == {f"elected at stage {elected_at[name]}"}, name
        else:
            assert not any(o.startswith("elected") for o in outcomes), name
    lost = [r["votes"] for r in sheet if r["row"] == "non-transferable"]
    assert lost == table_row(table, "Non-transferable")
    assert lost[-1] == figure(expected["exhausted"])
    totals = [r["votes"] for r in sheet if r["row"] == "total"]
    assert totals == table_row(table, "Total")

    # HTML: the same figures in the count-sheet table
    html = _minutes(db, "html", tmp_path).read_text(encoding="utf-8")
    parsed = _Tables()
    parsed.feed(html)
    rows = parsed.sheets["e"]
    for name in candidates:
        label, *cells, outcome = rows[name]
        assert label == name
        assert cells == [
            figure(r["tallies"][name]) if name in r["tallies"] else "" for r in rounds
        ]
        if name in elected_at:
            assert outcome == f"elected at stage {elected_at[name]}"
    assert rows["non-transferable"][1:-1] == lost
    assert rows["total"][1:-1] == totals
    assert parsed.quota == quota

    # PDF: the count sheet's heading, quota and outcomes are in the text
    pdf = _minutes(db, "pdf", tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Count sheet of e" in text
    for name, stage in elected_at.items():
        assert f"{name}" in text
        assert f"elected at stage {stage}" in text
    if quota:
        assert f"quota {quota[0]}" in text

    # the web's downloads are the same minutes
    with bootstrap(db) as services:
        app = FastAPI()
        app.state.services = services
        app.include_router(router)
        web = TestClient(app)
        answer = web.get("/minutes/sit-1.csv")
        assert answer.status_code == 200
        assert answer.text == _minutes(db, "csv", tmp_path).read_text(encoding="utf-8")
        page = web.get("/minutes/petrograd.html")  # the body's latest session
        assert 'data-election="e"' in page.text
        policy = page.headers["content-security-policy"]
        assert "style-src 'self' 'sha256-" in policy  # its own stylesheet only
        assert "unsafe-inline" not in policy


def test_minutes_report_the_elections_of_their_period(tmp_path: Path) -> None:
    db = str(tmp_path / "union.db")
    scenario = preset_file("union", "scenario_recall.toml")
    ran = runner.invoke(cli, ["run", str(scenario), "--db", db])
    assert ran.exit_code == 0, ran.output

    def reported(session: str) -> set[str]:
        text = _minutes(db, "csv", tmp_path, session).read_text(encoding="utf-8")
        return {r["election"] for r in _sheet_rows(text)}

    # the branch elections before the conference; the by-election after it
    assert reported("conference-2025") == {"north-2025", "south-2025"}
    assert reported("board-2025") == {"north-by-2025"}
    html = _minutes(db, "html", tmp_path, "board-2025").read_text(encoding="utf-8")
    assert "3 members seated" in html
    assert "decisive delegates" not in html


def test_a_session_without_elections_says_so(demo_dir: Path, tmp_path: Path) -> None:
    db = str(demo_dir / "demo.db")
    html = _minutes(db, "html", tmp_path, "congress-2").read_text(encoding="utf-8")
    assert "No election was counted in this period." in html
    text = _minutes(db, "csv", tmp_path, "congress-2").read_text(encoding="utf-8")
    assert "election,seq,hash" not in text
