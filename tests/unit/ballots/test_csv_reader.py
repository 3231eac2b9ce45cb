"""CSV ballot files (DESIGN §4, SR-7): header rules, weights, the scot-elex layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet.ballots import read_blt, read_csv_ballots
from sovet.errors import BallotFileError


def _read(tmp_path: Path, text: str) -> dict[tuple[str, ...], int]:
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    ballot_file = read_csv_ballots(path)
    names = ballot_file.candidates
    return {tuple(names[c] for c in r): w for r, w in ballot_file.profile.ballots()}


def test_without_header_every_row_is_a_ballot_of_weight_one(tmp_path: Path) -> None:
    assert _read(tmp_path, "Bob,Ann\nAnn\nBob,Ann,\n") == {
        ("Bob", "Ann"): 2,
        ("Ann",): 1,
    }


def test_weight_column_anywhere_under_a_header(tmp_path: Path) -> None:
    text = "rank1,Weight,rank2\nAnn,3,Bob\n Bob ,,\nAnn,2,Bob\n"
    assert _read(tmp_path, text) == {("Ann", "Bob"): 5, ("Bob",): 1}


@pytest.mark.parametrize("header", ["1,2,3", "Rank 1,Rank 2,Rank 3", "1st,2nd,3rd"])
def test_rank_label_headers_are_not_ballots(tmp_path: Path, header: str) -> None:
    assert _read(tmp_path, f"{header}\nAnn,Bob,Cy\n") == {("Ann", "Bob", "Cy"): 1}


def test_candidates_are_sorted_names_whatever_the_row_order(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("Cy,Ann\nBob\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text("Bob\nCy,Ann\n", encoding="utf-8")
    assert read_csv_ballots(one).candidates == ("Ann", "Bob", "Cy")
    assert read_csv_ballots(two).candidates == ("Ann", "Bob", "Cy")


def test_gaps_and_repeats_end_the_ballot_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Ann,,Bob\nBob,Bob,Ann\n", encoding="utf-8")
    ballot_file = read_csv_ballots(path)
    names = ballot_file.candidates
    ballots = {tuple(names[c] for c in r): w for r, w in ballot_file.profile.ballots()}
    assert ballots == {("Ann",): 1, ("Bob",): 1}
    assert len(ballot_file.notes) == 2


@pytest.mark.parametrize("ward", ["ward2", "ward5", "ward9", "ward11", "ward12"])
def test_scot_elex_csv_equals_its_blt(reference_data: Path, ward: str) -> None:
    """mggg/scot-elex ships each ward as CSV and BLT: the same ballots."""
    base = reference_data / "scot-edinburgh-2022" / f"edinburgh_2022_{ward}"
    csv_file = read_csv_ballots(base.with_suffix(".csv"))
    blt_file = read_blt(base.with_suffix(".blt"))
    assert csv_file.seats == blt_file.seats
    assert csv_file.title == blt_file.title
    assert dict(csv_file.profile.ballots()) == dict(blt_file.profile.ballots())
    surnames = [n.split('"')[0].split()[-1].lower() for n in blt_file.candidates]
    assert [n.split()[-1].lower() for n in csv_file.candidates] == surnames


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", None, "empty file"),
        ("weight,r1\nx,Ann\n", 2, "not a whole number"),
        ("weight,weight\n1,Ann\n", 1, "two 'weight'"),
        ('a,"b\n', 1, "not valid CSV"),
        ("3,1,\n1,4,\n", 2, "not a candidate number"),
        ("3,1,\n1,1,\nTitle,x\n", 3, "expected 'count"),
        ('2,1,\n1,1,\n"Candidate 1","A"\n', None, "Candidate 2"),
        ("0,1,\n", 1, "candidates,seats"),
    ],
)
def test_malformed_csv_is_refused(
    tmp_path: Path, text: str, line: int | None, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BallotFileError) as caught:
        read_csv_ballots(path)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"Ann,B\xf6b\n")
    with pytest.raises(BallotFileError, match="UTF-8"):
        read_csv_ballots(path)
