"""How a snapshot pickles the state (issue 13): its shape, its reducers.

``state_fingerprint`` digests the fields of the state's record classes, so a
change of shape makes old snapshots unusable (``snapshots.FORMAT``); the
reducers pickle the slotted records as ``cls(*fields)`` and fractions as
their two integers, so loading runs one constructor call per record.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import operator
import pickle
import re
import sys
import zlib
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from sovet.domain import FederationState
from sovet.domain.government import legitimacy as legitimacy_module
from sovet.domain.government.legitimacy import Legitimacy
from sovet.domain.kernel.timeline import TimeIndex

__all__ = ["SHAPE_ROOTS", "dumps", "loads", "state_fingerprint"]


def _shape(*roots: type) -> tuple[list[str], list[type]]:
    """The fields of ``roots`` and of every dataclass their fields' annotations
    name (recursively), with the aliases they name (``Literal``s); names are
    resolved in the domain's modules."""
    names: dict[str, Any] = {}
    for module_name in sorted(sys.modules):
        if module_name == "sovet.domain" or module_name.startswith("sovet.domain."):
            for key, value in vars(sys.modules[module_name]).items():
                names.setdefault(key, value)
    lines: list[str] = []
    seen: dict[type, None] = {}
    todo: list[type] = list(roots)
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen[cls] = None
        for field in dataclasses.fields(cls):
            text = str(field.type)
            lines.append(f"{cls.__module__}.{cls.__qualname__}.{field.name}: {text}")
            for name in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text):
                found = vars(sys.modules[cls.__module__]).get(name, names.get(name))
                if isinstance(found, type) and dataclasses.is_dataclass(found):
                    todo.append(found)
                elif found is not None and hasattr(found, "__origin__"):
                    lines.append(f"{name} = {found!r}")
    return sorted(set(lines)), list(seen)


SHAPE_ROOTS: tuple[type, ...] = (
    FederationState,
    TimeIndex,  # the kept legitimacy indexes (``snapshot_index``) and their answers
    getattr(legitimacy_module, "_Undated", Legitimacy),
    Legitimacy,
)
"""What a snapshot pickles: the state and the time indexes it keeps."""


def state_fingerprint(roots: tuple[type, ...] = SHAPE_ROOTS) -> str:
    """A digest of the shape a pickled state has (``_shape``)."""
    lines, _classes = _shape(*roots)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """Pickle a slotted dataclass as ``cls(*values)``: its ``__init__`` runs in
    one call, where the default ``__setstate__`` loops over its fields in
    Python (most of the time of loading a snapshot)."""
    fields = dataclasses.fields(cls)
    plain = all(f.init and not f.kw_only for f in fields)
    if not plain or "__slots__" not in vars(cls) or hasattr(cls, "__post_init__"):
        return None
    getter = operator.attrgetter(*(f.name for f in fields))
    if len(fields) == 1:
        return lambda obj: (cls, (getter(obj),))
    return lambda obj: (cls, getter(obj))


def _fraction(value: Fraction) -> tuple[Any, ...]:
    """A fraction as ``Fraction(numerator, denominator)``: its default pickle
    is its text, parsed again on loading (five times slower)."""
    return (Fraction, (value.numerator, value.denominator))


_REDUCERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {
    Fraction: _fraction,
    **{
        cls: reduce
        for cls in _shape(*SHAPE_ROOTS)[1]
        if (reduce := _reducer(cls)) is not None
    },
}


def dumps(value: object) -> bytes:
    """``value`` pickled (the slotted records as ``cls(*fields)``), compressed."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **_REDUCERS}
    pickler.dump(value)
    return zlib.compress(buffer.getvalue(), 1)


def loads(data: bytes | memoryview) -> Any:
    """What ``dumps`` gave ``data`` for, the collector paused meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()  # many new objects at once: no collection while they arrive
    try:
        return pickle.loads(zlib.decompress(data))  # the hash was checked first
    finally:
        _settled()
        if was_enabled:
            gc.enable()


def _settled() -> None:
    """Move the objects just made to the collector's oldest generation, as a
    long-lived state's are: else the next young collections scan every one of
    them once or twice (0.1 s at a million members). ``freeze`` moves every
    tracked object aside without scanning, ``unfreeze`` puts them back in the
    oldest generation; nothing stays frozen."""
    gc.freeze()
    gc.unfreeze()
