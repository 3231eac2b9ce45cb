"""Every command on the web (issue 11): a body's page with the forms its
signed-in reader may use, and the posts that issue them.

``/bodies/{id}`` shows the body's seats and, for a signed-in account, one form
per command it may issue there (``forms.forms_for``: generated from the
command's declaration, grouped by topic); ``/federation`` shows the
federation-wide acts (registering bodies, factions and persons …) to an
administrator, and a members upload (CSV, ``sovet members import``'s format
and service) to administrators and secretaries.

``POST /bodies/{id}/commands/{name}`` and ``POST /federation/commands/{name}``
carry the session's CSRF token (``session.require``), read the form back into
the command's JSON body (``forms.fields_of``), check it with the API's request
model (``commands.validated``) and run it through ``commands.run_command`` —
the API's one command path: its authorisation, validation and side tables. A
refusal shows the page again with the form open, what was entered, and a
plain sentence naming the rule; a success redirects to the page, which lists
the events the act appended (``?done=command&from=…&to=…``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from sovet.api.routes.commands import run_command, validated
from sovet.domain import COMMANDS, FederationState
from sovet.errors import InputError, NotAuthorized, NotFound, SovetError, says
from sovet.i18n import gettext
from sovet.services.authz import Principal
from sovet.services.checkpoints import sign_head
from sovet.services.command_authz import may_issue
from sovet.services.members import import_members, read_members
from sovet.services.queries import log_page
from sovet.web import svg, views
from sovet.web.common import about_who, error_page, services_of, status_for
from sovet.web.forms import (
    Form,
    entered,
    fields_of,
    form_for,
    forms_for,
    on_page,
    web_commands,
)
from sovet.web.render import page
from sovet.web.session import context_of, require, viewer

__all__ = ["TREE_LIMIT", "body_page", "federation_page", "router"]

TREE_LIMIT = 30
"""Children shown per body on ``/federation`` (``?full=true`` shows all)."""
MAX_CSV_BYTES = 2_000_000
"""The largest members file the upload form takes."""
SHOWN_EVENTS = 50
"""At most this many of an act's events are listed in its confirmation."""

router = APIRouter(include_in_schema=False)


def _done_events(request: Request) -> list[tuple[int, str]]:
    """The events an act appended (``?done=command&from=a&to=b``), from the log."""
    query = request.query_params
    if query.get("done") not in ("command", "members"):
        return []
    try:
        first, last = int(query.get("from", "")), int(query.get("to", ""))
    except ValueError:
        return []
    if first < 1 or last < first:
        return []
    limit = min(last - first + 1, SHOWN_EVENTS)
    listing = log_page(services_of(request).uow(), start=first, limit=limit)
    return [(e.seq, listing.summaries[e.seq]) for e in listing.events]


def _uploaders(principal: Principal | None) -> bool:
    return principal is not None and (
        principal.has_role("administrator") or bool(principal.bodies("secretary"))
    )


def body_page(
    request: Request,
    body_id: str,
    at: str | None,
    *,
    refusal: SovetError | None = None,
    refused: str | None = None,
    typed: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """SR-2/SR-9: a body's seats as a hemicycle (vacant seats grey) and, now,
    the forms the signed-in account may use there (call with the web's lock)."""
    try:
        moment_ = views.state_at(services_of(request), at)
        record = moment_.state.body(body_id)
    except SovetError as error:
        return error_page(request, error, at)
    state = moment_.state
    parts = views.council_slices(state, record)
    picture = svg.seats_picture(
        parts, title=gettext("{body}: seats by faction").format(body=record.name)
    )
    principal = viewer(request).principal
    forms = forms_for(state, principal, body_id) if at is None else []
    return page(
        request,
        "body.html",
        at=at,
        status=status,
        moment=moment_,
        body=record,
        slices=parts,
        picture=picture,
        seats=sum(p.seats for p in parts),
        constituencies=[
            c for c in state.constituencies.values() if c.council == record.id
        ],
        sessions=[a for a in state.assemblies.values() if a.body == record.id],
        named=lambda key: state.display_name(key) or key,
        forms=forms,
        action=f"/bodies/{body_id}",
        refusal=refusal,
        refused=refused,
        typed=typed or {},
        done_events=_done_events(request),
    )


def federation_page(
    request: Request,
    at: str | None,
    full: bool,
    *,
    refusal: SovetError | None = None,
    refused: str | None = None,
    typed: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """SR-2: the tree of bodies, each with its composition by faction, and the
    federation-wide forms (call with the web's lock)."""
    try:
        moment_ = views.state_at(services_of(request), at)
    except SovetError as error:
        return error_page(request, error, at)
    roots = views.federation(moment_.state, None if full else TREE_LIMIT)
    picture = svg.federation_tree(roots, title=gettext("The federation of bodies"))
    principal = viewer(request).principal
    return page(
        request,
        "federation.html",
        at=at,
        status=status,
        moment=moment_,
        roots=roots,
        picture=picture,
        full=full,
        forms=forms_for(moment_.state, principal, None) if at is None else [],
        uploader=at is None and _uploaders(principal),
        action="/federation",
        refusal=refusal,
        refused=refused,
        typed=typed or {},
        done_events=_done_events(request),
    )


def _shown_form(
    state: FederationState, principal: Principal, name: str, body: str | None
) -> Form:
    """The form of ``name`` as ``principal``'s page showed it (its fixed fields)."""
    if name not in web_commands():
        raise NotFound("", says("there is no form for {name!r}", name=name), name)
    declared = COMMANDS[name].declaration
    if not on_page(name, body):
        raise NotFound("", says("{name} is not issued on this page", name=name), name)
    if body is not None:
        state.body(body)
    allowed = may_issue(principal, declared, body)
    self_person = principal.person if allowed == "self" else None
    return form_for(state, name, body, self_person=self_person)


def _confirmed(path: str, answer: dict[str, Any], done: str = "command") -> Response:
    seqs = [int(event["seq"]) for event in answer.get("events", [])]
    if not seqs:
        return RedirectResponse(f"{path}?done={done}", status_code=303)
    url = f"{path}?done={done}&from={min(seqs)}&to={max(seqs)}#done"
    return RedirectResponse(url, status_code=303)


async def _issue(request: Request, name: str, body: str | None) -> Response:
    services = services_of(request)
    form = await request.form()
    typed = entered(form.multi_items())
    path = "/federation" if body is None else f"/bodies/{body}"
    try:
        principal = require(request, form)
        context = context_of(request)
        if context is None:  # ``require`` refuses without accounts
            raise NotAuthorized(gettext("accounts are not set up here"))
        shown = await run_in_threadpool(
            views.read,
            services,
            lambda state: _shown_form(state, principal, name, body),
        )
    except SovetError as error:
        return error_page(request, error, None)
    try:
        fields = validated(name, fields_of(name, typed, shown))
        answer = await run_in_threadpool(run_command, context, principal, name, fields)
    except SovetError as error:
        if about_who(error):
            return error_page(request, error, None)
        return await _again(request, body, error, name, typed)
    return _confirmed(path, answer)


async def _again(
    request: Request,
    body: str | None,
    error: SovetError,
    refused: str,
    typed: dict[str, list[str]],
) -> HTMLResponse:
    """The page of the refused form again, the form open with what was typed."""
    status = status_for(error)

    def render() -> HTMLResponse:
        if body is None:
            return views.serialized(federation_page)(
                request=request,
                at=None,
                full=False,
                refusal=error,
                refused=refused,
                typed=typed,
                status=status,
            )
        return views.serialized(body_page)(
            request=request,
            body_id=body,
            at=None,
            refusal=error,
            refused=refused,
            typed=typed,
            status=status,
        )

    return await run_in_threadpool(render)


@router.post("/bodies/{body_id}/commands/{name}", response_model=None)
async def body_command(request: Request, body_id: str, name: str) -> Response:
    """Issue command ``name`` in body ``body_id`` from its form (the API's path)."""
    return await _issue(request, name, body_id)


@router.get("/bodies/{body_id}/commands/{name}", response_model=None)
def body_command_form(body_id: str, name: str) -> Response:
    """The address a refused form was posted to, reloaded: its page, at the form."""
    anchor = f"#do-{name}" if name in web_commands() else ""
    return RedirectResponse(f"/bodies/{quote(body_id)}{anchor}", status_code=303)


@router.get("/federation/commands/{name}", response_model=None)
@router.get("/federation/members", response_model=None)
def federation_command_form(name: str = "members") -> Response:
    """As ``body_command_form``, for the federation's forms."""
    anchor = f"#do-{name}" if name in (*web_commands(), "members") else ""
    return RedirectResponse(f"/federation{anchor}", status_code=303)


@router.post("/federation/commands/{name}", response_model=None)
async def federation_command(request: Request, name: str) -> Response:
    """Issue a federation-wide command (an administrator's) from its form."""
    return await _issue(request, name, None)


def _councils(state: FederationState, constituencies: set[str]) -> set[str]:
    found = set()
    for key in constituencies:
        record = state.constituencies.get(key)
        if record is None:
            raise NotFound(
                "SR-6",
                says("there is no constituency {key!r}: register it first", key=key),
                key,
            )
        found.add(record.council)
    return found


@router.post("/federation/members", response_model=None)
async def upload_members(request: Request) -> Response:
    """SR-4/SR-5: register the members of a CSV file (``sovet members import``'s
    columns and service), all or nothing. Administrators may upload any list;
    a secretary only members of the councils they are secretary of."""
    form = await request.form()
    try:
        return await _upload(request, form)
    finally:
        await form.close()


async def _upload(request: Request, form: FormData) -> Response:
    services = services_of(request)
    typed = {k: v for k, v in entered(form.multi_items()).items() if k == "at"}
    try:
        principal = require(request, form)
        if not _uploaders(principal):
            raise NotAuthorized(
                gettext(
                    "{name} is neither an administrator nor a secretary: "
                    "only they register members"
                ).format(name=repr(principal.name))
            )
    except SovetError as error:
        return error_page(request, error, None)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError(
                gettext("choose a CSV file of members to upload"), key="file"
            )
        raw = await upload.read(MAX_CSV_BYTES + 1)
        if len(raw) > MAX_CSV_BYTES:
            raise InputError(
                gettext("the file is larger than {size} bytes").format(
                    size=f"{MAX_CSV_BYTES:,}"
                ),
                key="file",
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                gettext("the file is not UTF-8 text"), key="file"
            ) from None
        source = upload.filename[:100]
        rows = read_members(text, source=source)
        if not principal.has_role("administrator"):
            named = {row.cells["constituency"] for row in rows}
            councils = await run_in_threadpool(
                views.read, services, lambda state: _councils(state, named)
            )
            foreign = sorted(
                c for c in councils if not principal.has_role("secretary", c)
            )
            if foreign:
                raise NotAuthorized(
                    gettext(
                        "{name} is not secretary of {councils}: a secretary "
                        "registers only their own council's members"
                    ).format(name=repr(principal.name), councils=", ".join(foreign))
                )
        at = (typed.get("at") or [""])[0].strip()
        when = at or services.clock.now().isoformat(timespec="seconds")
        done = await run_in_threadpool(
            lambda: import_members(
                services.uow(), rows, at=when, source=source, cache=services.cache
            )
        )
    except SovetError as error:
        if about_who(error):
            return error_page(request, error, None)
        return await _again(request, None, error, "members", typed)
    stored = [event for item in done for event in item.events]
    context = context_of(request)
    if context is not None and stored:
        context.executed(stored)
    else:
        await run_in_threadpool(sign_head, services.uow(), services.signer)
    answer = {"events": [{"seq": event.seq} for event in stored]}
    return _confirmed("/federation", answer, "members")
