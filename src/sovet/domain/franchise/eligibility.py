"""SR-4/SR-5: the franchise as data, with the reason for every exclusion.

Vote and eligibility are one right (SR-4, ``passive_equals_active``): a person
has it on a polling day when they are old enough on that day, belong to an
eligible category and carry no exclusion (SR-5) in force on that day. Every
reason is kept, so an electoral roll says why each person is on it or not.

Categories are plain strings so that a constitution can name its own; the 1918
names are ``CATEGORIES_1918`` (art 64, art 20) and ``EXCLUSIONS_1918`` (art 65
a–g). Modern presets use the category ``member`` and the exclusion ``arrears``:
a non-member lacks an eligible category, a member in arrears is excluded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sovet.errors import NotEligible, RuleViolation, Says, joined, says

__all__ = [
    "CATEGORIES_1918",
    "EXCLUSIONS_1918",
    "Eligibility",
    "ExclusionMark",
    "FranchiseParams",
    "FranchiseSpan",
    "Person",
    "Reason",
    "Roll",
    "RollEntry",
    "age_on",
    "effective_min_age",
    "electoral_roll",
    "eligibility",
    "polling_date",
    "require_eligible",
]

CATEGORIES_1918: frozenset[str] = frozenset(
    {
        "labour",  # art 64 a: productive and socially useful labour
        "housekeeping",  # art 64 a: housekeepers who enable it
        "soldier",  # art 64 b
        "sailor",  # art 64 b
        "incapacitated",  # art 64 c: members of those groups unable to work
        "foreign_worker",  # art 20: resident foreign workers
    }
)
"""SR-4: the eligible categories of C18 art 64 and art 20."""

EXCLUSIONS_1918: frozenset[str] = frozenset(
    {
        "employer",  # art 65 a: employs hired labour for profit
        "unearned_income",  # art 65 b
        "private_trader",  # art 65 c: private traders, brokers
        "clergy",  # art 65 d
        "old_regime_agent",  # art 65 e: old police, gendarmerie, Okhrana, dynasty
        "insane_or_ward",  # art 65 f: declared insane or under guardianship
        "deprived_by_sentence",  # art 65 g: for the term of the sentence
    }
)
"""SR-5: the seven exclusions of C18 art 65 (a–g)."""


class FranchiseParams(Protocol):
    """SR-4/SR-5 parameters a constitution provides (1918: 18, art 64, art 65)."""

    @property
    def min_age(self) -> int: ...
    @property
    def eligible_categories(self) -> Collection[str]: ...
    @property
    def excluded_categories(self) -> Collection[str]: ...


@dataclass(frozen=True, slots=True)
class ExclusionMark:
    """SR-5: a recorded ground of exclusion, in force on ``[since, until)``.

    ``None`` bounds are open: a sentence carries its term, arrears the dates
    they started and were paid off.
    """

    category: str
    since: date | None = None
    until: date | None = None
    note: str = ""

    def in_force(self, day: date) -> bool:
        """Whether the mark applies on ``day``."""
        started = self.since is None or self.since <= day
        not_ended = self.until is None or day < self.until
        return started and not_ended


@dataclass(frozen=True, slots=True)
class FranchiseSpan:
    """SR-4/SR-5: a recorded verdict on ``[since, until)``: the rules that deny
    the franchise there (none: the person holds it). ``None`` bounds are open."""

    since: date | None = None
    until: date | None = None
    rules: tuple[str, ...] = ()

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls in the span."""
        started = self.since is None or self.since <= day
        return started and (self.until is None or day < self.until)


@dataclass(frozen=True, slots=True)
class Person:
    """A person as the franchise sees them (SR-4/SR-5).

    A person of a v1 log carries the facts (birth date, categories, marks); one
    of a v2 log carries only the ``verdict`` the service recorded from them
    (``franchise.verdicts``), with ``birth_date`` ``None``.
    """

    id: str
    birth_date: date | None
    categories: frozenset[str] = frozenset()
    marks: tuple[ExclusionMark, ...] = ()
    constituency: str | None = None
    verdict: tuple[FranchiseSpan, ...] | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a person lacks the franchise, citing its rule."""

    rule: str
    code: str
    detail: str

    def said(self) -> Says:
        """The reason as one sentence (its detail in the reader's language)."""
        return Says(
            "{rule} {code}: {detail}",
            rule=self.rule,
            code=self.code,
            detail=self.detail,
        )

    def __str__(self) -> str:
        return str(self.said())


@dataclass(frozen=True, slots=True)
class Eligibility:
    """SR-4/SR-5: whether a person may vote and stand, and every reason if not."""

    ok: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def rule(self) -> str:
        """The rule of the first reason (SR-5 outranks SR-4), or ``""`` if ok."""
        rules = {r.rule for r in self.reasons}
        return "SR-5" if "SR-5" in rules else (self.reasons[0].rule if rules else "")


def age_on(birth_date: date, day: date) -> int:
    """SR-4: completed years of age on ``day`` (a 29 Feb birthday falls on 1 Mar)."""
    if day < birth_date:
        raise RuleViolation(
            "SR-4", says("polling day {day} precedes birth", day=day), birth_date
        )
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def effective_min_age(
    params: FranchiseParams,
    local_min_age: int | None = None,
    *,
    centrally_approved: bool = False,
    needs_approval: bool = True,
) -> int:
    """SR-4: the minimum age, lowered locally only with central approval (note 2)."""
    if local_min_age is None or local_min_age >= params.min_age:
        return params.min_age
    if local_min_age < 0:
        raise RuleViolation(
            "SR-4",
            says("minimum age {local_min_age} < 0", local_min_age=local_min_age),
            local_min_age,
        )
    if needs_approval and not centrally_approved:
        raise RuleViolation(
            "SR-4",
            says(
                "lowering the voting age to {local_min_age} needs central approval",
                local_min_age=local_min_age,
            ),
            local_min_age,
        )
    return local_min_age


def eligibility(
    person: Person,
    params: FranchiseParams,
    polling_day: date,
    *,
    min_age: int | None = None,
) -> Eligibility:
    """SR-4/SR-5: the person's franchise on ``polling_day``, with every reason.

    ``min_age`` overrides the constitution's age (see ``effective_min_age``).
    """
    if person.verdict is not None or person.birth_date is None:
        return _by_verdict(person.verdict or (), polling_day)
    reasons: list[Reason] = []
    needed = params.min_age if min_age is None else min_age
    age = age_on(person.birth_date, polling_day)
    if age < needed:
        reasons.append(
            Reason(
                "SR-4",
                "age",
                says(
                    "{age} on {day}, needs {needed}",
                    age=age,
                    day=polling_day.isoformat(),
                    needed=needed,
                ),
            )
        )
    if params.eligible_categories and not (
        person.categories & frozenset(params.eligible_categories)
    ):
        held = ", ".join(sorted(person.categories)) or "none"
        reasons.append(
            Reason(
                "SR-4",
                "category",
                says("no eligible category (holds: {held})", held=held),
            )
        )
    excluded = frozenset(params.excluded_categories)
    for mark in person.marks:
        if mark.category in excluded and mark.in_force(polling_day):
            span = ""
            if mark.since or mark.until:
                since = mark.since.isoformat() if mark.since else "…"
                until = mark.until.isoformat() if mark.until else "…"
                span = f" [{since}, {until})"
            note = f" ({mark.note})" if mark.note else ""
            reasons.append(
                Reason(
                    "SR-5",
                    mark.category,
                    says("excluded{span}{note}", span=span, note=note),
                )
            )
    return Eligibility(not reasons, tuple(reasons))


def _by_verdict(spans: tuple[FranchiseSpan, ...], day: date) -> Eligibility:
    """SR-4/SR-5 from a recorded verdict: no ground, only the rules that deny."""
    for span in spans:
        if span.covers(day):
            return Eligibility(
                not span.rules,
                tuple(
                    Reason(rule, "verdict", f"no franchise on {day} (recorded verdict)")
                    for rule in span.rules
                ),
            )
    return Eligibility(
        False, (Reason("SR-4", "verdict", f"no verdict recorded for {day}"),)
    )


def require_eligible(
    person: Person, params: FranchiseParams, polling_day: date, *, role: str = "voter"
) -> None:
    """SR-4/SR-5: raise ``NotEligible`` citing the rule and reasons unless eligible."""
    verdict = eligibility(person, params, polling_day)
    if not verdict.ok:
        why = joined("; ", (r.said() for r in verdict.reasons))
        raise NotEligible(
            verdict.rule,
            says(
                "{role} {id!r} has no franchise: {why}",
                role=role,
                id=person.id,
                why=why,
            ),
            person.id,
        )


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One person on the roll of a constituency, with the verdict and its reasons."""

    person: str
    eligible: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Roll:
    """SR-4/SR-5: the auditable electoral roll of a constituency at a date."""

    constituency: str
    at: date
    entries: tuple[RollEntry, ...] = field(default_factory=tuple)

    @property
    def voters(self) -> frozenset[str]:
        """The ids of the registered electorate (those with the franchise)."""
        return frozenset(e.person for e in self.entries if e.eligible)

    @property
    def excluded(self) -> dict[str, tuple[Reason, ...]]:
        """Each person left off the electorate, with the reasons."""
        return {e.person: e.reasons for e in self.entries if not e.eligible}

    @property
    def size(self) -> int:
        """The number of registered voters (the basis of SR-10 thresholds)."""
        return len(self.voters)

    def entry(self, person: str) -> RollEntry | None:
        """The roll entry of ``person``, if they live in the constituency."""
        for e in self.entries:
            if e.person == person:
                return e
        return None


def electoral_roll(
    people: Iterable[Person],
    constituency: str,
    params: FranchiseParams,
    at: date,
    *,
    min_age: int | None = None,
) -> Roll:
    """SR-4/SR-5: the roll of ``constituency`` at ``at``: everyone in it, judged."""
    entries = []
    for person in sorted(people, key=lambda p: p.id):
        if person.constituency != constituency:
            continue
        verdict = eligibility(person, params, at, min_age=min_age)
        entries.append(RollEntry(person.id, verdict.ok, verdict.reasons))
    return Roll(constituency, at, tuple(entries))


def polling_date(at: str) -> date:
    """SR-4: the calendar day of an ISO ``at`` (the day ages are counted on)."""
    try:
        return date.fromisoformat(at[:10])
    except ValueError:
        raise RuleViolation(
            "SR-4", says("{at!r} is not an ISO date", at=at), at
        ) from None
