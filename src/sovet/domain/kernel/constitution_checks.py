"""The checks of a constitution beyond its types: ranges and choices of each
parameter (its field metadata), at least one level, SR-9's recall at any time,
the dates parameters bind from, and the records' timezone (SR-28).

Each failure goes to ``fail(reason, key)``, which raises ``ConstitutionError``
naming the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from sovet.domain.kernel.calendar import zone_offset
from sovet.errors import says

__all__ = ["check_constitution"]

Fail = Callable[[str, str], NoReturn]


def check_constitution(built: Any, fail: Fail) -> None:
    """Refuse, through ``fail``, what the types alone let through."""
    _check_ranges(built, "", fail)
    if not built.levels:
        fail(says("at least one level is needed"), "levels")
    if not built.recall.recall_anytime:
        fail(
            says(
                "SR-9: recall is possible at any time; to restrict it set "
                "recall.recall_cooldown_days (days after taking the seat or "
                "a failed attempt)"
            ),
            "recall.recall_anytime",
        )
    for key, start in built.in_force.items():
        try:
            valid = date.fromisoformat(start).isoformat() == start
        except ValueError:
            valid = False
        if not valid:
            fail(
                says("{start!r} is not an ISO date (YYYY-MM-DD)", start=start),
                f"in_force.{key}",
            )
    try:
        zone_offset(built.records.timezone)
    except ValueError as error:
        fail(says("SR-28: {error}", error=error), "records.timezone")


def _check_ranges(obj: object, prefix: str, fail: Fail) -> None:
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            _check_ranges(value, f"{key}.", fail)
            continue
        meta = f.metadata
        if "choices" in meta and value not in meta["choices"]:
            allowed = ", ".join(repr(c) for c in meta["choices"])
            fail(
                says(
                    "{value!r} is not allowed; choose one of {allowed}",
                    value=value,
                    allowed=allowed,
                ),
                key,
            )
        if "items" in meta:
            for item in value:
                if item not in meta["items"]:
                    allowed = ", ".join(repr(c) for c in meta["items"])
                    fail(
                        says(
                            "{item!r} is not allowed; each must be one of {allowed}",
                            item=item,
                            allowed=allowed,
                        ),
                        key,
                    )
        if "min" in meta and value < meta["min"]:
            fail(
                says(
                    "{value} is below the minimum {minimum}",
                    value=value,
                    minimum=meta["min"],
                ),
                key,
            )
        if "max" in meta and value > meta["max"]:
            fail(
                says(
                    "{value} is above the maximum {maximum}",
                    value=value,
                    maximum=meta["max"],
                ),
                key,
            )
