"""Pictures for the web UI as SVG strings: pure functions, no I/O.

- ``seats_picture`` (from ``sovet.web.seats``) — seats by faction (SR-16/SR-19):
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

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from html import escape

from sovet.i18n import gettext, ngettext
from sovet.web.seats import (
    CHAR_WIDTH,
    HEMICYCLE_FROM,
    Seat,
    Slice,
    hemicycle,
    hemicycle_seats,
    majority,
    seat_rows,
    seats_picture,
)

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


@dataclass(frozen=True, slots=True)
class StageBar:
    """SR-8: one stage of a count: its tallies (exact) and the votes exhausted."""

    label: str
    tallies: Mapping[str, Fraction]
    exhausted: Fraction = Fraction(0)


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _shown(name: str) -> str:
    """A legend entry as shown: a candidate's name, or "exhausted" translated."""
    return gettext("exhausted") if name == "exhausted" else name


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
    stages_desc = ngettext(
        "{count} stage; each bar is one stage, stacked by candidate; "
        "grey is exhausted.",
        "{count} stages; each bar is one stage, stacked by candidate; "
        "grey is exhausted.",
        len(stages),
    ).format(count=len(stages))
    tallest = gettext("votes (tallest bar: {votes})").format(votes=_num(top))
    legend = [(n, wrap(_shown(n), width - text_x - 10, size)) for n in named]
    full = height + 10 + sum(len(lines) * step + 6 for _, lines in legend)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stage-chart" role="img" '
        f'viewBox="0 0 {width} {full}" width="{width}" height="{full}" '
        f'aria-labelledby="sc-title sc-desc">',
        f'<title id="sc-title">{escape(title)}</title>',
        f'<desc id="sc-desc">{escape(stages_desc)}</desc>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
        f'y2="{height - bottom}" stroke="#333"/>',
        f'<text x="{left}" y="14" font-size="12" fill="#111">{escape(tallest)}</text>',
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
        said = gettext("stage {stage}").format(stage=stage.label)
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="12" fill="#111">'
            f"{escape(said)}</text></g>"
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
    bodies_desc = ngettext(
        "{count} body; children are indented under the body they belong to.",
        "{count} bodies; children are indented under the body they belong to.",
        len(rows),
    ).format(count=len(rows))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="federation-tree" '
        f'role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="ft-title ft-desc">',
        f'<title id="ft-title">{escape(title)}</title>',
        f'<desc id="ft-desc">{escape(bodies_desc)}</desc>',
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
