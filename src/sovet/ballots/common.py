"""What every ballot reader shares: the ``BallotFile`` result, streaming, progress.

Readers stream a file in blocks of lines (never the whole text at once), group
identical raw lines in a ``Counter`` before parsing each distinct line once
(identical ballots are common), and show a Rich progress bar by bytes when asked
to and standard error is a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from sovet.counting.types import Profile
from sovet.errors import BallotFileError, says

__all__ = [
    "BLOCK_HINT",
    "MAX_CANDIDATES",
    "MAX_TOTAL",
    "BallotFile",
    "ProgressFn",
    "build_profile",
    "decode",
    "first_line_of",
    "open_ballots",
    "progress_bar",
    "whole",
]

BLOCK_HINT = 1 << 20
"""Bytes per block of lines read at once (``readlines(hint)``)."""

MAX_CANDIDATES = 100_000
"""More candidates than this is taken for a corrupt header, not an election."""

MAX_TOTAL = 2**62
"""Ballot weights and their total must stay below this (int64 tallies)."""

ProgressFn = Callable[[int], None]


def whole(text: str | bytes, digits: int = 15) -> int | None:
    """The value of an ASCII decimal numeral of at most ``digits`` digits, else None."""
    if not text or len(text) > digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


@dataclass(frozen=True, slots=True)
class BallotFile:
    """A ballot file read into a compressed profile (SR-7: the input of a count).

    ``withdrawn`` and the rankings of ``profile`` use 0-based candidate
    indices; ``seats`` is ``None`` when the format does not carry it (PrefLib,
    CSV); ``notes`` tell what the reader changed or dropped, and why.
    """

    title: str
    candidates: tuple[str, ...]
    seats: int | None
    withdrawn: frozenset[int]
    profile: Profile
    source: str
    notes: tuple[str, ...]


def decode(raw: bytes, source: str, line: int) -> str:
    """UTF-8 text of a line (a BOM is dropped), or a ``BallotFileError``."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BallotFileError(
            says(
                "not UTF-8 text (byte {start}): save the file as UTF-8", start=exc.start
            ),
            source=source,
            line=line,
        ) from None


def open_ballots(path: str | Path) -> BinaryIO:
    """Open ``path`` for binary reading, turning OS errors into ``BallotFileError``."""
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise BallotFileError(
            says("cannot open: {why}", why=exc.strerror or exc), source=str(path)
        ) from None


def file_size(handle: BinaryIO) -> int:
    """The size in bytes of an open file (0 if unknown)."""
    try:
        return Path(handle.name).stat().st_size
    except (OSError, TypeError, AttributeError):
        return 0


@contextmanager
def progress_bar(enabled: bool, total: int, description: str) -> Iterator[ProgressFn]:
    """Yield ``advance_to(bytes_read)``: a Rich bar on a terminal, else a no-op."""
    if not enabled or not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total or None)
        yield lambda done: bar.update(task, completed=done)


def first_line_of(path: str | Path, wanted: bytes, start: int = 1) -> int | None:
    """The number of the first line at or after ``start`` equal to ``wanted``.

    Used only on the error path, to name the line of a bad (grouped) ballot.
    """
    with Path(path).open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if number < start:
                continue
            if line == wanted:
                return number
    return None


def check_total(total: int, source: str) -> None:
    """Refuse a file whose ballots weigh more than int64 tallies can hold."""
    if total >= MAX_TOTAL:
        raise BallotFileError(
            says(
                "the ballots weigh {total} in all, more than a count can hold",
                total=total,
            ),
            source=source,
        )


def build_profile(
    candidates: Sequence[str],
    grouped: dict[tuple[int, ...], int],
    withdrawn: frozenset[int],
    source: str,
) -> Profile:
    """A ``Profile`` from already-validated strict rankings and their weights.

    Rankings must be strict, in range and non-empty; zero weights are dropped.
    """
    items = [(k, w) for k, w in grouped.items() if k and w]
    check_total(sum(w for _, w in items), source)
    width = max((len(k) for k, _ in items), default=0)
    rankings = np.full((len(items), width), -1, dtype=np.int32)
    weights = np.zeros(len(items), dtype=np.int64)
    for i, (key, weight) in enumerate(items):
        rankings[i, : len(key)] = key
        weights[i] = weight
    return Profile(tuple(candidates), rankings, weights, withdrawn)
