"""The web's ``whatif`` (``sovet whatif``, ``POST /api/whatif``): the same report.

``GET /whatif`` shows the form — hypothetical steps as a scenario's TOML
``[[step]]`` tables, and the time to compare legitimacy at. ``POST /whatif``
(signed in, the session's CSRF token, the ``read`` scope, as the API asks)
applies them to a copy of the log and shows who would govern and what would
change — seats, majorities, offices, who may act — or why nothing would
(``services.explain``). The database is only read.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from sovet.errors import ScenarioError, SovetError
from sovet.i18n import gettext
from sovet.presets.loader import parse_toml
from sovet.services.authz import check_scope
from sovet.services.queries import check_time
from sovet.services.whatif import steps_from, what_if
from sovet.web.common import At, error_page, services_of
from sovet.web.render import page
from sovet.web.session import require

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

MAX_STEPS_TEXT = 64 * 1024
"""The longest steps text the form takes (the API's body limit)."""


@router.get("/whatif", response_class=HTMLResponse)
def whatif_form(request: Request, at: At = None) -> HTMLResponse:
    """The form: hypothetical steps and the time to compare at."""
    return page(request, "whatif.html", at=at, result=None, steps="", when=at or "")


@router.post("/whatif", response_class=HTMLResponse)
async def whatif(request: Request) -> HTMLResponse:
    """HYPOTHETICAL: apply the steps to a copy of the log; show the report."""
    services = services_of(request)
    form = await request.form()
    text = str(form.get("steps") or "")
    when = str(form.get("at") or "")
    try:
        principal = require(request, form)
        check_scope(principal, "read")
        check_time(when, key="at")
        if len(text) > MAX_STEPS_TEXT:
            raise ScenarioError(gettext("the steps are too long"), source="steps")
        raw = parse_toml(text, "steps", ScenarioError).get("step")
        if not isinstance(raw, list) or not raw:
            raise ScenarioError(
                gettext("no [[step]] tables"), source="steps", key="step"
            )
        if not all(isinstance(item, dict) for item in raw):
            raise ScenarioError(
                gettext("a step must be a table"), source="steps", key="step"
            )
        steps = steps_from(raw, source="steps")
        result = await run_in_threadpool(
            what_if,
            services.uow(),
            steps,
            when,
            source="steps",
            scratch=services.scratch,
        )
    except SovetError as error:
        return error_page(request, error, None)
    return page(request, "whatif.html", result=result.to_json(), steps=text, when=when)
