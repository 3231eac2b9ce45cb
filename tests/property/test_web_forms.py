"""A generated form reads back exactly what was typed into it (issue 11).

For every command the web offers, hypothesis draws a value for each of its
form's fields — ids, numbers, ticks, lists, rows of records, one entry per
person or faction, JSON, sub-records — types it in as a browser would post
it, and ``forms.fields_of`` must give back that very JSON body (a field left
empty: absent, or ``None`` where the command takes ``None`` and has no
default). The forms are those of the union after ``scenario_recall``, so the
selects and per-person inputs have real options.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.domain import COMMANDS, FederationState
from sovet.presets.loader import load_preset
from sovet.services.bootstrap import in_memory
from sovet.services.handlers import execute
from sovet.services.scenario import read_scenario
from sovet.services.setup import adopt_constitution
from sovet.web.forms import Field, fields_of, form_for, web_commands
from tests.conftest import REPO

RECALL = REPO / "src" / "sovet" / "presets" / "union" / "scenario_recall.toml"
GONE = object()
"""A field left empty."""

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@cache
def union() -> FederationState:
    services = in_memory()
    adopt_constitution(
        services.uow(), load_preset("union"), source="union", at="2025-01-01"
    )
    for step in read_scenario(RECALL).steps:
        execute(services.uow(), step.command, cache=services.cache)
    with services.uow() as uow:
        return services.cache.current(uow.events)


def _bare(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def _scalar(hint: Any) -> st.SearchStrategy[Any]:
    hint, _ = _bare(hint)
    if hint is int:
        return st.integers(-(10**6), 10**6)
    if hint is bool:
        return st.booleans()
    if typing.get_origin(hint) is tuple:
        return st.lists(IDS, min_size=1, max_size=3)
    return IDS


def _maybe(item: Field, value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return value if item.required else st.one_of(st.just(GONE), value)


def _listed(item: Field, value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    drawn = st.lists(value, min_size=0, max_size=3)
    if item.required:
        return drawn
    return drawn.map(lambda found: found or GONE)


def _record(cls: type, items: tuple[Field, ...]) -> st.SearchStrategy[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    parts = {}
    for item in items:
        key = item.name.rsplit(".", 1)[-1]
        parts[key] = _value(item, hints[key])
    return st.fixed_dictionaries(parts)


def _value(item: Field, hint: Any) -> st.SearchStrategy[Any]:
    hint, nullable = _bare(hint)
    args = typing.get_args(hint)
    if item.widget == "checkbox":  # an unticked ``bool | None`` box (late) is left out
        return st.sampled_from([True, GONE]) if nullable else st.booleans()
    if item.widget in ("text", "date", "select"):
        return _maybe(item, IDS)
    if item.widget == "number":
        return _maybe(item, st.integers(-(10**6), 10**6))
    if item.widget in ("checks", "lines"):
        return _listed(item, IDS)
    if item.widget == "rows":
        row = args[0]
        columns = {}
        for column in dataclasses.fields(row):
            needed = column.default is dataclasses.MISSING
            drawn = _scalar(typing.get_type_hints(row)[column.name])
            columns[column.name] = drawn if needed else st.one_of(st.just(GONE), drawn)
        return _listed(item, st.fixed_dictionaries(columns))
    if item.widget == "per_key":
        keys = [key for key, _shown in item.keys]
        entries: st.SearchStrategy[Any]
        if item.options:
            entries = st.sampled_from([value for value, _shown in item.options])
            if item.kind == "bool":
                entries = entries.map(lambda text: text == "true")
        else:
            entries = st.integers(0, 10**6)
        drawn = st.dictionaries(st.sampled_from(keys), entries, max_size=len(keys))
        if item.required:
            return drawn
        return drawn.map(lambda found: found or GONE)
    if item.widget == "json":
        value = args[1] if len(args) == 2 else int
        numbers: st.SearchStrategy[Any] = st.integers()
        entries = numbers if value in (int, Any) else IDS
        return _maybe(item, st.dictionaries(IDS, entries, min_size=1, max_size=3))
    if item.widget == "group":
        return _record(hint, item.subfields)
    raise AssertionError(f"no strategy for {item.widget}")


def _cell(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _post(item: Field, value: Any, post: dict[str, list[str]]) -> None:
    """``value`` typed into ``item`` as the browser posts it."""
    if value is GONE:
        return
    if item.widget == "group":
        for sub in item.subfields:
            _post(sub, value[sub.name.rsplit(".", 1)[-1]], post)
    elif item.widget == "checkbox":
        if value:
            post[item.name] = ["true"]
    elif item.widget == "checks":
        post[item.name] = list(value)
    elif item.widget == "lines":
        post[item.name] = ["\n".join(value)]
    elif item.widget == "rows":
        lines = [
            "; ".join("" if row[c] is GONE else _cell(row[c]) for c in item.columns)
            for row in value
        ]
        post[item.name] = ["\n".join(lines)]
    elif item.widget == "per_key":
        for key, entry in value.items():
            text = str(entry).lower() if isinstance(entry, bool) else str(entry)
            post[f"{item.name}.{key}"] = [text]
    elif item.widget == "json":
        post[item.name] = [json.dumps(value)]
    else:
        post[item.name] = [str(value)]


def _expected(cls: type, drawn: dict[str, Any]) -> dict[str, Any]:
    """The JSON body the form must give back for what was typed."""
    hints = typing.get_type_hints(cls)
    found: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name not in drawn:
            continue
        value = drawn[item.name]
        bare, nullable = _bare(hints[item.name])
        if value is GONE:
            needed = (
                item.default is dataclasses.MISSING
                and item.default_factory is dataclasses.MISSING
            )
            if needed and nullable:
                found[item.name] = None
            continue
        if dataclasses.is_dataclass(bare) and isinstance(value, dict):
            value = _expected(typing.cast(type, bare), value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [{k: v for k, v in row.items() if v is not GONE} for row in value]
        found[item.name] = value
    return found


@st.composite
def typed(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """What is typed into ``name``'s form: the JSON expected back, the post."""
    cls = COMMANDS[name]
    form = form_for(union(), name, None)
    hints = typing.get_type_hints(cls)
    drawn = {item.name: draw(_value(item, hints[item.name])) for item in form.fields}
    post: dict[str, list[str]] = {}
    for item in form.fields:
        _post(item, drawn[item.name], post)
    return _expected(cls, drawn), post


@pytest.mark.parametrize("name", web_commands())
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_a_form_reads_back_what_was_typed(name: str, data: st.DataObject) -> None:
    expected, post = data.draw(typed(name))
    assert fields_of(name, post, form_for(union(), name, None)) == expected
