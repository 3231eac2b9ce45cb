"""The demo's plan (DESIGN §5): which scenario files build which database.

The historical branch applies ``rsfsr1918/scenario_1917.toml`` to ``--db`` and
asks who governs on 5 (18) Nov 1917 (SR-28). When the preset has
``scenario_1917_counterfactual.toml`` (DESIGN §5 step 9: power passing by
recall, re-election and a new congress, SR-27), a second branch applies both
files to its own database, ``<db stem>-counterfactual<suffix>``, and asks at its
last step: history stays untouched by the counterfactual.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sovet.presets.loader import preset_file

__all__ = ["DEMO_AT", "DEMO_PRESET", "DemoBranch", "counterfactual_db", "demo_branches"]

DEMO_PRESET = "rsfsr1918"
"""The demo's constitution (its scenario files adopt none themselves)."""

DEMO_AT = "1917-11-18"
"""5 (18) Nov 1917, the day after the resignations (DESIGN §5 step 6)."""


@dataclass(frozen=True, slots=True)
class DemoBranch:
    """One branch of the demo: its database, files, question time and labels."""

    key: str
    title: str
    db: str
    files: tuple[Path, ...]
    at: str | None  # None: the time of the branch's last step
    label: str


def counterfactual_db(db: str) -> str:
    """``demo.db`` → ``demo-counterfactual.db``, beside it."""
    path = Path(db)
    return str(path.with_name(f"{path.stem}-counterfactual{path.suffix or '.db'}"))


def demo_branches(db: str) -> list[DemoBranch]:
    """The historical branch, and the counterfactual one when the preset has it."""
    main = preset_file(DEMO_PRESET, "scenario_1917.toml")
    branches = [
        DemoBranch(
            "history", "The 1917 scenario (historical)", db, (main,), DEMO_AT, ""
        )
    ]
    counter = preset_file(DEMO_PRESET, "scenario_1917_counterfactual.toml")
    if counter.is_file():
        branches.append(
            DemoBranch(
                "counterfactual",
                "COUNTERFACTUAL branch — not history (SR-27: power passes by recall, "
                "re-election and a new congress)",
                counterfactual_db(db),
                (main, counter),
                None,
                "COUNTERFACTUAL: ",
            )
        )
    return branches
