"""The pure ledger: canonical JSON, sha256 hash chain, Merkle proofs, checkpoints."""
