"""Which keys a verifier trusts for a database, and the one verification the
edges share (issue 9, item 6).

The organisation's key is, in order of precedence:

1. the keys given (``sovet verify --public-key K``: only those);
2. otherwise the database's own key file — ``<db>.key`` beside SQLite,
   ``SOVET_KEY_FILE`` or ``--key-file`` for PostgreSQL — and the keys pinned
   beside it when its log was imported (``<key file>.pins``).

A kept checkpoint (``--against``) adds its signer through ``extra``. With none
of these the log can be shown consistent, not authentic: ``verify_database``
answers ``authenticated = False`` and the CLI exits with its own code
(``cli.edge.EXIT_UNAUTHENTICATED``). ``sovet verify``, ``GET /api/verify`` and
the ``/audit`` page all call ``verify_database``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sovet.errors import says
from sovet.services.bootstrap import Services
from sovet.services.keys import Anchor, Verification, verify
from sovet.services.queries import check_public_key, pins_path, read_pins

__all__ = ["GIVEN", "anchors_for", "verify_database"]

GIVEN = says("the key given")


def anchors_for(
    services: Services, given: Iterable[str] = (), extra: Sequence[Anchor] = ()
) -> list[Anchor] | None:
    """The keys to trust for ``services``' database; ``None`` when there are none."""
    keys = [Anchor(check_public_key(key), GIVEN, "--public-key") for key in given]
    if not keys:
        if services.public_key is not None:
            where = f"key file {services.key_file}" if services.key_file else None
            keys.append(Anchor(services.public_key, says("this database's key"), where))
        if services.key_file is not None:
            pins = f"pins file {pins_path(services.key_file)}"
            for key in read_pins(services.key_file):
                keys.append(Anchor(key, says("pinned at import"), pins))
    unique: dict[str, Anchor] = {}
    for anchor in (*keys, *extra):
        unique.setdefault(anchor.key, anchor)
    return list(unique.values()) or None


def verify_database(
    services: Services, given: Iterable[str] = (), extra: Sequence[Anchor] = ()
) -> Verification:
    """Verify ``services``' log against the keys ``anchors_for`` trusts."""
    anchors = anchors_for(services, given, extra)
    return verify(services.uow(), services.verify_signature, anchors)
