"""The CLI's human output in the chosen language; JSON and exit codes unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovet import i18n
from sovet.cli.app import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("lang") / "demo.db"
    result = runner.invoke(app, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield None
    i18n.use(i18n.DEFAULT)


def test_lang_option_translates_the_answer(demo: Path) -> None:
    args = ["legitimacy", "--db", str(demo), "--at", "1917-11-08"]
    english = runner.invoke(app, args, env={"SOVET_LANG": ""})
    swedish = runner.invoke(app, ["--lang", "sv", *args])
    russian = runner.invoke(app, args, env={"SOVET_LANG": "ru"})
    assert "Who legitimately governs on" in english.output
    assert "Vem styr legitimt den" in swedish.output
    assert "Кто законно правит на" in russian.output
    assert swedish.exit_code == russian.exit_code == english.exit_code == 0


def test_json_is_the_same_in_every_language(demo: Path) -> None:
    args = ["legitimacy", "--db", str(demo), "--at", "1917-11-08", "--format", "json"]
    answers = {
        lang: json.loads(runner.invoke(app, ["--lang", lang, *args]).output)
        for lang in i18n.LANGUAGES
    }
    assert answers["sv"] == answers["en"] == answers["ru"]


def test_an_unshipped_language_is_refused_naming_the_option(demo: Path) -> None:
    result = runner.invoke(app, ["--lang", "xx", "legitimacy", "--db", str(demo)])
    assert result.exit_code == 2
    assert "--lang" in result.output
