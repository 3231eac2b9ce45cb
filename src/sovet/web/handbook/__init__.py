"""The handbook pages the web serves: the rules (``/rules``), from ``rules.md``.

``rules.md`` here is a copy of the repository's ``docs/rules.md`` shipped
inside the package (a test keeps the two identical): a server has the package,
not the repository. ``/rules`` renders it (Markdown, tables, the ``sr-n``
anchors kept), so ``rule_url("SR-7")`` — ``/rules#sr-7`` — is where every rule
id the web shows links to. When the MkDocs handbook of issue 12 is served,
``rule_url`` is the one place to point elsewhere.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markdown_it import MarkdownIt

__all__ = ["RULES", "rule_url", "rules_html"]

RULES = Path(__file__).parent / "rules.md"
"""The rules of sovet (SR-1 … SR-32), as ``docs/rules.md``."""

_RULE = re.compile(r"^SR-(\d+)$")


def rule_url(rule: str) -> str | None:
    """Where rule ``SR-n`` is explained (``/rules#sr-n``); None for any other id."""
    found = _RULE.match(rule)
    return f"/rules#sr-{found.group(1)}" if found else None


@functools.cache
def rules_html() -> str:
    """The rules page's body as HTML (trusted text: our own Markdown)."""
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    html: str = parser.render(RULES.read_text(encoding="utf-8"))
    scroll = (  # a wide table scrolls in its own box on a narrow screen
        '<div class="table-scroll" tabindex="0" role="region" '
        'aria-label="Table"><table>'
    )
    return html.replace("<table>", scroll).replace("</table>", "</table></div>")
