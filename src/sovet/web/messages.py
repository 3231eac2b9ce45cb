"""Refusals as people read them: a plain sentence and, where a rule applies, its id.

``plain(error)`` is the error's own message without the rule id in front and
without references to internal documents; ``rule_of(error)`` is the ``SR-n``
rule it enforces, or None (security and input refusals cite no SR rule).
"""

from __future__ import annotations

import re

from sovet.errors import InputError, RuleViolation

__all__ = ["plain", "rule_of"]

_INTERNAL = re.compile(r"\s*\(?\b(?:DESIGN|RULES)\s*§\s*\d+[a-z0-9.-]*\)?:?", re.I)
_RULE = re.compile(r"^SR-\d+$")


def plain(error: BaseException) -> str:
    """The refusal in one sentence, for a person: no rule id prefix, no
    internal document names, a capital letter and a full stop."""
    if isinstance(error, RuleViolation):
        text = error.message
    elif isinstance(error, InputError):
        text = error.reason
    else:
        text = getattr(error, "message", None) or str(error)
    text = _INTERNAL.sub("", str(text)).strip()
    if not text:
        return "This was refused."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def rule_of(error: BaseException) -> str | None:
    """The ``SR-n`` rule the refusal enforces, or None."""
    rule = getattr(error, "rule", None)
    return rule if isinstance(rule, str) and _RULE.match(rule) else None
