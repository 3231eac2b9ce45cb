"""The verifier on secret polls and on a generated federation (issue 5).

A secret poll (DESIGN §6) publishes its ballots at close as one shuffled batch
with an RFC 9162 Merkle root (``PollClosed``); the verifier recounts the
election from that batch with its own IRV and Scottish STV, checks the root,
the receipts and that there is one ballot per ``VoteCast``, and fails on a
forged batch even when the whole log is re-chained and re-signed. It also
passes on a federation made by ``sovet generate``.
"""

from __future__ import annotations

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
from sovet.services.ballots import cast_ballot, close_poll, open_poll
from sovet.services.bootstrap import bootstrap
from sovet.services.checkpoints import sign_head
from sovet.services.petitions import open_petition, sign_petition
from sovet.services.transfer import export_log
from tests.e2e.test_verify_export import _rechain_and_resign, _rows, _write
from tests.reliability.helpers import VERIFIER, verifier
from tests.unit.services.ballot_world import town_with_deputy, town_with_election

RANKINGS = [["a", "b"], ["b", "c", "a"], ["c"], ["a", "c"], ["b", "a"], ["c", "b"]]


def _poll_export(folder: Path, method: str, seats: int, voters: int) -> Path:
    db, out = folder / f"{method}.db", folder / f"{method}.jsonl"
    with bootstrap(str(db), create=True) as services:
        town_with_election(services, electors=voters, method=method, seats=seats)
        open_poll(services, "e1", at="1917-11-05")
        for i in range(voters):
            ranking = RANKINGS[(i * 7 + i // 3) % len(RANKINGS)]
            cast_ballot(services, "e1", f"v{i}", ranking, at="1917-11-05")
        close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
        sign_head(services.uow(), services.signer)
        with out.open("w", encoding="utf-8") as handle:
            export_log(services.uow(), services.signer, handle)
    return out


@pytest.fixture(scope="module")
def polls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Exports of a secret IRV poll and a secret two-seat Scottish STV poll."""
    folder = tmp_path_factory.mktemp("polls")
    return {
        "irv": _poll_export(folder, "irv", 1, 23),
        "stv-scottish": _poll_export(folder, "stv-scottish", 2, 31),
    }


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("method", ["irv", "stv-scottish"])
def test_secret_poll_is_recounted_from_its_published_batch(
    polls: dict[str, Path], method: str
) -> None:
    rows = _rows(polls[method])
    assert any(r.get("type") == "PollClosed" for r in rows)
    done = _run(polls[method])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elections_recounted"] == 1


def _closed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    payload: dict[str, Any] = next(r for r in rows if r.get("type") == "PollClosed")[
        "payload"
    ]
    return payload


def _flip_ballot(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ballots = _closed(rows)["ballots"]
    first = next(b for b in ballots if b["ranking"][0] != "c")
    first["ranking"] = ["c"]
    return rows


def _flip_ballot_and_root(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A forger who also recomputes the batch's Merkle root (the verifier's code)."""
    tool = verifier()
    closed = _closed(_flip_ballot(rows))
    leaves = [
        hashlib.sha256(
            b"\x00" + tool.canonical({"ranking": b["ranking"], "receipt": b["receipt"]})
        ).digest()
        for b in closed["ballots"]
    ]
    closed["merkle_root"] = tool.merkle_root(leaves).hex()
    return rows


def _drop_ballot(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    closed = _closed(rows)
    closed["ballots"].pop()
    closed["ballots_cast"] -= 1
    return rows


def _same_receipt(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ballots = _closed(rows)["ballots"]
    ballots[1]["receipt"] = ballots[0]["receipt"]
    return rows


FORGERIES: list[
    tuple[str, Callable[[list[dict[str, Any]]], list[dict[str, Any]]], str]
] = [
    ("changed ballot", _flip_ballot, "Merkle root is not the root of the ballots"),
    (
        "changed ballot, new root",
        _flip_ballot_and_root,
        "(election 'e1'): recount from 31 published ballots",
    ),
    ("dropped ballot", _drop_ballot, "recorded voters"),
    ("shared receipt", _same_receipt, "share a receipt"),
]


@pytest.mark.parametrize(
    ("forge", "said"), [f[1:] for f in FORGERIES], ids=[f[0] for f in FORGERIES]
)
def test_forged_batches_fail_even_rechained_and_resigned(
    polls: dict[str, Path],
    tmp_path: Path,
    forge: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    said: str,
) -> None:
    rows = forge(_rows(polls["stv-scottish"]))
    forged = _rechain_and_resign(rows, Ed25519Signer.generate())
    done = _run(_write(forged, tmp_path / "forged.jsonl"))
    assert done.returncode == 1
    assert said in done.stderr, done.stderr


def test_verifier_passes_on_a_generated_federation(tmp_path: Path) -> None:
    db, out = tmp_path / "gen.db", tmp_path / "gen.jsonl"
    runner = CliRunner()
    made = runner.invoke(app, ["generate", "--db", str(db), "--scale", "0.002"])
    assert made.exit_code == 0, made.output
    exported = runner.invoke(app, ["export", "--db", str(db), str(out)])
    assert exported.exit_code == 0, exported.output
    done = _run(out)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["events"] == _rows(out)[0]["events"]
    assert summary["elections_recounted"] >= 10
    assert summary["recalls"] >= 1
    assert summary["government"] is not None


@pytest.fixture(scope="module")
def petition_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A recall petition signed online past the threshold (3 of 5): a recall."""
    folder = tmp_path_factory.mktemp("petition")
    db, out = folder / "petition.db", folder / "petition.jsonl"
    with bootstrap(str(db), create=True) as services:
        town_with_deputy(services)
        open_petition(services, "p1", "putilov", "a")
        for i in range(3):
            sign_petition(services, "p1", f"v{i}")
        sign_head(services.uow(), services.signer)
        with out.open("w", encoding="utf-8") as handle:
            export_log(services.uow(), services.signer, handle)
    return out


def test_online_petition_recall_is_re_derived(petition_export: Path) -> None:
    rows = _rows(petition_export)
    assert [
        r["payload"]["reached"] for r in rows if r.get("type") == "RecallPetitionSigned"
    ] == [
        False,
        False,
        True,
    ]
    done = _run(petition_export)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recalls"] == 1


def _signed(rows: list[dict[str, Any]], nth: int) -> dict[str, Any]:
    found = [r for r in rows if r.get("type") == "RecallPetitionSigned"]
    payload: dict[str, Any] = found[nth]["payload"]
    return payload


def _early_reach(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _signed(rows, 1)["reached"] = True
    return rows


def _inflated_count(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    _signed(rows, 0)["signed"] = 3
    return rows


def _recall_without_petition(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("type") != "RecallDemanded"]


@pytest.mark.parametrize(
    ("forge", "said"),
    [
        (_early_reach, "'reached' is True (SR-10)"),
        (_inflated_count, "says 3 signatures, the log has 1"),
        (_recall_without_petition, "does not meet the constitution's re_election"),
    ],
    ids=["reached early", "inflated count", "recall without demand"],
)
def test_forged_petitions_fail(
    petition_export: Path,
    tmp_path: Path,
    forge: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    said: str,
) -> None:
    rows = forge(_rows(petition_export))
    forged = _rechain_and_resign(_renumber(rows), Ed25519Signer.generate())
    done = _run(_write(forged, tmp_path / "forged.jsonl"))
    assert done.returncode == 1
    assert said in done.stderr, done.stderr


def _renumber(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sequence numbers and stream versions made consistent (a forger's tidy-up)."""
    versions: dict[str, int] = {}
    events = [r for r in rows if r.get("kind") == "event"]
    for seq, row in enumerate(events, 1):
        row["seq"] = seq
        versions[row["stream_id"]] = row["version"] = (
            versions.get(row["stream_id"], 0) + 1
        )
    header = {**rows[0], "events": len(events)}
    checkpoints = [
        {**r, "size": min(r["size"], len(events))}
        for r in rows
        if r.get("kind") == "checkpoint"
    ]
    return [header, *events, *checkpoints]
