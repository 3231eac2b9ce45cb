"""Typed conversion between plain data (TOML, JSON payloads) and dataclasses.

One converter serves constitutions, commands and events: ``from_plain(value,
hint, key=…, fail=…)`` builds a value of the type ``hint`` (``str``, ``int``,
``bool``, ``Fraction``, ``X | None``, ``tuple[X, ...]``, ``dict[str, X]``,
``Literal[...]`` or a dataclass) and calls ``fail(reason, key)`` — which must
raise — on anything else; ``to_plain(value)`` is the inverse and never emits a
float (fractions become ``"1/3"``), so payloads stay canonical-JSON-safe.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, Literal, NoReturn, Union

__all__ = ["Fail", "dataclass_from_plain", "from_plain", "parse_fraction", "to_plain"]

Fail = Callable[[str, str], NoReturn]
"""``fail(reason, key)``: raise the caller's own input error."""


def parse_fraction(value: object) -> Fraction | None:
    """``"1/3"``, ``"0.5"`` or an integer as an exact ``Fraction`` (``None`` if not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _type_name(hint: object) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def from_plain(value: object, hint: Any, *, key: str, fail: Fail) -> Any:
    """Build a value of type ``hint`` from plain data, or ``fail(reason, key)``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return from_plain(value, inner[0], key=key, fail=fail)
        for candidate in inner:
            if _matches(value, candidate):
                return from_plain(value, candidate, key=key, fail=fail)
        fail(f"expected {_type_name(hint)}, got {value!r}", key)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(repr(a) for a in args)
            fail(f"{value!r} is not one of {choices}", key)
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            fail(f"expected a list, got {value!r}", key)
        item = args[0] if args else Any
        return tuple(
            from_plain(v, item, key=f"{key}[{i}]", fail=fail)
            for i, v in enumerate(value)
        )
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        if not isinstance(value, Mapping):
            fail(f"expected a table, got {value!r}", key)
        item = args[1] if len(args) == 2 else Any
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                fail(f"table keys must be strings, got {k!r}", key)
            out[k] = from_plain(v, item, key=f"{key}.{k}", fail=fail)
        return out
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            fail(f"expected a table for {hint.__name__}, got {value!r}", key)
        return dataclass_from_plain(hint, value, key=key, fail=fail)
    if hint is Fraction:
        frac = parse_fraction(value)
        if frac is None:
            fail(f'expected a fraction such as "1/3", got {value!r}', key)
        return frac
    if hint is bool:
        if not isinstance(value, bool):
            fail(f"expected true or false, got {value!r}", key)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            fail(f"expected an integer, got {value!r}", key)
        return value
    if hint is str:
        if not isinstance(value, str):
            fail(f"expected a string, got {value!r}", key)
        return value
    fail(f"unsupported field type {_type_name(hint)}", key)


def _matches(value: object, hint: Any) -> bool:
    origin = typing.get_origin(hint) or hint
    if origin is Literal:
        return value in typing.get_args(hint)
    if origin is tuple:
        return isinstance(value, list | tuple)
    if origin in (dict, Mapping) or dataclasses.is_dataclass(origin):
        return isinstance(value, Mapping)
    if origin is Fraction:
        return parse_fraction(value) is not None
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(origin, type) and isinstance(value, origin)


def dataclass_from_plain(
    cls: type[Any],
    data: Mapping[str, object],
    *,
    key: str,
    fail: Fail,
    skip: frozenset[str] = frozenset(),
) -> Any:
    """Build dataclass ``cls`` from ``data``; unknown or missing keys ``fail``."""
    hints, fields = _schema(cls)
    prefix = f"{key}." if key else ""
    for name in data:
        if name not in fields and name not in skip:
            known = ", ".join(sorted(fields))
            fail(f"unknown key {name!r} (known: {known})", f"{prefix}{name}")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = from_plain(
                data[name], hints[name], key=f"{prefix}{name}", fail=fail
            )
        elif (
            f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ):
            fail(f"missing key {name!r}", f"{prefix}{name}")
    return cls(**kwargs)


_SCHEMAS: dict[type[Any], tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]] = {}


def _schema(
    cls: type[Any],
) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """Type hints and init fields of ``cls``, resolved once (replay speed)."""
    found = _SCHEMAS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = hints, {f.name: f for f in dataclasses.fields(cls) if f.init}
        _SCHEMAS[cls] = found
    return found


def to_plain(value: object) -> Any:
    """The plain (JSON/TOML-safe, float-free) form of a dataclass or value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init
        }
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, float):
        raise TypeError(f"floats have no canonical form: {value!r}")
    return value
