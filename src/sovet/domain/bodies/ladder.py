"""SR-2, SR-3, SR-6: the ladder of bodies, executive-committee sizes, council sizes.

Levels are plain strings ordered bottom-up (1918: village → volost → uyezd →
gubernia → oblast → national). A congress sends delegates to the next level up,
or past levels whose congress was not held (SR-12 fallback); a city council
sends directly to the levels in ``city_direct_levels`` and, when it is a small
town, sits in the uyezd congress (SR-13).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sovet.errors import RuleViolation, says

__all__ = [
    "CITY_DIRECT_LEVELS_1918",
    "EC_MAX_SIZE_1918",
    "LEVELS_1918",
    "OPTIONAL_LEVELS_1918",
    "CouncilSize",
    "CouncilSizeRule",
    "LadderViolation",
    "check_ec_size",
    "check_sends_to",
    "city_ec_bounds",
    "council_size",
    "higher_level",
    "term_end",
]

LEVELS_1918: tuple[str, ...] = (
    "village",
    "volost",
    "uyezd",
    "gubernia",
    "oblast",
    "national",
)
"""SR-2: the six levels of C18 arts 24–25, 53, bottom-up."""

OPTIONAL_LEVELS_1918: tuple[str, ...] = ("oblast",)
"""SR-2/SR-12: levels a sender may pass over — gubernia congresses send to the
national congress directly (C18 art 25) as well as to an oblast congress (art 53)."""

CITY_DIRECT_LEVELS_1918: tuple[str, ...] = ("gubernia", "oblast", "national")
"""SR-2: the congresses city councils send to directly (C18 arts 25, 53)."""

EC_MAX_SIZE_1918: Mapping[str, int] = {
    "national": 200,  # art 28
    "oblast": 25,  # art 55
    "gubernia": 25,
    "uyezd": 20,
    "volost": 10,
    "village": 5,  # art 58
}
"""SR-3: executive-committee caps per level (city councils: ``city_ec_bounds``)."""


class LadderViolation(RuleViolation):
    """SR-2: a body sends delegates where the ladder does not lead."""


def _index(level: str, levels: Sequence[str]) -> int:
    try:
        return list(levels).index(level)
    except ValueError:
        raise LadderViolation(
            "SR-2", f"unknown level {level!r}; levels: {', '.join(levels)}", level
        ) from None


def higher_level(level: str, levels: Sequence[str] = LEVELS_1918) -> str | None:
    """SR-2/SR-8: the level directly above ``level`` (``None`` at the top)."""
    i = _index(level, levels)
    return levels[i + 1] if i + 1 < len(levels) else None


def check_sends_to(
    sender_level: str,
    receiver_level: str,
    *,
    city: bool = False,
    small_town: bool = False,
    not_held: Collection[str] = (),
    optional: Collection[str] = OPTIONAL_LEVELS_1918,
    levels: Sequence[str] = LEVELS_1918,
    city_direct_levels: Collection[str] = CITY_DIRECT_LEVELS_1918,
) -> None:
    """SR-2: refuse unless a body at ``sender_level`` may send to ``receiver_level``.

    A congress or village council sends to the next level up, or higher when
    every level in between is ``optional`` (1918: oblast) or held no congress
    (``not_held``, the SR-12 fallback: uyezd congresses send to the national one).
    A city council (``city``) sends to ``city_direct_levels``; a small town
    (≤ 10,000, SR-13) sits in the uyezd congress.
    """
    to = _index(receiver_level, levels)
    if city:
        if receiver_level in city_direct_levels:
            return
        if small_town and receiver_level == "uyezd":
            return
        raise LadderViolation(
            "SR-2",
            f"a city council sends to {', '.join(city_direct_levels)}, "
            f"not to {receiver_level!r}",
            receiver_level,
        )
    frm = _index(sender_level, levels)
    if to <= frm:
        raise LadderViolation(
            "SR-2",
            f"{sender_level!r} cannot send to {receiver_level!r}: delegates go up",
            receiver_level,
        )
    passed = set(not_held) | set(optional)
    skipped = [lv for lv in levels[frm + 1 : to] if lv not in passed]
    if skipped:
        raise LadderViolation(
            "SR-2",
            f"{sender_level!r} sends to {receiver_level!r} past held congresses "
            f"({', '.join(skipped)})",
            receiver_level,
        )


def city_ec_bounds(
    deputies: int,
    *,
    per: int = 50,
    minimum: int = 3,
    maximum: int = 15,
    capital: bool = False,
    capital_maximum: int = 40,
) -> tuple[int, int]:
    """SR-3: a city council's EC: 1 per ``per`` deputies, 3–15 (capitals ≤ 40).

    Returns ``(least, most)``; the size by ratio is the upper bound.
    """
    top = capital_maximum if capital else maximum
    return minimum, max(minimum, min(top, deputies // per))


def check_ec_size(
    level: str,
    size: int,
    *,
    ec_max_size: Mapping[str, int] = EC_MAX_SIZE_1918,
    city_deputies: int | None = None,
    capital: bool = False,
) -> None:
    """SR-3: refuse an executive committee larger than its level allows.

    A level missing from ``ec_max_size`` has no cap. For a city council pass
    ``city_deputies`` (the council's size).
    """
    if size < 1:
        raise RuleViolation(
            "SR-3", says("an executive committee of {size} members", size=size), size
        )
    if city_deputies is not None:
        least, most = city_ec_bounds(city_deputies, capital=capital)
        if not least <= size <= most:
            raise RuleViolation(
                "SR-3",
                says(
                    "a city council of {city_deputies} deputies elects an EC of "
                    "{least}–{most}, not {size}",
                    city_deputies=city_deputies,
                    least=least,
                    most=most,
                    size=size,
                ),
                size,
            )
        return
    if level in ec_max_size and size > ec_max_size[level]:
        raise RuleViolation(
            "SR-3",
            says(
                "the {level} EC may have at most {ec_max_size} members, not {size}",
                level=level,
                ec_max_size=ec_max_size[level],
                size=size,
            ),
            size,
        )


@dataclass(frozen=True, slots=True)
class CouncilSizeRule:
    """SR-6: deputies per inhabitants for one kind of place, with min and max."""

    per: int
    minimum: int
    maximum: int


CITY_1918 = CouncilSizeRule(per=1_000, minimum=50, maximum=1_000)
"""SR-6: a city council: 1 deputy per 1,000 inhabitants, 50–1,000 (C18 art 57)."""

SETTLEMENT_1918 = CouncilSizeRule(per=100, minimum=3, maximum=50)
"""SR-6: a settlement under 10,000: 1 per 100 inhabitants, 3–50 (C18 art 57)."""


@dataclass(frozen=True, slots=True)
class CouncilSize:
    """SR-6: a council's seats, or a general meeting of voters instead."""

    deputies: int
    assembly: bool


def council_size(
    population: int,
    *,
    city: bool,
    city_rule: CouncilSizeRule = CITY_1918,
    settlement_rule: CouncilSizeRule = SETTLEMENT_1918,
    settlement_max_population: int = 10_000,
    assembly_instead_below: int = 0,
) -> CouncilSize:
    """SR-6: deputies from population: 1 per 1,000 (50–1,000) in cities, 1 per 100
    (3–50) in settlements under 10,000; below ``assembly_instead_below`` the voters
    meet as an assembly. Ratios round down before the bounds apply.
    """
    if population < 0:
        raise RuleViolation(
            "SR-6",
            says("negative population {population}", population=population),
            population,
        )
    if not city and population >= settlement_max_population:
        raise RuleViolation(
            "SR-6",
            says(
                "a settlement of {population} inhabitants is a city "
                "(settlements are under {settlement_max_population})",
                population=population,
                settlement_max_population=settlement_max_population,
            ),
            population,
        )
    if population < assembly_instead_below:
        return CouncilSize(0, assembly=True)
    rule = city_rule if city else settlement_rule
    seats = max(rule.minimum, min(rule.maximum, population // rule.per))
    return CouncilSize(seats, assembly=False)


def term_end(elected_on: date, *, months: int = 3) -> date:
    """SR-6: the day a deputy's term ends (3 months; a missing day rolls back)."""
    if months < 0:
        raise RuleViolation(
            "SR-6", says("negative deputy term {months}", months=months), months
        )
    month0 = elected_on.month - 1 + months
    year, month = elected_on.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(elected_on.day, monthrange(year, month)[1]))
