"""The handbook's tutorial works as written (docs/tutorial.md).

Every ``sh`` block's commands are run in order in an empty folder — ``mkdir``
and ``cd`` as they say, each ``sovet …`` line through the CLI (a line ending in
``# refused`` must exit 2, every other one 0) — after writing each ``toml`` or
``csv`` block with ``title="FILE"`` to its file where it appears; each ``text``
block must be found, line by line, in the output of the command before it.
Only the install lines (clone, ``make demo``, ``PATH``) are not run: they make
the ``sovet`` this test already imports (``tests/unit/test_makefile.py``
checks what ``make demo`` installs).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from tests.conftest import REPO

TUTORIAL = REPO / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", flags=re.M | re.S)
TITLE = re.compile(r'title="([^"]+)"')
INSTALL = {
    "git clone <the sovet repository> sovet",
    "cd sovet",
    "make demo",
    'export PATH="$PWD/.venv/bin:$PATH"',
}

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _blocks() -> list[tuple[str, str, str]]:
    text = TUTORIAL.read_text(encoding="utf-8")
    return [(m[1], m[2].strip(), m[3]) for m in BLOCK.finditer(text)]


def _sh_lines() -> list[str]:
    return [
        line.strip()
        for kind, _, body in _blocks()
        if kind == "sh"
        for line in body.splitlines()
    ]


def test_the_tutorial_has_files_commands_and_outputs() -> None:
    kinds = [kind for kind, _, _ in _blocks()]
    assert kinds.count("toml") >= 6
    assert kinds.count("sh") >= 8
    assert kinds.count("text") >= 8
    for kind, info, _ in _blocks():
        if kind in ("toml", "csv"):
            assert TITLE.search(info), f"a toml block without a file name: {info!r}"


def test_every_command_of_the_tutorial_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SOVET_DB", "SOVET_KEY_FILE", "SOVET_SECRET", "SOVET_SECRET_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    last: tuple[str, str] | None = None
    ran = 0
    for kind, info, body in _blocks():
        if kind in ("toml", "csv"):
            found = TITLE.search(info)
            assert found is not None, f"a {kind} block without a file name"
            Path(found[1]).write_text(body, encoding="utf-8")
        elif kind == "text":
            assert last is not None, "an output shown before any command"
            command, output = last
            for line in body.splitlines():
                if line.strip():
                    assert _flat(line) in _flat(output), (
                        f"`{command}` did not print {line!r}; it printed:\n{output}"
                    )
        elif kind == "sh":
            for raw in body.splitlines():
                line = raw.strip()
                if not line or line in INSTALL:
                    continue
                words = shlex.split(line, comments=True)
                if words[0] == "mkdir":
                    Path(words[1]).mkdir()
                elif words[0] == "cd":
                    monkeypatch.chdir(words[1])
                else:
                    assert words[0] == "sovet", f"the test cannot run {line!r}"
                    result = runner.invoke(app, words[1:])
                    expected = 2 if line.endswith("# refused") else 0
                    assert result.exit_code == expected, (line, result.output)
                    last = (line, result.output)
                    ran += 1
    assert ran >= 15
    assert (Path.cwd() / "union-log.jsonl").is_file()
    assert any(line.startswith("sovet members import") for line in _sh_lines())
