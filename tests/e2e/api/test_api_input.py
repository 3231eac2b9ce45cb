"""Bad input is answered 4xx with the error contract and writes nothing (DESIGN §4)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.e2e.api.conftest import Api

PATH = "/api/bodies/commands/register_faction"
GOOD = '{"at": "1918-02-01", "faction": "anarchists", "name": "Anarchists"}'


@pytest.mark.parametrize(
    ("content", "status", "needle"),
    [
        ('{"at": "1918-02-01", "faction": ', 422, "JSON"),
        ("[1, 2, 3]", 422, "JSON object"),
        ("", 422, "empty"),
        (
            '{"at": "1918-02-01", "faction": "a", "name": "A", "name": "B"}',
            422,
            "twice",
        ),
        ('{"at": "1918-02-01", "faction": 7, "name": "A"}', 422, "faction"),
        ('{"at": "1918-02-01", "faction": "a", "name": "A", "x": 1}', 422, "'x'"),
        ('{"at": "1918-02-01", "name": "A"}', 422, "faction"),
        ('{"at": "not a date", "faction": "a", "name": "A"}', 422, "ISO 8601"),
        (
            '{"at": "1918-02-01", "faction": "a", "name": "' + "x" * 70_000 + '"}',
            413,
            "exceeds",
        ),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_written(
    api: Api, content: str, status: int, needle: str
) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    answer = api.client.post(
        PATH,
        content=content.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert set(error) == {"rule", "field", "message"}
    assert error["rule"] is None or re.fullmatch(r"SR-\d+", error["rule"])
    assert needle in error["message"]
    assert api.head() == before


def test_a_body_that_is_not_declared_json_is_refused(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    answer = api.client.post(
        PATH, content=GOOD.encode(), headers={**admin, "Content-Type": "text/plain"}
    )
    assert answer.status_code == 422
    assert "application/json" in answer.json()["error"]["message"]
    assert api.head() == before


def test_a_good_body_after_the_bad_ones_is_accepted(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    answer = api.client.post(
        PATH,
        content=GOOD.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    events = answer.json()["events"]
    assert [e["type"] for e in events] == ["FactionRegistered"]
    assert api.head() == (before[0] + 1, events[0]["hash"])


def test_a_nested_unknown_field_is_refused(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    body = {
        "at": "1918-02-01",
        "government": "g",
        "name": "G",
        "assembly": "congress-3",
        "nominated_by": "bolsheviks",
        "offices": [{"office": "x", "person": "lenin", "surprise": True}],
    }
    answer = api.client.post(
        "/api/government/commands/submit_government_list", json=body, headers=admin
    )
    assert answer.status_code == 422
    assert "surprise" in answer.json()["error"]["message"]
    assert api.head() == before


def test_unknown_paths_and_methods_follow_the_contract(api: Api) -> None:
    assert api.client.get("/api/nowhere").json()["error"]["rule"] is None
    wrong = api.client.get(PATH)
    assert wrong.status_code == 405
    assert "error" in wrong.json()


def test_a_chunked_body_without_length_is_cut_at_the_limit(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    before = api.head()
    chunk = b'{"at": "1918-02-01", "faction": "a", "name": "' + b"x" * 30_000

    def chunks() -> Iterator[bytes]:
        yield chunk
        yield b"x" * 30_000
        yield b"x" * 30_000 + b'"}'

    answer = api.client.post(
        PATH,
        content=chunks(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert "content-length" not in {k.lower() for k in answer.request.headers}
    assert answer.status_code == 413
    assert "exceeds" in answer.json()["error"]["message"]
    assert api.head() == before


def test_no_error_names_a_document_section(api: Api) -> None:
    """Issue 12: the error JSON names the rule (SR-n) or the field, never a
    section of a document."""
    answers = [
        api.client.get("/api/nowhere"),
        api.client.get("/api/auth/me"),
        api.client.post("/api/auth/login", json={"name": "x"}),
        api.client.post("/api/auth/login", json={"name": "x", "password": "y"}),
    ]
    for answer in answers:
        error = answer.json()["error"]
        assert error["rule"] is None or re.fullmatch(r"SR-\d+", error["rule"])
        assert "§" not in str(error.get("rule"))
    missing = answers[2].json()["error"]
    assert missing["field"] == "password"
