"""Scenarios: a TOML file of ``[[step]]`` tables, applied one command at a time.

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
from sovet.domain.errors import RuleViolation, ScenarioError
from sovet.ledger.envelope import StoredEvent
from sovet.ports import UnitOfWork
from sovet.presets.loader import parse_toml
from sovet.services.handlers import StateCache, execute

__all__ = ["AppliedStep", "Step", "StepRefused", "apply_steps", "read_scenario"]

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


class StepRefused(RuleViolation):
    """A scenario step was refused: names the step, its TOML line and the rule."""

    def __init__(self, step: Step, source: str, violation: RuleViolation) -> None:
        where = f"{source}, line {step.line}" if step.line else source
        super().__init__(
            violation.rule,
            f"step {step.number} ({step.name}, {where}) refused: {violation.message}",
            violation.value,
        )
        self.step = step
        self.violation = violation


def _step_lines(text: str) -> list[int]:
    return [
        n for n, line in enumerate(text.splitlines(), 1) if _STEP_HEADER.match(line)
    ]


def read_scenario(path: Path) -> list[Step]:
    """Parse a scenario file into commands; a malformed one is a ``ScenarioError``."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read: {error.strerror}", source=source) from error
    data = parse_toml(text, source, ScenarioError)
    unknown = sorted(key for key in data if key != "step" and key not in _METADATA)
    if unknown:
        raise ScenarioError(
            "unknown top-level key (a scenario is [[step]] tables and metadata: "
            f"{', '.join(_METADATA)})",
            source=source,
            key=unknown[0],
        )
    raw = data.get("step")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("no [[step]] tables", source=source, key="step")
    lines = _step_lines(text)
    steps: list[Step] = []
    for index, table in enumerate(raw):
        line = lines[index] if len(lines) == len(raw) else None
        if not isinstance(table, Mapping):
            raise ScenarioError("a step must be a table", source=source, line=line)
        command = command_from_mapping(table, source=source, line=line)
        steps.append(Step(index + 1, line, command, str(table.get("command"))))
    return steps


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
