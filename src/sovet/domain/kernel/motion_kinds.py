"""SR-19: the kinds of motion: what each checks when proposed and does when carried.

``@motion_kind``-style registration: ``motion_kind(name, rule)((check,
effect))`` fills ``MOTION_KINDS``; rule modules register their own kinds (the
approval of a government, a recall of an officer …). The kinds any assembly
has are registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovet.domain.kernel.assembly import Assembly, DecisionRecord, MotionRecord
from sovet.domain.kernel.messages import EventRef
from sovet.domain.kernel.state import FederationState

if TYPE_CHECKING:
    from sovet.domain.kernel.motions import ProposeMotion

__all__ = ["MOTION_KINDS", "Check", "Effect", "MotionKind", "motion_kind"]

Check = Callable[[FederationState, Assembly, "ProposeMotion"], None]
Effect = Callable[[FederationState, MotionRecord, EventRef], None]


@dataclass(frozen=True, slots=True)
class MotionKind:
    """What a kind of motion checks when proposed and does when carried."""

    name: str
    rule: str
    check: Check
    effect: Effect


MOTION_KINDS: dict[str, MotionKind] = {}
"""SR-19: every kind of motion by name."""


def motion_kind(name: str, rule: str) -> Callable[[tuple[Check, Effect]], None]:
    """Register a motion kind from its ``(check, effect)`` pair."""

    def register(pair: tuple[Check, Effect]) -> None:
        MOTION_KINDS[name] = MotionKind(name, rule, pair[0], pair[1])

    return register


def _no_check(
    _state: FederationState, _assembly: Assembly, _cmd: ProposeMotion
) -> None:
    return None


def _no_effect(_state: FederationState, _motion: MotionRecord, _ref: EventRef) -> None:
    return None


def _binding(state: FederationState, motion: MotionRecord, ref: EventRef) -> None:
    body = state.assemblies[motion.assembly]
    state.decisions[motion.id] = DecisionRecord(motion.id, body.id, motion.text, ref)


motion_kind("general", "SR-19")((_no_check, _no_effect))
motion_kind("confidence", "SR-22")((_no_check, _no_effect))
motion_kind("programme", "SR-24")((_no_check, _binding))
motion_kind("decision", "SR-31")((_no_check, _binding))
