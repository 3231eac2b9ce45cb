"""A member register of a loaded snapshot, left packed in shards (issue 13).

At a million members the registers (``state.persons``, ``state.electors``)
are nine tenths of a snapshot: unpickling them costs seconds and a gigabyte,
while most questions — who governs, and why — look up a handful of persons.
``pack`` cuts a register into shards by a stable hash of the key, each shard
compressed on its own with the entries' places in the register's order;
``PackedRegister`` stands in the state for the dict it will become:

- a point lookup (``[key]``, ``get``, ``in``) opens one shard and keeps it;
- anything else (iteration, size, a change, equality, a copy) opens every
  shard, puts the dict back together in its order and puts it in the state
  in its own place, so the state holds a plain dict again from then on.

Nothing here decides anything: the register is the same dict either way
(``tests/property/test_snapshot_fold.py``, ``tests/unit/services/
test_packed_register.py``). The bytes are only ever opened after the
snapshot's hash was checked against a signed checkpoint (``snapshots``).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import (
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    MutableMapping,
    Sequence,
    ValuesView,
)
from typing import Any

__all__ = ["PER_SHARD", "PackedRegister", "pack"]

PER_SHARD = 1024
"""About this many entries per shard: a lookup opens about as many records."""

Loads = Callable[[bytes | memoryview], Any]
Dumps = Callable[[object], bytes]


def _shard(key: object, shards: int) -> int:
    return zlib.crc32(str(key).encode("utf-8", "surrogatepass")) % shards


def pack(register: dict[Any, Any], dumps: Dumps) -> list[bytes]:
    """``register`` as compressed shards (``dumps``): each a pickled triple of
    its keys, values and their places in the register's order."""
    count = max(1, len(register) // PER_SHARD)
    parts: list[tuple[list[Any], list[Any], list[int]]] = [
        ([], [], []) for _ in range(count)
    ]
    for place, (key, value) in enumerate(register.items()):
        keys, values, places = parts[_shard(key, count)]
        keys.append(key)
        values.append(value)
        places.append(place)
    return [dumps(part) for part in parts]


class PackedRegister(MutableMapping[Any, Any]):
    """A register still packed (see the module docstring)."""

    def __init__(
        self,
        shards: Sequence[bytes | memoryview],
        loads: Loads,
        owner: object,
        name: str,
    ) -> None:
        self.shards = shards
        """The compressed shards, as ``pack`` made them (kept for the next snapshot
        while the register is unchanged)."""
        self._loads = loads
        self._open: dict[int, dict[Any, Any]] = {}
        self._whole: dict[Any, Any] | None = None
        self._lock = threading.Lock()
        self._owner: object | None = owner  # dropped once whole (no cycle left)
        self._name = name

    @property
    def pristine(self) -> bool:
        """Whether the register was never put back together (so never changed)."""
        return self._whole is None

    def _part(self, key: object) -> dict[Any, Any]:
        index = _shard(key, len(self.shards))
        part = self._open.get(index)
        if part is None:
            with self._lock:
                part = self._open.get(index)
                if part is None:
                    keys, values, _places = self._loads(self.shards[index])
                    part = self._open[index] = dict(zip(keys, values, strict=True))
        return part

    def whole(self) -> dict[Any, Any]:
        """The register as a dict, in its order; put in its owner's place."""
        whole = self._whole
        if whole is not None:
            return whole
        with self._lock:
            if self._whole is None:
                slots: list[Any] = []
                for shard in self.shards:
                    keys, values, places = self._loads(shard)
                    slots.extend([None] * (max(places, default=-1) + 1 - len(slots)))
                    for key, value, place in zip(keys, values, places, strict=True):
                        slots[place] = (key, value)
                self._whole = dict(slots)
                self._open.clear()
                owner, self._owner = self._owner, None
                if owner is not None and getattr(owner, self._name, None) is self:
                    object.__setattr__(owner, self._name, self._whole)
            return self._whole

    def __getitem__(self, key: Any) -> Any:
        whole = self._whole
        return (self._part(key) if whole is None else whole)[key]

    def get(self, key: Any, default: Any = None) -> Any:
        """The entry of ``key``, or ``default`` (one shard opened)."""
        whole = self._whole
        return (self._part(key) if whole is None else whole).get(key, default)

    def __contains__(self, key: object) -> bool:
        whole = self._whole
        return key in (self._part(key) if whole is None else whole)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.whole()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.whole()[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())

    def keys(self) -> KeysView[Any]:
        """The whole register's keys."""
        return self.whole().keys()

    def values(self) -> ValuesView[Any]:
        """The whole register's values."""
        return self.whole().values()

    def items(self) -> ItemsView[Any, Any]:
        """The whole register's items."""
        return self.whole().items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedRegister):
            other = other.whole()
        return self.whole() == other

    __hash__ = None  # type: ignore[assignment]  # a mapping, as dict

    def __reduce__(self) -> tuple[Any, ...]:
        """Copied and pickled as the dict it stands for."""
        return (dict, (self.whole(),))

    def __repr__(self) -> str:
        state = "open" if self._whole is not None else f"{len(self._open)} shards open"
        return f"<PackedRegister {self._name}: {len(self.shards)} shards, {state}>"
