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

from sovet.errors import says

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


Decoder = Callable[[object, str, Fail], Any]
"""A compiled ``from_plain`` for one type hint: ``(value, key, fail) -> value``."""

_DECODERS: dict[object, Decoder] = {}


def from_plain(value: object, hint: Any, *, key: str, fail: Fail) -> Any:
    """Build a value of type ``hint`` from plain data, or ``fail(reason, key)``.

    The hint is compiled once into a decoder (replay speed: no type-hint walk
    per event); the checks and messages are those of ``_compile``.
    """
    return _decoder(hint)(value, key, fail)


def _decoder(hint: Any) -> Decoder:
    try:
        return _DECODERS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint: compile it each time
        return _compile(hint)
    built = _compile(hint)
    _DECODERS[hint] = built
    return built


def _compile(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return _as_is
    if origin in (Union, types.UnionType):
        return _union(hint, args)
    if origin is Literal:

        def literal(value: object, key: str, fail: Fail) -> Any:
            if value not in args:
                choices = ", ".join(repr(a) for a in args)
                fail(
                    says(
                        "{value!r} is not allowed; choose one of {choices}",
                        value=value,
                        choices=choices,
                    ),
                    key,
                )
            return value

        return literal
    if origin is tuple:
        item_hint = args[0] if args else Any
        strings = item_hint is str

        def sequence(value: object, key: str, fail: Fail) -> Any:
            if type(value) is not list and not isinstance(value, list | tuple):
                fail(says("expected a list, got {value!r}", value=value), key)
            if not value:
                return ()
            if strings and all(type(v) is str for v in value):
                return tuple(value)  # the common case, checked in one pass
            item = _decoder(item_hint)
            return tuple(item(v, f"{key}[{i}]", fail) for i, v in enumerate(value))

        return sequence
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        value_hint = args[1] if len(args) == 2 else Any

        strings = value_hint is str

        def table(value: object, key: str, fail: Fail) -> Any:
            if type(value) is dict:
                if not value:
                    return {}
                if strings and all(
                    type(k) is str and type(v) is str for k, v in value.items()
                ):
                    return dict(value)  # the common case, checked in one pass
            elif not isinstance(value, Mapping):
                fail(says("expected a table, got {value!r}", value=value), key)
            item = _decoder(value_hint)
            out: dict[str, Any] = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    fail(says("table keys must be strings, got {key!r}", key=k), key)
                out[k] = item(v, f"{key}.{k}", fail)
            return out

        return table
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        cls = hint

        def nested(value: object, key: str, fail: Fail) -> Any:
            if not isinstance(value, Mapping):
                fail(
                    says(
                        "expected a table for {kind}, got {value!r}",
                        kind=cls.__name__,
                        value=value,
                    ),
                    key,
                )
            return dataclass_from_plain(cls, value, key=key, fail=fail)

        return nested
    return _scalar(hint)


def _as_is(value: object, _key: str, _fail: Fail) -> Any:
    return value


def _union(hint: Any, args: tuple[Any, ...]) -> Decoder:
    optional = type(None) in args
    inner = [a for a in args if a is not type(None)]
    if len(inner) == 1:
        only = inner[0]

        def maybe(value: object, key: str, fail: Fail) -> Any:
            if value is None and optional:
                return None
            return _decoder(only)(value, key, fail)

        return maybe

    def either(value: object, key: str, fail: Fail) -> Any:
        if value is None and optional:
            return None
        for candidate in inner:
            if _matches(value, candidate):
                return _decoder(candidate)(value, key, fail)
        fail(
            says("expected {hint}, got {value!r}", hint=_type_name(hint), value=value),
            key,
        )

    return either


def _scalar(hint: Any) -> Decoder:
    if hint is Fraction:

        def fraction(value: object, key: str, fail: Fail) -> Any:
            frac = parse_fraction(value)
            if frac is None:
                fail(
                    says(
                        'expected a fraction such as "1/3", got {value!r}', value=value
                    ),
                    key,
                )
            return frac

        return fraction
    if hint is bool:

        def boolean(value: object, key: str, fail: Fail) -> Any:
            if not isinstance(value, bool):
                fail(says("expected true or false, got {value!r}", value=value), key)
            return value

        return boolean
    if hint is int:

        def integer(value: object, key: str, fail: Fail) -> Any:
            if type(value) is not int and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                fail(says("expected an integer, got {value!r}", value=value), key)
            return value

        return integer
    if hint is str:

        def string(value: object, key: str, fail: Fail) -> Any:
            if type(value) is not str and not isinstance(value, str):
                fail(says("expected a string, got {value!r}", value=value), key)
            return value

        return string

    def unsupported(_value: object, key: str, fail: Fail) -> Any:
        fail(says("unsupported field type {hint}", hint=_type_name(hint)), key)

    return unsupported


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
    extra: Mapping[str, object] | None = None,
) -> Any:
    """Build dataclass ``cls`` from ``data``; unknown or missing keys ``fail``.

    ``extra`` holds values that take precedence over ``data`` (an event's
    ``at`` comes from its envelope), checked like the others.
    """
    known, plan = _plan(cls)
    prefix = f"{key}." if key else ""
    if not known.issuperset(data):
        for name in data:
            if name not in known and name not in skip:
                listed = ", ".join(sorted(known))
                fail(
                    says(
                        "unknown key {name!r} (known: {listed})",
                        name=name,
                        listed=listed,
                    ),
                    f"{prefix}{name}",
                )
    if extra:
        data = {**data, **extra}
    kwargs: dict[str, Any] = {}
    get = data.get
    for name, decode, required, exact in plan:
        value = get(name, _MISSING)
        if value is _MISSING:
            if required:
                fail(says("missing key {name!r}", name=name), f"{prefix}{name}")
            continue
        # A value of exactly the field's scalar type (or None where the field
        # is ``X | None``) needs no decoding.
        kwargs[name] = (
            value if type(value) in exact else decode(value, f"{prefix}{name}", fail)
        )
    return cls(**kwargs)


_MISSING = object()


_Plan = tuple[frozenset[str], tuple[tuple[str, Decoder, bool, frozenset[object]], ...]]
_EXACT = (str, int, bool)
_NONE = type(None)


def _as_given(hint: Any) -> frozenset[object]:
    """The value types a field of type ``hint`` takes as they are (no decoding)."""
    if hint in _EXACT:
        return frozenset({hint})
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (Union, types.UnionType) and _NONE in args:
        inner = [a for a in args if a is not _NONE]
        if len(inner) == 1 and inner[0] in _EXACT:
            return frozenset({inner[0], _NONE})
    return frozenset()


_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    """The init fields of ``cls`` with their compiled decoders, built once."""
    found = _PLANS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        fields = [f for f in dataclasses.fields(cls) if f.init]
        found = (
            frozenset(f.name for f in fields),
            tuple(
                (
                    f.name,
                    _decoder(hints[f.name]),
                    f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING,
                    _as_given(hints[f.name]),
                )
                for f in fields
            ),
        )
        _PLANS[cls] = found
    return found


_PLAIN_FIELDS: dict[type[Any], tuple[str, ...] | None] = {}
_ATOMS = frozenset({str, int, bool, type(None)})


def _plain_fields(cls: type[Any]) -> tuple[str, ...] | None:
    """The init field names of dataclass ``cls`` (``None``: not a dataclass)."""
    try:
        return _PLAIN_FIELDS[cls]
    except KeyError:
        names = None
        if dataclasses.is_dataclass(cls):
            names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
        _PLAIN_FIELDS[cls] = names
        return names


def to_plain(value: object) -> Any:
    """The plain (JSON/TOML-safe, float-free) form of a dataclass or value."""
    cls = type(value)
    if cls in _ATOMS:
        return value
    if cls is not type:
        names = _plain_fields(cls)
        if names is not None:
            return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, float):
        raise TypeError(f"floats have no canonical form: {value!r}")
    return value
