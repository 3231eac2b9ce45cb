"""The web UI's pages (HTML, server-rendered): who governs and why, and how.

``router`` is included by ``sovet.api.app.create_app``; the pages read the
``Services`` from ``request.app.state.services``. Every page takes ``?at=``
(an ISO date) and shows the state as recorded up to that day (SR-28).

Pages: ``/`` legitimacy (SR-28) with its proof linked to ``/log#seq-N``;
``/rules`` the rules SR-1 … SR-32 that every rule id links to (``handbook``);
``/federation`` the bodies (SR-2); ``/congress`` and ``/congress/{id}`` the
sessions as hemicycles (SR-16…SR-19); ``/log`` the log, paged; ``/audit``
verification (chain, Merkle roots, signatures) and ``/audit/export``; the
election and petition pages live in ``sovet.web.voting``, their forms in
``sovet.web.actions``, the sign-in and member pages in ``sovet.web.members``,
``/whatif`` in ``sovet.web.whatif``; all are included here.
Domain errors become an HTML error page with the status the API would give.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from markupsafe import Markup

from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.calendar import moment
from sovet.errors import ChainBroken, SovetError
from sovet.i18n import gettext, translate
from sovet.ledger.keyring import fingerprint
from sovet.ports import Checkpoint
from sovet.services.keys import Anchor, Verification
from sovet.services.queries import check_time, log_page
from sovet.services.transfer import export_lines
from sovet.services.trust import anchors_for, verify_database
from sovet.services.words import said_day
from sovet.web import (
    acting,
    actions,
    handbook,
    members,
    minutes,
    svg,
    views,
    voting,
    whatif,
)
from sovet.web.common import (
    STATIC,
    At,
    KnownAt,
    error_page,
    install_error_pages,
    services_of,
)
from sovet.web.render import page, use_language

__all__ = ["router"]

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(use_language), Depends(install_error_pages)],
)


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The stylesheet, the progressive-enhancement script and htmx (vendored)."""
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain")
    path = views.STATIC_DIR / name
    return FileResponse(path, media_type=STATIC[name])


@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request) -> HTMLResponse:
    """The rules SR-1 … SR-32 (``docs/rules.md``): where every rule id links."""
    return page(request, "rules.html", body=Markup(handbook.rules_html()))


@router.get("/", response_class=HTMLResponse)
@views.serialized
def home(request: Request, at: At = None, as_known_at: KnownAt = None) -> HTMLResponse:
    """SR-28: who governs at ``at`` (default now), why, until when, with proof —
    as the records stood at ``as_known_at`` (default: as they stand)."""
    services = services_of(request)
    try:
        moment_ = views.state_at(services, at)
        when = at or services.clock.now().date().isoformat()
        check_time(when, key="at")
        state = views.head(services)
        if as_known_at:
            check_time(as_known_at, key="as_known_at")
            state = state.as_known_at(as_known_at)
        answer = legitimacy(state, when).to_json()
    except SovetError as error:
        return error_page(request, error, at)
    held = answer.get("majority")
    seats = views.majority_of(moment_.state, held["body"]) if held else None
    return page(
        request,
        "home.html",
        at=at,
        answer=answer,
        when=when,
        moment=moment_,
        seats=seats,
        as_known_at=as_known_at,
    )


@router.get("/federation", response_class=HTMLResponse)
@views.serialized
def federation(request: Request, at: At = None, full: bool = False) -> HTMLResponse:
    """SR-2: the tree of bodies, each with its composition by faction, and the
    federation-wide forms for an administrator (``acting``).

    At most ``acting.TREE_LIMIT`` children per body unless ``?full=true``.
    """
    return acting.federation_page(request, at, full)


@router.get("/bodies/{body_id}", response_class=HTMLResponse)
@views.serialized
def body(request: Request, body_id: str, at: At = None) -> HTMLResponse:
    """SR-2/SR-9: a body's seats as a hemicycle (vacant seats grey), and the
    forms of every command the signed-in account may issue there (``acting``)."""
    return acting.body_page(request, body_id, at)


@router.get("/congress", response_class=HTMLResponse)
@views.serialized
def congresses(request: Request, at: At = None) -> HTMLResponse:
    """SR-15/SR-20: the sessions of congress and the executive committees."""
    try:
        moment_ = views.state_at(services_of(request), at)
    except SovetError as error:
        return error_page(request, error, at)
    return page(
        request,
        "congresses.html",
        at=at,
        moment=moment_,
        sessions=views.sessions(moment_.state),
    )


@router.get("/congress/{session_id}", response_class=HTMLResponse)
@views.serialized
def congress(request: Request, session_id: str, at: At = None) -> HTMLResponse:
    """SR-16…SR-19: a session as a hemicycle by faction, with the majority line."""
    try:
        moment_ = views.state_at(services_of(request), at)
        session = moment_.state.assembly(session_id)
    except SovetError as error:
        return error_page(request, error, at)
    parts = views.session_slices(moment_.state, session)
    consultative = views.slices(moment_.state, session.consultative)
    noun = views.seated_noun(session)
    title = session.name + ": " + gettext(noun)
    picture = svg.seats_picture(parts, title=title, noun=noun)
    return page(
        request,
        "congress.html",
        at=at,
        moment=moment_,
        session=session,
        slices=parts,
        consultative=consultative,
        seated=sum(p.seats for p in parts),
        noun=noun,
        majority=svg.majority(sum(p.seats for p in parts)),
        picture=picture,
        opened=said_day(session.opened_at),
    )


@router.get("/log", response_class=HTMLResponse)
@views.serialized
def log(
    request: Request,
    at: At = None,
    start: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    """The log, paged: seq, hash, type and summary, each at anchor ``#seq-N``."""
    services = services_of(request)
    try:
        moment_ = views.state_at(services, at)
        listing = log_page(services.uow(), start=start, limit=limit)
    except SovetError as error:
        return error_page(request, error, at)
    events = listing.events
    if at:
        limit_at = moment(at, end_of_day=True)
        events = [e for e in events if moment(e.recorded_at) <= limit_at]
    head = moment_.state.head[0] if moment_.state.head else 0
    more = (
        bool(listing.events)
        and listing.events[-1].seq < head
        and len(events) == len(listing.events)
    )
    return page(
        request,
        "log.html",
        at=at,
        moment=moment_,
        events=events,
        summaries=listing.summaries,
        start=start,
        limit=limit,
        previous=max(start - limit, 1) if start > 1 else None,
        following=start + limit if more else None,
        head=head,
    )


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, at: At = None) -> HTMLResponse:
    """Verify the log against the organisation's pinned key (``sovet verify``):
    every hash link, checkpoint, signature and key rotation. A checkpoint signed
    by any other key is shown as failing, its key never as the organisation's."""
    services = services_of(request)
    report = None
    broken = None
    try:
        if at:
            check_time(at, key="at")
        report = verify_database(services)
    except ChainBroken as error:
        broken = str(error)
    except SovetError as error:
        return error_page(request, error, at)
    with services.uow() as uow:
        checkpoints = list(uow.checkpoints.list())
    anchors = anchors_for(services) or []
    # The (long) verification ran on no snapshot; the page renders on one.
    return views.serialized(_audit_page)(
        request=request,
        at=at,
        report=report,
        broken=broken,
        checkpoints=checkpoints,
        anchors=anchors,
    )


def _audit_page(
    *,
    request: Request,
    at: str | None,
    report: Verification | None,
    broken: str | None,
    checkpoints: list[Checkpoint],
    anchors: list[Anchor],
) -> HTMLResponse:
    try:
        moment_ = views.state_at(services_of(request), at)
    except SovetError as error:
        return error_page(request, error, at)
    latest = checkpoints[-1] if checkpoints else None
    return page(
        request,
        "audit.html",
        at=at,
        moment=moment_,
        report=report,
        broken=broken,
        latest=latest,
        latest_trusted=report is not None and report.authenticated,
        checkpoints=len(checkpoints),
        organisation=[
            {
                "key": a.key,
                "fingerprint": fingerprint(a.key),
                "why": translate(a.describe()),
            }
            for a in anchors
        ],
        eras=report.history.eras if report is not None else (),
        root_key=report.history.root if report is not None else None,
    )


@router.get("/audit/export")
def export(request: Request) -> StreamingResponse:
    """The whole log as JSON lines (``sovet export``): events, checkpoints, key."""
    services = services_of(request)
    lines = (line + "\n" for line in export_lines(services.uow(), services.signer))
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="sovet-log.jsonl"'},
    )


router.include_router(voting.router)
router.include_router(members.router)
router.include_router(actions.router)
router.include_router(acting.router)
router.include_router(minutes.router)
router.include_router(whatif.router)
