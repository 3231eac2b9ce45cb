"""The ledger commands: verify, export, import, checkpoint (DESIGN §3–4).

Checkpoints are trusted only when signed by a pinned key — this database's own
(``<db>.key``, or ``SOVET_KEY_FILE``/``--key-file``), the keys pinned when its
log was imported (``<db>.key.pins``), or the ``--public-key`` an observer gives
— or by a key the log rotated to from one (``services.trust``). ``verify`` and
``export`` open the database read-only and write nothing. A log that fails
verification exits 1, bad input 2, a consistent log whose signer cannot be
authenticated (no key to trust at all) 3 (``sovet.cli.edge``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sovet.cli.edge import EXIT_UNAUTHENTICATED, console, edge
from sovet.cli.options import DbOption, KeyFileOption
from sovet.errors import ChainBroken, InputError, says
from sovet.i18n import gettext as _
from sovet.i18n import ngettext, translate

if TYPE_CHECKING:
    from sovet.services.keys import Verification

# Each command imports the services it uses in its body (a lean start-up).

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


def _print_keys(found: Verification) -> None:
    for anchor in found.trusted:
        line = _("trusted key {key} ({why})").format(
            key=anchor.key, why=translate(anchor.describe())
        )
        console.print(f"  {line}", soft_wrap=True)
    for key in found.keys:
        line = _("signed by {key} ({why})").format(
            key=key, why=translate(found.why(key))
        )
        console.print(f"  {line}", soft_wrap=True)
    for era in found.history.eras[1:]:
        line = _("key {key}: {how}").format(key=era.key, how=translate(era.how))
        console.print(f"  {line}", soft_wrap=True)
    if found.history.root is not None:
        line = _("root key {key} certified the signing key")
        console.print(f"  {line.format(key=found.history.root)}", soft_wrap=True)
    if found.unsigned:
        line = ngettext(
            "{n} event after the latest checkpoint is not signed yet",
            "{n} events after the latest checkpoint are not signed yet",
            found.unsigned,
        )
        console.print(f"  {line.format(n=found.unsigned)}")


AgainstOption = Annotated[
    Path | None,
    typer.Option(
        "--against",
        help="A checkpoint kept by an observer (the JSON of GET "
        "/api/checkpoints/latest, or a file `sovet witness` kept): fail unless "
        "the log extends it.",
        show_default=False,
    ),
]


def verify(
    db: DbOption = None,
    public_key: KeyOption = None,
    key_file: KeyFileOption = None,
    against: AgainstOption = None,
    deep: Annotated[
        bool,
        typer.Option(
            "--deep",
            help="Also refold the whole log and compare every stored snapshot of "
            "the state (and a cold start from the newest) with the fold.",
        ),
    ] = False,
) -> None:
    """Check the hash chain, Merkle roots, checkpoint signatures and key rotations.

    Reads only: the database is opened read-only and nothing is written. The
    signers are trusted through this database's key file (``<db>.key``, or
    ``SOVET_KEY_FILE``/``--key-file`` for PostgreSQL) or a key pinned when the
    log was imported — or, with ``--public-key``, only that key — and through
    the rotations the log records from a trusted key. With no key to trust,
    the log can only be shown consistent: exit code 3. With ``--against``, the
    log must also extend that kept checkpoint (a deleted tail, a rewritten
    history or removed checkpoints fail), and its signer is trusted too. With
    ``--deep``, each snapshot must give the SHA-256 its checkpoint signs and
    equal the fold of the log up to it.
    """
    from sovet.services import bootstrap as boot
    from sovet.services.checkpoints import check_extends
    from sovet.services.keys import Anchor
    from sovet.services.queries import check_public_key
    from sovet.services.trust import verify_database
    from sovet.services.witness import read_checkpoint_file

    with edge() as stack:
        kept = read_checkpoint_file(against).checkpoint if against else None
        services = stack.enter_context(boot.open_read_only(db, key_file=key_file))
        given = {check_public_key(key) for key in public_key or ()}
        extra: list[Anchor] = []
        if kept is not None:
            if given and kept.public_key not in given:
                raise ChainBroken(
                    kept.size,
                    says(
                        "{file} is signed by {key}, not the key given",
                        file=str(against),
                        key=kept.public_key,
                    ),
                )
            extra.append(
                Anchor(kept.public_key, says("the checkpoint given"), str(against))
            )
        found = verify_database(services, sorted(given), extra)
        if kept is not None:
            check_extends(services.uow(), kept, services.verify_signature)
        if deep:
            from sovet.services.snapshotting import deep_check

            report = deep_check(services.uow(), services.verify_signature)
    if not found.authenticated:
        signers = ", ".join(found.keys) or _("nobody")
        where = services.key_file or _("SOVET_KEY_FILE (not set)")
        line = _(
            "consistent, signer not authenticated: {events} events, {checkpoints} "
            "checkpoints signed by {signers}; no key to trust (no readable key "
            "file at {where}, no pinned key, no --public-key)"
        )
        told: dict[str, object] = {
            "events": found.events,
            "checkpoints": found.checkpoints,
        }
        console.print(line.format(**told, signers=signers, where=where), soft_wrap=True)
        raise typer.Exit(EXIT_UNAUTHENTICATED)
    line = _("ok {events} events ({checkpoints} signed checkpoints verified)")
    console.print(line.format(events=found.events, checkpoints=found.checkpoints))
    _print_keys(found)
    if kept is not None:
        line = _("extends the checkpoint of {size} events in {file} (signed by {key})")
        told = {
            "size": kept.size,
            "file": against,
            "key": kept.public_key,
        }
        console.print(f"  {line.format(**told)}", soft_wrap=True)
    if deep:
        start = (
            _("no snapshot serves the head (a cold start folds the log)")
            if report.started_from is None
            else _(
                "the snapshot at {size} events and the events after it give the "
                "fold of the whole log"
            ).format(size=report.started_from)
        )
        refolded = _(
            "refolded the log: {compared} snapshot(s) equal the fold up to them; "
            "{start}"
        ).format(compared=report.compared, start=start)
        if report.other_format:
            refolded += _(
                "; {count} of another format (rebuilt at the next signing)"
            ).format(count=report.other_format)
        console.print(f"  {refolded}", soft_wrap=True)


def export(
    file: Annotated[Path, typer.Argument(help="Output file (JSON lines).")],
    db: DbOption = None,
) -> None:
    """Write the whole log — events, hashes, signed checkpoints, key records,
    public key. The database is only read."""
    from sovet.services import bootstrap as boot
    from sovet.services.transfer import export_log

    with edge() as stack:
        services = stack.enter_context(boot.open_read_only(db))
        try:
            with file.open("w", encoding="utf-8") as out:
                count = export_log(services.uow(), services.signer, out)
        except OSError as error:
            raise InputError(
                says("cannot write: {why}", why=error.strerror), source=str(file)
            ) from error
    console.print(_("exported {count} events to {file}").format(count=count, file=file))


def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `sovet export`.")],
    db: DbOption = None,
    public_key: KeyOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Verify an export completely, then store it in an empty database.

    Its checkpoints must be signed by the key its header declares (or, with
    ``--public-key``, by that key); the key is printed, and pinned beside the
    new database (``<db>.key.pins``) so that ``verify`` accepts it. A refused
    import into a new path leaves no database or key behind.
    """
    from sovet.files import MAX_EXPORT_BYTES, read_text
    from sovet.services import bootstrap as boot
    from sovet.services.keys import current_key
    from sovet.services.queries import check_public_key, write_pins
    from sovet.services.transfer import store_export, verify_export

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
        services = stack.enter_context(
            boot.bootstrap(db, create=True, key_file=key_file, check_key=False)
        )
        services.require_key()
        report = store_export(verified, services.uow())
        write_pins(boot.key_path(services.location, key_file=key_file), verified.keys)
    line = _("imported {events} events, {checkpoints} checkpoints; head {head}")
    told: dict[str, object] = {
        "events": report.events,
        "checkpoints": report.checkpoints,
    }
    console.print(line.format(**told, head=report.head_hash))
    for key in verified.keys:
        line = _("checkpoints signed by {key} (pinned)").format(key=key)
        console.print(f"  {line}", soft_wrap=True)
    signing = current_key(verified.key_records)
    if signing is not None and signing != services.public_key:
        line = _(
            "the log is signed by {key} now; this database's key file {file} holds "
            "another key: put the signing key's file there before writing, or "
            "rotate with the root key (`sovet key rotate --root FILE`)"
        )
        told = {"key": signing, "file": services.key_file}
        console.print(f"  {line.format(**told)}", soft_wrap=True)


def checkpoint(db: DbOption = None, key_file: KeyFileOption = None) -> None:
    """Sign a checkpoint of the log's head with the database's key."""
    from sovet.services import bootstrap as boot
    from sovet.services.checkpoints import sign_head

    with edge() as stack:
        services = stack.enter_context(boot.bootstrap(db, key_file=key_file))
        services.require_key()
        signed = sign_head(services.uow(), services.signer)
    if signed is None:
        console.print(_("nothing to sign: the head is already checkpointed (or empty)"))
    else:
        line = _("signed checkpoint of {size} events, root {root}")
        console.print(line.format(size=signed.size, root=signed.root_hash))
