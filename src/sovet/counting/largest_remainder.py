"""Largest-remainder methods (SR-14: Hare/Niemeyer; Droop; Hagenbach-Bischoff).

With total population ``P`` and house ``N`` the quota ``Q`` is

* ``hare``: ``P / N`` (exact fraction; Hamilton, Hare–Niemeyer);
* ``droop``: ``⌊P / (N + 1)⌋ + 1`` (the classic whole-number Droop quota);
* ``hagenbach-bischoff``: ``P / (N + 1)`` (exact fraction).

Each unit first gets ``⌊p / Q⌋`` seats; the seats still free go one each to the
units with the largest remainders ``p − Q·⌊p / Q⌋``. With the Hagenbach-Bischoff
quota the full quotas can exceed the house by one (only when every remainder
is 0); that seat is then taken back by the declared tie-break. A Droop quota
that leaves more free seats than units with a population (a house larger
than the votes) is refused rather than given a second round the rule lacks.
All arithmetic is on integers and ``Fraction``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby

from sovet.counting.apportion_ties import TieBreaker
from sovet.errors import RuleViolation, says

__all__ = ["LR_QUOTAS", "RemainderRun", "largest_remainder", "lr_quota"]

LR_QUOTAS: tuple[str, ...] = ("hare", "droop", "hagenbach-bischoff")


def lr_quota(name: str, total: int, house: int) -> Fraction:
    """SR-14: the quota ``name`` for ``total`` population and ``house`` seats."""
    if name == "hare":
        return Fraction(total, house)
    if name == "droop":
        return Fraction(total // (house + 1) + 1)
    if name == "hagenbach-bischoff":
        return Fraction(total, house + 1)
    raise RuleViolation("SR-14", says("unknown quota {name!r}", name=name), name)


@dataclass(frozen=True, slots=True)
class RemainderRun:
    """Full-quota seats, then remainder seats in the order they were given."""

    allocation: dict[str, int]
    quota: Fraction | None
    full: dict[str, int]
    remainders: dict[str, Fraction]
    remainder_order: tuple[str, ...]


def largest_remainder(
    populations: Mapping[str, int], house: int, quota_name: str, ties: TieBreaker
) -> RemainderRun:
    """SR-14: apportion ``house`` seats by full quotas, then largest remainders."""
    if quota_name not in LR_QUOTAS:
        raise RuleViolation(
            "SR-14",
            says("unknown quota {quota_name!r}", quota_name=quota_name),
            quota_name,
        )
    zero = dict.fromkeys(populations, 0)
    if house == 0:
        return RemainderRun(zero, None, dict(zero), {}, ())
    total = sum(populations.values())
    if total == 0:
        raise RuleViolation(
            "SR-14",
            says(
                "{house} seat(s) to apportion but the total population is 0",
                house=house,
            ),
            0,
        )
    quota = lr_quota(quota_name, total, house)
    full = {name: int(pop // quota) for name, pop in populations.items()}
    rem = {name: pop - quota * full[name] for name, pop in populations.items()}
    alloc = dict(full)
    left = house - sum(full.values())
    if left < 0:
        holders = [name for name in populations if full[name] > 0]
        lowest = min(rem[name] for name in holders)
        group = [name for name in holders if rem[name] == lowest]
        losers = ties.choose(
            group,
            -left,
            seat=house,
            what=f"full quotas exceed the house by {-left}; chosen unit loses a seat",
        )
        for name in losers:
            alloc[name] -= 1
        return RemainderRun(alloc, quota, full, rem, ())
    ranked = sorted(
        (name for name, pop in populations.items() if pop > 0),
        key=lambda name: -rem[name],
    )
    if left > len(ranked):
        raise RuleViolation(
            "SR-14",
            says(
                "the {quota_name} quota {quota} leaves {left} seats for "
                "{count} unit(s) with a population: house {house} too large "
                "for the quota",
                quota_name=quota_name,
                quota=quota,
                left=left,
                count=len(ranked),
                house=house,
            ),
            house,
        )
    order: list[str] = []
    seat = house - left + 1
    for value, members in groupby(ranked, key=lambda name: rem[name]):
        if left == 0:
            break
        names = list(members)
        if len(names) > left:
            names = ties.choose(names, left, seat=seat, what=f"remainder {value}")
        for name in names:
            alloc[name] += 1
            order.append(name)
            seat += 1
            left -= 1
    return RemainderRun(alloc, quota, full, rem, tuple(order))
