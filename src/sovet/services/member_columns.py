"""The columns of a membership list (``sovet members import``), without the rules.

A leaf the CLI reads for its help text without loading the domain.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "OPTIONAL"]

COLUMNS = ("person", "name", "constituency", "birth_date", "categories")
"""The columns every file has (``categories`` may be empty in a row)."""
OPTIONAL = ("faction", "bodies", "at")
"""The columns a file may add."""
