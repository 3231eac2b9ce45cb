"""The Merkle tree over the log (RFC 9162 §2.1, the tree of RFC 6962).

The leaves are the canonical event bytes (``chain.canonical_event``), in seq
order. Hashes are SHA-256 and travel as raw 32-byte ``bytes`` here::

    MTH({})      = SHA-256()
    leaf hash    = SHA-256(0x00 ‖ d)
    node hash    = SHA-256(0x01 ‖ left ‖ right)
    MTH(D[0:n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

The tree is built level by level (pairing neighbours and lifting an odd last
node unchanged, which yields the same hashes as the recursive split), with each
level held as one packed ``bytes`` of 32-byte hashes, so a million leaves cost
about 64 MB and no recursion. Proofs follow §2.1.3.1 (PATH) and §2.1.4.1
(PROOF); verification is §2.1.3.2 and §2.1.4.2, plus the hash-length checks the
RFC leaves implicit.

Policy for a consistency proof from the empty tree (size 0 < n): refused, as
RFC 9162 defines consistency proofs only for 0 < m < n (transparency-dev/merkle
``verify.go`` does the same). Equal sizes need an empty proof and equal roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sovet.errors import LedgerError, says

__all__ = [
    "HASH_SIZE",
    "MerkleTree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: ``SHA-256(0x00 ‖ data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: ``SHA-256(0x01 ‖ left ‖ right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleTree:
    """Every level of the tree over ``leaves`` (data, not hashes), bottom first."""

    __slots__ = ("levels", "size")

    def __init__(self, leaves: Sequence[bytes]) -> None:
        sha = hashlib.sha256
        level = b"".join(sha(b"\x00" + d).digest() for d in leaves)
        self.size = len(leaves)
        self.levels: list[bytes] = [level]
        while len(level) > HASH_SIZE:
            pairs = len(level) // (2 * HASH_SIZE)
            view = memoryview(level)
            up = b"".join(
                sha(b"\x01" + view[i : i + 2 * HASH_SIZE]).digest()
                for i in range(0, pairs * 2 * HASH_SIZE, 2 * HASH_SIZE)
            )
            if len(level) % (2 * HASH_SIZE):
                up += level[-HASH_SIZE:]
            level = up
            self.levels.append(level)

    def node(self, height: int, index: int) -> bytes:
        """The hash at ``height`` (0 = leaves), ``index`` from the left."""
        start = index * HASH_SIZE
        return self.levels[height][start : start + HASH_SIZE]

    def root(self) -> bytes:
        """MTH of all the leaves (``SHA-256()`` for none)."""
        return self.levels[-1] if self.size else _EMPTY_ROOT

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range the RFC recursion produces.

        Such a range is aligned: it lies in one block of ``2**h`` leaves starting
        at a multiple of ``2**h`` and ends at that block's end or at the tree's.
        """
        height = (end - start - 1).bit_length()
        if start % (1 << height) or (end != self.size and end - start != 1 << height):
            raise LedgerError(
                says(
                    "range [{start}, {end}) is not a subtree of the tree",
                    start=start,
                    end=end,
                )
            )
        return self.node(height, start >> height)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf to root."""
        if not 0 <= index < self.size:
            raise LedgerError(
                says(
                    "leaf index {index} is outside a tree of {size}",
                    index=index,
                    size=self.size,
                )
            )
        proof: list[bytes] = []
        for height in range(len(self.levels) - 1):
            sibling = index ^ 1
            if sibling * HASH_SIZE < len(self.levels[height]):
                proof.append(self.node(height, sibling))
            index >>= 1
        return proof

    def consistency_proof(self, m: int) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(m, D[0:size]) for 0 < m ≤ size."""
        n = self.size
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
        tail: list[bytes] = []
        while m != hi - lo:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if m <= k:
                tail.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                tail.append(self.subtree(lo, lo + k))
                lo += k
                m -= k
                complete = False
        head = [] if complete else [self.subtree(lo, hi)]
        return head + tail[::-1]


def root(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH over the leaf data ``leaves``."""
    return MerkleTree(leaves).root()


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` (0-based) in the tree over ``leaves``."""
    return MerkleTree(leaves).inclusion_proof(index)


def consistency_proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree over ``leaves[:m]`` is a prefix of the whole tree."""
    return MerkleTree(leaves).consistency_proof(m)


def _hashes_ok(*hashes: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` put the leaf *hash* ``leaf`` at ``index``?"""
    if not 0 <= index < size or not _hashes_ok(leaf, root_hash, *proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of size ``m`` a prefix of the size-``n`` tree?"""
    if m == n:
        return not proof and root_m == root_n
    if not 0 < m < n or not proof or not _hashes_ok(root_m, root_n, *proof):
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root_m and sr == root_n and sn == 0
