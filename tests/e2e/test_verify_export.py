"""The independent verifier, ``tools/verify_export.py``, end to end (issue 5).

It passes on the 1917 demo export, its counterfactual branch (elections,
recalls, a change of government) and the union and party examples; it fails,
naming the first failure, on tampered copies: a changed byte, a deleted or
swapped event, an altered result re-chained and re-signed with another key, a
checkpoint re-signed with another key, a changed checkpoint (its snapshot
hash too, or that hash removed), a truncated signature. It imports nothing of
sovet (checked by reading its imports and by running it isolated).
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sovet.adapters.signing import Ed25519Signer
from sovet.cli.app import app
from sovet.ledger.checkpoint import CheckpointBody
from sovet.ledger.merkle import root
from tests.reliability.helpers import REPO, VERIFIER, verifier

runner = CliRunner()
PRESETS = REPO / "src" / "sovet" / "presets"
Rows = list[dict[str, Any]]


def _ok(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Exports of the demo, its counterfactual branch, the union and party examples."""
    folder = tmp_path_factory.mktemp("exports")
    _ok("demo", "--db", str(folder / "demo.db"))
    dbs = {
        "demo": folder / "demo.db",
        "counterfactual": folder / "demo-counterfactual.db",
    }
    for preset in ("union", "party"):
        db = folder / f"{preset}.db"
        _ok("run", str(PRESETS / preset / "scenario_example.toml"), "--db", str(db))
        dbs[preset] = db
    out = {}
    for name, db in dbs.items():
        out[name] = folder / f"{name}.jsonl"
        _ok("export", "--db", str(db), str(out[name]))
    return out


def _run(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _rows(path: Path) -> Rows:
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line]


def _write(rows: Rows, path: Path) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
        encoding="utf-8",
    )
    return path


def _rechain_and_resign(rows: Rows, signer: Ed25519Signer) -> Rows:
    """What a forger with write access does: re-link, re-sign, new header key."""
    tool = verifier()
    events = [r for r in rows[1:] if r["kind"] == "event"]
    prev = "0" * 64
    for event in events:
        event["prev_hash"] = prev
        event["hash"] = prev = hashlib.sha256(
            bytes.fromhex(prev) + tool.event_bytes(event)
        ).hexdigest()
    leaves = [tool.event_bytes(e) for e in events]
    checkpoints = []
    for old in (r for r in rows[1:] if r["kind"] == "checkpoint"):
        size = old["size"]
        body = CheckpointBody(size, root(leaves[:size]).hex(), events[size - 1]["hash"])
        checkpoints.append(
            {
                "kind": "checkpoint",
                "size": size,
                "root_hash": body.root_hash,
                "head_hash": body.head_hash,
                "signature": signer.sign(body.message()).hex(),
                "public_key": signer.public_key_hex(),
            }
        )
    header = {**rows[0], "public_key": signer.public_key_hex(), "head_hash": prev}
    return [header, *events, *checkpoints]


@pytest.mark.parametrize("name", ["demo", "counterfactual", "union", "party"])
def test_verifier_passes_on_real_exports(exports: dict[str, Path], name: str) -> None:
    done = _run(exports[name], "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    rows = _rows(exports[name])
    assert summary["events"] == rows[0]["events"]
    assert summary["head_hash"] == rows[0]["head_hash"]
    assert summary["checkpoints"] >= 1


def test_counterfactual_recounts_and_recalls(exports: dict[str, Path]) -> None:
    summary = json.loads(_run(exports["counterfactual"], "--json").stdout)
    assert summary["elections_recounted"] == 2
    assert summary["recalls"] == 2
    assert summary["government"] == "cf-government"


@pytest.mark.parametrize("name", ["demo", "counterfactual", "union", "party"])
def test_government_agrees_with_sovet_legitimacy(
    exports: dict[str, Path], name: str, tmp_path: Path
) -> None:
    rows = _rows(exports[name])
    at = max(r["effective_at"] for r in rows if r.get("kind") == "event")
    db = tmp_path / "imported.db"
    _ok("import", str(exports[name]), "--db", str(db))
    answer = runner.invoke(
        app, ["legitimacy", "--db", str(db), "--at", at, "--format", "json"]
    )
    assert answer.exit_code == 0, answer.output
    (tmp_path / "answer.json").write_text(answer.output, encoding="utf-8")
    done = _run(exports[name], "--legitimacy", str(tmp_path / "answer.json"))
    assert done.returncode == 0, done.stderr
    wrong = json.loads(answer.output)
    wrong["government"] = {"name": "Somebody Else", "offices": []}
    (tmp_path / "wrong.json").write_text(json.dumps(wrong), encoding="utf-8")
    refused = _run(exports[name], "--legitimacy", str(tmp_path / "wrong.json"))
    assert refused.returncode == 1
    assert "Somebody Else" in refused.stderr


def _event(rows: Rows, kind: str, nth: int = 0) -> dict[str, Any]:
    found = [r for r in rows if r.get("type") == kind]
    return found[nth]


Forgery = Callable[[Rows], Rows]


def _change_byte(rows: Rows) -> Rows:
    _event(rows, "FactionRegistered")["payload"]["name"] += "x"
    return rows


def _delete(rows: Rows) -> Rows:
    return rows[:5] + rows[6:]


def _swap(rows: Rows) -> Rows:
    rows[7], rows[8] = rows[8], rows[7]
    return rows


def _cp(rows: Rows) -> dict[str, Any]:
    return next(r for r in rows if r.get("kind") == "checkpoint")


def _checkpoint_size(rows: Rows) -> Rows:
    _cp(rows)["size"] -= 1
    return rows


def _checkpoint_root(rows: Rows) -> Rows:
    _cp(rows)["root_hash"] = "ab" * 32
    return rows


def _truncated_signature(rows: Rows) -> Rows:
    _cp(rows)["signature"] = _cp(rows)["signature"][:-2]
    return rows


def _checkpoint_snapshot(rows: Rows) -> Rows:
    assert _cp(rows)["snapshot"]  # the writers sign v2 checkpoints (issue 13)
    _cp(rows)["snapshot"] = "cd" * 32
    return rows


def _snapshot_dropped(rows: Rows) -> Rows:
    del _cp(rows)["snapshot"]  # a v2 signature read as a v1 statement
    return rows


def _resigned_checkpoint(rows: Rows) -> Rows:
    forged = _rechain_and_resign(rows, Ed25519Signer.generate())
    return [rows[0], *forged[1:]]  # the header still pins the real key


TAMPERED: list[tuple[str, Forgery, str]] = [
    ("changed byte", _change_byte, "altered"),
    ("deleted event", _delete, "expected 5"),
    ("swapped events", _swap, "expected 7"),
    ("checkpoint size", _checkpoint_size, "signature does not verify"),
    ("checkpoint root", _checkpoint_root, "signature does not verify"),
    ("truncated signature", _truncated_signature, "signature does not verify"),
    ("checkpoint snapshot", _checkpoint_snapshot, "signature does not verify"),
    ("snapshot dropped", _snapshot_dropped, "signature does not verify"),
    ("re-signed by another key", _resigned_checkpoint, "not the key"),
]


@pytest.mark.parametrize(
    ("forge", "said"), [t[1:] for t in TAMPERED], ids=[t[0] for t in TAMPERED]
)
@pytest.mark.parametrize("name", ["demo", "union"])
def test_verifier_fails_on_tampered_copies(
    exports: dict[str, Path], tmp_path: Path, name: str, forge: Forgery, said: str
) -> None:
    forged = _write(forge(_rows(exports[name])), tmp_path / "forged.jsonl")
    done = _run(forged)
    assert done.returncode == 1
    assert done.stderr.startswith("FAIL: ")
    assert said in done.stderr


def _elected_loser(rows: Rows) -> Rows:
    counted = _event(rows, "ElectionCounted")["payload"]
    counted["elected"] = ["cf-deputy-1"]
    return rows


def _recount_rounds(rows: Rows) -> Rows:
    counted = _event(rows, "ElectionCounted")["payload"]
    counted["rounds"][0]["cf-deputy-1"] = "4"
    return rows


def _motion_figures(rows: Rows) -> Rows:
    carried = _event(rows, "MotionCarried", 3)["payload"]
    carried["yes"], carried["no"] = carried["no"] - 1, carried["yes"]
    return rows


def _petition_short(rows: Rows) -> Rows:
    _event(rows, "RecallDemanded")["payload"]["signed"] = 4
    return rows


def _recall_without_demand(rows: Rows) -> Rows:
    demand = _event(rows, "RecallDemanded")
    demand["type"] = "DemandRecorded"
    return rows


RESULTS: list[tuple[str, Forgery, str]] = [
    ("elected the loser", _elected_loser, "recount from"),
    ("altered round", _recount_rounds, "more than the 9 ballots cast"),
    ("motion outcome", _motion_figures, "should fail (SR-19)"),
    ("petition short", _petition_short, "do not reach the threshold"),
    ("recall without demand", _recall_without_demand, "SR-10"),
]


@pytest.mark.parametrize(
    ("forge", "said"), [t[1:] for t in RESULTS], ids=[t[0] for t in RESULTS]
)
def test_altered_results_fail_even_when_rechained_and_resigned(
    exports: dict[str, Path], tmp_path: Path, forge: Forgery, said: str
) -> None:
    rows = _rows(exports["counterfactual"])
    real_key = rows[0]["public_key"]
    forged = _rechain_and_resign(forge(rows), Ed25519Signer.generate())
    path = _write(forged, tmp_path / "forged.jsonl")
    done = _run(path)
    assert done.returncode == 1
    assert said in done.stderr, done.stderr
    pinned = _run(path, "--key", real_key)
    assert pinned.returncode == 1
    assert "not the key" in pinned.stderr


def test_rechaining_an_untouched_log_still_verifies(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    """The forger's tool is right: only the altered content makes the difference."""
    forged = _rechain_and_resign(
        _rows(exports["counterfactual"]), Ed25519Signer.generate()
    )
    assert _run(_write(forged, tmp_path / "same.jsonl")).returncode == 0


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    assert _run(tmp_path / "missing.jsonl").returncode == 2


def test_verifier_imports_only_stdlib_and_cryptography() -> None:
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    third_party = {r for r in roots if r not in sys.stdlib_module_names}
    assert third_party == {"cryptography"}


def test_verifier_runs_isolated_without_loading_sovet(exports: dict[str, Path]) -> None:
    probe = (
        "import runpy, sys\n"
        f"sys.argv = [{str(VERIFIER)!r}, {str(exports['union'])!r}]\n"
        "try:\n"
        f"    runpy.run_path({str(VERIFIER)!r}, run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sovet')\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd="/",
    )
    assert done.stdout.strip().endswith("0 []"), done.stdout + done.stderr
