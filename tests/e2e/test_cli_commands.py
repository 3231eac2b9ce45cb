"""``sovet commands``: the engine's commands from their declarations, in the
terminal and as JSON — and the HTTP API's OpenAPI schema describes each field
with the same words (one declaration, every edge)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sovet.cli.app import app
from sovet.domain import COMMANDS
from sovet.server import create_app
from sovet.services.bootstrap import bootstrap
from sovet.services.reference import command_reference, to_json

runner = CliRunner()


def test_json_lists_every_command_with_its_fields() -> None:
    result = runner.invoke(app, ["commands", "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer == to_json(command_reference())
    assert {item["name"] for item in answer} == {
        cls.declaration.name for cls in COMMANDS.values()
    }


def test_one_command_as_json_is_a_list_of_one() -> None:
    result = runner.invoke(app, ["commands", "petition_recall", "--format", "json"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.output)
    assert item["name"] == "petition_recall"
    signers = next(f for f in item["fields"] if f["name"] == "signers")
    assert signers == {
        "name": "signers",
        "type": "list of string",
        "required": False,
        "description": COMMANDS["petition_recall"].declaration.fields["signers"],
    }


def test_text_shows_a_command_with_its_fields() -> None:
    result = runner.invoke(app, ["commands", "count_election"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "SR-7: count an election" in result.output
    assert "POST /api/constituencies/commands/count_election" in result.output
    for field in ("minutes_signed_by", "ballots[].voter", "tallies"):
        assert field in result.output


def test_text_lists_every_command() -> None:
    result = runner.invoke(app, ["commands"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.output.splitlines() if line.strip()}
    assert {doc.name for doc in command_reference()} <= listed


def test_an_unknown_command_is_refused_naming_the_known_ones() -> None:
    result = runner.invoke(app, ["commands", "recall_everyone"])
    assert result.exit_code == 2
    assert "no command 'recall_everyone'" in result.output
    assert "petition_recall" in result.output


def _body_schema(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def test_the_openapi_schema_carries_the_same_descriptions(tmp_path: Path) -> None:
    with bootstrap(str(tmp_path / "empty.db"), create=True) as services:
        schema = create_app(services).openapi()
    checked = 0
    for doc in command_reference():
        declared = COMMANDS[doc.name].declaration
        if doc.route is None:
            assert declared.issuers.service_only
            continue
        path = doc.route.removeprefix("POST ")
        operation = schema["paths"][path]["post"]
        assert operation["summary"] == doc.summary
        properties = _body_schema(schema, operation)["properties"]
        for item in doc.fields:
            if "." in item.name:  # a nested table's field: its own component
                continue
            assert properties[item.name].get("description") == item.description, (
                doc.name,
                item.name,
            )
            checked += 1
    assert checked > 200
