"""SR-28: when a live act — one issued through the API or the web — takes effect.

A live act takes effect now unless its caller gives a time. A time more than a
small clock skew (``SOVET_FUTURE_SKEW_SECONDS``, default 300) ahead of the
server's clock is refused: acts are recorded in time order, so one act dated in
the far future would otherwise refuse every later one and freeze the log for
good. Scenario files, ``sovet init --at`` and ``sovet generate`` are the
operator's and may use any time.

A live late entry (``late = true``: an act dated before the latest act in
effect) may go back at most the constitution's ``records.late_entry_days``
(``check_late_entry``); who may make one is ``command_authz``'s business.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from sovet.config import Settings
from sovet.domain import Command, FederationState
from sovet.domain.kernel.calendar import parse_at
from sovet.errors import RuleViolation, says
from sovet.services.bootstrap import Services

__all__ = ["check_late_entry", "live_at"]


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
            says(
                "'at' {at} is in the future (the server's time is "
                "{now} UTC): a live act takes effect now, or at a time "
                "already past",
                at=at,
                now=now.isoformat(timespec="seconds"),
            ),
            at,
        )
    return at


def check_late_entry(
    services: Services, state: FederationState, command: Command
) -> None:
    """SR-28: refuse a live late entry dated more than ``records.late_entry_days``
    before now (an act not marked late is not concerned)."""
    if not command.late:
        return
    days = state.constitution.records.late_entry_days
    now = services.clock.now().astimezone(UTC).replace(tzinfo=None)
    try:
        when = parse_at(command.at, state.zone)
    except ValueError:
        return  # the command refuses the malformed time itself, naming the field
    if when < now - timedelta(days=days):
        raise RuleViolation(
            "SR-28",
            says(
                "a late entry may be dated at most {days} days back "
                "(records.late_entry_days); {at} is earlier: the operator "
                "enters older minutes through a scenario file",
                days=days,
                at=command.at,
            ),
            command.at,
        )
