"""SR-4/SR-5: franchise as data, exclusions with reasons, the auditable roll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from sovet.domain.franchise.eligibility import (
    CATEGORIES_1918,
    EXCLUSIONS_1918,
    ExclusionMark,
    Person,
    age_on,
    effective_min_age,
    electoral_roll,
    eligibility,
    require_eligible,
)
from sovet.errors import NotEligible, RuleViolation

POLL = date(1917, 11, 25)


@dataclass(frozen=True)
class Params:
    min_age: int = 18
    eligible_categories: frozenset[str] = CATEGORIES_1918
    excluded_categories: frozenset[str] = EXCLUSIONS_1918


RSFSR = Params()
UNION = Params(
    min_age=16,
    eligible_categories=frozenset({"member"}),
    excluded_categories=frozenset({"arrears"}),
)


def worker(pid: str = "w", born: date = date(1890, 1, 1), **kw: object) -> Person:
    return Person(pid, born, frozenset({"labour"}), **kw)  # type: ignore[arg-type]


def test_sr4_eligible_worker_has_the_franchise() -> None:
    verdict = eligibility(worker(), RSFSR, POLL)
    assert verdict.ok
    assert verdict.reasons == ()
    assert verdict.rule == ""


def test_sr4_age_counts_on_polling_day() -> None:
    born = date(1899, 11, 25)
    assert eligibility(worker(born=born), RSFSR, POLL).ok
    verdict = eligibility(worker(born=born), RSFSR, date(1917, 11, 24))
    assert not verdict.ok
    assert verdict.rule == "SR-4"
    assert verdict.reasons[0].code == "age"
    assert "17" in verdict.reasons[0].detail


def test_sr4_leap_day_birthday_turns_on_first_of_march() -> None:
    born = date(1896, 2, 29)
    assert age_on(born, date(1914, 2, 28)) == 17
    assert age_on(born, date(1914, 3, 1)) == 18


def test_sr4_polling_before_birth_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        age_on(date(1920, 1, 1), POLL)
    assert err.value.rule == "SR-4"


def test_sr4_no_eligible_category_is_a_reason() -> None:
    idle = Person("r", date(1880, 1, 1), frozenset({"rentier"}))
    verdict = eligibility(idle, RSFSR, POLL)
    assert not verdict.ok
    assert [r.code for r in verdict.reasons] == ["category"]
    assert "rentier" in verdict.reasons[0].detail


@pytest.mark.parametrize("category", sorted(EXCLUSIONS_1918))
def test_sr5_each_1918_exclusion_excludes_and_is_recorded(category: str) -> None:
    person = worker(marks=(ExclusionMark(category),))
    verdict = eligibility(person, RSFSR, POLL)
    assert not verdict.ok
    assert verdict.rule == "SR-5"
    assert [r.code for r in verdict.reasons] == [category]


def test_sr5_every_reason_is_kept() -> None:
    person = Person(
        "p",
        date(1901, 1, 1),
        frozenset(),
        (ExclusionMark("clergy"), ExclusionMark("private_trader")),
    )
    verdict = eligibility(person, RSFSR, POLL)
    assert [r.code for r in verdict.reasons] == [
        "age",
        "category",
        "clergy",
        "private_trader",
    ]
    assert verdict.rule == "SR-5"


def test_sr5_sentence_excludes_only_for_its_term() -> None:
    mark = ExclusionMark(
        "deprived_by_sentence", date(1917, 1, 1), date(1917, 12, 1), "court"
    )
    person = worker(marks=(mark,))
    during = eligibility(person, RSFSR, POLL)
    assert not during.ok
    assert "[1917-01-01, 1917-12-01)" in during.reasons[0].detail
    assert eligibility(person, RSFSR, date(1917, 12, 1)).ok
    assert eligibility(person, RSFSR, date(1916, 12, 31)).ok


def test_sr5_marks_outside_the_constitutions_list_do_not_exclude() -> None:
    person = Person(
        "m", date(1990, 1, 1), frozenset({"member"}), (ExclusionMark("clergy"),)
    )
    assert eligibility(person, UNION, date(2024, 5, 1)).ok


def test_sr5_modern_preset_non_member_and_arrears() -> None:
    day = date(2024, 5, 1)
    non_member = Person("n", date(1990, 1, 1), frozenset())
    arrears = Person(
        "a",
        date(1990, 1, 1),
        frozenset({"member"}),
        (ExclusionMark("arrears", date(2024, 1, 1)),),
    )
    assert eligibility(non_member, UNION, day).reasons[0].code == "category"
    assert eligibility(arrears, UNION, day).rule == "SR-5"
    assert eligibility(
        Person("y", date(2008, 4, 30), frozenset({"member"})), UNION, day
    ).ok


def test_sr4_require_eligible_raises_not_eligible_with_rule() -> None:
    require_eligible(worker(), RSFSR, POLL)
    with pytest.raises(NotEligible) as err:
        require_eligible(
            worker(marks=(ExclusionMark("employer"),)), RSFSR, POLL, role="candidate"
        )
    assert err.value.rule == "SR-5"
    assert err.value.value == "w"
    assert "candidate 'w'" in str(err.value)


def test_sr4_age_lowering_needs_central_approval() -> None:
    assert effective_min_age(RSFSR, None) == 18
    assert effective_min_age(RSFSR, 20) == 18
    assert effective_min_age(RSFSR, 16, centrally_approved=True) == 16
    assert effective_min_age(RSFSR, 16, needs_approval=False) == 16
    with pytest.raises(RuleViolation) as err:
        effective_min_age(RSFSR, 16)
    assert err.value.rule == "SR-4"
    assert err.value.value == 16
    with pytest.raises(RuleViolation):
        effective_min_age(RSFSR, -1, centrally_approved=True)


def test_sr4_sr5_roll_of_a_constituency_is_auditable() -> None:
    people = [
        worker("a", constituency="putilov"),
        worker("b", marks=(ExclusionMark("employer"),), constituency="putilov"),
        worker("c", born=date(1901, 1, 1), constituency="putilov"),
        worker("d", constituency="obukhov"),
    ]
    roll = electoral_roll(people, "putilov", RSFSR, POLL)
    assert roll.voters == frozenset({"a"})
    assert roll.size == 1
    assert {k: [r.code for r in v] for k, v in roll.excluded.items()} == {
        "b": ["employer"],
        "c": ["age"],
    }
    assert roll.entry("d") is None
    entry = roll.entry("b")
    assert entry is not None
    assert not entry.eligible
    younger = electoral_roll(people, "putilov", RSFSR, POLL, min_age=16)
    assert younger.voters == frozenset({"a", "c"})
