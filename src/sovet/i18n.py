"""The user's language: English, Swedish and Russian, through gettext (Babel).

The catalogues are the ``.po`` files under ``sovet/locale/<lang>/LC_MESSAGES``;
they are compiled in memory on first use (``babel.messages``), so the sources
are the only copy. English is the source language and the default whatever the
system locale: the web follows a chosen language (``lang`` cookie or query),
then ``Accept-Language``; the CLI follows ``--lang`` or ``SOVET_LANG`` only.

What scripts read never changes with the language: JSON, rule ids, field names,
step numbers and the shape of ``sovet run``'s refusal line.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from sovet.errors import ChainBroken, InputError, RuleViolation, Says

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "LOCALE_DIR",
    "cli_language",
    "gettext",
    "language",
    "negotiate",
    "ngettext",
    "refusal",
    "supported",
    "translate",
    "translations",
    "use",
]

LANGUAGES: dict[str, str] = {"en": "English", "sv": "Svenska", "ru": "Русский"}
"""The languages shipped, each with its own name (for the language switch)."""

DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("sovet_language", default=DEFAULT)


def supported(value: str | None) -> str | None:
    """``value`` as one of ``LANGUAGES`` ("sv-SE" → "sv"), or None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The best shipped language for an ``Accept-Language`` header (RFC 9110
    §12.5.4: weights ``q``, first listed wins a tie); ``DEFAULT`` if none fits."""
    best: tuple[float, int, str] | None = None
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        found = supported(tag)
        if found is None or not 0.0 < weight <= 1.0:
            continue
        if best is None or (weight, -index) > (best[0], best[1]):
            best = (weight, -index, found)
    return best[2] if best else DEFAULT


def cli_language(option: str | None = None) -> str:
    """The CLI's language: ``--lang``, else ``SOVET_LANG``, else English (never
    the system locale, so scripts and logs read the same everywhere)."""
    return supported(option) or supported(os.environ.get("SOVET_LANG")) or DEFAULT


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: no translation)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    source = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT or not source.is_file():
        return _gettext.NullTranslations()
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def use(lang: str) -> None:
    """Make ``lang`` the language of this context's ``gettext`` (CLI, request)."""
    _current.set(supported(lang) or DEFAULT)


def language() -> str:
    """The language ``use`` set for this context."""
    return _current.get()


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the current language."""
    return translations(_current.get()).ngettext(singular, plural, n)


_DAY = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
"""A day as ``calendar.display`` writes it ("4 Nov (17 Nov) 1917"): its month is
a word, said in the reader's language (the catalogue's month abbreviations)."""


def _day(value: object, lang: str) -> object:
    """``value`` with the months of the days it writes in ``lang``."""
    if not isinstance(value, str) or lang == DEFAULT:
        return value
    said = translations(lang).gettext
    return _DAY.sub(lambda found: f"{found.group(1)} {said(found.group(2))}", value)


def translate(text: str, lang: str | None = None) -> str:
    """A refusal's sentence (``errors.says``) in ``lang`` (default: the current
    language); values (ids, numbers, dates) are filled in as they are, and a
    sentence given as a value is said in the same language. Any other text is
    returned unchanged."""
    if not isinstance(text, Says):
        return text
    lang = lang or _current.get()
    params: dict[str, Any] = {
        name: translate(value, lang) if isinstance(value, Says) else _day(value, lang)
        for name, value in text.params.items()
    }
    template = translations(lang).gettext(text.template)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a catalogue that lost a placeholder
        return text.template.format(**params)


def refusal(error: BaseException) -> str:
    """``str(error)`` with its sentence in the current language: the rule id,
    the file and line, the event number stay as they are."""
    if isinstance(error, RuleViolation):
        return f"{error.rule}: {translate(error.message)}"
    if isinstance(error, InputError | ChainBroken):
        return str(error).removesuffix(error.reason) + translate(error.reason)
    said = getattr(error, "message", None)
    if said is None and len(error.args) == 1 and isinstance(error.args[0], Says):
        said = error.args[0]  # SovetError(says(…)): Exception keeps the sentence
    return translate(said or str(error))
