"""A witness keeps the checkpoints it saw (issue 9, item 5; Certificate Transparency).

``witness`` takes the server's latest checkpoint (``GET /api/checkpoints/latest``),
checks its signature against the pinned key — ``--public-key``, else the key
kept in the store folder, else the checkpoint's own key, trusted on first use
and kept — and its consistency with the last checkpoint kept (RFC 9162, the
proof fetched from ``GET /api/checkpoints/consistency``), then keeps it: one
JSON file per size, ``checkpoint-<size>.json``, in the form the API gives.

Any failure is ``ChainBroken`` (``sovet witness`` exits 1 naming it): a bad
signature, another key than the pinned one, a log that shrank, a different
checkpoint of a size already kept, or a proof that does not verify. Whoever
holds the signing key can rewrite the log and re-sign it; a witness that kept
an earlier checkpoint catches that, and ``sovet verify --against`` or
``tools/verify_export.py --against`` show it on a copy of the log.

Fetching is the caller's (the CLI uses ``urllib``): here are only the checks
and the files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sovet.errors import ChainBroken, InputError, says
from sovet.files import read_text
from sovet.ledger.checkpoint import CheckpointRecord, SignatureCheck, checkpoint_problem
from sovet.ledger.merkle import verify_consistency
from sovet.services.checkpoints import checkpoint_json, parse_checkpoint_json
from sovet.services.queries import check_public_key

__all__ = [
    "KEY_FILE",
    "MAX_PROOF_HASHES",
    "WitnessReport",
    "kept_checkpoints",
    "parse_proof",
    "read_checkpoint_file",
    "witness",
]

KEY_FILE = "public_key"
"""The pinned key's file in a witness's folder (64 hex digits)."""
MAX_PROOF_HASHES = 130
"""A consistency proof of trees below 2**64 leaves has at most 2·64 + 1 hashes."""
_KEPT = re.compile(r"checkpoint-([1-9][0-9]*)\.json")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MAX_FILE = 1 << 20

FetchLatest = Callable[[], object]
"""``() -> JSON`` of ``GET /api/checkpoints/latest``."""
FetchProof = Callable[[int, int], object]
"""``(from, to) -> JSON`` of ``GET /api/checkpoints/consistency``."""


@dataclass(frozen=True, slots=True)
class WitnessReport:
    """What one look at the server found and kept."""

    latest: CheckpointRecord
    previous: CheckpointRecord | None
    key: str
    first_use: bool
    """The key was trusted on first use (nothing pinned before, none given)."""
    stored: Path | None
    """The file written, or ``None`` when this checkpoint was kept already."""


def read_checkpoint_file(path: Path) -> CheckpointRecord:
    """A checkpoint kept in a JSON file (``InputError`` naming file and key)."""
    text = read_text(path, limit=_MAX_FILE)
    try:
        value = json.loads(text)
    except ValueError as error:
        raise InputError(
            says("not JSON: {error}", error=error), source=str(path)
        ) from None
    return parse_checkpoint_json(value, source=str(path))


def kept_checkpoints(folder: Path) -> list[tuple[int, Path]]:
    """The checkpoint files kept in ``folder``, by size, smallest first."""
    if not folder.is_dir():
        return []
    found = [
        (int(match[1]), path)
        for path in folder.iterdir()
        if (match := _KEPT.fullmatch(path.name)) is not None
    ]
    return sorted(found)


def parse_proof(value: object, first: int, second: int, *, source: str) -> list[bytes]:
    """The hashes of a consistency answer (``first`` → ``second``)."""
    if not isinstance(value, dict):
        raise InputError(says("a consistency proof is a JSON object"), source=source)
    if value.get("from") != first or value.get("to") != second:
        raise InputError(
            says(
                "the proof is for {start!r}→{end!r}, not {first}→{second}",
                start=value.get("from"),
                end=value.get("to"),
                first=first,
                second=second,
            ),
            source=source,
        )
    proof = value.get("proof")
    if not isinstance(proof, list) or len(proof) > MAX_PROOF_HASHES:
        raise InputError(says("not a list of hashes"), source=source, key="proof")
    if not all(isinstance(h, str) and _HEX64.fullmatch(h) for h in proof):
        raise InputError(
            says("a hash is not 64 hex digits"), source=source, key="proof"
        )
    return [bytes.fromhex(h) for h in proof]


def _pinned(
    folder: Path, given: str | None, latest: CheckpointRecord
) -> tuple[str, bool]:
    """The key to trust, and whether it is trusted on first use (then kept)."""
    path = folder / KEY_FILE
    stored = None
    if path.exists():
        stored = check_public_key(read_text(path, limit=1024), key=str(path))
    if given is not None:
        key = check_public_key(given)
        if stored is not None and stored != key:
            raise InputError(
                says(
                    "{path} pins the key {stored}, not the key given ({key}); "
                    "use another folder for another log",
                    path=path,
                    stored=stored,
                    key=key,
                ),
                source="--public-key",
            )
        return key, False
    if stored is not None:
        return stored, False
    return latest.checkpoint.public_key, True


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (aside, then renamed)."""
    aside = path.with_name(f".{path.name}.tmp")
    try:
        aside.write_text(text, encoding="utf-8")
        os.replace(aside, path)
    except OSError as error:
        raise InputError(
            says("cannot write: {strerror}", strerror=error.strerror), source=str(path)
        ) from error


def witness(
    folder: Path,
    fetch_latest: FetchLatest,
    fetch_proof: FetchProof,
    verify_signature: SignatureCheck,
    *,
    public_key: str | None = None,
    source: str = "the server",
) -> WitnessReport:
    """Check the server's latest checkpoint against what ``folder`` kept; keep it."""
    latest = parse_checkpoint_json(fetch_latest(), source=source)
    cp = latest.checkpoint
    key, first_use = _pinned(folder, public_key, latest)
    problem = checkpoint_problem(cp, verify_signature, trusted_key=key)
    if problem is not None:
        raise ChainBroken(
            cp.size, says("the server's latest checkpoint: {problem}", problem=problem)
        )
    kept = kept_checkpoints(folder)
    previous = read_checkpoint_file(kept[-1][1]) if kept else None
    stored_path: Path | None = folder / f"checkpoint-{cp.size}.json"
    if previous is not None:
        old = previous.checkpoint
        if cp.size < old.size:
            raise ChainBroken(
                cp.size + 1,
                says(
                    "the log shrank: the server's latest checkpoint covers "
                    "{size} events, the one kept in {kept} covers {kept_size} (its "
                    "tail was deleted, or the checkpoints were)",
                    size=cp.size,
                    kept=kept[-1][1],
                    kept_size=old.size,
                ),
            )
        if cp.size == old.size:
            if (cp.root_hash, cp.head_hash) != (old.root_hash, old.head_hash):
                raise ChainBroken(
                    cp.size,
                    says(
                        "two checkpoints of {size} events differ: the server's root "
                        "{root}, the kept one's {kept_root} (history "
                        "rewritten)",
                        size=cp.size,
                        root=cp.root_hash,
                        kept_root=old.root_hash,
                    ),
                )
            stored_path = None
        else:
            proof = parse_proof(
                fetch_proof(old.size, cp.size), old.size, cp.size, source=source
            )
            if not verify_consistency(
                old.size,
                cp.size,
                bytes.fromhex(old.root_hash),
                bytes.fromhex(cp.root_hash),
                proof,
            ):
                raise ChainBroken(
                    old.size,
                    says(
                        "the server's checkpoint of {size} events does not extend "
                        "the one of {kept_size} kept in {kept}: the consistency proof "
                        "fails (history rewritten)",
                        size=cp.size,
                        kept_size=old.size,
                        kept=kept[-1][1],
                    ),
                )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            says("cannot create the folder: {strerror}", strerror=error.strerror),
            source=str(folder),
        ) from error
    if first_use or not (folder / KEY_FILE).exists():
        _write(folder / KEY_FILE, key + "\n")
    if stored_path is not None:
        _write(stored_path, json.dumps(checkpoint_json(latest), indent=2) + "\n")
    return WitnessReport(latest, previous, key, first_use, stored_path)
