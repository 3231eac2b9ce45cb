"""Every engine command over HTTP: ``POST /api/{resource}/commands/{name}``.

Each command declares its resource (``@command(resource=…)``: bodies,
congress, motions, government, coalition, demands, holds, members,
constituencies, petitions, polls); a resource with a module of its own in
``routes/<resource>.py`` calls ``add_commands(router, resource)``, and
``routers(skip)`` makes one for each other resource. The URL never depends on
where the command's class lives. The body is the command's fields as JSON
(``schemas.command_model``: strict, unknown fields refused, each field
described from the declaration); the caller must be among the command's
declared issuers in the body it acts in (``command_authz``). The command runs through
``services.handlers.execute``: all or nothing. The answer lists the events
appended, each with seq, hash, type and summary.

No ``from __future__ import annotations`` here: each generated endpoint's
``body`` annotation is set to the real model class for FastAPI to read.
"""

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from sovet.api.deps import ApiContext, Caller, Ctx
from sovet.api.schemas import command_model
from sovet.domain import (
    COMMANDS,
    Command,
    FederationState,
    command_from_mapping,
    summary,
)
from sovet.domain import event_from_stored as _event
from sovet.errors import ConcurrencyConflict, InputError, says
from sovet.ledger.envelope import StoredEvent
from sovet.services import late
from sovet.services.authz import Principal
from sovet.services.ballots import groups_possible, transact
from sovet.services.bootstrap import Services
from sovet.services.command_authz import authorize_command
from sovet.services.handlers import execute
from sovet.services.live import check_late_entry, live_at
from sovet.services.petitions import open_petition_as, sign_petition_as

__all__ = ["add_commands", "resource_of", "routers", "run_command", "validated"]

RETRIES = 3
"""Attempts when another process appended first (``ConcurrencyConflict``): the
command is decided afresh on the new head each time, then 409."""


def resource_of(name: str) -> str:
    """The resource whose router carries command ``name`` (its declaration's)."""
    return COMMANDS[name].declaration.resource


SIDE_TABLES: dict[str, Callable[..., list[StoredEvent]]] = {
    "open_recall_petition": open_petition_as,
    "sign_recall_petition": sign_petition_as,
}
"""Commands whose service also writes a side table (a petition's signature row,
the elector check of its opener): every route that issues them goes through
``run_command`` and so through these (issue 10: one command path). Each takes
the services, the caller, the command and ``at`` as the client sent it."""


def validated(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` checked by command ``name``'s request model, as the API's
    route checks its JSON body (strict types, no unknown field); a refusal is
    an ``InputError`` naming the first field at fault. For edges that build a
    command's body themselves (the web's forms) before ``run_command``."""
    try:
        body = command_model(COMMANDS[name]).model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            says("{where}: {first}", where=where, first=first["msg"]), key=where or None
        ) from None
    return body.model_dump(mode="json", exclude_unset=True)


def run_command(
    ctx: ApiContext,
    principal: Principal,
    name: str,
    fields: dict[str, Any],
    *,
    scope: str = "commands:write",
) -> dict[str, Any]:
    """Build, authorise and execute one command; its appended events.

    The one path of every route that issues a command: the live time, the
    command's own validation, its declared issuers (``authorize_command``),
    then its side tables' service or ``execute``.
    """
    services = ctx.services

    def build() -> Command:
        timed = {**fields, "at": live_at(services, fields.get("at"))}
        return command_from_mapping(
            {"command": name, **timed}, source=f"POST commands/{name}"
        )

    command = build()
    side = SIDE_TABLES.get(name)
    if side is not None:
        with services.cache.snapshot(services.uow) as state:
            authorize_command(principal, state, command, scope=scope)
            check_late_entry(services, state, command)
        # ``at`` as sent: a live act is timed holding the log's head.
        stored = side(services, principal, command, at=fields.get("at"))
        return _answer(ctx, name, stored)
    if late.needs_recheck(command) or not groups_possible(services):
        return _answer(ctx, name, _run_alone(services, principal, build, scope))

    def job(_unit: object, state: FederationState) -> Command:
        # Authorised and decided on the same state (holding the earlier acts
        # of its group); a live act timed when its turn comes, so acts queued
        # behind each other stay in time order.
        command = build()
        authorize_command(principal, state, command, scope=scope)
        check_late_entry(services, state, command)
        return command

    return _answer(ctx, name, transact(services, job))


def _run_alone(
    services: Services,
    principal: Principal,
    build: Callable[[], Command],
    scope: str,
) -> list[StoredEvent]:
    """A late entry or a correction (it refolds the state), or a store without
    the ballot tables: alone, as the process's one writer, tried again when
    another process appended first."""
    cache = services.cache
    for attempt in range(1, RETRIES + 1):
        with cache.writing():
            command = build()
            uow = services.uow()
            with uow:
                state = cache.current(uow.events)
            authorize_command(principal, state, command, scope=scope)
            check_late_entry(services, state, command)
            try:
                return execute(services.uow(), command, cache=cache)
            except ConcurrencyConflict:
                if attempt == RETRIES:
                    raise
    raise AssertionError("unreachable")


def _answer(ctx: ApiContext, name: str, stored: list[StoredEvent]) -> dict[str, Any]:
    ctx.executed(stored)
    return {
        "command": name,
        "events": [
            {
                "seq": event.seq,
                "hash": event.hash,
                "type": event.type,
                "summary": summary(_event(event)),
            }
            for event in stored
        ],
    }


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise InputError(
            says(
                "the key {twice!r} appears twice in one object: a command "
                "must say one thing",
                twice=twice[0],
            ),
            key=twice[0],
        )
    return dict(pairs)


def _endpoint(name: str) -> Any:
    async def endpoint(
        request: Request, body: BaseModel, ctx: Ctx, principal: Caller
    ) -> dict[str, Any]:
        json.loads(await request.body(), object_pairs_hook=_unique_keys)
        fields = body.model_dump(mode="json", exclude_unset=True)
        return await run_in_threadpool(run_command, ctx, principal, name, fields)

    # FastAPI reads the body model from the annotation: the command's own model.
    endpoint.__annotations__["body"] = command_model(COMMANDS[name])
    endpoint.__doc__ = (COMMANDS[name].__doc__ or name).strip()  # the description
    endpoint.__name__ = f"command_{name}"
    return endpoint


def add_commands(router: APIRouter, resource: str) -> APIRouter:
    """Add ``POST /commands/{name}`` to ``router`` for each command of ``resource``."""
    for name in sorted(COMMANDS):
        declared = COMMANDS[name].declaration
        if declared.issuers.service_only or declared.resource != resource:
            continue
        router.add_api_route(
            f"/commands/{name}",
            _endpoint(name),
            methods=["POST"],
            summary=declared.summary,
            name=f"{resource}:{name}",
        )
    return router


def routers(skip: frozenset[str] = frozenset()) -> list[APIRouter]:
    """Routers for the resources without a module of their own (not in ``skip``)."""
    found = []
    for resource in sorted({resource_of(name) for name in COMMANDS} - skip):
        router = APIRouter(prefix=f"/{resource}", tags=[resource])
        if add_commands(router, resource).routes:
            found.append(router)
    return found
