"""Render a count for the terminal: the stage table of ``sovet count`` (SR-7).

The JSON and every figure come from the one report (``sovet.counting.report``)
that the API and the web render too; this module lays the report out as the
published stage table. ``count_json``, ``exact_number``, ``format_number`` and
``dumps_exact`` are the report's, re-exported for the CLI's callers.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text

from sovet.counting.report import (
    EXACT_DECIMALS,
    CountReport,
    JsonValue,
    count_report,
    dumps_exact,
    exact_number,
    format_number,
)
from sovet.counting.types import CountResult, Round
from sovet.i18n import gettext as _

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


def count_json(result: CountResult | CountReport) -> dict[str, JsonValue]:
    """DESIGN §4: the report's JSON (``CountReport.to_json``)."""
    return _report(result).to_json()


def _report(result: CountResult | CountReport) -> CountReport:
    return result if isinstance(result, CountReport) else count_report(result)


def count_tables(count: CountResult | CountReport, width: int) -> list[Table]:
    """The stage table split into pages of stages that fit ``width`` columns.

    Count sheets too run over several pages when a count has many stages;
    each page repeats the candidate column.
    """
    report = _report(count)
    result = report.result
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
                _("Stage {n}").format(n=r.number),
            )
        ),
        default=10,
    )
    per_page = max(1, (width - name_width) // stage_width)
    return [
        count_table(report, stages=slice(i, i + per_page))
        for i in range(0, max(len(result.rounds), 1), per_page)
    ]


def count_table(
    count: CountResult | CountReport, title: str = "", stages: slice | None = None
) -> Table:
    """The stage table as count sheets publish it.

    Candidates are numbered rows and stages columns; the first row says what
    each stage transferred (``excl. #3``: the votes of candidate 3, excluded,
    and how many); ``*`` marks the stage a candidate is elected at and
    ``excluded`` the stage whose transfer removed them; the last rows give the
    non-transferable votes (cumulative) and the total. ``stages`` selects a
    slice of the stages (one page).
    """
    report = _report(count)
    result = report.result
    d = result.decimals
    rounds = result.rounds[stages or slice(None)]
    table = Table(title=title or None, show_lines=False)
    table.add_column(_("Candidate"), no_wrap=True)
    for stage in rounds:
        head = _("Stage {n}").format(n=stage.number)
        table.add_column(head, justify="right", no_wrap=True)
    numbers = {name: i for i, name in enumerate(result.candidates, 1)}
    table.add_row(_("Transfer"), *(_transfer_text(r, numbers, d) for r in rounds))
    table.add_section()
    for name in result.candidates:
        cells: list[Text | str] = []
        for stage in rounds:
            cells.append(_cell(name, stage, d))
        mark = _(" (elected)") if name in result.elected else ""
        table.add_row(f"{numbers[name]:>2} {name}{mark}", *cells)
    table.add_section()
    table.add_row(
        _("Non-transferable"),
        *(report.number(report.non_transferable(r)) for r in rounds),
    )
    table.add_row(_("Total"), *(report.number(report.total(r)) for r in rounds))
    return table


def _transfer_text(stage: Round, numbers: Mapping[str, int], d: int | None) -> str:
    t = stage.transferred
    if t is None:
        return _("first prefs") if stage.number == 1 else ""
    kind = {"surplus": _("surplus"), "exclusion": _("excl."), "elimination": _("excl.")}
    return (
        f"{kind.get(t.kind, t.kind)} #{numbers[t.source]}\n{format_number(t.value, d)}"
    )


def _cell(name: str, stage: Round, decimals: int | None) -> Text:
    if name in stage.excluded:
        return Text(_("excluded"), style="dim")
    value = stage.tallies.get(name)
    if value is None:
        return Text("–", style="dim")
    text = format_number(value, decimals)
    if name in stage.elected:
        return Text(text + " *", style="bold green")
    return Text(text)
