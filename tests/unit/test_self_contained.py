"""The repository stands on its own: no tracked file points outside it.

A clone with nothing beside it must build, test and run, so the code, the tests,
the tools, the build files and the documents scanned here may not name a path
outside the repository: a relative path that climbs above the repository's root
(a sibling folder of the clone, five ``..`` from a preset), the team's shared
reference-data directory, or a machine's absolute paths (``/work/…``, home
directories). Scratch locations in example commands (``/tmp/…``) are not
dependencies and are allowed.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from tests.conftest import REPO

SCANNED = (
    "src",
    "tests",
    "tools",
    "bench",
    "Makefile",
    "pyproject.toml",
    ".ci",
    "docs",
    "README.md",
    "mkdocs.yml",
)
NOT_OURS = {
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-artifacts",
}
THIS_FILE = Path(__file__).resolve().relative_to(REPO).as_posix()

# ``../`` at the start of a path (not inside one, as in ``/static/../x``).
CLIMB = re.compile(r"(?<![\w.~/-])((?:\.\./)+)([\w.-]*)")
OUTSIDE = [
    (re.compile(r"(?<![\w./-])\.\./shared\b"), "the shared directory beside the clone"),
    (re.compile(r"shared/reference-data"), "the shared reference data"),
    (re.compile(r"(?<![\w.:/-])/work/"), "an absolute /work path"),
    (re.compile(r"(?<![\w.:/-])/(?:home|Users)/\w"), "a home directory"),
    (re.compile(r"(?<![\w.:/-])/root/"), "root's home directory"),
    (re.compile(r"(?<![\w.:/~-])~/\w"), "a home directory"),
    (re.compile(r"\b(?:REPO|ROOT)\.parent\b"), "the repository's parent directory"),
    (re.compile(r"\.parents\[\d+\]\.parent\b"), "a parent directory of the repository"),
]


def _tracked() -> list[str]:
    """The files under ``SCANNED`` that git tracks or would (all without git)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard", "--", *SCANNED],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):  # an export without .git
        found: list[str] = []
        for name in SCANNED:
            top = REPO / name
            paths = [top] if top.is_file() else sorted(top.rglob("*"))
            found += [
                p.relative_to(REPO).as_posix()
                for p in paths
                if p.is_file() and not NOT_OURS & set(p.relative_to(REPO).parts)
            ]
        return found
    return [name for name in listed.split("\0") if name]


def _escapes(relative: str, start: PurePosixPath) -> bool:
    """Whether ``relative`` (a run of ``../``) from ``start`` leaves the repository."""
    return relative.count("../") > len(start.parts)


def _outside_references(name: str, text: str) -> Iterator[str]:
    folder = PurePosixPath(name).parent
    for number, line in enumerate(text.splitlines(), 1):
        for match in CLIMB.finditer(line):
            # From the file's folder, and from the root (commands run there).
            if _escapes(match[1], folder) and _escapes(match[1], PurePosixPath()):
                yield f"{name}:{number}: {match[0]!r} climbs out of the repository"
        for pattern, what in OUTSIDE:
            for match in pattern.finditer(line):
                yield f"{name}:{number}: {match[0]!r} is {what}"


def test_the_scan_sees_code_tests_and_build_files() -> None:
    names = _tracked()
    for expected in (
        "Makefile",
        "pyproject.toml",
        ".ci/run",
        "mkdocs.yml",
        "tests/conftest.py",
        THIS_FILE,
        "tests/data/ledger-vectors/PROVENANCE.md",
        "src/sovet/presets/rsfsr1918/scenario_1917.toml",
    ):
        assert expected in names


SIBLING = "../" + "share" + "d"
"""A folder beside the clone, as the old code named it."""


def test_the_scan_finds_paths_outside_the_repository() -> None:
    text = "\n".join(
        [
            "see " + SIBLING + "/RULES.md",  # written apart: this file is scanned too
            "# carries its key from ../../../../" + SIBLING + "/x/FACTS.md",
            "data = REPO.parent / 'shared'",
            "VECTORS = Path(__file__).parents[3].parent / 'x.json'",
            "open('/work/shared/reference-data/x.blt')",
            "cd /home/someone/sovet && ls ~/data",
            "cp /root/notes .",
        ]
    )
    found = list(_outside_references("src/sovet/presets/rsfsr1918/x.toml", text))
    assert [int(line.split(":")[1]) for line in found] == [1, 2, 3, 4, 5, 5, 6, 6, 7]


def test_the_scan_allows_paths_inside_the_repository() -> None:
    text = "\n".join(
        [
            "from ../../conftest.py or ../data/x.blt",
            'client.get("/static/../routes.py")',
            "sovet generate --db /tmp/scale/fed.db",
            "https://example.org/home/page and https://example.org/~user/",
            'The Edinburgh Reporter, ".../council-elections-2022-the-results/"',
            "kept under `shared/`",
        ]
    )
    assert list(_outside_references("tests/unit/ballots/x.py", text)) == []


def test_no_tracked_file_points_outside_the_repository() -> None:
    found: list[str] = []
    for name in _tracked():
        if name == THIS_FILE:  # its examples are the patterns themselves
            continue
        try:
            text = (REPO / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:  # binary
            continue
        except FileNotFoundError:  # deleted in the working tree, not yet committed
            continue
        found += _outside_references(name, text)
    assert found == [], "\n".join(found)
