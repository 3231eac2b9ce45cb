"""An incremental RFC 9162 Merkle tree: the compact range ``[0, size)``.

The tree over ``size`` leaves splits into perfect subtrees, one for each set bit
of ``size``, largest (leftmost) first: 13 = 8 + 4 + 1 leaves are the subtrees
``[0, 8)``, ``[8, 12)`` and ``[12, 13)``. Their roots (the *peaks*) are all that
is needed to append a leaf and to give the root of the whole tree:

- append: the new leaf is a peak of height 0; while the peak before it has the
  same height (the low bits of the old size are ones), the two merge into
  ``node(left, right)``. At most ``log2(size) + 1`` hashes, and the state stays
  at ``popcount(size)`` hashes;
- root: fold the peaks from the right, ``node(peak_i, fold(peaks after i))`` —
  exactly RFC 9162's MTH, whose split ``k`` (the largest power of two below
  ``n``) is the first peak.

This is the "compact range" of transparency-dev/merkle, restricted to ranges
that start at 0. A server keeps one and signs its root as it writes
(``sovet.services.checkpoints``) without ever rebuilding the tree over the log;
``merkle.MerkleTree`` stays the reference (and serves proofs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sovet.errors import LedgerError, says
from sovet.ledger.merkle import HASH_SIZE, leaf_hash, node_hash, root

__all__ = ["CompactRange", "consistency_proof", "consistency_ranges"]

_EMPTY_ROOT = root([])


class CompactRange:
    """The peaks of the RFC 9162 tree over leaves ``[0, size)``."""

    __slots__ = ("_peaks", "_size")

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        if type(size) is not int or size < 0:
            raise LedgerError(
                says("a compact range's size {size!r} is not a count", size=size)
            )
        if len(peaks) != size.bit_count():
            raise LedgerError(
                says(
                    "a compact range of {size} leaves has {bit_count} peaks, not "
                    "{count}",
                    size=size,
                    bit_count=size.bit_count(),
                    count=len(peaks),
                )
            )
        if any(len(p) != HASH_SIZE for p in peaks):
            raise LedgerError(says("a compact range's peaks are 32-byte hashes"))
        self._size = size
        self._peaks = [bytes(p) for p in peaks]

    @property
    def size(self) -> int:
        """How many leaves the range covers."""
        return self._size

    @property
    def peaks(self) -> tuple[bytes, ...]:
        """The subtree roots, largest (leftmost) first: ``popcount(size)`` hashes."""
        return tuple(self._peaks)

    def append(self, data: bytes) -> None:
        """Append the leaf whose *data* is ``data`` (it is hashed as a leaf)."""
        self.append_hash(leaf_hash(data))

    def append_hash(self, leaf: bytes) -> None:
        """Append a leaf given by its leaf *hash* (``merkle.leaf_hash``)."""
        if len(leaf) != HASH_SIZE:
            raise LedgerError(says("a leaf hash is 32 bytes"))
        peaks, low, merged = self._peaks, self._size, leaf
        while low & 1:  # the last peak has the new leaf's height: merge them
            merged = node_hash(peaks.pop(), merged)
            low >>= 1
        peaks.append(merged)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append every leaf *data* of ``leaves``, in order."""
        for data in leaves:
            self.append(data)

    def root(self) -> bytes:
        """The RFC 9162 MTH of the leaves (``SHA-256()`` for none)."""
        if not self._peaks:
            return _EMPTY_ROOT
        result = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            result = node_hash(peak, result)
        return result

    def copy(self) -> CompactRange:
        """An independent copy (appending to it leaves this one as it is)."""
        return CompactRange(self._size, self._peaks)

    def to_hex(self) -> list[str]:
        """The peaks as lowercase hex, for storage beside a checkpoint."""
        return [p.hex() for p in self._peaks]

    @classmethod
    def from_hex(cls, size: int, peaks: Sequence[str]) -> CompactRange:
        """The range of ``size`` leaves from stored hex peaks (``LedgerError``
        when they are not ``popcount(size)`` hashes)."""
        try:
            raw = [bytes.fromhex(p) for p in peaks]
        except (TypeError, ValueError) as error:
            raise LedgerError(
                says("a compact range's peaks are not hex: {error}", error=error)
            ) from None
        return cls(size, raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._peaks == other._peaks

    def __hash__(self) -> int:
        return hash((self._size, *self._peaks))

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}…)"


def consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """The leaf ranges ``[start, end)`` whose roots make RFC 9162 PROOF(m, D[0:n]),
    in the proof's order (``merkle.MerkleTree.consistency_proof``'s recursion)."""
    if not 0 < m <= n:
        raise LedgerError(
            says(
                "a consistency proof needs 0 < m <= n (m={m}, n={n}); RFC "
                "9162 defines none from the empty tree",
                m=m,
                n=n,
            )
        )
    lo, hi, complete = 0, n, True
    tail: list[tuple[int, int]] = []
    while m != hi - lo:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m <= k:
            tail.append((lo + k, hi))
            hi = lo + k
        else:
            tail.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    head = [] if complete else [(lo, hi)]
    return head + tail[::-1]


def consistency_proof(m: int, n: int, leaves: Iterator[bytes]) -> list[bytes]:
    """PROOF(m, D[0:n]) from the leaf data of ``D[0:n]``, read once, in order.

    The proof's ranges are disjoint: each is hashed by a compact range of its
    own as its leaves go by, so memory stays O(log n) whatever ``n`` is.
    ``LedgerError`` when ``leaves`` holds fewer than ``n`` items.
    """
    ranges = consistency_ranges(m, n)
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    roots: list[bytes] = [b""] * len(ranges)
    position = 0
    for index in order:
        start, end = ranges[index]
        tree = CompactRange()
        for data in leaves:
            position += 1
            if position > start:
                tree.append(data)
            if position == end:
                break
        if position != end:
            raise LedgerError(
                says("the log holds {position} leaves, not {n}", position=position, n=n)
            )
        roots[index] = tree.root()
    return roots
