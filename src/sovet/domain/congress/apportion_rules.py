"""SR-12…SR-14: each congress's rule and the count of its senders' mandates.

Pure: no state and no events (``apportion_delegates`` records the result).
Senders fall into groups (1918: city councils by **voters**, provincial
congresses by **inhabitants**); each group has its basis, method, ratio or house
size, rounding and minimum, and is apportioned through
``sovet.counting.apportionment.apportion``. A unit's figures are read at the
snapshot date (SR-14). Cities are counted twice on purpose (ROSS): their
inhabitants stay inside the province's figure. A house-size method (``hare``,
``dhondt`` …) apportions every sender together on one basis.

Caps (SR-13, ``cap_rule``; the source is silent). A cap is a cap: the seats
handed out never exceed it, and a minimum (or base seats, SR-14) is met inside
it, taken from the other senders; a cap too small for every sender's minimum
is refused (SR-13). ``divisor`` raises every group's ratio in proportion until
the total is at most the cap — the count of ``sovet.counting.apportionment``
for fixed-ratio under a cap, run on the groups' figures scaled to a common
ratio: the divisor method of the same rounding (floor: D'Hondt), house size =
cap, the minimum taken from the others; ``truncate`` keeps every sender's
guaranteed seats (the larger of base and minimum) and scales the seats above
them by what is left of the cap, rounding down in whole seat units (seats may
stay empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import lcm
from typing import Annotated, cast

from sovet.counting.apportionment import Apportionment, apportion
from sovet.counting.fixed_ratio import EQUIVALENT_DIVISOR_METHOD, ROUNDINGS, Rounding
from sovet.counting.types import TieBreak
from sovet.domain.kernel.constitution import ApportionmentParams
from sovet.errors import RuleViolation, says

__all__ = [
    "ANY_KIND",
    "BASES",
    "LOWER_1918",
    "CongressRule",
    "DelegateApportionment",
    "DelegateGroup",
    "SendingUnit",
    "apportion_senders",
    "check_mandates",
    "congress_rule",
]

BASES = ("voters", "inhabitants", "members", "paid_dues")
"""SR-14: the figures a sender's mandates may be apportioned on."""

ANY_KIND = "*"


@dataclass(frozen=True, slots=True)
class DelegateGroup:
    """SR-12/SR-14: senders of one ``kind`` (``*``: all), their basis and method."""

    kind: str
    basis: str
    method: str = "fixed-ratio"
    ratio: int | None = None
    rounding: str = "floor"
    seats: int | None = None
    min_per_unit: int = 0
    base_seats: int = 0
    seat_unit: int = 1


@dataclass(frozen=True, slots=True)
class CongressRule:
    """SR-12/SR-13: the groups that send to a congress, with its cap (if any)."""

    groups: tuple[DelegateGroup, ...]
    cap: int | None = None
    cap_rule: str = "divisor"


LOWER_1918: Mapping[str, tuple[tuple[str, str, int], ...]] = {
    "oblast": (("city", "voters", 5_000), ("province", "inhabitants", 25_000)),
    "gubernia": (("city", "voters", 2_000), ("province", "inhabitants", 10_000)),
    "uyezd": (("province", "inhabitants", 1_000),),
    "volost": (("council", "members", 10),),
}
"""SR-13: C18 art 53 ratios (kind, basis, ratio) of the lower congresses."""


def congress_rule(params: ApportionmentParams, level: str, top: bool) -> CongressRule:
    """SR-12…SR-14: the rule for a congress at ``level`` (``top``: national)."""
    cap = params.caps.get(level)
    if params.method != "fixed_ratio":
        if params.basis_city != params.basis_province:
            raise RuleViolation(
                "SR-14",
                says(
                    "method {method!r} apportions all senders on one basis, not "
                    "{basis_city!r} and {basis_province!r}",
                    method=params.method,
                    basis_city=params.basis_city,
                    basis_province=params.basis_province,
                ),
                params.basis_province,
            )
        group = DelegateGroup(
            ANY_KIND,
            params.basis_city,
            params.method,
            seats=params.house_size,
            min_per_unit=params.min_per_unit,
            base_seats=params.base_seats_per_unit,
            seat_unit=params.seat_unit,
        )
        return CongressRule((group,), cap, params.cap_rule)
    if not top and level in LOWER_1918:
        spec = LOWER_1918[level]
    else:
        spec = (
            ("city", params.basis_city, params.ratio_city),
            ("province", params.basis_province, params.ratio_province),
        )
    groups = tuple(
        DelegateGroup(
            kind,
            basis,
            ratio=ratio,
            rounding=params.rounding,
            min_per_unit=max(params.min_per_unit, 1 if level == "volost" else 0),
            base_seats=params.base_seats_per_unit,
            seat_unit=params.seat_unit,
        )
        for kind, basis, ratio in spec
    )
    return CongressRule(groups, cap, params.cap_rule)


@dataclass(frozen=True, slots=True)
class SendingUnit:
    """SR-12: a sender with its figures per basis (``voters``, ``inhabitants`` …)."""

    name: Annotated[
        str,
        "the id of the sending body (a registered council or congress)",
    ]
    kind: Annotated[
        str,
        "SR-12: its group under fixed ratios: city (a city council) or province (a "
        "lower congress); any label under house-size methods",
    ]
    voters: Annotated[
        int | None,
        "SR-12/SR-14: its number of voters, where its group is apportioned on voters "
        "(1918: city councils)",
    ] = None
    inhabitants: Annotated[
        int | None,
        "SR-12/SR-14: its number of inhabitants, where its group is apportioned on "
        "inhabitants (1918: provincial congresses)",
    ] = None
    members: Annotated[
        int | None,
        "SR-14: its number of members, where apportioned on members",
    ] = None
    paid_dues: Annotated[
        int | None,
        "SR-14: its number of members with dues paid, where apportioned on paid_dues",
    ] = None

    def basis(self, basis: str) -> int:
        """SR-12/SR-14: the figure the group's basis asks for; refused if missing."""
        if basis not in BASES:
            raise RuleViolation(
                "SR-14",
                says(
                    "unknown basis {basis!r}; bases: {bases}",
                    basis=basis,
                    bases=", ".join(BASES),
                ),
                basis,
            )
        value = cast("int | None", getattr(self, basis))
        if value is None or value < 0:
            raise RuleViolation(
                "SR-12",
                says(
                    "{name!r} carries no valid {basis} figure",
                    name=self.name,
                    basis=basis,
                ),
                self.name,
            )
        return value


@dataclass(frozen=True, slots=True)
class DelegateApportionment:
    """SR-12…SR-14: mandates per sender, with each group's apportionment."""

    allocation: dict[str, int]
    groups: dict[str, Apportionment]
    capped: Apportionment | None = None

    @property
    def total(self) -> int:
        """Decisive mandates of the whole congress."""
        return sum(self.allocation.values())


def _rounding(value: str) -> Rounding:
    if value not in ROUNDINGS:
        raise RuleViolation(
            "SR-12", says("unknown rounding {value!r}", value=value), value
        )
    return value  # narrowed by the membership test


def _members(units: Sequence[SendingUnit], group: DelegateGroup) -> dict[str, int]:
    return {
        u.name: u.basis(group.basis) for u in units if group.kind in (ANY_KIND, u.kind)
    }


def apportion_senders(
    units: Iterable[SendingUnit],
    rule: CongressRule,
    *,
    tie_break: TieBreak | None = None,
) -> DelegateApportionment:
    """SR-12…SR-14: apportion a congress's decisive mandates among its senders."""
    units = list(units)
    names = [u.name for u in units]
    if len(set(names)) != len(names):
        raise RuleViolation(
            "SR-12", says("duplicate sending units in {names}", names=names), names
        )
    kinds = {g.kind for g in rule.groups}
    stray = sorted(
        u.name for u in units if ANY_KIND not in kinds and u.kind not in kinds
    )
    if stray:
        raise RuleViolation(
            "SR-12",
            says("units of no sending group for this congress: {stray}", stray=stray),
            stray,
        )
    one_capped = len(rule.groups) == 1 and rule.cap_rule == "divisor"
    groups: dict[str, Apportionment] = {}
    allocation: dict[str, int] = {}
    for group in rule.groups:
        pops = _members(units, group)
        if not pops:
            continue
        result = apportion(
            pops,
            method=group.method,
            seats=group.seats,
            ratio=group.ratio,
            rounding=_rounding(group.rounding),
            min_per_unit=group.min_per_unit,
            base_seats=group.base_seats,
            seat_unit=group.seat_unit,
            cap=rule.cap if one_capped else None,
            tie_break=tie_break,
        )
        groups[group.kind] = result
        allocation.update(result.allocation)
    total = sum(allocation.values())
    if rule.cap is None or total <= rule.cap:
        return DelegateApportionment(allocation, groups)
    guaranteed = _guaranteed(units, rule)
    room = sum(guaranteed[name][0] for name in allocation)
    if room > rule.cap:
        raise RuleViolation(
            "SR-13",
            says(
                "cap {cap} cannot give {count} sender(s) their minimum or "
                "base seats ({room} in all)",
                cap=rule.cap,
                count=len(allocation),
                room=room,
            ),
            rule.cap,
        )
    if rule.cap_rule == "truncate":
        cut = _truncate(allocation, guaranteed, rule.cap)
        return DelegateApportionment(cut, groups)
    capped = _divisor_cap(units, rule, rule.cap, tie_break)
    return DelegateApportionment(dict(capped.allocation), groups, capped)


def _guaranteed(
    units: Sequence[SendingUnit], rule: CongressRule
) -> dict[str, tuple[int, int]]:
    """SR-14: each sender's seats kept under any cap (the larger of base and
    minimum) and its seat unit."""
    kept: dict[str, tuple[int, int]] = {}
    for group in rule.groups:
        floor = max(group.base_seats, group.min_per_unit)
        for name in _members(units, group):
            kept[name] = (floor, group.seat_unit)
    return kept


def _truncate(
    allocation: Mapping[str, int],
    guaranteed: Mapping[str, tuple[int, int]],
    cap: int,
) -> dict[str, int]:
    """SR-13 ``truncate``: guaranteed seats kept, the seats above them scaled by
    (cap − kept) / (total − kept) and rounded down in whole seat units."""
    kept = {name: guaranteed[name][0] for name in allocation}
    free = cap - sum(kept.values())
    above = {name: seats - kept[name] for name, seats in allocation.items()}
    extra = sum(above.values())  # > free, since the total exceeds the cap
    cut: dict[str, int] = {}
    for name, seats_above in above.items():
        unit = guaranteed[name][1]
        cut[name] = kept[name] + unit * (seats_above * free // (extra * unit))
    return cut


def _divisor_cap(
    units: Sequence[SendingUnit],
    rule: CongressRule,
    cap: int,
    tie_break: TieBreak | None,
) -> Apportionment:
    """SR-13 ``divisor``: one divisor count over ratio-scaled figures, house = cap.

    The minimum is taken from the other senders (``minimum_adds_seats=False``),
    as ``apportion(…, method="fixed-ratio", cap=cap)`` does once the cap is
    reached: the same allocation, reported under the divisor method's name.
    """
    ratios = [g.ratio for g in rule.groups if g.ratio]
    shared = {
        (g.rounding, g.min_per_unit, g.base_seats, g.seat_unit) for g in rule.groups
    }
    if len(ratios) != len(rule.groups) or len(shared) != 1:
        raise RuleViolation(
            "SR-13",
            says(
                "a divisor cap joins fixed-ratio groups with one rounding and minimum"
            ),
            cap,
        )
    rounding, minimum, base, unit = shared.pop()
    common = lcm(*ratios)
    scaled: dict[str, int] = {}
    for group, ratio in zip(rule.groups, ratios, strict=True):
        for name, pop in _members(units, group).items():
            scaled[name] = pop * (common // ratio)
    return apportion(
        scaled,
        method=EQUIVALENT_DIVISOR_METHOD[_rounding(rounding)],
        seats=cap,
        min_per_unit=minimum,
        base_seats=base,
        seat_unit=unit,
        minimum_adds_seats=False,
        tie_break=tie_break,
    )


def check_mandates(
    sender: str, credentialed: int, allocation: Mapping[str, int]
) -> None:
    """SR-12: refuse credentials for more decisive mandates than apportioned."""
    allowed = allocation.get(sender, 0)
    if credentialed > allowed:
        raise RuleViolation(
            "SR-12",
            says(
                "{sender!r} may credential {allowed} decisive mandates, not "
                "{credentialed}",
                sender=sender,
                allowed=allowed,
                credentialed=credentialed,
            ),
            credentialed,
        )
