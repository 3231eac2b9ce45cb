"""The elections a session's minutes report, each with its count sheet (SR-7/SR-8).

``elections_of_period(state, session)`` picks them: every counted election in
a constituency of the session's body or of a body beneath it, counted (by day)
after the body's previous session closed — or opened, if it never closed —
and no later than this session closed. ``counted_election`` lays out its count
sheet from the one count report (``services.results.election_report_from``,
``counting.report``) that ``sovet count``, the API and the web print: a row per
candidate with a figure per stage and the stage they were elected or excluded
at, what each stage transferred, the non-transferable votes and each stage's
total, the quota — every figure written by ``CountReport.number``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sovet.domain.elections.polling import ElectionRecord
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.state import FederationState
from sovet.errors import NotFound, says
from sovet.i18n import gettext
from sovet.ledger.envelope import StoredEvent
from sovet.services.results import ElectionReport, election_report_from

__all__ = [
    "Act",
    "CountedElection",
    "SheetRow",
    "counted_election",
    "elections_of_period",
]


@dataclass(frozen=True, slots=True)
class Act:
    """One entry of the log: where it is, its hash, when, what."""

    seq: int
    hash: str
    time: str
    type: str
    summary: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of a count sheet: its id, label, a figure per stage, outcome.

    ``label``, ``cells`` and ``outcome`` are data (the CSV's, in English);
    ``shown``, ``shown_cells`` and ``said`` are the same in the reader's
    language, for the HTML and PDF.
    """

    key: str
    label: str
    cells: tuple[str, ...]
    outcome: str = ""
    shown: str = ""
    shown_cells: tuple[str, ...] = ()
    said: str = ""


@dataclass(frozen=True, slots=True)
class CountedElection:
    """SR-7/SR-8: an election of the period and its count sheet."""

    id: str
    constituency: str
    method: str
    seats: int
    by_election: bool
    status: str
    ballots_cast: int
    registered: int
    quota: str | None
    elected: tuple[str, ...]
    stages: tuple[int, ...]
    stages_known: bool
    rows: tuple[SheetRow, ...]
    """The transfer row, a row per candidate, non-transferable, total."""
    counted: Act
    published: Act | None
    verified: Act | None


def _beneath(state: FederationState, body: str) -> set[str]:
    """``body`` and every body whose chain of parents reaches it."""
    found = {body}
    grew = True
    while grew:
        more = {
            key
            for key, record in state.bodies.items()
            if record.parent in found and key not in found
        }
        found |= more
        grew = bool(more)
    return found


def elections_of_period(
    state: FederationState, session: Assembly
) -> list[ElectionRecord]:
    """SR-7: the counted elections the session's minutes report.

    Those in a constituency of the session's body or of a body beneath it,
    counted (by day) after the body's previous session closed — or opened, if
    it never closed — and no later than this session closed; in log order.
    """
    bodies = _beneath(state, session.body)
    places = {c.id for c in state.constituencies.values() if c.council in bodies}
    ordered = sorted(
        (a for a in state.assemblies.values() if a.body == session.body),
        key=lambda a: a.made_by.seq,
    )
    index = ordered.index(session)
    before = ordered[index - 1] if index else None
    start = (before.closed_at or before.opened_at)[:10] if before else None
    end = session.closed_at[:10] if session.closed_at else None
    found: list[tuple[int, ElectionRecord]] = []
    for record in state.elections.values():
        counted = _last(record, "ElectionCounted")
        if record.constituency not in places or counted is None:
            continue
        day = counted.at[:10]
        if (start is None or day > start) and (end is None or day <= end):
            found.append((counted.seq, record))
    return [record for _, record in sorted(found, key=lambda pair: pair[0])]


def _last(record: ElectionRecord, kind: str) -> EventRef | None:
    return next((r for r in reversed(record.refs) if r.type == kind), None)


def _outcome(found: ElectionReport, candidate: str) -> tuple[str, str]:
    """The candidate's outcome as data (English) and as said to the reader."""
    report = found.report
    if candidate in report.elected_at:
        stage = report.elected_at[candidate]
        said = gettext("elected at stage {stage}").format(stage=stage)
        return f"elected at stage {stage}", said
    if candidate in report.excluded_at:
        stage = report.excluded_at[candidate]
        said = gettext("excluded at stage {stage}").format(stage=stage)
        return f"excluded at stage {stage}", said
    if candidate in report.result.elected:
        return "elected", gettext("elected")
    return "not elected", gettext("not elected")


def _row(key: str, label: str, cells: tuple[str, ...], shown: str) -> SheetRow:
    """A fixed row (transfer, non-transferable, total) with its label said."""
    said = tuple(gettext("not recorded") if c == "not recorded" else c for c in cells)
    return SheetRow(key, label, cells, shown=shown, shown_cells=said)


def counted_election(
    state: FederationState,
    record: ElectionRecord,
    act_at: Callable[[int], Act],
    event_at: Callable[[int], StoredEvent | None],
) -> CountedElection:
    """SR-7/SR-8: ``record``'s count sheet, from the one count report; its
    events come from ``event_at`` (which reads earlier ones from the store:
    an election of the period was counted before the session opened)."""

    def read(seq: int) -> StoredEvent:
        found = event_at(seq)
        if found is None:  # pragma: no cover - the state folded this log
            raise NotFound("SR-7", says("event {seq} is not in the log", seq=seq), seq)
        return found

    found = election_report_from(read, record)
    if found is None:  # pragma: no cover - only counted elections come here
        raise NotFound(
            "SR-7", says("election {id!r} is not counted", id=record.id), record.id
        )
    report = found.report
    result = report.result
    name = state.display_name

    def label(candidate: str) -> str:
        return name(candidate) or candidate

    transfers = []
    said = []
    for stage in report.rounds:
        moved = stage.transferred
        if moved is not None:
            kind = "Surplus of" if moved.kind == "surplus" else "Exclusion of"
            source, value = label(moved.source), report.number(moved.value)
            transfers.append(f"{kind} {source}: {value}")
            shown = (
                gettext("Surplus of {source}: {value}")
                if moved.kind == "surplus"
                else gettext("Exclusion of {source}: {value}")
            )
            said.append(shown.format(source=source, value=value))
        else:
            first = stage.number == 1
            transfers.append("First preferences" if first else "")
            said.append(gettext("First preferences") if first else "")
    known = report.stages_known

    def candidate_row(c: str) -> SheetRow:
        cells = tuple(report.cell(c, stage) for stage in report.rounds)
        outcome, outcome_said = _outcome(found, c)
        return SheetRow(c, label(c), cells, outcome, label(c), cells, outcome_said)

    rows = [
        SheetRow(
            "transfer",
            "Transfer",
            tuple(transfers),
            shown=gettext("Transfer"),
            shown_cells=tuple(said),
        ),
        *(candidate_row(c) for c in result.candidates),
        _row(
            "non-transferable",
            "Non-transferable",
            tuple(
                report.number(report.non_transferable(stage))
                if known
                else "not recorded"
                for stage in report.rounds
            ),
            gettext("Non-transferable"),
        ),
        _row(
            "total",
            "Total",
            tuple(
                report.number(report.total(stage)) if known else ""
                for stage in report.rounds
            ),
            gettext("Total"),
        ),
    ]
    verified = _last(record, "ElectionVerified")
    return CountedElection(
        id=record.id,
        constituency=record.constituency,
        method=result.method,
        seats=result.seats,
        by_election=record.by_election,
        status=record.status,
        ballots_cast=found.ballots_cast,
        registered=found.registered,
        quota=None if result.quota is None else report.number(result.quota),
        elected=tuple(label(c) for c in result.elected),
        stages=tuple(stage.number for stage in report.rounds),
        stages_known=known,
        rows=tuple(rows),
        counted=act_at(found.counted[0]),
        published=act_at(found.published[0]) if found.published else None,
        verified=act_at(verified.seq) if verified else None,
    )
