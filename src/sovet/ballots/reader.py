"""``read_ballots``: pick the reader of a ballot file by its suffix (DESIGN §4)."""

from __future__ import annotations

from pathlib import Path

from sovet.ballots.blt import read_blt
from sovet.ballots.common import BallotFile
from sovet.ballots.csv_ballots import read_csv_ballots
from sovet.ballots.preflib import PREFLIB_SUFFIXES, read_preflib
from sovet.errors import BallotFileError, says

__all__ = ["BALLOT_SUFFIXES", "read_ballots"]

BALLOT_SUFFIXES = (".blt", *PREFLIB_SUFFIXES, ".csv")


def read_ballots(path: str | Path, *, progress: bool = False) -> BallotFile:
    """SR-7: read a BLT, PrefLib or CSV ballot file, chosen by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".blt":
        return read_blt(path, progress=progress)
    if suffix in PREFLIB_SUFFIXES:
        return read_preflib(path, progress=progress)
    if suffix == ".csv":
        return read_csv_ballots(path, progress=progress)
    raise BallotFileError(
        says(
            "unknown ballot file type {suffix!r}: expected one of {suffixes}",
            suffix=suffix or says("(no suffix)"),
            suffixes=", ".join(BALLOT_SUFFIXES),
        ),
        source=str(path),
    )
