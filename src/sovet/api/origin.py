"""``same_origin``: refuse a request a browser sent from another site (DESIGN §6).

Browsers name the page a request comes from: ``Origin`` on every POST (form or
script, same site or not), and ``Referer`` unless a policy strips it (ours,
``Referrer-Policy: same-origin``, keeps it for this site). A request is from
this site when that origin's host and port are the request's ``Host`` (the
default port of the scheme may be left out on either side). The check, in
order:

1. ``Origin`` present: it must be this site (``Origin: null``, sent from
   sandboxed frames and some redirects, is not);
2. else ``Referer`` present: its origin must be this site;
3. else ``Sec-Fetch-Site``, when sent, must be ``same-origin`` or ``none``;
4. else (neither header): allowed only where ``missing_ok`` — a form that
   also carries the session's CSRF token (what an attacker's page cannot), or
   the API's login, which programs call without either header. The web's login
   form and the anonymous receipt form need one of them: every browser in use
   sends ``Origin`` with a POST.

Refusals are ``NotAuthorized`` (403) naming the origin that was refused.
Used by ``POST /api/auth/login``, the web's ``/login``, ``/receipts`` and every
form that ``sovet.web.session.require`` checks.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from sovet.errors import NotAuthorized

__all__ = ["same_origin"]

_DEFAULT_PORT = {"http": ":80", "https": ":443"}


def _site(scheme: str, netloc: str) -> str:
    """``host[:port]`` in lower case, without the scheme's default port."""
    netloc = netloc.lower()
    default = _DEFAULT_PORT.get(scheme.lower())
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return netloc


def _origin_site(value: str) -> str | None:
    """The ``host[:port]`` of an ``Origin`` or ``Referer`` value, or None."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORT or not parts.netloc:
        return None
    return _site(parts.scheme, parts.netloc.rsplit("@", 1)[-1])


def _own_site(request: Request) -> str:
    host = request.headers.get("host") or request.url.netloc
    site = host.lower()
    for default in _DEFAULT_PORT.values():
        if site.endswith(default):
            return site[: -len(default)]
    return site


def same_origin(request: Request, *, missing_ok: bool) -> None:
    """``NotAuthorized`` unless ``request`` comes from this site (module doc)."""
    own = _own_site(request)
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value is None:
            continue
        if _origin_site(value) == own:
            return
        shown = value if len(value) <= 100 else value[:100] + "…"
        raise NotAuthorized(
            f"cross-site request refused: {header.capitalize()} {shown!r} is "
            f"not this site ({own})"
        )
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise NotAuthorized(f"cross-site request refused: Sec-Fetch-Site {fetch_site}")
    if not missing_ok and fetch_site is None:
        raise NotAuthorized(
            "request refused: it names no Origin or Referer, so it cannot be "
            "told from a cross-site one"
        )
