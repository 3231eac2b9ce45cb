"""SR-18/SR-19: whether a motion carries, and whose majority governs.

Pure arithmetic on the counts: the required majority (``simple``,
``absolute``, ``two_thirds``) of its basis (``votes_cast``, ``present``,
``seated``).
"""

from __future__ import annotations

from fractions import Fraction

from sovet.domain.kernel.assembly import Assembly, MotionRecord
from sovet.domain.kernel.state import FederationState

__all__ = ["carries", "cast_so_far", "governing_seats"]


def cast_so_far(motion: MotionRecord) -> int:
    """SR-19: votes recorded on ``motion`` so far."""
    return motion.yes + motion.no + motion.abstain


def carries(
    majority: str,
    basis: str,
    yes: int,
    no: int,
    abstain: int,
    present: int,
    seated: int,
) -> bool:
    """SR-19: does ``yes`` meet the required majority of the basis?"""
    total = {"votes_cast": yes + no + abstain, "present": present, "seated": seated}[
        basis
    ]
    if majority == "simple" and basis == "votes_cast":
        return yes > no
    if majority == "two_thirds":
        return total > 0 and Fraction(yes, total) >= Fraction(2, 3)
    return 2 * yes > total


def governing_seats(state: FederationState, assembly: Assembly) -> dict[str, int]:
    """SR-18: the decisive seats per faction whose majority governs ``assembly``'s
    acts — a committee's electing congress, otherwise the assembly itself."""
    if assembly.kind == "executive_committee" and assembly.congress in state.assemblies:
        return state.assemblies[assembly.congress].seated
    return assembly.seated
