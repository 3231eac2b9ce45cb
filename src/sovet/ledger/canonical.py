"""Canonical JSON: the one byte form of a value that the hash chain signs.

The encoding follows the ideas of RFC 8785 (JSON Canonicalization Scheme),
restricted to the values the log carries:

- UTF-8 bytes, no byte-order mark, no insignificant whitespace
  (separators ``,`` and ``:``);
- object keys are strings, sorted by Unicode code point (RFC 8785 sorts by
  UTF-16 code unit; the two orders differ only between astral characters and
  U+E000…U+FFFF, which the log's keys never mix) and never repeated;
- strings are written as themselves (no ``\\u`` escapes for printable
  characters), escaping only ``"``, ``\\`` and the controls U+0000…U+001F
  (``\\b \\t \\n \\f \\r`` in short form, others as lowercase ``\\u00xx``), exactly
  as RFC 8785 §3.2.2.2 does; a lone surrogate has no UTF-8 form and is refused;
- numbers are **integers only**, written in plain decimal without sign for zero.
  Floats, NaN and Infinity are refused: exact quantities are integers or
  strings such as ``"1/3"`` (STYLE.md S4);
- ``null``, ``true``, ``false``, arrays (lists or tuples) and objects (any
  string-keyed mapping). Nothing else.

``canonical_json`` refuses any other value with ``CanonicalEncodingError`` naming
the JSON path of the bad value (``$.payload.votes[2]``); ``parse_canonical``
refuses bytes that are not exactly the canonical form of the value they hold.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sovet.errors import CanonicalEncodingError, says
from sovet.ledger.envelope import JSONValue

__all__ = ["MAX_DEPTH", "canonical_json", "canonical_parsed", "parse_canonical"]

MAX_DEPTH = 200
"""Deepest nesting accepted (a cycle is reported as too deep, not looped on)."""

_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    allow_nan=False,
    sort_keys=True,
    separators=(",", ":"),
    default=lambda value: dict(value),
)


def _kind(value: object) -> str:
    return type(value).__name__


def _check(value: object, path: str, depth: int) -> None:
    """Walk ``value``; raise at the first thing with no canonical form."""
    if depth > MAX_DEPTH:
        raise CanonicalEncodingError(
            says(
                "{path}: nested deeper than {depth} levels (or a cycle)",
                path=path,
                depth=MAX_DEPTH,
            )
        )
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        raise CanonicalEncodingError(
            says(
                "{path}: floats have no canonical form (got {value!r}); use "
                "an integer or a string such as '1/3'",
                path=path,
                value=value,
            )
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalEncodingError(
                    says(
                        "{path}: object keys must be strings (got {kind} {key!r})",
                        path=path,
                        kind=_kind(key),
                        key=key,
                    )
                )
            _check(item, f"{path}.{key}", depth + 1)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1)
        return
    raise CanonicalEncodingError(
        says(
            "{path}: {kind} has no canonical JSON form (use null, bool, "
            "int, str, list or a string-keyed object)",
            path=path,
            kind=_kind(value),
        )
    )


def _find_bad_text(value: object, path: str) -> None:
    """Locate a string (key or value) that is not valid Unicode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise CanonicalEncodingError(
                says(
                    "{path}: string is not valid Unicode ({reason} at index {start})",
                    path=path,
                    reason=e.reason,
                    start=e.start,
                )
            ) from e
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _find_bad_text(key, f"{path} (key {key!r})")
            _find_bad_text(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _find_bad_text(item, f"{path}[{index}]")


def _plain(value: object, depth: int) -> bool:
    """Fast check: only exact JSON types (subclasses go to ``_check``)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if depth > MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                return False
            kind = type(item)
            if not (
                kind is str or kind is int or kind is bool or item is None
            ) and not _plain(item, depth + 1):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:  # type: ignore[attr-defined]
            kind = type(item)
            if not (
                kind is str or kind is int or kind is bool or item is None
            ) and not _plain(item, depth + 1):
                return False
        return True
    return False


def _canonical(value: JSONValue, path: str) -> tuple[bytes, str]:
    """The canonical bytes of ``value`` and the same text as ``str``."""
    if not _plain(value, 0):
        _check(value, path, 0)
    try:
        text = _ENCODER.encode(value)
    except ValueError as e:  # an integer beyond Python's int-to-str digit limit
        raise CanonicalEncodingError(says("{path}: {e}", path=path, e=e)) from e
    try:
        return text.encode("utf-8"), text
    except UnicodeEncodeError:
        _find_bad_text(value, path)
        raise  # pragma: no cover - _find_bad_text always finds it


def canonical_json(value: JSONValue, *, path: str = "$") -> bytes:
    """The canonical JSON bytes of ``value`` (see the module docstring).

    Raises ``CanonicalEncodingError`` naming the path of the first bad value:
    a float, NaN, Infinity, a non-string key, a lone surrogate or another type.
    """
    return _canonical(value, path)[0]


def canonical_parsed(value: JSONValue, *, path: str = "$") -> tuple[bytes, JSONValue]:
    """``canonical_json(value)`` and its text parsed back: what a read of the
    stored bytes yields (keys sorted, lists for tuples, a copy). Parsing the
    ``str`` skips ``json.loads``'s encoding detection on bytes."""
    data, text = _canonical(value, path)
    parsed: JSONValue = json.loads(text)
    return data, parsed


def _refuse_float(text: str) -> Any:
    raise CanonicalEncodingError(
        says(
            "number {text} is not an integer; canonical JSON carries integers only",
            text=text,
        )
    )


def _refuse_constant(text: str) -> Any:
    raise CanonicalEncodingError(
        says("{text} is not JSON (canonical JSON has no NaN)", text=text)
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CanonicalEncodingError(
                    says("duplicate object key {key!r}", key=key)
                )
            seen.add(key)
    return result


def parse_canonical(data: bytes) -> JSONValue:
    """The value whose canonical form is exactly ``data``.

    Refuses invalid UTF-8, malformed JSON, duplicate keys, non-integer numbers,
    NaN/Infinity and any input that is valid JSON but not canonical (extra
    whitespace, unsorted keys, needless escapes, ``-0``, …), each with
    ``CanonicalEncodingError``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CanonicalEncodingError(
            says(
                "invalid UTF-8 at byte {start}: {reason}",
                start=e.start,
                reason=e.reason,
            )
        ) from e
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as e:
        raise CanonicalEncodingError(
            says(
                "not JSON: {msg} at line {lineno}, column {colno}",
                msg=e.msg,
                lineno=e.lineno,
                colno=e.colno,
            )
        ) from e
    except (ValueError, RecursionError) as e:
        raise CanonicalEncodingError(says("not acceptable JSON: {e}", e=e)) from e
    if canonical_json(value) != data:
        raise CanonicalEncodingError(
            says(
                "valid JSON but not in canonical form (whitespace, key "
                "order, escapes or number form differ)"
            )
        )
    return value
