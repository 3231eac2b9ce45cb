"""SR-28: when a live act — one issued through the API or the web — takes effect.

A live act takes effect now unless its caller gives a time. A time more than a
small clock skew (``SOVET_FUTURE_SKEW_SECONDS``, default 300) ahead of the
server's clock is refused: acts are recorded in time order, so one act dated in
the far future would otherwise refuse every later one and freeze the log for
good. Scenario files, ``sovet init --at`` and ``sovet generate`` are the
operator's and may use any time.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from sovet.config import Settings
from sovet.domain.kernel.calendar import parse_at
from sovet.errors import RuleViolation
from sovet.services.bootstrap import Services

__all__ = ["live_at"]


def live_at(services: Services, at: str | None) -> str:
    """``at``, or now when absent; refused (SR-28) when beyond the clock skew.

    A malformed ``at`` is returned unchanged for the command to refuse naming
    the field.
    """
    now = services.clock.now().astimezone(UTC).replace(tzinfo=None)
    if at is None or not at.strip():
        return now.isoformat(timespec="seconds")
    try:
        when = parse_at(at)
    except ValueError:
        return at
    skew = timedelta(seconds=Settings().future_skew_seconds)
    if when > now + skew:
        raise RuleViolation(
            "SR-28",
            f"'at' {at} is in the future (the server's time is "
            f"{now.isoformat(timespec='seconds')} UTC): a live act takes effect "
            "now, or at a time already past",
            at,
        )
    return at
