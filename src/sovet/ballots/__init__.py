"""Ballot files: read BLT, PrefLib and CSV into a compressed profile; write BLT."""

from sovet.ballots.blt import read_blt, write_blt
from sovet.ballots.common import BallotFile
from sovet.ballots.csv_ballots import read_csv_ballots
from sovet.ballots.preflib import read_preflib
from sovet.ballots.reader import BALLOT_SUFFIXES, read_ballots

__all__ = [
    "BALLOT_SUFFIXES",
    "BallotFile",
    "read_ballots",
    "read_blt",
    "read_csv_ballots",
    "read_preflib",
    "write_blt",
]
