"""Events decoded straight from their stored JSON text (the fold's fast path).

The fold reads an event as a row — ``(seq, type, payload JSON, effective_at,
hash, appended_at)``, no envelope object, the command left unparsed — and
decodes the payload with msgspec straight into the event class: one compiled
decoder per class, the envelope's ``at`` spliced into the text. msgspec checks
the field types (``int`` refuses ``true``, ``Literal`` its values, nested
dataclasses and tuples); ``Fraction`` fields come from their ``"1/3"`` text.
A payload msgspec refuses is decoded again by the strict path
(``convert.dataclass_from_plain``: the checks and messages of a scenario step),
which names the key; keys the class does not know are left aside by msgspec
(the stored bytes are the hash chain's: ``sovet verify`` checks them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NoReturn

import msgspec

from sovet.domain.kernel.convert import dataclass_from_plain, parse_fraction
from sovet.domain.kernel.messages import DomainEvent
from sovet.errors import ScenarioError

__all__ = ["decode_payload", "prefix", "spliced_decoder"]

_Decode = Callable[[str], DomainEvent]
_DECODERS: dict[type[DomainEvent], _Decode | None] = {}
_PREFIX: dict[str, str] = {}


def _dec_hook(kind: type, value: Any) -> Any:
    """msgspec's hook for types it does not know: a ``Fraction`` from its text;
    for any other type ``NotImplementedError``, which is msgspec's protocol for
    "unsupported" (it then refuses the payload and the strict decoder runs)."""
    if kind is Fraction:
        found = parse_fraction(value)
        if found is not None:
            return found
    raise NotImplementedError


def _decoder(cls: type[DomainEvent]) -> _Decode | None:
    """msgspec's decoder of ``cls`` (``None``: a class it cannot describe)."""
    try:
        return _DECODERS[cls]
    except KeyError:
        pass
    try:
        built: _Decode | None = msgspec.json.Decoder(cls, dec_hook=_dec_hook).decode
    except (TypeError, NameError):
        built = None
    _DECODERS[cls] = built
    return built


def _refuse(_text: str) -> DomainEvent:
    raise msgspec.DecodeError("no msgspec decoder for this class")


def spliced_decoder(cls: type[DomainEvent]) -> Callable[[str], DomainEvent]:
    """msgspec's decoder of ``cls`` for ``prefix(at) + text[1:]`` (one that always
    raises ``msgspec.MsgspecError`` for a class msgspec cannot describe): the
    fold's inner loop; on any error it calls ``decode_payload``."""
    return _decoder(cls) or _refuse


def prefix(at: str) -> str:
    """``{"at":"…",`` for the envelope time ``at`` (one text per distinct time)."""
    found = _PREFIX.get(at)
    if found is None:
        found = '{"at":' + json.dumps(at) + ","
        if len(_PREFIX) < 100_000:  # bounded: a log repeats few distinct times
            _PREFIX[at] = found
    return found


def decode_payload(cls: type[DomainEvent], text: str, at: str, seq: int) -> DomainEvent:
    """The event ``cls`` of payload ``text`` effective at ``at`` (event ``seq``).

    Bad payloads raise the strict path's ``ScenarioError`` naming the key."""
    decode = _decoder(cls)
    if decode is not None and text.startswith("{"):
        body = text[1:]
        joined = prefix(at)[:-1] + "}" if body == "}" else prefix(at) + body
        try:
            return decode(joined)
        except msgspec.ValidationError:
            pass  # the strict path names the key
        except msgspec.DecodeError as e:
            raise ScenarioError(
                f"the stored payload is not JSON: {e}", source=f"event {seq}"
            ) from None
    return _strict(cls, text, at, seq)


def _strict(cls: type[DomainEvent], text: str, at: str, seq: int) -> DomainEvent:
    def fail(reason: str, key: str) -> NoReturn:
        raise ScenarioError(reason, source=f"event {seq}", key=key)

    try:
        plain = json.loads(text)
    except ValueError as e:
        raise ScenarioError(
            f"the stored payload is not JSON: {e}", source=f"event {seq}"
        ) from None
    if not isinstance(plain, dict):
        fail("the stored payload is not a JSON object", "payload")
    built: DomainEvent = dataclass_from_plain(
        cls, plain, key="", fail=fail, extra={"at": at}
    )
    return built
