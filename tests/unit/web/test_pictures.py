"""Pictures (issue 11): seat rows for small bodies, one colour per faction from
the display settings, legends and labels that wrap instead of being cut."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sovet.domain import FederationState
from sovet.domain.bodies.records import FactionRecord
from sovet.domain.kernel.messages import EventRef
from sovet.errors import InputError
from sovet.presets.display import contrast, load_display, parse_display
from sovet.presets.loader import load_preset, preset_file
from sovet.web import views
from sovet.web.svg import (
    CHAR_WIDTH,
    HEMICYCLE_FROM,
    PALETTE,
    Slice,
    StageBar,
    TreeNode,
    faction_colours,
    federation_tree,
    majority,
    seat_rows,
    seats_picture,
    stage_chart,
    wrap,
)

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def _slices(counts: list[int]) -> list[Slice]:
    colours = faction_colours([f"f{i}" for i in range(len(counts))])
    return [
        Slice(f"f{i}", f"Faction {i}", n, colours[f"f{i}"])
        for i, n in enumerate(counts)
    ]


def _view_width(root: ET.Element) -> float:
    return float(root.get("viewBox", "0 0 0 0").split()[2])


@pytest.mark.parametrize("total", [1, 2, 3, 5, 11, 12, 13, 40])
def test_small_bodies_are_a_row_of_seats_large_ones_a_hemicycle(total: int) -> None:
    parts = _slices([total - total // 3, total // 3])
    root = ET.fromstring(seats_picture(parts, title="a body"))
    shape = "seat-rows" if total < HEMICYCLE_FROM else "hemicycle"
    assert root.get("class") == f"seats {shape}"
    assert len(root.findall(".//s:circle", NS)) == total
    drawn = [p for p in parts if p.seats]
    for group, part in zip(root.findall("s:g", NS), drawn, strict=True):
        assert len(group.findall("s:circle", NS)) == part.seats
        assert group.get("fill") == part.colour
    line = root.find("s:line[@class='majority']", NS)
    assert line is not None
    assert line.get("data-majority") == str(majority(total))


@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5),
    st.integers(min_value=1, max_value=15),
)
def test_seat_rows_draw_every_seat_once_inside_the_picture(
    counts: list[int], per_row: int
) -> None:
    total = sum(counts)
    root = ET.fromstring(seat_rows(_slices(counts), title="t", per_row=per_row))
    circles = root.findall(".//s:circle", NS)
    assert len(circles) == total
    centres = {(c.get("cx"), c.get("cy")) for c in circles}
    assert len(centres) == total
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    for circle in circles:
        x, y, r = (float(circle.get(k, "0")) for k in ("cx", "cy", "r"))
        assert r <= x <= width - r
        assert r <= y <= height - r
    if total:
        need = majority(total)
        line = root.find("s:line[@class='majority']", NS)
        assert line is not None
        # the line stands right of the seat that completes the majority
        ordered = sorted(
            circles, key=lambda c: (float(c.get("cy", "0")), float(c.get("cx", "0")))
        )
        last = ordered[need - 1]
        assert float(line.get("x1", "0")) > float(last.get("cx", "0"))


def test_executive_seats_are_called_members() -> None:
    root = ET.fromstring(seats_picture(_slices([3, 2]), title="CEC", noun="members"))
    desc = root.findtext("s:desc", default="", namespaces=NS)
    assert desc.startswith("5 members; a majority")


def _fits(root: ET.Element, right: float) -> None:
    """Every line of text starts inside the picture and ends before ``right``."""
    for text in root.iter(f"{SVG}text"):
        size = float(text.get("font-size", "12"))
        lines = text.findall("s:tspan", NS) or [text]
        for line in lines:
            if text.get("text-anchor") == "middle":
                continue
            x = float(line.get("x") or text.get("x") or 0)
            assert x >= 0
            assert x + len(line.text or "") * size * CHAR_WIDTH <= right + 0.5, (
                line.text
            )


NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=160,
)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@given(st.lists(NAMES, min_size=1, max_size=6, unique=True))
def test_stage_chart_legend_wraps_and_never_cuts_a_name(names: list[str]) -> None:
    stages = [StageBar("1", {n: Fraction(i + 1) for i, n in enumerate(names)})]
    root = ET.fromstring(stage_chart(stages, {}, title="count"))
    entries = root.findall("s:g[@class='legend']/s:g[@class='entry']", NS)
    assert [e.get("data-name") for e in entries] == names
    for entry, name in zip(entries, names, strict=True):
        assert _squeeze("".join(entry.itertext())) == _squeeze(name)
    _fits(root, _view_width(root))


def test_the_counterfactual_candidate_keeps_their_whole_name() -> None:
    name = "Candidate one (counterfactual, Mensheviks) " * 3
    stages = [StageBar("1", {name: Fraction(3), "B": Fraction(2)})]
    root = ET.fromstring(stage_chart(stages, {}, title="count"))
    legend = root.find("s:g[@class='legend']", NS)
    assert legend is not None
    text = " ".join(t.strip() for t in legend.itertext())
    assert "counterfactual, Mensheviks)" in text
    assert len(root.findall(".//s:g[@class='entry'][1]//s:tspan", NS)) >= 2
    _fits(root, _view_width(root))


@given(st.lists(NAMES, min_size=1, max_size=5))
def test_federation_tree_labels_wrap_before_the_composition_bars(
    names: list[str],
) -> None:
    node = TreeNode("root", names[0], "congress", _slices([3, 1]))
    parent = node
    for i, name in enumerate(names[1:]):
        child = TreeNode(f"c{i}", name, "council", _slices([1]))
        parent.children.append(child)
        parent = child
    root = ET.fromstring(federation_tree([node], title="tree", width=760))
    bodies = root.findall("s:g[@class='body']", NS)
    assert len(bodies) == len(names)
    for body, name in zip(bodies, names, strict=True):
        label = body.find("s:text", NS)
        assert label is not None
        assert _squeeze("".join(label.itertext())) == _squeeze(name)
    _fits(root, 760 - 180 - 10)


def test_wrap_keeps_every_character() -> None:
    text = "Central Executive Committee (first convocation) of the All-Russian"
    lines = wrap(text, 120, 12)
    assert len(lines) > 1
    assert all(len(line) * 12 * CHAR_WIDTH <= 120 for line in lines)
    assert " ".join(lines) == text


def test_fixed_colours_win_and_the_rest_take_unused_palette_colours() -> None:
    fixed = {"mensheviks": "#1f5fa8", "bolsheviks": "#b3261e"}
    colours = faction_colours(["mensheviks", "x", "bolsheviks", "y"], fixed)
    assert colours["mensheviks"] == "#1f5fa8"
    assert colours["bolsheviks"] == "#b3261e"
    assert colours["x"] not in fixed.values()
    assert colours["y"] not in fixed.values()
    assert len(set(colours.values())) == 4


def _scenario_factions() -> dict[str, str]:
    path = preset_file("rsfsr1918", "scenario_1917.toml")
    steps = tomllib.loads(Path(path).read_text(encoding="utf-8"))["step"]
    return {
        s["faction"]: s["name"] for s in steps if s.get("command") == "register_faction"
    }


def test_the_1917_preset_gives_each_faction_its_own_colour() -> None:
    colours = load_display("rsfsr1918").factions
    factions = _scenario_factions()
    assert set(factions) <= set(colours)
    assert len({colours[f] for f in factions}) == len(factions)
    assert colours["bolsheviks"] == PALETTE[0]  # red
    assert colours["mensheviks"] != colours["bolsheviks"]
    assert colours["srs"] == PALETTE[2]  # green
    assert all(contrast(c) >= 3.0 for c in colours.values())


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[display.factions]\nreds = "red"', "display.factions.reds"),
        ('[display.factions]\npale = "#eeeeee"', "display.factions.pale"),
        ('[display]\nfonts = "serif"', "display.fonts"),
        ('[colours]\nx = "#000000"', "colours"),
    ],
)
def test_bad_display_settings_are_refused_naming_the_key(text: str, key: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_display(text, "mine.toml")
    assert raised.value.key == key
    assert "mine.toml" in str(raised.value)


def test_an_organisations_file_overrides_the_preset(tmp_path: Path) -> None:
    own = tmp_path / "display.toml"
    own.write_text('[display.factions]\nmensheviks = "#6A3D9A"\n', encoding="utf-8")
    found = load_display("rsfsr1918", str(own)).factions
    assert found["mensheviks"] == "#6a3d9a"
    assert found["bolsheviks"] == PALETTE[0]
    assert load_display("no-such-preset").factions == {}


def _state(factions: list[str]) -> FederationState:
    state = FederationState(constitution=load_preset("rsfsr1918"))
    ref = EventRef(1, "0" * 64, "FactionRegistered", "", "1917-10-25")
    for key in factions:
        state.factions[key] = FactionRecord(key, key.title(), None, ref)
    return state


def test_candidates_take_their_factions_colour_whatever_their_order() -> None:
    state = _state(["mensheviks", "bolsheviks", "srs"])
    candidates = {"ann": "mensheviks", "bob": "bolsheviks", "cy": "mensheviks"}
    colours = views.candidate_colours(state, candidates)
    backwards = views.candidate_colours(state, dict(reversed(candidates.items())))
    assert colours == backwards
    palette = views.faction_palette(state)
    assert colours == {c: palette[f] for c, f in candidates.items()}
    assert colours["bob"] == PALETTE[0]  # the Bolshevik is red, not the first
    assert colours["ann"] == colours["cy"] != colours["bob"]


def test_a_candidate_of_no_faction_gets_a_colour_no_faction_has() -> None:
    state = _state(["mensheviks", "bolsheviks"])
    colours = views.candidate_colours(state, {"ann": "bolsheviks", "ind": None})
    assert colours["ind"] not in views.faction_palette(state).values()


def test_slices_use_the_same_colour_as_the_charts() -> None:
    state = _state(["mensheviks", "bolsheviks", "newcomers"])
    parts = views.slices(state, {"bolsheviks": 3, "newcomers": 1})
    palette = views.faction_palette(state)
    assert {p.key: p.colour for p in parts} == {
        "bolsheviks": palette["bolsheviks"],
        "newcomers": palette["newcomers"],
    }
    assert palette["newcomers"] not in load_display("rsfsr1918").factions.values()


def test_sovet_display_file_recolours_a_faction_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "display.toml"
    own.write_text('[display.factions]\nmensheviks = "#880e4f"\n', encoding="utf-8")
    state = _state(["mensheviks", "bolsheviks"])
    monkeypatch.setenv("SOVET_DISPLAY_FILE", str(own))
    views._display_file.cache_clear()  # read once as the server starts
    try:
        assert views.faction_palette(state)["mensheviks"] == "#880e4f"
        parts = views.slices(state, {"mensheviks": 2})
        assert [p.colour for p in parts] == ["#880e4f"]
        assert views.faction_palette(state)["bolsheviks"] == PALETTE[0]
    finally:
        monkeypatch.delenv("SOVET_DISPLAY_FILE")
        views._display_file.cache_clear()
    assert views.faction_palette(state)["mensheviks"] == "#1f5fa8"
