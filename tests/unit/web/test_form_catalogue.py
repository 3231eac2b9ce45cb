"""The generated forms' texts reach the catalogue from the declarations.

``sovet.web.form_catalogue`` (the Babel extractor ``babel.cfg`` maps the domain
to) must find every text a form shows from a command's declaration — summary,
title, field labels and descriptions, nested records included — so that
``test_translations`` can demand their translations; and the forms must show
them in the reader's language.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from io import BytesIO

import pytest

from sovet import i18n
from sovet.domain import COMMANDS, FederationState
from sovet.domain.kernel.messages import descriptions
from sovet.web.form_catalogue import extract, label
from sovet.web.forms import form_for, web_commands
from tests.unit.test_translations import _marked


def _texts(cls: type, seen: set[type]) -> Iterator[str]:
    """Every label and description a form of ``cls`` may show."""
    if cls in seen:
        return
    seen.add(cls)
    hints = typing.get_type_hints(cls)
    about = descriptions(cls)
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        yield label(item.name)
        if about.get(item.name):
            yield about[item.name]
        stack = [hints[item.name]]
        while stack:
            hint = stack.pop()
            if dataclasses.is_dataclass(hint) and isinstance(hint, type):
                yield from _texts(hint, seen)
            stack.extend(typing.get_args(hint))


def _declared() -> set[str]:
    found: set[str] = set()
    seen: set[type] = set()
    for cls in set(COMMANDS.values()):
        found |= {cls.declaration.summary, label(cls.declaration.name)}
        found |= set(_texts(cls, seen))
    return found


def test_every_declared_text_is_extracted() -> None:
    declared = _declared()
    assert len(declared) > 300, "the walk found almost no declarations"
    missing = sorted(declared - _marked())
    assert not missing, f"declared but not in the catalogue's sources: {missing}"


def test_the_extractor_keeps_the_files_gettext_calls() -> None:
    source = b'''
from sovet.i18n import gettext

@command(resource="bodies", issuers=Issuers())
class RenameBody(Command):
    """SR-2: a body takes a new name.

    More words that are not the summary.
    """

    new_name: Annotated[str, "the body's new name"]
    plain: int = 0

def refuse() -> str:
    return gettext("no such body")
'''
    found = [
        message
        for _line, _kw, message, _c in extract(
            BytesIO(source), {"gettext": None}, [], {}
        )
    ]
    assert found == [
        "no such body",
        "Rename body",
        "SR-2: a body takes a new name.",
        "New name",
        "the body's new name",
    ]


@pytest.mark.parametrize(
    ("lang", "title", "topic", "name_label"),
    [
        ("sv", "Registrera fraktion", "Organ och personer", "Namn"),
        ("ru", "Зарегистрировать фракцию", "Органы и люди", "Имя"),
    ],
)
def test_a_form_in_the_readers_language(
    lang: str, title: str, topic: str, name_label: str
) -> None:
    i18n.use(lang)
    try:
        form = form_for(FederationState(), "register_faction", None)
    finally:
        i18n.use("en")
    assert (form.title, form.topic) == (title, topic)
    assert form.command == "register_faction"
    fields = {f.name: f for f in form.fields}
    assert fields["name"].label == name_label
    english = form_for(FederationState(), "register_faction", None)
    assert form.help != english.help
    assert form.help.startswith("SR-18: ")
    assert [f.name for f in form.fields] == [f.name for f in english.fields]


def test_every_web_form_is_translated_in_russian() -> None:
    i18n.use("ru")
    try:
        forms = [form_for(FederationState(), name, None) for name in web_commands()]
    finally:
        i18n.use("en")
    english = {name: form_for(FederationState(), name, None) for name in web_commands()}
    for form in forms:
        assert form.title != english[form.command].title, form.command
        assert form.help != english[form.command].help, form.command
