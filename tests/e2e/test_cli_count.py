"""``sovet count`` end to end (DESIGN §4): JSON contract, stage table, errors."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from sovet.ballots import read_blt
from sovet.cli.app import app
from sovet.cli.render_count import (
    EXACT_DECIMALS,
    count_json,
    count_tables,
    dumps_exact,
    exact_number,
)
from sovet.counting.methods import COUNTING_METHODS, count

METHODS = sorted(COUNTING_METHODS)
WARD9 = "scot-edinburgh-2022/edinburgh_2022_ward9.blt"
KEYS = ["method", "seats", "quota", "elected", "rounds", "exhausted", "ties"]
ROUND_KEYS = ["number", "tallies", "elected", "excluded", "transferred"]

runner = CliRunner()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _numbers(node: Any) -> list[int | Decimal]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in _numbers(v)]
    if isinstance(node, list):
        return [x for v in node for x in _numbers(v)]
    if isinstance(node, int | Decimal) and not isinstance(node, bool):
        return [node]
    return []


@pytest.mark.parametrize("method", METHODS)
def test_json_contract_on_a_real_ward(reference_data: Path, method: str) -> None:
    """Every registered method: the keys of DESIGN §4, exact numbers, sane stages.

    A method that cannot count this profile (e.g. a list method) must refuse it
    cleanly with exit code 2; a ranked method must count it.
    """
    path = reference_data / WARD9
    result = runner.invoke(
        app,
        ["count", str(path), "--method", method, "--format", "json"],
    )
    info = COUNTING_METHODS[method]
    if result.exit_code == 2 and not info.ranked:
        assert "error" in result.output
        return
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_float=Decimal)
    assert list(data) == KEYS
    assert data["method"] == method
    ballots = read_blt(path)
    assert set(data["elected"]) <= set(ballots.candidates)
    assert len(data["elected"]) == data["seats"]
    assert [r["number"] for r in data["rounds"]] == list(
        range(1, len(data["rounds"]) + 1)
    )
    for stage in data["rounds"]:
        assert list(stage) == ROUND_KEYS
        assert set(stage["tallies"]) <= set(ballots.candidates)
    expected = count(method, ballots.profile, seats=data["seats"])
    places = EXACT_DECIMALS if expected.decimals is None else expected.decimals
    assert all(_places(x) <= places for x in _numbers(data) if isinstance(x, Decimal))
    assert data == json.loads(dumps_exact(count_json(expected)), parse_float=Decimal)
    assert not re.search(r"\d[eE][+-]?\d", result.stdout)


@pytest.mark.skipif("stv-scottish" not in COUNTING_METHODS, reason="not registered")
def test_scottish_ward9_json_matches_the_published_result(reference_data: Path) -> None:
    """PROVENANCE.md: Cowdy (stage 1, 2,399), Walker (stage 5), Key (stage 7, 3,546)."""
    path = reference_data / WARD9
    result = runner.invoke(
        app, ["count", str(path), "--method", "stv-scottish", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["seats"] == 3
    assert data["quota"] == 2258
    surnames = [name.split('"')[0].split()[-1] for name in data["elected"]]
    assert surnames == ["COWDY", "WALKER", "KEY"]
    first = data["rounds"][0]["tallies"]
    assert sum(first.values()) == 9028
    key = next(n for n in first if "KEY" in n)
    assert int(data["rounds"][-1]["tallies"][key]) == 3546
    assert isinstance(data["rounds"][1]["tallies"][key], Decimal)


@pytest.mark.skipif("stv-scottish" not in COUNTING_METHODS, reason="not registered")
def test_text_form_is_a_stage_table(reference_data: Path) -> None:
    result = runner.invoke(
        app, ["count", str(reference_data / WARD9), "--method", "stv-scottish"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    for label in ("Stage 1", "Stage 7", "Transfer", "Non-transferable", "Total"):
        assert label in out
    assert "Christopher COWDY" in out
    assert "surplus #1" in out
    assert "excluded" in out
    assert re.search(r"2399 \*", out)
    assert "Elected:" in out


@pytest.mark.skipif("stv-scottish" not in COUNTING_METHODS, reason="not registered")
@pytest.mark.parametrize("width", [80, 120, 400])
def test_stage_table_pages_fit_the_terminal(reference_data: Path, width: int) -> None:
    """A narrow terminal gets the stages in pages, each page within its width."""
    ballots = read_blt(reference_data / "scot-edinburgh-2022/edinburgh_2022_ward11.blt")
    result = count("stv-scottish", ballots.profile, seats=4)
    pages = count_tables(result, width)
    headers = [str(c.header) for page in pages for c in page.columns[1:]]
    assert headers == [f"Stage {r.number}" for r in result.rounds]
    console = Console(width=width, record=True)
    for page in pages:
        assert console.measure(page).maximum <= width
    assert len(pages) == 1 or width < 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "irv", "--seats", "1"], "line 2"),
        (["--method", "no-such-method"], "unknown counting method"),
    ],
)
def test_refusals_exit_2_with_a_clean_message(
    tmp_path: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text('3 1\n1 1 5 0\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")
    result = runner.invoke(app, ["count", str(bad), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_file_and_missing_seats_exit_2(tmp_path: Path) -> None:
    absent = runner.invoke(app, ["count", str(tmp_path / "x.blt"), "-m", "irv"])
    assert absent.exit_code == 2
    assert "cannot open" in absent.output
    csv_file = tmp_path / "b.csv"
    csv_file.write_text("A,B\nB\n", encoding="utf-8")
    no_seats = runner.invoke(app, ["count", str(csv_file), "-m", "stv-scottish"])
    assert no_seats.exit_code == 2
    assert "--seats" in no_seats.output


def test_single_winner_method_defaults_to_one_seat(reference_data: Path) -> None:
    """Ward 9's BLT says 3 seats; ``irv`` without ``--seats`` fills one."""
    result = runner.invoke(
        app, ["count", str(reference_data / WARD9), "-m", "irv", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seats"] == 1
    refused = runner.invoke(
        app, ["count", str(reference_data / WARD9), "-m", "irv", "--seats", "3"]
    )
    assert refused.exit_code == 2
    assert "SR-7" in refused.output


@pytest.mark.skipif("stv-scottish" not in COUNTING_METHODS, reason="not registered")
def test_csv_and_preflib_count_like_the_blt(
    reference_data: Path, tmp_path: Path
) -> None:
    """Ward 9 as scot-elex CSV and as a .soi written from it: same stages as BLT."""
    base = reference_data / WARD9

    def stages(path: Path, *extra: str) -> list[list[Any]]:
        result = runner.invoke(
            app, ["count", str(path), "-m", "stv-scottish", "--format", "json", *extra]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout, parse_float=Decimal)
        return [sorted(r["tallies"].values()) for r in data["rounds"]]

    expected = stages(base)
    assert stages(base.with_suffix(".csv")) == expected
    ballots = read_blt(base)
    lines = [f"# NUMBER ALTERNATIVES: {len(ballots.candidates)}"] + [
        f"{w}: {','.join(str(c + 1) for c in r)}" for r, w in ballots.profile.ballots()
    ]
    soi = tmp_path / "ward9.soi"
    soi.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert stages(soi, "--seats", "3") == expected


def test_notes_go_to_stderr_not_into_the_json(tmp_path: Path) -> None:
    path = tmp_path / "n.blt"
    path.write_text('2 1\n1 1 1 0\n2 2 0\n0\n"A"\n"B"\n', encoding="utf-8")
    result = runner.invoke(app, ["count", str(path), "-m", "irv", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "repeated preference" in result.stderr
    assert json.loads(result.stdout)["elected"] == ["B"]


def _commands(group: Any, prefix: list[str]) -> list[tuple[list[str], Any]]:
    """Every (sub)command under ``group``, found by duck typing (Typer vendors
    its own click, so ``click.Group`` isinstance checks do not apply)."""
    found: list[tuple[list[str], Any]] = []
    for name, command in getattr(group, "commands", {}).items():
        found.append(([*prefix, name], command))
        found += _commands(command, [*prefix, name])
    return found


def test_every_command_has_help_text() -> None:
    """sqlite-utils ``test_docs.py``: a command without help text fails the suite."""
    commands = _commands(typer.main.get_command(app), [])
    assert ["count"] in [path for path, _ in commands]
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert (command.help or command.short_help or "").strip(), path
        for param in command.params:
            if param.param_type_name == "option":
                assert (param.help or "").strip(), (path, param.name)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Fraction(7), 5, 7),
        (Fraction(1, 3), 5, Decimal("0.33333")),
        (Fraction(2, 3), None, Decimal("0.666667")),
        (Fraction(5, 2 * 10**6), None, Decimal("0.000002")),
        (Fraction(7, 2 * 10**6), None, Decimal("0.000004")),
        (Fraction(-123456789, 10**5), 5, Decimal("-1234.56789")),
    ],
)
def test_exact_numbers_round_half_even_at_fixed_places(
    value: Fraction, decimals: int | None, expected: int | Decimal
) -> None:
    number = exact_number(value, decimals)
    assert type(number) is type(expected)
    assert number == expected
    if isinstance(expected, Decimal):
        assert str(number) == str(expected)


def test_dumps_exact_writes_decimals_digit_for_digit() -> None:
    text = dumps_exact(
        {"a": [Decimal("0.10000"), 1, None, True, "é"], "b": {}}, indent=None
    )
    assert text == '{"a": [0.10000, 1, null, true, "é"], "b": {}}'
    assert json.loads(text, parse_float=Decimal)["a"][0] == Decimal("0.10000")
