"""SR-10, SR-12…SR-14: recall is monotone; mandates sum as the method says."""

from __future__ import annotations

from dataclasses import replace
from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from sovet.counting.types import TieBreak
from sovet.domain.congress.apportion_delegates import (
    CongressRule,
    DelegateGroup,
    SendingUnit,
    apportion_senders,
)
from sovet.domain.kernel.choices import RecallBasis, RecallMode
from sovet.domain.kernel.constitution import RecallParams
from sovet.domain.recall.recall_rules import (
    PetitionCheck,
    petition_met,
    recall_vote_passes,
)

shares = st.fractions(min_value=0, max_value=1, max_denominator=20)
modes: st.SearchStrategy[RecallMode] = st.sampled_from(get_args(RecallMode))


@st.composite
def recall_params(draw: st.DrawFn) -> RecallParams:
    return RecallParams(
        recall_mode=draw(modes),
        recall_threshold=draw(shares),
        recall_threshold_strict=draw(st.booleans()),
        recall_basis=draw(st.sampled_from(["registered_electorate", "members"])),
        turnout_floor=draw(shares),
        recall_petition_share=draw(shares),
    )


@given(recall_params(), st.integers(1, 400), st.data())
def test_sr10_petition_outcome_is_monotone_in_signatures(
    params: RecallParams, registered: int, data: st.DataObject
) -> None:
    signed = data.draw(st.integers(0, registered - 1))
    if petition_met(PetitionCheck(signed, registered), params):
        assert petition_met(PetitionCheck(signed + 1, registered), params)


@given(
    recall_params(), st.sampled_from(["votes_cast", "registered_electorate"]), st.data()
)
def test_sr10_recall_vote_is_monotone_in_yes_votes(
    params: RecallParams, basis: RecallBasis, data: st.DataObject
) -> None:
    params = replace(params, recall_mode="recall_vote", recall_basis=basis)
    registered = data.draw(st.integers(1, 300))
    yes = data.draw(st.integers(0, registered))
    no = data.draw(st.integers(0, registered - yes))
    blank = data.draw(st.integers(0, registered - yes - no))
    before = recall_vote_passes(yes, no, blank, registered=registered, params=params)
    if before and no:  # a no turned yes keeps the recall
        assert recall_vote_passes(
            yes + 1, no - 1, blank, registered=registered, params=params
        )
    if before and yes + no + blank < registered:  # a new yes voter keeps it too
        assert recall_vote_passes(
            yes + 1, no, blank, registered=registered, params=params
        )


populations = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.integers(0, 3_000_000),
    min_size=1,
    max_size=6,
)


@given(populations, populations, st.integers(1, 50_000), st.integers(1, 200_000))
def test_sr12_fixed_ratio_floor_sums_the_floors(
    cities: dict[str, int], provinces: dict[str, int], r_city: int, r_prov: int
) -> None:
    provinces = {f"p-{k}": v for k, v in provinces.items()}
    units = [SendingUnit(n, "city", voters=v) for n, v in cities.items()]
    units += [SendingUnit(n, "province", inhabitants=v) for n, v in provinces.items()]
    rule = CongressRule(
        (
            DelegateGroup("city", "voters", ratio=r_city),
            DelegateGroup("province", "inhabitants", ratio=r_prov),
        )
    )
    result = apportion_senders(units, rule)
    expected = {n: v // r_city for n, v in cities.items()}
    expected.update({n: v // r_prov for n, v in provinces.items()})
    assert result.allocation == expected


@given(
    populations,
    populations,
    st.integers(1, 400),
    st.sampled_from(["divisor", "truncate"]),
)
def test_sr13_a_cap_is_never_exceeded_and_divisor_fills_it(
    cities: dict[str, int], provinces: dict[str, int], cap: int, cap_rule: str
) -> None:
    provinces = {f"p-{k}": v for k, v in provinces.items()}
    units = [SendingUnit(n, "city", voters=v) for n, v in cities.items()]
    units += [SendingUnit(n, "province", inhabitants=v) for n, v in provinces.items()]
    groups = (
        DelegateGroup("city", "voters", ratio=2_000),
        DelegateGroup("province", "inhabitants", ratio=10_000),
    )
    order = TieBreak(order=tuple(sorted(u.name for u in units)))
    free = apportion_senders(units, CongressRule(groups), tie_break=order).total
    capped = apportion_senders(
        units, CongressRule(groups, cap, cap_rule), tie_break=order
    )
    assert capped.total == free if free <= cap else capped.total <= cap
    if free > cap and cap_rule == "divisor":
        assert capped.total == cap


members = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.integers(1, 100_000),
    min_size=1,
    max_size=6,
)


@given(
    members, st.integers(1, 120), st.sampled_from(["hare", "dhondt", "sainte-lague"])
)
def test_sr14_house_size_methods_fill_the_house(
    branches: dict[str, int], house: int, method: str
) -> None:
    units = [SendingUnit(n, "branch", paid_dues=v) for n, v in branches.items()]
    group = DelegateGroup("*", "paid_dues", method, seats=house)
    order = TieBreak(order=tuple(sorted(branches)))
    result = apportion_senders(units, CongressRule((group,)), tie_break=order)
    assert result.total == house
    assert set(result.allocation) == set(branches)
