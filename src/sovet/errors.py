"""The error tree of sovet's domain.

Every refusal of the engine is a ``SovetError``; rule refusals name the rule they
enforce (``SR-n`` from RULES.md) and the offending value::

    SovetError
    ├── RuleViolation            a command breaks a rule SR-1 … SR-32 (``rule``)
    │   ├── NotEligible          SR-4/SR-5: franchise and exclusions
    │   ├── QuorumNotMet         SR-16: a vote while inquorate
    │   ├── NotFound             an unknown body, member, session …
    │   ├── BallotRefused        SR-7: a ballot that does not fit its method
    │   └── UnknownCountingMethod SR-7: no counting method by that name
    ├── InputError               malformed input file (``source``, ``line``, ``key``)
    │   ├── ConstitutionError    a constitution TOML file or value
    │   ├── BallotFileError      a ballot file (BLT, PrefLib, CSV)
    │   └── ScenarioError        a scenario file
    ├── LedgerError              the log itself (see ``sovet.ledger``)
    │   ├── CanonicalEncodingError  a value has no canonical JSON form
    │   └── ChainBroken          an event fails verification (``seq``)
    ├── StorageError             the store could not do it; nothing was written
    │   └── ConcurrencyConflict  another writer appended first
    │       └── DuplicateEntry   a second vote or signature by one member
    ├── NotAuthenticated         no valid session or token
    ├── NotAuthorized            lacking the role, scope or membership
    └── Throttled                too many requests (``retry_after``)

A refusal's sentence is written with ``says(template, **params)``: a ``str``
(the English sentence, so ``str(error)`` and ``.message`` read as before) that
keeps its template and values, so an edge can say it in the user's language
(``sovet.i18n.translate``) while the rule id and the values stay as they are.

A leaf: it imports nothing of sovet, and every layer may import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "SECURITY_RULE",
    "BallotFileError",
    "BallotRefused",
    "CanonicalEncodingError",
    "ChainBroken",
    "ConcurrencyConflict",
    "ConstitutionError",
    "DuplicateEntry",
    "InputError",
    "LedgerError",
    "NotAuthenticated",
    "NotAuthorized",
    "NotEligible",
    "NotFound",
    "QuorumNotMet",
    "RuleViolation",
    "Says",
    "ScenarioError",
    "SovetError",
    "StorageError",
    "Throttled",
    "UnknownCountingMethod",
    "joined",
    "says",
]


class Says(str):
    """An English sentence made from ``template`` (``str.format`` syntax) and
    ``params``; both are kept so the sentence can be said in another language."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Says:
        said = super().__new__(cls, template.format(**params))
        said.template = template
        said.params = params
        return said

    def __reduce__(self) -> tuple[Any, ...]:  # pickle and copy keep the template
        return (_said, (self.template, self.params))


def says(template: str, /, **params: Any) -> Says:
    """The sentence ``template`` with ``params`` filled in (marked for translation:
    ``make messages`` extracts ``template``; values are never translated)."""
    return Says(template, **params)


def joined(separator: str, items: Iterable[object]) -> Says:
    """``separator.join(items)`` that keeps each item a sentence of its own (an
    item made with ``says`` is said in the reader's language, the rest as is)."""
    escaped = separator.replace("{", "{{").replace("}", "}}")
    parts = {f"item{index}": item for index, item in enumerate(items)}
    return Says(escaped.join("{" + name + "}" for name in parts), **parts)


def _said(template: str, params: dict[str, Any]) -> Says:
    return Says(template, **params)


class SovetError(Exception):
    """Root of every error sovet raises on purpose."""


class RuleViolation(SovetError):
    """A command breaks rule ``rule`` (an SR id); ``value`` is the offending value."""

    def __init__(self, rule: str, message: str, value: object = None) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message
        self.value = value


class NotEligible(RuleViolation):
    """SR-4/SR-5: the person has no franchise here; the message gives the reason."""


class QuorumNotMet(RuleViolation):
    """SR-16: the session is inquorate, so it cannot vote."""


class NotFound(RuleViolation):
    """The command names something that does not exist (body, member, session …)."""


class BallotRefused(RuleViolation):
    """SR-7: a ballot whose shape does not fit the counting method's declared
    ballot (too many marks, a ranking for a marks method, a blank ballot …)."""


class UnknownCountingMethod(RuleViolation):
    """SR-7: the constitution or the command names no registered counting method."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        message = says(
            "unknown counting method {name!r}; known methods: {known}",
            name=name,
            known=", ".join(known),
        )
        super().__init__("SR-7", message, name)


class InputError(SovetError):
    """Malformed input: names the source, the line or key, and the reason."""

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        where = source or "input"
        if line is not None:
            where += f", line {line}"
        if key is not None:
            where += f", key {key!r}"
        super().__init__(f"{where}: {reason}")
        self.reason = reason
        self.source = source
        self.line = line
        self.key = key


class ConstitutionError(InputError):
    """A constitution file or value is malformed (key, value and reason)."""


class BallotFileError(InputError):
    """A ballot file is malformed (file, line and reason)."""


class ScenarioError(InputError):
    """A scenario file is malformed (file, line and reason)."""


class LedgerError(SovetError):
    """The event log or its encoding is not as it must be."""


class CanonicalEncodingError(LedgerError):
    """A value cannot be written as (or read from) canonical JSON."""


class ChainBroken(LedgerError):
    """Event ``seq`` fails verification: a broken link, hash, order or signature."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"event {seq}: {reason}")
        self.seq = seq
        self.reason = reason


class StorageError(SovetError):
    """The store could not do what was asked; nothing was written."""


class ConcurrencyConflict(StorageError):
    """Another writer appended to the stream first (``UNIQUE(stream_id, version)``)."""


class DuplicateEntry(ConcurrencyConflict):
    """SR-7/SR-10: the member already voted in this election or signed this petition."""


SECURITY_RULE: str | None = None
"""Authentication, authorization and throttling refusals cite no SR rule: the
error contract names ``"rule": null`` for them (the security model is in
docs/design.md §6)."""


class NotAuthenticated(SovetError):
    """No valid session or token accompanies the request (docs/design.md §6)."""

    rule = SECURITY_RULE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAuthorized(SovetError):
    """The principal lacks the role, scope or membership needed (design §6)."""

    rule = SECURITY_RULE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Throttled(SovetError):
    """Too many requests or failed logins; retry after ``retry_after`` (design §6)."""

    rule = SECURITY_RULE

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)
