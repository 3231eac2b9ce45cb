"""``read_ballots`` picks the reader by suffix (DESIGN §4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet.ballots import read_ballots
from sovet.errors import BallotFileError


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("x.blt", '2 1\n1 2 1 0\n0\n"A"\n"B"\n'),
        (
            "x.SOI",
            "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n"
            "# ALTERNATIVE NAME 2: B\n1: 2,1\n",
        ),
        ("x.csv", "B,A\n"),
    ],
)
def test_dispatch_by_suffix(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ballot_file = read_ballots(path)
    assert ballot_file.candidates == ("A", "B")
    assert dict(ballot_file.profile.ballots()) == {(1, 0): 1}


@pytest.mark.parametrize("name", ["x.txt", "noext"])
def test_unknown_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("1\n", encoding="utf-8")
    with pytest.raises(BallotFileError, match="unknown ballot file type"):
        read_ballots(path)
