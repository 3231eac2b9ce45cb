"""Time as data: parsing the ``at`` of commands, and Julian/Gregorian display.

Every ``at`` is ISO 8601, Gregorian (N.S.): a date (``1917-11-08``) or a
date-time (``1917-11-08T02:00``, optionally with an offset, read as UTC).
``moment(at)`` orders them: a bare date is the start of that day, and as a
*query* time (``moment(at, end_of_day=True)``) the end of it, so "legitimacy on
18 Nov" sees everything recorded that day. A bare date is that day in the
constitution's ``records.timezone`` (``zone``: ``UTC`` or a fixed offset such as
``+03:00``); a date-time without an offset is read in the same zone.

``display(at)`` shows a date the way the sources do (FACTS §10): before the
switch of 14 Feb 1918 (N.S.) the Julian (O.S.) date first and the Gregorian in
brackets — ``26 Oct (8 Nov) 1917``; from the switch on, the Gregorian alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = ["SWITCH_1918", "display", "julian", "moment", "parse_at", "zone_offset"]

SWITCH_1918 = date(1918, 2, 14)
"""The first Gregorian day in Soviet Russia (decree of 24 Jan (6 Feb) 1918)."""

_MONTHS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


_ZONES: dict[str, timedelta] = {"UTC": timedelta(0)}


def zone_offset(zone: str) -> timedelta:
    """The offset from UTC of ``zone``: ``UTC`` or ``+HH:MM``/``-HH:MM``.

    Raises ``ValueError`` for anything else (no zone names: see ``RecordsParams``).
    """
    found = _ZONES.get(zone)
    if found is not None:
        return found
    sign = {"+": 1, "-": -1}.get(zone[:1])
    hours, colon, minutes = zone[1:3], zone[3:4], zone[4:]
    if (
        len(zone) != 6
        or sign is None
        or colon != ":"
        or not (hours.isdigit() and minutes.isdigit())
        or int(hours) > 23
        or int(minutes) > 59
    ):
        raise ValueError(
            f"timezone {zone!r} must be 'UTC' or a fixed offset such as '+03:00'"
        )
    offset = sign * timedelta(hours=int(hours), minutes=int(minutes))
    _ZONES[zone] = offset
    return offset


def parse_at(at: str, zone: str = "UTC") -> datetime:
    """The naive UTC ``datetime`` of an ISO 8601 date or date-time.

    A bare date (its first instant) or a date-time without an offset is read
    in ``zone`` (see ``zone_offset``).
    """
    text = at.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        value = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - naive UTC by convention
        return value if zone == "UTC" else value - zone_offset(zone)
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value if zone == "UTC" else value - zone_offset(zone)


def moment(at: str, *, end_of_day: bool = False, zone: str = "UTC") -> datetime:
    """Ordering key of ``at``; a bare date as a query time means its last instant."""
    value = parse_at(at, zone)
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
