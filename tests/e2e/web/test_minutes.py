"""Issue 12, item 6: the minutes of the 1917 Second Congress, three ways.

``sovet minutes`` as PDF (its text, read back with pypdf, holds the approval of
the Council of People's Commissars and its seq), CSV (one row per act, in log
order, with the log's own hashes) and HTML (attendance by faction); the web's
``/minutes/…`` downloads with their content types; a body id gives its latest
session; a missing WeasyPrint is refused naming ``sovet[pdf]``.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from sovet.cli.app import app as cli
from sovet.services.bootstrap import bootstrap
from sovet.services.queries import log_page
from sovet.web.routes import router

runner = CliRunner()


def _minutes(demo_dir: Path, tmp_path: Path, fmt: str, key: str = "congress-2") -> Path:
    out = tmp_path / f"minutes.{fmt}"
    db = str(demo_dir / "demo.db")
    args = ["minutes", key, "--format", fmt, "--out", str(out), "--db", db]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def _carried(db: Path) -> tuple[int, str]:
    """Seq and hash of the Second Congress's approval of the government."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        proposed = conn.execute(
            "SELECT payload FROM events WHERE type = 'MotionProposed' "
            "AND payload LIKE '%approve_government%' "
            "AND payload LIKE '%congress-2%' ORDER BY seq LIMIT 1"
        ).fetchone()
        motion = json.loads(proposed[0])["motion"]
        row = conn.execute(
            "SELECT seq, hash FROM events WHERE type = 'MotionCarried' "
            "AND payload LIKE ? ORDER BY seq LIMIT 1",
            (f'%"motion":"{motion}"%',),
        ).fetchone()
    return int(row[0]), str(row[1])


def test_the_pdf_holds_the_congress_decisions_with_their_seq(
    demo_dir: Path, tmp_path: Path
) -> None:
    pdf = _minutes(demo_dir, tmp_path, "pdf")
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert "Second All-Russian Congress of Soviets" in text
    assert "Decree on the formation of the Workers' and Peasants' Government" in text
    assert "approve government" in text
    assert "adopted" in text
    carried = _carried(Path(demo_dir) / "demo.db")
    assert f"#{carried[0]} {carried[1][:12]}" in text  # MotionCarried, seq and hash


def test_the_csv_has_one_row_per_act_in_log_order_with_the_logs_hashes(
    demo_dir: Path, tmp_path: Path
) -> None:
    rows = list(
        csv.reader(io.StringIO(_minutes(demo_dir, tmp_path, "csv").read_text()))
    )
    assert rows[0] == ["seq", "hash", "time", "type", "summary"]
    acts = rows[1:]
    seqs = [int(r[0]) for r in acts]
    assert seqs == sorted(seqs)
    assert (seqs[0], seqs[-1]) == (47, 71)  # convened … closed (names published)
    with bootstrap(str(demo_dir / "demo.db")) as services:
        log = {e.seq: e for e in log_page(services.uow(), limit=200).events}
    for seq, digest, time, kind, summary in acts:
        event = log[int(seq)]
        assert (digest, time, kind) == (event.hash, event.recorded_at, event.type)
        assert summary
    kinds = [r[3] for r in acts]
    assert (kinds[0], kinds[-1]) == ("CongressConvened", "CongressClosed")
    assert {"MotionProposed", "MotionCarried", "ExecutiveCommitteeElected"} <= set(
        kinds
    )
    assert "OfferMade" not in kinds  # not an act of the congress
    # every event naming the congress is there, and only those (or its motions)
    named = {
        s
        for s, e in log.items()
        if "congress-2" in (e.payload.get("congress"), e.payload.get("assembly"))
    }
    assert named == set(seqs)


def test_the_html_names_attendance_and_a_body_gives_its_latest_session(
    demo_dir: Path, tmp_path: Path
) -> None:
    html = _minutes(demo_dir, tmp_path, "html").read_text()
    assert "Attendance and credentials" in html
    assert "625 decisive delegates seated" in html
    assert 'Left Socialist Revolutionaries</td><td class="num">179' in html
    latest = _minutes(demo_dir, tmp_path, "html", key="national-congress").read_text()
    assert "Minutes: Third All-Russian Congress of Soviets" in latest


def test_an_unknown_session_is_refused(demo_dir: Path) -> None:
    result = runner.invoke(
        cli, ["minutes", "nowhere", "--db", str(demo_dir / "demo.db")]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.output


def test_without_weasyprint_pdf_is_refused_naming_the_extra(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    args = ["minutes", "congress-2", "--format", "pdf", "--out", str(tmp_path / "x")]
    result = runner.invoke(cli, [*args, "--db", str(demo_dir / "demo.db")])
    assert result.exit_code == 2
    assert "--format pdf" in result.output
    assert "pip install 'sovet[pdf]'" in result.output
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def web(demo_dir: Path) -> Iterator[TestClient]:
    with bootstrap(str(demo_dir / "demo.db")) as services:
        app = FastAPI()
        app.state.services = services
        app.include_router(router)
        yield TestClient(app)


@pytest.mark.parametrize(
    ("suffix", "media"),
    [("html", "text/html"), ("pdf", "application/pdf"), ("csv", "text/csv")],
)
def test_the_web_downloads_answer_with_their_content_types(
    web: TestClient, suffix: str, media: str
) -> None:
    answer = web.get(f"/minutes/congress-2.{suffix}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media)
    assert f"minutes-congress-2.{suffix}" in answer.headers["content-disposition"]
    if suffix == "pdf":
        assert answer.content.startswith(b"%PDF")
    else:
        assert "Second All-Russian Congress" in answer.text


def test_the_congress_page_links_its_minutes_and_bad_names_are_refused(
    web: TestClient,
) -> None:
    page = web.get("/congress/congress-2").text
    assert 'href="/minutes/congress-2.pdf"' in page
    assert web.get("/minutes/congress-2.doc").status_code == 422
    assert web.get("/minutes/nowhere.csv").status_code == 404
