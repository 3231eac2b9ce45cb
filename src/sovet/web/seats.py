"""Seat pictures for the web UI as SVG strings: pure functions, no I/O.

``seats_picture`` draws a body's or a session's seats by faction (SR-16/SR-19):
``seat_rows`` (rows of seats) below ``HEMICYCLE_FROM`` seats, else a
``hemicycle``; either marks where the seat that makes a majority sits. Each
has ``role="img"``, a ``<title>`` and a ``<desc>``, and escapes every text.
``sovet.web.svg`` re-exports these names with the other pictures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sovet.i18n import gettext, ngettext

__all__ = [
    "CHAR_WIDTH",
    "HEMICYCLE_FROM",
    "Seat",
    "Slice",
    "hemicycle",
    "hemicycle_seats",
    "majority",
    "seat_rows",
    "seats_picture",
]

HEMICYCLE_FROM = 12
"""Bodies with fewer seats are drawn as a row of seats, not a hemicycle."""

CHAR_WIDTH = 0.62
"""The widest average character of the pictures' sans-serif font, in ems: the
wrapping width is reckoned with it, so a line never runs past the picture."""


def majority(seats: int) -> int:
    """SR-19: the seats an absolute majority of ``seats`` needs (more than half)."""
    return seats // 2 + 1


@dataclass(frozen=True, slots=True)
class Slice:
    """One faction's share of a composition: its id, name, seats and colour."""

    key: str
    name: str
    seats: int
    colour: str


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat of a hemicycle: its centre and the angle it sits at (radians)."""

    x: float
    y: float
    angle: float


_INNER, _OUTER = 0.38, 1.0


def _rows_for(seats: int) -> int:
    rows = 1
    while sum(_row_capacities(rows)) < seats:
        rows += 1
    return rows


def _row_radii(rows: int) -> list[float]:
    if rows == 1:
        return [_OUTER]
    step = (_OUTER - _INNER) / (rows - 1)
    return [_INNER + i * step for i in range(rows)]


def _row_capacities(rows: int) -> list[int]:
    spacing = (_OUTER - _INNER) / max(rows - 1, 1) if rows > 1 else 0.12
    return [max(1, int(math.pi * r / spacing)) + 1 for r in _row_radii(rows)]


def hemicycle_seats(seats: int) -> list[Seat]:
    """The centres of ``seats`` seats on a unit half-disc, left to right.

    Rows get seats in proportion to their radius (largest remainder), so the
    seats are evenly spaced; seats are ordered by angle, from the left end.
    """
    if seats <= 0:
        return []
    rows = _rows_for(seats)
    radii = _row_radii(rows)
    total_r = sum(radii)
    quotas = [seats * r / total_r for r in radii]
    counts = [int(q) for q in quotas]
    order = sorted(range(rows), key=lambda i: quotas[i] - counts[i], reverse=True)
    for i in order[: seats - sum(counts)]:
        counts[i] += 1
    placed: list[Seat] = []
    for radius, count in zip(radii, counts, strict=True):
        for j in range(count):
            angle = math.pi / 2 if count == 1 else math.pi * (1 - j / (count - 1))
            placed.append(
                Seat(radius * math.cos(angle), radius * math.sin(angle), angle)
            )
    placed.sort(key=lambda s: (-s.angle, math.hypot(s.x, s.y)))
    return placed


def counted(total: int, noun: str) -> str:
    """``total`` seats, members or decisive delegates, in the reader's language."""
    if noun == "members":
        text = ngettext("{count} member", "{count} members", total)
    elif noun == "decisive delegates":
        text = ngettext(
            "{count} decisive delegate", "{count} decisive delegates", total
        )
    else:
        text = ngettext("{count} seat", "{count} seats", total)
    return text.format(count=total)


def _opening(
    kind: str, view: str, title: str, total: int, noun: str, slices: Sequence[Slice]
) -> list[str]:
    need = majority(total)
    desc = ", ".join(f"{s.name}: {s.seats}" for s in slices if s.seats)
    tail = gettext("; a majority is {need}").format(need=need) if total else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seats {kind}" role="img" '
        f'viewBox="{view}" aria-labelledby="{kind}-title {kind}-desc">',
        f'<title id="{kind}-title">{escape(title)}</title>',
        f'<desc id="{kind}-desc">{escape(counted(total, noun))}{escape(tail)}. '
        f"{escape(desc)}</desc>",
    ]


def _faction_group(piece: Slice) -> str:
    return (
        f'<g class="faction" data-faction="{escape(piece.key)}" '
        f'data-seats="{piece.seats}" fill="{escape(piece.colour)}">'
        f"<title>{escape(piece.name)}: {piece.seats}</title>"
    )


def hemicycle(
    slices: Sequence[Slice], *, title: str, size: int = 520, noun: str = "seats"
) -> str:
    """SR-16/SR-19: the seats coloured by faction, left to right, and the majority.

    One ``<g class="faction">`` per faction (``data-seats``), one circle per seat;
    the majority line (``data-majority``) runs from the centre through the gap
    after the seat that completes an absolute majority.
    """
    total = sum(s.seats for s in slices if s.seats > 0)
    positions = hemicycle_seats(total)
    half = size / 2
    scale = half * 0.92
    cy = half * 0.98
    rows = _rows_for(total) if total else 1
    one_row = math.pi / max(total - 1, 1)  # the arc between neighbours
    gap = (_OUTER - _INNER) / (rows - 1) if rows > 1 else one_row
    r = max(1.2, min(scale * gap * 0.42, scale * 0.07))
    need = majority(total)
    parts = _opening(
        "hemicycle", f"0 0 {size} {half + 24:.0f}", title, total, noun, slices
    )
    cursor = 0
    for piece in slices:
        if piece.seats <= 0:
            continue
        parts.append(_faction_group(piece))
        for seat in positions[cursor : cursor + piece.seats]:
            parts.append(
                f'<circle cx="{half + seat.x * scale:.1f}" '
                f'cy="{cy - seat.y * scale:.1f}" r="{r:.1f}"/>'
            )
        parts.append("</g>")
        cursor += piece.seats
    if total:
        label = gettext("majority {need} of {total}").format(need=need, total=total)
        before = positions[need - 1].angle
        after = positions[need].angle if need < total else 0.0
        angle = (before + after) / 2
        x2 = half + math.cos(angle) * scale * 1.04
        y2 = cy - math.sin(angle) * scale * 1.04
        parts.append(
            f'<line class="majority" data-majority="{need}" x1="{half:.1f}" '
            f'y1="{cy:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#111" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{half:.1f}" y="{cy + 18:.1f}" text-anchor="middle" '
            f'font-size="14" fill="#111">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_PITCH, _PER_ROW = 40, HEMICYCLE_FROM - 1


def seat_rows(
    slices: Sequence[Slice], *, title: str, noun: str = "seats", per_row: int = _PER_ROW
) -> str:
    """SR-16/SR-19: a small body's seats as rows of ``per_row``, by faction.

    The same groups as ``hemicycle`` (one circle per seat); the majority line
    (``data-majority``) stands in the gap after the seat that completes a
    majority, in that seat's row.
    """
    total = sum(s.seats for s in slices if s.seats > 0)
    columns = max(min(total, per_row), 1)
    rows = max(math.ceil(total / columns), 1)
    label = gettext("majority {need} of {total}").format(
        need=majority(total), total=total
    )
    # one width for every small body, so a seat is drawn the same size on each
    width = max(per_row * _PITCH, len(label) * 14 * CHAR_WIDTH) + 20
    left = 10.0
    height = rows * _PITCH + 34
    parts = _opening(
        "seat-rows", f"0 0 {width:.0f} {height}", title, total, noun, slices
    )

    def centre(index: int) -> tuple[float, float]:
        row, column = divmod(index, columns)
        return left + (column + 0.5) * _PITCH, 10 + (row + 0.5) * _PITCH

    cursor = 0
    for piece in slices:
        if piece.seats <= 0:
            continue
        parts.append(_faction_group(piece))
        for index in range(cursor, cursor + piece.seats):
            x, y = centre(index)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_PITCH * 0.4:.1f}"/>')
        parts.append("</g>")
        cursor += piece.seats
    if total:
        need = majority(total)
        x, y = centre(need - 1)
        x += _PITCH / 2
        parts.append(
            f'<line class="majority" data-majority="{need}" x1="{x:.1f}" '
            f'y1="{y - _PITCH / 2:.1f}" x2="{x:.1f}" y2="{y + _PITCH / 2:.1f}" '
            f'stroke="#111" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{left:.1f}" y="{height - 8}" '
            f'font-size="14" fill="#111">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def seats_picture(slices: Sequence[Slice], *, title: str, noun: str = "seats") -> str:
    """SR-16/SR-19: ``seat_rows`` below ``HEMICYCLE_FROM`` seats, else ``hemicycle``."""
    total = sum(s.seats for s in slices if s.seats > 0)
    if total < HEMICYCLE_FROM:
        return seat_rows(slices, title=title, noun=noun)
    return hemicycle(slices, title=title, noun=noun)
