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
command itself goes through ``api.routes.commands.run_command``. The records
and tables are ``web.form_fields``; reading a form back is ``web.form_input``.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sovet.counting.registry import COUNTING_METHODS
from sovet.domain import COMMANDS, FederationState
from sovet.domain.kernel.messages import Declaration, Reach, descriptions
from sovet.domain.kernel.motions import MOTION_KINDS
from sovet.errors import SovetError
from sovet.i18n import gettext
from sovet.services.authz import Principal
from sovet.services.command_authz import RESOLVERS, may_issue
from sovet.services.words import word
from sovet.web.form_catalogue import label as _name_label
from sovet.web.form_catalogue import said as _said
from sovet.web.form_catalogue import said_label as _label
from sovet.web.form_fields import (
    DATES,
    FRESH,
    MANY_CHECKS,
    MANY_OPTIONS,
    REFS,
    TOPICS,
    VALUES,
    Field,
    Form,
    Option,
    Ref,
    optional,
    scalar,
)
from sovet.web.form_input import entered, fields_of

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
        return [(key, word(key)) for key in sorted(MOTION_KINDS)]
    if ref == "vote":
        return [(key, word(key)) for key in ("yes", "no", "abstain")]
    if ref == "yes_no":
        return [("true", gettext("confirmed")), ("false", gettext("refused"))]
    keys = _collection(state, ref)
    if acting and pool.body is not None:
        keys = [key for key in keys if _belongs(state, reach, key, pool.body)]
    return [_named(state, key) for key in keys]


def _belongs(state: FederationState, reach: Reach, key: str, body: str) -> bool:
    try:
        return RESOLVERS[reach](state, key) == body
    except SovetError:
        return False


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
    hint, nullable = optional(hint)
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
    about = _said(about)
    common: dict[str, Any] = {"name": key, "label": label, "help": about}
    if item.name in DATES and hint is str:
        if item.name == "at":
            about = gettext("{about}. Leave it empty for now.").format(about=about)
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
        text = gettext(
            "{about}. One per line: {columns} "
            "(lists inside a column separated by commas)"
        ).format(about=about, columns=parts)
        if described:
            text += ". " + "; ".join(f"{k}: {_said(v)}" for k, v in described.items())
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
                kind=scalar(value),
            )
        return Field(
            **{
                **common,
                "help": gettext("{about} (JSON, e.g. {example})").format(
                    about=about, example='{"key": 1}'
                ),
            },
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
        **{**common, "help": gettext("{about} (JSON)").format(about=about)},
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
                    _said(about),
                    "fixed",
                    True,
                    value=self_person,
                    shown=gettext("you ({name})").format(name=shown),
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
        help=_said(declared.summary),
        topic=gettext(TOPICS.get(declared.resource, _name_label(declared.resource))),
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
    order = [gettext(topic) for topic in dict.fromkeys(TOPICS.values())]
    return sorted(
        found,
        key=lambda f: (
            order.index(f.topic) if f.topic in order else len(order),
            f.command,
        ),
    )
