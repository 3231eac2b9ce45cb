#!/usr/bin/env python3
"""Independent verifier of a sovet log export (DESIGN §4, formats ``sovet-log/2``
and ``sovet-log/1``).

Usage::

    python tools/verify_export.py FILE [--key HEX] [--legitimacy JSON]
        [--against CHECKPOINT.json] [--json]

Written for observers who do not trust sovet: it uses only the Python standard
library and ``cryptography`` (for Ed25519) and imports no part of sovet. Every
algorithm here is its own plain re-implementation, written for reading, not
speed. It checks, in order, and stops at the first failure:

1. the file: a header line, event lines, checkpoint lines, key record lines,
   each a JSON object with no duplicate keys and no floats;
2. the hash chain: ``seq`` 1, 2, 3 …; each stream's ``version`` 1, 2, 3 …;
   ``prev_hash`` is the previous event's hash (32 zero bytes before the first);
   ``hash = sha256(raw prev_hash ‖ canonical JSON of the event)``, where the
   event is, by its envelope version, v1 ``{seq, stream_id, version, type,
   payload, recorded_at}`` (every event written before two times came) or v2
   (a line with ``"envelope": 2``) ``{seq, stream_id, version, type, payload,
   effective_at, appended_at, envelope, command}``; a v2 event's
   ``appended_at`` is a UTC time to the microsecond later than the one before,
   and no v1 event follows a v2 one; the header's event count and head hash;
3. the signing key's history (key record lines, in order): each certificate
   (an offline root key vouches for the signing key) and each rotation (the
   signing key hands over to a new one) states the log at its ``size`` (head
   hash and Merkle root), is signed by its authority — a certificate by its
   ``root_key``; a rotation by the old key, or by the log's root key named by
   the first certificate — and countersigned by the key it installs, an
   Ed25519 signature over the canonical JSON of its ``statement`` (tag
   ``sovet-key/v1``); a certificate names the key signing then; a rotation
   hands over from the key signing then to a key never used before;
4. every checkpoint: an Ed25519 signature over the canonical JSON
   ``{"head_hash", "root_hash", "size", "tag": "sovet-checkpoint/v1"}`` (or,
   for a checkpoint that also states a snapshot of the folded state, the same
   plus ``"snapshot"``, its SHA-256, under ``"sovet-checkpoint/v2"``), the
   head hash of its first ``size`` events and their RFC 9162 Merkle root
   (leaves: the canonical events); signed by a key of the key history inside
   its turn (from the size it was rotated in at to the size it was rotated
   away at), and trusted: the trusted key (``--key``, else the header's
   ``public_key``) is that signer, or — for a key of the history — any key of
   the history (each rotation is signed by the key before it or the root, and
   countersigned by the key after it); ``--key`` must be the header's key or
   one of its ``key_history`` (and then, once the key records are read, truly a
   key of that history);
5. every election (SR-7): recounted from its published ballot batch, or from
   the first-preference tallies a plurality count publishes, by this file's own
   plurality, IRV and Scottish STV (SSI 2007/42: integer Droop quota, values to
   five decimals truncated, weighted inclusive Gregory); the elected and every
   round's tallies must be the published ones;
6. every vote on a motion (SR-19) and every recall step (SR-9/SR-10): the
   published outcome must follow from its figures and the constitution in the
   log — taken in the order acts take effect (effective time, then seq: a late
   entry counts from its own time), without the acts a void names
   (``ActVoided``, ``EntryAnnulled``: SR-28);
7. the government in force at the head (SR-26/SR-28): the latest government
   approved by the latest session of the national congress (or the executive it
   elected), not ended since; with ``--legitimacy`` it must be the one named in
   that ``sovet legitimacy --format json`` answer;
7. every franchise verdict of a v2 log (``ElectorEnrolled``,
   ``VerdictRecorded``: SR-4/SR-5, the personal data kept off the chain): judged
   at the voting age the log gives (the council's lowered age, else the
   constitution's); with ``--personal`` (the file ``sovet members data``
   writes) each member's latest verdict is recomputed from their record, whose
   HMAC-SHA256 under the member's secret must be the commitment on the chain;
   a verdict without data (none given, or erased) is counted as taken on trust;
8. with ``--against``, a checkpoint an observer kept (the JSON of
   ``GET /api/checkpoints/latest``, or a file ``sovet witness`` kept: ``size``,
   ``root``, ``head``, ``public_key``, ``signature``): its signature (by
   ``--key`` when given), and that the export extends it — at least ``size``
   events, whose Merkle root and head hash are the kept ones. A deleted tail, a
   rewritten history (even re-signed) or removed checkpoints fail here.

Exit status: 0 when everything checks (a summary on stdout), 1 naming the first
failure, 2 when the file cannot be read at all.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMATS = ("sovet-log/1", "sovet-log/2")
TAG = "sovet-checkpoint/v1"
TAG_V2 = "sovet-checkpoint/v2"  # v1's keys plus "snapshot" (a state snapshot's SHA-256)
KEY_TAG = "sovet-key/v1"
GENESIS = "0" * 64
SCALE = 100_000  # Scottish STV works in units of 0.00001 vote
EVENT_KEYS = ("seq", "stream_id", "version", "type", "payload", "recorded_at")
EVENT_KEYS_V2 = (
    "seq",
    "stream_id",
    "version",
    "type",
    "payload",
    "effective_at",
    "appended_at",
    "envelope",
    "command",
)
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
LINK_KEYS = ("prev_hash", "hash")
CHECKPOINT_KEYS = ("size", "root_hash", "head_hash", "signature", "public_key")
KEY_RECORD_KEYS = ("statement", "signature", "countersignature")
STATEMENT_KEYS = {
    "certificate": ("signing_key", "root_key"),
    "rotation": ("old_key", "new_key", "signed_by", "reason"),
}
DEFAULT_RECALL = {
    "recall_mode": "re_election",
    "recall_threshold": "1/2",
    "recall_threshold_strict": True,
    "recall_basis": "registered_electorate",
    "recall_petition_share": "0",
    "turnout_floor": "0",
}
"""SR-10's 1917 defaults (RULES.md), in force while the log adopts no constitution."""

Json = Any


class Failure(Exception):
    """The first thing that does not check; its text is the verdict."""


# --- reading ---------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Json]]) -> dict[str, Json]:
    result: dict[str, Json] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> Json:
    raise ValueError(f"number {text} is not an integer")


def _no_constant(text: str) -> Json:
    raise ValueError(f"{text} is not JSON")


def read_export(path: Path) -> Iterator[tuple[str, Json]]:
    """The rows of an export file, one at a time: ("header" | "event" |
    "checkpoint" | "key", row). Events come first, then checkpoints, then key
    records."""
    header_seen = False
    order = {"event": 0, "checkpoint": 1, "key": 2}
    last = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            where = f"{path.name} line {number}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Failure(f"{where}: invalid UTF-8 at byte {e.start}") from e
            if not text.strip():
                continue
            try:
                row = json.loads(
                    text,
                    object_pairs_hook=_no_duplicates,
                    parse_float=_no_float,
                    parse_constant=_no_constant,
                )
            except ValueError as e:
                raise Failure(f"{where}: not acceptable JSON: {e}") from e
            if not isinstance(row, dict):
                raise Failure(f"{where}: not a JSON object")
            if not header_seen:
                if row.get("format") not in FORMATS:
                    raise Failure(f"{where}: not a sovet-log export (format key)")
                header_seen = True
                yield "header", row
                continue
            kind = row.get("kind")
            if kind not in order:
                raise Failure(f"{where}: unknown line kind {kind!r}")
            keys = {
                "event": event_keys(row) + LINK_KEYS,
                "checkpoint": CHECKPOINT_KEYS,
                "key": KEY_RECORD_KEYS,
            }[kind]
            missing = [key for key in keys if key not in row]
            if missing:
                raise Failure(f"{where}: {kind} without {missing[0]!r}")
            if order[kind] < last:
                raise Failure(f"{where}: {kind} line out of order")
            last = order[kind]
            yield kind, row
    if not header_seen:
        raise Failure(f"{path.name}: empty file, no header")


# --- canonical JSON and the hash chain --------------------------------------


def _plain(value: Json, where: str) -> None:
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise Failure(f"{where}: a string that is not valid Unicode") from e
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _plain(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _plain(item, f"{where}.{key}")
        return
    raise Failure(f"{where}: {type(value).__name__} has no canonical JSON form")


def canonical(value: Json, where: str = "$") -> bytes:
    """Canonical JSON: UTF-8, sorted keys, no spaces, integers only."""
    _plain(value, where)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def event_keys(event: Json) -> tuple[str, ...]:
    """The keys an event's hash covers, by its envelope version (1 or 2)."""
    return EVENT_KEYS_V2 if "envelope" in event else EVENT_KEYS


def event_bytes(event: Json) -> bytes:
    """The canonical event without its links: what is hashed and Merkle-leafed."""
    keys = event_keys(event)
    return canonical({key: event[key] for key in keys}, f"event {event['seq']}")


def effective_at(event: Json) -> str:
    """When the act takes effect (v1 calls it ``recorded_at``)."""
    return str(event.get("effective_at", event.get("recorded_at")))


class Chain:
    """The hash chain, checked one event at a time."""

    def __init__(self) -> None:
        self.head = GENESIS
        self.count = 0
        self.versions: dict[str, int] = {}
        self.hashes: list[str] = []  # each event's hash, for the checkpoints
        self.leaves: list[bytes] = []  # RFC 9162 leaf hashes of the events
        self.appended: str | None = None  # the last v2 event's appended_at

    def add(self, event: Json) -> None:
        """Check ``event``'s position, version and links, and take it in."""
        seq, position = event["seq"], self.count + 1
        if seq != position:
            raise Failure(
                f"event at position {position}: seq {seq!r}, expected {position} "
                "(an event was deleted, duplicated or moved)"
            )
        stream, last = event["stream_id"], self.versions.get(event["stream_id"], 0)
        if event["version"] != last + 1:
            raise Failure(
                f"event {seq}: version {event['version']!r} of stream {stream!r}, "
                f"expected {last + 1}"
            )
        if event["prev_hash"] != self.head:
            raise Failure(f"event {seq}: prev_hash is not the hash of event {seq - 1}")
        self._times(event)
        content = event_bytes(event)
        digest = hashlib.sha256(bytes.fromhex(self.head) + content).hexdigest()
        if event["hash"] != digest:
            raise Failure(f"event {seq}: content does not give its hash (altered)")
        self.versions[stream] = event["version"]
        self.head, self.count = digest, position
        self.hashes.append(digest)
        self.leaves.append(hashlib.sha256(b"\x00" + content).digest())

    def _times(self, event: Json) -> None:
        """A v2 event is appended after the one before it; no v1 follows a v2."""
        seq = event["seq"]
        if "envelope" not in event:
            if self.appended is not None:
                raise Failure(f"event {seq}: a v1 event after a v2 event")
            return
        if event["envelope"] != 2:
            raise Failure(f"event {seq}: unknown envelope {event['envelope']!r}")
        stamp = event["appended_at"]
        if not isinstance(stamp, str) or not STAMP.fullmatch(stamp):
            raise Failure(f"event {seq}: appended_at {stamp!r} is not a UTC time")
        if self.appended is not None and stamp <= self.appended:
            raise Failure(
                f"event {seq}: appended_at {stamp} is not after {self.appended}"
            )
        self.appended = stamp

    def check_header(self, header: dict[str, Json]) -> None:
        """The header states the event count and the head hash."""
        if header.get("events") != self.count or header.get("head_hash") != self.head:
            raise Failure(
                f"header: states {header.get('events')!r} events with head "
                f"{header.get('head_hash')!r}; the file holds {self.count}, "
                f"head {self.head}"
            )


def check_chain(header: dict[str, Json], events: list[Json]) -> str:
    """Check every link of ``events`` and the header; the head hash."""
    chain = Chain()
    for event in events:
        chain.add(event)
    chain.check_header(header)
    return chain.head


# --- RFC 9162 Merkle tree and Ed25519 checkpoints ---------------------------


def merkle_root(leaf_hashes: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, by its recursive definition (k: largest power of 2 < n)."""
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    left, right = merkle_root(leaf_hashes[:k]), merkle_root(leaf_hashes[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def ed25519_ok(public_key: str, message: bytes, signature: str) -> bool:
    """Does ``signature`` (hex) verify over ``message`` under ``public_key`` (hex)?"""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), message)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def check_state(size: Json, root: Json, head: Json, chain: Chain, where: str) -> None:
    """``size`` events of ``chain`` have the Merkle root ``root`` and head ``head``."""
    if type(size) is not int or size < 0:
        raise Failure(f"{where}: size is not a count of events")
    if size > chain.count:
        raise Failure(f"{where}: the file holds only {chain.count} events")
    if head != (chain.hashes[size - 1] if size else GENESIS):
        raise Failure(f"{where}: head hash is not the hash of event {size}")
    if root != merkle_root(chain.leaves[:size]).hex():
        raise Failure(f"{where}: Merkle root is not the root of events 1..{size}")


class Keys:
    """The signing key's history from the key records: each key's turn, the root."""

    def __init__(self) -> None:
        self.turns: list[list[Json]] = []  # [key, from size, to size or None]
        self.root: str | None = None
        self.last_size = 0
        self.count = 0

    def all_keys(self) -> set[str]:
        """Every key of the history: the signing keys and the root."""
        found = {turn[0] for turn in self.turns}
        return found | ({self.root} if self.root else set())

    def turn(self, key: str) -> list[Json] | None:
        """``key``'s turn, or None when it never signed by the records."""
        return next((turn for turn in self.turns if turn[0] == key), None)

    def add(self, row: Json, chain: Chain) -> None:
        """Check one key record against the log and the history so far."""
        self.count += 1
        st = row["statement"]
        where = f"key record {self.count}"
        if not isinstance(st, dict) or st.get("kind") not in STATEMENT_KEYS:
            raise Failure(f"{where}: not a certificate or a rotation")
        kind = st["kind"]
        names = STATEMENT_KEYS[kind]
        if set(st) != {"tag", "kind", "size", "root_hash", "head_hash", *names}:
            raise Failure(f"{where}: the {kind} has unexpected or missing fields")
        if st["tag"] != KEY_TAG:
            raise Failure(f"{where}: tag {st['tag']!r} is not {KEY_TAG}")
        where = f"key record {self.count} ({kind} at size {st['size']!r})"
        check_state(st["size"], st["root_hash"], st["head_hash"], chain, where)
        if st["size"] < self.last_size:
            raise Failure(f"{where}: goes back from size {self.last_size}")
        self.last_size = st["size"]
        if kind == "certificate":
            authority, new = st["root_key"], st["signing_key"]
        else:
            authority, new = st["signed_by"], st["new_key"]
        message = canonical(st)
        if not ed25519_ok(authority, message, row["signature"]):
            raise Failure(f"{where}: the signature by {authority} does not verify")
        if not ed25519_ok(new, message, row["countersignature"]):
            raise Failure(f"{where}: the countersignature by {new} does not verify")
        current = self.turns[-1][0] if self.turns else None
        if kind == "certificate":
            if current is not None and new != current:
                raise Failure(f"{where}: certifies {new}, but {current} signs then")
            if self.root is not None and authority != self.root:
                raise Failure(f"{where}: by {authority}, not the root {self.root}")
            self.root = authority
            if current is None:
                self.turns.append([new, 0, None])
            return
        old = st["old_key"]
        if current is None:
            self.turns.append([old, 0, None])
            current = old
        if old != current:
            raise Failure(f"{where}: hands over from {old}, but {current} signs then")
        if authority not in (old, self.root):
            raise Failure(
                f"{where}: signed by {authority}, neither the old key nor the "
                f"log's root key ({self.root or 'none certified'})"
            )
        if new in self.all_keys():
            raise Failure(f"{where}: the new key {new} signed before")
        self.turns[-1][2] = st["size"]
        self.turns.append([new, st["size"], None])


def checkpoint_message(
    size: int, root: str, head: str, snapshot: object, where: str
) -> bytes:
    """The signed bytes: v1 without a snapshot, v2 (its tag, plus ``snapshot``,
    the SHA-256 of a snapshot of the folded state) with one."""
    statement: dict[str, Any] = {
        "head_hash": head,
        "root_hash": root,
        "size": size,
        "tag": TAG,
    }
    if snapshot is not None:
        if not isinstance(snapshot, str) or len(snapshot) != 64:
            raise Failure(f"{where}: snapshot {snapshot!r} is not a SHA-256 (hex)")
        statement["tag"] = TAG_V2
        statement["snapshot"] = snapshot
    return canonical(statement)


def check_checkpoint(
    cp: Json, chain: Chain, key: str, keys: Keys | None = None
) -> None:
    """One checkpoint: its signature, head and Merkle root; its signer's turn and
    trust (``key`` is the trusted key; ``keys`` the key history, if any)."""
    keys = keys or Keys()
    size = cp["size"]
    where = f"checkpoint at size {size!r}"
    if type(size) is not int or size < 1:
        raise Failure(f"{where}: size is not a positive count")
    signer = cp["public_key"]
    turn = keys.turn(signer)
    if turn is None and signer != key:
        raise Failure(f"{where}: signed by {signer}, not the key {key}")
    if turn is not None and key not in keys.all_keys():
        raise Failure(
            f"{where}: signed by {signer}, not the key {key} (nor a key "
            "rotated to from it)"
        )
    if turn is not None and not (
        turn[1] <= size and (turn[2] is None or size <= turn[2])
    ):
        raise Failure(
            f"{where}: signed by {signer} outside its turn (sizes {turn[1]} to "
            f"{'now' if turn[2] is None else turn[2]})"
        )
    message = checkpoint_message(
        size, cp["root_hash"], cp["head_hash"], cp.get("snapshot"), where
    )
    if not ed25519_ok(cp["public_key"], message, cp["signature"]):
        raise Failure(f"{where}: the Ed25519 signature does not verify")
    check_state(size, cp["root_hash"], cp["head_hash"], chain, where)


AGAINST_KEYS = ("size", "root", "head", "public_key", "signature")


def read_against(path: Path) -> Json:
    """A kept checkpoint (``GET /api/checkpoints/latest``'s JSON)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Failure(f"{path.name}: not a JSON checkpoint ({e})") from e
    if not isinstance(kept, dict):
        raise Failure(f"{path.name}: not a JSON object")
    for key in AGAINST_KEYS:
        if key not in kept:
            raise Failure(f"{path.name}: the kept checkpoint has no {key!r}")
    size = kept["size"]
    if type(size) is not int or size < 1:
        raise Failure(f"{path.name}: size {size!r} is not a positive count")
    return kept


def check_against(kept: Json, chain: Chain, key: str | None, name: str) -> None:
    """The export extends the kept checkpoint: signed, covered, same root and head."""
    size = kept["size"]
    where = f"kept checkpoint {name} (size {size})"
    if key is not None and kept["public_key"] != key:
        raise Failure(f"{where}: signed by {kept['public_key']}, not the key {key}")
    message = checkpoint_message(
        size, kept["root"], kept["head"], kept.get("snapshot"), where
    )
    if not ed25519_ok(kept["public_key"], message, kept["signature"]):
        raise Failure(f"{where}: the Ed25519 signature does not verify")
    if size > chain.count:
        raise Failure(
            f"{where}: the export holds only {chain.count} events "
            "(its tail was deleted)"
        )
    root = merkle_root(chain.leaves[:size]).hex()
    if kept["head"] != chain.hashes[size - 1] or kept["root"] != root:
        raise Failure(
            f"{where}: the export's first {size} events give root {root}, head "
            f"{chain.hashes[size - 1]}; the kept checkpoint states root "
            f"{kept['root']}, head {kept['head']} (history rewritten)"
        )


# --- counting (SR-7) --------------------------------------------------------


class Lots:
    """Ties left to lot: taken, in order, from the published tie records."""

    def __init__(self, ties: list[str]) -> None:
        self.choices = [
            t.split(": ", 1)[1].rsplit(" by ", 1)[0]
            for t in ties
            if t.endswith(" by lot")
        ]

    def draw(self, tied: list[str], where: str) -> str:
        """The published choice of the next lot, which must be among ``tied``."""
        if not self.choices or self.choices[0] not in tied:
            raise Failure(
                f"{where}: a tie between {tied} needs a lot the log does not record"
            )
        return self.choices.pop(0)


def earlier_round(
    tied: list[str], history: list[dict[str, int]], lowest: bool
) -> list[str]:
    """Narrow a tie by the most recent round at which the tied differed."""
    left = list(tied)
    for tallies in reversed(history):
        values = [tallies.get(c, 0) for c in left]
        best = min(values) if lowest else max(values)
        narrowed = [c for c, v in zip(left, values, strict=True) if v == best]
        if len(narrowed) < len(left):
            left = narrowed
            if len(left) == 1:
                break
    return left


def count_plurality(
    candidates: list[str], ballots: list[tuple[list[str], int]], seats: int, lots: Lots
) -> tuple[list[str], list[dict[str, Fraction]]]:
    """Plurality: one vote per ballot for its first preference; top ``seats`` win."""
    tally = dict.fromkeys(candidates, 0)
    for ranking, weight in ballots:
        if ranking:
            tally[ranking[0]] += weight
    elected: list[str] = []
    for value in sorted(set(tally.values()), reverse=True):
        group = [c for c in candidates if tally[c] == value]
        while group and len(elected) < seats:
            pick = (
                group[0]
                if len(elected) + len(group) <= seats
                else lots.draw(group, "plurality")
            )
            group.remove(pick)
            elected.append(pick)
    return elected, [{c: Fraction(v) for c, v in tally.items()}]


def count_irv(
    candidates: list[str], ballots: list[tuple[list[str], int]], lots: Lots
) -> tuple[list[str], list[dict[str, Fraction]]]:
    """IRV: exclude the lowest until one holds more than half the continuing votes."""
    continuing = list(candidates)
    history: list[dict[str, int]] = []
    rounds: list[dict[str, Fraction]] = []
    while True:
        tally = dict.fromkeys(continuing, 0)
        for ranking, weight in ballots:
            top = next((c for c in ranking if c in tally), None)
            if top is not None:
                tally[top] += weight
        history.append(tally)
        rounds.append({c: Fraction(v) for c, v in tally.items()})
        leader = max(continuing, key=lambda c: tally[c])
        if 2 * tally[leader] > sum(tally.values()) or len(continuing) == 1:
            return [leader], rounds
        least = min(tally.values())
        tied = [c for c in continuing if tally[c] == least]
        if len(tied) > 1:
            tied = earlier_round(tied, history, lowest=True)
        out = tied[0] if len(tied) == 1 else lots.draw(tied, f"irv round {len(rounds)}")
        continuing.remove(out)


def count_scottish_stv(
    candidates: list[str], ballots: list[tuple[list[str], int]], seats: int, lots: Lots
) -> tuple[list[str], list[dict[str, Fraction]]]:
    """Scottish STV, SSI 2007/42 Sch. 1 rules 45-52, in units of 0.00001 vote."""
    # Paper i: its ranking, how many identical papers, the value of each (in
    # units) and the candidate now holding it (None: non-transferable).
    rankings = [r for r, _ in ballots if r]
    weights = [w for r, w in ballots if r]
    values = [SCALE] * len(rankings)
    holder: list[str | None] = [r[0] for r in rankings]
    continuing = list(candidates)
    elected: list[str] = []
    quota = sum(weights) // (seats + 1) + 1  # rule 46
    quota_units = quota * SCALE
    tally = dict.fromkeys(candidates, 0)
    for first, weight in zip(holder, weights, strict=True):
        tally[str(first)] += weight * SCALE  # rule 45
    history: list[dict[str, int]] = []
    rounds: list[dict[str, Fraction]] = []

    def close_stage() -> None:
        for c in sorted(
            (c for c in continuing if tally[c] >= quota_units), key=lambda c: -tally[c]
        ):  # rule 47: reached the quota, highest first
            continuing.remove(c)
            elected.append(c)
        history.append(dict(tally))
        rounds.append(
            {
                c: Fraction(tally[c], SCALE)
                for c in candidates
                if c in continuing or c in elected
            }
        )

    def pass_on(c: str, surplus_of: int | None) -> None:
        """Move ``c``'s papers on: a surplus of ``surplus_of`` units, or all."""
        total = tally[c]
        for i, ranking in enumerate(rankings):
            if holder[i] != c:
                continue
            if surplus_of is not None:  # rule 48(3): to 5 decimals, remainder ignored
                values[i] = surplus_of * values[i] // total
            following = ranking[ranking.index(c) + 1 :]
            nxt = next((x for x in following if x in continuing), None)
            holder[i] = nxt
            if nxt is not None:
                tally[nxt] += weights[i] * values[i]

    close_stage()
    while len(elected) < seats:
        if len(continuing) == seats - len(elected):  # rule 52
            elected.extend(sorted(continuing, key=lambda c: -tally[c]))
            break
        surplus = [c for c in elected if tally[c] > quota_units]
        if surplus:  # rule 49: the highest surplus first
            top = max(tally[c] for c in surplus)
            tied = [c for c in surplus if tally[c] == top]
            if len(tied) > 1:
                tied = earlier_round(tied, history, lowest=False)
            c = tied[0] if len(tied) == 1 else lots.draw(tied, "stv surplus")
            pass_on(c, tally[c] - quota_units)
            tally[c] = quota_units
        else:  # rules 50-51: exclude the lowest
            least = min(tally[c] for c in continuing)
            tied = [c for c in continuing if tally[c] == least]
            if len(tied) > 1:
                tied = earlier_round(tied, history, lowest=True)
            c = tied[0] if len(tied) == 1 else lots.draw(tied, "stv exclusion")
            continuing.remove(c)
            pass_on(c, None)
            tally[c] = 0
        close_stage()
    return elected, rounds


def _ballot(entry: Json, where: str) -> tuple[list[str], int]:
    """A published ballot: a ranking list, or an object with ``ranking`` (+ weight)."""
    if isinstance(entry, list):
        return [str(c) for c in entry], 1
    if isinstance(entry, dict) and isinstance(entry.get("ranking"), list):
        return [str(c) for c in entry["ranking"]], int(entry.get("weight", 1))
    raise Failure(f"{where}: a ballot that is neither a ranking nor {{ranking}}")


def _fraction(value: Json, where: str) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError) as e:
        raise Failure(f"{where}: {value!r} is not an exact number") from e


def recount(called: Json, counted: Json, batch: list[Json] | None) -> str:
    """SR-7: recount one election; how it was recounted (raises on a mismatch)."""
    where = f"event {counted['seq']} (election {called['election']!r})"
    method, seats = called["method"], called["seats"]
    candidates = list(called["candidates"])
    published = counted["payload"]
    rounds = [
        {c: _fraction(v, where) for c, v in r.items()} for r in published["rounds"]
    ]
    cast, registered = published["ballots_cast"], published["registered"]
    if rounds and sum(rounds[0].values()) > cast:
        raise Failure(
            f"{where}: first-round tallies add to {sum(rounds[0].values())}, "
            f"more than the {cast} ballots cast"
        )
    if cast > registered:
        raise Failure(f"{where}: {cast} ballots cast of {registered} registered")
    if batch is not None:
        ballots = [_ballot(b, f"{where} ballot") for b in batch]
        if len(ballots) != cast:
            raise Failure(f"{where}: {len(ballots)} published ballots, {cast} cast")
        source = f"{len(ballots)} published ballots"
    elif method == "plurality" and rounds:
        ballots = [([c], int(v)) for c, v in rounds[0].items() if v]
        source = "the published first preferences"
    else:
        return "not recountable: its ballots are not in the log"
    for ranking, _ in ballots:
        unknown = [c for c in ranking if c not in candidates]
        if unknown or len(set(ranking)) != len(ranking):
            raise Failure(f"{where}: ballot {ranking} names {unknown or 'a repeat'}")
    lots = Lots(list(published.get("ties", [])))
    try:
        if method == "plurality":
            elected, mine = count_plurality(candidates, ballots, seats, lots)
        elif method == "irv":
            elected, mine = count_irv(candidates, ballots, lots)
        elif method == "stv-scottish":
            elected, mine = count_scottish_stv(candidates, ballots, seats, lots)
        else:
            return f"not recounted: method {method!r} is not implemented here"
    except Failure as e:
        raise Failure(f"{where}: recount from {source}: {e}") from e
    if sorted(elected) != sorted(published["elected"]):
        raise Failure(
            f"{where}: recount from {source} elects {elected}, the log says "
            f"{list(published['elected'])}"
        )
    if mine != rounds:
        first = next(
            (
                i
                for i, (a, b) in enumerate(zip(mine, rounds, strict=False), 1)
                if a != b
            ),
            min(len(mine), len(rounds)) + 1,
        )
        raise Failure(
            f"{where}: recount from {source} differs from the published rounds "
            f"at round {first}"
        )
    return f"recounted from {source}"


class Elections:
    """SR-7: every election, recounted when its result is published."""

    def __init__(self) -> None:
        self.called: dict[str, Json] = {}
        self.voted: dict[str, int] = {}
        self.batches: dict[str, list[Json]] = {}
        self.recounted = 0
        self.not_recountable = 0

    def apply(self, event: Json) -> None:
        """Remember a call, a vote or a batch; recount at a published result."""
        kind, payload, seq = event["type"], event["payload"], event["seq"]
        if kind == "ElectionCalled":
            self.called[payload["election"]] = payload
        elif kind == "VoteCast":
            election = payload["election"]
            self.voted[election] = self.voted.get(election, 0) + 1
        elif kind == "PollClosed":
            self._batch(payload, f"event {seq} (PollClosed)")
        elif kind == "ElectionCounted":
            election = payload["election"]
            if election not in self.called:
                raise Failure(f"event {seq}: count of an uncalled {election!r}")
            batch = self.batches.pop(election, None)
            how = recount(self.called[election], event, batch)
            if how.startswith("recounted"):
                self.recounted += 1
            else:
                self.not_recountable += 1

    def _batch(self, payload: Json, where: str) -> None:
        """DESIGN §6: one ballot per recorded voter, unique receipts, its root."""
        election, ballots = payload["election"], payload["ballots"]
        if len(ballots) != payload["ballots_cast"]:
            raise Failure(
                f"{where}: {len(ballots)} ballots, says {payload['ballots_cast']}"
            )
        if len(ballots) != self.voted.get(election, 0):
            raise Failure(
                f"{where}: {len(ballots)} ballots published for "
                f"{self.voted.get(election, 0)} recorded voters of {election!r}"
            )
        receipts = [b["receipt"] for b in ballots]
        if len(set(receipts)) != len(receipts):
            raise Failure(f"{where}: two ballots share a receipt")
        leaves = [
            hashlib.sha256(
                b"\x00" + canonical({"ranking": b["ranking"], "receipt": b["receipt"]})
            ).digest()
            for b in ballots
        ]
        if merkle_root(leaves).hex() != payload["merkle_root"]:
            raise Failure(f"{where}: the Merkle root is not the root of the ballots")
        self.batches[election] = list(ballots)


# --- motions, recalls and the government (SR-9, SR-10, SR-19, SR-26, SR-28) --


def carries(
    majority: str,
    basis: str,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    seated: int,
) -> bool:
    """SR-19: does ``yes`` meet the majority ``majority`` of ``basis``?"""
    total = {"votes_cast": yes + no + abstain, "present": present, "seated": seated}
    whole = total[basis]
    if majority == "simple" and basis == "votes_cast":
        return yes > no
    if majority == "two_thirds":
        return whole > 0 and 3 * yes >= 2 * whole
    return 2 * yes > whole


def past(part: int, whole: int, share: Fraction, strict: bool) -> bool:
    """SR-10: ``part / whole`` more than (``strict``) or at least ``share``."""
    if whole <= 0:
        return False
    left, right = part * share.denominator, share.numerator * whole
    return left > right if strict else left >= right


VOID_TYPES = ("ActVoided", "EntryAnnulled")


def _zone(events: list[Json]) -> timedelta:
    """The offset of the latest constitution's ``records.timezone`` (else UTC)."""
    zone = "UTC"
    for event in events:
        if event["type"] == "ConstitutionAdopted":
            records = event["payload"]["constitution"].get("records", {})
            zone = records.get("timezone", "UTC")
    if zone == "UTC":
        return timedelta(0)
    sign = -1 if zone.startswith("-") else 1
    return sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))


def _moment(at: str, offset: timedelta) -> datetime:
    """An effective time as naive UTC; a bare date is its first instant."""
    text = at.strip()
    if len(text) == 10:
        return datetime.fromisoformat(text) - offset
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value - offset


def in_effect(events: list[Json]) -> list[Json]:
    """SR-28: the events that count, in the order acts take effect.

    A void (``ActVoided``, ``EntryAnnulled``) names the seqs that no longer
    count; a later void may void an earlier one, so they are read from the
    newest back. The rest are ordered by (effective time, seq): a late entry
    takes effect before the acts appended ahead of it.
    """
    voided: set[int] = set()
    for event in reversed(events):
        if event["type"] in VOID_TYPES and event["seq"] not in voided:
            voided.update(s for s in event["payload"].get("seqs", []) if type(s) is int)
    offset = _zone(events)
    kept = [e for e in events if e["seq"] not in voided]
    return sorted(kept, key=lambda e: (_moment(effective_at(e), offset), e["seq"]))


class Federation:
    """The little of the log's state needed for SR-10, SR-19, SR-26 and SR-28."""

    def __init__(self) -> None:
        self.recall: dict[str, Json] = dict(DEFAULT_RECALL)
        self.levels: list[str] = []
        self.congress_bodies: dict[str, str] = {}  # body -> level
        self.names: dict[str, str] = {}
        self.sessions: dict[str, str] = {}  # congress session -> body
        self.latest: dict[str, str] = {}  # body -> latest session
        self.executives: dict[str, str] = {}  # executive -> electing session
        self.motions: dict[str, Json] = {}
        self.lists: dict[str, Json] = {}  # government -> its list
        self.in_force: dict[str, tuple[str, str, int]] = {}  # body -> gov, session, seq
        self.demands: dict[tuple[str, str], Json] = {}
        self.signatures: dict[str, int] = {}  # petition -> signatures so far
        self.recalls = 0

    def session_of(self, assembly: str) -> str:
        """The congress session an assembly is, or that elected the executive."""
        return self.executives.get(assembly, assembly)

    def apply(self, event: Json) -> None:
        """Check one event's outcome against its figures, and remember it."""
        kind, p, seq = event["type"], event["payload"], event["seq"]
        where = f"event {seq} ({kind})"
        if kind == "ConstitutionAdopted":
            self.recall = {**DEFAULT_RECALL, **p["constitution"].get("recall", {})}
            self.levels = list(p["constitution"].get("levels", []))
        elif kind == "BodyRegistered" and p.get("kind") == "congress":
            self.congress_bodies[p["body"]] = p.get("level", "")
        elif kind == "CongressConvened":
            self.sessions[p["congress"]] = p["body"]
            self.latest[p["body"]] = p["congress"]
            self.names[p["congress"]] = p.get("name", p["congress"])
        elif kind == "ExecutiveCommitteeElected":
            self.executives[p["executive"]] = p["congress"]
        elif kind == "GovernmentListSubmitted":
            self.lists[p["government"]] = p
        elif kind == "MotionProposed":
            self.motions[p["motion"]] = p
        elif kind in ("MotionCarried", "MotionFailed"):
            self._motion(kind, p, seq, where)
        elif kind == "ExpiryEventRecorded":
            gov = self.in_force.get(p["body"])
            if gov is not None and gov[2] < seq:
                del self.in_force[p["body"]]
        elif kind in ("RecallDemanded", "RecallVoteCalled"):
            self._petition(kind, p, where)
        elif kind == "RecallPetitionSigned":
            self._signed(p, where)
        elif kind == "RecallVoteFailed":
            if self._vote_passes(p["yes"], p["no"], p["blank"], p["registered"]):
                raise Failure(f"{where}: the figures pass the recall, yet it failed")
        elif kind == "DeputyRecalled":
            self._recalled(p, where)

    def _motion(self, kind: str, p: Json, seq: int, where: str) -> None:
        motion = self.motions.get(p["motion"])
        if motion is None:
            raise Failure(f"{where}: closes the unknown motion {p['motion']!r}")
        if p.get("unrecorded"):
            held, present = p["supporters_seats"], p["present"]
            ok = carries(
                motion["majority"],
                motion["basis"],
                held,
                present - held,
                0,
                present,
                p["seated"],
            )
        else:
            ok = carries(
                motion["majority"],
                motion["basis"],
                p["yes"],
                p["no"],
                p["abstain"],
                p.get("present", 0),
                p.get("seated", 0),
            )
        if ok != (kind == "MotionCarried"):
            verdict = "carry" if ok else "fail"
            raise Failure(
                f"{where}: by its figures and the {motion['majority']} majority of "
                f"{motion['basis']} the motion {p['motion']!r} should {verdict} (SR-19)"
            )
        if kind != "MotionCarried":
            return
        gov = motion.get("subject")
        session = self.session_of(motion["assembly"])
        body = self.sessions.get(session)
        if motion["kind"] in ("approve_government", "confirm_government"):
            if gov not in self.lists or body is None:
                raise Failure(f"{where}: approves {gov!r}, no list or congress for it")
            self.in_force[body] = (gov, session, seq)
        elif motion["kind"] == "withdraw_government" and self._holds(body, gov):
            del self.in_force[str(body)]
        elif motion["kind"] == "rename_government" and gov in self.lists:
            self.lists[gov] = {**self.lists[gov], "name": motion["text"]}

    def _holds(self, body: str | None, gov: str | None) -> bool:
        held = self.in_force.get(str(body))
        return held is not None and held[0] == gov

    def _petition(self, kind: str, p: Json, where: str) -> None:
        mode = "re_election" if kind == "RecallDemanded" else "recall_vote"
        if self.recall.get("recall_mode") != mode:
            raise Failure(f"{where}: the constitution's recall mode is not {mode}")
        share, strict = self._threshold(where)
        if not past(p["signed"], p["registered"], share, strict):
            raise Failure(
                f"{where}: {p['signed']} of {p['registered']} signatures do not "
                f"reach the threshold {share} (SR-10)"
            )
        self.demands[(p["constituency"], p["deputy"])] = p

    def _vote_passes(self, yes: int, no: int, blank: int, registered: int) -> bool:
        floor = _fraction(self.recall.get("turnout_floor", "0"), "turnout_floor")
        if not past(yes + no + blank, registered, floor, False) and floor > 0:
            return False
        whole = (
            yes + no if self.recall.get("recall_basis") == "votes_cast" else registered
        )
        share = _fraction(self.recall["recall_threshold"], "recall_threshold")
        return past(
            yes, whole, share, bool(self.recall.get("recall_threshold_strict", True))
        )

    def _threshold(self, where: str) -> tuple[Fraction, bool]:
        """SR-10: the share a petition must pass, and whether strictly."""
        if self.recall.get("recall_mode") == "recall_vote":
            return _fraction(self.recall["recall_petition_share"], where), False
        strict = bool(self.recall.get("recall_threshold_strict", True))
        return _fraction(self.recall["recall_threshold"], where), strict

    def _signed(self, p: Json, where: str) -> None:
        """SR-10: an online signature: its running count and ``reached`` flag."""
        count = self.signatures.get(p["petition"], 0) + 1
        self.signatures[p["petition"]] = count
        if p["signed"] != count:
            raise Failure(
                f"{where}: says {p['signed']} signatures, the log has {count}"
            )
        share, strict = self._threshold(where)
        if bool(p.get("reached")) != past(count, p["registered"], share, strict):
            raise Failure(
                f"{where}: {count} of {p['registered']} signatures against the "
                f"threshold {share}: 'reached' is {p.get('reached')!r} (SR-10)"
            )

    def _recalled(self, p: Json, where: str) -> None:
        mode, basis = p["mode"], p["basis"]
        if mode != self.recall.get("recall_mode"):
            raise Failure(f"{where}: mode {mode!r} is not the constitution's")
        pending = (p["constituency"], p["deputy"]) in self.demands
        if mode == "petition_ends_mandate":
            figures = re.search(r"(\d+) of (\d+)", basis)
            share, strict = self._threshold(where)
            ok = figures is not None and past(
                int(figures[1]), int(figures[2]), share, strict
            )
        elif mode == "recall_vote":
            vote = re.search(r"vote (\d+) yes, (\d+) no, (\d+) blank of (\d+)", basis)
            ok = (
                vote is not None
                and pending
                and self._vote_passes(*(int(vote[i]) for i in range(1, 5)))
            )
        else:
            ok = "ordered by the congress" in basis or pending
        if not ok:
            raise Failure(
                f"{where}: recall of {p['deputy']!r} [{basis}] does not "
                f"meet the constitution's {mode} rule (SR-10)"
            )
        self.demands.pop((p["constituency"], p["deputy"]), None)
        self.recalls += 1

    def government(self) -> tuple[str | None, str]:
        """SR-28 at the head: (government id or None, a readable account)."""
        if not self.congress_bodies:
            return None, "no congress body"
        body = max(
            self.congress_bodies,
            key=lambda b: (
                self.levels.index(self.congress_bodies[b])
                if self.congress_bodies[b] in self.levels
                else -1
            ),
        )
        held = self.in_force.get(body)
        if held is None or held[1] != self.latest.get(body):
            return None, "none in force (SR-26)"
        gov, _, seq = held
        name = self.lists[gov].get("name", gov)
        return gov, f"{name} ({gov}), approved at event {seq}"


# --- eligibility off the chain (SR-4/SR-5, issue 10 finding 9) ------------


def coming_of_age(birth: date, years: int) -> date:
    """SR-4: the first day of ``years`` completed years (29 Feb → 1 Mar)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def _denied(record: Json, franchise: Json, min_age: int, day: date) -> list[str]:
    """SR-4/SR-5: the rules that deny ``record`` the franchise on ``day``."""
    rules = []
    eligible = set(franchise.get("eligible_categories", []))
    if day < coming_of_age(date.fromisoformat(record["birth_date"]), min_age) or (
        eligible and not eligible & set(record.get("categories", []))
    ):
        rules.append("SR-4")
    excluded = set(franchise.get("excluded_categories", []))
    for mark in record.get("exclusions", []):
        since, until = mark.get("since"), mark.get("until")
        started = since is None or date.fromisoformat(since[:10]) <= day
        ended = until is not None and day >= date.fromisoformat(until[:10])
        if mark["category"] in excluded and started and not ended:
            rules.append("SR-5")
            break
    return rules


def verdict_of(record: Json, franchise: Json, min_age: int) -> list[Json]:
    """SR-4/SR-5: the spans of a personal record's franchise, judged from the
    day of registration on (``franchise.verdicts.franchise_spans``)."""
    floor = date.fromisoformat(record["registered"])
    cuts = {coming_of_age(date.fromisoformat(record["birth_date"]), min_age)}
    excluded = set(franchise.get("excluded_categories", []))
    for mark in record.get("exclusions", []):
        if mark["category"] in excluded:
            cuts |= {
                date.fromisoformat(mark[k][:10])
                for k in ("since", "until")
                if mark.get(k)
            }
    days = sorted(d for d in cuts if d > floor)
    spans: list[Json] = []
    for since, until in zip([None, *days], [*days, None], strict=True):
        rules = _denied(record, franchise, min_age, since or floor)
        end = until.isoformat() if until else None
        if spans and spans[-1]["rules"] == rules:
            spans[-1]["until"] = end
        else:
            start = since.isoformat() if since else None
            spans.append({"since": start, "until": end, "rules": rules})
    return spans


class Electorate:
    """The verdicts on the chain, checked against the personal data if given."""

    def __init__(self) -> None:
        self.franchise: Json = {"min_age": 18}
        self.council_of: dict[str, str] = {}
        self.age_of: dict[str, int] = {}
        self.latest: dict[str, tuple[Json, Json, int]] = {}  # verdict, franchise, age

    def apply(self, event: Json) -> None:
        """Follow the franchise, the voting ages and every recorded verdict."""
        kind, p = event["type"], event["payload"]
        where = f"event {event['seq']} ({kind})"
        if kind == "ConstitutionAdopted":
            self.franchise = p["constitution"].get("franchise", self.franchise)
        elif kind == "ConstituencyRegistered":
            self.council_of[p["constituency"]] = p["council"]
        elif kind == "VotingAgeLowered":
            self.age_of[p["council"]] = p["min_age"]
        elif kind == "ElectorEnrolled":
            self._verdict(p, p["constituency"], where)
        elif kind == "VerdictRecorded":
            if p["person"] not in self.latest:
                raise Failure(f"{where}: {p['person']!r} is not enrolled")
            self._verdict(p, self.latest[p["person"]][0]["constituency"], where)

    def _verdict(self, p: Json, constituency: str, where: str) -> None:
        council = self.council_of.get(constituency, "")
        age = self.age_of.get(council, self.franchise["min_age"])
        if p["min_age"] != age:
            raise Failure(f"{where}: judged at age {p['min_age']}, the log says {age}")
        self.latest[p["person"]] = (
            {**p, "constituency": constituency},
            self.franchise,
            age,
        )

    def check(self, data: Json | None) -> tuple[int, int]:
        """Recompute each latest verdict whose data are given: (checked, trusted)."""
        given = {r["person"]: r for r in (data or {}).get("records", [])}
        checked = 0
        for person, (verdict, franchise, age) in sorted(self.latest.items()):
            found = given.get(person)
            if found is None:
                continue
            key = bytes.fromhex(found["secret"])
            mac = hmac.new(key, canonical(found["record"]), hashlib.sha256).hexdigest()
            if mac != verdict["commitment"]:
                raise Failure(f"personal data of {person!r}: not the record committed")
            if verdict_of(found["record"], franchise, age) != verdict["verdict"]:
                raise Failure(f"{person!r}: the verdict on the chain is not the data's")
            checked += 1
        return checked, len(self.latest) - checked


# --- the command line -------------------------------------------------------


def verify(
    path: Path,
    key: str | None,
    legitimacy: Path | None,
    against: Path | None = None,
    personal: Path | None = None,
) -> dict[str, Json]:
    """Every check, in one pass; a summary, or ``Failure`` at the first bad thing."""
    kept = read_against(against) if against is not None else None
    header: dict[str, Json] = {}
    chain, elections, federation = Chain(), Elections(), Federation()
    electorate = Electorate()
    acts: list[Json] = []  # the events, applied once the voids are known
    held: list[Json] = []  # the checkpoints, checked once the key records are read
    keys = Keys()
    pinned = key
    for kind, row in read_export(path):
        if kind == "header":
            header = row
            pinned = key or header.get("public_key")
            if not isinstance(pinned, str):
                raise Failure("header: no public key to check the checkpoints with")
            declared = [header.get("public_key"), *header.get("key_history", [])]
            if key is not None and key not in declared:
                raise Failure(
                    f"header: key {header.get('public_key')}, not the key {key}"
                )
        elif kind == "event":
            chain.add(row)
            elections.apply(row)
            acts.append(row)
        elif kind == "checkpoint":
            held.append(row)
        else:
            keys.add(row, chain)
    chain.check_header(header)
    for row in in_effect(acts):
        federation.apply(row)
        electorate.apply(row)
    data = json.loads(personal.read_text(encoding="utf-8")) if personal else None
    verdicts_checked, verdicts_trusted = electorate.check(data)
    stated = header.get("public_key")
    if key not in (None, stated) and key not in keys.all_keys():
        raise Failure(f"header: key {stated}, not the key {key}")
    for row in held:
        check_checkpoint(row, chain, str(pinned), keys)
    checkpoints = len(held)
    if kept is not None and against is not None:
        check_against(kept, chain, key, against.name)
    gov, account = federation.government()
    if legitimacy is not None:
        answer = json.loads(legitimacy.read_text(encoding="utf-8"))
        named = (answer.get("government") or {}).get("name")
        mine = federation.lists[gov].get("name") if gov else None
        if named != mine:
            raise Failure(f"government: the log gives {mine!r}, the answer {named!r}")
    return {
        "verdicts_checked": verdicts_checked,
        "verdicts_trusted": verdicts_trusted,
        "events": chain.count,
        "head_hash": chain.head,
        "checkpoints": checkpoints,
        "public_key": pinned,
        "signing_keys": [turn[0] for turn in keys.turns],
        "root_key": keys.root,
        "key_records": keys.count,
        "elections_recounted": elections.recounted,
        "elections_not_recountable": elections.not_recountable,
        "recalls": federation.recalls,
        "government": gov,
        "government_account": account,
        "extends": None if kept is None else kept["size"],
    }


def _rotations(summary: dict[str, Json]) -> str:
    turns = summary["signing_keys"]
    if len(turns) < 2:
        return ""
    return f" ({len(turns) - 1} key rotation(s) followed, signing key now {turns[-1]})"


def main(argv: list[str] | None = None) -> int:
    """Run the verifier; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="an export made by `sovet export`")
    parser.add_argument("--key", help="the public key (hex) checkpoints must carry")
    parser.add_argument(
        "--legitimacy",
        type=Path,
        help="a `sovet legitimacy --format json` answer to check",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="a kept checkpoint (GET /api/checkpoints/latest) the log must extend",
    )
    parser.add_argument(
        "--personal",
        type=Path,
        help="personal data (`sovet members data`) to check the verdicts with",
    )
    parser.add_argument("--json", action="store_true", help="the summary as JSON")
    args = parser.parse_args(argv)
    try:
        summary = verify(
            args.file, args.key, args.legitimacy, args.against, args.personal
        )
    except OSError as e:
        print(f"cannot read: {e}", file=sys.stderr)
        return 2
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        print(f"FAIL: malformed content ({type(e).__name__}: {e})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(
            f"ok {summary['events']} events, head {summary['head_hash']}; "
            f"{summary['checkpoints']} checkpoint(s) trusted through "
            f"{summary['public_key']}"
            f"{_rotations(summary)}; "
            f"{summary['elections_recounted']} election(s) recounted, "
            f"{summary['elections_not_recountable']} not recountable; "
            f"{summary['recalls']} recall(s) re-derived; "
            f"{summary['verdicts_checked']} franchise verdict(s) recomputed from "
            f"the personal data, {summary['verdicts_trusted']} taken on trust "
            "(no data given, or erased); government in force: "
            f"{summary['government_account']}"
            + (
                f"; extends the kept checkpoint of {summary['extends']} events"
                if summary["extends"] is not None
                else ""
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
