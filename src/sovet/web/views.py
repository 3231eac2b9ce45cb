"""View data for the web pages, read from the folded state: no HTML here.

``state_at(services, at)`` is the time machine every page uses: the state at the
head of the log (the process's one fold, ``Services.cache``, the API's too;
page handlers are ``serialized`` on one snapshot of it), or with ``?at=`` the
fold of the events recorded up to that day (``FederationState.as_of``, SR-28;
the last few are kept). The
other functions turn the records into what the templates and ``svg`` need:
compositions by faction, the federation tree, the congress sessions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from fastapi import Request

from sovet.config import Settings
from sovet.domain import FederationState
from sovet.domain.bodies.records import BodyRecord
from sovet.domain.kernel.assembly import Assembly
from sovet.i18n import gettext
from sovet.presets.display import load_display
from sovet.services.bootstrap import Services
from sovet.services.queries import check_time
from sovet.services.words import said_day
from sovet.web.common import services_of
from sovet.web.messages import N_
from sovet.web.svg import Slice, TreeNode, faction_colours

__all__ = [
    "STATIC_DIR",
    "VACANT_COLOUR",
    "Majority",
    "Moment",
    "body_slices",
    "candidate_colours",
    "council_slices",
    "faction_palette",
    "federation",
    "head",
    "majority_of",
    "read",
    "seated_noun",
    "serialized",
    "session_slices",
    "sessions",
    "slices",
    "state_at",
]

STATIC_DIR = Path(__file__).parent / "static"


P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def serialized(handler: Callable[P, R]) -> Callable[P, R]:
    """Run a page handler (called with ``request=``) on one snapshot of the state.

    The process's one fold (``Services.cache``, shared with the API) is read
    through ``snapshot``: caught up with the log's head, then unchanged until
    the page is rendered, so every ``state_at``/``head``/``read`` inside the
    handler sees the same log position.
    """

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        request = kwargs.get("request")
        if not isinstance(request, Request):
            raise TypeError(f"{handler.__name__} must be called with request=")
        services = services_of(request)
        with services.cache.snapshot(services.uow):
            return handler(*args, **kwargs)

    return run


def head(services: Services) -> FederationState:
    """The state at the head of the log (inside a ``serialized`` handler: its
    snapshot; read it only there)."""
    return state_at(services, None).state


def read(services: Services, reader: Callable[[FederationState], T]) -> T:
    """``reader(state at the head)`` on a snapshot (for form handlers)."""
    return services.cache.read(services.uow, reader)


@dataclass(frozen=True, slots=True)
class Moment:
    """The state a page shows and the time it is for (``at`` is None for now)."""

    state: FederationState
    at: str | None
    label: str


def state_at(services: Services, at: str | None) -> Moment:
    """SR-28: the state at the head of the log, or as recorded up to ``at``.

    Call it from a ``serialized`` handler (or ``read``): the head state is
    the handler's snapshot. A malformed ``at`` raises ``InputError`` naming
    the parameter.
    """
    if at:
        check_time(at, key="at")
    with services.cache.snapshot(services.uow) as state:
        if not at:
            label = gettext("now")
            if state.last_at is not None:
                label = gettext("now (log up to {day})").format(
                    day=said_day(state.last_at)
                )
            return Moment(state, None, label)
        return Moment(services.cache.as_of(state, at), at, said_day(at))


def faction_palette(
    state: FederationState, extra: Sequence[str] = ()
) -> dict[str, str]:
    """One colour per faction, the same on every page and chart.

    The display settings' colour where they give one (the preset's
    ``display.toml``, then ``SOVET_DISPLAY_FILE``; never the log), else the
    palette in the order the factions were registered; ``extra`` ids (factions
    the state does not know, independents) come last.
    """
    order = tuple(state.factions) + tuple(k for k in extra if k not in state.factions)
    return dict(_palette(state.constitution.name, _display_file(), order))


@functools.cache
def _display_file() -> str | None:
    return Settings().display_file  # read once, as the server starts


@functools.lru_cache(maxsize=64)
def _palette(
    constitution: str, path: str | None, order: tuple[str, ...]
) -> Mapping[str, str]:
    return faction_colours(order, load_display(constitution, path).factions)


def candidate_colours(
    state: FederationState, candidates: Mapping[str, str | None]
) -> dict[str, str]:
    """Each candidate (id → faction id, or None) in their faction's colour; a
    candidate of no faction gets a colour of their own."""
    own = [c for c, f in candidates.items() if not f]
    palette = faction_palette(
        state, [f for f in candidates.values() if f] + [f"person:{c}" for c in own]
    )
    return {c: palette[f or f"person:{c}"] for c, f in candidates.items()}


def slices(state: FederationState, counts: Mapping[str, int]) -> list[Slice]:
    """A composition (faction id → seats) as named, coloured slices.

    Factions keep the order they were registered in, each in its one colour
    (``faction_palette``); a faction the state does not know keeps its id as
    its name.
    """
    order = list(state.factions)
    order += [key for key in counts if key not in state.factions]
    colours = faction_palette(state, order)
    return [
        Slice(key, state.display_name(key) or key, counts[key], colours[key])
        for key in order
        if counts.get(key, 0) > 0
    ]


def session_slices(state: FederationState, session: Assembly) -> list[Slice]:
    """SR-17: the decisive delegates seated in a session, by faction."""
    return slices(state, session.seated)


def body_slices(state: FederationState, body: BodyRecord) -> list[Slice]:
    """SR-2: a body's composition: its deputies by faction, else its latest session."""
    if body.composition:
        return slices(state, body.composition)
    latest = state.latest_congress(body.id)
    if latest is not None:
        return session_slices(state, latest)
    if body.members:
        counts: dict[str, int] = {}
        for faction in body.members.values():
            counts[faction] = counts.get(faction, 0) + 1
        return slices(state, counts)
    return []


VACANT_COLOUR = "#8c8c8c"


def council_slices(state: FederationState, body: BodyRecord) -> list[Slice]:
    """SR-6/SR-9: a council's seats — its constituencies' deputies by faction,
    and the vacant seats (grey) — or its recorded composition if it has none."""
    constituencies = [c for c in state.constituencies.values() if c.council == body.id]
    if not constituencies:
        return body_slices(state, body)
    counts: dict[str, int] = {}
    vacant = 0
    for constituency in constituencies:
        for holder in constituency.holders.values():
            counts[holder.faction] = counts.get(holder.faction, 0) + 1
        vacant += max(constituency.seats - len(constituency.holders), 0)
    parts = slices(state, counts)
    if vacant:
        parts.append(Slice("vacant", "vacant", vacant, VACANT_COLOUR))
    return parts


def federation(state: FederationState, limit: int | None = None) -> list[TreeNode]:
    """SR-2: the bodies as a forest (by ``parent``), sessions under their body.

    With ``limit``, a body shows at most ``limit`` children and a last node
    counting the others (a federation of 10,000 councils stays readable).
    """
    nodes = {
        key: TreeNode(key, body.name, body.kind, council_slices(state, body))
        for key, body in state.bodies.items()
    }
    roots: list[TreeNode] = []
    for key, body in state.bodies.items():
        parent = nodes.get(body.parent) if body.parent else None
        (parent.children if parent is not None else roots).append(nodes[key])
    for session in state.assemblies.values():
        owner = nodes.get(session.body)
        node = TreeNode(
            f"session:{session.id}",
            session.name,
            session.kind,
            session_slices(state, session),
        )
        (owner.children if owner is not None else roots).append(node)
    if limit is not None:
        _trim(roots, limit)
    return roots


def _trim(nodes: list[TreeNode], limit: int) -> None:
    """Keep ``limit`` children per body; the rest become one "… more" node."""
    for node in nodes:
        _trim(node.children, limit)
    if len(nodes) > limit:
        hidden = len(nodes) - limit
        del nodes[limit:]
        nodes.append(
            TreeNode("more", gettext("… and {count} more").format(count=hidden), "more")
        )


def seated_noun(session: Assembly) -> str:
    """What a session's seated are called: an executive committee's and a
    sitting's are members (SR-20); a congress's, decisive delegates (SR-17)."""
    if session.kind in ("executive_committee", "sitting"):
        return N_("members")
    return N_("decisive delegates")


def sessions(state: FederationState) -> list[Assembly]:
    """SR-15/SR-20: every congress session and executive committee, oldest first."""
    return list(state.assemblies.values())


@dataclass(frozen=True, slots=True)
class Majority:
    """SR-18: a congress session's decisive delegates by faction, and the
    faction holding more than half of them (None when none does)."""

    session: str
    parts: list[Slice]
    seated: int
    holder: Slice | None


def majority_of(state: FederationState, name: str) -> Majority | None:
    """The latest congress session called ``name`` (the answer's ``majority``
    names its body so), as a ``Majority``; None when there is none."""
    found = [
        a for a in state.assemblies.values() if a.kind == "congress" and a.name == name
    ]
    if not found:
        return None
    session = found[-1]
    parts = session_slices(state, session)
    seated = sum(p.seats for p in parts)
    holder = next((p for p in parts if 2 * p.seats > seated), None)
    return Majority(session.id, parts, seated, holder)
