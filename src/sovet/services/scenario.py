"""Scenarios: a TOML file of ``[[step]]`` tables, applied one command at a time.

A scenario may name the ``preset`` it is written for: on an empty database
the preset's constitution is adopted first (step 0, at the first step's time).
Each step is its own all-or-nothing command (``handlers.execute``). The run stops
at the first refused step, raising ``StepRefused`` with the step number, the
TOML line of its ``[[step]]`` header, and the rule it broke; the steps before it
stay applied (each was committed on its own).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sovet.domain import Command, command_from_mapping
from sovet.domain.bodies.registration import AdoptConstitution
from sovet.errors import RuleViolation, Says, ScenarioError, says
from sovet.files import MAX_TOML_BYTES, read_text
from sovet.ledger.envelope import JSONValue, StoredEvent
from sovet.ports import UnitOfWork
from sovet.presets.loader import load_preset, parse_toml
from sovet.services.handlers import StateCache, execute
from sovet.services.setup import describe_events

__all__ = [
    "AppliedStep",
    "Scenario",
    "Step",
    "StepRefused",
    "apply_steps",
    "read_scenario",
    "steps_to_run",
]

_METADATA = ("title", "description", "preset", "sources", "scenario")
"""Top-level keys a scenario may carry besides its steps (ignored by the run)."""
_STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]\s*(#.*)?$")


@dataclass(frozen=True, slots=True)
class Step:
    """One parsed step: its number (1-based), TOML line and command."""

    number: int
    line: int | None
    command: Command
    name: str


@dataclass(frozen=True, slots=True)
class AppliedStep:
    """A step that was applied, with the events it appended."""

    step: Step
    events: list[StoredEvent]

    def to_json(self) -> dict[str, JSONValue]:
        """``{step, command, at, events: [{seq, hash, type, summary}]}``."""
        lines = describe_events(self.events)
        return {
            "step": self.step.number,
            "command": self.step.name,
            "at": self.step.command.at,
            "events": [
                {"seq": e.seq, "hash": e.hash, "type": e.type, "summary": line}
                for e, line in zip(self.events, lines, strict=True)
            ],
        }


class StepRefused(RuleViolation):
    """A scenario step was refused: names the step, its TOML line and the rule."""

    def __init__(self, step: Step, source: str, violation: RuleViolation) -> None:
        where = f"{source}, line {step.line}" if step.line else source
        super().__init__(
            violation.rule,
            # the step's shape stays the same in every language; its sentence does not
            Says(
                "step {number} ({name}, {where}) refused: {message}",
                number=step.number,
                name=step.name,
                where=where,
                message=violation.message,
            ),
            violation.value,
        )
        self.step = step
        self.violation = violation


def _step_lines(text: str) -> list[int]:
    return [
        n for n, line in enumerate(text.splitlines(), 1) if _STEP_HEADER.match(line)
    ]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A parsed scenario: its steps and its ``preset`` (the constitution it needs)."""

    source: str
    steps: list[Step]
    preset: str | None = None
    title: str | None = None


def read_scenario(path: Path) -> Scenario:
    """Parse a scenario file into commands; a malformed one is a ``ScenarioError``."""
    source = str(path)
    text = read_text(path, limit=MAX_TOML_BYTES, error=ScenarioError)
    data = parse_toml(text, source, ScenarioError)
    unknown = sorted(key for key in data if key != "step" and key not in _METADATA)
    if unknown:
        raise ScenarioError(
            says(
                "unknown top-level key (a scenario is [[step]] tables and "
                "metadata: {metadata})",
                metadata=", ".join(_METADATA),
            ),
            source=source,
            key=unknown[0],
        )
    for key in ("preset", "title"):
        if not isinstance(data.get(key, ""), str):
            raise ScenarioError(says("must be a string"), source=source, key=key)
    raw = data.get("step")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(says("no [[step]] tables"), source=source, key="step")
    lines = _step_lines(text)
    steps: list[Step] = []
    for index, table in enumerate(raw):
        line = lines[index] if len(lines) == len(raw) else None
        if not isinstance(table, Mapping):
            raise ScenarioError(
                says("a step must be a table"), source=source, line=line
            )
        command = command_from_mapping(table, source=source, line=line)
        steps.append(Step(index + 1, line, command, str(table.get("command"))))
    return Scenario(source, steps, data.get("preset"), data.get("title"))


def steps_to_run(
    scenario: Scenario, uow: UnitOfWork, *, cache: StateCache | None = None
) -> list[Step]:
    """The scenario's steps, led by the adoption of its ``preset`` on an empty log.

    On a log that already has a constitution, a scenario naming another preset
    is refused (``ScenarioError``): its commands were written for other rules.
    So is a scenario for an empty log that names no preset and adopts no
    constitution itself: it would run under bare defaults without saying so.
    """
    with uow:
        empty = uow.events.head()[0] == 0
        current = None if empty else (cache or StateCache()).current(uow.events)
    if scenario.preset is None:
        first = scenario.steps[0].command
        if empty and not isinstance(first, AdoptConstitution):
            raise ScenarioError(
                says(
                    "this database has no constitution yet: name one with preset "
                    '= "…" at the top of the scenario, `sovet run --preset '
                    "NAME`, or `sovet init` first"
                ),
                source=scenario.source,
                key="preset",
            )
        return scenario.steps
    constitution = load_preset(scenario.preset)
    if current is not None:
        if current.constitution_ref is not None and (
            current.constitution.name != constitution.name
        ):
            raise ScenarioError(
                says(
                    "written for preset {preset!r}, but this database is "
                    "governed by {name!r}",
                    preset=scenario.preset,
                    name=current.constitution.name,
                ),
                source=scenario.source,
                key="preset",
            )
        return scenario.steps
    adopt = AdoptConstitution(
        at=scenario.steps[0].command.at,
        preset=scenario.preset,
        constitution=constitution.to_mapping(),
    )
    return [Step(0, None, adopt, "adopt_constitution"), *scenario.steps]


def apply_steps(
    uow_factory: Callable[[], UnitOfWork],
    steps: list[Step],
    *,
    source: str,
    cache: StateCache | None = None,
) -> Iterator[AppliedStep]:
    """Apply the steps in order, yielding each; stop at the first refused one."""
    cache = cache if cache is not None else StateCache()
    for step in steps:
        try:
            events = execute(uow_factory(), step.command, cache=cache)
        except RuleViolation as violation:
            raise StepRefused(step, source, violation) from violation
        yield AppliedStep(step, events)
