"""MkDocs hooks of the handbook (``mkdocs.yml``: ``hooks``): rule ids become links.

Every bare ``SR-n`` in a page — outside code, links, headings and HTML — is
linked to ``rules.md#sr-n``, and every ``DESIGN §n`` to ``design.md#design-n``,
so the rules, the design and the decisions cite each other as links in the
handbook without rewriting their sources. ``link_rules`` is the pure function
(``tests/unit/test_docs_hooks.py``); ``on_page_markdown`` is MkDocs' hook.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

__all__ = ["link_rules", "on_page_markdown"]

FENCE = re.compile(r"^\s*(```|~~~)")
# What is left alone: code spans, links and images (inline), HTML tags.
KEEP = re.compile(r"(`+)[^`]*?\1|!?\[[^\]]*\]\([^)]*\)|<[^>\n]+>")
RULE = re.compile(r"(?<![\w/#-])SR-(\d+)\b(?!-)")
DESIGN = re.compile(r"\bDESIGN §(\d+)")


def _link(text: str, rules: str, design: str) -> str:
    text = RULE.sub(rf"[SR-\1]({rules}#sr-\1)", text)
    return DESIGN.sub(rf"[DESIGN §\1]({design}#design-\1)", text)


def link_rules(markdown: str, page: str = "index.md") -> str:
    """``markdown`` of the page at ``page`` (relative to docs/) with its rule
    ids linked, relative to the page."""
    folder = posixpath.dirname(page)
    rules = posixpath.relpath("rules.md", folder or ".")
    design = posixpath.relpath("design.md", folder or ".")
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            out.append(line)
            continue
        if fenced or line.lstrip().startswith("#"):
            out.append(line)
            continue
        pieces: list[str] = []
        last = 0
        for kept in KEEP.finditer(line):
            pieces.append(_link(line[last : kept.start()], rules, design))
            pieces.append(kept[0])
            last = kept.end()
        pieces.append(_link(line[last:], rules, design))
        out.append("".join(pieces))
    return "\n".join(out)


def on_page_markdown(markdown: str, page: Any, **_kwargs: Any) -> str:
    """MkDocs: link the rule ids of each page before it is rendered."""
    return link_rules(markdown, page.file.src_uri)
