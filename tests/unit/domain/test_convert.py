"""Plain data ↔ typed values: every refusal names the key; no float ever escapes.

The converter behind constitutions, commands and events (``domain.convert``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, NoReturn

import pytest

from sovet.domain.kernel.convert import (
    dataclass_from_plain,
    from_plain,
    parse_fraction,
    to_plain,
)


class Refused(Exception):
    """What ``fail`` raises in these tests: the reason and the key."""

    def __init__(self, reason: str, key: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.reason = reason
        self.key = key


def fail(reason: str, key: str) -> NoReturn:
    raise Refused(reason, key)


def convert(value: object, hint: Any) -> Any:
    return from_plain(value, hint, key="k", fail=fail)


def refused(value: object, hint: Any) -> Refused:
    with pytest.raises(Refused) as info:
        convert(value, hint)
    return info.value


@dataclass(frozen=True)
class Inner:
    n: int
    share: Fraction = Fraction(1, 2)


@dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    tags: tuple[str, ...] = ()
    counts: dict[str, int] | None = None
    mode: Literal["a", "b"] = "a"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/3", Fraction(1, 3)),
        (" 0.5 ", Fraction(1, 2)),
        (2, Fraction(2)),
        ("1/0", None),
        ("half", None),
        (True, None),
        (0.5, None),  # floats are never read: they are not exact
    ],
)
def test_parse_fraction(text: object, expected: Fraction | None) -> None:
    assert parse_fraction(text) == expected


@pytest.mark.parametrize(
    ("value", "hint", "expected"),
    [
        ("x", str, "x"),
        (3, int, 3),
        (False, bool, False),
        ("2/3", Fraction, Fraction(2, 3)),
        (None, int | None, None),
        (4, int | None, 4),
        (["a", "b"], tuple[str, ...], ("a", "b")),
        ([1, 2], tuple[int, ...], (1, 2)),
        ([], tuple[int, ...], ()),
        ({"a": 1}, dict[str, int], {"a": 1}),
        ("b", Literal["a", "b"], "b"),
        ({"any": [1]}, Any, {"any": [1]}),
        ("1/4", int | Fraction, Fraction(1, 4)),
        (5, int | Fraction, 5),
        ({"n": 1}, Inner | str, Inner(1)),
        ("text", Inner | str, "text"),
    ],
)
def test_accepted_values(value: object, hint: Any, expected: object) -> None:
    assert convert(value, hint) == expected


@pytest.mark.parametrize(
    ("value", "hint", "key", "fragment"),
    [
        (1, str, "k", "expected a string"),
        (True, int, "k", "expected an integer"),
        ("1", int, "k", "expected an integer"),
        ("yes", bool, "k", "expected true or false"),
        (0.5, Fraction, "k", "expected a fraction"),
        ("x", tuple[str, ...], "k", "expected a list"),
        ([1, "x"], tuple[int, ...], "k[1]", "expected an integer"),
        ([], dict[str, int], "k", "expected a table"),
        ({"a": "1"}, dict[str, int], "k.a", "expected an integer"),
        ({1: 1}, dict[str, int], "k", "table keys must be strings"),
        ("c", Literal["a", "b"], "k", "choose one of 'a', 'b'"),
        ([1], int | Fraction, "k", "expected"),
        ("x", Inner, "k", "expected a table for Inner"),
        (1.5, float, "k", "unsupported field type float"),
    ],
)
def test_refusals_name_the_key(
    value: object, hint: Any, key: str, fragment: str
) -> None:
    refusal = refused(value, hint)
    assert refusal.key == key
    assert fragment in refusal.reason


def test_dataclasses_nest_and_refuse_unknown_or_missing_keys() -> None:
    data = {
        "name": "n",
        "inner": {"n": 2, "share": "1/3"},
        "tags": ["x"],
        "counts": {"a": 1},
        "mode": "b",
    }
    built = dataclass_from_plain(Outer, data, key="", fail=fail)
    assert built == Outer("n", Inner(2, Fraction(1, 3)), ("x",), {"a": 1}, "b")
    assert to_plain(built) == {**data, "inner": {"n": 2, "share": "1/3"}}
    with pytest.raises(Refused) as unknown:
        dataclass_from_plain(Outer, {**data, "bogus": 1}, key="top", fail=fail)
    assert unknown.value.key == "top.bogus"
    assert "known: counts, inner, mode, name, tags" in unknown.value.reason
    with pytest.raises(Refused) as missing:
        dataclass_from_plain(Outer, {"name": "n"}, key="", fail=fail)
    assert missing.value.key == "inner"
    with pytest.raises(Refused) as deep:
        dataclass_from_plain(
            Outer, {"name": "n", "inner": {"n": "2"}}, key="", fail=fail
        )
    assert deep.value.key == "inner.n"


def test_skip_and_extra_keys() -> None:
    data = {"n": 1, "envelope": "ignored"}
    built = dataclass_from_plain(
        Inner, data, key="", fail=fail, skip=frozenset({"envelope"}), extra={"n": 7}
    )
    assert built == Inner(7)
    with pytest.raises(Refused) as bad:
        dataclass_from_plain(Inner, {}, key="", fail=fail, extra={"n": "x"})
    assert bad.value.key == "n"


def test_to_plain_has_no_floats() -> None:
    assert to_plain({"a": (Fraction(3, 4), None, [True])}) == {
        "a": ["3/4", None, [True]]
    }
    assert to_plain(Inner) is Inner  # a class is not an instance
    with pytest.raises(TypeError, match="floats have no canonical form"):
        to_plain({"x": 0.1})


@dataclass(frozen=True)
class Replayed:
    """The shape of the commonest events: scalars, an optional, names, a list."""

    person: str
    faction: str | None = None
    seats: int | None = None
    names: dict[str, str] | None = None
    bodies: tuple[str, ...] = ()


def test_replay_fast_paths_take_the_same_values_and_refuse_the_same() -> None:
    """Issue 13: values of the field's own type pass undecoded (``X | None`` too,
    ``dict[str, str]`` checked in one pass), and anything else is still refused
    naming its key."""
    data: dict[str, object] = {
        "person": "p",
        "faction": None,
        "seats": 3,
        "names": {"p": "Ann"},
        "bodies": ["b"],
    }
    built = dataclass_from_plain(Replayed, data, key="e", fail=fail)
    assert built == Replayed("p", None, 3, {"p": "Ann"}, ("b",))
    assert built.names is not data["names"]  # a copy: the payload stays the payload
    for name, bad, key in (
        ("faction", 7, "e.faction"),
        ("seats", True, "e.seats"),
        ("seats", "3", "e.seats"),
        ("names", {"p": 1}, "e.names.p"),
        ("names", [], "e.names"),
        ("person", None, "e.person"),
    ):
        with pytest.raises(Refused) as info:
            dataclass_from_plain(Replayed, {**data, name: bad}, key="e", fail=fail)
        assert info.value.key == key
    with pytest.raises(Refused) as info:
        dataclass_from_plain(Replayed, {"faction": "f"}, key="e", fail=fail)
    assert info.value.key == "e.person"
