"""PrefLib 2022 ordinal files (SR-7): metadata, orders, ties kept up to the first."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovet.ballots import read_blt, read_preflib
from sovet.errors import BallotFileError

HEAD = """# FILE NAME: t.{suffix}
# TITLE: A test
# DATA TYPE: {suffix}
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: {voters}
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
"""


def _write(tmp_path: Path, body: str, suffix: str = "toi", voters: int = 10) -> Path:
    path = tmp_path / f"t.{suffix}"
    path.write_text(HEAD.format(suffix=suffix, voters=voters) + body, encoding="utf-8")
    return path


def test_strict_orders_with_names_and_title(tmp_path: Path) -> None:
    path = _write(tmp_path, "6: 1,2,3\n3: 2,1\n1: 3\n", suffix="soi")
    ballot_file = read_preflib(path)
    assert ballot_file.candidates == ("Ann", "Bob", "Cy")
    assert ballot_file.title == "A test"
    assert ballot_file.seats is None
    assert dict(ballot_file.profile.ballots()) == {(0, 1, 2): 6, (1, 0): 3, (2,): 1}
    assert ballot_file.notes == ()


def test_ties_keep_the_ballot_up_to_its_first_tie(tmp_path: Path) -> None:
    """``2,{1,3}`` keeps Bob only; ``{1,2},3`` has no strict first choice; ``{3},1``
    is no tie at all."""
    path = _write(tmp_path, "4: 1,2,3\n3: 2,{1,3}\n2: {1,2},3\n1: {3},1\n")
    ballot_file = read_preflib(path)
    assert dict(ballot_file.profile.ballots()) == {(0, 1, 2): 4, (1,): 3, (2, 0): 1}
    assert "5 ballot(s) kept only up to their first tie" in ballot_file.notes
    assert any(
        n.startswith("2 ballot(s) with no strict first") for n in ballot_file.notes
    )


def test_same_ballots_as_the_blt_of_the_same_election(
    reference_data: Path, tmp_path: Path
) -> None:
    """A .soi written from Dublin West's BLT reads back to the same profile."""
    blt = read_blt(reference_data / "irish-2002/dublin_west_2002.blt")
    lines = [
        "# NUMBER ALTERNATIVES: 9",
        f"# NUMBER VOTERS: {blt.profile.total}",
        *(f"# ALTERNATIVE NAME {i}: {n}" for i, n in enumerate(blt.candidates, 1)),
        *(f"{w}: {','.join(str(c + 1) for c in r)}" for r, w in blt.profile.ballots()),
    ]
    path = tmp_path / "dw.soi"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = read_preflib(path)
    assert again.candidates == blt.candidates
    assert dict(again.profile.ballots()) == dict(blt.profile.ballots())


@pytest.mark.parametrize(
    ("body", "suffix", "voters", "line", "reason"),
    [
        ("1: 1,{2,3}\n", "soi", 1, 9, "not allowed in a strict-order"),
        ("1: 1,4\n", "toi", 1, 9, "not in 1 … 3"),
        ("1: 1,1\n", "toi", 1, 9, "appears twice"),
        ("3: 1,2\nx: 1\n", "toi", 4, 10, "not a whole number"),
        ("1: 1,{2,3\n", "toi", 1, 9, "unbalanced"),
        ("1: 1,2}\n", "toi", 1, 9, "unbalanced"),
        ("1 1,2\n", "toi", 1, 9, "count: a,b"),
        ("1: 1,a\n", "toi", 1, 9, "comma"),
        ("2: 1,2\n", "toi", 5, None, "NUMBER VOTERS says 5"),
    ],
)
def test_malformed_orders_are_refused(
    tmp_path: Path,
    body: str,
    suffix: str,
    voters: int,
    line: int | None,
    reason: str,
) -> None:
    path = _write(tmp_path, body, suffix=suffix, voters=voters)
    with pytest.raises(BallotFileError) as caught:
        read_preflib(path)
    assert caught.value.line == line
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1: 1\n", "NUMBER ALTERNATIVES"),
        ("# NUMBER ALTERNATIVES: x\n1: 1\n", "whole number"),
        ("# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 2: B\n1: 1\n", "outside"),
        ("# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME x: B\n1: 1\n", "needs a number"),
        (
            "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: B\n"
            "# ALTERNATIVE NAME 2: B\n1: 1\n",
            "same name",
        ),
    ],
)
def test_bad_metadata_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "m.soc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BallotFileError, match=reason):
        read_preflib(path)


def test_unnamed_alternatives_are_named_by_number(tmp_path: Path) -> None:
    path = tmp_path / "u.soc"
    path.write_text("# NUMBER ALTERNATIVES: 2\n1: 2,1\n", encoding="utf-8")
    ballot_file = read_preflib(path)
    assert ballot_file.candidates == ("Alternative 1", "Alternative 2")
    assert ballot_file.notes == ("2 alternative(s) without a name: named by number",)
