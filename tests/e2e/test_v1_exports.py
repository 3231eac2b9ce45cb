"""Logs written by sovet 0.1 (``tests/data/v1/``) stay readable for ever.

The exports of the 1917 demo, its counterfactual branch and the union example
were committed before the domain was reorganised. Each must still import,
verify (sovet and the independent verifier) and give the same answer to "who
governs, and why" on the design contract's keys: the government and its
offices, the bloc, the approving body and its vote, and the rule ids of the
warnings and end conditions. Sequence numbers, hashes, wording and keys added
later may differ.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.cli.app import app
from tests.reliability.helpers import REPO, VERIFIER

runner = CliRunner()
V1 = REPO / "tests" / "data" / "v1"
ANSWERS = [
    ("demo", "1917-11-01"),
    ("demo", "1917-11-18"),
    ("demo", "1918-02-01"),
    ("counterfactual", "1918-03-16"),
    ("union", "2025-06-12"),
]


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _contract(answer: dict[str, Any]) -> dict[str, Any]:
    """The keys the design contract fixes, without sequence numbers."""
    vote = ("body", "for", "against", "abstain", "seated")
    approved = answer["approved_by"]
    return {
        "government": answer["government"],
        "bloc": answer["bloc"],
        "approved_by": approved and {key: approved[key] for key in vote},
        "ends_when_rules": [re.findall(r"SR-\d+", e) for e in answer["ends_when"]],
        "warning_rules": [re.findall(r"SR-\d+", w) for w in answer["warnings"]],
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("v1")
    dbs = {}
    for name in ("demo", "counterfactual", "union"):
        dbs[name] = folder / f"{name}.db"
        _ok("import", str(V1 / f"{name}.jsonl"), "--db", str(dbs[name]))
    return dbs


@pytest.mark.parametrize("name", ["demo", "counterfactual", "union"])
def test_a_v1_export_imports_and_verifies(imported: dict[str, Path], name: str) -> None:
    header = json.loads((V1 / f"{name}.jsonl").read_text().splitlines()[0])
    out = _ok("verify", "--db", str(imported[name]))
    assert f"ok {header['events']} events" in out
    export = str(V1 / f"{name}.jsonl")
    done = subprocess.run(
        [sys.executable, str(VERIFIER), export, "--key", header["public_key"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("name", "at"), ANSWERS)
def test_a_v1_log_answers_as_it_did(
    imported: dict[str, Path], name: str, at: str
) -> None:
    golden = json.loads((V1 / "answers" / f"{name}-{at}.json").read_text())
    out = _ok("legitimacy", "--db", str(imported[name]), "--at", at, "--format", "json")
    assert _contract(json.loads(out)) == _contract(golden)
