"""The handbook (mkdocs.yml over docs/): its navigation, its CI step, and the
hook that turns every rule id into a link.

``make docs`` builds it with ``--strict`` (every link and anchor must resolve;
``.ci/run`` runs it before the tests); these tests need no MkDocs: they read
the configuration and call the hook's pure function.
"""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

from tests.conftest import REPO

DOCS = REPO / "docs"


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "docs_hooks", REPO / "tools" / "docs_hooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nav_pages() -> list[str]:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text.split("\nnav:\n", 1)[1]
    return re.findall(r":\s*(\S+\.md)\s*$", nav, flags=re.M)


def test_the_nav_has_the_handbook_parts_and_every_page() -> None:
    pages = _nav_pages()
    for page in (
        "index.md",
        "tutorial.md",
        "concepts.md",
        "rules.md",
        "commands.md",
        "api.md",
        "verification.md",
        "operations.md",
    ):
        assert page in pages
    on_disk = sorted(p.name for p in DOCS.glob("*.md"))
    assert sorted(pages) == on_disk, "a page of docs/ is missing from the nav"


def test_the_theme_is_material_built_strictly_in_ci() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "name: material" in config
    assert "anchors: warn" in config  # and --strict turns warnings into errors
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in makefile
    steps = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert steps.index("make docs") < steps.index("exec make test")
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^docs = \[.*"mkdocs>=.*"mkdocs-material>=', pyproject, re.M)


def test_the_readme_links_the_handbook() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/index.md)" in readme
    assert "make docs" in readme


def test_rule_ids_become_links_outside_code_links_and_headings() -> None:
    link = _hooks().link_rules
    assert link("see SR-10 and SR-12…SR-14.") == (
        "see [SR-10](rules.md#sr-10) and [SR-12](rules.md#sr-12)…"
        "[SR-14](rules.md#sr-14)."
    )
    assert link("as DESIGN §4 says") == "as [DESIGN §4](design.md#design-4) says"
    kept = [
        "### SR-10 Recall trigger",
        "already [SR-10](#sr-10) linked",
        "code `SR-10` stays",
        '<a id="sr-10"></a>',
        "the SR-Maximalists",
        "```\nSR-10 in a fence\n```",
    ]
    for text in kept:
        assert link(text) == text, text
    assert link("SR-3", page="guide/x.md") == "[SR-3](../rules.md#sr-3)"
