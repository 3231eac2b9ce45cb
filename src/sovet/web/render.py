"""Template rendering for the web pages: one Jinja2 environment, autoescaped.

``page(request, name, **context)`` renders ``templates/<name>`` inside
``base.html`` with what every page needs: the time-travel parameter ``at``
(kept on every link by ``link``), the signed-in account and its session's CSRF
token for the forms (``session.viewer``), and the reader's language
(``language_of``: ``?lang=`` from the switch, kept in a cookie, else
``Accept-Language``) with its ``gettext`` for Jinja2's i18n extension.
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

from sovet import i18n
from sovet.services.words import said_day, word
from sovet.web.messages import DONE, plain, rule_link, rule_of
from sovet.web.session import viewer

__all__ = ["LANG_COOKIE", "TEMPLATES", "env", "language_of", "page", "use_language"]

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
env.policies["ext.i18n.trimmed"] = True  # msgids without layout whitespace
env.install_null_translations()  # type: ignore[attr-defined]  # added by the extension
env.filters["day"] = said_day
env.filters["short"] = lambda digest: f"{digest[:12]}…" if digest else ""
env.globals.update(
    plain=plain, rule_of=rule_of, rule_link=rule_link, word=word, said=i18n.translate
)


LANG_COOKIE = "lang"
LANG_COOKIE_AGE = 365 * 24 * 3600


def language_of(request: Request) -> str:
    """The reader's language: ``?lang=`` (the switch), the ``lang`` cookie, then
    ``Accept-Language``; English when none of them names a shipped language."""
    return (
        i18n.supported(request.query_params.get("lang"))
        or i18n.supported(request.cookies.get(LANG_COOKIE))
        or i18n.negotiate(request.headers.get("accept-language"))
    )


async def use_language(request: Request) -> None:
    """Router dependency: the reader's language for the request's messages.

    Async, so it runs in the request's own context: the handler (even one run
    in a worker thread) and its refusals then speak the page's language.
    """
    i18n.use(language_of(request))


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
    lang = language_of(request)
    i18n.use(lang)  # what Python helpers say while the page renders
    words = i18n.translations(lang)
    done = DONE.get(request.query_params.get("done", ""))
    values: dict[str, Any] = {
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "gettext": words.gettext,
        "ngettext": words.ngettext,
        "_": words.gettext,
        "plain": lambda error: plain(error, lang),
        "request": request,
        "at": at,
        "link": _link(at),
        "path": request.url.path,
        "csrf_token": who.csrf,
        "user": who.name,
        "viewer": who,
        "svg": Markup,  # svg.py escapes every text it puts in a picture
        "done": words.gettext(done) if done else done,
        "status": status,
        **context,
    }
    html = env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    chosen = i18n.supported(request.query_params.get("lang"))
    if chosen is not None and chosen != request.cookies.get(LANG_COOKIE):
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=LANG_COOKIE_AGE, samesite="lax", httponly=True
        )
    return response
