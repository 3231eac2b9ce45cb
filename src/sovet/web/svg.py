"""Pictures for the web UI as SVG strings: pure functions, no I/O.

- ``seats_picture`` — a body's or a session's seats by faction (SR-16/SR-19):
  ``seat_rows`` (a row of seats) below ``HEMICYCLE_FROM`` seats, else a
  ``hemicycle``; either marks where the seat that makes a majority sits.
- ``stage_chart`` — a count's stages as stacked bars (SR-8), one bar per stage,
  one segment per candidate still in the count, plus the exhausted votes.
- ``federation_tree`` — the bodies (SR-2) as an indented tree, each with a bar
  of its composition by faction.

Every picture has ``role="img"``, a ``<title>`` and a ``<desc>`` (accessible
name and description); every text is escaped, so hostile names stay text.
Colours come from ``faction_colours``: the display settings' colour of each
faction where it has one, else the next unused colour of a fixed palette with
WCAG AA contrast against white. No text is cut: legends and labels wrap
(``wrap``, at a width reckoned from ``CHAR_WIDTH``) and the picture grows.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from html import escape

__all__ = [
    "CHAR_WIDTH",
    "EXHAUSTED_COLOUR",
    "HEMICYCLE_FROM",
    "PALETTE",
    "Seat",
    "Slice",
    "StageBar",
    "TreeNode",
    "faction_colours",
    "federation_tree",
    "hemicycle",
    "hemicycle_seats",
    "majority",
    "seat_rows",
    "seats_picture",
    "stage_chart",
    "wrap",
]

PALETTE = (
    "#b3261e",  # red
    "#1f5fa8",  # blue
    "#2e7d32",  # green
    "#a15f00",  # amber
    "#6a3d9a",  # purple
    "#00796b",  # teal
    "#8c4a2f",  # brown
    "#0277bd",  # sky
    "#455a64",  # slate
    "#5d6b00",  # olive
    "#ad1457",  # magenta
    "#7b5e00",  # ochre
    "#283593",  # indigo
    "#bf360c",  # deep orange
    "#006064",  # dark cyan
    "#880e4f",  # plum
    "#33691e",  # moss
    "#4e342e",  # umber
)
"""Distinct fills, each with contrast ≥ 4.5:1 against white (WCAG AA; tested)."""

EXHAUSTED_COLOUR = "#8c8c8c"

HEMICYCLE_FROM = 12
"""Bodies with fewer seats are drawn as a row of seats, not a hemicycle."""

CHAR_WIDTH = 0.62
"""The widest average character of the pictures' sans-serif font, in ems: the
wrapping width is reckoned with it, so a line never runs past the picture."""


def faction_colours(
    factions: Sequence[str], fixed: Mapping[str, str] | None = None
) -> dict[str, str]:
    """One colour per faction id: its ``fixed`` colour (display settings) if any,
    else the next palette colour not fixed for any faction, in the order given
    (so a faction registered later never takes another's colour); only past
    the palette's end do colours repeat."""
    fixed = fixed or {}
    taken = set(fixed.values())
    free = [c for c in PALETTE if c not in taken] or list(PALETTE)
    colours: dict[str, str] = {}
    spare = 0
    for key in factions:
        if key in fixed:
            colours[key] = fixed[key]
        elif key not in colours:
            colours[key] = free[spare % len(free)]
            spare += 1
    return colours


def wrap(text: str, width: float, font_size: float) -> list[str]:
    """``text`` in lines that fit ``width`` px at ``font_size`` px: whole words
    where they fit, a longer word split; nothing is dropped."""
    chars = max(int(width / (font_size * CHAR_WIDTH)), 1)
    return textwrap.wrap(text, chars, break_on_hyphens=False) or [""]


def _lines(x: float, y: float, lines: Sequence[str], size: int, step: float) -> str:
    """A ``<text>`` of ``lines`` (one ``<tspan>`` each) from baseline ``y``."""
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * step:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-size="{size}" fill="#111">{spans}</text>'


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


def _opening(
    kind: str, view: str, title: str, total: int, noun: str, slices: Sequence[Slice]
) -> list[str]:
    need = majority(total)
    desc = ", ".join(f"{s.name}: {s.seats}" for s in slices if s.seats)
    tail = f"; a majority is {need}" if total else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seats {kind}" role="img" '
        f'viewBox="{view}" aria-labelledby="{kind}-title {kind}-desc">',
        f'<title id="{kind}-title">{escape(title)}</title>',
        f'<desc id="{kind}-desc">{total} {escape(noun)}{tail}. {escape(desc)}</desc>',
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
            f'font-size="14" fill="#111">majority {need} of {total}</text>'
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
    label = f"majority {majority(total)} of {total}"
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
            f'font-size="14" fill="#111">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def seats_picture(slices: Sequence[Slice], *, title: str, noun: str = "seats") -> str:
    """SR-16/SR-19: ``seat_rows`` below ``HEMICYCLE_FROM`` seats, else ``hemicycle``."""
    total = sum(s.seats for s in slices if s.seats > 0)
    if total < HEMICYCLE_FROM:
        return seat_rows(slices, title=title, noun=noun)
    return hemicycle(slices, title=title, noun=noun)


@dataclass(frozen=True, slots=True)
class StageBar:
    """SR-8: one stage of a count: its tallies (exact) and the votes exhausted."""

    label: str
    tallies: Mapping[str, Fraction]
    exhausted: Fraction = Fraction(0)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def stage_chart(
    stages: Sequence[StageBar],
    colours: Mapping[str, str],
    *,
    title: str,
    width: int | None = None,
    height: int = 300,
) -> str:
    """SR-8: each stage of a count as a stacked bar of the candidates' votes.

    Each ``<rect class="segment">`` carries ``data-candidate`` and ``data-votes``
    (exact, as a fraction string); each bar carries ``data-total``. Bars share
    one scale, so a transfer shows as a segment growing as another vanishes.
    The legend runs below the bars, one entry a line, wrapped, never cut; the
    picture is as tall as it needs (``height`` is the plot's) and, unless
    ``width`` is given, as wide as its stages need (380 to 760), so a short
    count stays legible on a phone.
    """
    if width is None:
        width = max(380, min(760, 80 + 110 * len(stages)))
    totals = [sum(s.tallies.values(), Fraction(0)) + s.exhausted for s in stages]
    top = max(totals, default=Fraction(1)) or Fraction(1)
    left, bottom, plot_h = 40, 40, height - 60
    slot = (width - left - 10) / max(len(stages), 1)
    bar_w = min(slot * 0.6, 90.0)
    named = list(dict.fromkeys(n for s in stages for n in s.tallies))
    if any(s.exhausted > 0 for s in stages):
        named.append("exhausted")
    size, step, text_x = 14, 18, float(left + 20)
    legend = [(n, wrap(n, width - text_x - 10, size)) for n in named]
    full = height + 10 + sum(len(lines) * step + 6 for _, lines in legend)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stage-chart" role="img" '
        f'viewBox="0 0 {width} {full}" width="{width}" height="{full}" '
        f'aria-labelledby="sc-title sc-desc">',
        f'<title id="sc-title">{escape(title)}</title>',
        f'<desc id="sc-desc">{len(stages)} stages; each bar is one stage, '
        f"stacked by candidate; grey is exhausted.</desc>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
        f'y2="{height - bottom}" stroke="#333"/>',
        f'<text x="{left}" y="14" font-size="12" fill="#111">votes '
        f"(tallest bar: {escape(_num(top))})</text>",
    ]
    for i, (stage, total) in enumerate(zip(stages, totals, strict=True)):
        x = left + i * slot + (slot - bar_w) / 2
        y = float(height - bottom)
        parts.append(
            f'<g class="stage" data-stage="{escape(stage.label)}" data-total="{total}">'
        )
        pieces = [(n, v, colours.get(n, "#555")) for n, v in stage.tallies.items()]
        pieces.append(("exhausted", stage.exhausted, EXHAUSTED_COLOUR))
        for name, votes, colour in pieces:
            if votes <= 0:
                continue
            h = float(votes / top) * plot_h
            y -= h
            parts.append(
                f'<rect class="segment" data-candidate="{escape(name)}" '
                f'data-votes="{votes}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{escape(colour)}" stroke="#fff">'
                f"<title>{escape(name)}: {_num(votes)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="12" fill="#111">'
            f"stage {escape(stage.label)}</text></g>"
        )
    parts.append('<g class="legend">')
    y0 = float(height + 10)
    for name, lines in legend:
        colour = EXHAUSTED_COLOUR if name == "exhausted" else colours.get(name, "#555")
        parts.append(
            f'<g class="entry" data-name="{escape(name)}">'
            f'<rect x="{left}" y="{y0:.1f}" width="14" height="14" '
            f'fill="{escape(colour)}"/>'
            + _lines(text_x, y0 + 12, lines, size, step)
            + "</g>"
        )
        y0 += len(lines) * step + 6
    parts.append("</g></svg>")
    return "".join(parts)


@dataclass(slots=True)
class TreeNode:
    """SR-2: a body in the federation tree, with its composition and children."""

    key: str
    name: str
    kind: str
    slices: list[Slice] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)


def _walk(nodes: Sequence[TreeNode], depth: int) -> list[tuple[int, TreeNode]]:
    out: list[tuple[int, TreeNode]] = []
    for node in nodes:
        out.append((depth, node))
        out.extend(_walk(node.children, depth + 1))
    return out


def federation_tree(roots: Sequence[TreeNode], *, title: str, width: int = 760) -> str:
    """SR-2: the bodies as an indented tree; each row has its composition bar.

    A name too long for its row wraps onto more lines (the row grows).
    """
    rows = _walk(roots, 0)
    indent, bar_w, size, step = 26, 180, 13, 16
    labels = [
        wrap(node.name, width - bar_w - 30 - (26 + depth * indent), size)
        for depth, node in rows
    ]
    heights = [max(34, 18 + len(lines) * step) for lines in labels]
    tops = [10 + sum(heights[:i]) for i in range(len(rows))]
    height = max(10 + sum(heights), 40)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="federation-tree" '
        f'role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="ft-title ft-desc">',
        f'<title id="ft-title">{escape(title)}</title>',
        f'<desc id="ft-desc">{len(rows)} bodies; children are indented under the '
        f"body they belong to.</desc>",
    ]
    index = {id(node): i for i, (_, node) in enumerate(rows)}
    for i, (depth, node) in enumerate(rows):
        y = tops[i] + 17
        x = 10 + depth * indent
        for child in node.children:
            j = index[id(child)]
            cy = tops[j] + 17
            parts.append(
                f'<path d="M{x + 6:.0f} {y + 8:.0f} V{cy:.0f} H{x + indent:.0f}" '
                f'fill="none" stroke="#777"/>'
            )
        parts.append(
            f'<g class="body" data-body="{escape(node.key)}">'
            f'<circle cx="{x + 6}" cy="{y:.0f}" r="5" fill="#333"/>'
            + _lines(x + 16, y + 5, labels[i], size, step)
        )
        total = sum(s.seats for s in node.slices)
        bx = float(width - bar_w - 10)
        for piece in node.slices:
            if total <= 0 or piece.seats <= 0:
                continue
            w = bar_w * piece.seats / total
            parts.append(
                f'<rect x="{bx:.1f}" y="{y - 8:.0f}" width="{w:.1f}" height="16" '
                f'fill="{escape(piece.colour)}" data-seats="{piece.seats}">'
                f"<title>{escape(piece.name)}: {piece.seats}</title></rect>"
            )
            bx += w
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
