"""Election and recall-petition pages (SR-7…SR-10, DESIGN §6 secret ballots).

``/elections`` lists the elections; ``/elections/{id}`` shows one: its
candidates, the ballot form while its poll is open — generated from the ballot
its counting method declares (``sovet.counting.ballots``): one mark as radio
buttons (plurality, block vote for one seat), 1 … seats or any number of marks
as checkboxes (block vote, approval), a number per candidate for a ranking
(1 = first choice), one list as radio buttons (list PR) — and after the count
the published count sheet (candidates × stages) with a stacked-bar picture of
the transfers. A refused ballot re-shows the form with what the voter entered.
``/petitions`` and ``/petitions/{id}`` show recall petitions with a
progress bar of signatures against the constitution's threshold (SR-10).
The forms (cast, open, close, sign) post to ``sovet.web.actions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sovet.counting.ballots import BallotShape, MarkedBallot
from sovet.counting.methods import get_method
from sovet.domain.recall.petitions import petition_progress
from sovet.errors import InputError, SovetError
from sovet.i18n import gettext
from sovet.services.results import election_report
from sovet.web import results, svg, views
from sovet.web.common import At, error_page, services_of
from sovet.web.render import page
from sovet.web.session import viewer

__all__ = [
    "Entered",
    "ballot_from_form",
    "election_page",
    "entered_of",
    "is_ranked",
    "petition_page",
    "router",
]

Entered = dict[str, list[str]]
"""What a form carried, field name → values (re-shown after a refusal)."""

router = APIRouter(include_in_schema=False)

RECALL_EFFECTS = frozenset(
    {"RecallDemanded", "DeputyRecalled", "ByElectionScheduled", "RecallVoteCalled"}
)
"""SR-10: the events a successful petition sets off, by the recall mode."""


def is_ranked(method: str) -> bool:
    """SR-7: whether the method reads a ranking (else an approval set)."""
    return get_method(method).ranked


def entered_of(form: Mapping[str, object] | Sequence[tuple[str, object]]) -> Entered:
    """The fields of a form as the page re-shows them (never the CSRF token)."""
    pairs = list(form.items()) if isinstance(form, Mapping) else list(form)
    entered: Entered = {}
    for key, value in pairs:
        if key != "csrf_token" and isinstance(value, str):
            entered.setdefault(key, []).append(value)
    return entered


def ballot_from_form(
    form: Mapping[str, object] | Sequence[tuple[str, object]],
    candidates: Sequence[str],
    *,
    shape: BallotShape,
) -> MarkedBallot:
    """SR-7: the ballot a form describes, in the shape the method declares.

    Marks: repeated ``marks`` fields (radio buttons for one mark, checkboxes
    otherwise). A list: the ``list`` field. A ranking: fields ``rank-<candidate>``
    hold 1, 2, 3 … (blank = unranked); the numbers must be distinct whole
    numbers from 1 without gaps, else ``InputError`` names the field. Whether
    the marks fit the method (how many, who) is ``check_ballot``'s to say when
    the ballot is cast: nothing here drops or re-orders a mark.
    """
    pairs = list(form.items()) if isinstance(form, Mapping) else list(form)
    if shape.kind == "marks":
        return MarkedBallot("marks", tuple(str(v) for k, v in pairs if k == "marks"))
    if shape.kind == "list":
        chosen = tuple(str(v) for k, v in pairs if k == "list")
        preferences = tuple(str(v) for k, v in pairs if k == "preferences")
        return MarkedBallot("list", chosen, preferences)
    ranks: dict[int, str] = {}
    for candidate in candidates:
        field = f"rank-{candidate}"
        raw = next((str(v).strip() for k, v in pairs if k == field), "")
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            raise InputError(
                gettext("rank {raw} is not a whole number from 1").format(
                    raw=repr(raw)
                ),
                key=field,
            )
        if int(raw) in ranks:
            raise InputError(
                gettext("rank {raw} is given twice").format(raw=raw), key=field
            )
        ranks[int(raw)] = candidate
    if not ranks:
        raise InputError(
            gettext("number at least one candidate (1 = first choice)"), key="rank"
        )
    order = sorted(ranks)
    if order != list(range(1, len(order) + 1)):
        raise InputError(
            gettext("ranks must run 1, 2, 3 … without gaps; got {order}").format(
                order=order
            ),
            key="rank",
        )
    return MarkedBallot("ranking", tuple(ranks[n] for n in order))


@router.get("/elections", response_class=HTMLResponse)
@views.serialized
def elections(request: Request, at: At = None) -> HTMLResponse:
    """SR-7: every election, its constituency, method, poll and status."""
    try:
        moment_ = views.state_at(services_of(request), at)
    except SovetError as error:
        return error_page(request, error, at)
    listing = list(moment_.state.elections.values())
    return page(request, "elections.html", at=at, moment=moment_, elections=listing)


@router.get("/elections/{election_id}", response_class=HTMLResponse)
@views.serialized
def election(request: Request, election_id: str, at: At = None) -> HTMLResponse:
    """SR-7/SR-8: one election — the ballot form while open, the count sheet after."""
    return election_page(request, election_id, at)


def election_page(
    request: Request,
    election_id: str,
    at: str | None,
    *,
    entered: Entered | None = None,
    refusal: SovetError | None = None,
    refused: str = "ballot",
    status: int = 200,
) -> HTMLResponse:
    """The election page (hold the web's lock). With ``refusal`` the form it
    answers (``refused``: ``ballot``, ``open`` or ``close``) is shown again as it
    was filled in (``entered``), with the reason in a plain sentence."""
    try:
        moment_ = views.state_at(services_of(request), at)
        record = moment_.state.election(election_id)
        found = election_report(services_of(request), record)
    except SovetError as error:
        return error_page(request, error, at)
    state = moment_.state
    sheet = None if found is None else results.count_sheet(state, found)
    picture = None
    if sheet is not None and sheet.rounds:
        picture = svg.stage_chart(
            results.stage_bars(sheet),
            results.bar_colours(sheet),
            title=gettext("Votes at each stage of the count of {election}").format(
                election=record.id
            ),
        )
    candidates = [(c, state.display_name(c) or c) for c in record.candidates]
    constituency = state.constituencies.get(record.constituency)
    council = constituency.council if constituency else None
    who = viewer(request).principal
    # A ballot only for whom may cast it: a member linked to a person (an
    # administrator holds every role but is no elector).
    may_vote = who is not None and bool(who.person) and who.has_role("member", council)
    may_run = who is not None and who.has_role("secretary", council)
    factions = {c: state.display_name(f) or f for c, f in record.candidates.items()}
    shape = get_method(record.method).ballot
    return page(
        request,
        "election.html",
        at=at,
        status=status,
        moment=moment_,
        election=record,
        candidates=candidates,
        factions=factions,
        shape=shape,
        max_marks=shape.max_marks(record.seats, len(candidates)),
        instruction=shape.instruction(record.seats, len(candidates)),
        entered=entered or {},
        refusal=refusal,
        refused=refused,
        sheet=sheet,
        picture=picture,
        constituency=constituency,
        council=state.display_name(council) if council else None,
        may_vote=may_vote,
        may_run=may_run,
    )


@router.get("/petitions", response_class=HTMLResponse)
@views.serialized
def petitions(request: Request, at: At = None) -> HTMLResponse:
    """SR-10: every recall petition with its progress."""
    try:
        moment_ = views.state_at(services_of(request), at)
        when = at or services_of(request).clock.now().date().isoformat()
        state = moment_.state
        progress = [petition_progress(state, key, when) for key in state.petitions]
    except SovetError as error:
        return error_page(request, error, at)
    return page(
        request,
        "petitions.html",
        at=at,
        moment=moment_,
        petitions=progress,
        named=lambda key: state.display_name(key) or key,
    )


@router.get("/petitions/{petition_id}", response_class=HTMLResponse)
@views.serialized
def petition(request: Request, petition_id: str, at: At = None) -> HTMLResponse:
    """SR-10: a recall petition — signatures against the threshold, and sign."""
    return petition_page(request, petition_id, at)


def petition_page(
    request: Request,
    petition_id: str,
    at: str | None,
    *,
    refusal: SovetError | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The petition page (hold the web's lock); with ``refusal`` the reason a
    signature was refused, beside the form."""
    services = services_of(request)
    try:
        moment_ = views.state_at(services, at)
        state = moment_.state
        record = state.petition(petition_id)
        when = at or services.clock.now().date().isoformat()
        progress = petition_progress(state, petition_id, when)
    except SovetError as error:
        return error_page(request, error, at)
    constituency = state.constituencies.get(record.constituency)
    council = constituency.council if constituency else None
    who = viewer(request).principal
    may_sign = who is not None and bool(who.person) and who.has_role("member", council)
    signed = who is not None and who.person is not None and who.person in record.signers
    by_elections = [
        e
        for e in state.elections.values()
        if e.constituency == record.constituency and e.by_election
    ]
    effects = [
        ref
        for ref in (constituency.refs if constituency else [])
        if ref.seq > record.opened.seq and ref.type in RECALL_EFFECTS
    ]
    return page(
        request,
        "petition.html",
        at=at,
        status=status,
        moment=moment_,
        petition=record,
        progress=progress,
        constituency=constituency,
        by_elections=by_elections,
        effects=effects,
        may_sign=may_sign,
        signed=signed,
        refusal=refusal,
        named=lambda key: state.display_name(key) or key,
    )
