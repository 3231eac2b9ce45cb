"""Constitutions as TOML: the bundled presets and a user's own file (DESIGN §2).

A preset is a directory of this package holding ``constitution.toml`` and its
scenarios (``rsfsr1918``: the 1917 scenario; ``union`` and ``party``: a short
example each). Both loaders parse with ``tomllib`` and build the domain's
``Constitution.from_mapping``; every problem — unreadable file, TOML syntax,
unknown key, wrong type, value out of range — is a ``ConstitutionError`` naming
the file, the line or key, the value and the reason.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from sovet.domain.kernel.constitution import Constitution
from sovet.errors import ConstitutionError, InputError, says
from sovet.files import MAX_TOML_BYTES, read_text

__all__ = [
    "MAX_TOML_BYTES",
    "available_presets",
    "load_constitution_file",
    "load_constitution_text",
    "load_preset",
    "parse_toml",
    "preset_file",
]

CONSTITUTION_FILE = "constitution.toml"


def _root() -> Path:
    return Path(str(resources.files("sovet.presets")))


def available_presets() -> list[str]:
    """The names of the bundled presets (directories with a constitution)."""
    return sorted(
        p.name for p in _root().iterdir() if (p / CONSTITUTION_FILE).is_file()
    )


def preset_file(name: str, filename: str = CONSTITUTION_FILE) -> Path:
    """The path of ``filename`` in preset ``name`` (unknown preset → error)."""
    if name not in available_presets():
        raise ConstitutionError(
            says(
                "unknown preset {name!r}; presets: {presets}",
                name=name,
                presets=", ".join(available_presets()),
            ),
            source="--preset",
        )
    return _root() / name / filename


_TOML_POSITION = re.compile(
    r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$"
)


def parse_toml(
    text: str, source: str, error: type[InputError] = ConstitutionError
) -> dict[str, Any]:
    """Parse TOML ``text``; a syntax error becomes ``error`` with file and line.

    Nesting deeper than the parser's recursion allows is refused the same way
    (issue 10: TOML nested 5,000 deep was a traceback).
    """
    try:
        return tomllib.loads(text)
    except RecursionError as exc:
        raise error("not valid TOML: nested too deeply", source=source) from exc
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line = int(found.group(1)) if found and found.group(1) else None
        reason = message[: found.start()] if found else message
        raise error(f"not valid TOML: {reason}", source=source, line=line) from exc


def load_constitution_text(text: str, source: str) -> Constitution:
    """Parse constitution TOML ``text`` (named ``source`` in errors)."""
    return Constitution.from_mapping(parse_toml(text, source), source)


def load_constitution_file(path: Path | str) -> Constitution:
    """A user's constitution file; any problem is a ``ConstitutionError``."""
    text = read_text(path, limit=MAX_TOML_BYTES, error=ConstitutionError)
    return load_constitution_text(text, str(path))


def load_preset(name: str) -> Constitution:
    """A bundled preset: ``rsfsr1918``, ``union`` or ``party``."""
    return load_constitution_file(preset_file(name))
