"""Display settings: how the web draws an organisation's factions.

Kept out of the log (a colour is no act of any body, so changing it changes no
hash): each preset may ship ``display.toml`` beside its constitution, and an
organisation may name its own file in ``SOVET_DISPLAY_FILE``, whose entries
win. The file holds one table::

    [display.factions]
    bolsheviks = "#b3261e"   # a faction id and its colour

A colour is ``#rrggbb`` with a contrast of at least 3:1 against the white page
(WCAG 2.1 success criterion 1.4.11, non-text contrast); anything else is an
``InputError`` naming the file and the key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from sovet.errors import InputError, says
from sovet.files import read_text
from sovet.presets.loader import MAX_TOML_BYTES, parse_toml

__all__ = ["DISPLAY_FILE", "Display", "contrast", "load_display", "parse_display"]

DISPLAY_FILE = "display.toml"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_MIN_CONTRAST = 3.0


def contrast(colour: str, against: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours."""

    def luminance(value: str) -> float:
        channels = [int(value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        red, green, blue = (
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in channels
        )
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    light, dark = sorted((luminance(colour), luminance(against)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True, slots=True)
class Display:
    """The display settings: a colour for each faction id that has one."""

    factions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def parse_display(text: str, source: str) -> Display:
    """Display settings from TOML ``text`` (named ``source`` in errors)."""
    data = parse_toml(text, source, InputError)
    unknown = sorted(set(data) - {"display"})
    if unknown:
        raise InputError(
            says("unknown table; expected [display]"), source=source, key=unknown[0]
        )
    table = data.get("display", {})
    if not isinstance(table, dict):
        raise InputError(says("must be a table"), source=source, key="display")
    extra = sorted(set(table) - {"factions"})
    if extra:
        raise InputError(
            says("unknown setting; expected factions"),
            source=source,
            key=f"display.{extra[0]}",
        )
    factions = table.get("factions", {})
    if not isinstance(factions, dict):
        raise InputError(says("must be a table"), source=source, key="display.factions")
    colours: dict[str, str] = {}
    for key, value in factions.items():
        where = f"display.factions.{key}"
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise InputError(
                says("{value!r} is not a colour written #rrggbb", value=value),
                source=source,
                key=where,
            )
        ratio = contrast(value)
        if ratio < _MIN_CONTRAST:
            raise InputError(
                says(
                    "{value} has a contrast of {ratio:.2f}:1 against the white "
                    "page; a faction's colour needs 3:1 (WCAG 1.4.11)",
                    value=value,
                    ratio=ratio,
                ),
                source=source,
                key=where,
            )
        colours[key] = value.lower()
    return Display(MappingProxyType(colours))


def _preset_display(constitution: str) -> Display:
    path = Path(str(resources.files("sovet.presets"))) / constitution / DISPLAY_FILE
    if not constitution.isidentifier() or not path.is_file():
        return Display()
    return parse_display(path.read_text(encoding="utf-8"), f"preset {constitution}")


@functools.lru_cache(maxsize=16)
def load_display(constitution: str, path: str | None = None) -> Display:
    """The display settings of the preset named ``constitution`` (its
    ``display.toml``, if any) overridden by the file ``path``, if given."""
    base = _preset_display(constitution)
    if not path:
        return base
    own = parse_display(read_text(path, limit=MAX_TOML_BYTES), path)
    return Display(MappingProxyType({**base.factions, **own.factions}))
