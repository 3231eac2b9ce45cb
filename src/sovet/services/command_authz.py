"""Which role may issue each engine command, and in which body (DESIGN §6).

``COMMAND_RULES`` maps a command name to the roles allowed and the *source* of
the body the command acts in: a field of the command, resolved through the
state (a congress → its body, a motion → its assembly's body, a constituency →
its council …). A member acts only where they belong: a role bound in another
body does not count. Commands absent from the table (new ones) are for the
administrator only until someone adds them. Some commands are also open to the
person they concern: a deputy casting their own named vote (``vote_by_name``
with only their own entry), a person resigning or dissenting themselves, and a
member signing a recall petition themselves (nobody may sign for another).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sovet.domain import Command, FederationState
from sovet.errors import NotAuthorized, NotFound
from sovet.services.authz import Principal, check_role, check_scope

__all__ = [
    "COMMAND_RULES",
    "SERVICE_ONLY",
    "CommandRule",
    "authorize_command",
    "body_of",
]

SERVICE_ONLY = frozenset({"record_vote_cast", "close_poll"})
"""Commands only their service may issue (secret ballots, DESIGN §6): the vote
row and its event in one transaction, the shuffled batch at close. They have no
generic route; ``api/routes/elections.py`` serves them."""

Resolver = Callable[[FederationState, str], str]


def _body(_state: FederationState, ref: str) -> str:
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
        raise NotFound("SR-23", f"no offer {ref!r}", ref)
    return _government(state, offer.government)


def _constituency(state: FederationState, ref: str) -> str:
    found = state.constituencies.get(ref)
    if found is None:
        raise NotFound("SR-6", f"no constituency {ref!r}", ref)
    return found.council


def _election(state: FederationState, ref: str) -> str:
    found = state.elections.get(ref)
    if found is None:
        raise NotFound("SR-7", f"no election {ref!r}", ref)
    return _constituency(state, found.constituency)


def _hold(state: FederationState, ref: str) -> str:
    found = state.holds.get(ref)
    if found is None:
        raise NotFound("SR-29", f"no hold {ref!r}", ref)
    return found.body


def _petition(state: FederationState, ref: str) -> str:
    found = state.petitions.get(ref)
    if found is None:
        raise NotFound("SR-10", f"no recall petition {ref!r}", ref)
    return _constituency(state, found.constituency)


def _decision(state: FederationState, ref: str) -> str:
    found = state.decisions.get(ref)
    return found.body if found is not None else _motion(state, ref)


@dataclass(frozen=True, slots=True)
class CommandRule:
    """Roles allowed (any of), the field naming the object, and how to reach its body.

    ``field=None``: a federation-wide act (administrator, or the roles anywhere
    when ``anywhere`` is set).
    """

    roles: tuple[str, ...]
    field: str | None
    resolve: Resolver = _body
    self_field: str | None = None  # the person field that may be the caller


SEC = ("secretary",)
CRED = ("credentials_committee", "secretary")

COMMAND_RULES: dict[str, CommandRule] = {
    "adopt_constitution": CommandRule(("administrator",), None),
    "register_faction": CommandRule(("administrator",), None),
    "register_person": CommandRule(("administrator",), None),
    "register_body": CommandRule(SEC, "parent"),
    "record_council_composition": CommandRule(SEC, "body"),
    "convene_congress": CommandRule(SEC, "body"),
    "close_congress": CommandRule(SEC, "congress", _assembly),
    "apportion_congress": CommandRule(SEC, "congress", _assembly),
    "appoint_credentials_commission": CommandRule(SEC, "congress", _assembly),
    "credential_delegates": CommandRule(CRED, "congress", _assembly),
    "report_credentials": CommandRule(CRED, "congress", _assembly),
    "record_walk_out": CommandRule(CRED, "congress", _assembly),
    "replace_delegate": CommandRule(SEC, "by_body"),
    "propose_motion": CommandRule(SEC, "assembly", _assembly),
    "close_motion": CommandRule(SEC, "motion", _motion),
    "record_unrecorded_outcome": CommandRule(SEC, "motion", _motion),
    "vote_by_count": CommandRule(SEC, "motion", _motion),
    "vote_by_name": CommandRule(SEC, "motion", _motion),
    "elect_executive_committee": CommandRule(SEC, "congress", _assembly),
    "elect_executive_chair": CommandRule(SEC, "executive", _assembly),
    "submit_government_list": CommandRule(SEC, "assembly", _assembly),
    "offer_seats": CommandRule(SEC, "government", _government),
    "accept_offer": CommandRule(SEC, "offer", _offer),
    "decline_offer": CommandRule(SEC, "offer", _offer),
    "withdraw_commitment": CommandRule(SEC, "offer", _offer),
    "record_demand": CommandRule(SEC, "addressed_to"),
    "place_hold": CommandRule(SEC, "body"),
    "record_position": CommandRule(SEC, "hold", _hold),
    "resign": CommandRule(SEC, "body", self_field="person"),
    "declare_dissent": CommandRule(SEC, "decision", _decision, self_field="person"),
    "act_against_decision": CommandRule(SEC, "decision", _decision),
    "record_expiry_event": CommandRule(SEC, "body"),
    "register_elector": CommandRule(SEC, "constituency", _constituency),
    "record_exclusion": CommandRule(("administrator",), None),
    "lower_voting_age": CommandRule(SEC, "council"),
    "register_constituency": CommandRule(SEC, "council"),
    "seat_deputy": CommandRule(CRED, "constituency", _constituency),
    "call_election": CommandRule(SEC, "constituency", _constituency),
    "count_election": CommandRule(SEC, "election", _election),
    "verify_election": CommandRule(CRED, "election", _election),
    "annul_election": CommandRule(CRED, "election", _election),
    "petition_recall": CommandRule(SEC, "constituency", _constituency),
    "hold_recall_vote": CommandRule(SEC, "constituency", _constituency),
    "order_re_election": CommandRule(SEC, "by_body"),
    "instruct_delegate": CommandRule(SEC, "by_body"),
    "open_poll": CommandRule(SEC, "election", _election),
    "open_recall_petition": CommandRule(
        ("member", "secretary"), "constituency", _constituency
    ),
    "sign_recall_petition": CommandRule((), "petition", _petition, "member"),
}
"""DESIGN §6: command name → who may issue it and where."""

_ADMIN_ONLY = CommandRule(("administrator",), None)


def body_of(state: FederationState, cmd: Command) -> str | None:
    """The body ``cmd`` acts in (``None`` for a federation-wide act)."""
    rule = COMMAND_RULES.get(cmd.command_name, _ADMIN_ONLY)
    if rule.field is None:
        return None
    ref = getattr(cmd, rule.field, None)
    if not isinstance(ref, str) or not ref:
        return None
    return rule.resolve(state, ref)


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


def authorize_command(
    principal: Principal, state: FederationState, cmd: Command
) -> str | None:
    """Refuse (``NotAuthorized``) unless the principal may issue ``cmd``; its body.

    The credential needs the ``commands:write`` scope; the role must be held in
    the body the command acts in (administrators may act everywhere).
    """
    check_scope(principal, "commands:write")
    rule = COMMAND_RULES.get(cmd.command_name, _ADMIN_ONLY)
    body = body_of(state, cmd)
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
