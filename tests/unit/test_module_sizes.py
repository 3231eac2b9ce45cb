"""The house (issue 14): no module of the package over 450 lines.

A module that grows past it is split by what its parts are about, keeping the
moved names importable where they were (CONTRIBUTING.md).
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sovet"
LIMIT = 450


def test_no_module_is_over_the_limit() -> None:
    sizes = {
        path.relative_to(SRC).as_posix(): len(
            path.read_text(encoding="utf-8").splitlines()
        )
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert len(sizes) > 100, "found almost no modules: is SRC right?"
    over = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them): {over}"
