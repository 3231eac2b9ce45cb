"""The vectorised BLT line parser agrees with the line-by-line one (SR-7).

Whatever the fast path keeps must be exactly what the careful parser would
keep; every line it is unsure of (a repeat, a bad number, a missing ``0``) must
be handed back, never decided differently.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sovet.ballots._fastparse import group_rows, parse_lines, parse_simple_lines
from sovet.ballots.blt import _slow_ballot

N = 5
TOKEN = st.one_of(
    st.integers(0, N + 1).map(str),
    st.sampled_from(["00", "7" * 20, "x", "2=3", "-", "+1"]),
)
LINE = st.one_of(
    st.tuples(st.integers(0, 3), st.lists(st.integers(1, N), max_size=N)).map(
        lambda t: " ".join(map(str, [t[0], *t[1], 0]))
    ),
    st.lists(TOKEN, max_size=6).map(" ".join),
    st.sampled_from(["", "  ", "\t"]),
).map(lambda s: (s + "\n").encode())


@given(st.lists(LINE, max_size=25, unique=True), st.integers(1, 3))
def test_fast_path_keeps_only_what_the_slow_path_keeps(
    lines: list[bytes], copies: int
) -> None:
    counts = np.full(len(lines), copies, dtype=np.int64)
    fast = parse_simple_lines(lines, counts, N)
    kept = [tuple(int(c) for c in row if c) for row in fast.table]
    assert len(kept) == len(fast.weights)
    handled = set(fast.rest) | set(fast.empty)
    done = [i for i in range(len(lines)) if i not in handled and lines[i].split()]
    expected = []
    for i in done:
        key, weight, why = _slow_ballot(lines[i].split(), N)
        assert why == ""
        if key and weight:
            expected.append((key, weight * copies))
    assert sorted(zip(kept, fast.weights.tolist(), strict=True)) == sorted(expected)
    for i in fast.empty:
        key, weight, _ = _slow_ballot(lines[i].split(), N)
        assert key == ()
        assert weight > 0


def test_group_rows_merges_equal_rows_and_drops_zero_weights() -> None:
    table = np.array([[1, 2], [2, 0], [1, 2], [3, 0]], dtype=np.int32)
    weights = np.array([2, 1, 5, 0], dtype=np.int64)
    rows, summed = group_rows(table, weights)
    got = {tuple(r): int(w) for r, w in zip(rows.tolist(), summed, strict=True)}
    assert got == {(1, 2): 7, (2, 0): 1}


@given(st.lists(LINE, max_size=25, unique=True), st.integers(1, 4))
def test_chunked_parsing_equals_one_pass(lines: list[bytes], chunk: int) -> None:
    counts = np.ones(len(lines), dtype=np.int64)
    whole = parse_simple_lines(lines, counts, N)
    parts = parse_lines(lines, counts, N, chunk=chunk)
    assert parts.rest == whole.rest
    assert parts.empty == whole.empty
    assert parts.weights.tolist() == whole.weights.tolist()
    strip = [tuple(c for c in row if c) for row in whole.table.tolist()]
    assert [tuple(c for c in row if c) for row in parts.table.tolist()] == strip
