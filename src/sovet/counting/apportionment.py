"""Apportionment of seats among units (SR-12, SR-13, SR-14), exact: the facade.

``apportion`` checks its input, applies the thresholds, then runs one of

* the divisor methods of ``divisor_methods`` (``dhondt``, ``sainte-lague``,
  ``sainte-lague-1.4``, ``adams``, ``huntington-hill``),
* the largest-remainder methods of ``largest_remainder`` (quotas ``hare``,
  ``droop``, ``hagenbach-bischoff``),
* ``fixed-ratio`` (``fixed_ratio``: one seat per ``ratio``, rounded).

Options, in the order they act:

1. ``threshold`` / ``coalition_threshold``: a unit whose population is below
   that share of the total gets no seat (and no base or minimum seat). Keys of
   ``coalitions`` are units standing as coalitions (their value lists the
   member parties, for the record); they face ``coalition_threshold``.
2. ``seat_unit``: seats are allotted in whole blocks (2 = gender-paired seats,
   Die Linke); ``seats``, ``base_seats``, ``min_per_unit`` and ``cap`` must be
   multiples of it, and the method apportions blocks.
3. ``base_seats``: every unit first gets them; the rest goes by the method.
4. ``min_per_unit``: with ``minimum_adds_seats=True`` (SPD: "a unit left at 0
   gets a minimum seat, the house grows") the method runs unchanged and units
   below the minimum are raised to it; with ``False`` the minimum is taken
   from the others (house size kept: the competition starts from the minimum,
   which for a divisor method is ``max(min, round(p / D))``; for largest
   remainder, units below the minimum are fixed at it and the others re-run).
5. ``cap`` (SR-13 ``cap_rule``): the house never exceeds it. For fixed-ratio,
   a total above the cap raises the divisor, i.e. runs the divisor method of
   the same rounding with house size = cap; a growing minimum that would pass
   the cap is taken from the others instead.

Ties for the last seats are broken only by ``tie_break`` (order, else a lot
with its seed) and reported; with ``tie_break=None`` a tie is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from sovet.counting.apportion_checks import (
    check_count,
    check_in_blocks,
    check_populations,
    check_share,
)
from sovet.counting.apportion_ties import TieBreaker
from sovet.counting.divisor_methods import DIVISOR_METHODS, highest_averages
from sovet.counting.fixed_ratio import (
    EQUIVALENT_DIVISOR_METHOD,
    ROUNDINGS,
    round_ratio,
)
from sovet.counting.largest_remainder import LR_QUOTAS, largest_remainder
from sovet.counting.types import TieBreak, TieRecord
from sovet.errors import RuleViolation, says

__all__ = ["APPORTIONMENT_METHODS", "Apportionment", "apportion", "format_fraction"]

APPORTIONMENT_METHODS: tuple[str, ...] = (*DIVISOR_METHODS, *LR_QUOTAS, "fixed-ratio")


@dataclass(frozen=True, slots=True)
class Apportionment:
    """SR-14: the seats of each unit, the ties met, the final divisor and notes.

    ``divisor`` is population per seat: the last winning quotient of a divisor
    method (``None`` for Huntington–Hill), the quota of a largest-remainder
    method, the ratio (or the raised divisor under a cap) for fixed-ratio.
    """

    method: str
    seats: int
    allocation: dict[str, int]
    ties: tuple[TieRecord, ...]
    divisor: Fraction | None
    notes: tuple[str, ...]


def format_fraction(value: Fraction, places: int = 2) -> str:
    """A non-negative fraction as a rounded decimal with thousands separators."""
    scale = 10**places
    scaled = value * scale + Fraction(1, 2)
    whole, frac = divmod(scaled.numerator // scaled.denominator, scale)
    text = f"{whole:,}"
    if frac:
        text += "." + f"{frac:0{places}d}".rstrip("0")
    return text


def _eligible(
    pops: dict[str, int],
    threshold: Fraction | None,
    coalition_threshold: Fraction | None,
    coalitions: Mapping[str, Sequence[str]],
    notes: list[str],
) -> dict[str, int]:
    unknown = [name for name in coalitions if name not in pops]
    if unknown:
        raise RuleViolation(
            "SR-14",
            says("coalition(s) {unknown} name no unit", unknown=", ".join(unknown)),
            tuple(unknown),
        )
    total = sum(pops.values())
    eligible: dict[str, int] = {}
    for name, pop in pops.items():
        is_coalition = name in coalitions and coalition_threshold is not None
        limit = coalition_threshold if is_coalition else threshold
        if limit is not None and pop < limit * total:
            share = format_fraction(Fraction(100 * pop, total or 1))
            kind = "coalition threshold" if is_coalition else "threshold"
            notes.append(
                f"{name}: {share} % is below the {kind} of "
                f"{format_fraction(100 * limit)} %: no seats"
            )
            continue
        eligible[name] = pop
    for name, members in coalitions.items():
        if name in eligible and members:
            notes.append(f"{name} stands as a coalition of {', '.join(members)}")
    return eligible


def _core(
    method: str,
    pops: dict[str, int],
    house: int,
    ties: TieBreaker,
    start: dict[str, int] | None,
) -> tuple[dict[str, int], Fraction | None]:
    if method in DIVISOR_METHODS:
        run = highest_averages(pops, house, method, ties, start)
        return run.allocation, run.divisor
    if not start or not any(start.values()):
        lr = largest_remainder(pops, house, method, ties)
        return lr.allocation, lr.quota
    fixed: set[str] = set()
    while True:
        trial = TieBreaker(ties.tie_break)
        free = {name: pop for name, pop in pops.items() if name not in fixed}
        left = house - sum(start[name] for name in fixed)
        lr = largest_remainder(free, left, method, trial)
        low = {name for name in free if lr.allocation[name] < start[name]}
        if not low:
            ties.records.extend(trial.records)
            return {**{n: start[n] for n in fixed}, **lr.allocation}, lr.quota
        fixed |= low


def _house(
    method: str,
    pops: dict[str, int],
    house: int,
    base: int,
    minimum: int,
    grows: bool,
    ties: TieBreaker,
    notes: list[str],
) -> tuple[dict[str, int], Fraction | None]:
    """Apportion a house of ``house`` blocks with base and minimum blocks."""
    n = len(pops)
    if house and not n:
        raise RuleViolation("SR-14", says("no unit is eligible for seats"), house)
    if n * max(base, minimum) > house:
        raise RuleViolation(
            "SR-14",
            says(
                "{house} seat(s) cannot give {n} unit(s) {each} each (base "
                "{base}, minimum {minimum})",
                house=house,
                n=n,
                each=max(base, minimum),
                base=base,
                minimum=minimum,
            ),
            house,
        )
    rest = house - n * base
    if method in ("adams", "huntington-hill"):
        with_pop = sum(1 for pop in pops.values() if pop > 0)
        if rest < with_pop and not minimum > base:
            notes.append(
                f"{rest} seat(s) for {with_pop} unit(s): the largest units get one "
                "each (divisor 0)"
            )
    start = {name: max(minimum - base, 0) for name in pops}
    prop, divisor = _core(method, pops, rest, ties, None if grows else start)
    raised = [name for name in pops if prop[name] < start[name]]
    if raised:
        grown = house + sum(start[name] - prop[name] for name in raised)
        notes.append(
            f"minimum {minimum} per unit: {', '.join(raised)} raised to it; "
            f"the house grows from {house} to {grown}"
        )
        prop.update({name: start[name] for name in raised})
    return {name: base + prop[name] for name in pops}, divisor


def apportion(
    populations: Mapping[str, int],
    *,
    method: str,
    seats: int | None = None,
    ratio: Fraction | int | None = None,
    rounding: Literal["floor", "nearest", "ceil"] = "floor",
    min_per_unit: int = 0,
    base_seats: int = 0,
    seat_unit: int = 1,
    cap: int | None = None,
    threshold: Fraction | None = None,
    coalition_threshold: Fraction | None = None,
    coalitions: Mapping[str, Sequence[str]] | None = None,
    minimum_adds_seats: bool = True,
    tie_break: TieBreak | None = None,
) -> Apportionment:
    """SR-12…SR-14: apportion seats among ``populations`` by ``method``.

    See the module docstring for the options; errors are ``RuleViolation``
    citing SR-12 (ratio), SR-13 (cap) or SR-14 (method, house, units).
    """
    if method not in APPORTIONMENT_METHODS:
        raise RuleViolation(
            "SR-14",
            says(
                "unknown apportionment method {method!r}; known methods: {methods}",
                method=method,
                methods=", ".join(APPORTIONMENT_METHODS),
            ),
            method,
        )
    pops = check_populations(populations)
    unit = check_count("seat_unit", seat_unit)
    if unit < 1:
        raise RuleViolation("SR-14", says("seat_unit must be at least 1"), seat_unit)
    base = check_in_blocks("base_seats", check_count("base_seats", base_seats), unit)
    minimum = check_in_blocks(
        "min_per_unit", check_count("min_per_unit", min_per_unit), unit
    )
    cap_blocks = None
    if cap is not None:
        cap_blocks = check_in_blocks(
            "cap", check_count("cap", cap, "SR-13"), unit, "SR-13"
        )
    notes: list[str] = []
    eligible = _eligible(
        pops,
        check_share("threshold", threshold),
        check_share("coalition_threshold", coalition_threshold),
        coalitions or {},
        notes,
    )
    ties = TieBreaker(tie_break)
    if method == "fixed-ratio":
        blocks, divisor = _fixed_ratio(
            eligible,
            seats,
            ratio,
            rounding,
            unit,
            base,
            minimum,
            cap_blocks,
            ties,
            notes,
        )
    else:
        if seats is None:
            raise RuleViolation(
                "SR-14",
                says("method {method!r} needs a house size (seats)", method=method),
            )
        if ratio is not None:
            raise RuleViolation(
                "SR-14",
                says(
                    "a ratio applies to fixed-ratio only, not {method!r}", method=method
                ),
                ratio,
            )
        house = check_in_blocks("seats", check_count("seats", seats), unit)
        if cap_blocks is not None and cap_blocks < house:
            notes.append(f"cap {cap}: the house is reduced from {seats} to {cap}")
            house = cap_blocks
        first: list[str] = []
        blocks, divisor = _house(
            method, eligible, house, base, minimum, minimum_adds_seats, ties, first
        )
        if cap_blocks is None or sum(blocks.values()) <= cap_blocks:
            notes += first
        else:
            notes.append(
                f"cap {cap}: the minimum would grow the house past the cap, "
                "so it is taken from the other units instead"
            )
            ties = TieBreaker(tie_break)
            blocks, divisor = _house(
                method, eligible, cap_blocks, base, minimum, False, ties, notes
            )
    allocation = {name: blocks.get(name, 0) * unit for name in pops}
    return Apportionment(
        method=method,
        seats=sum(allocation.values()),
        allocation=allocation,
        ties=tuple(ties.records),
        divisor=None if divisor is None else divisor / unit,
        notes=tuple(notes),
    )


def _fixed_ratio(
    pops: dict[str, int],
    seats: int | None,
    ratio: Fraction | int | None,
    rounding: str,
    unit: int,
    base: int,
    minimum: int,
    cap: int | None,
    ties: TieBreaker,
    notes: list[str],
) -> tuple[dict[str, int], Fraction | None]:
    """SR-12: blocks = base + round(p / (ratio × seat_unit)), at least the minimum."""
    if seats is not None:
        raise RuleViolation(
            "SR-12", says("fixed-ratio takes a ratio, not a house size (seats)"), seats
        )
    if ratio is None:
        raise RuleViolation(
            "SR-12", says("fixed-ratio needs a ratio (population per seat)")
        )
    if isinstance(ratio, bool) or not isinstance(ratio, int | Fraction) or ratio <= 0:
        raise RuleViolation(
            "SR-12",
            says("ratio must be an exact number > 0, not {ratio!r}", ratio=ratio),
            ratio,
        )
    if rounding not in ROUNDINGS:
        raise RuleViolation(
            "SR-12",
            says(
                "unknown rounding {rounding!r}; use one of {roundings}",
                rounding=rounding,
                roundings=", ".join(ROUNDINGS),
            ),
            rounding,
        )
    per_block = Fraction(ratio) * unit
    blocks = {
        name: base + round_ratio(pop, per_block, rounding) for name, pop in pops.items()
    }
    raised = [name for name in pops if blocks[name] < minimum]
    blocks.update(dict.fromkeys(raised, minimum))
    total = sum(blocks.values())
    if cap is None or total <= cap:
        if raised:
            notes.append(
                f"minimum {minimum * unit} per unit: {', '.join(raised)} raised to it"
            )
        return blocks, per_block
    equivalent = EQUIVALENT_DIVISOR_METHOD[rounding]
    if len(pops) * max(base, minimum) > cap:
        raise RuleViolation(
            "SR-13",
            says(
                "cap {cap} cannot give {count} unit(s) {each} seat(s) each",
                cap=cap * unit,
                count=len(pops),
                each=max(base, minimum) * unit,
            ),
            cap * unit,
        )
    blocks, divisor = _house(equivalent, pops, cap, base, minimum, False, ties, notes)
    raised_to = (
        "divisor undefined (divisor 0)"
        if divisor is None
        else f"divisor raised to {format_fraction(divisor / unit)}"
    )
    notes.append(
        f"cap {cap * unit} reached ({total * unit} seats at 1 per {ratio}): "
        f"{raised_to} ({equivalent} with house size {cap * unit})"
    )
    return blocks, divisor
