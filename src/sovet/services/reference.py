"""The command reference, read from each command's one declaration.

``command_reference()`` lists every engine command (the ``COMMANDS`` registry,
aliases folded into the command they name) as plain data: its name, its
summary (the docstring's first paragraph), the rest of its docstring, its
HTTP route and who may issue it, and its fields — each with a type in the
words of a scenario file (string, integer, list of …, table), whether it is
required and the description of its ``Annotated`` type. A field whose value
is a table (a nested dataclass: a sending unit, a ballot, the conduct of an
election) is followed by that table's own fields, named with a dot
(``units[].members``, ``conduct.method``).

``sovet commands`` prints it; ``to_json`` is its ``--format json`` (a list of
``{name, summary, fields: [{name, type, required, description}]}``) and
``to_markdown`` is ``docs/commands.md``, so the three cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Union

from sovet.domain import COMMANDS
from sovet.domain.kernel.messages import Command, Issuers, descriptions

__all__ = [
    "CommandDoc",
    "FieldDoc",
    "command_reference",
    "find_command",
    "to_json",
    "to_markdown",
    "type_name",
]


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One field of a command (or of a table nested in one)."""

    name: str
    type: str
    required: bool
    description: str

    def to_json(self) -> dict[str, Any]:
        """``{name, type, required, description}``."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class CommandDoc:
    """One command: what ``sovet commands NAME`` and ``docs/commands.md`` show."""

    name: str
    summary: str
    details: str
    resource: str
    route: str | None
    issuers: str
    aliases: tuple[str, ...]
    fields: tuple[FieldDoc, ...]

    def to_json(self) -> dict[str, Any]:
        """``{name, summary, fields: [...]}``."""
        return {
            "name": self.name,
            "summary": self.summary,
            "fields": [item.to_json() for item in self.fields],
        }


def _optional(hint: Any) -> Any:
    """``X`` for ``X | None``, else ``hint``."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


_SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    float: "number",
    Fraction: 'fraction ("1/3" or an integer)',
    Any: "any value",
    object: "any value",
}


def _table(hint: Any) -> type | None:
    """The dataclass a field's value is (or is a list of), if any."""
    inner = _optional(hint)
    if typing.get_origin(inner) is tuple:
        inner = typing.get_args(inner)[0] if typing.get_args(inner) else None
    if isinstance(inner, type) and dataclasses.is_dataclass(inner):
        return inner
    return None


def type_name(hint: Any) -> str:
    """A field's type in the words of a scenario file (TOML) or a JSON body."""
    hint = _optional(hint)
    if hint in _SCALARS:
        return _SCALARS[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return "one of " + ", ".join(f'"{arg}"' for arg in args)
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(arg) for arg in args if arg is not type(None))
    if origin is tuple:
        if args and isinstance(args[0], type) and dataclasses.is_dataclass(args[0]):
            return "list of tables"
        return f"list of {type_name(args[0])}" if args else "list"
    if origin is dict:
        if not args or args[1] in (Any, object):
            return "table"
        return f"table of {type_name(args[0])} → {type_name(args[1])}"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return "table"
    return str(hint)


def _fields(cls: type, prefix: str = "") -> list[FieldDoc]:
    hints = typing.get_type_hints(cls)
    described = descriptions(cls)
    found: list[FieldDoc] = []
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        hint = hints[item.name]
        required = (
            item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
        )
        name = f"{prefix}{item.name}"
        found.append(
            FieldDoc(
                name=name,
                type=type_name(hint),
                required=required,
                description=described.get(item.name, ""),
            )
        )
        nested = _table(hint)
        if nested is not None:
            many = typing.get_origin(_optional(hint)) is tuple
            found += _fields(nested, f"{name}[]." if many else f"{name}.")
    return found


def _join(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _issuers(issuers: Issuers) -> str:
    """Who may issue a command, in one sentence (DESIGN §6)."""
    roles = _join([role.replace("_", " ") for role in issuers.roles])
    if not issuers.roles:
        text = ""
    elif issuers.field is None:
        text = f"{roles} (federation-wide)"
    elif issuers.reach == "body":
        text = f"{roles} of the body named by `{issuers.field}`"
    else:
        text = (
            f"{roles} of the body the {issuers.reach} named by "
            f"`{issuers.field}` belongs to"
        )
    if issuers.self_field:
        who = f"the person named by `{issuers.self_field}` themselves"
        text = f"{text}, or {who}" if text else who
    if issuers.service_only:
        text += (
            "; no generic HTTP route: its own service issues it "
            "(the ballot pages and API of `sovet serve`)"
        )
    return text


def _details(cls: type) -> str:
    """The docstring after its first paragraph, paragraphs kept."""
    text = inspect.cleandoc(cls.__doc__ or "")
    parts = [" ".join(p.split()) for p in text.split("\n\n")[1:]]
    return "\n\n".join(p for p in parts if p)


def _doc(cls: type[Command]) -> CommandDoc:
    declared = cls.declaration
    route = (
        None
        if declared.issuers.service_only
        else f"POST /api/{declared.resource}/commands/{declared.name}"
    )
    return CommandDoc(
        name=declared.name,
        summary=declared.summary,
        details=_details(cls),
        resource=declared.resource,
        route=route,
        issuers=_issuers(declared.issuers),
        aliases=declared.aliases,
        fields=tuple(_fields(cls)),
    )


def command_reference() -> list[CommandDoc]:
    """Every engine command, by name (an alias is listed under its command)."""
    classes = {cls.declaration.name: cls for cls in COMMANDS.values()}
    return [_doc(classes[name]) for name in sorted(classes)]


def find_command(name: str) -> CommandDoc | None:
    """The command named ``name`` (or by one of its aliases), if any."""
    cls = COMMANDS.get(name)
    return None if cls is None else _doc(cls)


def to_json(docs: list[CommandDoc]) -> list[dict[str, Any]]:
    """The ``--format json`` answer: a list of ``{name, summary, fields}``."""
    return [doc.to_json() for doc in docs]


_RULE = re.compile(r"\bSR-(\d+)\b")
_DESIGN = re.compile(r"\bDESIGN §(\d+)")
_LITERAL = re.compile(r"``([^`]+)``")


def markdown_text(text: str, rules: str = "rules.md", design: str = "design.md") -> str:
    """Docstring text as Markdown: ````x```` as ```x```, each ``SR-n`` and
    ``DESIGN §n`` a link into the rules and the design."""
    text = _LITERAL.sub(r"`\1`", text)
    pieces = re.split(r"(`[^`]*`)", text)  # no links inside code
    for index in range(0, len(pieces), 2):
        piece = _RULE.sub(rf"[SR-\1]({rules}#sr-\1)", pieces[index])
        pieces[index] = _DESIGN.sub(rf"[DESIGN §\1]({design}#design-\1)", piece)
    return "".join(pieces)


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|")


MARKDOWN_HEAD = """\
# Commands

<!-- Generated from the commands' declarations by `make docs-commands`
(python -m sovet.cli.reference --write docs/commands.md); do not edit by hand.
tests/unit/services/test_reference.py fails when this file is out of date. -->

Every engine command, read from its one declaration in the code. Each is a step of a
scenario file (a `[[step]]` table with `command = "NAME"` and the fields below,
applied with `sovet run`) and a request to the HTTP API (`POST` its route with the
fields as a JSON object, under an account holding one of the roles named). Every
command has the field `at`: when the act takes effect. A field whose type is a table
is followed by the table's own fields: `units[].members` is the field `members` of
each table in the list `units`, `conduct.method` the field `method` of the table
`conduct`.

The same reference is in the terminal: `sovet commands` lists the commands, `sovet
commands NAME` shows one, and `--format json` gives both as JSON. The rules the
summaries cite are in [the rules](rules.md).
"""


def to_markdown(docs: list[CommandDoc]) -> str:
    """``docs/commands.md``: an index by resource, then each command's table."""
    lines = [MARKDOWN_HEAD, "## By resource", ""]
    by_resource: dict[str, list[str]] = {}
    for doc in docs:
        by_resource.setdefault(doc.resource, []).append(doc.name)
    for resource in sorted(by_resource):
        links = ", ".join(f"[`{n}`](#{n})" for n in by_resource[resource])
        lines.append(f"- **{resource}**: {links}")
    lines.append("")
    for doc in docs:
        lines += [f'<a id="{doc.name}"></a>', "", f"## `{doc.name}`", ""]
        lines += [markdown_text(doc.summary), ""]
        if doc.details:
            for paragraph in doc.details.split("\n\n"):
                lines += [markdown_text(paragraph), ""]
        route = f"`{doc.route}`" if doc.route else "none (see below)"
        lines += [
            f"- **HTTP:** {route}",
            f"- **Issued by:** {markdown_text(doc.issuers)}",
        ]
        if doc.aliases:
            names = ", ".join(f"`{alias}`" for alias in doc.aliases)
            lines.append(f"- **Also accepted as:** {names}")
        lines += [
            "",
            "| field | type | required | description |",
            "|---|---|---|---|",
        ]
        for item in doc.fields:
            required = "yes" if item.required else "no"
            lines.append(
                f"| `{item.name}` | {_cell(item.type)} | {required} | "
                f"{_cell(item.description)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
