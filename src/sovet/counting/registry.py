"""The counting-method registry: one signature, a decorator, declared properties.

``@counting_method("irv", ...)`` records the function in ``COUNTING_METHODS`` and
returns it unchanged, so mypy still sees its signature. Every method declares
its ballot (``ballot=``, a ``sovet.counting.ballots.BallotShape``): the web
form, the API's ballot body, the receipt and the stored ballot follow it. The
method modules import this one; ``sovet.counting.methods`` imports every method
module and is where the engine picks the method of an election by name (SR-7)
through ``get_method`` / ``count``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sovet.counting.ballots import BallotShape
from sovet.counting.types import CountResult, Profile, TieBreak

__all__ = ["COUNTING_METHODS", "CountingMethod", "MethodInfo", "counting_method"]


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
    ballot: BallotShape
    """What a voter marks (SR-7): marks, a ranking or one list."""


COUNTING_METHODS: dict[str, MethodInfo] = {}


def counting_method(
    name: str,
    *,
    multi_winner: bool,
    ranked: bool,
    tie_kinds: tuple[str, ...],
    rule: str,
    ballot: BallotShape,
) -> Callable[[M], M]:
    """Register a counting method under ``name`` with its declared properties."""
    if ranked != (ballot.kind == "ranking"):
        raise ValueError(f"{name!r}: a ranked method takes a ranking ballot")
    if ballot.preferences:
        raise ValueError(
            f"{name!r}: a stored ballot has no place for preference votes inside "
            "a list yet"
        )

    def register(func: M) -> M:
        if name in COUNTING_METHODS:
            raise ValueError(f"counting method {name!r} registered twice")
        COUNTING_METHODS[name] = MethodInfo(
            name, func, multi_winner, ranked, tie_kinds, rule, ballot
        )
        return func

    return register
