"""Hypothesis strategies for counting profiles (shared by every test that needs one).

``profiles()`` draws a compressed ``Profile``: a few candidates, distinct
rankings (strict, possibly truncated) with small positive weights.
``complete_profiles()`` draws full linear orders only (what pref_voting's
``Profile`` accepts).
"""

from __future__ import annotations

from hypothesis import strategies as st

from sovet.counting.types import Profile

__all__ = ["complete_profiles", "names", "profiles"]


def names(n: int) -> tuple[str, ...]:
    """Candidate names ``c0 … c{n-1}``."""
    return tuple(f"c{i}" for i in range(n))


@st.composite
def _ranking(draw: st.DrawFn, n: int, complete: bool) -> tuple[int, ...]:
    order = draw(st.permutations(range(n)))
    length = n if complete else draw(st.integers(1, n))
    return tuple(order[:length])


@st.composite
def profiles(
    draw: st.DrawFn,
    *,
    min_candidates: int = 2,
    max_candidates: int = 6,
    max_rankings: int = 12,
    max_weight: int = 30,
    complete: bool = False,
) -> Profile:
    """A profile with distinct rankings and weights in ``1..max_weight``."""
    n = draw(st.integers(min_candidates, max_candidates))
    rankings = draw(
        st.lists(_ranking(n, complete), min_size=1, max_size=max_rankings, unique=True)
    )
    weights = draw(
        st.lists(
            st.integers(1, max_weight), min_size=len(rankings), max_size=len(rankings)
        )
    )
    return Profile.from_ballots(names(n), zip(rankings, weights, strict=True))


def complete_profiles(**kwargs: int) -> st.SearchStrategy[Profile]:
    """Profiles of full linear orders only."""
    return profiles(complete=True, **kwargs)
