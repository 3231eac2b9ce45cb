"""``make demo`` installs only the runtime; ``make test`` adds the dev extras.

Read from make's own plan (``make -n -B``: every recipe it would run from an
empty ``.venv``, none run), so a dev tool slipping into the demo's install
fails here without installing anything.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO


def _plan(target: str) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed: apt-get install make")
    done = subprocess.run(
        [make, "-n", "-B", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.splitlines()


def _installs(plan: list[str]) -> list[str]:
    return [
        line for line in plan if "pip install" in line and "--upgrade pip" not in line
    ]


def test_demo_installs_the_runtime_only() -> None:
    plan = _plan("demo")
    installs = _installs(plan)
    assert installs, plan
    assert all(line.rstrip().endswith(" -e .") for line in installs), installs
    assert any("sovet demo" in line for line in plan)


def test_test_adds_the_dev_extras_after_the_runtime() -> None:
    installs = _installs(_plan("test"))
    assert [line.split()[-1] for line in installs] == [".", "'.[dev,pdf]'"]


def test_the_stamps_differ_so_each_target_installs_what_it_lacks() -> None:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "RUNTIME := $(VENV)/.installed-runtime" in text
    assert "STAMP   := $(VENV)/.installed\n" in text
    assert "demo: $(RUNTIME)\n" in text
    assert "test: $(STAMP)\n" in text
