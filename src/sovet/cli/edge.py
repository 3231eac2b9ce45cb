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
from typing import TYPE_CHECKING, Any, cast

import typer

from sovet.errors import ChainBroken, SovetError

if TYPE_CHECKING:
    from rich.console import Console

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


class _Console:
    """A Rich console made on first use: a command that prints nothing through
    Rich (``sovet count --format json``) never imports Rich (issue 13)."""

    def __init__(self, **options: Any) -> None:
        self._sovet_options = options
        self._sovet_console: Console | None = None

    def _made(self) -> Console:
        if self._sovet_console is None:
            from rich.console import Console

            self._sovet_console = Console(**self._sovet_options)
        return self._sovet_console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __enter__(self) -> Console:  # Rich's Live enters its console
        return self._made().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._made().__exit__(*exc)


console = cast("Console", _Console(highlight=False))
"""Results, on standard output."""
errors = cast("Console", _Console(stderr=True, highlight=False))
"""Messages, on standard error."""


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
