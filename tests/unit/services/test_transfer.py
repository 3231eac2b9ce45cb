"""Checkpoints, export and import: verified before anything is stored."""

from __future__ import annotations

import io
import json

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.domain import Command
from sovet.errors import ChainBroken, InputError
from sovet.services.checkpoints import check_checkpoints, sign_head
from sovet.services.handlers import execute
from sovet.services.replay import snapshot
from sovet.services.transfer import FORMAT, export_log, import_log

SIGNER = Ed25519Signer.from_private_bytes(bytes(range(32)))


def _exported(uow: InMemoryUnitOfWork, commands: list[Command]) -> list[str]:
    for index, command in enumerate(commands):
        execute(uow, command)
        if index in (2, len(commands) - 1):
            sign_head(uow, SIGNER)
    out = io.StringIO()
    assert export_log(uow, SIGNER, out) == len(commands)
    return out.getvalue().splitlines()


def _is_empty(uow: InMemoryUnitOfWork) -> bool:
    with uow:
        return uow.events.head()[0] == 0 and not uow.checkpoints.list()


def test_sign_head_signs_once_per_head(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    assert sign_head(uow, SIGNER) is None  # empty log
    for command in federation:
        execute(uow, command)
    signed = sign_head(uow, SIGNER)
    assert signed is not None
    assert signed.size == len(federation)
    assert signed.public_key == SIGNER.public_key_hex()
    assert sign_head(uow, SIGNER) is None
    with uow:
        events = list(uow.events.read())
        assert check_checkpoints(events, uow.checkpoints.list(), verify_ed25519) == 1
        with pytest.raises(ChainBroken) as info:
            check_checkpoints(events[:-1], uow.checkpoints.list(), verify_ed25519)
        assert info.value.seq == len(federation)


def test_export_then_import_gives_the_same_log(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    lines = _exported(uow, federation)
    header = json.loads(lines[0])
    assert header["format"] == FORMAT
    assert header["public_key"] == SIGNER.public_key_hex()
    target = InMemoryUnitOfWork(InMemoryDatabase())
    report = import_log(
        lines, target, source="export.jsonl", verify_signature=verify_ed25519
    )
    assert report.events == len(federation)
    assert report.checkpoints == 2
    with uow, target:
        assert list(target.events.read()) == list(uow.events.read())
        assert target.events.head() == uow.events.head()
        assert snapshot(target.projections) == snapshot(uow.projections)


def _tamper_payload(lines: list[str]) -> list[str]:
    row = json.loads(lines[4])
    row["payload"]["name"] = "Forged"
    return [*lines[:4], json.dumps(row), *lines[5:]]


def _tamper_signature(lines: list[str]) -> list[str]:
    row = json.loads(lines[-1])
    flipped = "0" if row["signature"][0] != "0" else "1"
    row["signature"] = flipped + row["signature"][1:]
    return [*lines[:-1], json.dumps(row)]


def _drop_event(lines: list[str]) -> list[str]:
    return [*lines[:3], *lines[4:]]


@pytest.mark.parametrize(
    ("tamper", "seq"),
    [(_tamper_payload, 4), (_tamper_signature, 9), (_drop_event, 4)],
)
def test_a_tampered_export_is_refused_and_nothing_stored(
    uow: InMemoryUnitOfWork,
    federation: list[Command],
    tamper: object,
    seq: int,
) -> None:
    assert callable(tamper)
    lines = tamper(_exported(uow, federation))
    target = InMemoryUnitOfWork(InMemoryDatabase())
    with pytest.raises(ChainBroken) as info:
        import_log(
            lines, target, source="export.jsonl", verify_signature=verify_ed25519
        )
    assert info.value.seq == seq
    assert _is_empty(target)


def test_import_refuses_a_database_that_holds_events(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    lines = _exported(uow, federation)
    with uow:
        before = list(uow.events.read())
    with pytest.raises(InputError, match="already holds events"):
        import_log(lines, uow, source="export.jsonl", verify_signature=verify_ed25519)
    with uow:
        assert list(uow.events.read()) == before


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        (['{"format": "something-else"}'], 1),
        (["not json"], 1),
        ([f'{{"format": "{FORMAT}"}}', '{"kind": "event", "seq": 1}'], 2),
        ([f'{{"format": "{FORMAT}"}}', '{"kind": "gossip"}'], 2),
    ],
)
def test_a_malformed_export_names_its_line(lines: list[str], line: int) -> None:
    target = InMemoryUnitOfWork(InMemoryDatabase())
    with pytest.raises(InputError) as info:
        import_log(lines, target, source="x.jsonl", verify_signature=verify_ed25519)
    assert info.value.line == line
    assert _is_empty(target)
