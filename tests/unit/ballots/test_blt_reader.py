"""BLT reading and writing (SR-7: the ballots a count starts from)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.ballots import BallotFile, read_blt, write_blt
from sovet.counting.types import Profile
from sovet.errors import BallotFileError

# Valid polls from each PROVENANCE.md (official figures).
VALID_POLL = {
    "irish-2002/dublin_north_2002.blt": (12, 4, 43_942),
    "irish-2002/dublin_west_2002.blt": (9, 3, 29_988),
    "irish-2002/meath_2002.blt": (14, 5, 64_081),
    "scot-edinburgh-2022/edinburgh_2022_ward2.blt": (9, 4, 11_087),
    "scot-edinburgh-2022/edinburgh_2022_ward5.blt": (10, 4, 13_416),
    "scot-edinburgh-2022/edinburgh_2022_ward9.blt": (7, 3, 9_028),
    "scot-edinburgh-2022/edinburgh_2022_ward11.blt": (13, 4, 8_857),
    "scot-edinburgh-2022/edinburgh_2022_ward12.blt": (12, 4, 10_996),
}


def _write(tmp_path: Path, text: str, name: str = "b.blt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ballots(profile: Profile) -> dict[tuple[int, ...], int]:
    return dict(profile.ballots())


@pytest.mark.parametrize(("relative", "expected"), VALID_POLL.items())
def test_reference_files_give_the_official_valid_poll(
    reference_data: Path, relative: str, expected: tuple[int, int, int]
) -> None:
    ballot_file = read_blt(reference_data / relative)
    n, seats, poll = expected
    assert (len(ballot_file.candidates), ballot_file.seats) == (n, seats)
    assert ballot_file.profile.total == poll
    assert ballot_file.notes == ()
    assert ballot_file.title


def test_dublin_west_has_preflib_distinct_orders(reference_data: Path) -> None:
    """PROVENANCE.md: exactly PrefLib's 10,335 distinct orderings; 452 Higgins only."""
    ballot_file = read_blt(reference_data / "irish-2002/dublin_west_2002.blt")
    assert len(ballot_file.profile.weights) == 10_335
    higgins = ballot_file.candidates.index("Joe Higgins (Socialist Party)")
    assert _ballots(ballot_file.profile)[(higgins,)] == 452


def test_quoted_names_with_doubled_quotes_and_unquoted_title(
    reference_data: Path,
) -> None:
    ballot_file = read_blt(
        reference_data / "scot-edinburgh-2022/edinburgh_2022_ward9.blt"
    )
    assert (
        ballot_file.candidates[0]
        == 'Christopher COWDY "Scottish Conservative and Unionist"'
    )
    assert ballot_file.title == "Ward 9 - Fountainbridge-Craiglockhart"


def test_grouping_weights_withdrawn_and_zero_based_indices(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '3 1\n-2\n2 1 3 0\n1 1 3 0\n1 3 0\n0 2 0\n0\n"A"\n"B"\n"C"\n"T"\n',
    )
    ballot_file = read_blt(path)
    assert ballot_file.withdrawn == frozenset({1})
    assert ballot_file.profile.withdrawn == frozenset({1})
    assert _ballots(ballot_file.profile) == {(0, 2): 3, (2,): 1}
    assert ballot_file.candidates == ("A", "B", "C")
    assert (ballot_file.title, ballot_file.seats) == ("T", 1)


@pytest.mark.parametrize(
    ("line", "kept", "note"),
    [
        ("1 2=3 1 0", (), "equal preferences"),
        ("1 1 2=3 0", (0,), "equal preferences"),
        ("1 1 - 2 0", (0,), "skipped preference"),
        ("1 1 2 1 3 0", (0, 1), "repeated preference"),
    ],
)
def test_unclear_preferences_end_the_ballot(
    tmp_path: Path, line: str, kept: tuple[int, ...], note: str
) -> None:
    path = _write(tmp_path, f'3 1\n{line}\n1 3 0\n0\n"A"\n"B"\n"C"\n')
    ballot_file = read_blt(path)
    expected = {(2,): 1, **({kept: 1} if kept else {})}
    assert _ballots(ballot_file.profile) == expected
    assert any(note in n for n in ballot_file.notes)
    if not kept:
        assert any("no valid first preference" in n for n in ballot_file.notes)


def test_blank_lines_among_ballots_are_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, '3 1\n1 1 0\n\n  \n2 2 3 0\n\t\n0\n"A"\n"B"\n"C"\n')
    assert _ballots(read_blt(path).profile) == {(0,): 1, (1, 2): 2}


def test_crlf_and_blank_lines_and_missing_title(tmp_path: Path) -> None:
    path = tmp_path / "w.blt"
    path.write_bytes(b'\xef\xbb\xbf2 1\r\n\r\n1 2 1 0\r\n0\r\n"A"\r\n"B"\r\n')
    ballot_file = read_blt(path)
    assert _ballots(ballot_file.profile) == {(1, 0): 1}
    assert ballot_file.title == ""
    assert any("no title" in n for n in ballot_file.notes)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty file"),
        ("3\n", 1, "candidates seats"),
        ("2 3\n0\n", 1, "seats must be between"),
        ("3 1\n-4\n0\n", 2, "withdrawn"),
        ('3 1\n1 1 2 0\n1 1 4 0\n0\n"A"\n"B"\n"C"\n', 3, "candidate 4 is not in"),
        ('3 1\n1 1 2\n0\n"A"\n"B"\n"C"\n', 2, "must end with 0"),
        ('3 1\nx 1 2 0\n0\n"A"\n"B"\n"C"\n', 2, "weight"),
        ('3 1\n1.5 1 2 0\n0\n"A"\n"B"\n"C"\n', 2, "weight"),
        ('3 1\n1 1 0 2 0\n0\n"A"\n"B"\n"C"\n', 2, "candidate 0"),
        ('3 1\n1 a 0\n0\n"A"\n"B"\n"C"\n', 2, "not a candidate number"),
        ("3 1\n1 1 0\n", 2, "no end-of-ballots"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "expected 3 candidate names"),
        ('3 1\n1 1 0\n0\n"A"\n"A"\n"C"\n', 5, "appears twice"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\nextra\n', 7, "unexpected line"),
        ('2 1\n1 1 0\n0\n"A"\n"\xff"\n', 5, None),
    ],
)
def test_malformed_files_are_refused_with_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str | None
) -> None:
    path = tmp_path / "bad.blt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(BallotFileError) as caught:
        read_blt(path)
    assert caught.value.source == str(path)
    assert caught.value.line == line
    assert reason is None or reason in caught.value.reason


def test_missing_file_is_a_ballot_file_error(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="cannot open"):
        read_blt(tmp_path / "absent.blt")


NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")


@st.composite
def ballot_files(draw: st.DrawFn) -> BallotFile:
    names = draw(st.lists(NAMES, min_size=1, max_size=7, unique=True))
    n = len(names)
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(0, 50)), max_size=30))
    withdrawn = draw(st.frozensets(st.integers(0, n - 1), max_size=n - 1))
    profile = Profile.from_ballots(names, ballots, withdrawn)
    seats = draw(st.integers(1, n))
    title = draw(st.one_of(st.just(""), NAMES))
    return BallotFile(title, tuple(names), seats, withdrawn, profile, "", ())


@given(ballot_files())
def test_write_then_read_gives_the_same_profile(original: BallotFile) -> None:
    """Round trip: every name, the title, seats, withdrawn and ballots survive."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rt.blt"
        write_blt(original, path)
        again = read_blt(path)
    assert again.candidates == original.candidates
    assert again.title == original.title
    assert again.seats == original.seats
    assert again.withdrawn == original.withdrawn
    assert _ballots(again.profile) == _ballots(original.profile)
    assert again.profile.total == original.profile.total


def test_write_refuses_what_blt_cannot_hold(tmp_path: Path) -> None:
    profile = Profile.from_ballots(["A"], [((0,), 1)])
    no_seats = BallotFile("t", ("A",), None, frozenset(), profile, "", ())
    with pytest.raises(BallotFileError, match="seat count"):
        write_blt(no_seats, tmp_path / "x.blt")
    broken = BallotFile("a\nb", ("A",), 1, frozenset(), profile, "", ())
    with pytest.raises(BallotFileError, match="line break"):
        write_blt(broken, tmp_path / "y.blt")
