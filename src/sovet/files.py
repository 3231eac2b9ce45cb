"""Reading the files a user hands the CLI: bounded in size, strict in encoding.

``read_text`` reads at most ``limit`` bytes (a larger file, or an endless one
such as a device, is refused without being read through) and decodes them as
UTF-8; every problem is an ``InputError`` (or the subclass the caller names)
naming the file, so the CLI's edge prints one message and exits 2. Parsers
bound nesting themselves (``presets.loader.parse_toml``,
``services.transfer``): a file nested deeper than Python's recursion limit is
refused as "nested too deeply".
"""

from __future__ import annotations

import os

from sovet.errors import InputError

__all__ = ["MAX_EXPORT_BYTES", "MAX_TOML_BYTES", "read_text"]

MAX_TOML_BYTES = 16 * 2**20
"""The largest constitution or scenario file read (16 MiB)."""
MAX_EXPORT_BYTES = 2**31
"""The largest log export ``sovet import`` reads (2 GiB)."""


def read_text(
    path: str | os.PathLike[str],
    *,
    limit: int,
    error: type[InputError] = InputError,
) -> str:
    """The UTF-8 text of ``path``, at most ``limit`` bytes; else ``error``."""
    source = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as e:
        raise error(f"cannot read: {e.strerror or e}", source=source) from e
    if len(data) > limit:
        raise error(f"larger than {limit} bytes: not read", source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(
            f"not UTF-8 (byte {data[e.start]:#04x} at offset {e.start})",
            source=source,
            line=data.count(b"\n", 0, e.start) + 1,
        ) from e
