"""SR-14: the checks of an apportionment's input — whole counts, exact shares,
populations by unit and seats in blocks of ``seat_unit`` — each refusal naming
the rule and the offending value."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from sovet.errors import RuleViolation, says

__all__ = ["check_count", "check_in_blocks", "check_populations", "check_share"]


def check_count(name: str, value: object, rule: str = "SR-14") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleViolation(
            rule,
            says(
                "{name} must be a whole number ≥ 0, not {value!r}",
                name=name,
                value=value,
            ),
            value,
        )
    return value


def check_share(name: str, value: object) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise RuleViolation(
            "SR-14",
            says(
                "{name} must be an exact Fraction, not {value!r}",
                name=name,
                value=value,
            ),
            value,
        )
    share = Fraction(value)
    if not 0 <= share <= 1:
        raise RuleViolation(
            "SR-14",
            says("{name} {share} is not a share in [0, 1]", name=name, share=share),
            value,
        )
    return share


def check_populations(populations: Mapping[str, int]) -> dict[str, int]:
    if not populations:
        raise RuleViolation(
            "SR-14", says("no units to apportion seats to"), populations
        )
    checked: dict[str, int] = {}
    for name, pop in populations.items():
        if not isinstance(name, str) or not name.strip():
            raise RuleViolation(
                "SR-14", says("unit name {name!r} is empty", name=name), name
            )
        if isinstance(pop, bool) or not isinstance(pop, int):
            raise RuleViolation(
                "SR-14",
                says(
                    "population of {name!r} is not a whole number: {pop!r}",
                    name=name,
                    pop=pop,
                ),
                pop,
            )
        if pop < 0:
            raise RuleViolation(
                "SR-14",
                says("population of {name!r} is negative: {pop}", name=name, pop=pop),
                pop,
            )
        checked[name] = pop
    return checked


def check_in_blocks(name: str, value: int, unit: int, rule: str = "SR-14") -> int:
    if value % unit:
        raise RuleViolation(
            rule,
            says(
                "{name} {value} is not a multiple of seat_unit {unit}",
                name=name,
                value=value,
                unit=unit,
            ),
            value,
        )
    return value // unit
