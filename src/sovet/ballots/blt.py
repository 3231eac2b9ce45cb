"""BLT ballot files (the ERS / OpenSTV format): read by streaming, and write.

Layout::

    4 2                 candidates seats
    -3                  optional: withdrawn candidates, as negative numbers
    12 1 2 4 0          weight, preferences (candidate numbers from 1), 0
    ...
    0                   end of ballots
    "Ann"               one name per candidate, quoted ("" for a quote inside)
    "Title"             the title (quoted or not; optional)

Decisions (SR-7, a count counts only what the voter expressed unambiguously;
the Scottish and ERS rules treat a ballot as valid up to the point where the
next preference is unclear):

* ``=`` between candidates (``2=3``, equal preferences) ends the ballot just
  before the tie: the preferences before it are kept, the tie and everything
  after it are not;
* ``-`` (a skipped preference) ends the ballot there too;
* a candidate repeated ends the ballot at the repeat;
* a ballot with no valid preference is dropped.

Each of these is reported in ``BallotFile.notes``. Anything else that is not the
format (a bad number, a candidate out of range, a missing ``0``, a name missing)
is refused with ``BallotFileError`` naming file, line and reason.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from sovet.ballots._fastparse import group_rows, parse_lines
from sovet.ballots.common import (
    BLOCK_HINT,
    MAX_CANDIDATES,
    MAX_TOTAL,
    BallotFile,
    ProgressFn,
    check_total,
    decode,
    file_size,
    first_line_of,
    open_ballots,
    progress_bar,
    whole,
)
from sovet.counting.types import Profile
from sovet.errors import BallotFileError, says

__all__ = ["BallotFile", "read_blt", "write_blt"]

# The end-of-ballots line as it is usually written (fast path: list.index).
_NOTHING = "no valid first preference: not counted"
_MARKERS = (b"0\n", b"0\r\n", b"0", b"0 \n", b" 0\n", b"0 \r\n", b"0\t\n")


class _Reader:
    """One pass over a BLT file; keeps the line number for error messages."""

    def __init__(self, handle: BinaryIO, source: str, advance: ProgressFn) -> None:
        self.handle = handle
        self.source = source
        self.advance = advance
        self.line = 0
        self.notes: list[str] = []

    def error(self, reason: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(reason, source=self.source, line=line or self.line)

    def next_content(self) -> bytes | None:
        """The next non-blank line, or ``None`` at the end of the file."""
        for raw in self.handle:
            self.line += 1
            if raw.strip():
                return raw
        return None

    def header(self) -> tuple[int, int]:
        raw = self.next_content()
        if raw is None:
            raise self.error(
                says("empty file: expected the line 'candidates seats'"), 1
            )
        parts = decode(raw, self.source, self.line).split()
        numbers = [whole(p, 9) for p in parts]
        if len(numbers) != 2 or numbers[0] is None or numbers[1] is None:
            raise self.error(
                says(
                    "first line must be 'candidates seats' (two whole numbers), "
                    "not {raw}",
                    raw=_show(raw),
                )
            )
        n, seats = numbers[0], numbers[1]
        if not 1 <= n <= MAX_CANDIDATES:
            raise self.error(
                says(
                    "candidates must be between 1 and {most}",
                    most=MAX_CANDIDATES,
                )
            )
        if not 1 <= seats <= n:
            raise self.error(
                says(
                    "seats must be between 1 and {n} (candidates), not {seats}",
                    n=n,
                    seats=seats,
                )
            )
        return n, seats

    def withdrawn(self, raw: bytes, n: int) -> frozenset[int]:
        out: set[int] = set()
        for token in raw.split():
            value = whole(token[1:], 9) if token.startswith(b"-") else None
            if value is None or not 1 <= value <= n:
                raise self.error(
                    says(
                        "withdrawn line: {token} is not -1 … -{n} (a withdrawn "
                        "candidate's number, negated)",
                        token=_show(token),
                        n=n,
                    )
                )
            out.add(value - 1)
        return frozenset(out)

    def ballot_lines(self, first: bytes) -> tuple[Counter[bytes], int, list[bytes]]:
        """Group raw ballot lines up to the ``0`` line; return the lines after it.

        Returns the grouped lines, the line number of the first ballot line and
        the lines of the current block that follow the end marker.
        """
        start = self.line
        grouped: Counter[bytes] = Counter()
        block = [first]
        self.line -= 1
        while block:
            end = _marker_index(block)
            if end is not None:
                grouped.update(block[:end])
                self.line += end + 1
                return grouped, start, block[end + 1 :]
            grouped.update(block)
            self.line += len(block)
            self.advance(self.handle.tell())
            block = self.handle.readlines(BLOCK_HINT)
        raise self.error(says("no end-of-ballots line '0' before the end of the file"))

    def names(self, tail: list[bytes], n: int) -> tuple[list[str], str]:
        names: list[str] = []
        title: str | None = None
        lines = iter(tail)
        while True:
            raw = next(lines, None)
            if raw is None:
                raw = self.handle.readline()
                if not raw:
                    break
            self.line += 1
            if not raw.strip():
                continue
            text = _unquote(decode(raw, self.source, self.line).strip())
            if len(names) < n:
                if not text:
                    raise self.error(says("a candidate name is empty"))
                if text in names:
                    raise self.error(
                        says("candidate name {text!r} appears twice", text=text)
                    )
                names.append(text)
            elif title is None:
                title = text
            else:
                raise self.error(
                    says(
                        "unexpected line after the title: {raw} (expected {n} names "
                        "and a title after the '0' line)",
                        raw=_show(raw),
                        n=n,
                    )
                )
        if len(names) < n:
            raise self.error(
                says(
                    "expected {n} candidate names after the '0' line, found {count}",
                    n=n,
                    count=len(names),
                )
            )
        if title is None:
            self.notes.append("no title line: the title is empty")
        return names, title or ""


def read_blt(path: str | Path, *, progress: bool = False) -> BallotFile:
    """SR-7: read a BLT file into a compressed profile, streaming it in blocks.

    Identical ballot lines are grouped as raw bytes before each distinct line
    is parsed once. ``progress`` shows a Rich bar by bytes on a terminal.
    """
    source = str(path)
    with (
        open_ballots(path) as handle,
        progress_bar(progress, file_size(handle), f"reading {source}") as adv,
    ):
        reader = _Reader(handle, source, adv)
        n, seats = reader.header()
        first = reader.next_content()
        withdrawn: frozenset[int] = frozenset()
        if first is not None and first.lstrip().startswith(b"-"):
            withdrawn = reader.withdrawn(first, n)
            first = reader.next_content()
        if first is None:
            raise reader.error(says("no ballots and no end-of-ballots line '0'"))
        grouped, start, tail = reader.ballot_lines(first)
        names, title = reader.names(tail, n)
    profile = _parse_ballots(grouped, n, names, withdrawn, reader, path, start)
    return BallotFile(
        title, tuple(names), seats, withdrawn, profile, source, tuple(reader.notes)
    )


def _parse_ballots(
    grouped: Counter[bytes],
    n: int,
    names: list[str],
    withdrawn: frozenset[int],
    reader: _Reader,
    path: str | Path,
    start: int,
) -> Profile:
    """Parse each distinct ballot line once (vectorised when the line is plain).

    Lines the fast path leaves are parsed token by token, in the order they
    first appear, so the first bad line is the one reported.
    """
    keys = list(grouped)
    copies = np.fromiter(grouped.values(), dtype=np.int64, count=len(keys))
    fast = parse_lines(keys, copies, n)
    rankings: dict[tuple[int, ...], int] = {}
    truncated: Counter[str] = Counter()
    examples: dict[str, bytes] = {}
    for i in fast.empty:
        truncated[_NOTHING] += int(keys[i].split()[0]) * int(copies[i])
        examples.setdefault(_NOTHING, keys[i])
    for i in fast.rest:
        raw = keys[i]
        tokens = raw.split()
        if not tokens:
            continue
        try:
            key, weight, why = _slow_ballot(tokens, n)
        except ValueError as exc:
            line = first_line_of(path, raw, start)
            raise reader.error(
                says("{exc}: {raw}", exc=exc, raw=_show(raw)), line
            ) from None
        weight *= int(copies[i])
        if why:
            truncated[why] += weight
            examples.setdefault(why, raw)
        if key and weight:
            rankings[key] = rankings.get(key, 0) + weight
        elif weight:
            truncated[_NOTHING] += weight
            examples.setdefault(_NOTHING, raw)
    for why, ballots in truncated.items():
        reader.notes.append(
            f"{ballots} ballot(s) have {why} (e.g. {_show(examples[why])})"
        )
    check_total(sum(rankings.values()), reader.source)
    table, weights = _merge(fast.table, fast.weights, rankings)
    if float(weights.sum(dtype=np.float64)) >= MAX_TOTAL / 2:
        check_total(sum(int(w) for w in weights), reader.source)
    table, weights = group_rows(table, weights)
    return Profile(tuple(names), table - 1, weights, withdrawn)


def _merge(
    table: npt.NDArray[np.int32],
    weights: npt.NDArray[np.int64],
    rankings: dict[tuple[int, ...], int],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """The fast rows plus the slowly parsed ones, 1-based and padded with 0."""
    width = max(table.shape[1], max(map(len, rankings), default=0))
    merged = np.zeros((len(table) + len(rankings), width), dtype=np.int32)
    merged[: len(table), : table.shape[1]] = table
    for i, key in enumerate(rankings, len(table)):
        merged[i, : len(key)] = key
    extra = np.fromiter(rankings.values(), dtype=np.int64, count=len(rankings))
    return merged, np.concatenate((weights, extra))


def _slow_ballot(tokens: list[bytes], n: int) -> tuple[tuple[int, ...], int, str]:
    """Parse a ballot line token by token: ``(ranking, weight, truncation note)``."""
    if whole(tokens[0]) is None:
        raise ValueError(f"the weight {_show(tokens[0])} is not a whole number ≥ 0")
    if whole(tokens[-1]) != 0:
        raise ValueError("a ballot line must end with 0")
    if len(tokens) == 1:
        raise ValueError("a ballot line needs a weight and a closing 0")
    ranking: list[int] = []
    why = ""
    for token in tokens[1:-1]:
        parts = token.split(b"=") if token != b"-" else []
        for part in parts:
            number = whole(part, 9)
            if number is None:
                raise ValueError(f"{_show(token)} is not a candidate number")
            if not 1 <= number <= n:
                raise ValueError(f"candidate {number} is not in 1 … {n}")
        if why:
            continue
        if token == b"-":
            why = "a skipped preference '-': ended there"
        elif len(parts) > 1:
            why = "equal preferences '=': ended before the tie"
        elif int(token) in ranking:
            why = "a repeated preference: ended at the repeat"
        else:
            ranking.append(int(token))
    return tuple(ranking), int(tokens[0]), why


def write_blt(ballot_file: BallotFile, path: str | Path) -> None:
    """Write ``ballot_file`` as BLT (SR-7); ``read_blt`` reads back the same profile.

    Names and the title are quoted with ``""`` for a quote inside; a file
    without a seat count, or a name with a line break, cannot be written.
    """
    target = str(path)
    if ballot_file.seats is None:
        raise BallotFileError(
            says("BLT needs a seat count; this ballot file has none"), source=target
        )
    for text in (*ballot_file.candidates, ballot_file.title):
        if "\n" in text or "\r" in text:
            raise BallotFileError(
                says("{text!r} has a line break: BLT cannot hold it", text=text),
                source=target,
            )
    profile = ballot_file.profile
    try:
        with Path(path).open("w", encoding="utf-8", newline="\n") as out:
            out.write(f"{len(ballot_file.candidates)} {ballot_file.seats}\n")
            if ballot_file.withdrawn:
                out.write(" ".join(f"-{c + 1}" for c in sorted(ballot_file.withdrawn)))
                out.write("\n")
            for ranking, weight in profile.ballots():
                prefs = " ".join(str(c + 1) for c in ranking)
                out.write(f"{weight} {prefs} 0\n")
            out.write("0\n")
            for text in (*ballot_file.candidates, ballot_file.title):
                out.write('"' + text.replace('"', '""') + '"\n')
    except OSError as exc:
        raise BallotFileError(
            says("cannot write: {why}", why=exc.strerror or exc), source=target
        ) from None


def _marker_index(block: list[bytes]) -> int | None:
    """Index of the end-of-ballots line ``0`` in a block of lines, if any."""
    found = [block.index(m) for m in _MARKERS if m in block]
    return min(found) if found else None


def _unquote(text: str) -> str:
    """A quoted BLT string without its quotes (``""`` is one quote)."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return text


def _show(raw: bytes) -> str:
    """A short printable form of a raw line for messages."""
    text = raw.decode("utf-8", "replace").strip()
    return repr(text if len(text) <= 60 else text[:57] + "...")
