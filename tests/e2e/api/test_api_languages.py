"""A refusal's sentence in the caller's language; the error JSON stays the same.

``message`` is English in every language (scripts read it, like ``rule`` and
``field``); a request in another shipped language (``Accept-Language`` or
``?lang=``) also gets ``localized``: ``{"lang", "message"}`` in that language.
"""

from __future__ import annotations

from tests.e2e.api.conftest import Api


def test_an_english_request_gets_the_error_contract_unchanged(api: Api) -> None:
    plain = api.client.get("/api/elections/nope")
    english = api.client.get("/api/elections/nope", headers={"Accept-Language": "en"})
    assert plain.status_code == english.status_code == 404
    assert plain.content == english.content
    assert plain.json() == {
        "error": {
            "rule": "SR-7",
            "field": None,
            "message": "unknown election 'nope'",
        }
    }


def test_a_swedish_request_gets_the_sentence_in_swedish_beside_the_english(
    api: Api,
) -> None:
    plain = api.client.get("/api/elections/nope").json()["error"]
    answer = api.client.get(
        "/api/elections/nope", headers={"Accept-Language": "sv-SE,sv;q=0.9"}
    )
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert {k: error[k] for k in ("rule", "field", "message")} == plain
    assert error["localized"] == {"lang": "sv", "message": "val 'nope' finns inte"}


def test_the_lang_parameter_chooses_russian(api: Api) -> None:
    answer = api.client.get(
        "/api/elections/nope?lang=ru", headers={"Accept-Language": "sv"}
    )
    error = answer.json()["error"]
    assert error["rule"] == "SR-7"
    assert error["message"] == "unknown election 'nope'"
    assert error["localized"] == {
        "lang": "ru",
        "message": "не найдено: выборы 'nope'",
    }


def test_a_refused_command_names_the_same_rule_in_every_language(api: Api) -> None:
    admin = api.token(api.user("root", "administrator"))
    body = {"at": "1918-02-01", "faction": "bolsheviks", "name": "B"}
    answers = {
        lang: api.client.post(
            "/api/bodies/commands/register_faction",
            json=body,
            headers={**admin, "Accept-Language": lang},
        )
        for lang in ("en", "sv", "ru")
    }
    errors = {lang: a.json()["error"] for lang, a in answers.items()}
    assert {a.status_code for a in answers.values()} == {409}, errors
    assert errors["en"] == {
        "rule": "SR-18",
        "field": None,
        "message": "faction 'bolsheviks' already exists",
    }
    for lang in ("sv", "ru"):
        assert {k: errors[lang][k] for k in ("rule", "field", "message")} == errors[
            "en"
        ]
    assert errors["sv"]["localized"]["message"] == "fraktionen 'bolsheviks' finns redan"
    assert errors["ru"]["localized"]["message"] == "фракция 'bolsheviks' уже существует"
