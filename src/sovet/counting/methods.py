"""Every counting method, by name (SR-7): ``get_method`` and ``count``.

The one list of method modules is the import below: each registers itself in
``registry.COUNTING_METHODS`` with ``@counting_method``. Add yours here.
"""

from __future__ import annotations

from sovet.counting import (  # noqa: F401  (each import registers its methods)
    approval,
    condorcet,
    irv,
    list_pr,
    plurality,
    stv_ers97,
    stv_meek,
    stv_scottish,
)
from sovet.counting.registry import COUNTING_METHODS, MethodInfo
from sovet.counting.types import CountResult, Profile, TieBreak
from sovet.errors import UnknownCountingMethod

__all__ = ["COUNTING_METHODS", "count", "get_method"]


def get_method(name: str) -> MethodInfo:
    """SR-7: the method registered as ``name``, or ``UnknownCountingMethod``."""
    try:
        return COUNTING_METHODS[name]
    except KeyError:
        raise UnknownCountingMethod(name, tuple(sorted(COUNTING_METHODS))) from None


def count(
    name: str, profile: Profile, *, seats: int, tie_break: TieBreak | None = None
) -> CountResult:
    """Count ``profile`` by the method registered as ``name``."""
    return get_method(name).func(
        profile, seats=seats, tie_break=tie_break or TieBreak()
    )
