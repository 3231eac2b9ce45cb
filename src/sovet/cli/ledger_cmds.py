"""The ledger commands: verify, export, import, checkpoint (DESIGN §3–4).

Checkpoints are trusted only when signed by a pinned key: this database's own
(``<db>.key``), the keys pinned when its log was imported (``<db>.key.pins``),
or the ``--public-key`` an observer gives. A log that fails verification exits
1, bad input 2 (``sovet.cli.edge``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import DbOption
from sovet.errors import InputError
from sovet.files import MAX_EXPORT_BYTES, read_text
from sovet.services import bootstrap as boot
from sovet.services.checkpoints import sign_head
from sovet.services.queries import check_public_key, read_pins, verify_log, write_pins
from sovet.services.transfer import export_log, store_export, verify_export

__all__ = ["checkpoint", "export", "import_", "verify"]

KeyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--public-key",
        help="Trust only checkpoints signed by this Ed25519 public key (64 hex "
        "digits; repeat for several), e.g. the key an observer pinned.",
        show_default=False,
    ),
]


def verify(db: DbOption = None, public_key: KeyOption = None) -> None:
    """Check the hash chain, Merkle roots and checkpoint signatures of the log.

    Checkpoints must be signed by this database's key (``<db>.key``) or a key
    pinned when the log was imported — or, with ``--public-key``, by that key.
    """
    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        own = services.signer.public_key_hex()
        pins = read_pins(boot.key_path(services.location))
        given = {check_public_key(key) for key in public_key or ()}
        report = verify_log(
            services.uow(), services.verify_signature, pinned=given or {own, *pins}
        )
    console.print(
        f"ok {report.events} events ({report.checkpoints} signed checkpoints verified)"
    )
    for key in report.keys:
        whose = "this database's key" if key == own else "pinned at import"
        whose = "the key given" if given else whose
        console.print(f"  signed by {key} ({whose})", soft_wrap=True)


def export(
    file: Annotated[Path, typer.Argument(help="Output file (JSON lines).")],
    db: DbOption = None,
) -> None:
    """Write the whole log — events, hashes, signed checkpoints, public key."""
    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        try:
            with file.open("w", encoding="utf-8") as out:
                count = export_log(services.uow(), services.signer, out)
        except OSError as error:
            raise InputError(
                f"cannot write: {error.strerror}", source=str(file)
            ) from error
    console.print(f"exported {count} events to {file}")


def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `sovet export`.")],
    db: DbOption = None,
    public_key: KeyOption = None,
) -> None:
    """Verify an export completely, then store it in an empty database.

    Its checkpoints must be signed by the key its header declares (or, with
    ``--public-key``, by that key); the key is printed, and pinned beside the
    new database (``<db>.key.pins``) so that ``verify`` accepts it. A refused
    import into a new path leaves no database or key behind.
    """
    with edge() as stack:
        # JSON lines end at "\n" only: a name may hold U+2028, U+0085 …,
        # which str.splitlines() would take for line ends (issue 5, item 17).
        lines = read_text(file, limit=MAX_EXPORT_BYTES).split("\n")
        given = {check_public_key(key) for key in public_key or ()}
        verified = verify_export(
            lines,
            source=str(file),
            verify_signature=boot.verify_signature,
            pinned=given or None,
        )
        stack.enter_context(boot.removed_if_refused(db))
        services = stack.enter_context(boot.bootstrap(db, create=True))
        report = store_export(verified, services.uow())
        write_pins(boot.key_path(services.location), verified.keys)
    console.print(
        f"imported {report.events} events, {report.checkpoints} checkpoints; "
        f"head {report.head_hash}"
    )
    for key in verified.keys:
        console.print(f"  checkpoints signed by {key} (pinned)", soft_wrap=True)


def checkpoint(db: DbOption = None) -> None:
    """Sign a checkpoint of the log's head with the database's key."""
    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db))
        signed = sign_head(services.uow(), services.signer)
    if signed is None:
        console.print("nothing to sign: the head is already checkpointed (or empty)")
    else:
        console.print(
            f"signed checkpoint of {signed.size} events, root {signed.root_hash}"
        )
