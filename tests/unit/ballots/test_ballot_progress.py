"""Reading shows a Rich progress bar by bytes on a terminal, and none elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sovet.ballots import read_ballots
from sovet.ballots.common import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress_bar(True, 100, "reading x") as advance:
        advance(50)
        advance(100)
    assert "reading x" in screen.getvalue()


def test_no_bar_off_a_terminal_or_when_not_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr("sys.stderr", screen)
    with progress_bar(True, 100, "reading x") as advance:
        advance(100)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with progress_bar(False, 100, "reading x") as advance:
        advance(100)
    assert screen.getvalue() == terminal.getvalue() == ""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.blt", '2 1\n1 1 2 0\n0\n"A"\n"B"\n'),
        ("p.soi", "# NUMBER ALTERNATIVES: 2\n1: 1,2\n"),
        ("p.csv", "A,B\n"),
    ],
)
def test_every_reader_reports_progress_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    assert read_ballots(path, progress=True).profile.total == 1
    assert f"reading {path}" in screen.getvalue()
