"""One count report (SR-7, DESIGN §4): what `sovet count`, the API and the web print.

``count_report(result)`` is the one function every edge renders a count from:
``sovet count`` (its JSON and its stage table), ``GET /api/elections/{id}``
(``result`` is the report's JSON) and the web's count sheet. The report reads
the ``CountResult`` once and answers what a count sheet prints — the tallies
of every stage, the quota, who was elected or excluded at which stage, what
each stage transferred, the non-transferable votes (cumulative, as count
sheets give them) and the total of each stage — with every number written the
one way (``number``).

Numbers are exact. A whole value is a JSON integer; any other value is a JSON
number written from ``Decimal`` — with the method's ``decimals`` when it has
them (Scottish STV: 5), else with ``EXACT_DECIMALS`` places — rounded
half-even (for a fixed-point method the value already has that many places, so
nothing is rounded). No value ever passes through a binary float;
``dumps_exact`` writes such JSON digit for digit.

A report may be rebuilt from a log entry that recorded the tallies of each
stage but not who was elected or excluded at which stage (a count of named
ballots or of tallies, whose ballots the log does not keep):
``stages_known=False`` says so, and no edge then guesses a stage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sovet.counting.types import CountResult, Round, TieRecord, Transfer

__all__ = [
    "EXACT_DECIMALS",
    "CountReport",
    "JsonValue",
    "count_report",
    "dumps_exact",
    "exact_number",
    "format_number",
]

EXACT_DECIMALS = 6
"""Places for fractional values of methods that count in exact fractions."""

_Num = Callable[[Fraction], int | Decimal]
JsonValue = (
    None | bool | int | str | Decimal | list["JsonValue"] | dict[str, "JsonValue"]
)


def exact_number(value: Fraction | int, decimals: int | None) -> int | Decimal:
    """SR-7: a tally as ``int`` if whole, else a ``Decimal`` with fixed places.

    ``round`` on a ``Fraction`` is exact and rounds half to even.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    places = EXACT_DECIMALS if decimals is None else decimals
    return Decimal(round(value * 10**places)).scaleb(-places)


def format_number(value: Fraction | int, decimals: int | None) -> str:
    """The text of ``exact_number`` (``1234`` or ``1234.56789``)."""
    number = exact_number(value, decimals)
    return str(number) if isinstance(number, int) else f"{number:f}"


@dataclass(frozen=True, slots=True)
class CountReport:
    """SR-7: a count as published: its stages, quota, transfers and outcome."""

    result: CountResult
    stages_known: bool = True
    """False when the log recorded the stage tallies but not who was elected
    or excluded at each stage (then ``elected_at`` and ``excluded_at`` are
    empty, never guessed)."""
    elected_at: dict[str, int] = field(init=False)
    """Candidate → the stage they were elected at."""
    excluded_at: dict[str, int] = field(init=False)
    """Candidate → the stage whose transfer excluded them."""

    def __post_init__(self) -> None:
        elected: dict[str, int] = {}
        excluded: dict[str, int] = {}
        for stage in self.result.rounds:
            for name in stage.elected:
                elected.setdefault(name, stage.number)
            for name in stage.excluded:
                excluded.setdefault(name, stage.number)
        object.__setattr__(self, "elected_at", elected)
        object.__setattr__(self, "excluded_at", excluded)

    @property
    def rounds(self) -> tuple[Round, ...]:
        """The stages, in order."""
        return self.result.rounds

    @property
    def decimals(self) -> int | None:
        """Decimal places of the method's rule (None: exact fractions)."""
        return self.result.decimals

    def number(self, value: Fraction | int) -> str:
        """A figure of this count as every edge prints it."""
        return format_number(value, self.decimals)

    def cell(self, candidate: str, stage: Round) -> str:
        """The candidate's votes at ``stage``, or ``""`` when not in it."""
        value = stage.tallies.get(candidate)
        return "" if value is None else self.number(value)

    def non_transferable(self, stage: Round) -> Fraction:
        """Votes no longer with any candidate after ``stage`` (cumulative)."""
        return stage.exhausted

    def total(self, stage: Round) -> Fraction:
        """The candidates' votes and the non-transferable votes at ``stage``."""
        return sum(stage.tallies.values(), Fraction(0)) + stage.exhausted

    def tie_text(self, tie: TieRecord) -> str:
        """A tie and how the rule broke it, in one line."""
        text = (
            f"Tie at stage {tie.round} ({tie.kind}) among "
            f"{', '.join(tie.candidates)}: {tie.chosen} by {tie.resolved_by}"
        )
        return text + (f" — {tie.note}" if tie.note else "")

    def to_json(self) -> dict[str, JsonValue]:
        """DESIGN §4: ``method seats quota elected rounds exhausted ties``, exactly."""
        result = self.result

        def num(value: Fraction) -> int | Decimal:
            return exact_number(value, result.decimals)

        return {
            "method": result.method,
            "seats": result.seats,
            "quota": None if result.quota is None else num(result.quota),
            "elected": list(result.elected),
            "rounds": [_round_json(r, num) for r in result.rounds],
            "exhausted": num(result.exhausted),
            "ties": [_tie_json(t) for t in result.ties],
        }


def count_report(result: CountResult, *, stages_known: bool = True) -> CountReport:
    """SR-7: the one report of ``result`` that every edge renders."""
    return CountReport(result, stages_known)


def _round_json(stage: Round, num: _Num) -> dict[str, JsonValue]:
    tallies: dict[str, JsonValue] = {n: num(v) for n, v in stage.tallies.items()}
    return {
        "number": stage.number,
        "tallies": tallies,
        "elected": list(stage.elected),
        "excluded": list(stage.excluded),
        "transferred": _transfer_json(stage.transferred, num),
    }


def _transfer_json(transfer: Transfer | None, num: _Num) -> JsonValue:
    if transfer is None:
        return None
    return {
        "source": transfer.source,
        "kind": transfer.kind,
        "value": num(transfer.value),
    }


def _tie_json(tie: TieRecord) -> dict[str, JsonValue]:
    return {
        "round": tie.round,
        "kind": tie.kind,
        "candidates": list(tie.candidates),
        "resolved_by": tie.resolved_by,
        "chosen": tie.chosen,
        "note": tie.note,
    }


def dumps_exact(value: JsonValue, indent: int | None = 2) -> str:
    """JSON text in which ``Decimal`` values are written digit for digit."""
    return _dump(value, indent, 0)


def _dump(value: JsonValue, indent: int | None, depth: int) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        items = [
            f"{json.dumps(k)}: {_dump(v, indent, depth + 1)}" for k, v in value.items()
        ]
        return _wrap("{", items, "}", indent, depth)
    if isinstance(value, list):
        items = [_dump(v, indent, depth + 1) for v in value]
        return _wrap("[", items, "]", indent, depth)
    return json.dumps(value, ensure_ascii=False)


def _wrap(
    opener: str, items: list[str], closer: str, indent: int | None, depth: int
) -> str:
    if not items:
        return opener + closer
    if indent is None:
        return opener + ", ".join(items) + closer
    inner = "\n" + " " * (indent * (depth + 1))
    outer = "\n" + " " * (indent * depth)
    return opener + inner + ("," + inner).join(items) + outer + closer
