"""Fuzz the ballot readers: any bytes give a ballot file or a ``BallotFileError``.

Nothing else may escape (no traceback for a malformed file, SR-7 input), and no
input may make a reader hang: each read runs under a work budget proportional
to the input's size — Python-level and C-level calls counted with
``sys.setprofile`` — instead of a wall-clock limit, so the bound is the same on
any machine and the test cannot flake on a slow one.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.ballots import BallotFile, read_blt, read_csv_ballots, read_preflib
from sovet.errors import BallotFileError

Reader = Callable[[Path], BallotFile]

VALID = {
    ".blt": b'4 2\n-4\n3 1 2 3 0\n1 2=3 1 0\n2 4 1 0\n1 - 2 0\n0\n"A ""a"""\n"B"\n"C"\n'
    b'"D"\n"Title"\n',
    ".toi": b"# TITLE: t\n# NUMBER ALTERNATIVES: 3\n# NUMBER VOTERS: 10\n"
    b"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"
    b"4: 1,2,3\n3: 2,{1,3}\n2: {1,2},3\n1: {3},1\n",
    ".soi": b"# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 3\n"
    b"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n2: 1,2\n1: 2\n",
    ".csv": b"rank1,rank2,weight\nA,B,3\nB,,\nC,A,1\n",
    ".CSV": b'3,1,\n2,1,2,\n1,3,\n"Candidate 1","A","X"\n"Candidate 2","B","Y"\n'
    b'"Candidate 3","C","Z"\n"Title",\n',
}
READERS: dict[str, Reader] = {
    ".blt": read_blt,
    ".toi": read_preflib,
    ".soi": read_preflib,
    ".csv": read_csv_ballots,
    ".CSV": read_csv_ballots,
}
TOKENS = [
    b"0",
    b"1",
    b"9",
    b"-",
    b"=",
    b"{",
    b"}",
    b",",
    b":",
    b"#",
    b'"',
    b" ",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\x00",
    b"\xc2\xb2",
    b"9" * 30,
    b"9" * 5000,
    b"# NUMBER ALTERNATIVES: 99999",
    b"\n0\n",
]


class _BudgetExceeded(Exception):
    """A reader did more work than its input size allows."""


def _read_within_budget(reader: Reader, path: Path, size: int) -> None:
    budget = 20_000 + 400 * size
    calls = 0

    def count(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1
            if calls > budget:
                raise _BudgetExceeded(f"more than {budget} calls for {size} bytes")

    sys.setprofile(count)
    try:
        reader(path)
    except BallotFileError:
        pass
    finally:
        sys.setprofile(None)


def _check(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        _read_within_budget(READERS[suffix], path, len(data))


@st.composite
def mutated(draw: st.DrawFn, suffix: str) -> bytes:
    """A valid file with a few random splices of bytes and format tokens."""
    data = bytearray(VALID[suffix])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 4))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=6)))
        data[at : at + cut] = piece
    return bytes(data)


@pytest.mark.parametrize("suffix", list(VALID))
def test_valid_samples_read_cleanly(suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"ok{suffix}"
        path.write_bytes(VALID[suffix])
        assert READERS[suffix](path).profile.total > 0


@pytest.mark.parametrize("suffix", list(VALID))
@given(data=st.data())
def test_mutated_files_give_only_ballot_file_errors(
    suffix: str, data: st.DataObject
) -> None:
    _check(suffix, data.draw(mutated(suffix)))


@pytest.mark.parametrize("suffix", [".blt", ".toi", ".csv"])
@given(raw=st.binary(max_size=300))
def test_random_bytes_give_only_ballot_file_errors(suffix: str, raw: bytes) -> None:
    _check(suffix, raw)


@pytest.mark.parametrize("suffix", [".blt", ".toi", ".csv"])
def test_budget_catches_a_reader_that_hangs(suffix: str) -> None:
    """The budget is real: a reader looping forever is stopped, not waited for."""

    def forever(_path: Path) -> BallotFile:
        while True:
            len(b"")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{suffix}"
        path.write_bytes(b"1")
        with pytest.raises(_BudgetExceeded):
            _read_within_budget(forever, path, 1)
