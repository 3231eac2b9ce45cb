"""Time as data: parsing the ``at`` of commands, and Julian/Gregorian display.

Every ``at`` is ISO 8601, Gregorian (N.S.): a date (``1917-11-08``) or a
date-time (``1917-11-08T02:00``, optionally with an offset, read as UTC).
``moment(at)`` orders them: a bare date is the start of that day, and as a
*query* time (``moment(at, end_of_day=True)``) the end of it, so "legitimacy on
18 Nov" sees everything recorded that day.

``display(at)`` shows a date the way the sources do (FACTS §10): before the
switch of 14 Feb 1918 (N.S.) the Julian (O.S.) date first and the Gregorian in
brackets — ``26 Oct (8 Nov) 1917``; from the switch on, the Gregorian alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = ["SWITCH_1918", "display", "julian", "moment", "parse_at"]

SWITCH_1918 = date(1918, 2, 14)
"""The first Gregorian day in Soviet Russia (decree of 24 Jan (6 Feb) 1918)."""

_MONTHS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def parse_at(at: str) -> datetime:
    """The naive UTC ``datetime`` of an ISO 8601 date or date-time."""
    text = at.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day)  # noqa: DTZ001 - naive UTC by convention
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def moment(at: str, *, end_of_day: bool = False) -> datetime:
    """Ordering key of ``at``; a bare date as a query time means its last instant."""
    value = parse_at(at)
    if end_of_day and len(at.strip()) == 10:
        return value + timedelta(days=1) - timedelta(microseconds=1)
    return value


def julian(day: date) -> tuple[int, int, int]:
    """The Julian-calendar ``(year, month, day)`` of a Gregorian date."""
    jdn = day.toordinal() + 1_721_425  # proleptic Gregorian ordinal → JDN
    c = jdn + 32_082
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    return d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1


def display(at: str, *, switch: date = SWITCH_1918) -> str:
    """``26 Oct (8 Nov) 1917`` before ``switch``, ``1 Mar 1918`` from it on."""
    day = parse_at(at).date()
    greg = f"{day.day} {_MONTHS[day.month - 1]}"
    if day >= switch:
        return f"{greg} {day.year}"
    jy, jm, jd = julian(day)
    old = f"{jd} {_MONTHS[jm - 1]}"
    if jy == day.year:
        return f"{old} ({greg}) {day.year}"
    return f"{old} {jy} ({greg} {day.year})"
