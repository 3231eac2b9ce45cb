"""The CLI's human output in the chosen language; JSON and exit codes unchanged."""

from __future__ import annotations

import json
import re
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


def test_the_answers_warnings_and_ends_are_said_in_the_language(demo: Path) -> None:
    """SR-26…SR-30 sentences of the answer (vacant offices, an unrecorded count,
    what ends the mandate) and its dates speak the CLI's language; names stay."""
    args = ["legitimacy", "--db", str(demo), "--at", "1918-01-10"]
    english = runner.invoke(app, args, env={"SOVET_LANG": ""}).output
    swedish = runner.invoke(app, ["--lang", "sv", *args]).output
    russian = runner.invoke(app, ["--lang", "ru", *args]).output
    flat = {
        k: " ".join(v.split())
        for k, v in [("en", english), ("sv", swedish), ("ru", russian)]
    }
    assert "vacant since 4 Nov (17 Nov) 1917 by the resignation of" in flat["en"]
    assert "vakant sedan 4 nov. (17 nov.) 1917 genom" in flat["sv"]
    assert "вакантен с 4 нояб. (17 нояб.) 1917 после отставки" in flat["ru"]
    assert "new elections to the councils are completed (SR-26)" in flat["en"]
    assert "nya val till råden är genomförda (SR-26)" in flat["sv"]
    assert "завершены новые выборы в Советы (SR-26)" in flat["ru"]
    for said in (flat["sv"], flat["ru"]):
        assert "has no recorded count in the sources" not in said
        assert "Second All-Russian Congress of Soviets" in said  # names stay


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


def _refused_run(tmp_path: Path, lang: str) -> tuple[int, str]:
    """``sovet run`` of the union example with one vote made impossible (SR-19)."""
    from sovet.presets.loader import preset_file

    text = preset_file("union", "scenario_example.toml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("yes = 6\nno = 3", "yes = 6\nno = 30"), "utf-8")
    db = tmp_path / f"{lang}.db"
    args = ["--lang", lang, "run", str(broken), "--db", str(db)]
    result = runner.invoke(app, args, env={"COLUMNS": "400"})
    line = next(x for x in result.output.splitlines() if x.startswith("refused ("))
    return result.exit_code, line


def test_a_refused_step_keeps_its_shape_and_says_its_sentence(tmp_path: Path) -> None:
    lines = {lang: _refused_run(tmp_path, lang) for lang in i18n.LANGUAGES}
    shape = re.compile(
        r"^refused \((SR-\d+)\): step (\d+) \(vote_by_count, \S+broken\.toml, "
        r"line (\d+)\) refused: (.+)$"
    )
    found = {lang: shape.match(line) for lang, (_code, line) in lines.items()}
    assert all(found.values()), lines
    heads = {lang: m.group(1, 2, 3) for lang, m in found.items() if m}
    assert heads["sv"] == heads["ru"] == heads["en"]
    assert heads["en"][0] == "SR-19"
    assert {code for code, _line in lines.values()} == {2}
    sentences = {lang: m.group(4) for lang, m in found.items() if m}
    assert sentences["en"].startswith("36 votes on 'approve-officers' but only")
    assert sentences["sv"].startswith("36 röster om 'approve-officers' men bara")
    assert sentences["ru"].startswith("36 голосов по 'approve-officers', но")
    assert "(felaktigt värde: 36)" in sentences["sv"]
    assert "(недопустимое значение: 36)" in sentences["ru"]


def test_a_refusal_in_json_mode_keeps_stdout_empty_and_the_same(demo: Path) -> None:
    args = ["seats", "nobody", "--db", str(demo), "--format", "json"]
    runs = {
        lang: runner.invoke(app, ["--lang", lang, *args]) for lang in i18n.LANGUAGES
    }
    assert {r.exit_code for r in runs.values()} == {2}
    assert runs["en"].stdout == runs["sv"].stdout == runs["ru"].stdout == ""
    assert "refused (SR-4): unknown person 'nobody'" in runs["en"].stderr
    assert "refused (SR-4): person 'nobody' finns inte" in runs["sv"].stderr
    assert "refused (SR-4): не найдено: лицо 'nobody'" in runs["ru"].stderr


def _db(args: list[str], demo: Path) -> list[str]:
    return [] if args[0] == "commands" else ["--db", str(demo)]


@pytest.mark.parametrize(
    "args",
    [
        ["seats", "lenin", "--at", "1917-11-20", "--format", "json"],
        ["legitimacy", "--at", "1917-11-20", "--format", "json"],
        ["commands", "--format", "json"],
    ],
)
def test_json_output_is_byte_identical_in_every_language(
    demo: Path, args: list[str]
) -> None:
    outputs = {
        lang: runner.invoke(app, ["--lang", lang, *args, *_db(args, demo)])
        for lang in i18n.LANGUAGES
    }
    assert outputs["en"].stdout.strip(), outputs["en"].output
    assert outputs["sv"].stdout == outputs["en"].stdout == outputs["ru"].stdout
    assert len({r.exit_code for r in outputs.values()}) == 1


def test_a_run_tells_its_steps_in_the_chosen_language(tmp_path: Path) -> None:
    from sovet.presets.loader import preset_file

    union = str(preset_file("union", "scenario_example.toml"))
    db = str(tmp_path / "u.db")
    first = runner.invoke(app, ["--lang", "ru", "run", union, "--db", db])
    assert first.exit_code == 0, first.output
    steps = len(re.findall(r"^\s*\d+(?:–\d+)?\. ", first.output, flags=re.M))
    assert steps > 5
    assert re.search(
        r"^применено: \d+ шаг(а|ов)?, \d+ событи(е|я|й) ", first.output, re.M
    )
    assert "контрольная точка подписана" in first.output
    again = runner.invoke(app, ["--lang", "sv", "run", union, "--db", db])
    assert again.exit_code == 0, again.output
    assert "inget att tillämpa: alla" in again.output
    assert re.search(
        r"^steg 1–\d+: redan tillämpade \(händelser #2–#\d+\)", again.output, re.M
    )
    english = runner.invoke(app, ["run", union, "--db", db], env={"SOVET_LANG": ""})
    assert "nothing to apply: all" in english.output
