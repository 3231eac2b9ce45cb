"""Scenario runs people can repeat: re-runs skip what is applied, dry runs write none.

A step is recognised by its content: the SHA-256 of its command in canonical
JSON (``command_to_mapping``: the command's name and fields, the TOML's
spelling and comments aside), wherever it was applied from. The database keeps
one record per step applied (``ports.StepStore``: the table
``scenario_steps``, beside the log, not in it), written in the unit of work
that appends the step's events, so both commit or neither. A re-run of a file
skips each step that is recorded — the n-th time a command appears in the
file is matched with its n-th record — and applies the others in order.
Steps applied before a database kept these records (or imported from an
export, which carries only the log) are not recognised.

``dry_run`` applies the steps that would be applied to an in-memory copy of
the log (same events, same hashes, so the seqs shown are the ones a real run
would append) and stops at the step that would be refused; the database is
only read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from sovet.adapters.memory import InMemoryUnitOfWork
from sovet.adapters.memory_steps import InMemoryStepUnitOfWork
from sovet.adapters.sql.steps_schema import SqlStepUnitOfWork
from sovet.adapters.sql.uow import SqlUnitOfWork
from sovet.domain import command_to_mapping
from sovet.errors import RuleViolation
from sovet.ledger.canonical import canonical_json
from sovet.ledger.envelope import JSONValue
from sovet.ports import StepStore, UnitOfWork
from sovet.services.bootstrap import Services, in_memory
from sovet.services.handlers import StateCache, execute
from sovet.services.scenario import (
    AppliedStep,
    Scenario,
    Step,
    StepRefused,
    steps_to_run,
)
from sovet.services.whatif import copy_log

__all__ = [
    "SkippedStep",
    "StepUnit",
    "already_applied",
    "dry_run",
    "run_steps",
    "step_digest",
    "step_units",
]


class StepUnit(UnitOfWork, Protocol):
    """A unit of work that also records the scenario steps it applies."""

    @property
    def steps(self) -> StepStore: ...


@dataclass(frozen=True, slots=True)
class SkippedStep:
    """A step already applied to this database: the seqs of its events then."""

    step: Step
    first_seq: int
    last_seq: int

    def to_json(self) -> dict[str, JSONValue]:
        """``{step, command, at, skipped: true, first_seq, last_seq}``."""
        return {
            "step": self.step.number,
            "command": self.step.name,
            "at": self.step.command.at,
            "skipped": True,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
        }


def step_digest(step: Step) -> str:
    """The content hash of a step: SHA-256 of its command's canonical JSON."""
    plain = command_to_mapping(step.command)
    return hashlib.sha256(canonical_json(plain, path=step.name)).hexdigest()


def step_units(services: Services) -> Callable[[], StepUnit]:
    """A factory of step-recording units over the database of ``services``."""
    probe = services.uow()
    if isinstance(probe, SqlUnitOfWork):
        engine = probe.engine
        return lambda: SqlStepUnitOfWork(engine)
    if isinstance(probe, InMemoryUnitOfWork):
        database = probe.database
        return lambda: InMemoryStepUnitOfWork(database)
    raise TypeError(f"no step records for {type(probe).__name__}")


def already_applied(
    units: Callable[[], StepUnit], steps: list[Step]
) -> dict[int, tuple[int, int]]:
    """Step number → ``(first_seq, last_seq)`` for each step already applied."""
    seen: Counter[str] = Counter()
    found: dict[int, tuple[int, int]] = {}
    records: dict[str, list[tuple[int, int]]] = {}
    unit = units()
    with unit:
        for step in steps:
            digest = step_digest(step)
            seen[digest] += 1
            if digest not in records:
                records[digest] = unit.steps.applied(digest)
            if len(records[digest]) >= seen[digest]:
                found[step.number] = records[digest][seen[digest] - 1]
    return found


def run_steps(
    units: Callable[[], StepUnit],
    steps: list[Step],
    *,
    source: str,
    cache: StateCache | None = None,
    done: dict[int, tuple[int, int]] | None = None,
) -> Iterator[AppliedStep | SkippedStep]:
    """Apply the steps not yet applied, in order, each with its record; skip
    the others (``done``: by default what this database recorded). Stops at
    the first refused step (``StepRefused``), the steps before it applied."""
    cache = cache if cache is not None else StateCache()
    done = already_applied(units, steps) if done is None else done
    for step in steps:
        if step.number in done:
            yield SkippedStep(step, *done[step.number])
            continue
        unit = units()
        try:
            with unit:
                unit.steps.record(step_digest(step))
                events = execute(unit, step.command, cache=cache)
        except RuleViolation as violation:
            raise StepRefused(step, source, violation) from violation
        yield AppliedStep(step, events)


def dry_run(
    services: Services | None, scenario: Scenario
) -> Iterator[AppliedStep | SkippedStep]:
    """What ``run`` would do, applied to an in-memory copy of the log.

    ``services`` is the database to read (``None``: one that does not exist
    yet, so an empty log). Nothing is written to it.
    """
    scratch = in_memory()
    if services is not None:
        copy_log(services.uow(), scratch.uow())
    steps = steps_to_run(scenario, scratch.uow(), cache=scratch.cache)
    done = {} if services is None else already_applied(step_units(services), steps)
    yield from run_steps(
        step_units(scratch),
        steps,
        source=scenario.source,
        cache=scratch.cache,
        done=done,
    )
