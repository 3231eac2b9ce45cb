"""Minutes of a session (issue 12, item 6): its acts, attendance, motions, votes.

A *session* is any ``Assembly``: a congress session, an executive committee or
a sitting of any body (SR-16…SR-19). ``find_session`` takes a session id or a
body id (its latest session: its latest congress when it has any). The
``Minutes`` are built from the folded state and the events it has seen, by seq:

- the *acts*: every event of the session in log order, each with its seq, hash,
  time, type and summary — an event is the session's when it names the session
  (``assembly``, ``congress``, ``sitting``, ``executive``) or one of its motions
  (votes, instructions, dissent from its decisions);
- attendance and credentials: decisive, consultative and walked-out delegates
  per faction, the delegates named, the credential acts;
- the motions in the order proposed, with named votes, counts, the binding
  decision and the written dissent declared against it (SR-31);
- the elections since the body's previous session (SR-7/SR-8): every counted
  election in a constituency of the session's body or of a body beneath it,
  counted after the previous session of that body closed (or opened, if it is
  still open) and no later than this session closed; each with its count
  sheet — the stages, the quota, who was elected or excluded at which stage,
  the non-transferable votes and each stage's total — laid out from the one
  count report (``services.results``, ``counting.report``) that ``sovet
  count``, the API and the web print, so the figures are the same digits.

One report, three renderings: ``to_csv`` (one row per act; then, after an
empty row, the count sheets, one row per figure: ``SHEET_COLUMNS``),
``to_html`` (a page of its own, ``templates/minutes.html``) and ``to_pdf``
(WeasyPrint, the optional extra ``sovet[pdf]``; ``InputError`` naming
``--format pdf`` when it is missing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sovet import i18n
from sovet.domain import event_from_stored, summary
from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.state import FederationState
from sovet.errors import InputError, NotFound, says
from sovet.ledger.envelope import StoredEvent
from sovet.services.minutes_sheets import (
    Act,
    CountedElection,
    counted_election,
    elections_of_period,
)
from sovet.services.words import said_day, word

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "PDF_MISSING",
    "SHEET_COLUMNS",
    "Act",
    "CountedElection",
    "Minutes",
    "build_minutes",
    "find_session",
    "to_csv",
    "to_html",
    "to_pdf",
]

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}
"""The renderings and their media types."""

CSV_COLUMNS = ("seq", "hash", "time", "type", "summary")

SHEET_COLUMNS = ("election", "seq", "hash", "row", "stage", "votes", "outcome")
"""The CSV's count-sheet rows: the election, its count's log entry (seq, hash),
then a candidate's id (or ``quota``, ``non-transferable``, ``total``), the
stage (empty for the quota), the figure as the count report writes it, and
the candidate's outcome."""

PDF_MISSING = says(
    "--format pdf needs WeasyPrint, which is not installed: "
    "pip install 'sovet[pdf]' (it also needs the Pango libraries, "
    "Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)

_SESSION_KEYS = ("assembly", "congress", "sitting", "executive")
"""The payload fields that name the session an event belongs to."""

_TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
_env.policies["ext.i18n.trimmed"] = True  # msgids without layout whitespace
_env.install_gettext_callables(  # type: ignore[attr-defined]  # the extension's
    i18n.gettext, i18n.ngettext, newstyle=False
)
_env.filters["day"] = said_day
_env.globals["word"] = word


@dataclass(frozen=True, slots=True)
class Attendance:
    """SR-17/SR-19: delegates of a faction: seated, consultative, walked out."""

    faction: str
    name: str
    seated: int
    consultative: int
    absent: int


@dataclass(frozen=True, slots=True)
class Delegate:
    """SR-17: a delegate credentialed by name."""

    person: str
    name: str
    faction: str
    kind: str
    sender: str
    present: bool


@dataclass(frozen=True, slots=True)
class Vote:
    """SR-19: one delegate's vote by name."""

    person: str
    name: str
    choice: str


@dataclass(frozen=True, slots=True)
class Dissent:
    """SR-31: a written declaration of dissent, with its log entry."""

    person: str
    name: str
    text: str
    act: Act | None


@dataclass(frozen=True, slots=True)
class Motion:
    """SR-19: a motion, its outcome and votes, and the decision it made."""

    id: str
    kind: str
    text: str
    status: str
    majority: str
    basis: str
    yes: int
    no: int
    abstain: int
    unrecorded: bool
    supported_by: tuple[str, ...]
    votes: tuple[Vote, ...]
    proposed: Act
    closed: Act | None
    decision: Act | None
    dissent: tuple[Dissent, ...]


@dataclass(frozen=True, slots=True)
class Minutes:
    """The minutes of one session, each item with its log entry (seq, hash)."""

    session: str
    name: str
    kind: str
    body: str
    body_name: str
    opened_at: str
    closed_at: str | None
    head: tuple[int, str]
    acts: tuple[Act, ...]
    attendance: tuple[Attendance, ...]
    delegates: tuple[Delegate, ...]
    credentials: tuple[Act, ...]
    motions: tuple[Motion, ...]
    elections: tuple[CountedElection, ...] = ()

    @property
    def seated(self) -> int:
        """Decisive delegates credentialed."""
        return sum(a.seated for a in self.attendance)

    @property
    def present(self) -> int:
        """Decisive delegates present (seated minus walked out)."""
        return sum(a.seated - a.absent for a in self.attendance)


def find_session(state: FederationState, key: str) -> Assembly:
    """The session ``key``, or the latest session of the body ``key``.

    A body's latest session is its latest congress when it has any, else its
    latest sitting or committee (by the event that opened it).
    """
    if key in state.assemblies:
        return state.assemblies[key]
    if key in state.bodies:
        congress = state.latest_congress(key)
        if congress is not None:
            return congress
        sessions = [a for a in state.assemblies.values() if a.body == key]
        if sessions:
            return max(sessions, key=lambda a: a.made_by.seq)
        raise NotFound("SR-15", says("body {key!r} has held no session", key=key), key)
    raise NotFound(
        "SR-15",
        says("unknown session or body {key!r} (a session id or a body id)", key=key),
        key,
    )


def _act(stored: StoredEvent) -> Act:
    return Act(
        stored.seq,
        stored.hash,
        stored.recorded_at,
        stored.type,
        summary(event_from_stored(stored)),
    )


def _belongs(stored: StoredEvent, session: str, motions: set[str]) -> bool:
    payload = stored.payload
    if any(payload.get(key) == session for key in _SESSION_KEYS):
        return True
    for key in ("motion", "decision"):
        value = payload.get(key)
        if isinstance(value, str) and value in motions:
            return True
    return False


def build_minutes(state: FederationState, key: str) -> Minutes:
    """The minutes of session ``key`` (or of body ``key``'s latest session)."""
    session = find_session(state, key)
    if state.head is None:  # pragma: no cover - a session implies events
        raise NotFound("SR-15", says("the log is empty"), key)
    name = state.display_name
    own = [m for m in state.motions.values() if m.assembly == session.id]
    own.sort(key=lambda m: m.proposed.seq)
    motion_ids = {m.id for m in own}
    # Read again from the store (issue 13), from the act that opened the
    # session on: what refers to a session comes after it in the log.
    log = state.events(after=session.made_by.seq - 1)
    acts = tuple(_act(e) for e in log if _belongs(e, session.id, motion_ids))
    by_seq = {a.seq: a for a in acts}
    every = {e.seq: e for e in log}

    def event_at(seq: int) -> StoredEvent | None:
        """The event ``seq``, read again from the store if it is earlier."""
        if seq not in every:
            every.update((e.seq, e) for e in state.events())  # an earlier one
        return every.get(seq)

    def act_at(seq: int) -> Act:
        found = by_seq.get(seq)
        if found is not None:
            return found
        event = event_at(seq)
        if event is None:  # pragma: no cover - the state folded this log
            raise NotFound("SR-7", says("event {seq} is not in the log", seq=seq), seq)
        return _act(event)

    dissent_acts = {
        (str(e.payload.get("decision")), str(e.payload.get("person"))): by_seq[e.seq]
        for e in log
        if e.type == "DissentDeclared" and e.seq in by_seq
    }
    factions = dict.fromkeys([*session.seated, *session.consultative, *session.absent])
    attendance = tuple(
        Attendance(
            f,
            name(f) or f,
            session.seated.get(f, 0),
            session.consultative.get(f, 0),
            session.absent.get(f, 0),
        )
        for f in factions
    )
    delegates = tuple(
        Delegate(
            d.person,
            name(d.person) or d.person,
            name(d.faction) or d.faction,
            d.kind,
            (name(d.sender) or d.sender) if d.sender else "",
            d.present,
        )
        for d in session.delegates.values()
    )
    credential_seqs = sorted(
        {r.seq for r in session.credentials}
        | (
            {session.credentials_committee.seq}
            if session.credentials_committee
            else set()
        )
    )
    motions = []
    for m in own:
        decision = state.decisions.get(m.id)
        motions.append(
            Motion(
                m.id,
                m.kind,
                m.text,
                m.status,
                m.majority,
                m.basis,
                m.yes,
                m.no,
                m.abstain,
                m.unrecorded,
                tuple(name(f) or f for f in m.supported_by),
                tuple(Vote(p, name(p) or p, c) for p, c in m.votes.items()),
                act_at(m.proposed.seq),
                act_at(m.closed.seq) if m.closed else None,
                act_at(decision.ref.seq) if decision else None,
                tuple(
                    Dissent(p, name(p) or p, text, dissent_acts.get((m.id, p)))
                    for p, text in (decision.dissent.items() if decision else ())
                ),
            )
        )
    return Minutes(
        session=session.id,
        name=session.name,
        kind=session.kind,
        body=session.body,
        body_name=name(session.body) or session.body,
        opened_at=session.opened_at,
        closed_at=session.closed_at,
        head=state.head,
        acts=acts,
        attendance=attendance,
        delegates=delegates,
        credentials=tuple(act_at(seq) for seq in credential_seqs),
        motions=tuple(motions),
        elections=tuple(
            counted_election(state, record, act_at, event_at)
            for record in elections_of_period(state, session)
        ),
    )


def to_csv(minutes: Minutes) -> str:
    """One row per act, in log order: seq, hash, time, type, summary; then, if
    any election was counted in the period, an empty row and the count sheets
    (``SHEET_COLUMNS``), one row per figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for act in minutes.acts:
        writer.writerow((act.seq, act.hash, act.time, act.type, act.summary))
    if minutes.elections:
        writer.writerow(())
        writer.writerow(SHEET_COLUMNS)
    for election in minutes.elections:
        head = (election.id, election.counted.seq, election.counted.hash)
        if election.quota is not None:
            writer.writerow((*head, "quota", "", election.quota, ""))
        for row in election.rows:
            if row.key == "transfer":
                continue
            for stage, cell in zip(election.stages, row.cells, strict=True):
                writer.writerow((*head, row.key, stage, cell, row.outcome))
    return out.getvalue()


def to_html(minutes: Minutes) -> str:
    """The minutes as a standalone HTML document (also the PDF's source), in
    the current language (``i18n.use``); the CSV stays English: it is data."""
    return _env.get_template("minutes.html").render(m=minutes, lang=i18n.language())


def to_pdf(minutes: Minutes) -> bytes:
    """The minutes as PDF (WeasyPrint); ``InputError`` when it is not installed."""
    try:
        from weasyprint import HTML  # the optional extra sovet[pdf]
    except (ImportError, OSError):  # OSError: WeasyPrint without Pango
        raise InputError(PDF_MISSING, source="--format pdf") from None
    pdf: bytes = HTML(string=to_html(minutes)).write_pdf()
    return pdf
