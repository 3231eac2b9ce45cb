"""Reading a submitted generated form back into the command's JSON body, the
one the API takes (``fields_of``), and a body back into form items
(``entered``, to re-show a refused form)."""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sovet.domain import COMMANDS
from sovet.errors import InputError
from sovet.i18n import gettext
from sovet.web.form_fields import Field, Form, optional, scalar

__all__ = ["entered", "fields_of"]


def _read(kind: str, text: str, name: str) -> Any:
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise InputError(
                gettext("{name} must be a whole number, not {text}").format(
                    name=name, text=repr(text)
                ),
                key=name,
            ) from None
    if kind == "bool":
        if text in ("true", "yes", "on"):
            return True
        if text in ("false", "no"):
            return False
        raise InputError(
            gettext("{name}: choose yes or no").format(name=name), key=name
        )
    return text


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            gettext("{name} is not valid JSON: {reason}").format(
                name=name, reason=error.msg
            ),
            key=name,
        ) from None


def _rows(spec: Field, cls: type, text: str) -> list[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(";")]
        if len(cells) > len(spec.columns):
            raise InputError(
                gettext(
                    "{name}, line {line}: at most {count} columns ({columns})"
                ).format(
                    name=spec.name,
                    line=number,
                    count=len(spec.columns),
                    columns="; ".join(spec.columns),
                ),
                key=spec.name,
            )
        row: dict[str, Any] = {}
        for column, cell in zip(spec.columns, cells, strict=False):
            if not cell:
                continue
            hint, _ = optional(hints[column])
            if typing.get_origin(hint) is tuple:
                row[column] = [part.strip() for part in cell.split(",") if part.strip()]
            else:
                row[column] = _read(scalar(hint), cell, f"{spec.name}.{column}")
        rows.append(row)
    return rows


def _value(spec: Field, hint: Any, form: Mapping[str, Sequence[str]]) -> Any:
    """The JSON value of one field, or ``dataclasses.MISSING`` when left out."""
    hint, may_be_none = optional(hint)
    values = [v for v in form.get(spec.name, ()) if isinstance(v, str)]
    first = values[0].strip() if values else ""
    if spec.widget == "checkbox":  # unticked ``bool | None`` (late): left out
        return True if values else (dataclasses.MISSING if may_be_none else False)
    if spec.widget == "checks":
        return [v for v in values if v] or (
            [] if spec.required else dataclasses.MISSING
        )
    if spec.widget == "lines":
        items = [line.strip() for line in first.splitlines() if line.strip()]
        return items or ([] if spec.required else dataclasses.MISSING)
    if spec.widget == "rows":
        row_cls = typing.get_args(hint)[0]
        rows = _rows(spec, row_cls, values[0] if values else "")
        return rows or ([] if spec.required else dataclasses.MISSING)
    if spec.widget == "per_key":
        found = {}
        for key, _shown in spec.keys:
            entered = [v for v in form.get(f"{spec.name}.{key}", ()) if v.strip()]
            if entered:
                found[key] = _read(spec.kind, entered[0].strip(), f"{spec.name}.{key}")
        return found or ({} if spec.required else dataclasses.MISSING)
    if spec.widget == "group":
        return _record(hint, spec.subfields, form)
    if not first:
        return dataclasses.MISSING
    if spec.widget == "json":
        return _json(first, spec.name)
    return _read(spec.kind, first, spec.name)


def fields_of(
    name: str, form: Mapping[str, Sequence[str]], shown: Form
) -> dict[str, Any]:
    """The command's JSON body from a submitted form (as the API would take it).

    ``shown`` is the form as generated for the page that posted it; a field
    it fixed (the body, the person acting for themselves) is taken from it,
    never from the post. Malformed entries raise ``InputError`` naming the field.
    """
    return _record(COMMANDS[name], shown.fields, form)


def _record(
    cls: type, specs: Sequence[Field], form: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The JSON object of dataclass ``cls`` from its fields' inputs: an empty
    input leaves a field with a default out, and gives ``None`` to one that
    may be ``None`` but has no default."""
    hints = typing.get_type_hints(cls)
    items = {item.name: item for item in dataclasses.fields(cls)}
    made: dict[str, Any] = {}
    for spec in specs:
        key = spec.name.rsplit(".", 1)[-1]
        if spec.widget == "fixed":
            made[key] = spec.value
            continue
        got = _value(spec, hints[key], form)
        item = items[key]
        if got is dataclasses.MISSING and (
            item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
            and optional(hints[key])[1]
        ):
            got = None
        if got is not dataclasses.MISSING:
            made[key] = got
    return made


def entered(items: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """A posted form as ``name → values`` (files and the CSRF token left out)."""
    found: dict[str, list[str]] = {}
    for key, value in items:
        if isinstance(value, str) and key != "csrf_token":
            found.setdefault(key, []).append(value[:20_000])
    return found
