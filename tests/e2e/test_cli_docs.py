"""Every command and every option of ``sovet`` has help text (sqlite-utils style).

Walks the Click tree Typer builds, so a command added without a docstring, or
an option without ``help=``, fails here by name.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sovet.cli.app import app

ENGINE_COMMANDS = {
    "demo",
    "init",
    "run",
    "legitimacy",
    "seats",
    "verify",
    "log",
    "export",
    "import",
    "whatif",
    "checkpoint",
}

runner = CliRunner()


def _commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    commands: dict[str, Any] = dict(getattr(root, "commands", {}))
    assert commands, "sovet has no subcommands"
    return commands


COMMANDS = _commands()


def test_the_engine_commands_are_registered() -> None:
    assert sorted(ENGINE_COMMANDS - set(COMMANDS)) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"sovet {name} has no help text"


@pytest.mark.parametrize(
    ("name", "param"),
    [
        (name, param.name)
        for name, command in sorted(COMMANDS.items())
        for param in command.params
        if param.name != "help"
    ],
)
def test_every_option_and_argument_has_help(name: str, param: str) -> None:
    found = next(p for p in COMMANDS[name].params if p.name == param)
    text = getattr(found, "help", None)
    assert (text or "").strip(), f"sovet {name}: {param} has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_renders(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
