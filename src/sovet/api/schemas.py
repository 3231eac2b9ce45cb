"""Request models generated from the engine's command dataclasses.

``command_model(cls)`` mirrors a ``Command`` dataclass as a pydantic model with
``extra="forbid"`` and ``strict=True`` — unknown fields and wrong types are
refused with 422 before the engine sees them, and OpenAPI documents every
command's fields. Fractions travel as ``"1/3"`` strings or integers; tuples as
lists; nested dataclasses as nested models (also strict). The engine then
builds the command itself from the same JSON (``command_from_mapping``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from fractions import Fraction
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from sovet.domain.kernel.messages import descriptions

__all__ = ["command_model"]

_STRICT = ConfigDict(extra="forbid", strict=True)
_MODELS: dict[type, type[BaseModel]] = {}


def _field_type(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return Any
    if hint is Fraction:
        return int | str
    if origin in (Union, types.UnionType):
        mapped = tuple(_field_type(arg) for arg in args)
        return Union[mapped]  # noqa: UP007  (a runtime-built union)
    if origin is tuple:
        return list[_field_type(args[0])] if args else list[Any]  # type: ignore[misc]
    if origin is dict:
        return dict[str, _field_type(args[1])] if args else dict[str, Any]  # type: ignore[misc]
    if origin is Literal:
        return hint
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _model(hint, exclude=())
    return hint


def _model(cls: type, *, exclude: tuple[str, ...]) -> type[BaseModel]:
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
        if item.default is not dataclasses.MISSING:
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
    """The strict request model of command class ``cls`` (cached)."""
    return _model(cls, exclude=())
