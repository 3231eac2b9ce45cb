"""Issue 11, errors for people: refusals in a plain sentence, rule ids as links
to the rules page, no internal document names, and the rules page is ours."""

from __future__ import annotations

import pytest

from sovet.errors import (
    InputError,
    NotAuthenticated,
    NotAuthorized,
    RuleViolation,
    SovetError,
)
from sovet.web.handbook import RULES, rule_url, rules_html
from sovet.web.messages import plain, rule_link, rule_of
from tests.reliability.helpers import REPO


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            NotAuthorized("account 'sec' is not linked to a person (DESIGN §6)"),
            "Account 'sec' is not linked to a person.",
        ),
        (
            NotAuthorized(
                "'sec' is not member in 'petrograd' (DESIGN §6: a member acts only "
                "where they belong)"
            ),
            "'sec' is not member in 'petrograd' (a member acts only where they "
            "belong).",
        ),
        (NotAuthenticated("DESIGN §6: log in first"), "Log in first."),
        (
            RuleViolation("SR-7", "ballot repeats a candidate: ('a', 'b', 'a')"),
            "Ballot repeats a candidate: a, b, a.",
        ),
        (
            RuleViolation("SR-8", "decisions on seats nobody contested: ['x']"),
            "Decisions on seats nobody contested: x.",
        ),
        (
            InputError("a receipt is 64 hexadecimal characters", key="receipt"),
            "A receipt is 64 hexadecimal characters.",
        ),
        (SovetError(""), "This was refused."),
    ],
)
def test_a_refusal_reads_as_a_sentence(error: SovetError, sentence: str) -> None:
    text = plain(error)
    assert text == sentence
    assert "DESIGN" not in text
    assert "§" not in text
    assert not text.startswith("SR-")


def test_only_sr_rules_are_cited_and_linked() -> None:
    assert rule_of(RuleViolation("SR-7", "x")) == "SR-7"
    assert rule_of(NotAuthorized("x")) is None  # it cites no SR rule
    assert rule_of(InputError("x")) is None
    assert (
        str(rule_link("SR-12")) == '<a class="rule" href="/rules#sr-12">rule SR-12</a>'
    )
    assert rule_url("DESIGN §6") is None


def test_every_rule_has_its_anchor_on_the_rules_page() -> None:
    html = rules_html()
    for n in range(1, 33):
        assert f'<a id="sr-{n}"></a>' in html
        assert f"SR-{n} " in html
    assert "<table>" in html


def test_the_served_rules_are_docs_rules_md() -> None:
    """The package ships a copy (a server has no repository): keep it equal —
    after editing docs/rules.md, copy it to src/sovet/web/handbook/rules.md."""
    assert RULES.read_bytes() == (REPO / "docs" / "rules.md").read_bytes()


def test_a_refused_file_row_names_the_file_line_and_column() -> None:
    error = InputError(
        "'x' is not a date (YYYY-MM-DD)", source="members.csv", line=3, key="birth_date"
    )
    assert plain(error) == (
        "In members.csv, line 3, column birth_date: 'x' is not a date (YYYY-MM-DD)."
    )
    assert plain(InputError("seats must be a whole number", key="seats")) == (
        "Seats must be a whole number."
    )
