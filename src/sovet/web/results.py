"""An election's published result as a count sheet: candidates × stages (SR-7/SR-8).

``count_sheet(state, election)`` reads the ``ElectionCounted`` event of the
election from the log the state was folded from, and lays its stages out the
way returning officers publish them: one row per candidate, one column per
stage, with who was elected or excluded at each stage, the votes exhausted and
the quota. ``stage_bars`` gives the same stages to ``svg.stage_chart``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sovet.domain import FederationState, event_from_stored
from sovet.domain.elections.polling import ElectionCounted, ElectionRecord
from sovet.web.svg import StageBar, faction_colours

__all__ = ["CountSheet", "count_sheet", "number", "stage_bars"]


def number(value: Fraction | None) -> str:
    """A tally as a count sheet prints it: whole, or to five decimals."""
    if value is None:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class CountSheet:
    """SR-7: the published count of one election, ready to print."""

    election: str
    method: str
    candidates: list[tuple[str, str]]  # (id, display name)
    rounds: list[dict[str, Fraction]]
    elected_at: dict[str, int]  # candidate → stage number
    excluded_at: dict[str, int]
    exhausted: list[Fraction]
    elected: list[str]
    quota: Fraction | None
    ballots_cast: int
    registered: int
    ties: list[str]
    seq: int
    colours: dict[str, str]

    def cell(self, candidate: str, stage: int) -> str:
        """The candidate's votes at stage ``stage`` (1-based), blank once out."""
        tally = self.rounds[stage - 1].get(candidate)
        return number(tally)


def _counted(
    state: FederationState, record: ElectionRecord
) -> tuple[ElectionCounted, int] | None:
    for ref in reversed(record.refs):
        if ref.type != "ElectionCounted":
            continue
        for stored in reversed(state.log):
            if stored.seq == ref.seq:
                event = event_from_stored(stored)
                if isinstance(event, ElectionCounted):
                    return event, stored.seq
    return None


def count_sheet(state: FederationState, record: ElectionRecord) -> CountSheet | None:
    """SR-7/SR-8: the count sheet of ``record``, or None before its count."""
    found = _counted(state, record)
    if found is None:
        return None
    counted, seq = found
    elected_at: dict[str, int] = {}
    excluded_at: dict[str, int] = {}
    exhausted: list[Fraction] = []
    for index, stage in enumerate(counted.stages, start=1):
        for person in stage.elected:
            elected_at.setdefault(person, index)
        for person in stage.excluded:
            excluded_at.setdefault(person, index)
        exhausted.append(stage.exhausted)
    rounds = [dict(r) for r in counted.rounds]
    exhausted += [Fraction(0)] * (len(rounds) - len(exhausted))
    if not counted.stages and rounds:
        for person in counted.elected:
            elected_at.setdefault(person, len(rounds))
    ids = list(record.candidates)
    ids += [c for r in rounds for c in r if c not in ids]
    names = [(c, state.display_name(c) or c) for c in ids]
    return CountSheet(
        election=record.id,
        method=counted.method,
        candidates=names,
        rounds=rounds,
        elected_at=elected_at,
        excluded_at=excluded_at,
        exhausted=exhausted,
        elected=list(counted.elected),
        quota=counted.quota,
        ballots_cast=counted.ballots_cast,
        registered=counted.registered,
        ties=list(counted.ties),
        seq=seq,
        colours=faction_colours(ids),
    )


def stage_bars(sheet: CountSheet) -> list[StageBar]:
    """SR-8: each stage's tallies (by display name) and exhausted votes."""
    names = dict(sheet.candidates)
    return [
        StageBar(
            str(i),
            {names.get(c, c): v for c, v in tallies.items()},
            sheet.exhausted[i - 1],
        )
        for i, tallies in enumerate(sheet.rounds, start=1)
    ]


def bar_colours(sheet: CountSheet) -> dict[str, str]:
    """The colour of each candidate's segment, keyed by display name."""
    return {name: sheet.colours[key] for key, name in sheet.candidates}
