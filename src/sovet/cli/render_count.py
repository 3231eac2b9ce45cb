"""Render a ``CountResult``: the JSON of DESIGN §4 and the published stage table.

Numbers are exact. A whole value is a JSON integer; any other value is a JSON
number written from ``Decimal`` — with the method's ``decimals`` when it has
them (Scottish STV: 5), else with ``EXACT_DECIMALS`` places — rounded half-even
(for a fixed-point method the value already has that many places, so nothing
is rounded). No value ever passes through a binary float.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

from rich.table import Table
from rich.text import Text

from sovet.counting.types import CountResult, Round, TieRecord, Transfer

__all__ = [
    "EXACT_DECIMALS",
    "JsonValue",
    "count_json",
    "count_table",
    "count_tables",
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


def count_json(result: CountResult) -> dict[str, JsonValue]:
    """DESIGN §4: ``method seats quota elected rounds exhausted ties``, exactly."""
    d = result.decimals

    def num(value: Fraction) -> int | Decimal:
        return exact_number(value, d)

    return {
        "method": result.method,
        "seats": result.seats,
        "quota": None if result.quota is None else num(result.quota),
        "elected": list(result.elected),
        "rounds": [_round_json(r, num) for r in result.rounds],
        "exhausted": num(result.exhausted),
        "ties": [_tie_json(t) for t in result.ties],
    }


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


def count_tables(result: CountResult, width: int) -> list[Table]:
    """The stage table split into pages of stages that fit ``width`` columns.

    Count sheets too run over several pages when a count has many stages;
    each page repeats the candidate column.
    """
    d = result.decimals
    name_width = 16 + max(map(len, result.candidates), default=0)
    numbers = {name: i for i, name in enumerate(result.candidates, 1)}
    stage_width = 3 + max(
        (
            len(text)
            for r in result.rounds
            for text in (
                *(format_number(v, d) + " *" for v in r.tallies.values()),
                *_transfer_text(r, numbers, d).splitlines(),
                f"Stage {r.number}",
            )
        ),
        default=10,
    )
    per_page = max(1, (width - name_width) // stage_width)
    count = len(result.rounds)
    return [
        count_table(result, stages=slice(i, i + per_page))
        for i in range(0, max(count, 1), per_page)
    ]


def count_table(
    result: CountResult, title: str = "", stages: slice | None = None
) -> Table:
    """The stage table as count sheets publish it.

    Candidates are numbered rows and stages columns; the first row says what
    each stage transferred (``excl. #3``: the votes of candidate 3, excluded,
    and how many); ``*`` marks the stage a candidate is elected at and
    ``excluded`` the stage whose transfer removed them; the last rows give the
    non-transferable votes (cumulative) and the total. ``stages`` selects a
    slice of the stages (one page).
    """
    d = result.decimals
    rounds = result.rounds[stages or slice(None)]
    table = Table(title=title or None, show_lines=False)
    table.add_column("Candidate", no_wrap=True)
    for stage in rounds:
        table.add_column(f"Stage {stage.number}", justify="right", no_wrap=True)
    numbers = {name: i for i, name in enumerate(result.candidates, 1)}
    table.add_row("Transfer", *(_transfer_text(r, numbers, d) for r in rounds))
    table.add_section()
    for name in result.candidates:
        cells: list[Text | str] = []
        for stage in rounds:
            cells.append(_cell(name, stage, d))
        mark = " (elected)" if name in result.elected else ""
        table.add_row(f"{numbers[name]:>2} {name}{mark}", *cells)
    table.add_section()
    table.add_row(
        "Non-transferable",
        *(format_number(r.exhausted, d) for r in rounds),
    )
    table.add_row("Total", *(format_number(_total(r), d) for r in rounds))
    return table


def _transfer_text(stage: Round, numbers: Mapping[str, int], d: int | None) -> str:
    t = stage.transferred
    if t is None:
        return "first prefs" if stage.number == 1 else ""
    kind = {"surplus": "surplus", "exclusion": "excl.", "elimination": "excl."}
    return (
        f"{kind.get(t.kind, t.kind)} #{numbers[t.source]}\n{format_number(t.value, d)}"
    )


def _cell(name: str, stage: Round, decimals: int | None) -> Text:
    if name in stage.excluded:
        return Text("excluded", style="dim")
    value = stage.tallies.get(name)
    if value is None:
        return Text("–", style="dim")
    text = format_number(value, decimals)
    if name in stage.elected:
        return Text(text + " *", style="bold green")
    return Text(text)


def _total(stage: Round) -> Fraction:
    values: Mapping[str, Fraction] = stage.tallies
    return sum(values.values(), Fraction(0)) + stage.exhausted
