"""``sovet apportion`` end to end (DESIGN §4, SR-12…SR-14): JSON, table, refusals."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.cli.apportion_cmd import read_populations
from sovet.counting.apportionment import apportion
from sovet.errors import InputError

runner = CliRunner()

UNITS = {"Alpha": 100_000, "Beta": 80_000, "Gamma": 30_000, "Delta": 20_000}


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    path = tmp_path / "units.csv"
    rows = "".join(f"{name},{pop}\n" for name, pop in UNITS.items())
    path.write_text("name,population\n" + rows, encoding="utf-8")
    return path


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "method", ["dhondt", "sainte-lague", "hare", "huntington-hill"]
)
def test_json_contract(units_csv: Path, method: str) -> None:
    result = runner.invoke(
        app,
        ["apportion", str(units_csv), "-m", method, "--seats", "8", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["method", "seats", "allocation", "ties", "notes", "divisor"]
    assert data["method"] == method
    assert data["seats"] == 8
    assert data["allocation"] == apportion(UNITS, method=method, seats=8).allocation
    assert list(data["allocation"]) == list(UNITS)


def test_dhondt_json_values(units_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "apportion",
            str(units_csv),
            "--method",
            "dhondt",
            "--seats",
            "8",
            "--format",
            "json",
        ],
    )
    data = json.loads(result.stdout)
    assert data["allocation"] == {"Alpha": 4, "Beta": 3, "Gamma": 1, "Delta": 0}
    assert data["divisor"] == "25000"
    assert data["ties"] == []


def test_text_table(units_csv: Path) -> None:
    result = runner.invoke(
        app, ["apportion", str(units_csv), "-m", "hare", "--seats", "8"]
    )
    assert result.exit_code == 0, result.output
    assert "hare: 8 seat(s)" in result.stdout
    for name in UNITS:
        assert name in result.stdout
    assert "100,000" in result.stdout
    assert "% seats" in result.stdout


def test_fixed_ratio_with_minimum_and_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, "name,population\nc270,270\nc400,400\nc30,30\n")
    free = runner.invoke(
        app,
        ["apportion", str(path), "-m", "fixed-ratio", "--ratio", "75",
         "--rounding", "nearest", "--min", "1", "--format", "json"],
    )  # fmt: skip
    assert json.loads(free.stdout)["allocation"] == {"c270": 4, "c400": 5, "c30": 1}
    capped = runner.invoke(
        app,
        ["apportion", str(path), "-m", "fixed-ratio", "--ratio", "75",
         "--rounding", "nearest", "--min", "1", "--cap", "6", "--format", "json"],
    )  # fmt: skip
    data = json.loads(capped.stdout)
    assert data["seats"] == 6
    assert any("cap 6 reached" in note for note in data["notes"])


def test_pairs_base_threshold(units_csv: Path) -> None:
    result = runner.invoke(
        app,
        ["apportion", str(units_csv), "-m", "adams", "--seats", "20", "--pairs",
         "--base", "2", "--threshold", "1/10", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["allocation"]["Delta"] == 0
    assert all(v % 2 == 0 for v in data["allocation"].values())
    assert data["seats"] == 20


def test_tie_refused_without_seed_and_lot_with_seed(units_csv: Path) -> None:
    args = ["apportion", str(units_csv), "-m", "sainte-lague-1.4", "--seats", "8"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "SR-14" in refused.stderr
    assert "tie for 1 seat" in refused.stderr
    drawn = runner.invoke(app, [*args, "--seed", "5", "--format", "json"])
    assert drawn.exit_code == 0
    (tie,) = json.loads(drawn.stdout)["ties"]
    assert tie["candidates"] == ["Alpha", "Delta"]
    assert tie["resolved_by"] == "lot"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", None, "empty file"),
        ("unit,members\na,1\n", 1, "header must be name,population"),
        ("name,population\na,12\nb,x1\n", 3, "not a whole number"),
        ("name,population\na,12\nb,-4\n", 3, "not a whole number"),
        ("name,population\na,12,3\n", 2, "expected 2 fields"),
        ("name,population\na,1\na,2\n", 3, "appears twice"),
        ("name,population\n,5\n", 2, "empty unit name"),
        ("name,population\n", None, "no units"),
        ('name,population\n"a,1\n', 2, "malformed CSV"),
    ],
)
def test_malformed_csv_exit_2_with_file_and_line(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    path = _write(tmp_path, text)
    result = runner.invoke(
        app, ["apportion", str(path), "-m", "dhondt", "--seats", "3"]
    )
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = " ".join(result.stderr.split())
    assert str(path.name) in message
    if line is not None:
        assert f"line {line}" in message
    assert fragment in message
    assert "Traceback" not in result.output


def test_missing_file_and_rule_refusals(tmp_path: Path, units_csv: Path) -> None:
    missing = runner.invoke(
        app, ["apportion", str(tmp_path / "nope.csv"), "-m", "dhondt", "--seats", "3"]
    )
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    unknown = runner.invoke(
        app, ["apportion", str(units_csv), "-m", "borda", "--seats", "3"]
    )
    assert unknown.exit_code == 2
    assert "SR-14" in unknown.stderr
    no_ratio = runner.invoke(app, ["apportion", str(units_csv), "-m", "fixed-ratio"])
    assert no_ratio.exit_code == 2
    assert "SR-12" in no_ratio.stderr
    bad_share = runner.invoke(
        app,
        [
            "apportion",
            str(units_csv),
            "-m",
            "hare",
            "--seats",
            "3",
            "--threshold",
            "5%",
        ],
    )
    assert bad_share.exit_code == 2
    assert "not an exact number" in bad_share.stderr


@given(st.text(alphabet=st.sampled_from('ab,"\n 0123456789-\r\x00é'), max_size=60))
def test_reader_fuzz_only_clean_errors(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text("name,population\n" + text, encoding="utf-8")
        source: str | None = None
        units: dict[str, int] = {}
        try:
            units = read_populations(path)
        except InputError as exc:
            source = exc.source
        if source is None:
            assert units
            assert all(isinstance(v, int) and v >= 0 for v in units.values())
        else:
            assert source == str(path)
