"""``sovet witness URL --store DIR``: keep what a server signed (issue 9, item 5).

It fetches ``URL/api/checkpoints/latest``, checks the signature against the
pinned key (``--public-key``, else the one kept in DIR; on first use the
server's own key, trusted on first use and said so), checks consistency with
the last checkpoint kept in DIR (fetching ``/api/checkpoints/consistency``) and
keeps the new one, one JSON file per size. A signature or consistency failure
exits 1 naming it; an unreachable server or bad input exits 2
(``sovet.services.witness``).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.errors import InputError, says
from sovet.i18n import gettext as _

# The command imports what it uses in its body (a lean start-up).

__all__ = ["register", "witness_command"]

MAX_ANSWER = 1 << 20
"""The largest answer read from the server (a checkpoint or proof is < 10 KB)."""
TIMEOUT = 30.0


def _get(url: str) -> object:
    """The JSON answer of ``GET url`` (``InputError`` naming the URL otherwise)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            body = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as error:
        detail = error.read(4096).decode("utf-8", "replace")
        with contextlib.suppress(ValueError, KeyError, TypeError):
            detail = json.loads(detail)["error"]["message"]
        raise InputError(f"HTTP {error.code}: {detail}", source=url) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        said = says("cannot reach the server: {reason}", reason=reason)
        raise InputError(said, source=url) from None
    if len(body) > MAX_ANSWER:
        said = says("the answer exceeds {n} bytes", n=MAX_ANSWER)
        raise InputError(said, source=url)
    try:
        value: object = json.loads(body)
    except ValueError as error:
        said = says("the answer is not JSON: {error}", error=error)
        raise InputError(said, source=url) from None
    return value


def _base(url: str) -> str:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        said = says("give the server's http:// or https:// address")
        raise InputError(said, source=url)
    return url.rstrip("/")


def witness_command(
    url: Annotated[
        str, typer.Argument(help="The sovet server, e.g. https://sovet.example.org")
    ],
    store: Annotated[
        Path,
        typer.Option(
            "--store", help="Folder of the checkpoints kept (and the pinned key)."
        ),
    ],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help="The organisation's Ed25519 public key (64 hex digits); without "
            "it, the key kept in the folder, or on first use the server's own.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fetch the server's latest checkpoint, check it, and keep it.

    Checks the signature against the pinned key and the consistency with the
    last checkpoint kept in the folder; exits 1 on a signature or consistency
    failure (the log was rewritten, trimmed or re-signed).
    """
    from sovet.services import bootstrap as boot
    from sovet.services.witness import KEY_FILE, witness

    with edge():
        base = _base(url)
        latest_url = f"{base}/api/checkpoints/latest"
        report = witness(
            store,
            lambda: _get(latest_url),
            lambda m, n: _get(f"{base}/api/checkpoints/consistency?from={m}&to={n}"),
            boot.verify_signature,
            public_key=public_key,
            source=latest_url,
        )
    cp = report.latest.checkpoint
    if report.first_use:
        said = _(
            "trust on first use: no key was pinned, so the server's key {key} is "
            "trusted and pinned in {file}; check it with the organisation "
            "(`sovet key show`), or give --public-key"
        )
        told: dict[str, object] = {"key": report.key, "file": store / KEY_FILE}
        console.print(said.format(**told), soft_wrap=True)
    else:
        said = _("signature checked against the pinned key {key}")
        console.print(said.format(key=report.key))
    if report.previous is None:
        console.print(_("no checkpoint kept before in {store}").format(store=store))
    elif report.previous.checkpoint.size == cp.size:
        said = _("consistent: the same checkpoint of {size} events as kept")
        console.print(said.format(size=cp.size))
    else:
        said = _(
            "consistent: {size} events extend the {before} kept (RFC 9162 "
            "consistency proof checked)"
        )
        console.print(said.format(size=cp.size, before=report.previous.checkpoint.size))
    where = (
        _("kept in {file}").format(file=report.stored)
        if report.stored
        else _("already kept")
    )
    said = _("ok checkpoint of {size} events, root {root}, {where}")
    told = {"size": cp.size, "root": cp.root_hash, "where": where}
    console.print(said.format(**told), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``witness`` to the ``sovet`` app."""
    app.command("witness")(witness_command)
