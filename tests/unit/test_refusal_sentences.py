"""Refusals say one sentence in the reader's language (``errors.says``).

Every ``says("template", name=value, …)`` in the sources fills exactly the
placeholders its template names, and its Swedish and Russian translations fill
them too (each is formatted here through the shipped catalogues); the English
sentence is what the f-string it replaced said; values are never translated.
"""

from __future__ import annotations

import ast
import copy
import pickle
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovet import i18n
from sovet.errors import RuleViolation, Says, joined, says

SRC = Path(__file__).resolve().parents[2] / "src" / "sovet"
SHIPPED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


def _calls() -> Iterator[tuple[str, str, frozenset[str]]]:
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "says"
            ):
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}"
                assert isinstance(first.value, str), f"{path}:{node.lineno}"
                names = frozenset(k.arg for k in node.keywords if k.arg)
                if any(k.arg is None for k in node.keywords):  # says(t, **values)
                    names = frozenset(_fields(first.value))
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                yield where, first.value, names


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Any:
    """A value that takes any format spec and conversion (``{x:>3}``, ``{x!r}``)."""

    def __format__(self, spec: str) -> str:
        return "·"

    def __repr__(self) -> str:
        return "'·'"


CALLS = list(_calls())


def test_the_sources_say_many_sentences() -> None:
    assert len(CALLS) > 300, "found almost no says(): is SRC right?"


@pytest.mark.parametrize(
    ("where", "template", "names"), CALLS, ids=[where for where, _, _ in CALLS]
)
def test_each_template_names_exactly_its_values(
    where: str, template: str, names: frozenset[str]
) -> None:
    assert _fields(template) == set(names), where


@pytest.mark.parametrize("lang", SHIPPED)
def test_each_translation_fills_the_same_values(lang: str) -> None:
    words = i18n.translations(lang)
    for where, template, names in CALLS:
        translated = words.gettext(template)
        assert _fields(translated) == _fields(template), (lang, where, translated)
        translated.format(**dict.fromkeys(names, _Any()))


def test_the_english_sentence_is_the_f_string_it_replaced() -> None:
    person, count = "p-7", 5
    said = says(
        "{person!r} is already registered ({count:>3})", person=person, count=count
    )
    assert said == f"{person!r} is already registered ({count:>3})"
    assert isinstance(said, str)
    error = RuleViolation("SR-4", said, person)
    assert str(error) == f"SR-4: {person!r} is already registered ({count:>3})"


def test_a_sentence_survives_copy_and_pickle() -> None:
    said = says("{person!r} is already registered", person="p-7")
    for again in (copy.deepcopy(said), pickle.loads(pickle.dumps(said))):
        assert isinstance(again, Says)
        assert again == said
        assert (again.template, again.params) == (said.template, said.params)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "'p-7' is already registered"),
        ("sv", "'p-7' är redan registrerad"),
        ("ru", "'p-7' уже зарегистрирован"),
    ],
)
def test_translate_says_the_sentence_and_keeps_the_values(
    lang: str, expected: str
) -> None:
    said = says("{person!r} is already registered", person="p-7")
    assert i18n.translate(said, lang) == expected


def test_a_sentence_inside_a_sentence_is_said_in_the_same_language() -> None:
    why = says("not on the roll of {constituency!r}", constituency="Vyborg")
    said = says("{member!r} may not vote: {why}", member="m-1", why=why)
    assert said == "'m-1' may not vote: not on the roll of 'Vyborg'"
    assert (
        i18n.translate(said, "sv")
        == "'m-1' får inte rösta: inte i röstlängden för 'Vyborg'"
    )
    reasons = joined("; ", [why, "SR-5 category"])
    assert reasons == "not on the roll of 'Vyborg'; SR-5 category"
    assert (
        i18n.translate(reasons, "ru")
        == "нет в списке избирателей 'Vyborg'; SR-5 category"
    )


def test_translate_leaves_plain_text_alone() -> None:
    assert i18n.translate("plain {text}", "ru") == "plain {text}"


def test_the_current_language_is_the_default() -> None:
    said = says("the log is empty")
    try:
        i18n.use("sv")
        assert i18n.translate(said) == "loggen är tom"
    finally:
        i18n.use(i18n.DEFAULT)
    assert i18n.translate(said) == "the log is empty"


def test_refusal_keeps_the_rule_and_the_place_and_says_the_sentence() -> None:
    from sovet.errors import ChainBroken, InputError, LedgerError

    violation = RuleViolation(
        "SR-4", says("{person!r} is already registered", person="p")
    )
    bad = InputError(says("empty"), source="m.csv", line=3, key="name")
    broken = ChainBroken(7, says("the log is empty"))
    ledger = LedgerError(says("not a hex string"))
    try:
        i18n.use("sv")
        assert i18n.refusal(violation) == "SR-4: 'p' är redan registrerad"
        assert i18n.refusal(bad) == "m.csv, line 3, key 'name': tom"
        assert i18n.refusal(broken) == "event 7: loggen är tom"
        assert i18n.refusal(ledger) == "inte en hexsträng"
    finally:
        i18n.use(i18n.DEFAULT)
    assert i18n.refusal(violation) == str(violation)
    assert i18n.refusal(bad) == str(bad)
    assert i18n.refusal(broken) == str(broken)
