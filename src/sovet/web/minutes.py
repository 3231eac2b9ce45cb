"""``/minutes/{session}.html|.pdf|.csv``: a session's minutes as a download.

The same report as ``sovet minutes`` (``sovet.services.minutes``), for a
session id or a body id (its latest session), from the log's head. The PDF
needs the optional extra ``sovet[pdf]``; without it the answer is 501 with the
``pip install`` line. The congress and body pages link here.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sovet.api.headers import POLICY
from sovet.errors import InputError, SovetError
from sovet.i18n import gettext
from sovet.services.minutes import FORMATS, build_minutes, to_csv, to_html, to_pdf
from sovet.web import views
from sovet.web.common import error_page, install_error_pages, services_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(install_error_pages)])

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _policy(html: str) -> str:
    """The page's CSP: the usual one, plus the hash of the minutes' own inline
    stylesheet (they are a standalone document), never ``'unsafe-inline'``."""
    hashes = " ".join(
        "'sha256-"
        + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        + "'"
        for body in _STYLE.findall(html)
    )
    return POLICY.replace("style-src 'self'", f"style-src 'self' {hashes}".rstrip())


@router.get("/minutes/{name}")
@views.serialized
def minutes(request: Request, name: str) -> Response:
    """The minutes of ``session`` in the format its suffix names."""
    session, _, suffix = name.rpartition(".")
    if not session or suffix not in FORMATS:
        return error_page(
            request,
            InputError(
                gettext("ask for /minutes/SESSION.html, .pdf or .csv"),
                source="minutes",
            ),
            None,
        )
    try:
        report = build_minutes(
            views.state_at(services_of(request), None).state, session
        )
    except SovetError as error:
        return error_page(request, error, None)
    if suffix == "pdf":
        try:
            body: bytes | str = to_pdf(report)
        except InputError as error:
            return Response(error.reason, status_code=501, media_type="text/plain")
    else:
        body = to_csv(report) if suffix == "csv" else to_html(report)
    disposition = "inline" if suffix == "html" else "attachment"
    filename = f"minutes-{session}.{suffix}"
    headers = {"Content-Disposition": f'{disposition}; filename="{filename}"'}
    if isinstance(body, str) and suffix == "html":
        headers["Content-Security-Policy"] = _policy(body)
    return Response(body, media_type=FORMATS[suffix], headers=headers)
