"""Fixed-ratio apportionment: one seat per ``R`` of the basis, rounded (SR-12, SR-14).

SR-12 (1918: a city sends 1 delegate per 25,000 voters) and the modern presets
of RULES.md section B (DSA 1:75 to the nearest whole; UWUA 1 per 100 *or
fraction*, i.e. ceiling) state a ratio and a rounding, not a house size.
``nearest`` rounds a half up (270 / 75 = 3.6 → 4; 37.5 / 75 = 0.5 → 1).

Under a cap (SR-13 ``cap_rule``: raise the divisor until the total ≤ cap) the
same rounding becomes the divisor method that rounds that way — floor is
D'Hondt (Jefferson), nearest is Sainte-Laguë (Webster), ceiling is Adams —
run with house size = cap: ``EQUIVALENT_DIVISOR_METHOD`` names it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from sovet.errors import RuleViolation, says

__all__ = ["EQUIVALENT_DIVISOR_METHOD", "ROUNDINGS", "Rounding", "round_ratio"]

Rounding = Literal["floor", "nearest", "ceil"]
ROUNDINGS: tuple[Rounding, ...] = ("floor", "nearest", "ceil")

EQUIVALENT_DIVISOR_METHOD: dict[str, str] = {
    "floor": "dhondt",
    "nearest": "sainte-lague",
    "ceil": "adams",
}


def round_ratio(population: int, ratio: Fraction, rounding: str) -> int:
    """SR-12: ``population / ratio`` rounded by ``rounding`` (exact)."""
    q = Fraction(population) / ratio
    if rounding == "floor":
        return q.numerator // q.denominator
    if rounding == "ceil":
        return -(-q.numerator // q.denominator)
    if rounding == "nearest":
        half_up = q + Fraction(1, 2)
        return half_up.numerator // half_up.denominator
    raise RuleViolation(
        "SR-12",
        says(
            "unknown rounding {rounding!r}; use one of {roundings}",
            rounding=rounding,
            roundings=", ".join(ROUNDINGS),
        ),
        rounding,
    )
