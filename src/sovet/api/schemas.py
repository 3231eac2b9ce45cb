"""Request models generated from the engine's command dataclasses.

``command_model(cls)`` mirrors a ``Command`` dataclass as a pydantic model with
``extra="forbid"`` and ``strict=True`` — unknown fields and wrong types are
refused with 422 before the engine sees them, and OpenAPI documents every
command's fields. Fractions travel as ``"1/3"`` strings or integers; tuples as
lists; nested dataclasses as nested models (also strict). The engine then
builds the command itself from the same JSON (``command_from_mapping``).

Every string of a request body is ``Text``: text that cannot be stored as UTF-8
(a lone UTF-16 surrogate, which JSON can spell as ``"\\ud800"``) is refused
with 422 naming the field, before it reaches the log or the database (issue 10:
it was a 500). Fields typed ``Any`` are walked for such strings, keys included.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from fractions import Fraction
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from sovet.domain.kernel.messages import descriptions

__all__ = ["AnyJson", "Text", "command_model", "storable"]

_STRICT = ConfigDict(extra="forbid", strict=True)
_MODELS: dict[type, type[BaseModel]] = {}


def storable(value: str) -> str:
    """``value`` unchanged, or ``ValueError`` when it cannot be encoded as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(
            f"the text holds a lone surrogate (U+{ord(value[e.start]):04X} at "
            f"index {e.start}), which cannot be stored as UTF-8"
        ) from None
    return value


def _storable_json(value: Any) -> Any:
    """``value`` unchanged when every string in it (keys too) is ``storable``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            storable(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return value


Text = Annotated[str, AfterValidator(storable)]
"""A string of a request body that can be stored (valid Unicode, no lone surrogate)."""
AnyJson = Annotated[Any, AfterValidator(_storable_json)]
"""Any JSON value whose strings are all ``Text``."""


def _field_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return AnyJson
    if hint is str:
        return Text
    if hint is Fraction:
        return int | Text
    if origin in (Union, types.UnionType):
        mapped = tuple(_field_type(arg) for arg in args)
        return Union[mapped]  # noqa: UP007  (a runtime-built union)
    if origin is tuple:
        return list[_field_type(args[0])] if args else list[Any]  # type: ignore[misc]
    if origin is dict:
        return dict[Text, _field_type(args[1])] if args else dict[Text, AnyJson]  # type: ignore[misc]
    if origin is Literal:
        return hint
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _model(hint, exclude=())
    return hint


def _model(
    cls: type, *, exclude: tuple[str, ...], optional: tuple[str, ...] = ()
) -> type[BaseModel]:
    if cls in _MODELS:
        return _MODELS[cls]
    hints = typing.get_type_hints(cls)
    described = descriptions(cls)
    fields: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name in exclude or not item.init:
            continue
        kind = _field_type(hints[item.name])
        about = described.get(item.name)
        if item.name in optional:
            fields[item.name] = (kind | None, Field(default=None, description=about))
        elif item.default is not dataclasses.MISSING:
            fields[item.name] = (kind, Field(default=item.default, description=about))
        elif item.default_factory is not dataclasses.MISSING:
            fields[item.name] = (
                kind,
                Field(default_factory=item.default_factory, description=about),
            )
        else:
            fields[item.name] = (kind, Field(description=about))
    model: type[BaseModel] = create_model(
        f"{cls.__name__}Body",
        __config__=_STRICT,
        __doc__=(cls.__doc__ or cls.__name__).strip().splitlines()[0],
        **fields,
    )
    _MODELS[cls] = model
    return model


def command_model(cls: type) -> type[BaseModel]:
    """The strict request model of command class ``cls`` (cached).

    ``at`` may be left out: a live act takes effect now (``services.live``).
    """
    return _model(cls, exclude=(), optional=("at",))
