"""The CLI's edge: library errors become one message and a stable exit code.

Every command module uses these: ``edge()`` around a command's work, the exit
codes, and the two consoles (results on stdout, messages on stderr). The exit
codes: 0 done; 1 the log fails verification; 2 refused or bad input; 3 the log
is consistent but its signer is not authenticated (``sovet verify`` with no
key to trust).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from sovet.errors import ChainBroken, SovetError

__all__ = [
    "EXIT_ERROR",
    "EXIT_UNAUTHENTICATED",
    "EXIT_VERIFY",
    "console",
    "edge",
    "errors",
]

EXIT_ERROR = 2
"""Exit code of a refused command or bad input."""
EXIT_VERIFY = 1
"""Exit code of a log that fails verification."""
EXIT_UNAUTHENTICATED = 3
"""Exit code of ``sovet verify`` on a log that is consistent but whose signer
could not be authenticated: no key to trust was found (no key file beside the
database or ``SOVET_KEY_FILE``, no pinned key, no ``--public-key``)."""

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


@contextlib.contextmanager
def edge() -> Iterator[contextlib.ExitStack]:
    """Translate library errors into one message and a stable exit code.

    Yields an exit stack that closes the databases the command opened.
    """
    try:
        with contextlib.ExitStack() as stack:
            yield stack
    except ChainBroken as error:
        from sovet.cli.render import render_error

        render_error(errors, error)
        raise typer.Exit(EXIT_VERIFY) from error
    except SovetError as error:
        from sovet.cli.render import render_error

        render_error(errors, error)
        raise typer.Exit(EXIT_ERROR) from error
