"""Who may do what (DESIGN §6): roles, scopes, principals and the refusals.

Roles are bound to a body (``role_bindings``); administrator and auditor are
global (body ``""``). A principal is an account seen through one credential:
a web session (every scope) or an API token (its scopes only). Refusals::

    SovetError
    ├── NotAuthenticated   no valid session or token (401)
    ├── NotAuthorized      the principal lacks the role, scope or membership (403)
    └── Throttled          too many attempts; ``retry_after`` seconds (429)

They cite no SR rule: the error contract ``{"error": {"rule", "field",
"message"}}`` answers them with ``"rule": null`` (the security model is
docs/design.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass

from sovet.errors import NotAuthorized

__all__ = [
    "GLOBAL_ROLES",
    "ROLES",
    "SCOPES",
    "Principal",
    "check_role",
    "check_scope",
]

"""The ``rule`` of every security refusal (there is no SR rule for logins)."""

ROLES = (
    "member",
    "deputy",
    "secretary",
    "credentials_committee",
    "auditor",
    "administrator",
)
"""DESIGN §6: the roles; all but the global ones are held in a body."""

GLOBAL_ROLES = frozenset({"administrator", "auditor"})
"""Roles held everywhere (bound with body ``""``)."""

SCOPES = ("read", "commands:write", "ballots:cast", "petitions:sign", "admin")
"""API token scopes; a web session holds them all."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated account: its roles, its person, and the credential's scopes.

    ``scopes`` is ``None`` for a web session (all scopes); ``session`` is the hash
    of the session token when authenticated by cookie (CSRF applies then).
    """

    account_id: int
    name: str
    person: str | None
    roles: frozenset[tuple[str, str]]
    scopes: frozenset[str] | None = None
    session: str | None = None

    def has_scope(self, scope: str) -> bool:
        """True when the credential carries ``scope`` (sessions carry all)."""
        return self.scopes is None or scope in self.scopes

    def has_role(self, role: str, body: str | None = None) -> bool:
        """True when the account holds ``role`` in ``body`` (any body if None).

        An administrator holds every role everywhere; global roles ignore ``body``.
        """
        for held, where in self.roles:
            if held == "administrator":
                return True
            if held != role:
                continue
            if role in GLOBAL_ROLES or body is None or where == body:
                return True
        return False

    def bodies(self, role: str) -> set[str]:
        """The bodies in which the account holds ``role``."""
        return {where for held, where in self.roles if held == role}


def check_scope(principal: Principal, scope: str) -> None:
    """Refuse (``NotAuthorized``) unless the credential carries ``scope``."""
    if not principal.has_scope(scope):
        raise NotAuthorized(f"this token lacks the scope {scope!r}")


def check_role(principal: Principal, roles: tuple[str, ...], body: str | None) -> None:
    """Refuse unless the principal holds one of ``roles`` in ``body``."""
    if any(principal.has_role(role, body) for role in roles):
        return
    where = f" in {body!r}" if body else ""
    raise NotAuthorized(
        f"{principal.name!r} is not {' or '.join(roles)}{where} (DESIGN §6: a member "
        "acts only where they belong)"
    )
