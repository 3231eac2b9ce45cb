"""STYLE.md S2: the pure core (domain, ledger, counting) does no I/O and reads no clock.

Checked on the source with ``ast``: every import of ``sovet.domain`` and
``sovet.ledger`` is the standard library, the pure core itself or the
``sovet.errors`` leaf; ``sovet.counting``
may add numpy, ``sovet.domain`` msgspec (the fold's payload decoder, issue 13:
it parses text it is given, no I/O); none of them imports an I/O module or
calls ``now()``/``today()``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "sovet"
PURE_PACKAGES = {"domain": {"msgspec"}, "ledger": set(), "counting": {"numpy"}}
PURE_SOVET = ("sovet.domain", "sovet.ledger", "sovet.counting", "sovet.errors")
IO_MODULES = {
    "os",
    "pathlib",
    "io",
    "sqlite3",
    "socket",
    "subprocess",
    "shutil",
    "tempfile",
    "urllib",
    "http",
    "glob",
    "fileinput",
    "asyncio",
    "threading",
    "multiprocessing",
    "time",
    "secrets",
    "logging",
}
CLOCK_CALLS = {"now", "today", "utcnow", "time", "perf_counter", "monotonic"}


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_pure_core_imports_only_stdlib_and_itself(package: str) -> None:
    allowed_third_party = PURE_PACKAGES[package]
    bad: list[str] = []
    for path in _modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, name in _imports(tree):
            top = name.split(".")[0]
            where = f"{path.relative_to(SRC)}:{line} imports {name}"
            if name.startswith("sovet"):
                if not name.startswith(PURE_SOVET) and name != "sovet":
                    bad.append(where + " (outside the pure core)")
            elif top in IO_MODULES:
                bad.append(where + " (I/O module)")
            elif top not in sys.stdlib_module_names and top not in allowed_third_party:
                bad.append(where + " (third-party)")
    assert bad == []


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_pure_core_reads_no_clock(package: str) -> None:
    bad: list[str] = []
    for path in _modules(package):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_CALLS
            ):
                bad.append(
                    f"{path.relative_to(SRC)}:{node.lineno} calls .{node.func.attr}()"
                )
    assert bad == []


def test_the_rules_check_something() -> None:
    """The walk above must see the packages it guards (else it would pass vacuously)."""
    for package in PURE_PACKAGES:
        assert _modules(package), f"no modules found under {package}"


def test_errors_is_a_leaf_every_layer_may_import() -> None:
    """STYLE.md S5: ``sovet/errors.py`` imports nothing of sovet."""
    tree = ast.parse((SRC / "errors.py").read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert [name for name in imported if name and name.startswith("sovet")] == []


def test_every_import_in_src_is_static() -> None:
    """A renamed or missing module fails at import, never silently loses commands."""
    dynamic = {"import_module", "find_spec", "__import__", "spec_from_file_location"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else None
            name = node.id if isinstance(node, ast.Name) else name
            if name in dynamic:
                line = getattr(node, "lineno", 0)
                found.append(f"{path.relative_to(SRC)}:{line} {name}")
    assert found == []
