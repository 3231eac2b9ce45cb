"""Lean start-up (issue 13, item 1): each command imports what it uses.

Structural, not timed: a fresh interpreter imports the CLI (or runs one
command) and reports ``sys.modules``; the heavy libraries and the domain must
not be among them unless the command needs them. The timings are in
``bench/startup.py`` and ``bench/RESULTS.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {
    "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
}
HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "numpy",
    "cryptography",
    "pydantic_settings",
    "jinja2",
    "rich.console",
    "sovet.domain",
    "sovet.adapters",
    "sovet.services.bootstrap",
)
"""What importing the CLI must not load (``--help`` may load Rich to print)."""

PROBE = """
import json, sys
sys.argv = ["sovet", *json.loads(sys.argv[1])]
{statement}
print("\\n" + json.dumps(sorted(sys.modules)))
"""
RUN_MAIN = """
from sovet.cli.app import main
try:
    main()
except SystemExit as stop:
    if stop.code:
        raise
"""


def _loaded(statement: str, *argv: str) -> set[str]:
    """The modules loaded in a fresh interpreter after ``statement``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(statement=statement), json.dumps(argv)],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    return set(json.loads(done.stdout.rsplit("\n", 2)[-2]))


def _heavy(modules: set[str], names: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(n for n in names if n in modules)


def test_importing_the_cli_loads_no_heavy_library_nor_the_domain() -> None:
    assert _heavy(_loaded("import sovet.cli.app")) == []


def test_help_loads_no_heavy_library_nor_the_domain() -> None:
    """Typer reads every command's options for ``--help``: all stay light."""
    light = tuple(n for n in HEAVY if n != "rich.console")  # help is printed by Rich
    assert _heavy(_loaded(RUN_MAIN, "--help"), light) == []
    assert _heavy(_loaded(RUN_MAIN, "admin", "--help"), light) == []


@pytest.mark.parametrize("module", ["sovet.counting", "sovet.counting.methods"])
def test_counting_does_not_import_the_domain(module: str) -> None:
    loaded = _loaded(f"import {module}")
    assert _heavy(loaded, ("sovet.domain", "sovet.ledger", "sqlalchemy")) == []


def test_count_loads_what_counting_needs_and_no_more(tmp_path: Path) -> None:
    """``sovet count`` reads and counts (numpy) without the domain or a database,
    and parses its options without pydantic (Typer < 0.29, pyproject.toml)."""
    blt = tmp_path / "tiny.blt"
    blt.write_text('3 1\n4 1 2 0\n3 2 0\n2 3 1 0\n0\n"A"\n"B"\n"C"\n"tiny"\n')
    probe = RUN_MAIN.replace("main()", "main()\n    raise SystemExit(0)")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.format(statement=probe),
            json.dumps(
                ["count", str(blt), "--method", "stv-scottish", "--format", "json"]
            ),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    assert done.returncode == 0, done.stderr
    report, modules = done.stdout.rsplit("\n", 2)[:2]
    assert json.loads(report)["elected"] == ["A"]
    loaded = set(json.loads(modules))
    assert "numpy" in loaded  # the count ran
    assert _heavy(loaded, (*(n for n in HEAVY if n != "numpy"), "pydantic")) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The check can fail: the composition root does load SQLAlchemy."""
    assert "sqlalchemy" in _heavy(_loaded("import sovet.services.bootstrap"))
