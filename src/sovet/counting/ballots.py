"""What a voter marks, by counting method (SR-7): the ballot each method declares.

Every method in the registry declares its ``BallotShape`` (``counting_method(…,
ballot=…)``); the web form, the API's ballot body, the receipt and the stored
ballot all follow it, and ``check_ballot`` is the one place that says whether a
ballot fits. The shapes:

- **marks** — the voter marks candidates; each mark is one vote. ``most`` says
  how many a ballot may carry: ``"one"`` (``plurality``: radio buttons; with
  several seats every ballot still counts once, for its one mark),
  ``"seats"`` (``block-vote``: 1 … seats marks) or ``"all"`` (``approval``:
  any number). Marks have no order: they are stored sorted.
- **ranking** — the voter numbers candidates 1, 2, 3 … (IRV, STV, Condorcet);
  stored in the voter's order.
- **list** — the voter chooses one party list (list PR). A method whose lists
  are open would also take preference votes for candidates inside the list
  (``preferences=True``); none of the registered list methods has them, so a
  list ballot with preferences is refused rather than trimmed (and the
  registry refuses a method declaring them until the stored ballot has a place
  for them).

A ballot that does not fit is refused (``BallotRefused``, SR-7) — never trimmed,
re-ordered into a ranking or cut to its first mark. Every method reads a stored
row of its own shape in full (plurality its one mark, block vote its marks,
approval every mark, a list method its list), so a ballot that fits is counted
exactly as it was marked. The same methods read a ranked ballot file (``sovet
count``) as their rule says: plurality and the list methods take the first
preference, block vote the first ``seats`` preferences, approval every
candidate ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sovet.errors import BallotRefused, says

__all__ = [
    "CLOSED_LIST",
    "MARK_ANY",
    "MARK_ONE",
    "MARK_UP_TO_SEATS",
    "RANKING",
    "BallotKind",
    "BallotShape",
    "MarkedBallot",
    "check_ballot",
]

BallotKind = Literal["marks", "ranking", "list"]


@dataclass(frozen=True, slots=True)
class BallotShape:
    """SR-7: the ballot a counting method reads.

    ``kind`` is what the voter gives (marks, a ranking or one list); ``most``
    bounds the marks of a marks ballot; ``preferences`` says whether a list
    ballot carries preference votes inside its list.
    """

    kind: BallotKind
    most: Literal["one", "seats", "all"] = "all"
    preferences: bool = False

    def max_marks(self, seats: int, candidates: int) -> int:
        """How many candidates a ballot may name (a list ballot names one list)."""
        if self.kind == "list" or (self.kind == "marks" and self.most == "one"):
            return 1
        if self.kind == "marks" and self.most == "seats":
            return min(seats, candidates)
        return candidates

    def instruction(self, seats: int, candidates: int) -> str:
        """What the form asks of the voter, in one plain sentence."""
        if self.kind == "ranking":
            return (
                "Number the candidates in your order of preference: 1 for your "
                "first choice, 2 for your second, and so on. Leave blank any you "
                "do not want to rank."
            )
        if self.kind == "list":
            return "Choose one list."
        most = self.max_marks(seats, candidates)
        if most == 1:
            return "Mark one candidate."
        if self.most == "seats":
            return f"Mark up to {most} candidates, one for each seat you want to fill."
        return "Mark every candidate you approve of."

    def describe(self, seats: int, candidates: int) -> str:
        """The rule as a refusal states it ("a ballot marks one candidate")."""
        if self.kind == "ranking":
            return says("a ballot ranks candidates (1, 2, 3 …), each at most once")
        if self.kind == "list" and self.preferences:
            return says(
                "a ballot chooses one list, with preference votes for candidates on it"
            )
        if self.kind == "list":
            return says(
                "a ballot chooses one list (its lists are closed: no preference votes)"
            )
        most = self.max_marks(seats, candidates)
        if most == 1:
            return says("a ballot marks one candidate")
        if self.most == "seats":
            return says(
                "a ballot marks 1 to {most} candidates (one for each seat)", most=most
            )
        return says("a ballot marks any number of candidates, at least one")

    def to_json(self, seats: int, candidates: int) -> dict[str, object]:
        """The declaration as the API publishes it for one election."""
        return {
            "kind": self.kind,
            "min": 1,
            "max": self.max_marks(seats, candidates),
            "preferences": self.preferences,
            "rule": self.describe(seats, candidates),
        }


MARK_ONE = BallotShape("marks", "one")
"""One mark (plurality)."""
MARK_UP_TO_SEATS = BallotShape("marks", "seats")
"""1 … seats marks (block vote)."""
MARK_ANY = BallotShape("marks", "all")
"""Any number of marks, at least one (approval)."""
RANKING = BallotShape("ranking")
"""A ranking of at least one candidate (IRV, STV, Condorcet methods)."""
CLOSED_LIST = BallotShape("list")
"""One list, no preference votes (closed-list PR)."""


@dataclass(frozen=True, slots=True)
class MarkedBallot:
    """A ballot as the voter gave it, before it is checked against the method.

    ``kind`` names its shape; ``choices`` holds the marks (any order), the
    ranking (first choice first) or the one list; ``preferences`` the preference
    votes inside a list.
    """

    kind: BallotKind
    choices: tuple[str, ...]
    preferences: tuple[str, ...] = ()


_NOUN = {
    "marks": says("marks"),
    "ranking": says("a ranking"),
    "list": says("a list"),
}


def check_ballot(
    method: str,
    shape: BallotShape,
    ballot: MarkedBallot,
    candidates: Sequence[str],
    seats: int,
) -> tuple[str, ...]:
    """SR-7: the ballot as stored and counted, or ``BallotRefused`` naming the rule.

    Marks come back sorted (they have no order), a ranking in the voter's
    order, a list ballot as its one list. Nothing is dropped or re-ordered
    into meaning: a ballot that does not fit ``shape`` is refused whole.
    """
    rule = shape.describe(seats, len(candidates))
    if ballot.kind != shape.kind:
        raise BallotRefused(
            "SR-7",
            says(
                "{method} counts {wanted}, not {given}: {rule}",
                method=method,
                wanted=_NOUN[shape.kind],
                given=_NOUN[ballot.kind],
                rule=rule,
            ),
            ballot.kind,
        )
    choices = list(ballot.choices)
    if not choices:
        blank = {
            "marks": says("a ballot without a mark"),
            "ranking": says("an empty ranking"),
            "list": says("a ballot without a list"),
        }[ballot.kind]
        raise BallotRefused(
            "SR-7",
            says(
                "{blank} is not a ballot: blank ballots are not counted here "
                "(no constitution parameter provides for them)",
                blank=blank,
            ),
            (),
        )
    named = (*choices, *ballot.preferences)
    unknown = sorted({c for c in named if c not in candidates})
    if unknown:
        strangers = ", ".join(repr(c) for c in unknown)
        raise BallotRefused(
            "SR-7",
            says(
                "the ballot names {strangers}, not standing in this election",
                strangers=strangers,
            ),
            unknown,
        )
    if len(set(choices)) != len(choices):
        repeated = sorted({c for c in choices if choices.count(c) > 1})
        raise BallotRefused(
            "SR-7",
            says(
                "the ballot names {names} more than once: {rule}",
                names=", ".join(map(repr, repeated)),
                rule=rule,
            ),
            tuple(repeated),
        )
    most = shape.max_marks(seats, len(candidates))
    if len(choices) > most:
        told = {"method": method, "seats": seats, "rule": rule, "count": len(choices)}
        raise BallotRefused(
            "SR-7",
            (
                says(
                    "{method} for {seats} seat: {rule}; this ballot has {count}",
                    **told,
                )
                if seats == 1
                else says(
                    "{method} for {seats} seats: {rule}; this ballot has {count}",
                    **told,
                )
            ),
            len(choices),
        )
    if ballot.preferences and not (shape.kind == "list" and shape.preferences):
        raise BallotRefused(
            "SR-7",
            says(
                "{method} takes no preference votes: {rule}", method=method, rule=rule
            ),
            ballot.preferences,
        )
    if shape.kind == "ranking":
        return tuple(choices)
    return tuple(sorted(choices))
