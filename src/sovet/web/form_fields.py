"""What the web's generated forms are made of: widgets, the things a field can
name, topics, and the ``Field`` and ``Form`` records (``web.forms`` builds them,
``web.form_input`` reads a submitted form back)."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, Union

from sovet.services.words import N_

__all__ = [
    "DATES",
    "FRESH",
    "MANY_CHECKS",
    "MANY_OPTIONS",
    "REFS",
    "TOPICS",
    "VALUES",
    "Field",
    "Form",
    "Option",
    "Ref",
    "Widget",
    "optional",
    "scalar",
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
    "bodies": N_("Bodies and people"),
    "members": N_("Members"),
    "constituencies": N_("Elections, deputies and recalls"),
    "polls": N_("Elections, deputies and recalls"),
    "petitions": N_("Elections, deputies and recalls"),
    "congress": N_("Congress and credentials"),
    "motions": N_("Sittings, motions and votes"),
    "government": N_("Executive and officers"),
    "coalition": N_("Offers and acceptances"),
    "holds": N_("Holds, resignations and dissent"),
    "demands": N_("Demands"),
}
"""The heading each resource's forms are grouped under, in page order (in
English: ``forms`` says it in the reader's language)."""

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


def optional(hint: Any) -> tuple[Any, bool]:
    """``hint`` without ``None``, and whether it allowed ``None``."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(hint)):
            return args[0], True
    return hint, False


def scalar(hint: Any) -> str:
    hint, _ = optional(hint)
    if hint is bool:
        return "bool"
    if hint is int:
        return "int"
    if hint is str or hint is Fraction:
        return "str"
    return "Any"
