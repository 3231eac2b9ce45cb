"""The web's forms that act: cast a ballot, open and close a poll, sign a petition.

Each is a plain ``POST`` form (no JavaScript needed) carrying the session's CSRF
token (``session.require``), authorised as the API authorises the same act
(DESIGN §6): a **member** of the council that the election's or petition's
constituency elects to casts and signs, as the person the account is linked to;
its **secretary** opens and closes polls. The acts themselves are the secret
ballot and petition services (``sovet.services.ballots``/``petitions``).
``POST /receipts`` checks a receipt against the published batch (Merkle
inclusion); the receipt travels in the body, never in a URL.

After a cast the page shows the receipt once: the server keeps no link from
receipt to member (DESIGN §6), so the voter must keep it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sovet.api.errors import Gone
from sovet.api.origin import same_origin
from sovet.counting.methods import get_method
from sovet.domain import FederationState
from sovet.domain.elections.polling import ElectionRecord
from sovet.errors import InputError, NotAuthorized, SovetError
from sovet.i18n import gettext
from sovet.ledger.envelope import StoredEvent
from sovet.services import ballots, petitions
from sovet.services.authz import Principal, check_role, check_scope
from sovet.web import views
from sovet.web.common import At, about_who, error_page, services_of, status_for
from sovet.web.render import page
from sovet.web.session import context_of, require
from sovet.web.voting import (
    ballot_from_form,
    election_page,
    entered_of,
    petition_page,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _person(principal: Principal) -> str:
    if not principal.person:
        raise NotAuthorized(
            gettext(
                "the account {name} is not linked to a member, so it cannot vote "
                "or sign; an administrator links accounts to members"
            ).format(name=repr(principal.name))
        )
    return principal.person


def _executed(request: Request, events: list[StoredEvent]) -> None:
    """Run the API's after-execute hooks (a recalled deputy's sessions end …)."""
    context = context_of(request)
    if context is not None:
        context.executed(events)


def _election(
    state: FederationState, election_id: str
) -> tuple[ElectionRecord, str, dict[str, str]]:
    """SR-7: the election, the council its constituency elects to, the names of
    its candidates (read under the web's lock; the record is not changed later:
    polls and counts only replace its fields the page does not use)."""
    record = copy.copy(state.election(election_id))
    council = state.constituencies[record.constituency].council
    names = {c: state.display_name(c) or c for c in record.candidates}
    return record, council, names


def _petition_council(state: FederationState, petition_id: str) -> str:
    """SR-10: the council whose constituency the petition is in."""
    record = state.petition(petition_id)
    return state.constituencies[record.constituency].council


async def _again(
    request: Request, render: Callable[..., HTMLResponse], **context: Any
) -> HTMLResponse:
    """The page of the refused form again (``render`` under the web's lock)."""
    return await run_in_threadpool(
        lambda: views.serialized(render)(request=request, **context)
    )


@router.post("/elections/{election_id}/ballot", response_class=HTMLResponse)
async def cast(request: Request, election_id: str) -> HTMLResponse:
    """SR-7 / DESIGN §6: cast the signed-in member's ballot; show the receipt.

    A ballot the method refuses, a form that cannot be read or a vote the rules
    refuse shows the election page again with the voter's marks and the
    reason, with the status the API would give (422 for a ballot that does not
    fit, 409 for a second vote …)."""
    services = services_of(request)
    form = await request.form()
    try:
        principal = require(request, form)
        check_scope(principal, "ballots:cast")
        record, council, names = await run_in_threadpool(
            views.read, services, lambda state: _election(state, election_id)
        )
        check_role(principal, ("member",), council)
        person = _person(principal)
    except SovetError as error:
        return error_page(request, error, None)
    shape = get_method(record.method).ballot
    try:
        ballot = ballot_from_form(
            list(form.multi_items()), tuple(record.candidates), shape=shape
        )
        receipt = await run_in_threadpool(
            ballots.cast_ballot, services, election_id, person, ballot
        )
    except SovetError as error:
        if about_who(error):
            return error_page(request, error, None)
        return await _again(
            request,
            election_page,
            election_id=election_id,
            at=None,
            entered=entered_of(list(form.multi_items())),
            refusal=error,
            refused="ballot",
            status=status_for(error),
        )
    _executed(request, [receipt.vote_event])
    return page(
        request,
        "receipt.html",
        election=record,
        receipt=receipt.receipt,
        kind=receipt.kind,
        choices=[names.get(c, c) for c in receipt.ballot],
        event=receipt.vote_event,
    )


async def _secretary(request: Request, election_id: str) -> tuple[Principal, str]:
    form = await request.form()
    principal = require(request, form)
    check_scope(principal, "commands:write")
    _record, council, _names = await run_in_threadpool(
        views.read, services_of(request), lambda state: _election(state, election_id)
    )
    check_role(principal, ("secretary",), council)
    return principal, council


@router.post("/elections/{election_id}/open", response_model=None)
async def open_poll(request: Request, election_id: str) -> Response:
    """SR-7: the secretary of the council opens the poll; the election page
    confirms it (or says, beside the button, why not)."""
    services = services_of(request)
    try:
        await _secretary(request, election_id)
    except SovetError as error:
        return error_page(request, error, None)
    try:
        events = await run_in_threadpool(ballots.open_poll, services, election_id)
    except SovetError as error:
        return await _again(
            request,
            election_page,
            election_id=election_id,
            at=None,
            refusal=error,
            refused="open",
            status=status_for(error),
        )
    _executed(request, list(events))
    return RedirectResponse(f"/elections/{election_id}?done=opened", status_code=303)


@router.post("/elections/{election_id}/close", response_model=None)
async def close_poll(request: Request, election_id: str) -> Response:
    """SR-7: the secretary closes the poll with the minutes' signatories; the
    shuffled batch and the count are published. A refusal shows the form again
    with the signatories as ticked."""
    services = services_of(request)
    form = await request.form()
    try:
        await _secretary(request, election_id)
    except SovetError as error:
        return error_page(request, error, None)
    signed = [str(v) for k, v in form.multi_items() if k == "signed"]
    try:
        if not signed:
            raise InputError(
                gettext(
                    "tick who signed the minutes: the election commission and the "
                    "council's representative (rule SR-7)"
                ),
                key="signed",
            )
        events = await run_in_threadpool(
            ballots.close_poll, services, election_id, signed
        )
    except SovetError as error:
        return await _again(
            request,
            election_page,
            election_id=election_id,
            at=None,
            entered={"signed": signed},
            refusal=error,
            refused="close",
            status=status_for(error),
        )
    _executed(request, list(events))
    return RedirectResponse(f"/elections/{election_id}?done=closed", status_code=303)


@router.post("/petitions/{petition_id}/sign", response_model=None)
async def sign(request: Request, petition_id: str) -> Response:
    """SR-10: the signed-in member signs; at the threshold the recall acts.
    The petition page confirms the signature (or says why it was refused)."""
    services = services_of(request)
    form = await request.form()
    try:
        principal = require(request, form)
        check_scope(principal, "petitions:sign")
        council = await run_in_threadpool(
            views.read, services, lambda state: _petition_council(state, petition_id)
        )
        check_role(principal, ("member",), council)
        person = _person(principal)
    except SovetError as error:
        return error_page(request, error, None)
    try:
        events = await run_in_threadpool(
            petitions.sign_petition, services, petition_id, person
        )
    except SovetError as error:
        return await _again(
            request,
            petition_page,
            petition_id=petition_id,
            at=None,
            refusal=error,
            status=status_for(error),
        )
    _executed(request, list(events))
    return RedirectResponse(f"/petitions/{petition_id}?done=signed", status_code=303)


@router.get("/receipts", response_class=HTMLResponse)
def receipt_form(request: Request, at: At = None) -> HTMLResponse:
    """DESIGN §6: the form that checks a receipt (it posts: see ``check_receipt``).

    The old link form ``/receipts?receipt=…`` answers 410 without looking the
    receipt up or showing it.
    """
    if "receipt" in request.query_params:
        return error_page(
            request,
            Gone(
                gettext(
                    "receipts are checked with the form on this page, never in the "
                    "address: an access log would pair your address with your receipt"
                )
            ),
            at,
        )
    return page(
        request,
        "receipt_check.html",
        at=at,
        found=None,
        election=None,
        receipt_refusal=None,
        receipt_entered="",
    )


@router.post("/receipts", response_class=HTMLResponse)
async def check_receipt(request: Request) -> HTMLResponse:
    """DESIGN §6: is this receipt's ballot in the published batch? (Merkle proof)

    The receipt comes in the form's body, never the URL (issue 10); the post
    must come from this site (``api.origin``).
    """
    services = services_of(request)
    form = await request.form()
    try:
        same_origin(request, missing_ok=False)
    except SovetError as error:
        return error_page(request, error, None)
    entered = str(form.get("receipt", ""))[:200]
    election = str(form.get("election", ""))[:200] or None
    try:
        text = entered.strip().lower()
        if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
            raise InputError(
                gettext("a receipt is 64 hexadecimal characters (0-9, a-f)"),
                key="receipt",
            )
        found = await run_in_threadpool(
            lambda: ballots.verify_receipt(services, text, election=election)
        )
    except SovetError as error:
        return page(
            request,
            "receipt_check.html",
            status=status_for(error),
            found=None,
            election=None,
            receipt_refusal=error,
            receipt_entered=entered,
        )
    names = await run_in_threadpool(
        views.read,
        services,
        lambda state: [state.display_name(c) or c for c in found["ranking"]],
    )
    return page(
        request,
        "receipt_check.html",
        found=found,
        ranking=names,
        receipt_refusal=None,
        receipt_entered="",
    )
