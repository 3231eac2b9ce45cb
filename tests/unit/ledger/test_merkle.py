"""RFC 9162 Merkle tree against the RFC 6962 vectors (reference-data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sovet.errors import LedgerError
from sovet.ledger.merkle import (
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from tests.conftest import REFERENCE_DATA

VECTORS = REFERENCE_DATA / "ledger-vectors/rfc6962_merkle.json"


def _vectors() -> dict[str, Any]:
    if not VECTORS.is_file():  # reported by the reference_data fixture's failure
        return {
            "leaves": [],
            "roots": {},
            "hasher_kats": [],
            "inclusion_proofs": [],
            "consistency_proofs": [],
            "inclusion_edge_cases": [],
            "consistency_edge_cases": [],
            "consistency_policy_dependent": [],
            "derived": {"inclusion_proofs": [], "consistency_proofs": []},
        }
    data: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return data


V = _vectors()
LEAVES = [bytes.fromhex(x) for x in V["leaves"]]
h = bytes.fromhex


def _id(case: dict[str, Any]) -> str:
    return str(case.get("id") or case.get("desc") or case.get("note", "case"))[:60]


def test_vectors_present(reference_data: Path) -> None:
    assert (reference_data / "ledger-vectors/rfc6962_merkle.json").is_file()
    assert len(LEAVES) == 8
    assert len(V["inclusion_proofs"]) == 82
    assert len(V["consistency_proofs"]) == 84


@pytest.mark.parametrize("size", range(9))
def test_roots(size: int) -> None:
    assert root(LEAVES[:size]).hex() == V["roots"][str(size)]


@pytest.mark.parametrize("kat", V["hasher_kats"], ids=_id)
def test_hasher_known_answers(kat: dict[str, Any]) -> None:
    if kat["kind"] == "empty_root":
        got = root([])
    elif kat["kind"] == "leaf":
        got = leaf_hash(h(kat["data"]))
    else:
        got = node_hash(h(kat["left"]), h(kat["right"]))
    assert got.hex() == kat["hash"]


@pytest.mark.parametrize(
    "case", V["inclusion_proofs"] + V["inclusion_edge_cases"], ids=_id
)
def test_published_inclusion_proofs(case: dict[str, Any]) -> None:
    ok = verify_inclusion(
        h(case["leaf_hash"]),
        case["leaf_index"],
        case["tree_size"],
        [h(p) for p in case["proof"]],
        h(case["root"]),
    )
    assert ok is case["expect"]


@pytest.mark.parametrize(
    "case", V["consistency_proofs"] + V["consistency_edge_cases"], ids=_id
)
def test_published_consistency_proofs(case: dict[str, Any]) -> None:
    ok = verify_consistency(
        case["size1"],
        case["size2"],
        h(case["root1"]),
        h(case["root2"]),
        [h(p) for p in case["proof"]],
    )
    assert ok is case["expect"]


@pytest.mark.parametrize("case", V["consistency_policy_dependent"], ids=_id)
def test_policy_consistency_from_the_empty_tree_is_refused(
    case: dict[str, Any],
) -> None:
    ok = verify_consistency(
        case["size1"], case["size2"], h(case["root1"]), h(case["root2"]), []
    )
    assert ok is case["expect_if_size1_zero_rejected"]
    with pytest.raises(LedgerError, match="empty tree"):
        consistency_proof(0, LEAVES)


@pytest.mark.parametrize("case", V["derived"]["inclusion_proofs"], ids=str)
def test_generated_inclusion_proofs_match(case: dict[str, Any]) -> None:
    leaves = LEAVES[: case["tree_size"]]
    proof = inclusion_proof(case["leaf_index"], leaves)
    assert [p.hex() for p in proof] == case["proof"]
    assert verify_inclusion(
        leaf_hash(leaves[case["leaf_index"]]),
        case["leaf_index"],
        case["tree_size"],
        proof,
        root(leaves),
    )


@pytest.mark.parametrize("case", V["derived"]["consistency_proofs"], ids=str)
def test_generated_consistency_proofs_match(case: dict[str, Any]) -> None:
    m, n = case["size1"], case["size2"]
    proof = consistency_proof(m, LEAVES[:n])
    assert [p.hex() for p in proof] == case["proof"]
    assert verify_consistency(m, n, root(LEAVES[:m]), root(LEAVES[:n]), proof)


def test_out_of_range_proof_requests_are_refused() -> None:
    tree = MerkleTree(LEAVES)
    with pytest.raises(LedgerError, match="outside"):
        tree.inclusion_proof(8)
    with pytest.raises(LedgerError, match="0 < m <= n"):
        tree.consistency_proof(9)
    assert tree.consistency_proof(8) == []
