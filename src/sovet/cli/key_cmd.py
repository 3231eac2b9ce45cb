"""``sovet key …``: the signing key's life cycle (issue 9, item 7).

- ``sovet key show`` — the signing key's public key and fingerprint (SHA-256
  of the raw 32-byte public key), from the key file; ``--format json`` gives
  ``{"public_key", "fingerprint"}`` (hex).
- ``sovet key init-root --out FILE`` — a new offline **root key** (never
  overwrites a file). Keep it away from the server.
- ``sovet key certify --root FILE`` — the root key certifies the signing key,
  recorded in the log (and exported). The first certificate names the log's
  root; only that root can later rotate a lost or stolen key.
- ``sovet key rotate [--root FILE] [--reason TEXT]`` — a new signing key. The
  rotation is signed by the old key (the key file), or with ``--root`` by the
  root key when the old one is lost or stolen, and countersigned by the new
  key, which signs a checkpoint of the head at once. The new key is written to
  ``<key file>.next`` first and moved over the key file once the log names it.

docs/operations.md says how to back up, restore and rotate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sovet.cli.edge import console, edge
from sovet.cli.options import DbOption, Format, FormatOption, KeyFileOption, print_json
from sovet.errors import InputError, says
from sovet.i18n import gettext as _

# Each command imports the services it uses in its body (a lean start-up).

__all__ = ["key", "register"]

key = typer.Typer(
    name="key",
    help="The signing key: show it, certify it with an offline root key, rotate it.",
    no_args_is_help=True,
)

RootOption = Annotated[
    Path,
    typer.Option(
        "--root",
        help="The offline root key's file (made by `sovet key init-root`).",
        show_default=False,
    ),
]


def _key_file(db: str | None, key_file: str | None) -> Path:
    from sovet.config import Settings
    from sovet.services import bootstrap as boot

    return boot.key_path(db or Settings().db, key_file=key_file)


@key.command("show")
def show(
    db: DbOption = None,
    key_file: KeyFileOption = None,
    output: FormatOption = Format.text,
) -> None:
    """Show the signing key's public key and fingerprint (SHA-256 of the raw key).

    Reads the key file only (``<db>.key``, ``SOVET_KEY_FILE`` or ``--key-file``;
    a root key's file works too); nothing is created.
    """
    from sovet.ledger.keyring import fingerprint
    from sovet.services import bootstrap as boot

    with edge():
        path = _key_file(db, key_file)
        public = boot.load_key(path).public_key_hex()
    if output is Format.json:
        print_json({"public_key": public, "fingerprint": fingerprint(public)})
        return
    _show(public, fingerprint(public), path)


def _show(public: str, fingerprint: str, path: Path | None = None) -> None:
    """The key in aligned lines: each label padded to the longest, plus a space."""
    rows = [(_("public key:"), public), (_("fingerprint:"), fingerprint)]
    if path is not None:
        rows.append((_("key file:"), str(path)))
    width = max(len(label) for label, _value in rows) + 1
    for label, value in rows:
        console.print(f"{label:<{width}}{value}", soft_wrap=True)


@key.command("init-root")
def init_root(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write the new root key (a new file; never overwritten).",
            show_default=False,
        ),
    ],
) -> None:
    """Make a new offline root key (Ed25519, PEM, mode 0600).

    Keep it away from the server (an offline medium, two copies); bring it out
    only to ``sovet key certify`` and, when the signing key is lost or stolen,
    ``sovet key rotate --root``.
    """
    from sovet.ledger.keyring import fingerprint
    from sovet.services import bootstrap as boot

    with edge():
        public = boot.create_key(out).public_key_hex()
    console.print(_("root key written to {file}").format(file=out), soft_wrap=True)
    _show(public, fingerprint(public))
    then = _("keep it offline; certify the signing key with {command}")
    command = f"`sovet key certify --root {out} --db …`"
    console.print(then.format(command=command), soft_wrap=True)


@key.command("certify")
def certify(
    root: RootOption,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Record in the log that the root key certifies the signing key.

    The first certificate names the log's root key; a certificate by another
    root is refused. Verifiers then follow a rotation signed by that root.
    """
    from sovet.services import bootstrap as boot
    from sovet.services import keys

    with edge() as stack:
        root_signer = boot.load_key(root)
        services = stack.enter_context(boot.bootstrap(db, key_file=key_file))
        services.require_key()
        record = keys.certify(
            services.uow(), services.signer, root_signer, services.verify_signature
        )
    signing = services.signer.public_key_hex()
    if record is None:
        said = _("already certified: {key} by root {root}")
        console.print(said.format(key=signing, root=root_signer.public_key_hex()))
        return
    said = _("root key {root} certified the signing key {key} at size {size}")
    told: dict[str, object] = {
        "root": record.statement.authority,
        "size": record.statement.size,
    }
    console.print(said.format(**told, key=signing), soft_wrap=True)


@key.command("rotate")
def rotate(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Sign the rotation with the root key instead of the old key "
            "(when the old key is lost or stolen).",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why the key changes (recorded in the log)."),
    ] = "",
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Replace the signing key with a new one, recorded in the log.

    Signed by the old key (the key file), or with ``--root`` by the log's root
    key, and countersigned by the new key, which signs a checkpoint of the
    head at once; then the new key replaces the key file. Stop the servers of
    this database first and restart them after: they hold the old key.
    """
    from sovet.ledger.keyring import MAX_REASON, fingerprint
    from sovet.services import bootstrap as boot
    from sovet.services import keys

    with edge() as stack:
        if len(reason) > MAX_REASON:
            refused = says("at most {n} characters", n=MAX_REASON)
            raise InputError(refused, source="--reason")
        path = _key_file(db, key_file)
        staged = boot.next_key_path(path)
        if staged.exists():
            raise InputError(
                says(
                    "a rotation stopped half-way left this file: if `sovet verify` "
                    "names its key as the signing key, move it over the key file; "
                    "otherwise delete it, then rotate again"
                ),
                source=str(staged),
            )
        root_signer = boot.load_key(root) if root is not None else None
        services = stack.enter_context(
            boot.bootstrap(db, key_file=key_file, open_key=root is None)
        )
        old = None
        if root_signer is None:
            services.require_key()
            old = services.signer
        new = boot.create_key(staged)
        try:
            record = keys.rotate(
                services.uow(),
                new,
                services.verify_signature,
                old=old,
                root=root_signer,
                reason=reason,
            )
        except BaseException:
            staged.unlink(missing_ok=True)  # nothing was recorded
            raise
        boot.install_next_key(path)
    st = record.statement
    by = (
        _("the old key")
        if st.authority == st.previous
        else _("the root key {key}").format(key=st.authority)
    )
    said = _("rotated the signing key at size {size}: {old} -> {new}, signed by {by}")
    told: dict[str, object] = {
        "size": st.size,
        "old": st.previous,
        "new": st.key,
        "by": by,
    }
    console.print(said.format(**told), soft_wrap=True)
    said = _(
        "the key file {file} now holds the new key (fingerprint {fingerprint}): "
        "back it up, and restart any server of this database"
    )
    told = {"file": path, "fingerprint": fingerprint(st.key)}
    console.print(said.format(**told), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``sovet key`` to the app."""
    app.add_typer(key)
