"""Web forms generated from the commands' declarations (issue 11).

Each engine command is declared once (``@command``: its resource, issuers and
``Annotated`` field descriptions). ``forms_for(state, principal, body)`` turns
every command the signed-in account may issue in ``body`` into a ``Form``:
one ``Field`` per dataclass field, its input chosen from the field's type and
what its name refers to — persons, bodies, factions, sessions, motions … as
selects or checkboxes filled from the current state (the acting field, the one
that leads to the body, offers only what belongs to this body), dates as date
inputs, lists as checkboxes or one item per line, nested records as sub-fields
or rows of ``;``-separated columns, mappings as one input per person or
faction — and the descriptions as help text. ``fields_of(name, items)`` reads
a submitted form back into the command's JSON body, the one the API takes.

No HTML and no authorisation here: the templates render the forms, and the
command itself goes through ``api.routes.commands.run_command``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, Union

from sovet.counting.registry import COUNTING_METHODS
from sovet.domain import COMMANDS, FederationState
from sovet.domain.kernel.messages import Declaration, Reach, descriptions
from sovet.domain.kernel.motions import MOTION_KINDS
from sovet.errors import InputError, SovetError
from sovet.services.authz import Principal
from sovet.services.command_authz import RESOLVERS, may_issue

__all__ = [
    "TOPICS",
    "Field",
    "Form",
    "entered",
    "fields_of",
    "form_for",
    "forms_for",
    "on_page",
    "web_commands",
]

Widget = Literal[
    "text",
    "date",
    "number",
    "checkbox",
    "select",
    "checks",
    "lines",
    "rows",
    "json",
    "per_key",
    "group",
    "fixed",
]
Ref = Literal[
    "person",
    "body",
    "faction",
    "assembly",
    "motion",
    "government",
    "offer",
    "hold",
    "constituency",
    "election",
    "petition",
    "decision",
    "method",
    "motion_kind",
    "vote",
    "yes_no",
]

TOPICS: dict[str, str] = {
    "bodies": "Bodies and people",
    "members": "Members",
    "constituencies": "Elections, deputies and recalls",
    "polls": "Elections, deputies and recalls",
    "petitions": "Elections, deputies and recalls",
    "congress": "Congress and credentials",
    "motions": "Sittings, motions and votes",
    "government": "Executive and officers",
    "coalition": "Offers and acceptances",
    "holds": "Holds, resignations and dissent",
    "demands": "Demands",
}
"""The heading each resource's forms are grouped under, in page order."""

REFS: dict[str, Ref] = {
    "person": "person",
    "persons": "person",
    "member": "person",
    "members": "person",
    "deputy": "person",
    "delegate": "person",
    "replacement": "person",
    "chair": "person",
    "signers": "person",
    "confirmed": "person",
    "contested": "person",
    "candidates": "person",
    "minutes_signed_by": "person",
    "supported_by": "faction",
    "commission": "person",
    "council_representative": "person",
    "voter": "person",
    "tallies": "person",
    "body": "body",
    "by_body": "body",
    "council": "body",
    "parent": "body",
    "bodies": "body",
    "addressed_to": "body",
    "day_set_by": "body",
    "convened_by": "body",
    "senders": "body",
    "demanding_councils": "body",
    "faction": "faction",
    "by_faction": "faction",
    "to_faction": "faction",
    "nominated_by": "faction",
    "composition": "faction",
    "decisive": "faction",
    "consultative": "faction",
    "congress": "assembly",
    "assembly": "assembly",
    "sitting": "assembly",
    "executive": "assembly",
    "motion": "motion",
    "decision": "decision",
    "government": "government",
    "offer": "offer",
    "hold": "hold",
    "constituency": "constituency",
    "election": "election",
    "petition": "petition",
    "method": "method",
}
"""What a field of each name refers to (its select's options come from it)."""

FRESH: frozenset[tuple[str, str]] = frozenset(
    {
        ("call_election", "election"),
        ("convene_congress", "congress"),
        ("convene_sitting", "sitting"),
        ("elect_executive_committee", "executive"),
        ("propose_motion", "motion"),
        ("open_recall_petition", "petition"),
        ("place_hold", "hold"),
        ("offer_seats", "offer"),
        ("submit_government_list", "government"),
        ("register_body", "body"),
        ("register_constituency", "constituency"),
        ("register_faction", "faction"),
        ("register_person", "person"),
    }
)
"""Fields that name something the command makes: a new id, typed in."""

VALUES: dict[tuple[str, str], Ref] = {
    ("vote_by_name", "votes"): "vote",
    ("elect_executive_committee", "members"): "faction",
    ("verify_election", "decisions"): "yes_no",
    ("propose_motion", "kind"): "motion_kind",
}
"""The values of a mapping's entries (or a text field's choices) where they are
not free text: a named vote, a committee member's faction, a contested seat's
decision, a motion's kind."""

DATES = frozenset({"at", "birth_date", "polling_day", "since"})
"""Fields holding a date (``at`` may be left empty: the act takes effect now)."""

MANY_CHECKS = 60
"""More options than this and a list is typed, one id per line."""
MANY_OPTIONS = 400
"""More options than this and a single choice is typed in."""

Option = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a generated form (``name`` is the form field's name)."""

    name: str
    label: str
    help: str
    widget: Widget
    required: bool
    options: tuple[Option, ...] = ()
    keys: tuple[Option, ...] = ()  # per_key: one input per key
    columns: tuple[str, ...] = ()  # rows: the columns of each line
    subfields: tuple[Field, ...] = ()  # group
    value: str = ""  # fixed: the value sent; checkbox: "true" when ticked at first
    shown: str = ""  # fixed: what the page says it is
    kind: str = "str"  # the Python type read back: str, int, bool, Any


@dataclass(frozen=True, slots=True)
class Form:
    """A command's form: its name, heading, help and fields, by topic."""

    command: str
    title: str
    help: str
    topic: str
    fields: tuple[Field, ...]
    acting_as_self: bool = False
    anchor: str = ""


@dataclass(slots=True)
class _Pool:
    """The options a body's forms offer, read once from the state."""

    state: FederationState
    body: str | None
    persons: list[Option] = field(default_factory=list)
    delegates: list[Option] = field(default_factory=list)


def _pool(state: FederationState, body: str | None) -> _Pool:
    return _Pool(state, body, _persons(state, body), _delegates(state, body))


def web_commands() -> list[str]:
    """Every command a form can issue: all but the service-only ones."""
    return sorted(
        name
        for name, cls in COMMANDS.items()
        if name == cls.command_name and not cls.declaration.issuers.service_only
    )


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _named(state: FederationState, key: str) -> Option:
    shown = state.display_name(key)
    return key, f"{shown} ({key})" if shown and shown != key else key


def _below(state: FederationState, body: str) -> set[str]:
    found = {body}
    grew = True
    while grew:
        more = {k for k, b in state.bodies.items() if b.parent in found} - found
        grew = bool(more)
        found |= more
    return found


def _persons(state: FederationState, body: str | None) -> list[Option]:
    """The persons a body's forms offer: the electors, deputies and delegates of
    the body and the bodies below it (all registered persons when none)."""
    if body is None:
        keys = list(state.persons)
    else:
        bodies = _below(state, body)
        keys = []
        for constituency in state.constituencies.values():
            if constituency.council in bodies:
                keys += [p.id for p in state.electors_in(constituency.id)]
                keys += list(constituency.holders)
        for assembly in state.assemblies.values():
            if assembly.body in bodies:
                keys += list(assembly.delegates)
        keys = list(dict.fromkeys(keys)) or list(state.persons)
    return [_named(state, key) for key in keys]


def _delegates(state: FederationState, body: str | None) -> list[Option]:
    keys: list[str] = []
    for assembly in state.assemblies.values():
        if body is None or assembly.body == body:
            keys += [k for k, d in assembly.delegates.items() if d.kind == "decisive"]
    return [_named(state, key) for key in dict.fromkeys(keys)]


def _collection(state: FederationState, ref: Ref) -> list[str]:
    found: Mapping[str, object]
    if ref == "body":
        found = state.bodies
    elif ref == "faction":
        found = state.factions
    elif ref == "assembly":
        found = state.assemblies  # a closed session still has its seats refilled
    elif ref == "motion":
        found = {k: m for k, m in state.motions.items() if m.status == "open"}
    elif ref == "decision":
        found = state.decisions
    elif ref == "government":
        found = state.governments
    elif ref == "offer":
        found = state.offers
    elif ref == "hold":
        found = state.holds
    elif ref == "constituency":
        found = state.constituencies
    elif ref == "election":
        found = state.elections
    elif ref == "petition":
        found = state.petitions
    else:
        found = {}
    return list(found)


def _options(pool: _Pool, ref: Ref, *, acting: bool, reach: Reach) -> list[Option]:
    state = pool.state
    if ref == "person":
        return pool.persons
    if ref == "method":
        return [(key, key) for key in sorted(COUNTING_METHODS)]
    if ref == "motion_kind":
        return [(key, _label(key)) for key in sorted(MOTION_KINDS)]
    if ref == "vote":
        return [("yes", "yes"), ("no", "no"), ("abstain", "abstain")]
    if ref == "yes_no":
        return [("true", "confirmed"), ("false", "refused")]
    keys = _collection(state, ref)
    if acting and pool.body is not None:
        keys = [key for key in keys if _belongs(state, reach, key, pool.body)]
    return [_named(state, key) for key in keys]


def _belongs(state: FederationState, reach: Reach, key: str, body: str) -> bool:
    try:
        return RESOLVERS[reach](state, key) == body
    except SovetError:
        return False


def _optional(hint: Any) -> tuple[Any, bool]:
    """``hint`` without ``None``, and whether it allowed ``None``."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(hint)):
            return args[0], True
    return hint, False


def _scalar(hint: Any) -> str:
    hint, _ = _optional(hint)
    if hint is bool:
        return "bool"
    if hint is int:
        return "int"
    if hint is str or hint is Fraction:
        return "str"
    return "Any"


def _field(
    pool: _Pool,
    item: dataclasses.Field[Any],
    hint: Any,
    about: str,
    *,
    prefix: str = "",
    acting: bool = False,
    reach: Reach = "body",
    command: str = "",
) -> Field:
    hint, nullable = _optional(hint)
    has_default = (
        item.default is not dataclasses.MISSING
        or item.default_factory is not dataclasses.MISSING
    )
    required = not (nullable or has_default) and item.name != "at"
    key = prefix + item.name
    label = _label(item.name)
    ref = REFS.get(item.name)
    value_ref = VALUES.get((command, item.name))
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    common: dict[str, Any] = {"name": key, "label": label, "help": about}
    if item.name in DATES and hint is str:
        if item.name == "at":
            about = f"{about}. Leave it empty for now."
        return Field(**{**common, "help": about}, widget="date", required=required)
    if hint is bool:
        # Always sent (unticked is False), ticked at first when the default is True.
        ticked = "true" if item.default is True else ""
        return Field(
            **common, widget="checkbox", required=False, value=ticked, kind="bool"
        )
    if hint is int:
        return Field(**common, widget="number", required=required, kind="int")
    if hint is str and (command, item.name) in FRESH:
        return Field(**common, widget="text", required=required)
    if hint is str and value_ref is not None:
        options = _options(pool, value_ref, acting=False, reach=reach)
        return Field(
            **common, widget="select", required=required, options=tuple(options)
        )
    if hint is str and ref is not None:
        options = _options(pool, ref, acting=acting, reach=reach)
        if acting and reach == "body" and pool.body is not None:
            shown = pool.state.display_name(pool.body) or pool.body
            return Field(
                **common, widget="fixed", required=True, value=pool.body, shown=shown
            )
        if len(options) > MANY_OPTIONS:
            return Field(**common, widget="text", required=required)
        return Field(
            **common, widget="select", required=required, options=tuple(options)
        )
    if hint is str or hint is Fraction:
        return Field(**common, widget="text", required=required)
    if origin is tuple and args and args[0] is str:
        if ref is not None:
            options = _options(pool, ref, acting=False, reach=reach)
            if 0 < len(options) <= MANY_CHECKS:
                return Field(
                    **common, widget="checks", required=required, options=tuple(options)
                )
        return Field(**common, widget="lines", required=required)
    if origin is tuple and args and dataclasses.is_dataclass(args[0]):
        row = typing.cast(type, args[0])
        columns = tuple(f.name for f in dataclasses.fields(row))
        described = descriptions(row)
        parts = "; ".join(columns)
        text = (
            f"{about}. One per line: {parts} "
            "(lists inside a column separated by commas)"
        )
        if described:
            text += ". " + "; ".join(f"{k}: {v}" for k, v in described.items())
        return Field(
            **{**common, "help": text},
            widget="rows",
            required=required,
            columns=columns,
            kind="Any",
        )
    if origin is dict and len(args) == 2 and args[0] is str:
        value = args[1]
        keys_ref: Ref | None = ref
        if command == "elect_executive_committee" or command == "vote_by_name":
            keys: list[Option] = pool.delegates or pool.persons
        elif keys_ref is not None:
            keys = _options(pool, keys_ref, acting=False, reach=reach)
        else:
            keys = []
        if keys and value in (int, str, bool) and len(keys) <= MANY_CHECKS:
            choices = (
                _options(pool, value_ref, acting=False, reach=reach)
                if value_ref is not None
                else []
            )
            if value is bool and not choices:
                choices = _options(pool, "yes_no", acting=False, reach=reach)
            return Field(
                **common,
                widget="per_key",
                required=required,
                keys=tuple(keys),
                options=tuple(choices),
                kind=_scalar(value),
            )
        return Field(
            **{**common, "help": f'{about} (JSON, e.g. {{"key": 1}})'},
            widget="json",
            required=required,
            kind="Any",
        )
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        inner = typing.get_type_hints(hint, include_extras=False)
        described = descriptions(hint)
        subfields = tuple(
            _field(
                pool,
                sub,
                inner[sub.name],
                described.get(sub.name, ""),
                prefix=f"{key}.",
                command=command,
            )
            for sub in dataclasses.fields(hint)
            if sub.init
            and not (command == "call_election" and sub.name == "minutes_signed_by")
        )
        return Field(**common, widget="group", required=required, subfields=subfields)
    return Field(
        **{**common, "help": f"{about} (JSON)"},
        widget="json",
        required=required,
        kind="Any",
    )


def form_for(
    state: FederationState,
    name: str,
    body: str | None,
    *,
    self_person: str | None = None,
    pool: _Pool | None = None,
) -> Form:
    """The form of command ``name`` as shown on ``body``'s page (None: the
    federation's); with ``self_person`` the person it concerns is fixed to
    them (resigning, dissenting, signing for oneself)."""
    cls = COMMANDS[name]
    declared: Declaration = cls.declaration
    if pool is None:
        pool = _pool(state, body)
    hints = typing.get_type_hints(cls)
    rule = declared.issuers
    made = []
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        about = declared.fields.get(item.name, "")
        if self_person is not None and item.name == rule.self_field:
            shown = state.display_name(self_person) or self_person
            made.append(
                Field(
                    item.name,
                    _label(item.name),
                    about,
                    "fixed",
                    True,
                    value=self_person,
                    shown=f"you ({shown})",
                )
            )
            continue
        made.append(
            _field(
                pool,
                item,
                hints[item.name],
                about,
                acting=item.name == rule.field,
                reach=rule.reach,
                command=name,
            )
        )
    ordered = [f for f in made if f.name != "at"] + [f for f in made if f.name == "at"]
    return Form(
        command=name,
        title=_label(name),
        help=declared.summary,
        topic=TOPICS.get(declared.resource, _label(declared.resource)),
        fields=tuple(ordered),
        acting_as_self=self_person is not None,
        anchor=f"do-{name}",
    )


def on_page(name: str, body: str | None) -> bool:
    """Whether command ``name``'s form belongs on ``body``'s page: the page of
    the body its acting field leads to, or (None) the federation's for acts
    naming no body (and those whose acting field may be left empty, such as
    registering a top-level body)."""
    cls = COMMANDS[name]
    acting = cls.declaration.issuers.field
    if acting is None:
        return body is None
    if body is not None:
        return True
    item = next(f for f in dataclasses.fields(cls) if f.name == acting)
    return item.default is not dataclasses.MISSING


def _usable(form: Form) -> bool:
    """A form whose acting field offers nothing here cannot act: not shown."""
    for item in form.fields:
        if item.widget == "select" and item.required and not item.options:
            return False
    return True


def forms_for(
    state: FederationState, principal: Principal | None, body: str | None
) -> list[Form]:
    """Every form ``principal`` may use on ``body``'s page (None: federation-wide
    acts), grouped by topic in ``TOPICS`` order."""
    if principal is None:
        return []
    found = []
    pool = _pool(state, body)
    for name in web_commands():
        declared = COMMANDS[name].declaration
        if not on_page(name, body):
            continue
        allowed = may_issue(principal, declared, body)
        if allowed is None:
            continue
        self_person = principal.person if allowed == "self" else None
        form = form_for(state, name, body, self_person=self_person, pool=pool)
        if _usable(form):
            found.append(form)
    order = list(dict.fromkeys(TOPICS.values()))
    return sorted(
        found,
        key=lambda f: (
            order.index(f.topic) if f.topic in order else len(order),
            f.command,
        ),
    )


def _read(kind: str, text: str, name: str) -> Any:
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise InputError(
                f"{name} must be a whole number, not {text!r}", key=name
            ) from None
    if kind == "bool":
        if text in ("true", "yes", "on"):
            return True
        if text in ("false", "no"):
            return False
        raise InputError(f"{name}: choose yes or no", key=name)
    return text


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{name} is not valid JSON: {error.msg}", key=name) from None


def _rows(spec: Field, cls: type, text: str) -> list[dict[str, Any]]:
    hints = typing.get_type_hints(cls)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(";")]
        if len(cells) > len(spec.columns):
            raise InputError(
                f"{spec.name}, line {number}: at most {len(spec.columns)} columns "
                f"({'; '.join(spec.columns)})",
                key=spec.name,
            )
        row: dict[str, Any] = {}
        for column, cell in zip(spec.columns, cells, strict=False):
            if not cell:
                continue
            hint, _ = _optional(hints[column])
            if typing.get_origin(hint) is tuple:
                row[column] = [part.strip() for part in cell.split(",") if part.strip()]
            else:
                row[column] = _read(_scalar(hint), cell, f"{spec.name}.{column}")
        rows.append(row)
    return rows


def _value(spec: Field, hint: Any, form: Mapping[str, Sequence[str]]) -> Any:
    """The JSON value of one field, or ``dataclasses.MISSING`` when left out."""
    hint, _ = _optional(hint)
    values = [v for v in form.get(spec.name, ()) if isinstance(v, str)]
    first = values[0].strip() if values else ""
    if spec.widget == "checkbox":
        return bool(values)
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
            and _optional(hints[key])[1]
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
