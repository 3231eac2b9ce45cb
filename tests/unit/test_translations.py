"""The shipped catalogues (sv, ru) translate every message the sources mark.

Messages are extracted from the sources exactly as ``make messages`` does
(``babel.cfg``), so a new ``_()``/``gettext()``/``{% trans %}`` without its
Swedish and Russian translation fails here, as does a translation that loses a
placeholder or a piece of markup, a fuzzy entry, or a stale one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from sovet import i18n

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_0-9]+(?:![rsa])?(?::[^{}]*)?\}")
_TAG = re.compile(r"</?[a-z]+[^>]*>")


def _marked() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map
        )
    }


@pytest.fixture(scope="module")
def marked() -> set[str]:
    found = _marked()
    assert len(found) > 40, "extraction found almost nothing: check babel.cfg"
    return found


def _catalogue(lang: str) -> dict[str, tuple[str, bool]]:
    """msgid → (translation, fuzzy); a plural's forms are joined by a newline,
    and an entry with any form left empty counts as untranslated."""
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found: dict[str, tuple[str, bool]] = {}
    for m in catalog:
        if not m.id:
            continue
        if isinstance(m.id, str):
            found[m.id] = (str(m.string or ""), m.fuzzy)
        else:
            forms = tuple(m.string or ())
            whole = len(forms) == catalog.num_plurals and all(forms)
            found[m.id[0]] = ("\n".join(forms) if whole else "", m.fuzzy)
    return found


def _plurals(lang: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """singular msgid → (plural msgid, translated forms)."""
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {
        m.id[0]: (m.id[1], tuple(m.string or ()))
        for m in catalog
        if m.id and not isinstance(m.id, str)
    }


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_marked_message_is_translated(marked: set[str], lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = sorted(m for m in marked if not catalogue.get(m, ("", False))[0])
    fuzzy = sorted(m for m, (_text, is_fuzzy) in catalogue.items() if is_fuzzy)
    stale = sorted(set(catalogue) - marked)
    assert not missing, f"{lang}: untranslated (run make messages): {missing}"
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy}"
    assert not stale, f"{lang}: no longer in the sources: {stale}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    plurals = _plurals(lang)
    for source, (text, _fuzzy) in _catalogue(lang).items():
        for form in text.split("\n") if source in plurals else [text]:
            assert sorted(_PLACEHOLDER.findall(form)) == sorted(
                _PLACEHOLDER.findall(source)
            ), (lang, source, form)
            assert _TAG.findall(form) == _TAG.findall(source), (lang, source, form)


@pytest.mark.parametrize("lang", SHIPPED)
def test_plurals_have_every_form_of_the_language(lang: str) -> None:
    plurals = _plurals(lang)
    assert plurals, "no plural message is marked: check the extraction"
    wanted = {"sv": 2, "ru": 3}[lang]
    for singular, (plural, forms) in plurals.items():
        assert len(forms) == wanted, (lang, singular, forms)
        assert all(forms), (lang, singular, forms)
        assert _PLACEHOLDER.findall(plural) == _PLACEHOLDER.findall(singular)


def test_russian_plurals_follow_the_count() -> None:
    words = i18n.translations("ru")
    said = {
        n: words.ngettext("{n} step", "{n} steps", n).format(n=n) for n in (1, 3, 5, 21)
    }
    assert said == {1: "1 шаг", 3: "3 шага", 5: "5 шагов", 21: "21 шаг"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("sv", "sv"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("de-DE, ru;q=0.5, en;q=0.4", "ru"),
        ("en;q=0.2, ru;q=0.9", "ru"),
        ("ru;q=0, sv;q=0.1", "sv"),
        ("fr, de", "en"),
        ("sv;q=abc, ru", "ru"),
        ("ru, sv", "ru"),
        ("*", "en"),
    ],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_cli_language_ignores_the_system_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    monkeypatch.setenv("LC_ALL", "ru_RU.UTF-8")
    monkeypatch.delenv("SOVET_LANG", raising=False)
    assert i18n.cli_language() == "en"
    monkeypatch.setenv("SOVET_LANG", "ru")
    assert i18n.cli_language() == "ru"
    assert i18n.cli_language("sv") == "sv"


def test_a_translation_is_used() -> None:
    assert i18n.translations("sv").gettext("Who governs") == "Vem styr"
    assert i18n.translations("ru").gettext("Who governs") == "Кто правит"
    assert i18n.translations("en").gettext("Who governs") == "Who governs"


def test_no_message_is_marked_inside_an_f_string() -> None:
    """Babel reads no call inside an f-string: ``f"{_('x')}"`` would never be
    extracted, so it would stay English while the test above passes."""
    import ast

    markers = {"_", "gettext", "ngettext", "says"}
    hidden = []
    for path in sorted((ROOT / "src" / "sovet").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in markers
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, f"marked inside an f-string (not extracted): {hidden}"
