"""CSV ballot files: one ballot per row, candidates in rank order (DESIGN §4).

Header rules (the first non-empty row):

* It is a header when one of its cells is ``weight`` (any case), or when every
  cell is a rank label (``1``, ``rank1``, ``Rank 2``, ``choice_3``,
  ``preference 4``, ``1st``, ``2nd`` …). Otherwise the first row is a ballot.
* Under a header, the ``weight`` column holds how many ballots the row stands
  for (a whole number ≥ 0, default 1 when the cell is empty); every other
  column holds a candidate's name, first preference first.
* Without a header every cell is a candidate name and every row weighs 1.

Ballots: surrounding spaces are ignored; trailing empty cells are normal
(a shorter ballot); an empty cell before a later name is a skipped
preference and, as in the BLT reader, ends the ballot there; a repeated name
ends the ballot at the repeat. Candidates are every name that appears, in
sorted order, so the result does not depend on the order of the rows.

The scot-elex layout (first row ``candidates,seats``, rows ``count,c1,c2,…``
of candidate numbers, then ``"Candidate i","Name","Party"`` rows and a title
row) is recognised by its first row and read as a numbered file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from sovet.ballots.common import (
    MAX_CANDIDATES,
    BallotFile,
    build_profile,
    file_size,
    open_ballots,
    progress_bar,
    whole,
)
from sovet.errors import BallotFileError, says

__all__ = ["read_csv_ballots"]

_RANK_LABEL = re.compile(
    r"(?:rank|choice|pref|preference)?[ _-]?\d+(?:st|nd|rd|th)?", re.IGNORECASE
)
_TICK = 4096


def read_csv_ballots(path: str | Path, *, progress: bool = False) -> BallotFile:
    """SR-7: read a CSV ballot file (header rules in the module docstring)."""
    source = str(path)
    rows: Counter[tuple[str, ...]] = Counter()
    first_line: dict[tuple[str, ...], int] = {}
    header: list[str] | None = None
    with (
        open_ballots(path) as handle,
        progress_bar(progress, file_size(handle), f"reading {source}") as advance,
    ):
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        try:
            for row in reader:
                cells = tuple(cell.strip() for cell in row)
                if not any(cells):
                    continue
                if header is None:
                    header = list(cells)
                    continue
                rows[cells] += 1
                first_line.setdefault(cells, reader.line_num)
                if reader.line_num % _TICK == 0:
                    advance(handle.tell())
        except csv.Error as exc:
            raise BallotFileError(
                says("not valid CSV: {exc}", exc=exc),
                source=source,
                line=reader.line_num,
            ) from None
        except UnicodeDecodeError:
            raise BallotFileError(
                says("not UTF-8 text: save the file as UTF-8"),
                source=source,
                line=reader.line_num + 1,
            ) from None
    if header is None:
        raise BallotFileError(says("empty file: no ballots"), source=source)
    if _is_scot_elex(header):
        return _read_numbered(header, rows, first_line, source)
    return _read_named(header, rows, first_line, source)


def _is_header(cells: list[str]) -> bool:
    labels = [c for c in cells if c]
    if any(c.lower() == "weight" for c in labels):
        return True
    return bool(labels) and all(_RANK_LABEL.fullmatch(c) for c in labels)


def _is_scot_elex(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return (
        len(filled) == 2
        and cells[:2] == filled
        and all(whole(c, 9) is not None for c in filled)
    )


def _read_named(
    first: list[str],
    rows: Counter[tuple[str, ...]],
    first_line: dict[tuple[str, ...], int],
    source: str,
) -> BallotFile:
    """Rows of candidate names (with an optional ``weight`` column)."""
    weight_col: int | None = None
    if _is_header(first):
        lowered = [c.lower() for c in first]
        if lowered.count("weight") > 1:
            raise BallotFileError(says("two 'weight' columns"), source=source, line=1)
        weight_col = lowered.index("weight") if "weight" in lowered else None
    else:
        rows[tuple(first)] += 1
        first_line.setdefault(tuple(first), 1)
    ballots: list[tuple[list[str], int]] = []
    notes: Counter[str] = Counter()
    for cells, copies in rows.items():
        weight = 1
        names = list(cells)
        if weight_col is not None:
            cell = names.pop(weight_col) if weight_col < len(names) else ""
            if cell and whole(cell) is None:
                raise BallotFileError(
                    says("weight {cell!r} is not a whole number ≥ 0", cell=cell),
                    source=source,
                    line=first_line[cells],
                    key="weight",
                )
            weight = int(cell) if cell else 1
        ranking, why = _prefix(names)
        if why:
            notes[why] += weight * copies
        ballots.append((ranking, weight * copies))
    candidates = tuple(sorted({n for ranking, _ in ballots for n in ranking}))
    if not candidates:
        raise BallotFileError(says("no candidate names in any ballot"), source=source)
    index = {name: i for i, name in enumerate(candidates)}
    grouped: dict[tuple[int, ...], int] = {}
    for ranking, weight in ballots:
        key = tuple(index[n] for n in ranking)
        grouped[key] = grouped.get(key, 0) + weight
    profile = build_profile(candidates, grouped, frozenset(), source)
    text = tuple(f"{n} ballot(s) have {why}" for why, n in notes.items())
    title = Path(source).stem
    return BallotFile(title, candidates, None, frozenset(), profile, source, text)


def _prefix(names: list[str]) -> tuple[list[str], str]:
    """The strict ranking a row expresses, and why it was cut short (if it was)."""
    while names and not names[-1]:
        names.pop()
    ranking: list[str] = []
    for name in names:
        if not name:
            return ranking, "a skipped preference (empty cell): ended there"
        if name in ranking:
            return ranking, "a repeated preference: ended at the repeat"
        ranking.append(name)
    return ranking, ""


def _read_numbered(
    first: list[str],
    rows: Counter[tuple[str, ...]],
    first_line: dict[tuple[str, ...], int],
    source: str,
) -> BallotFile:
    """The scot-elex layout: ``n,seats``; ``count,c1,…``; candidate rows; title."""
    n, seats = int(first[0]), int(first[1])
    if not 1 <= n <= MAX_CANDIDATES or not 1 <= seats <= n:
        raise BallotFileError(
            says(
                "first row must be 'candidates,seats' with 1 ≤ seats ≤ "
                "candidates, not {n},{seats}",
                n=n,
                seats=seats,
            ),
            source=source,
            line=1,
        )
    names: dict[int, str] = {}
    title = ""
    grouped: dict[tuple[int, ...], int] = {}
    notes: Counter[str] = Counter()
    for cells, copies in sorted(rows.items(), key=lambda item: first_line[item[0]]):
        line = first_line[cells]
        head = cells[0]
        if head.lower().startswith("candidate "):
            number = head[len("candidate ") :].strip()
            index = whole(number, 9)
            if index is None or not 1 <= index <= n or len(cells) < 2:
                raise BallotFileError(
                    says("bad candidate row {head!r}", head=head),
                    source=source,
                    line=line,
                )
            names[index] = cells[1]
            continue
        if whole(head) is None:
            if title or len([c for c in cells if c]) != 1:
                raise BallotFileError(
                    says(
                        "expected 'count,c1,c2,…', not {cells!r}",
                        cells=",".join(cells)[:60],
                    ),
                    source=source,
                    line=line,
                )
            title = head
            continue
        cut: list[str] = []
        for cell in cells[1:]:
            value = whole(cell, 9) if cell else 0
            if cell and (value is None or not 1 <= value <= n):
                raise BallotFileError(
                    says("{cell!r} is not a candidate number 1 … {n}", cell=cell, n=n),
                    source=source,
                    line=line,
                )
            cut.append(cell)
        ranking, why = _prefix(cut)
        weight = int(head) * copies
        if why:
            notes[why] += weight
        key = tuple(int(c) - 1 for c in ranking)
        grouped[key] = grouped.get(key, 0) + weight
    missing = [i for i in range(1, n + 1) if i not in names]
    if missing:
        raise BallotFileError(
            says(
                "no 'Candidate {missing}' row naming candidate {missing}",
                missing=missing[0],
            ),
            source=source,
        )
    candidates = tuple(names[i] for i in range(1, n + 1))
    if len(set(candidates)) != n:
        raise BallotFileError(says("two candidates have the same name"), source=source)
    profile = build_profile(candidates, grouped, frozenset(), source)
    text = tuple(f"{k} ballot(s) have {why}" for why, k in notes.items())
    return BallotFile(title, candidates, seats, frozenset(), profile, source, text)
