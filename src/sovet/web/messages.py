"""Refusals as people read them: a plain sentence and, where a rule applies, its id.

``plain(error)`` is the error's own message without the rule id in front and
without references to internal documents; ``rule_of(error)`` is the ``SR-n``
rule it enforces, or None (security and input refusals cite no SR rule);
``rule_link(rule)`` is the rule id as a link to its section of the rules page
(``handbook.rule_url``), the id itself as the link text. ``DONE`` holds the
confirmations pages show after an action (``?done=<key>``).
"""

from __future__ import annotations

import re

from markupsafe import Markup

from sovet import i18n
from sovet.errors import InputError, RuleViolation
from sovet.i18n import gettext, translate
from sovet.web.handbook import rule_url

__all__ = ["DONE", "N_", "plain", "rule_link", "rule_of"]


def N_(message: str) -> str:  # noqa: N802  (gettext's name for the marker)
    """Mark ``message`` for translation where it is shown (``render.page``)."""
    return message


DONE = {
    "signed-in": N_("You are signed in."),
    "signed-out": N_("You are signed out."),
    "opened": N_("The poll is open: the council's members may vote now."),
    "closed": N_("The poll is closed: the ballots and the count are published below."),
    "signed": N_("Your signature is recorded."),
    "command": N_("Done: the act is recorded in the log."),
    "members": N_("Done: the members are registered."),
}
"""The confirmation a page shows after an action redirected to it
(``?done=<key>``; an unknown key shows nothing, so no text comes from the URL)."""


_DOC = r"(?:DESIGN|RULES|FACTS)\s*§\s*[\w.-]*\w"
_DOC_ALONE = re.compile(rf"\s*\(\s*{_DOC}\s*\)")
_DOC_OPENING = re.compile(rf"\(\s*{_DOC}\s*:\s*")
_DOC_ANYWHERE = re.compile(rf"\s*{_DOC}\s*:?\s*")
_RULE = re.compile(r"^SR-\d+$")
_QUOTED = r"'(?:[^'\\]|\\.)*'"
_SEQUENCE = re.compile(rf"[\[(]\s*((?:{_QUOTED}\s*,\s*)*{_QUOTED})?\s*,?\s*[\])]")
_ITEM = re.compile(_QUOTED)


def _listed(found: re.Match[str]) -> str:
    items = [item[1:-1] for item in _ITEM.findall(found.group(1) or "")]
    return ", ".join(items) if items else "none"


def plain(error: BaseException, lang: str | None = None) -> str:
    """The refusal in one sentence, for a person.

    The engine's message without the rule id in front, without the names of
    internal documents ("DESIGN §6"), with Python's lists and tuples of names
    written as lists of names, starting with a capital letter and ending with
    a full stop; the engine's sentence in ``lang`` (default: the current one).
    """
    if isinstance(error, RuleViolation):
        text = translate(error.message, lang)
    elif isinstance(error, InputError) and error.line is not None:
        words = i18n.translations(lang or i18n.language())
        where = error.source or words.gettext("the file")
        if error.key:
            said = words.gettext("in {source}, line {line}, column {column}: {reason}")
        else:
            said = words.gettext("in {source}, line {line}: {reason}")
        reason = translate(error.reason, lang)
        text = said.format(
            source=where, line=error.line, column=error.key, reason=reason
        )
    elif isinstance(error, InputError):
        text = translate(error.reason, lang)
    else:
        text = getattr(error, "message", None) or str(error)
    text = _DOC_ALONE.sub("", str(text))
    text = _DOC_OPENING.sub("(", text)
    text = _DOC_ANYWHERE.sub(" ", text).strip()
    text = _SEQUENCE.sub(_listed, text)
    if not text:
        return gettext("This was refused.")
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def rule_of(error: BaseException) -> str | None:
    """The ``SR-n`` rule the refusal enforces, or None."""
    rule = getattr(error, "rule", None)
    return rule if isinstance(rule, str) and _RULE.match(rule) else None


def rule_link(rule: str) -> Markup:
    """``rule`` as a link to where it is explained (plain text if nowhere)."""
    url = rule_url(rule)
    if url is None:
        return Markup("{rule}").format(rule=rule)
    return Markup('<a class="rule" href="{url}">{word} {rule}</a>').format(
        url=url, word=gettext("rule"), rule=rule
    )
