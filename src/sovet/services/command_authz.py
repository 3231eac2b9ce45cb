"""Which role may issue each engine command, and in which body (DESIGN §6).

Each command declares its issuers (``@command(issuers=Issuers(…))``): the
roles allowed and the field naming what it acts on; ``RESOLVERS`` turn that
field into the body, through the state, by what it names (a congress session →
its body, a motion → its assembly's body, a constituency → its council …). A
member acts only where they belong: a role bound in another body does not
count. A late entry (``late = true``, SR-28) needs the secretary of that body
whatever the command. Some commands are also open to the person they concern: a deputy
casting their own named vote (``vote_by_name`` with only their own entry), a
person resigning or dissenting themselves, and a member signing a recall
petition themselves (nobody may sign for another).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from sovet.domain import Command, FederationState
from sovet.domain.kernel.messages import Declaration, Reach
from sovet.errors import NotAuthorized, NotFound, says
from sovet.services.authz import Principal, check_role, check_scope

__all__ = ["RESOLVERS", "authorize_command", "body_of", "may_issue"]

Resolver = Callable[[FederationState, str], str]


def _body(state: FederationState, ref: str) -> str:
    """A body, or what stands for one: a session or committee, a government."""
    if ref in state.assemblies:
        return state.assemblies[ref].body
    if ref in state.governments:
        return _government(state, ref)
    return ref


def _assembly(state: FederationState, ref: str) -> str:
    return state.assembly(ref).body


def _motion(state: FederationState, ref: str) -> str:
    return state.assembly(state.motion(ref).assembly).body


def _government(state: FederationState, ref: str) -> str:
    return state.assembly(state.government(ref).assembly).body


def _offer(state: FederationState, ref: str) -> str:
    offer = state.offers.get(ref)
    if offer is None:
        raise NotFound("SR-23", says("no offer {ref!r}", ref=ref), ref)
    return _government(state, offer.government)


def _constituency(state: FederationState, ref: str) -> str:
    found = state.constituencies.get(ref)
    if found is None:
        raise NotFound("SR-6", says("no constituency {ref!r}", ref=ref), ref)
    return found.council


def _election(state: FederationState, ref: str) -> str:
    found = state.elections.get(ref)
    if found is None:
        raise NotFound("SR-7", says("no election {ref!r}", ref=ref), ref)
    return _constituency(state, found.constituency)


def _hold(state: FederationState, ref: str) -> str:
    found = state.holds.get(ref)
    if found is None:
        raise NotFound("SR-29", says("no hold {ref!r}", ref=ref), ref)
    return found.body


def _petition(state: FederationState, ref: str) -> str:
    found = state.petitions.get(ref)
    if found is None:
        raise NotFound("SR-10", says("no recall petition {ref!r}", ref=ref), ref)
    return _constituency(state, found.constituency)


def _decision(state: FederationState, ref: str) -> str:
    found = state.decisions.get(ref)
    if found is None:
        return _motion(state, ref)
    return _body(state, found.body)  # a decision records the assembly that took it


RESOLVERS: dict[Reach, Resolver] = {
    "body": _body,
    "assembly": _assembly,
    "motion": _motion,
    "government": _government,
    "offer": _offer,
    "hold": _hold,
    "constituency": _constituency,
    "election": _election,
    "petition": _petition,
    "decision": _decision,
}
"""What a command's acting field names → the body it belongs to."""


def body_of(state: FederationState, cmd: Command) -> str | None:
    """The body ``cmd`` acts in (``None`` for a federation-wide act)."""
    rule = cmd.declaration.issuers
    if rule.field is None:
        return None
    ref = getattr(cmd, rule.field, None)
    if not isinstance(ref, str) or not ref:
        return None
    return RESOLVERS[rule.reach](state, ref)


def _own_named_vote(principal: Principal, cmd: Command, body: str | None) -> bool:
    votes = getattr(cmd, "votes", None)
    return (
        cmd.command_name == "vote_by_name"
        and principal.person is not None
        and isinstance(votes, dict)
        and set(votes) == {principal.person}
        and principal.has_role("deputy", body)
        and body is not None
    )


def _check_late_entry(principal: Principal, cmd: Command, body: str | None) -> None:
    """SR-28: a late entry needs the role that records the minutes (secretary)."""
    if principal.has_role("secretary", body):
        return
    where = (
        f" of {body!r}" if body else " (an administrator, for a federation-wide act)"
    )
    raise NotAuthorized(
        f"{cmd.command_name}: a late entry (late = true) is made by the secretary "
        f"who records the minutes{where}; {principal.name!r} is not (SR-28)"
    )


def authorize_command(
    principal: Principal,
    state: FederationState,
    cmd: Command,
    *,
    scope: str = "commands:write",
) -> str | None:
    """Refuse (``NotAuthorized``) unless the principal may issue ``cmd``; its body.

    The credential needs ``scope`` (``commands:write``; a member's own petition
    acts through ``/api/petitions`` need ``petitions:sign``); the role must be
    held in the body the command acts in (administrators may act everywhere).
    """
    check_scope(principal, scope)
    rule = cmd.declaration.issuers
    body = body_of(state, cmd)
    if cmd.late:
        _check_late_entry(principal, cmd, body if rule.field is not None else "")
    if rule.field is not None and body is None:
        if principal.has_role("administrator"):
            return None
        raise NotAuthorized(
            f"{cmd.command_name} names no {rule.field}: only an administrator may "
            "issue it"
        )
    if _own_named_vote(principal, cmd, body):
        return body
    if rule.self_field is not None and principal.person is not None:
        concerned = getattr(cmd, rule.self_field, None)
        if concerned == principal.person and principal.has_role("member", body):
            return body
        if concerned == principal.person and principal.has_role("deputy", body):
            return body
    if not rule.roles:  # open only to the person concerned, acting for themselves
        raise NotAuthorized(
            f"{cmd.command_name}: {principal.name!r} may give only their own "
            f"{rule.self_field} (DESIGN §6: nobody acts for another)"
        )
    check_role(principal, rule.roles, body if rule.field is not None else "")
    return body


def may_issue(
    principal: Principal, declared: Declaration, body: str | None
) -> Literal["role", "self"] | None:
    """Whether ``principal`` may issue the command ``declared`` in ``body``
    (None: a federation-wide act): by a role held there (``"role"``), only
    for themselves (``"self"``: the person field fixed to their own person),
    or not at all (None). What the web shows; ``authorize_command`` decides.
    """
    if not principal.has_scope("commands:write"):
        return None
    rule = declared.issuers
    if principal.has_role("administrator"):
        return "role"
    if rule.field is None or body is None:
        return None
    if any(principal.has_role(role, body) for role in rule.roles):
        return "role"
    if (
        rule.self_field is not None
        and principal.person is not None
        and (principal.has_role("member", body) or principal.has_role("deputy", body))
    ):
        return "self"
    return None
