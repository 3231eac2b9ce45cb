"""Constitutions as TOML: every preset loads; bad files name key, value, reason."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from sovet.domain.kernel.constitution import Constitution
from sovet.errors import ConstitutionError
from sovet.presets.loader import (
    available_presets,
    load_constitution_file,
    load_constitution_text,
    load_preset,
    preset_file,
)


def test_the_three_presets_are_bundled() -> None:
    assert {"union", "party"} <= set(available_presets())


@pytest.mark.parametrize("name", available_presets())
def test_every_preset_loads_and_round_trips(name: str) -> None:
    constitution = load_preset(name)
    assert isinstance(constitution, Constitution)
    again = Constitution.from_mapping(constitution.to_mapping(), name)
    assert again == constitution


def test_union_preset_takes_its_figures_from_rules_section_b() -> None:
    union = load_preset("union")
    # SGEU Art. 8: recall by 2/3 of those voting (RULES.md B).
    assert union.recall.recall_mode == "recall_vote"
    assert union.recall.recall_threshold == Fraction(2, 3)
    assert union.recall.recall_petition_share == Fraction(1, 4)
    # UWUA Art. XV: one per 100 members or fraction → ceiling; 29 CFR 452.127: min 1.
    assert union.apportionment.method == "fixed_ratio"
    assert union.apportionment.ratio_city == 100
    assert union.apportionment.rounding == "ceil"
    assert union.apportionment.min_per_unit == 1


def test_party_preset_is_hare_niemeyer_with_one_seat_minimum() -> None:
    party = load_preset("party")
    assert party.apportionment.method == "hare"
    assert party.apportionment.min_per_unit == 1
    assert party.apportionment.house_size > 0


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(ConstitutionError, match=r"unknown preset 'guild'.*union"):
        preset_file("guild")


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n[recall\nrecall_mode = "recall_vote"\n')
    with pytest.raises(ConstitutionError) as info:
        load_constitution_file(path)
    assert info.value.source == str(path)
    assert info.value.line == 2
    assert "not valid TOML" in info.value.reason


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ('[recall]\nrecall_mode = "lottery"\n', "recall.recall_mode", "lottery"),
        ('[congress]\nquorum_share = "3/2"\n', "congress.quorum_share", "3/2"),
        ("[franchise]\nmin_age = -1\n", "franchise.min_age", "-1"),
        ('[majority]\nbloc_allowed = "yes"\n', "majority.bloc_allowed", "yes"),
        ('[recall]\nrecal_mode = "recall_vote"\n', "recall.recal_mode", "recal_mode"),
        ("[congress]\nquorum_share = 0.5\n", "congress.quorum_share", "0.5"),
    ],
)
def test_bad_values_name_key_value_and_reason(text: str, key: str, value: str) -> None:
    with pytest.raises(ConstitutionError) as info:
        load_constitution_text(text, "mine.toml")
    error = info.value
    assert error.key == key
    assert error.source == "mine.toml"
    assert value in str(error)
    assert error.reason


def test_unreadable_file_is_a_constitution_error(tmp_path: Path) -> None:
    with pytest.raises(ConstitutionError, match="cannot read"):
        load_constitution_file(tmp_path / "missing.toml")
