"""``sovet serve`` and ``sovet admin …``: run the API, manage accounts (DESIGN §6).

``serve`` opens (creating if needed) the database and runs uvicorn. On a first
start without an administrator it prints how to create one; there is never a
default password. It signs a checkpoint of the log at least every
``--checkpoint-events`` events and within ``--checkpoint-seconds`` of any write
(defaults 1,000 and 10 s, or ``SOVET_CHECKPOINT_EVERY_EVENTS`` /
``SOVET_CHECKPOINT_EVERY_SECONDS``), and once more when it stops.
``admin create-user`` reads the password from a prompt (or
``--password-stdin``); ``admin grant`` binds a role in a body; ``admin token``
prints a new scoped API token once.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sovet.cli.edge import console, edge, errors
from sovet.cli.options import DbOption, KeyFileOption
from sovet.errors import InputError, says
from sovet.i18n import gettext as _
from sovet.services.authz import ROLES, SCOPES

if TYPE_CHECKING:
    from sovet.services.accounts import Accounts
    from sovet.services.bootstrap import Services

# Each command imports the services it uses in its body (a lean start-up).

__all__ = ["first_start_hint", "register"]

admin = typer.Typer(
    name="admin", help="Manage accounts, roles and API tokens.", no_args_is_help=True
)

BodyOption = Annotated[
    str | None,
    typer.Option("--body", help="The body the role is held in (not for global roles)."),
]
RoleOption = Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")]


def _accounts(services: Services) -> Accounts:
    from sovet.services.accounts import open_accounts

    return open_accounts(services)


def first_start_hint(services: Services) -> str | None:
    """How to create the first administrator, while there is none (DESIGN §6)."""
    if _accounts(services).has_administrator():
        return None
    command = (
        f"sovet admin create-user NAME --role administrator --db {services.location}"
    )
    return _(
        "No administrator yet. Create the first one with:\n  {command}\n(you will "
        "be asked for a password; there is no default password)"
    ).format(command=command)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated addresses of proxies whose X-Forwarded-For is "
            "believed (default: none — the peer's address is the client's).",
        ),
    ] = "",
    key_file: KeyFileOption = None,
    checkpoint_events: Annotated[
        int | None,
        typer.Option(
            "--checkpoint-events",
            help="Sign a checkpoint at least every N events "
            "[default: SOVET_CHECKPOINT_EVERY_EVENTS or 1000].",
            show_default=False,
        ),
    ] = None,
    checkpoint_seconds: Annotated[
        float | None,
        typer.Option(
            "--checkpoint-seconds",
            help="… and within S seconds of any write "
            "[default: SOVET_CHECKPOINT_EVERY_SECONDS or 10].",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes (uvicorn). Above 1 needs PostgreSQL: each "
            "worker keeps its own fold of the log, caught up before every read; "
            "accounts, sessions and throttles are shared through the database.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API under /api and the web UI at / (uvicorn).

    It signs checkpoints of the log as it writes, and once more when stopped.
    Several servers (or ``--workers``) may serve one PostgreSQL database.
    """
    from sovet.config import Settings
    from sovet.server import create_app
    from sovet.services import bootstrap as boot
    from sovet.services.checkpoints import CheckpointPolicy

    with edge() as stack:
        settings = Settings()
        policy = CheckpointPolicy(
            settings.checkpoint_every_events
            if checkpoint_events is None
            else checkpoint_events,
            settings.checkpoint_every_seconds
            if checkpoint_seconds is None
            else checkpoint_seconds,
        )
        if workers > 1 and not boot.is_url(db or settings.db):
            raise InputError(
                says(
                    "--workers above 1 needs a PostgreSQL database: a SQLite file "
                    "keeps the throttles in one process's memory"
                ),
                key="--workers",
            )
        services = stack.enter_context(
            boot.bootstrap(db, create=True, key_file=key_file)
        )
        services.require_key()  # what the server writes is signed
        hint = first_start_hint(services)
        if hint is not None:
            console.print(hint)
        options: dict[str, Any] = {
            "host": host,
            "port": port,
            "log_level": "info",
            "proxy_headers": bool(forwarded_allow_ips),
            "forwarded_allow_ips": forwarded_allow_ips or None,
        }
        where = _("sovet serving {db} on {url}").format(
            db=services.location, url=f"http://{host}:{port}/"
        )
        signing = _(
            "signing a checkpoint at least every {events} events and within "
            "{seconds:g} s of a write, and at shutdown"
        ).format(events=policy.every_events, seconds=policy.every_seconds)
        if workers == 1:
            app = create_app(services, checkpoints=policy)
            console.print(where)
            console.print(signing)
            _run_uvicorn(app, **options)
            return
        # Each worker opens the database itself (migrated above, once).
        os.environ.update(
            {
                "SOVET_DB": services.location,
                "SOVET_KEY_FILE": str(services.key_file),
                "SOVET_CHECKPOINT_EVERY_EVENTS": str(policy.every_events),
                "SOVET_CHECKPOINT_EVERY_SECONDS": str(policy.every_seconds),
            }
        )
        console.print(_("{where} ({n} workers)").format(where=where, n=workers))
        console.print(signing)
        _run_uvicorn(
            "sovet.server:app_from_environment",
            factory=True,
            workers=workers,
            # A worker imports and opens the database before it answers the
            # supervisor's ping: on a busy machine that takes more than 5 s.
            timeout_worker_healthcheck=WORKER_START_SECONDS,
            **options,
        )


WORKER_START_SECONDS = 60
"""How long uvicorn's supervisor waits for a worker's answer before it restarts it."""


def _run_uvicorn(app: Any, **options: Any) -> None:
    """Run ``app`` under uvicorn (imported here: only ``serve`` needs it)."""
    import uvicorn

    uvicorn.run(app, **options)


def create_user(
    name: Annotated[str, typer.Argument(help="The account name.")],
    role: RoleOption,
    db: DbOption = None,
    body: BodyOption = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help="The domain person (elector) id of a member."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create an account with a role (password from a prompt or stdin)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        if password_stdin:
            try:
                password = sys.stdin.readline().rstrip("\n")
            except UnicodeDecodeError as error:
                raise InputError(
                    says("the password on stdin is not UTF-8"), key="password"
                ) from error
        else:
            password = typer.prompt(
                "Password", hide_input=True, confirmation_prompt=True
            )
        services = stack.enter_context(boot.bootstrap(db, create=True))
        accounts = _accounts(services)
        if role not in ROLES:
            refused = says(
                "unknown role {role!r} (known: {roles})",
                role=role,
                roles=", ".join(ROLES),
            )
            raise InputError(refused)
        accounts.grant_check(role, body)  # before the account exists
        accounts.create_account(name, password, person=person)
        accounts.grant(name, role, body)
        where = (
            _(" in {body}").format(body=body)
            if body and role not in ("administrator", "auditor")
            else ""
        )
        said = _("created {name} ({role}{where})")
        console.print(said.format(name=name, role=role, where=where))


def grant(
    name: Annotated[str, typer.Argument(help="The account name.")],
    role: RoleOption,
    db: DbOption = None,
    body: BodyOption = None,
) -> None:
    """Grant a role to an existing account (in a body, unless global)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        _accounts(services).grant(name, role, body)
        said = (
            _("granted {role} to {name} in {body}")
            if body
            else _("granted {role} to {name}")
        )
        console.print(said.format(role=role, name=name, body=body))


def token(
    name: Annotated[str, typer.Argument(help="The account name.")],
    scope: Annotated[
        list[str], typer.Option("--scope", help=f"Repeatable: {', '.join(SCOPES)}.")
    ],
    db: DbOption = None,
    label: Annotated[str, typer.Option(help="A label for the token.")] = "",
) -> None:
    """Print a new scoped API token for an account (shown once; store it)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        issued = _accounts(services).issue_token(name, scope, label=label)
        typer.echo(issued)


NameArgument = Annotated[str, typer.Argument(help="The account name.")]


def _password(password_stdin: bool) -> str:
    if password_stdin:
        try:
            return sys.stdin.readline().rstrip("\n")
        except UnicodeDecodeError as error:
            raise InputError(
                says("the password on stdin is not UTF-8"), key="password"
            ) from error
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def set_password(
    name: NameArgument,
    db: DbOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Set an account's password; its web sessions end (audited)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        password = _password(password_stdin)
        services = stack.enter_context(boot.bootstrap(db))
        _accounts(services).set_password(name, password)
        console.print(_("password of {name} set; its sessions ended").format(name=name))


def disable(name: NameArgument, db: DbOption = None) -> None:
    """Disable an account: no login; its sessions and tokens end (audited)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        _accounts(services).disable(name)
        console.print(
            _("{name} disabled; its sessions and tokens ended").format(name=name)
        )


def enable(name: NameArgument, db: DbOption = None) -> None:
    """Enable a disabled account again (audited)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        _accounts(services).enable(name)
        console.print(_("{name} enabled").format(name=name))


def revoke_token(
    name: NameArgument,
    db: DbOption = None,
    label: Annotated[
        str | None,
        typer.Option("--label", help="Only the tokens with this label (default: all)."),
    ] = None,
) -> None:
    """Revoke an account's API tokens, every one or those with a label (audited)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        gone = _accounts(services).revoke_tokens(name, label=label)
        console.print(_("revoked {n} token(s) of {name}").format(n=gone, name=name))


def revoke(
    name: NameArgument,
    role: Annotated[str, typer.Argument(help=f"One of: {', '.join(ROLES)}.")],
    db: DbOption = None,
    body: BodyOption = None,
) -> None:
    """Take a role from an account (in a body, unless global; audited)."""
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        gone = _accounts(services).revoke_role(name, role, body)
        said = _("revoked {role}{where} from {name} ({n} binding(s))")
        where = _(" in {body}").format(body=body) if body else ""
        console.print(said.format(role=role, where=where, name=name, n=gone))


def reset_link(name: NameArgument, db: DbOption = None) -> None:
    """Print a one-time password reset code for an account (valid 24 hours).

    The account's holder opens ``/reset`` on the server and gives the code with
    a new password (the code never travels in a URL).
    """
    from sovet.services import bootstrap as boot

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        token = _accounts(services).reset_link(name)
        said = _("{name}: open /reset on the server and give this one-time code")
        errors.print(said.format(name=name))
        typer.echo(token)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``admin`` group to the ``sovet`` app."""
    app.command("serve")(serve)
    admin.command("create-user")(create_user)
    admin.command("grant")(grant)
    admin.command("token")(token)
    admin.command("set-password")(set_password)
    admin.command("disable")(disable)
    admin.command("enable")(enable)
    admin.command("revoke-token")(revoke_token)
    admin.command("revoke")(revoke)
    admin.command("reset-link")(reset_link)
    app.add_typer(admin)
