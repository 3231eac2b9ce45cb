"""What the generated forms say, for the message catalogue (a Babel extractor).

The web's command forms (``web.forms``) are made from the commands'
declarations: each command's summary (its docstring's first paragraph), its
title and each field's label (the names, ``label``), each field's description
(``Annotated[type, "description"]``). They are written once, in
``sovet.domain``; ``extract`` reads them from the source as ``make messages``
runs (``babel.cfg`` maps ``src/sovet/domain`` to it), so a new command or field
lands in the catalogue like any marked message, and
``tests/unit/test_translations.py`` fails until it is translated. The domain
keeps no gettext; what it marks with ``gettext``/``N_`` is extracted too.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from io import BytesIO
from typing import IO, Any

from babel.messages.extract import extract_python

from sovet.domain.kernel.messages import first_paragraph, snake_case
from sovet.i18n import gettext

__all__ = ["extract", "label", "said", "said_label"]


_LABELS = {"count": "How many"}
"""Labels that would read otherwise as another message ("Count" is an
election's count in the catalogue)."""


def label(name: str) -> str:
    """A field's or a command's name as a label: ``polling_day`` → "Polling day"."""
    return _LABELS.get(name) or name.replace("_", " ").capitalize()


def said_label(name: str) -> str:
    """``label(name)`` in the reader's language."""
    return gettext(label(name))


def said(text: str) -> str:
    """A declared summary or description in the reader's language."""
    return gettext(text) if text else ""


def _is_command(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(called, ast.Name) and called.id == "command":
            return True
    return False


def _description(annotation: ast.expr) -> str | None:
    """The first string after the type in ``Annotated[type, "…", …]``."""
    if not isinstance(annotation, ast.Subscript):
        return None
    head = annotation.value
    name = head.id if isinstance(head, ast.Name) else getattr(head, "attr", "")
    if name != "Annotated" or not isinstance(annotation.slice, ast.Tuple):
        return None
    for item in annotation.slice.elts[1:]:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            return item.value
    return None


def declared(source: str) -> Iterator[tuple[int, str]]:
    """Every declaration text of ``source``: (line, message)."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        if _is_command(node):
            yield node.lineno, label(snake_case(node.name))
            doc = ast.get_docstring(node)
            if doc:
                yield node.lineno, first_paragraph(doc)
        for item in node.body:
            if not isinstance(item, ast.AnnAssign):
                continue
            if not isinstance(item.target, ast.Name):
                continue
            about = _description(item.annotation)
            if about is not None:
                yield item.lineno, label(item.target.id)
                if about:
                    yield item.lineno, about


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Collection[str], options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel extractor: the file's gettext calls (as the ``python`` method
    finds them), then its declaration texts (line, no keyword, message, no
    comment)."""
    source = fileobj.read()
    yield from extract_python(BytesIO(source), keywords, comment_tags, options)
    encoding = str(options.get("encoding", "utf-8"))
    for line, message in declared(source.decode(encoding)):
        yield line, None, message, []
