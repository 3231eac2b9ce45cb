"""SR-15, SR-20, SR-28 (1): who may act for a congress body, and when.

Power passes only through the latest congress: while it sits it decides
itself, and between its sessions the executive committee it elected acts for
it (SR-20); a body whose mandate has lapsed never acts again. One function,
``authority``, says who that is for a congress body as the state stands, and
every command that convenes, forms, approves, confirms, withdraws or fills
asks it (``check_act``, ``check_convener``); legitimacy names the same bodies
in its warnings (``who_may_act``).

- The *latest congress* is the body's latest session (``latest_congress``).
  While it sits (not closed) it alone approves a government, confirms one and
  elects its committee (``SESSION_ACTS``; where the constitution lets only
  committees form governments, SR-21, its committee does that); it may also
  do every other act.
- Its *committee* is the executive committee that this latest congress
  elected, while that committee sits. It acts between sessions and, for the
  acts not reserved to a sitting congress, from its election on — filling a
  vacant place on itself (``fill_committee``) only once the congress has
  closed.
- A committee elected by an earlier congress is superseded as soon as a newer
  congress convenes: it keeps no power over governments or convocation.
- *Standing* committees registered as bodies (not elected in the log) act —
  convene the congress — only until the first congress in the log elects a
  committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sovet.domain.kernel.assembly import Assembly
from sovet.domain.kernel.calendar import display
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = [
    "SESSION_ACTS",
    "Act",
    "Authority",
    "authority",
    "check_act",
    "check_convener",
    "who_may_act",
]

Act = Literal[
    "convene",
    "form",
    "approve",
    "confirm",
    "elect_committee",
    "withdraw",
    "fill",
    "rename",
    "recall_officer",
    "fill_committee",
]
"""The acts of a congress or its committee that only the authority may do."""

SESSION_ACTS: frozenset[Act] = frozenset(
    {"form", "approve", "confirm", "elect_committee", "fill_committee"}
)
"""Acts that belong to the congress itself while it sits (SR-20, SR-21, SR-26)."""

_CONGRESS_ONLY: frozenset[Act] = frozenset({"confirm", "elect_committee"})
"""Acts no committee ever does (SR-20, SR-26)."""

_RULE: dict[Act, str] = {
    "convene": "SR-15",
    "form": "SR-21",
    "approve": "SR-28",
    "confirm": "SR-26",
    "elect_committee": "SR-20",
    "withdraw": "SR-22",
    "fill": "SR-30",
    "rename": "SR-21",
    "recall_officer": "SR-22",
    "fill_committee": "SR-20",
}


@dataclass(frozen=True, slots=True)
class Authority:
    """Who acts for congress body ``body`` as the state stands."""

    body: str
    congress: Assembly | None
    """The latest session of the body, sitting or closed."""
    committee: Assembly | None
    """The committee the latest congress elected, while it sits."""
    standing: tuple[str, ...]
    """Standing committees (bodies), while no congress has elected one."""
    reserved: frozenset[Act] = SESSION_ACTS
    """What a sitting congress keeps to itself (less what the constitution
    gives only to committees, e.g. forming a government in 1918)."""

    @property
    def in_session(self) -> bool:
        """Is the latest congress sitting?"""
        return self.congress is not None and self.congress.closed_at is None

    def may(self, actor: str, act: Act) -> bool:
        """May ``actor`` (a session, a committee or a standing body) do ``act``?"""
        if act == "convene":
            if self.committee is not None and actor == self.committee.id:
                return True
            return actor in self.standing
        if self.in_session and self.congress is not None:
            if actor == self.congress.id:
                return True
            if act in self.reserved:
                return False
        if act in _CONGRESS_ONLY:
            return False
        return self.committee is not None and actor == self.committee.id


def authority(state: FederationState, body: str) -> Authority:
    """SR-15/SR-20/SR-28 (1): the latest congress of ``body`` and its committee."""
    latest = state.latest_congress(body)
    committee = None
    if latest is not None and latest.executive is not None:
        elected = state.assemblies.get(latest.executive)
        if elected is not None and elected.closed_at is None:
            committee = elected
    ever_elected = any(
        a.kind == "executive_committee" and a.body == body
        for a in state.assemblies.values()
    )
    standing: tuple[str, ...] = ()
    if not ever_elected:
        standing = tuple(
            b.id
            for b in state.bodies.values()
            if b.kind == "executive_committee" and b.parent == body
        )
    reserved = SESSION_ACTS
    if "congress" not in state.constitution.government.formed_by:
        reserved = SESSION_ACTS - {"form", "approve"}
    return Authority(body, latest, committee, standing, reserved)


def who_may_act(state: FederationState, body: str, act: Act) -> str:
    """The body (or bodies) that may do ``act`` for ``body`` now, in words."""
    found = authority(state, body)
    names = [
        _name(state, actor) for actor in _candidates(found) if found.may(actor, act)
    ]
    if names:
        return " or ".join(names)
    if act == "convene":
        return says("only councils holding the required share of the population")
    return says("the next congress of {body}, once convened", body=_name(state, body))


def check_act(state: FederationState, actor: Assembly, act: Act) -> None:
    """Refuse ``act`` by ``actor`` unless it is the authority of its body now.

    SR-27 when ``actor`` is not the authority at all (power never passes
    through a body whose mandate has lapsed); the act's own rule when it is,
    but the act belongs to the sitting congress (e.g. SR-21, SR-26, SR-20).
    """
    found = authority(state, actor.body)
    if found.may(actor.id, act):
        return
    # A body that is not the authority at all (closed, superseded, never
    # elected) breaks SR-27; the authority doing what is not its own, the act's.
    rule = _RULE[act] if actor.id in _candidates(found) else "SR-27"
    raise RuleViolation(
        rule,
        says(
            "{name} may not {act}: {why}; {who} may",
            name=actor.name,
            act=_VERB[act],
            why=_why(state, found, actor.id),
            who=who_may_act(state, actor.body, act),
        ),
        actor.id,
    )


def check_convener(state: FederationState, body: str, convened_by: str) -> None:
    """SR-15: refuse a convocation of ``body`` by anyone but its authority."""
    found = authority(state, body)
    if found.may(convened_by, "convene"):
        return
    raise RuleViolation(
        "SR-15",
        says(
            "{convener} may not convene {body}: {why}; {who} may",
            convener=_name(state, convened_by),
            body=_name(state, body),
            why=_why(state, found, convened_by),
            who=who_may_act(state, body, "convene"),
        ),
        convened_by,
    )


_VERB: dict[Act, str] = {
    "convene": says("convene the congress"),
    "form": says("form a government"),
    "approve": says("approve a government"),
    "confirm": says("confirm a government"),
    "elect_committee": says("elect an executive committee"),
    "withdraw": says("withdraw the government"),
    "fill": says("fill a vacant office"),
    "rename": says("rename the government"),
    "recall_officer": says("recall an officer"),
    "fill_committee": says("fill a vacant place on the committee"),
}


def _candidates(found: Authority) -> list[str]:
    out = [found.congress.id] if found.in_session and found.congress else []
    if found.committee is not None:
        out.append(found.committee.id)
    return out + list(found.standing)


def _name(state: FederationState, key: str) -> str:
    return state.display_name(key) or key


def _why(state: FederationState, found: Authority, actor: str) -> str:
    """Why ``actor`` is not the authority: superseded, closed, or never was."""
    latest = found.congress
    acting = state.assemblies.get(actor)
    if acting is not None and acting.kind == "congress":
        if latest is not None and acting.id != latest.id:
            return says("{congress} has convened since", congress=latest.name)
        if acting.closed_at is not None:
            return says("it closed on {date}", date=display(acting.closed_at))
        return says("a congress in session does not do that")
    if acting is not None and acting.kind == "executive_committee":
        if latest is not None and acting.congress != latest.id:
            return says(
                "its mandate ended when {congress} convened on {date} (SR-20, SR-26)",
                congress=latest.name,
                date=display(latest.opened_at),
            )
        if acting.closed_at is not None:
            return says(
                "it was replaced on {date} (SR-20)", date=display(acting.closed_at)
            )
        if found.in_session:
            if latest is None:
                return says("the congress is in session")
            return says("{congress} is in session", congress=latest.name)
        return says("a committee does not do that")
    if actor in state.bodies and state.bodies[actor].kind == "executive_committee":
        return says(
            "a committee registered without an election acts only until a "
            "congress elects one"
        )
    return says("it is neither the latest congress nor the committee it elected")
