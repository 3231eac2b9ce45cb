"""Fixtures for the web UI tests: the 1917 demo databases, built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app as cli


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``demo.db`` (history) and ``demo-counterfactual.db``, built by ``sovet demo``."""
    folder = tmp_path_factory.mktemp("web-demo")
    result = CliRunner().invoke(cli, ["demo", "--db", str(folder / "demo.db")])
    assert result.exit_code == 0, result.output
    return folder
