"""The web UI's pictures: seats conserved, colours by faction, majority, totals."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.web.svg import (
    EXHAUSTED_COLOUR,
    PALETTE,
    Slice,
    StageBar,
    TreeNode,
    faction_colours,
    federation_tree,
    hemicycle,
    hemicycle_seats,
    majority,
    stage_chart,
)
from sovet.web.views import VACANT_COLOUR

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def _slices(counts: list[int]) -> list[Slice]:
    colours = faction_colours([f"f{i}" for i in range(len(counts))])
    return [
        Slice(f"f{i}", f"Faction {i}", n, colours[f"f{i}"])
        for i, n in enumerate(counts)
    ]


def test_second_congress_hemicycle_has_a_circle_per_seat_in_its_colour() -> None:
    parts = _slices([390, 179, 56])
    root = _parse(hemicycle(parts, title="Second Congress"))
    groups = root.findall("s:g", NS)
    assert [g.get("data-faction") for g in groups] == ["f0", "f1", "f2"]
    for group, part in zip(groups, parts, strict=True):
        assert len(group.findall("s:circle", NS)) == part.seats
        assert group.get("fill") == part.colour
    line = root.find("s:line[@class='majority']", NS)
    assert line is not None
    assert line.get("data-majority") == "313"
    assert root.find("s:title", NS) is not None
    assert root.get("role") == "img"


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=8))
def test_hemicycle_conserves_seats_and_places_them_apart(counts: list[int]) -> None:
    total = sum(counts)
    seats = hemicycle_seats(total)
    assert len(seats) == total
    assert all(0 <= s.angle <= math.pi for s in seats)
    assert [s.angle for s in seats] == sorted((s.angle for s in seats), reverse=True)
    root = _parse(hemicycle(_slices(counts), title="t"))
    assert len(root.findall(".//s:circle", NS)) == total
    points = {(c.get("cx"), c.get("cy")) for c in root.findall(".//s:circle", NS)}
    assert len(points) == total  # no two seats drawn on the same spot


def test_majority_line_sits_between_the_majority_seat_and_the_next() -> None:
    parts = _slices([5, 5])
    root = _parse(hemicycle(parts, title="ten seats", size=400))
    line = root.find("s:line[@class='majority']", NS)
    assert line is not None
    assert line.get("data-majority") == "6"
    seats = hemicycle_seats(10)
    angle = math.atan2(
        float(line.get("y1", "0")) - float(line.get("y2", "0")),
        float(line.get("x2", "0")) - float(line.get("x1", "0")),
    )
    assert seats[6].angle < angle < seats[5].angle


@pytest.mark.parametrize(("seats", "need"), [(1, 1), (2, 2), (625, 313), (1647, 824)])
def test_majority_is_more_than_half(seats: int, need: int) -> None:
    assert majority(seats) == need


def test_empty_hemicycle_is_valid_svg_without_a_majority_line() -> None:
    root = _parse(hemicycle([], title="nobody"))
    assert root.find("s:line", NS) is None


def test_faction_colours_are_stable_and_from_the_palette() -> None:
    colours = faction_colours(["a", "b", "c"])
    assert colours == {"a": PALETTE[0], "b": PALETTE[1], "c": PALETTE[2]}
    assert len(set(PALETTE)) == len(PALETTE)


def test_hostile_names_stay_text() -> None:
    evil = '<script>alert("x")</script>&'
    parts = [Slice(evil, evil, 3, "#000")]
    text = hemicycle(parts, title=evil)
    assert "<script>" not in text
    root = _parse(text)
    assert root.find("s:title", NS) is not None
    assert root.findtext("s:title", namespaces=NS) == evil
    tree = federation_tree([TreeNode(evil, evil, "council", parts)], title=evil)
    assert "<script>" not in tree
    _parse(tree)


def test_stage_chart_bars_add_up_to_each_stage_total() -> None:
    stages = [
        StageBar("1", {"Ann": Fraction(40), "Bob": Fraction(35), "Cy": Fraction(25)}),
        StageBar("2", {"Ann": Fraction(52), "Bob": Fraction(43)}, Fraction(5)),
    ]
    colours = {"Ann": PALETTE[0], "Bob": PALETTE[1], "Cy": PALETTE[2]}
    root = _parse(stage_chart(stages, colours, title="count"))
    bars = root.findall("s:g[@class='stage']", NS)
    assert len(bars) == 2
    for bar, stage in zip(bars, stages, strict=True):
        segments = bar.findall("s:rect", NS)
        assert all(r.get("class") == "segment" for r in segments)
        votes = sum(Fraction(r.get("data-votes", "0")) for r in segments)
        assert votes == sum(stage.tallies.values()) + stage.exhausted
        assert Fraction(bar.get("data-total", "0")) == votes
        heights = sum(float(r.get("height", "0")) for r in segments)
        assert heights == pytest.approx(240, abs=0.5)  # both totals are 100
    fills = {
        r.get("data-candidate"): r.get("fill") for r in root.iter(f"{{{NS['s']}}}rect")
    }
    assert fills["Ann"] == PALETTE[0]
    assert fills["exhausted"] != PALETTE[0]
    legend = root.findall("s:g[@class='legend']/s:g[@class='entry']", NS)
    assert [e.get("data-name") for e in legend] == ["Ann", "Bob", "Cy", "exhausted"]
    assert ["".join(e.itertext()) for e in legend] == ["Ann", "Bob", "Cy", "exhausted"]


def test_stage_chart_keeps_fractional_tallies_exact() -> None:
    stages = [StageBar("1", {"Ann": Fraction(1, 3), "Bob": Fraction(2, 3)})]
    root = _parse(stage_chart(stages, {}, title="fractions"))
    values = [
        r.get("data-votes") for r in root.findall(".//s:rect[@class='segment']", NS)
    ]
    assert values == ["1/3", "2/3"]


def test_federation_tree_draws_every_body_with_its_composition() -> None:
    leaf = TreeNode("c", "Council", "council", _slices([3, 2]))
    root_node = TreeNode("n", "Congress", "congress", [], [leaf])
    root = _parse(federation_tree([root_node], title="tree"))
    bodies = root.findall("s:g[@class='body']", NS)
    assert [b.get("data-body") for b in bodies] == ["n", "c"]
    seats = [int(r.get("data-seats", "0")) for r in bodies[1].findall("s:rect", NS)]
    assert seats == [3, 2]
    assert len(root.findall("s:path", NS)) == 1  # one edge, parent to child


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("colour", PALETTE)
def test_palette_contrast_against_white_meets_wcag_aa(colour: str) -> None:
    ratio = (1.0 + 0.05) / (_luminance(colour) + 0.05)
    assert ratio >= 4.5, f"{colour}: {ratio:.2f}"


@pytest.mark.parametrize("colour", [EXHAUSTED_COLOUR, VACANT_COLOUR])
def test_grey_fills_meet_the_graphics_contrast_minimum(colour: str) -> None:
    ratio = (1.0 + 0.05) / (_luminance(colour) + 0.05)
    assert ratio >= 3.0, f"{colour}: {ratio:.2f}"  # WCAG 1.4.11
