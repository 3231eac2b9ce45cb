"""The log's key history: which key signs when, followed from the key records.

``follow_keys`` walks the key records (``ledger.keyring``) in order and checks
each certificate and rotation; ``era_problem`` says why a checkpoint falls
outside its signer's era. A key rotated away from signs nothing after its era.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sovet.errors import ChainBroken, says
from sovet.ledger.checkpoint import CheckpointBody, SignatureCheck
from sovet.ledger.keyring import CERTIFICATE, KeyRecordLike

__all__ = ["Era", "KeyHistory", "era_problem", "follow_keys"]


@dataclass(frozen=True, slots=True)
class Era:
    """One signing key's turn: checkpoints of sizes ``start`` … ``end`` (None: on)."""

    key: str
    start: int
    end: int | None
    how: str
    """How the key came to sign: says("the log's first key") or the rotation."""

    def covers(self, size: int) -> bool:
        """May this key sign a checkpoint of ``size`` events?"""
        return self.start <= size and (self.end is None or size <= self.end)


@dataclass(frozen=True, slots=True)
class KeyHistory:
    """The signing keys in turn, and the log's root key (if certified)."""

    eras: tuple[Era, ...] = ()
    root: str | None = None
    records: int = 0

    @property
    def current(self) -> str | None:
        """The key that signs now (``None`` before any key record)."""
        return self.eras[-1].key if self.eras else None

    def all_keys(self) -> set[str]:
        """Every key of the history: the signing keys and the root."""
        found = {era.key for era in self.eras}
        return found | ({self.root} if self.root else set())

    def era_of(self, key: str) -> Era | None:
        """The era of ``key``, or ``None`` when it never held one."""
        return next((era for era in self.eras if era.key == key), None)


def follow_keys(
    records: Iterable[KeyRecordLike],
    verify_signature: SignatureCheck,
    body_at: Callable[[int], CheckpointBody | None],
) -> KeyHistory:
    """Walk the key records in order; the history, or ``ChainBroken`` at the first
    record that does not hold.

    ``body_at(size)`` is the body of the log's first ``size`` events (``None``
    when the log is shorter). A record holds when: its size does not go back;
    it states the log as it is at that size; its signature verifies under its
    authority and its countersignature under its key; a certificate's key is
    the one signing then and its root is the log's root (or the first); a
    rotation hands over from the key signing then, is signed by that key or by
    the log's root, and its new key never signed before.
    """
    eras: list[Era] = []
    root: str | None = None
    last_size = 0
    count = 0
    for record in records:
        count += 1
        st = record.statement
        where = max(st.size, 1)
        label = says(
            "key record {count} ({kind} at size {size})",
            count=count,
            kind=st.kind,
            size=st.size,
        )
        if st.size < last_size:
            raise ChainBroken(
                where,
                says(
                    "{label} goes back from size {last_size}",
                    label=label,
                    last_size=last_size,
                ),
            )
        body = body_at(st.size)
        if body is None:
            raise ChainBroken(
                where, says("{label}: the log holds fewer events", label=label)
            )
        if body != st.body:
            raise ChainBroken(
                where,
                says(
                    "{label} states root {root}, head {head}; the log "
                    "gives root {log_root}, head {log_head}",
                    label=label,
                    root=st.root_hash,
                    head=st.head_hash,
                    log_root=body.root_hash,
                    log_head=body.head_hash,
                ),
            )
        message = st.message()
        if not verify_signature(
            st.authority, message, _raw(record.signature)
        ) or not verify_signature(st.key, message, _raw(record.countersignature)):
            raise ChainBroken(
                where,
                says(
                    "{label}: a signature does not verify (signed by "
                    "{authority}, countersigned by {key})",
                    label=label,
                    authority=st.authority,
                    key=st.key,
                ),
            )
        current = eras[-1].key if eras else None
        if st.kind == CERTIFICATE:
            if current is not None and st.key != current:
                raise ChainBroken(
                    where,
                    says(
                        "{label} certifies {key}, but {current} signs then",
                        label=label,
                        key=st.key,
                        current=current,
                    ),
                )
            if root is not None and st.authority != root:
                raise ChainBroken(
                    where,
                    says(
                        "{label} is by the root {authority}; the log's root is {root}",
                        label=label,
                        authority=st.authority,
                        root=root,
                    ),
                )
            root = st.authority
            if current is None:
                eras.append(Era(st.key, 0, None, says("the log's first key")))
        else:
            old = str(st.previous)
            if current is None:
                eras.append(Era(old, 0, None, says("the log's first key")))
                current = old
            if old != current:
                raise ChainBroken(
                    where,
                    says(
                        "{label} hands over from {old}, but {current} signs then",
                        label=label,
                        old=old,
                        current=current,
                    ),
                )
            if st.authority == old:
                how = says(
                    "rotated in at size {size}, signed by the old key", size=st.size
                )
            elif root is not None and st.authority == root:
                how = says(
                    "rotated in at size {size}, signed by the root key {root}",
                    size=st.size,
                    root=root,
                )
            else:
                raise ChainBroken(
                    where,
                    says(
                        "{label} is signed by {authority}: neither the old key {old} "
                        "nor the log's root key ({root})",
                        label=label,
                        authority=st.authority,
                        old=old,
                        root=root or says("none certified"),
                    ),
                )
            if any(era.key == st.key for era in eras) or st.key == root:
                raise ChainBroken(
                    where,
                    says(
                        "{label}: the new key {key} signed before",
                        label=label,
                        key=st.key,
                    ),
                )
            eras[-1] = Era(current, eras[-1].start, st.size, eras[-1].how)
            eras.append(Era(st.key, st.size, None, how))
        last_size = st.size
    return KeyHistory(tuple(eras), root, count)


def _raw(signature: str) -> bytes:
    try:
        return bytes.fromhex(signature)
    except (ValueError, TypeError):
        return b""


def era_problem(history: KeyHistory, size: int, key: str) -> str | None:
    """Why a checkpoint of ``size`` events by ``key`` falls outside the key's era
    (``None`` when it does not, or the key is not in the history)."""
    era = history.era_of(key)
    if era is None or era.covers(size):
        return None
    if era.end is not None and size > era.end:
        return says(
            "checkpoint of {size} events is signed by {key}, rotated "
            "away from at size {end}",
            size=size,
            key=key,
            end=era.end,
        )
    return says(
        "checkpoint of {size} events is signed by {key}, which signs "
        "only from size {start}",
        size=size,
        key=key,
        start=era.start,
    )
