"""Vectorised parsing of distinct BLT ballot lines (the fast path of ``read_blt``).

Lines made only of ASCII digits and spaces are parsed all at once: joined with a
``-1`` separator, read by ``numpy.fromstring`` and checked with array
operations (closing ``0``, weight bounds, candidates in range, no repeat).
Every line that is not that simple, or fails a check, is handed back to the
caller's line-by-line parser, which reports errors with their line and applies
the truncation rules; so the fast path never decides anything the slow path
would decide differently.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["CHUNK", "Parsed", "group_rows", "parse_lines", "parse_simple_lines"]

IntArray = npt.NDArray[np.int64]
_SIMPLE = b"0123456789 \t\r\n"
_MAX_WEIGHT = 10**15
_MAX_PRODUCT = 2.0**60
CHUNK = 1 << 17
"""Distinct lines parsed per vectorised step."""


class Parsed(NamedTuple):
    """What the fast path made of a list of lines."""

    table: npt.NDArray[np.int32]
    """1-based candidate numbers padded with 0, one row per ballot kept."""
    weights: IntArray
    """Each kept row's weight times its copies."""
    rest: list[int]
    """Indices of the lines the caller must parse itself."""
    empty: list[int]
    """Indices of well-formed lines without a preference (``w 0``)."""


def _nothing(rest: list[int]) -> Parsed:
    return Parsed(np.zeros((0, 0), np.int32), np.zeros(0, np.int64), rest, [])


def parse_lines(
    lines: list[bytes], copies: IntArray, n: int, chunk: int = CHUNK
) -> Parsed:
    """``parse_simple_lines`` over slices of ``chunk`` lines, joined.

    Slicing bounds the temporary text and arrays to a fixed size whatever the
    number of distinct lines.
    """
    parts = [
        parse_simple_lines(lines[i : i + chunk], copies[i : i + chunk], n)
        for i in range(0, len(lines), chunk)
    ]
    if len(parts) == 1:
        return parts[0]
    width = max((p.table.shape[1] for p in parts), default=0)
    tables = [np.pad(p.table, ((0, 0), (0, width - p.table.shape[1]))) for p in parts]
    return Parsed(
        np.concatenate(tables) if tables else np.zeros((0, 0), np.int32),
        np.concatenate([p.weights for p in parts]) if parts else np.zeros(0, np.int64),
        [i * chunk + j for i, p in enumerate(parts) for j in p.rest],
        [i * chunk + j for i, p in enumerate(parts) for j in p.empty],
    )


def parse_simple_lines(lines: list[bytes], copies: IntArray, n: int) -> Parsed:
    """Parse the lines among ``lines`` made only of digits and spaces."""
    if not lines:
        return _nothing([])
    blob = b" -1 ".join(lines)
    if blob.translate(None, _SIMPLE + b"-") or blob.count(b"-") != len(lines) - 1:
        simple = [
            i for i, line in enumerate(lines) if not line.translate(None, _SIMPLE)
        ]
        inner = parse_simple_lines([lines[i] for i in simple], copies[simple], n)
        rest = sorted(set(range(len(lines))) - set(simple))
        return Parsed(
            inner.table,
            inner.weights,
            sorted(rest + [simple[i] for i in inner.rest]),
            [simple[i] for i in inner.empty],
        )
    if not any(line.strip() for line in lines):
        return _nothing([])  # only blank lines (numpy would read "" as [0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(blob, dtype=np.int64, sep=" ")
        except (ValueError, DeprecationWarning):
            return _nothing([i for i, line in enumerate(lines) if line.strip()])
    return _check(values, len(lines), copies, n)


def _check(values: IntArray, count: int, copies: IntArray, n: int) -> Parsed:
    """Split the flat values at the separators and validate every line."""
    seps = np.flatnonzero(values == -1)
    starts = np.concatenate(([0], seps + 1))
    ends = np.concatenate((seps, [len(values)]))
    if len(starts) != count:
        return _nothing(list(range(count)))
    if len(values) == len(seps):
        return _nothing([])
    length = ends - starts
    blank = length == 0
    ok = length >= 2
    safe_start = np.minimum(starts, len(values) - 1)
    safe_last = np.maximum(ends - 1, 0)
    weight = np.where(ok, values[safe_start], 0)
    ok &= (values[safe_last] == 0) & (weight >= 0) & (weight < _MAX_WEIGHT)
    k = np.maximum(length - 2, 0)
    width = int(k.max(initial=0))
    is_pref = np.ones(len(values), dtype=np.bool_)
    is_pref[seps] = False
    is_pref[starts[~blank]] = False
    is_pref[ends[~blank] - 1] = False
    prefs = values[is_pref]
    table = np.zeros((count, width), dtype=np.int32)
    table[np.arange(width)[None, :] < k[:, None]] = np.where(
        (prefs < 1) | (prefs > n), -1, prefs
    )
    ok &= ~(table < 0).any(axis=1)
    if width > 1:
        ordered = np.sort(table, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > 0)
        ok &= ~repeated.any(axis=1)
    ok &= weight.astype(np.float64) * copies < _MAX_PRODUCT
    rest = np.flatnonzero(~ok & ~blank).tolist()
    keep = ok & (k > 0) & (weight > 0)
    weights = weight[keep] * copies[keep]
    empty = np.flatnonzero(ok & (k == 0) & (weight > 0)).tolist()
    return Parsed(table[keep], weights, rest, empty)


def group_rows(
    table: npt.NDArray[np.int32], weights: IntArray
) -> tuple[npt.NDArray[np.int32], IntArray]:
    """Merge identical rows (summing weights); drop zero weights.

    A 64-bit hash per row (fixed pseudo-random multipliers per column) finds
    whether any two rows may be equal; only then is the exact (slower)
    ``numpy.unique`` grouping run.
    """
    keep = weights > 0
    if not keep.all():
        table, weights = table[keep], weights[keep]
    if len(table) < 2:
        return table, weights
    width = table.shape[1]
    mult = np.array([_mix(j + 1) for j in range(width)], dtype=np.uint64)
    hashes = np.zeros(len(table), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            hashes += table[:, j].astype(np.uint64) * mult[j]
    ordered = np.sort(hashes)
    if not (ordered[1:] == ordered[:-1]).any():
        return table, weights
    unique, inverse = np.unique(table, axis=0, return_inverse=True)
    summed = np.zeros(len(unique), dtype=np.int64)
    np.add.at(summed, inverse.ravel(), weights)
    return unique.astype(np.int32), summed


_M64 = (1 << 64) - 1


def _mix(i: int) -> int:
    """An odd 64-bit multiplier: SplitMix64's output for ``i`` (no numpy.random)."""
    z = (i * 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return (z ^ (z >> 31)) | 1
