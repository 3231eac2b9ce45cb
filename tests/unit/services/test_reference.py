"""The command reference is read from the declarations, and docs/commands.md is it.

``docs/commands.md`` must be exactly what ``python -m sovet.cli.reference
--write`` makes from the code today (as sqlite-utils tests its docs): a field
added, renamed or described anew without ``make docs-commands`` fails here.
The reference covers every command and every field, with the type, whether it
is required and the description its ``Annotated`` type gives.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sovet.cli.reference import main
from sovet.domain import COMMANDS
from sovet.services.reference import (
    command_reference,
    find_command,
    markdown_text,
    to_json,
    to_markdown,
)
from tests.conftest import REPO

COMMANDS_MD = REPO / "docs" / "commands.md"


def test_docs_commands_md_is_generated_from_the_declarations() -> None:
    assert COMMANDS_MD.read_text(encoding="utf-8") == to_markdown(
        command_reference()
    ), "docs/commands.md is out of date: run `make docs-commands` and commit it"


def test_the_check_entry_point_fails_on_a_stale_file(tmp_path: Path) -> None:
    current = tmp_path / "commands.md"
    assert main(["--write", str(current)]) == 0
    assert main(["--check", str(current)]) == 0
    current.write_text(current.read_text().replace("| yes |", "| no |", 1))
    assert main(["--check", str(current)]) == 1
    assert main(["--check", str(tmp_path / "missing.md")]) == 1


def test_every_command_is_listed_once_by_its_declared_name() -> None:
    names = [doc.name for doc in command_reference()]
    assert names == sorted({cls.declaration.name for cls in COMMANDS.values()})
    text = COMMANDS_MD.read_text(encoding="utf-8")
    for name in names:
        assert f'<a id="{name}"></a>' in text


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_field_with_its_description_and_whether_required(name: str) -> None:
    cls = COMMANDS[name]
    doc = find_command(name)
    assert doc is not None
    assert doc.summary == cls.declaration.summary
    top = {item.name: item for item in doc.fields if "." not in item.name}
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert list(top) == [f.name for f in fields]
    for item in fields:
        entry = top[item.name]
        assert entry.description == cls.declaration.fields[item.name]
        assert entry.required == (
            item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
        )
        assert entry.type
        assert "<class" not in entry.type
        assert "typing" not in entry.type


def test_the_json_form_is_a_list_of_name_summary_fields() -> None:
    answer = to_json(command_reference())
    assert len(answer) == len({cls.declaration.name for cls in COMMANDS.values()})
    for item in answer:
        assert set(item) == {"name", "summary", "fields"}
        for entry in item["fields"]:
            assert set(entry) == {"name", "type", "required", "description"}
            assert isinstance(entry["required"], bool)
            assert entry["description"], (item["name"], entry["name"])


def test_types_are_in_the_words_of_a_scenario_file() -> None:
    apportion = find_command("apportion_congress")
    count = find_command("count_election")
    assert apportion is not None
    assert count is not None
    types = {item.name: item.type for item in (*apportion.fields, *count.fields)}
    assert types["at"] == "string"
    assert types["units"] == "list of tables"
    assert types["units[].members"] == "integer"  # the nested table's fields
    assert types["minutes_signed_by"] == "list of string"
    assert types["tallies"] == "table of string → integer"
    assert types["ballots[].ranking"] == "list of string"


def test_service_only_commands_have_no_route_and_say_so() -> None:
    doc = find_command("record_vote_cast")
    assert doc is not None
    assert doc.route is None
    assert "no generic HTTP route" in doc.issuers
    resign = find_command("resign")
    assert resign is not None
    assert resign.route == "POST /api/holds/commands/resign"
    assert "the person named by `person` themselves" in resign.issuers


def test_rule_ids_become_links_except_in_code() -> None:
    assert markdown_text("SR-12…SR-14: see ``SR-3``") == (
        "[SR-12](rules.md#sr-12)…[SR-14](rules.md#sr-14): see `SR-3`"
    )
    assert markdown_text("as DESIGN §4 says") == (
        "as [DESIGN §4](design.md#design-4) says"
    )
