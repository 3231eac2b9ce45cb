"""Key pinning in the services: ``verify_log(pinned=…)``, export headers, pins files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovet.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork
from sovet.adapters.signing import Ed25519Signer, verify_ed25519
from sovet.domain import Command
from sovet.errors import ChainBroken, InputError
from sovet.services.checkpoints import sign_head
from sovet.services.handlers import execute
from sovet.services.queries import (
    check_public_key,
    pins_path,
    read_pins,
    verify_log,
    write_pins,
)
from sovet.services.transfer import import_log, verify_export
from tests.unit.services.test_transfer import SIGNER, _exported

OTHER = Ed25519Signer.from_private_bytes(bytes(range(1, 33)))


def test_verify_log_refuses_a_checkpoint_by_a_key_not_pinned(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    for command in federation[:3]:
        execute(uow, command)
    sign_head(uow, SIGNER)
    for command in federation[3:]:
        execute(uow, command)
    sign_head(uow, OTHER)
    assert verify_log(uow, verify_ed25519).checkpoints == 2  # unpinned: both
    both = {SIGNER.public_key_hex(), OTHER.public_key_hex()}
    assert set(verify_log(uow, verify_ed25519, pinned=both).keys) == both
    with pytest.raises(ChainBroken) as info:
        verify_log(uow, verify_ed25519, pinned={SIGNER.public_key_hex()})
    assert info.value.seq == len(federation)
    assert OTHER.public_key_hex() in str(info.value)
    with pytest.raises(ChainBroken) as first:
        verify_log(uow, verify_ed25519, pinned=set())
    assert first.value.seq == 3


def test_an_export_without_signers_in_its_header_still_imports(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    lines = _exported(uow, federation)
    header = json.loads(lines[0])
    assert header["signers"] == [SIGNER.public_key_hex()]
    del header["signers"]  # the format before key pinning
    old = [json.dumps(header), *lines[1:]]
    verified = verify_export(old, source="old.jsonl", verify_signature=verify_ed25519)
    assert verified.keys == (SIGNER.public_key_hex(),)
    header["public_key"] = OTHER.public_key_hex()
    forged = [json.dumps(header), *lines[1:]]
    with pytest.raises(ChainBroken, match="not by a pinned key"):
        verify_export(forged, source="x.jsonl", verify_signature=verify_ed25519)


@pytest.mark.parametrize(
    ("field", "value"), [("signers", "one-key"), ("signers", [1]), ("public_key", 7)]
)
def test_a_malformed_key_header_names_its_key(
    uow: InMemoryUnitOfWork, federation: list[Command], field: str, value: object
) -> None:
    lines = _exported(uow, federation)
    header = json.loads(lines[0])
    header[field] = value
    target = InMemoryUnitOfWork(InMemoryDatabase())
    with pytest.raises(InputError) as info:
        import_log(
            [json.dumps(header), *lines[1:]],
            target,
            source="x.jsonl",
            verify_signature=verify_ed25519,
        )
    assert (info.value.line, info.value.key) == (1, field)


def test_import_with_pinned_keys(
    uow: InMemoryUnitOfWork, federation: list[Command]
) -> None:
    lines = _exported(uow, federation)
    target = InMemoryUnitOfWork(InMemoryDatabase())
    with pytest.raises(ChainBroken):
        import_log(
            lines,
            target,
            source="x.jsonl",
            verify_signature=verify_ed25519,
            pinned={OTHER.public_key_hex()},
        )
    report = import_log(
        lines,
        target,
        source="x.jsonl",
        verify_signature=verify_ed25519,
        pinned={SIGNER.public_key_hex()},
    )
    assert report.checkpoints == 2


def test_pins_file_round_trip_and_errors(tmp_path: Path) -> None:
    key_file = tmp_path / "db.key"
    assert read_pins(key_file) == ()
    a, b = SIGNER.public_key_hex(), OTHER.public_key_hex()
    write_pins(key_file, [a])
    write_pins(key_file, [b, a])
    assert read_pins(key_file) == (a, b)
    assert pins_path(key_file).name == "db.key.pins"
    pins_path(key_file).write_text("zz\n", encoding="ascii")
    with pytest.raises(InputError, match="64 hex digits"):
        read_pins(key_file)
    pins_path(key_file).write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="cannot read"):
        read_pins(key_file)
    with pytest.raises(InputError, match="cannot write"):
        write_pins(tmp_path / "missing" / "db.key", [a])


def test_check_public_key_normalises_case() -> None:
    key = SIGNER.public_key_hex()
    assert check_public_key(f" {key.upper()} ") == key
    with pytest.raises(InputError):
        check_public_key("g" * 64)
