"""The counting-method registry: one signature, a decorator, declared properties.

``@counting_method("irv", ...)`` records the function in ``COUNTING_METHODS`` and
returns it unchanged, so mypy still sees its signature. The engine picks the
method of an election by name (SR-7) through ``get_method`` / ``count``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sovet.counting.types import CountResult, Profile, TieBreak
from sovet.errors import UnknownCountingMethod

__all__ = [
    "COUNTING_METHODS",
    "CountingMethod",
    "MethodInfo",
    "count",
    "counting_method",
    "get_method",
    "load_methods",
]


class CountingMethod(Protocol):
    """Every method: ``(profile, *, seats, tie_break) -> CountResult``."""

    def __call__(
        self, profile: Profile, *, seats: int, tie_break: TieBreak
    ) -> CountResult: ...


M = TypeVar("M", bound=CountingMethod)


@dataclass(frozen=True, slots=True)
class MethodInfo:
    """A registered method with its declared properties (usable by tests as oracles)."""

    name: str
    func: CountingMethod
    multi_winner: bool
    ranked: bool
    tie_kinds: tuple[str, ...]
    rule: str
    """The rule text the method follows (citation)."""


COUNTING_METHODS: dict[str, MethodInfo] = {}


def counting_method(
    name: str,
    *,
    multi_winner: bool,
    ranked: bool,
    tie_kinds: tuple[str, ...],
    rule: str,
) -> Callable[[M], M]:
    """Register a counting method under ``name`` with its declared properties."""

    def register(func: M) -> M:
        if name in COUNTING_METHODS:
            raise ValueError(f"counting method {name!r} registered twice")
        COUNTING_METHODS[name] = MethodInfo(
            name, func, multi_winner, ranked, tie_kinds, rule
        )
        return func

    return register


def load_methods() -> None:
    """Import every method module so that the registry is complete.

    The one list of method modules; imported here, on first use, so that
    reading ``types`` or ``apportionment`` does not load every method. Add
    yours to this import.
    """
    from sovet.counting import (  # noqa: F401
        approval,
        condorcet,
        irv,
        list_pr,
        plurality,
        stv_ers97,
        stv_meek,
        stv_scottish,
    )


def get_method(name: str) -> MethodInfo:
    """SR-7: the method registered as ``name``, or ``UnknownCountingMethod``."""
    load_methods()
    try:
        return COUNTING_METHODS[name]
    except KeyError:
        raise UnknownCountingMethod(name, tuple(sorted(COUNTING_METHODS))) from None


def count(
    name: str, profile: Profile, *, seats: int, tie_break: TieBreak | None = None
) -> CountResult:
    """Count ``profile`` by the method registered as ``name``."""
    return get_method(name).func(
        profile, seats=seats, tie_break=tie_break or TieBreak()
    )
