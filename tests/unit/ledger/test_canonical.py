"""Canonical JSON (DESIGN §3): one byte form per value, integers only."""

from __future__ import annotations

import math

import pytest

from sovet.errors import CanonicalEncodingError
from sovet.ledger.canonical import canonical_json, parse_canonical


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, b"null"),
        (True, b"true"),
        (0, b"0"),
        (-17, b"-17"),
        (2**70, b"1180591620717411303424"),
        ("", b'""'),
        ("é ж 🜁", '"é ж 🜁"'.encode()),
        ('q"\\', b'"q\\"\\\\"'),
        ("\n\t\x00\x1f\x7f", b'"\\n\\t\\u0000\\u001f\x7f"'),
        ([], b"[]"),
        ({}, b"{}"),
        ((1, [2, {}]), b"[1,[2,{}]]"),
        ({"b": 1, "a": {"d": [], "c": None}}, b'{"a":{"c":null,"d":[]},"b":1}'),
        ({"é": 1, "z": 2, "A": 3}, '{"A":3,"z":2,"é":1}'.encode()),
    ],
)
def test_canonical_form(value: object, expected: bytes) -> None:
    assert canonical_json(value) == expected
    assert parse_canonical(expected) == (
        list(value) if isinstance(value, tuple) else value
    )


def test_any_mapping_is_an_object() -> None:
    from types import MappingProxyType

    assert canonical_json(MappingProxyType({"b": 2, "a": 1})) == b'{"a":1,"b":2}'


@pytest.mark.parametrize(
    ("value", "path", "problem"),
    [
        (1.5, "$", "float"),
        ({"a": [1, 2.0]}, "$.a[1]", "float"),
        ({"a": math.nan}, "$.a", "float"),
        ([math.inf], "$[0]", "float"),
        ({1: "x"}, "$", "keys must be strings"),
        ({"a": {"b": {2, 3}}}, "$.a.b", "set has no canonical"),
        ({"a": b"bytes"}, "$.a", "bytes has no canonical"),
        ({"a": ["ok", "\ud800"]}, "$.a[1]", "not valid Unicode"),
        ({"\udfff": 1}, "key", "not valid Unicode"),
    ],
)
def test_refused_values_name_their_path(value: object, path: str, problem: str) -> None:
    with pytest.raises(CanonicalEncodingError) as caught:
        canonical_json(value)
    assert path in str(caught.value)
    assert problem in str(caught.value)


def test_cycle_is_refused_not_looped() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(CanonicalEncodingError, match="nested deeper"):
        canonical_json(loop)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'"\xff"', "invalid UTF-8"),
        (b'{"a":1,"a":2}', "duplicate object key 'a'"),
        (b"1.0", "not an integer"),
        (b"1e3", "not an integer"),
        (b"NaN", "NaN"),
        (b"-Infinity", "NaN"),
        (b'{"b":1,"a":2}', "not in canonical form"),
        (b'{"a": 1}', "not in canonical form"),
        (b" 1", "not in canonical form"),
        (b"-0", "not in canonical form"),
        (b'"\\u0041"', "not in canonical form"),
        (b'"\\ud800"', "not valid Unicode"),
        (b"[1,", "not JSON"),
        (b"", "not JSON"),
    ],
)
def test_parse_refuses_non_canonical_input(data: bytes, problem: str) -> None:
    with pytest.raises(CanonicalEncodingError, match=problem):
        parse_canonical(data)
