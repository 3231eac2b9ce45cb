"""The compact range (``ledger.compact``) is the RFC 9162 tree, grown in O(log n).

- its root equals ``merkle.root`` of the same leaves, for random sizes and data,
  after every single append (so every size on the way is checked);
- its peaks are the subtrees of the reference tree for the set bits of the size;
- its state after n appends is ``popcount(n)`` hashes (≤ log2(n) + 1), and one
  append hashes at most ``bit_length(n)`` nodes (the trailing ones of n), never
  the log;
- it round-trips through its stored hex form, and refuses a malformed one;
- a consistency proof streamed through one compact range per proof range
  equals ``MerkleTree.consistency_proof`` and verifies.
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sovet.ledger.compact as compact_module
from sovet.errors import LedgerError
from sovet.ledger.compact import CompactRange, consistency_proof
from sovet.ledger.merkle import (
    MerkleTree,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
)

leaves = st.lists(st.binary(max_size=40), max_size=300)


@given(leaves)
def test_root_equals_the_reference_root_at_every_size(data: list[bytes]) -> None:
    grown = CompactRange()
    assert grown.root() == root([])
    for n, leaf in enumerate(data, 1):
        grown.append(leaf)
        assert grown.size == n
        assert grown.root() == root(data[:n])


@given(st.integers(min_value=0, max_value=2_000))
def test_root_equals_the_reference_root_for_random_sizes(size: int) -> None:
    data = [bytes([i % 256, i // 256]) + b"x" * (i % 7) for i in range(size)]
    grown = CompactRange()
    grown.extend(data)
    assert grown.root() == MerkleTree(data).root()


@given(leaves)
def test_the_peaks_are_the_reference_subtrees(data: list[bytes]) -> None:
    grown = CompactRange()
    grown.extend(data)
    tree, start, expected = MerkleTree(data), 0, []
    for bit in reversed(range(len(data).bit_length())):
        if len(data) >> bit & 1:
            expected.append(tree.subtree(start, start + (1 << bit)))
            start += 1 << bit
    assert list(grown.peaks) == expected


@given(st.integers(min_value=1, max_value=5_000))
def test_appending_is_logarithmic_in_state_and_work(size: int) -> None:
    grown = CompactRange()
    with mock.patch.object(compact_module, "node_hash", wraps=node_hash) as spy:
        for n in range(size):
            spy.reset_mock()
            grown.append_hash(leaf_hash(n.to_bytes(4, "big")))
            # the merges of one append: the trailing ones of the old size
            assert spy.call_count == (n ^ (n + 1)).bit_length() - 1
            assert spy.call_count <= n.bit_length()
            assert len(grown.peaks) == (n + 1).bit_count() <= (n + 1).bit_length()
    total_state = sum(len(p) for p in grown.peaks)
    assert total_state <= 32 * size.bit_length()


@given(leaves)
def test_stored_form_round_trips(data: list[bytes]) -> None:
    grown = CompactRange()
    grown.extend(data)
    again = CompactRange.from_hex(grown.size, grown.to_hex())
    assert again == grown
    assert again.root() == grown.root()
    copy = grown.copy()
    copy.append(b"more")
    assert grown.size == len(data)
    assert copy.size == len(data) + 1


def test_malformed_ranges_are_refused() -> None:
    with pytest.raises(LedgerError, match="3 peaks, not 1"):
        CompactRange(7, [b"\x00" * 32])
    with pytest.raises(LedgerError, match="not a count"):
        CompactRange(-1)
    with pytest.raises(LedgerError, match="32-byte"):
        CompactRange(1, [b"\x00" * 31])
    with pytest.raises(LedgerError, match="not hex"):
        CompactRange.from_hex(1, ["zz"])
    with pytest.raises(LedgerError, match="32 bytes"):
        CompactRange().append_hash(b"short")


@given(st.integers(min_value=1, max_value=300), st.data())
def test_streamed_consistency_proofs_equal_the_reference(
    n: int, data: st.DataObject
) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n))
    leaves = [i.to_bytes(3, "big") for i in range(n)]
    streamed = consistency_proof(m, n, iter(leaves))
    assert streamed == MerkleTree(leaves).consistency_proof(m)
    assert verify_consistency(m, n, root(leaves[:m]), root(leaves), streamed)


def test_a_streamed_proof_needs_every_leaf() -> None:
    with pytest.raises(LedgerError, match="holds 5 leaves, not 8"):
        consistency_proof(3, 8, iter([b"x"] * 5))
    with pytest.raises(LedgerError, match="0 < m <= n"):
        consistency_proof(0, 8, iter([]))
