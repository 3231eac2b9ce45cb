"""Template rendering for the web pages: one Jinja2 environment, autoescaped.

``page(request, name, **context)`` renders ``templates/<name>`` inside
``base.html`` with what every page needs: the time-travel parameter ``at``
(kept on every link by ``link``), the signed-in account and its session's CSRF
token for the forms (``session.viewer``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from sovet.domain.kernel.calendar import display
from sovet.web.messages import DONE, plain, rule_link, rule_of
from sovet.web.session import viewer

__all__ = ["TEMPLATES", "env", "page"]

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["day"] = lambda at: display(at) if at else ""
env.filters["short"] = lambda digest: f"{digest[:12]}…" if digest else ""
env.globals.update(plain=plain, rule_of=rule_of, rule_link=rule_link)


def _link(at: str | None) -> Callable[..., str]:
    def link(path: str, **params: object) -> str:
        """``path`` with ``at`` (when time-travelling) and ``params`` as a query."""
        query = {k: v for k, v in params.items() if v is not None}
        if at:
            query["at"] = at
        return f"{path}?{urlencode(query)}" if query else path

    return link


def page(
    request: Request,
    template: str,
    *,
    at: str | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` as a page for whoever is signed in (``session.viewer``)."""
    who = viewer(request)
    done = DONE.get(request.query_params.get("done", ""))
    values: dict[str, Any] = {
        "request": request,
        "at": at,
        "link": _link(at),
        "path": request.url.path,
        "csrf_token": who.csrf,
        "user": who.name,
        "viewer": who,
        "svg": Markup,  # svg.py escapes every text it puts in a picture
        "done": done,
        "status": status,
        **context,
    }
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)
