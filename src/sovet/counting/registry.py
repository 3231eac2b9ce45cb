"""The counting-method registry: one signature, a decorator, declared properties.

``@counting_method("irv", ...)`` records the function in ``COUNTING_METHODS`` and
returns it unchanged, so mypy still sees its signature. Every method declares
its ballot (``ballot=``, a ``sovet.counting.ballots.BallotShape``): the web
form, the API's ballot body, the receipt and the stored ballot follow it — and
the properties it satisfies (``properties=``, from the closed set ``Property``):
one property test runs every registered method against its declared ones. The
method modules import this one; ``sovet.counting.methods`` imports every method
module and is where the engine picks the method of an election by name (SR-7)
through ``get_method`` / ``count``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar, get_args

from sovet.counting.ballots import BallotShape
from sovet.counting.types import CountResult, Profile, TieBreak, TieKind

__all__ = [
    "COUNTING_METHODS",
    "PROPERTIES",
    "CountingMethod",
    "MethodInfo",
    "Property",
    "counting_method",
]

Property = Literal[
    "fills-seats",
    "fills-seats-by-list",
    "anonymity",
    "neutrality",
    "monotonicity",
    "vote-conservation",
    "fixed-decimals",
]
"""A property a method may declare; ``tests/property/test_counting_properties.py``
checks each declared one on random profiles."""

PROPERTIES: dict[Property, str] = {
    "fills-seats": "elects min(seats, candidates) distinct candidates",
    "fills-seats-by-list": "gives exactly `seats` seats to lists (one list may "
    "take several)",
    "anonymity": "reordering ballots or splitting a ballot's weight changes nothing",
    "neutrality": "renaming candidates renames the winners (when no tie was broken)",
    "monotonicity": "ranking or marking a winner higher never costs it its seat(s) "
    "(no tie broken; one seat for ranked methods)",
    "vote-conservation": "at every stage the tallies plus the exhausted vote are the "
    "valid vote, and no tally is negative",
    "fixed-decimals": "every tally is a whole number of the rule's decimal places",
}
assert set(PROPERTIES) == set(get_args(Property))


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
    tie_kinds: tuple[TieKind, ...]
    rule: str
    """The rule text the method follows (citation)."""
    ballot: BallotShape
    """What a voter marks (SR-7): marks, a ranking or one list."""
    properties: frozenset[Property]
    """What the method satisfies, checked on random profiles by the tests."""


COUNTING_METHODS: dict[str, MethodInfo] = {}


def counting_method(
    name: str,
    *,
    multi_winner: bool,
    ranked: bool,
    tie_kinds: tuple[TieKind, ...],
    rule: str,
    ballot: BallotShape,
    properties: frozenset[Property],
) -> Callable[[M], M]:
    """Register a counting method under ``name`` with its declared properties."""
    if not properties:
        raise ValueError(
            f"{name!r}: declare the properties the method satisfies "
            f"(one or more of {', '.join(PROPERTIES)})"
        )
    unknown = set(properties) - set(PROPERTIES)
    if unknown:
        raise ValueError(f"{name!r}: unknown properties {sorted(unknown)}")
    if ("fills-seats" in properties) == ("fills-seats-by-list" in properties):
        raise ValueError(
            f"{name!r}: declare how seats are filled: fills-seats (distinct "
            "candidates) or fills-seats-by-list (seats per list)"
        )
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
            name, func, multi_winner, ranked, tie_kinds, rule, ballot, properties
        )
        return func

    return register
