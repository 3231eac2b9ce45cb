"""An election's published result as a count sheet: candidates × stages (SR-7/SR-8).

The sheet is a layout of the one count report (``services.results``, built by
``sovet.counting.report.count_report``) that ``GET /api/elections/{id}`` and
``sovet count`` render too: one row per candidate, one column per stage, what
each stage transferred, who was elected or excluded at which stage, the
non-transferable votes (cumulative) and each stage's total, the quota — every
figure written by the report (``CountReport.number``), so the page, the API's
JSON and ``sovet count`` print the same digits. ``stage_bars`` gives the same
stages to ``svg.stage_chart``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sovet.counting.report import CountReport
from sovet.counting.types import Round
from sovet.domain import FederationState
from sovet.i18n import gettext
from sovet.services.results import ElectionReport
from sovet.web.svg import StageBar
from sovet.web.views import candidate_colours

__all__ = ["CountSheet", "bar_colours", "count_sheet", "factions_of", "stage_bars"]


@dataclass(frozen=True, slots=True)
class CountSheet:
    """SR-7: the published count of one election, ready to print."""

    found: ElectionReport
    candidates: list[tuple[str, str]]  # (id, display name)
    colours: dict[str, str]

    @property
    def report(self) -> CountReport:
        """The count report the sheet lays out."""
        return self.found.report

    @property
    def rounds(self) -> tuple[Round, ...]:
        """The stages, in order."""
        return self.found.report.rounds

    def name(self, candidate: str) -> str:
        """The candidate's display name."""
        return dict(self.candidates).get(candidate, candidate)

    def outcome(self, candidate: str) -> str:
        """ "elected at stage N", "excluded at stage N", "elected" (stage not
        recorded) or "not elected"."""
        report = self.report
        if candidate in report.elected_at:
            return gettext("elected at stage {stage}").format(
                stage=report.elected_at[candidate]
            )
        if candidate in report.excluded_at:
            return gettext("excluded at stage {stage}").format(
                stage=report.excluded_at[candidate]
            )
        if candidate in report.result.elected:
            return gettext("elected")
        return gettext("not elected")


def count_sheet(state: FederationState, found: ElectionReport) -> CountSheet:
    """SR-7/SR-8: the count sheet of the report ``found`` (names from ``state``),
    each candidate in the colour of the faction they stand for."""
    ids = list(found.report.result.candidates)
    names = [(c, state.display_name(c) or c) for c in ids]
    return CountSheet(found, names, candidate_colours(state, factions_of(state, found)))


def factions_of(state: FederationState, found: ElectionReport) -> dict[str, str | None]:
    """Each candidate's faction: as the election lists them, else the person's."""
    record = state.elections.get(found.election)
    listed = record.candidates if record is not None else {}
    factions: dict[str, str | None] = {}
    for candidate in found.report.result.candidates:
        person = state.persons.get(candidate)
        own = person.faction if person is not None else None
        factions[candidate] = listed.get(candidate) or own
    return factions


def stage_bars(sheet: CountSheet) -> list[StageBar]:
    """SR-8: each stage's tallies (by display name) and non-transferable votes."""
    return [
        StageBar(
            str(stage.number),
            {sheet.name(c): v for c, v in stage.tallies.items()},
            sheet.report.non_transferable(stage),
        )
        for stage in sheet.rounds
    ]


def bar_colours(sheet: CountSheet) -> dict[str, str]:
    """The colour of each candidate's segment, keyed by display name."""
    return {name: sheet.colours[key] for key, name in sheet.candidates}
