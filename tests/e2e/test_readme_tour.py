"""The README's tour: it covers every command ``sovet --help`` lists, and its
set-up lines run as written (issue 9).

Walks the command tree Typer builds (``sovet admin …`` included), so a command
added without a line in the README fails here by name. The tour's ``sovet run``
and ``sovet init`` lines run verbatim from the repository's root, and a
scenario dated before a constitution that ``sovet init`` adopted now is refused
with a message naming ``--at``.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sovet.cli.app import app
from tests.conftest import REPO

README = REPO / "README.md"
runner = CliRunner()


def _command_lines() -> list[str]:
    """``sovet NAME`` for each command, ``sovet GROUP SUB`` for a group's."""
    root: Any = typer.main.get_command(app)
    found = []
    for name, command in sorted(root.commands.items()):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [f"sovet {name} {sub}" for sub in sorted(subcommands)]
        else:
            found.append(f"sovet {name}")
    return found


def _readme_code() -> str:
    """The README's code: fenced blocks and inline code spans."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.M | re.S)
    spans = re.findall(r"`([^`\n]+)`", text)
    return "\n".join([*blocks, *spans])


def test_the_walk_finds_the_commands_and_the_admin_group() -> None:
    lines = _command_lines()
    assert "sovet demo" in lines
    assert "sovet admin create-user" in lines
    assert "sovet commands" in lines


def test_the_readme_tour_shows_every_command() -> None:
    code = _readme_code()
    missing = [
        line
        for line in _command_lines()
        if not re.search(rf"(?<![\w-]){re.escape(line)}(?![\w-])", code)
    ]
    assert missing == [], f"the README's tour lacks: {', '.join(missing)}"


def _tour_lines(command: str) -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in text.split("```sh")[1:]]
    lines = [line for block in blocks for line in block.splitlines()]
    found = []
    for line in lines:
        words = shlex.split(line, comments=True)
        if words[:2] == ["sovet", command]:
            found.append(words[1:])
    return found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A folder that looks like the repository's root (``src`` in it)."""
    (tmp_path / "src").symlink_to(REPO / "src")
    return tmp_path


def test_the_tours_set_up_lines_run_as_written(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    lines = _tour_lines("run") + _tour_lines("init")
    assert len(lines) >= 2
    for words in lines:
        result = runner.invoke(app, words)
        assert result.exit_code == 0, (words, result.output)
    assert sorted(p.name for p in root.glob("*.db")) == [
        "org.db",
        "recall.db",
        "union.db",
    ]
    assert os.path.islink(root / "src")


def test_a_scenario_before_the_adoption_is_refused_naming_at(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    assert (
        runner.invoke(app, ["init", "--db", "x.db", "--preset", "union"]).exit_code == 0
    )
    scenario = "src/sovet/presets/union/scenario_example.toml"
    result = runner.invoke(app, ["run", "--db", "x.db", scenario])
    assert result.exit_code != 0
    assert "refused (SR-28): step 1" in result.output
    assert "sovet init --at 2025-03-01" in result.output
