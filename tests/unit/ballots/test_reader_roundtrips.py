"""The three readers agree: one profile written as BLT, PrefLib and CSV reads back
the same (SR-7: a count must not depend on the file format of its ballots)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sovet.ballots import BallotFile, read_ballots, write_blt
from sovet.counting.types import Profile

NAMES = ["Ann", "Bob", "Cy", "Dee", "Eve", "Fay"]


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(1, len(NAMES)))
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 9)), min_size=1))
    return Profile.from_ballots(NAMES[:n], ballots)


def _named(profile: Profile) -> dict[tuple[str, ...], int]:
    names = profile.candidates
    return {tuple(names[c] for c in r): w for r, w in profile.ballots()}


def _write_all(profile: Profile, folder: Path) -> list[Path]:
    names = profile.candidates
    blt = folder / "p.blt"
    write_blt(BallotFile("t", names, 1, frozenset(), profile, "", ()), blt)
    soi = folder / "p.soi"
    soi.write_text(
        f"# NUMBER ALTERNATIVES: {len(names)}\n"
        f"# NUMBER VOTERS: {profile.total}\n"
        + "".join(f"# ALTERNATIVE NAME {i}: {n}\n" for i, n in enumerate(names, 1))
        + "".join(
            f"{w}: {','.join(str(c + 1) for c in r)}\n" for r, w in profile.ballots()
        ),
        encoding="utf-8",
    )
    csv = folder / "p.csv"
    csv.write_text(
        "weight,"
        + ",".join(f"rank{i}" for i in range(1, len(names) + 1))
        + "\n"
        + "".join(
            f"{w}," + ",".join(names[c] for c in r) + "\n" for r, w in profile.ballots()
        ),
        encoding="utf-8",
    )
    return [blt, soi, csv]


@given(profiles())
def test_blt_preflib_and_csv_read_back_the_same_ballots(profile: Profile) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = [read_ballots(p) for p in _write_all(profile, Path(tmp))]
    expected = _named(profile)
    for ballot_file in files:
        assert _named(ballot_file.profile) == expected
        assert ballot_file.profile.total == profile.total
        assert ballot_file.notes == ()
